import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AllocBuffer, noEscape, OutOfMemoryError } from "../../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  copy,
  InvalidMemoryError,
  NDArray,
  reset,
  similar,
  similarOf,
  zerosLike,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

function iota(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i + 1);
}

describe("similar", () => {
  it("similar() of an AllocArray allocates from the current allocator", () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(iota(6), [2, 3]);
    const b = withAllocator(bump, () => similar(a));
    assert.ok(b instanceof AllocArray);
    assert.equal(b.data.buffer, bump.buf);
    assert.deepEqual(b.shape, [2, 3]);
    assert.deepEqual(b.strides, [3, 1]);
    assert.equal(b.dtype, Float64Array);
    assert.equal(bump.offset, 48);
    assert.equal(bump.allocations, 1);
  });

  it("similar() of an AllocArray outside any scope allocates a zeroed heap AllocArray", () => {
    const a = new AllocArray(iota(4));
    const b = similar(a);
    assert.ok(b instanceof AllocArray);
    assert.notEqual(b.data.buffer, a.data.buffer);
    assert.deepEqual([...b], [0, 0, 0, 0]);
  });

  it("similar() of a plain n-d array or typed array allocates from the heap even in a scope", () => {
    const bump = new TestBump(1024);
    const [b, c] = withAllocator(bump, () => [similar(new NDArray(iota(4))), similar(iota(3))]);
    assert.ok(!(b instanceof AllocArray) && b instanceof NDArray);
    assert.ok(!(c instanceof AllocArray) && c instanceof NDArray);
    assert.deepEqual(c.shape, [3]);
    assert.equal(bump.allocations, 0);
  });

  it("similar() takes another element type and shape, aligned to the element size", () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(new Uint8Array(3));
    const [x, y] = withAllocator(bump, () => [similar(a), similar(a, Float64Array, [2, 2])]);
    assert.equal(x.dtype, Uint8Array);
    assert.equal(y.dtype, Float64Array);
    assert.deepEqual(y.shape, [2, 2]);
    assert.equal(y.data.byteOffset % 8, 0);
    assert.equal(y.data.byteOffset, 8);
    const z = similar(a, null, [5]);
    assert.equal(z.dtype, Uint8Array);
    assert.deepEqual(z.shape, [5]);
  });

  it("similar() of a CheckedAllocArray with another element type or shape is a CheckedAllocArray the allocator tracks", () => {
    const memory = new ArrayBuffer(1024);
    const b = new BumperAllocator(new AllocBuffer(memory));
    const c = new CheckedAllocArray(iota(6), [2, 3]);
    const made = withAllocator(b, () => [
      similar(c, Int32Array),
      similar(c, null, [3, 2]),
      similar(c, Float32Array, [4]),
      similar(c, Uint8Array, [2, 2]),
    ]);
    const expected = [[Int32Array, [2, 3]], [Float64Array, [3, 2]], [Float32Array, [4]], [
      Uint8Array,
      [2, 2],
    ]] as const;
    for (const [i, x] of made.entries()) {
      assert.ok(x instanceof CheckedAllocArray, `result ${i} is a CheckedAllocArray`);
      assert.equal(x.dtype, expected[i][0]);
      assert.deepEqual(x.shape, expected[i][1]);
      assert.ok(x.isContiguous && x.isValid);
      assert.equal(x.data.buffer, memory, "from the allocator");
    }
    assert.equal(b.tracked, 4);
    reset(b);
    for (const x of made) {
      assert.equal(x.isValid, false);
      assert.throws(() => x.get(0), InvalidMemoryError);
    }
    assert.ok(c.isValid, "the input is heap memory, never invalidated");
  });

  it("similar() of a CheckedAllocArray with another element type or shape: heap outside a scope, refused where nothing would invalidate it", () => {
    const c = new CheckedAllocArray(iota(4));
    const heap = similar(c, Int16Array, [2, 2]);
    assert.ok(heap instanceof CheckedAllocArray && heap.isValid);
    assert.deepEqual([...heap.data], [0, 0, 0, 0]);
    const bump = new TestBump(1024);
    assert.throws(
      () => withAllocator(bump, () => similar(c, Float32Array, [3])),
      /^TypeError: Cannot allocate a CheckedAllocArray from a TestBump: it cannot invalidate/,
    );
    assert.equal(bump.allocations, 0, "nothing allocated");
    const b = new BumperAllocator(1024);
    const freed = withAllocator(b, () => similar(c, null, [2]));
    reset(b);
    assert.throws(
      () => withAllocator(b, () => similar(freed, Int32Array, [5])),
      InvalidMemoryError,
    );
    assert.equal(b.tracked, 0);
  });

  it("similar() of a view is a contiguous array of the view's shape", () => {
    const a = new AllocArray(iota(12), [3, 4]).transpose().slice([1]);
    const b = similar(a);
    assert.deepEqual(b.shape, [3, 3]);
    assert.ok(b.isContiguous);
    assert.equal(b.size, 9);
  });

  it("similar() rejects bad inputs, element types and shapes, allocating nothing", () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(iota(3));
    withAllocator(bump, () => {
      assert.throws(() => similar([1, 2] as never), {
        name: "TypeError",
        message:
          /Cannot allocate a similar array: expected a typed array or n-d array, got an Array/,
      });
      assert.throws(() => similar(a, Array as never), {
        name: "TypeError",
        message: /element type must be a typed-array constructor.*got Array/,
      });
      assert.throws(() => similar(a, null, [2, -1]), {
        name: "RangeError",
        message: /dimension 1 must be a non-negative safe integer, got -1/,
      });
      assert.throws(() => similar(a, null, 3 as never), { name: "TypeError", message: /got 3/ });
    });
    assert.equal(bump.offset, 0);
  });
});

