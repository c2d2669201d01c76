import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  defaultBuffer,
  ELEMENT_TYPES,
  noEscape,
  type Ptr,
  type TypedArray,
  type TypedArrayConstructor,
  withBuffer,
} from "../../allocators/mod.ts";
import { AllocArray, similar } from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { MyAllocBuffer } from "../../examples/my_alloc_buffer.ts";

/**
 * A user-written allocator over `inner` with an `allocView`, which tells `seen` each element
 * type and length it is asked for.
 */
function viewingAllocator(
  inner: MyAllocBuffer,
  seen: (type: TypedArrayConstructor, n: number) => void,
): Allocator<number> {
  return {
    allocPtr: (n, a) => inner.allocPtr(n, a),
    checkpointSave: () => inner.checkpointSave(),
    checkpointRestore: (cp) => inner.checkpointRestore(cp),
    resetBuffer: () => inner.resetBuffer(),
    allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
      seen(type as unknown as TypedArrayConstructor, n);
      const p: Ptr = inner.allocPtr(n * type.BYTES_PER_ELEMENT, type.BYTES_PER_ELEMENT);
      return new type(p.buffer, p.byteOffset, n);
    },
  };
}

describe("alloc", () => {
  it("alloc() makes a typed array of prod(dims) elements of the buffer's memory", () => {
    const buf = new AllocBuffer(4096);
    const m = alloc(buf, Float32Array, 3, 4, 5);
    assert.ok(m instanceof Float32Array);
    assert.equal(m.length, 60);
    assert.equal(m.buffer, buf.memory);
    assert.equal(buf.used, 240);
  });

  it("alloc() without dimensions makes one element and with a zero dimension an empty view", () => {
    const buf = new AllocBuffer(64);
    assert.equal(alloc(buf, Float64Array).length, 1);
    alloc(buf, Uint8Array, 1);
    const empty = alloc(buf, Float64Array, 4, 0);
    assert.equal(empty.length, 0);
    assert.equal(empty.byteOffset, 16, "aligned like any allocation");
    assert.equal(alloc(buf, Int32Array, 0).length, 0);
  });

  it("alloc() supports every element type, aligned to its size", () => {
    const buf = new AllocBuffer(4096);
    for (const type of ELEMENT_TYPES) {
      alloc(buf, Uint8Array, 1); // misalign on purpose
      const v = alloc(buf, type as TypedArrayConstructor<TypedArray>, 3);
      assert.ok(v instanceof type, type.name);
      assert.equal(v.length, 3);
      assert.equal(v.byteOffset % type.BYTES_PER_ELEMENT, 0, type.name);
    }
    const big = alloc(buf, BigInt64Array, 2);
    big[1] = -5n;
    assert.equal(big[1], -5n);
  });

  it("alloc(type, ...dims) uses the current default buffer", () => {
    const mine = new AllocBuffer(1024);
    withBuffer(mine, () => {
      const y = alloc(Float64Array, 2, 3);
      assert.equal(y.buffer, mine.memory);
      assert.equal(y.length, 6);
      assert.equal(alloc(Uint8Array).length, 1);
    });
    const y = noEscape(() => alloc(Int16Array, 5).buffer);
    assert.equal(y, (alloc(defaultBuffer(), Int16Array, 0)).buffer);
  });

  it("alloc(type, n) takes the default buffer's memory however it allocates, also for a repeated type", () => {
    // Each default buffer kind: a bump core, a user allocator through allocPtr, and one with
    // allocView. The second and third calls repeat the element type (the path for a type seen
    // last), and a bad count in between changes nothing.
    const views: string[] = [];
    const inner = new MyAllocBuffer(1024);
    const withView = viewingAllocator(inner, (type, n) => views.push(`${type.name} ${n}`));
    const core = new AllocBuffer(1024);
    const plain = new MyAllocBuffer(1024);
    const cases: [Allocator<unknown>, () => ArrayBufferLike, () => number][] = [
      [core, () => core.memory, () => core.used],
      [plain, () => plain.buf, () => plain.offset],
      [withView, () => inner.buf, () => inner.offset],
    ];
    for (const [buf, memory, used] of cases) {
      withBuffer(buf, () => {
        const a = alloc(Float64Array, 3);
        const b = alloc(Float64Array, 2);
        assert.throws(() => alloc(Float64Array, -1), RangeError);
        assert.throws(() => alloc(Float64Array, 1.5), RangeError);
        assert.throws(() => alloc(Float64Array, "2" as never), TypeError);
        const c = alloc(Float64Array, 1);
        for (const v of [a, b, c]) assert.equal(v.buffer, memory());
        assert.deepEqual([a.byteOffset, b.byteOffset, c.byteOffset], [0, 24, 40]);
        assert.equal(used(), 48);
      });
    }
    assert.deepEqual(views, ["Float64Array 3", "Float64Array 2", "Float64Array 1"]);
  });

  it("alloc() works through allocPtr for allocators without allocView", () => {
    const buf = new MyAllocBuffer(100);
    alloc(buf, Uint8Array, 3);
    const y = alloc(buf, Float64Array, 2);
    assert.equal(y.byteOffset, 8);
    assert.equal(y.buffer, buf.buf);
    assert.equal(buf.offset, 24);
  });

  it("alloc() passes a validated type and length to a user allocator's allocView", () => {
    const calls: [string, number][] = [];
    const inner = new MyAllocBuffer(1024);
    const buf = viewingAllocator(inner, (type, n) => calls.push([type.name, n]));
    alloc(buf, Float64Array, 2, 3);
    alloc(buf, Uint8Array, 7);
    assert.throws(() => alloc(buf, Float64Array, -1), RangeError);
    assert.throws(() => alloc(buf, Array as never, 1), TypeError);
    assert.deepEqual(calls, [["Float64Array", 6], ["Uint8Array", 7]]);
  });

  it("alloc() returns uninitialised memory: what a freed allocation left is still there", () => {
    const buf = new AllocBuffer(1024);
    noEscape(buf, () => {
      alloc(buf, Float64Array, 4).fill(7);
      return 0;
    });
    const y = noEscape(buf, () => Array.from(alloc(buf, Float64Array, 4)));
    assert.deepEqual(y, [7, 7, 7, 7]);
  });
});