describe("similar, zerosLike and similarOf of shapes larger than the runtime gives", () => {
  it("similar(), zerosLike() and similarOf() on the heap: an OutOfMemoryError naming the size, not the runtime's message", () => {
    const big = new NDArray(new Float64Array(1), [1]).broadcastTo(2 ** 20, 2 ** 20);
    const bytes = 8 * 2 ** 40;
    const refused = (e: unknown) =>
      e instanceof OutOfMemoryError && e.requested === bytes &&
      e.message.startsWith(
        `Cannot allocate ${bytes} bytes (${2 ** 40} Float64Array elements): the runtime refused`,
      );
    assert.throws(() => zerosLike(big), refused);
    assert.throws(() => similar(new Float64Array(1), null, [2 ** 20, 2 ** 20]), refused);
    assert.throws(
      () => similar(AllocArray.from(new Float64Array(1)), null, [2 ** 20, 2 ** 20]),
      refused,
    );
    assert.throws(() => similarOf([1, 2], null, [2 ** 20, 2 ** 20]), refused);
  });
});

describe("copy", () => {
  it("copy() copies a strided view into a new contiguous array of the same kind", () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(iota(12), [3, 4]);
    const v = a.slice(null, [null, null, -2]).transpose(); // 2×3
    const c = withAllocator(bump, () => copy(v));
    assert.ok(c instanceof AllocArray);
    assert.equal(c.data.buffer, bump.buf);
    assert.deepEqual(c.toNested(), v.toNested());
    assert.ok(c.isContiguous);
    c.set(0, 0, -1);
    assert.notEqual(v.get(0, 0), -1, "the copy does not share memory");
  });

  it("copy() handles 0-d, 1-d, 2-d, n-d and typed-array inputs", () => {
    const nd = new NDArray(iota(24), [2, 3, 4]).permute(2, 0, 1);
    assert.deepEqual(copy(nd).toNested(), nd.toNested());
    assert.deepEqual(copy(nd.pick(1)).toNested(), nd.pick(1).toNested());
    assert.deepEqual(copy(nd.pick(1, 1)).toNested(), nd.pick(1, 1).toNested());
    assert.equal(copy(nd.pick(1, 1, 1)).get(), nd.get(1, 1, 1));
    const t = copy(iota(3));
    assert.ok(t instanceof NDArray);
    assert.deepEqual([...t], [1, 2, 3]);
    assert.throws(() => copy("x" as never), TypeError);
  });
});

describe("zerosLike", () => {
  it("zerosLike() zeroes memory from a bump allocator that held other data", () => {
    const bump = new TestBump(1024);
    new Float64Array(bump.buf).fill(7);
    const a = new AllocArray(iota(4));
    const z = withAllocator(bump, () => zerosLike(a, null, [2, 2]));
    assert.equal(z.data.buffer, bump.buf);
    assert.deepEqual(z.toNested(), [[0, 0], [0, 0]]);
    const big = zerosLike(new BigInt64Array(2));
    assert.deepEqual([...big], [0n, 0n]);
  });
});

describe("similarOf", () => {
  it("similarOf() picks an AllocArray among mixed inputs and ignores scalars", () => {
    const bump = new TestBump(1024);
    const plain = iota(3);
    const nd = new NDArray(iota(3));
    const wrapped = new AllocArray(iota(3));
    const r = withAllocator(bump, () => similarOf([plain, 2, nd, wrapped]));
    assert.ok(r instanceof AllocArray);
    assert.equal(r.data.buffer, bump.buf);
    const p = withAllocator(bump, () => similarOf([2, plain, nd], Int32Array, [2]));
    assert.ok(!(p instanceof AllocArray));
    assert.equal(p.dtype, Int32Array);
    assert.equal(bump.allocations, 1);
  });

  it("similarOf() with only scalars needs a shape and defaults to Float64Array", () => {
    const r = similarOf([1, 2], null, [2, 2]);
    assert.equal(r.dtype, Float64Array);
    assert.deepEqual(r.shape, [2, 2]);
    assert.throws(() => similarOf([1, 2]), {
      name: "TypeError",
      message: /no array among 2 inputs and no shape given/,
    });
    assert.throws(() => similarOf(new Float64Array(2) as never), TypeError);
  });
});