// Issue 13 item 6: what a user allocator returns is checked on every allocation, with an error
// naming the allocator, so a lying allocator never yields a wrong-length or misplaced array.
describe("alloc from an allocator that lies", () => {
  // MyAllocBuffer with allocPtr replaced by `answer`.
  class Liar extends MyAllocBuffer {
    constructor(readonly answer: (n: number, alignment: number) => unknown) {
      super(256);
    }
    override allocPtr(n: number, alignment: number): Ptr {
      return this.answer(n, alignment) as Ptr;
    }
  }
  const mem = new ArrayBuffer(64);
  const cases: [string, (n: number, a: number) => unknown, typeof TypeError, RegExp][] = [
    ["not a pointer", () => 42, TypeError, /returned 42, not a Ptr/],
    [
      "a pointer to a plain array",
      () => ({ buffer: [1, 2], byteOffset: 0 }),
      TypeError,
      /returned a buffer that is an Array of length 2, not an ArrayBuffer or SharedArrayBuffer/,
    ],
    [
      "a string offset",
      () => ({ buffer: mem, byteOffset: "8" }),
      TypeError,
      /returned byteOffset "8", not a number/,
    ],
    [
      "a negative offset",
      () => ({ buffer: mem, byteOffset: -8 }),
      RangeError,
      /returned byteOffset -8, not a non-negative integer/,
    ],
    [
      "a misaligned offset",
      () => ({ buffer: mem, byteOffset: 3 }),
      RangeError,
      /returned byteOffset 3, not a multiple of the alignment 8/,
    ],
    [
      "a region too short",
      () => ({ buffer: mem, byteOffset: 0 }),
      RangeError,
      /returned bytes 0\.\.80, past the end of its buffer of 64 bytes/,
    ],
  ];
  for (const [what, answer, kind, message] of cases) {
    it(`alloc() and similar() refuse ${what}, naming the allocator`, () => {
      const liar = new Liar(answer);
      const runs: (() => unknown)[] = [
        () => alloc(liar, Float64Array, 10),
        () => similar(AllocArray.from(new Float64Array(10))),
      ];
      for (const run of runs) {
        assert.throws(() => withAllocator(liar, run), (e) => {
          assert.ok(e instanceof kind, `expected ${kind.name}, got ${e}`);
          assert.match(
            (e as Error).message,
            /^Cannot allocate 80 bytes aligned to 8 from a Liar: its allocPtr /,
          );
          assert.match((e as Error).message, message);
          return true;
        });
      }
    });
  }

  it("alloc() refuses an allocView that returns the wrong length or type, naming the allocator", () => {
    const short = Object.assign(new MyAllocBuffer(256), {
      allocView: (_type: TypedArrayConstructor, n: number) => new Float64Array(n - 1) as never,
    });
    assert.throws(
      () => alloc(short, Float64Array, 10),
      /^TypeError: Cannot allocate 10 elements of Float64Array from a MyAllocBuffer: its allocView returned a Float64Array of 9 elements, not a Float64Array of 10 elements/,
    );
    const wrongType = Object.assign(new MyAllocBuffer(256), {
      allocView: (_type: TypedArrayConstructor, n: number) => new Int32Array(n) as never,
    });
    assert.throws(() => alloc(wrongType, Float64Array, 3), /returned an Int32Array of 3 elements/);
  });

  it("a shape-[10] array from a truthful user allocator reads all 10 elements", () => {
    const bump = new MyAllocBuffer(256);
    const y = withAllocator(bump, () => similar(AllocArray.from(new Float64Array(10))));
    y.data.fill(1);
    assert.equal(y.get(9), 1);
  });
});