// similar() under a buffer with a bump core recycles the view and AllocArray objects of bytes
// that were freed and are handed out again; nothing a program that uses arrays only while their
// memory is live can observe.
describe("similar: recycled objects", () => {
  it("similar() hands out the same AllocArray again only for re-allocated bytes of the same layout", () => {
    const b = new BumperAllocator(new AllocBuffer(4096));
    const a = new AllocArray(iota(6), [2, 3]);
    const seen = withAllocator(b, () => {
      const out: AllocArray[] = [];
      for (let i = 0; i < 3; i++) {
        noEscape(b, () => {
          const x = similar(a), y = similar(a);
          assert.notEqual(x, y, "two live arrays are two objects");
          assert.notEqual(x.data, y.data);
          x.data.fill(i);
          y.data.fill(-i);
          assert.deepEqual([...x], [i, i, i, i, i, i]);
          out.push(x);
        });
      }
      return out;
    });
    assert.equal(seen[1], seen[0], "the same bytes and layout: the same object");
    assert.equal(seen[2], seen[0]);
  });

  it("similar() never gives a live array's object to another allocation", () => {
    const b = new BumperAllocator(new AllocBuffer(4096));
    const a = new AllocArray(iota(4));
    withAllocator(b, () => {
      const first = noEscape(b, () => similar(a).shape); // freed at once
      const kept = similar(a); // lives until the reset: same bytes as the freed one
      const other = noEscape(b, () => {
        const o = similar(a);
        assert.notEqual(o, kept);
        assert.notEqual(o.data, kept.data);
        assert.ok(o.data.byteOffset >= kept.data.byteOffset + kept.data.byteLength);
        return o.size;
      });
      assert.equal(other, 4);
      assert.deepEqual(first, [4]);
    });
  });

  it("similar() with another shape or element type over recycled bytes makes a new array", () => {
    const b = new BumperAllocator(new AllocBuffer(4096));
    const a = new AllocArray(iota(6), [2, 3]);
    withAllocator(b, () => {
      const x = noEscape(b, () => similar(a).strides);
      const y = noEscape(b, () => {
        const r = similar(a, null, [3, 2]);
        assert.deepEqual(r.shape, [3, 2]);
        assert.deepEqual(r.strides, [2, 1]);
        return r.strides;
      });
      assert.deepEqual(x, [3, 1]);
      assert.deepEqual(y, [2, 1]);
      noEscape(b, () => {
        const r = similar(a, Float32Array);
        assert.equal(r.dtype, Float32Array);
        assert.equal(r.data.length, 6);
      });
    });
  });

  it("similar() of a CheckedAllocArray never recycles: a stale one still throws after its bytes are reused", () => {
    const b = new BumperAllocator(new AllocBuffer(4096));
    const input = new CheckedAllocArray(iota(4));
    withAllocator(b, () => {
      const stale = similar(input);
      stale.fill(1);
      reset(b);
      const fresh = similar(input); // the same bytes
      fresh.fill(2);
      assert.equal(fresh.data.byteOffset, 0);
      assert.notEqual(fresh, stale);
      assert.throws(() => stale.get(0), /deallocated/);
      assert.equal(fresh.get(0), 2);
    });
  });

  it("similar() recycles a pass of more arrays than the table first holds, after two passes, and never two live ones as one", () => {
    const n = 1000;
    const b = new BumperAllocator(new AllocBuffer(n * 3 * 8 + 64));
    const a = new AllocArray(iota(3));
    const passes: AllocArray[][] = [];
    withAllocator(b, () => {
      for (let pass = 0; pass < 5; pass++) {
        const arrays: AllocArray[] = [];
        for (let i = 0; i < n; i++) {
          const x = similar(a);
          x.data.fill(pass * n + i);
          arrays.push(x);
        }
        // Every array of the pass is its own object over its own bytes, with its contents.
        assert.equal(new Set(arrays).size, n);
        assert.equal(new Set(arrays.map((x) => x.data)).size, n);
        arrays.forEach((x, i) =>
          assert.deepEqual([...x], [pass * n + i, pass * n + i, pass * n + i])
        );
        passes.push(arrays);
        reset(b);
      }
    });
    const same = (p: number, q: number) => passes[p].filter((x, i) => x === passes[q][i]).length;
    assert.ok(same(1, 0) < n / 2, `pass 1 reused ${same(1, 0)} of pass 0's objects`);
    assert.ok(same(3, 2) > 0.95 * n, `pass 3 reused only ${same(3, 2)} of pass 2's objects`);
    assert.ok(same(4, 3) > 0.95 * n, `pass 4 reused only ${same(4, 3)} of pass 3's objects`);
  });

  it("similar() keeps recycling a short loop after a long pass of arrays at new offsets", () => {
    const b = new BumperAllocator(new AllocBuffer(1 << 20));
    const a = new AllocArray(iota(4));
    withAllocator(b, () => {
      for (let i = 0; i < 10_000; i++) similar(a); // never allocated there again
      const objects = new Set<unknown>();
      for (let i = 0; i < 100; i++) {
        noEscape(b, () => {
          const x = similar(a);
          if (i >= 10) objects.add(x);
        });
      }
      assert.equal(objects.size, 1, "the same object in every region once recycling resumed");
    });
  });

  it("similar() of an empty array gives a new object every time", () => {
    const b = new BumperAllocator(new AllocBuffer(4096));
    const a = new AllocArray(new Float64Array(0));
    withAllocator(b, () => {
      const x = similar(a), y = similar(a);
      assert.notEqual(x, y);
      assert.equal(x.size, 0);
    });
  });
});
