import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { alloc, AllocBuffer, DefaultAllocator } from "../../allocators/mod.ts";
import {
  adapt,
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  copy,
  InvalidMemoryError,
  MemoryValidity,
  NDArray,
  reset,
  similar,
  similarOf,
  UncheckedBumperAllocator,
  zerosLike,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

const invalid = {
  name: "InvalidMemoryError",
  message: /^Array accessed after its memory has been deallocated/,
};

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

/** A 2×3 CheckedAllocArray allocated by `b`, filled with 1..6, and `b` reset afterwards. */
function freedArray(): CheckedAllocArray<Float64Array> {
  const b = new BumperAllocator(1 << 12);
  const input = new CheckedAllocArray(new Float64Array(6), [2, 3]);
  const y = withAllocator(b, () => similar(input));
  y.data.set([1, 2, 3, 4, 5, 6]);
  reset(b);
  return y;
}

describe("CheckedAllocArray", () => {
  afterEach(() => {
    CheckedAllocArray.recordAllocationSites = false;
  });

  it("CheckedAllocArray constructor wraps heap memory without copying, always valid", () => {
    const data = new Float64Array([1, 2, 3, 4]);
    const c = new CheckedAllocArray(data, [2, 2]);
    assert.equal(c.data, data);
    assert.ok(c.isValid);
    assert.ok(c instanceof AllocArray && c instanceof NDArray);
    const nd = new NDArray(data, [2, 2]).transpose();
    const d = new CheckedAllocArray(nd);
    assert.deepEqual(d.toNested(), [[1, 3], [2, 4]]);
    assert.equal(new CheckedAllocArray(c), c);
    assert.equal(CheckedAllocArray.from(c), c);
    assert.equal(new AllocArray(c), c, "AllocArray of a CheckedAllocArray is itself");
  });

  it("CheckedAllocArray constructor rejects an AllocArray, whose memory lifetime is unknown", () => {
    const a = AllocArray.from(new Float64Array(2));
    assert.throws(() => new CheckedAllocArray(a), {
      name: "TypeError",
      message:
        /Cannot create a CheckedAllocArray from an? AllocArray: the lifetime of an AllocArray's memory is unknown/,
    });
    assert.throws(() => CheckedAllocArray.from(a), TypeError);
  });

  it("CheckedAllocArray constructor rejects bad sources, layouts and validities", () => {
    assert.throws(() => new CheckedAllocArray([1] as never), TypeError);
    assert.throws(() => new CheckedAllocArray(new NDArray(new Float64Array(2)), [2]), {
      name: "TypeError",
      message: /apply to a typed-array source only/,
    });
    assert.throws(() => new CheckedAllocArray(new Float64Array(2), [3]), RangeError);
    assert.throws(
      () =>
        new CheckedAllocArray(new Float64Array(2), undefined, undefined, undefined, {} as never),
      { name: "TypeError", message: /validity must be a MemoryValidity, got an? Object/ },
    );
  });

  it("CheckedAllocArray constructor validates whatever follows the validity: trusted construction cannot be forged", () => {
    const Loose = CheckedAllocArray as unknown as new (...args: unknown[]) => CheckedAllocArray;
    for (const t of [Symbol("allocarrays.trusted"), Symbol("allocarrays.wrap"), true, {}]) {
      assert.throws(() => new Loose(new Float64Array(2), [10], [1], 0, undefined, t), {
        name: "RangeError",
        message: /outside data of length 2/,
      });
      assert.throws(() => new Loose(new Float64Array(2), [2], [1], 0, {}, t), {
        name: "TypeError",
        message: /validity must be a MemoryValidity/,
      });
    }
    // Wrapping takes an n-d array's own layout, not what a subclass's getters claim.
    class Boastful extends NDArray<Float64Array> {
      override get shape(): readonly number[] {
        return [1000];
      }
    }
    const c = new CheckedAllocArray(new Boastful(new Float64Array(4), [2, 2]));
    assert.deepEqual(c.shape, [2, 2]);
    assert.equal(c.data.length, 4);
  });

  it("CheckedAllocArray under a BumperAllocator throws on every element access path after reset", () => {
    const cases: [string, (y: CheckedAllocArray<Float64Array>) => unknown][] = [
      ["data", (y) => y.data],
      ["get", (y) => y.get(0, 0)],
      ["set", (y) => y.set(0, 0, 1)],
      ["fill", (y) => y.fill(0)],
      ["iteration", (y) => [...y]],
      ["toNested", (y) => y.toNested()],
      ["slice", (y) => y.slice([0, 1])],
      ["reshape", (y) => y.reshape(6)],
      ["transpose", (y) => y.transpose()],
      ["permute", (y) => y.permute(1, 0)],
      ["pick", (y) => y.pick(0)],
      ["broadcastTo", (y) => y.broadcastTo(2, 2, 3)],
      ["similar", (y) => similar(y)],
      ["similar (heap)", (y) => withAllocator(new BumperAllocator(64), () => similar(y))],
      ["copy", (y) => copy(y)],
      ["zerosLike", (y) => zerosLike(y)],
      ["similarOf", (y) => similarOf([1, y])],
    ];
    for (const [what, use] of cases) {
      const y = freedArray();
      assert.equal(y.isValid, false);
      assert.throws(() => use(y), invalid, what);
    }
  });

  it("CheckedAllocArray keeps metadata readable and prints as deallocated after reset", () => {
    const y = freedArray();
    assert.deepEqual(y.shape, [2, 3]);
    assert.deepEqual(y.strides, [3, 1]);
    assert.equal(y.dtype, Float64Array);
    assert.equal(y.size, 6);
    assert.equal(inspect(y), "CheckedAllocArray<Float64Array 2×3> (memory deallocated)");
  });

  it("CheckedAllocArray iteration throws when the memory is freed mid-iteration", () => {
    const b = new BumperAllocator(1 << 12);
    const input = new CheckedAllocArray(new Float64Array(4));
    const y = withAllocator(b, () => similar(input)).fill(1);
    const it = y[Symbol.iterator]();
    assert.equal(it.next().value, 1);
    reset(b);
    assert.throws(() => it.next(), invalid);
  });

  it("CheckedAllocArray views share the parent's validity", () => {
    const b = new BumperAllocator(1 << 12);
    const input = new CheckedAllocArray(new Float64Array(12), [3, 4]);
    const y = withAllocator(b, () => similar(input));
    const views = [y.slice([1]), y.transpose(), y.reshape(2, 6), y.pick(null, 1), y.pick(0, 0)];
    for (const v of views) {
      assert.ok(v instanceof CheckedAllocArray);
      assert.ok(v.isValid);
    }
    reset(b);
    for (const v of views) {
      assert.equal(v.isValid, false);
      assert.throws(() => v.data, invalid);
    }
  });

  it("CheckedAllocArray allocated under the heap or wrapped stays valid across resets", () => {
    const b = new BumperAllocator(1 << 12);
    const input = new CheckedAllocArray(new Float64Array([1, 2]));
    const heap = similar(input);
    assert.ok(heap instanceof CheckedAllocArray);
    withAllocator(b, () => similar(input));
    reset(b);
    assert.ok(input.isValid && heap.isValid);
    assert.deepEqual([...input], [1, 2]);
  });

  it("CheckedAllocArray cannot be allocated from allocators that do not track validity", () => {
    const input = new CheckedAllocArray(new Float64Array(2));
    for (
      const [alloc, name] of [
        [new UncheckedBumperAllocator(1024), "UncheckedBumperAllocator"],
        [new AllocBuffer(1024), "AllocBuffer"],
        [new TestBump(1024), "TestBump"],
      ] as const
    ) {
      assert.throws(() => withAllocator(alloc, () => similar(input)), {
        name: "TypeError",
        message: new RegExp(
          `Cannot allocate a CheckedAllocArray from an? ${name}: it cannot invalidate the array when it frees the memory \\(it has no trackChecked method\\); use a BumperAllocator`,
        ),
      });
    }
  });

  it("similar() of a CheckedAllocArray rejects a validity that is not a MemoryValidity, leaving no trusted mark behind", () => {
    const input = new CheckedAllocArray(new Float64Array(2));
    const inner = new TestBump(1024);
    const liar = Object.assign(inner, {
      trackChecked: () => ({ valid: true }) as unknown as MemoryValidity,
    });
    assert.throws(() => withAllocator(liar, () => similar(input)), {
      name: "TypeError",
      message:
        /Cannot allocate a CheckedAllocArray from a TestBump: its trackChecked\(\) returned an Object, not a MemoryValidity/,
    });
    // Construction after the failure is validated as ever (no trusted mark left behind).
    assert.throws(() => new NDArray(new Float64Array(1), [1000], [1], 0), RangeError);
    assert.throws(() => new AllocArray(new Float64Array(1), [1000], [1], 0), RangeError);
  });

  it("CheckedAllocArray.recordAllocationSites includes the allocation site in the error", () => {
    CheckedAllocArray.recordAllocationSites = true;
    const b = new BumperAllocator(1 << 12);
    const input = new CheckedAllocArray(new Float64Array(4));
    function allocateTheScratchArray() {
      return similar(input);
    }
    const y = withAllocator(b, allocateTheScratchArray);
    const view = y.slice([1]);
    reset(b);
    for (const a of [y, view]) {
      const err = caught(() => a.get(0));
      assert.ok(err instanceof InvalidMemoryError);
      assert.match(err.message, /; it was allocated at:\n\s+at allocateTheScratchArray /);
      assert.match(err.allocationSite!, /allocateTheScratchArray/);
    }
  });

  it("InvalidMemoryError without a recorded site says what freed the memory and how to record sites", () => {
    const err = new InvalidMemoryError();
    assert.equal(
      err.message,
      "Array accessed after its memory has been deallocated (by a reset of its allocator or the end of the region it was allocated in); set CheckedAllocArray.recordAllocationSites = true before allocating it to see where it was allocated",
    );
    assert.equal(err.allocationSite, undefined);
    assert.equal(err.name, "InvalidMemoryError");
    assert.ok(err instanceof Error);
  });

  it("MemoryValidity.invalidate() invalidates every array sharing it", () => {
    const v = new MemoryValidity();
    const a = new CheckedAllocArray(new Float64Array(3), undefined, undefined, undefined, v);
    const b = new CheckedAllocArray(new Int8Array(3), undefined, undefined, undefined, v);
    assert.ok(a.isValid && b.isValid && v.valid);
    v.invalidate();
    assert.ok(!a.isValid && !b.isValid && !v.valid);
    assert.equal(Object.prototype.toString.call(v), "[object MemoryValidity]");
  });

  it("CheckedAllocArray access in a long loop still throws once the memory is freed", () => {
    // get/set check validity with reads that V8 compiles as bounds checks once the loop is
    // hot: the first access after the reset must still fail, and so must every later one.
    const b = new BumperAllocator();
    const [c, m] = withAllocator(b, () => {
      const c = similar(new CheckedAllocArray(new Float64Array(64)));
      const m = similar(new CheckedAllocArray(new Float64Array(64), [8, 8]));
      return [c, m] as const;
    });
    let total = 0;
    for (let r = 0; r < 2000; r++) {
      for (let i = 0; i < 64; i++) c.set(i, r + i);
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) m.set(i, j, i * j);
      for (let i = 0; i < 64; i++) total += c.get(i);
      for (let i = 0; i < 8; i++) total += m.get(i, 7);
    }
    assert.equal(c.get(63), 1999 + 63);
    assert.equal(total, 2000 * (64 * 63 / 2) + 64 * (1999 * 2000 / 2) + 2000 * 7 * 28);
    reset(b);
    for (let r = 0; r < 3; r++) {
      assert.throws(() => c.get(0), invalid);
      assert.throws(() => c.set(0, 1), invalid);
      assert.throws(() => m.get(1, 1), invalid);
      assert.throws(() => m.set(1, 1, 1), invalid);
      assert.throws(() => c.data, invalid);
    }
  });

  it("a MemoryValidity subclass decides with its own valid, however hot the access", () => {
    class Switch extends MemoryValidity {
      on = true;
      override get valid(): boolean {
        return this.on && super.valid;
      }
    }
    const v = new Switch();
    const c = new CheckedAllocArray(new Float64Array(8), undefined, undefined, undefined, v);
    for (let r = 0; r < 5000; r++) c.set(r & 7, r);
    assert.equal(c.get(7), 4999);
    v.on = false;
    assert.throws(() => c.get(0), invalid);
    assert.throws(() => c.set(0, 1), invalid);
    assert.equal(c.isValid, false);
    v.on = true;
    assert.equal(c.get(7), 4999);
    v.invalidate();
    assert.throws(() => c.get(7), invalid);
  });

  it("an empty CheckedAllocArray's data is readable while valid, and refused after", () => {
    const v = new MemoryValidity();
    const empty = new CheckedAllocArray(new Float64Array(0), undefined, undefined, undefined, v);
    assert.equal(empty.data.length, 0);
    assert.equal(empty.size, 0);
    v.invalidate();
    assert.throws(() => empty.data, invalid);
  });

  it("CheckedAllocArray.fromNested() and adapt() build always-valid checked arrays", () => {
    const c = CheckedAllocArray.fromNested([[1, 2], [3, 4]], Int32Array);
    assert.ok(c instanceof CheckedAllocArray && c.isValid);
    const m = adapt({ w: new Float64Array(2) }, CheckedAllocArray);
    assert.ok(m.w instanceof CheckedAllocArray);
  });

  it("CheckedAllocArray prints as a CheckedAllocArray while valid", () => {
    const c = CheckedAllocArray.fromNested([1, 2]);
    assert.equal(inspect(c), "CheckedAllocArray<Float64Array 2> [1, 2]");
    assert.equal(Object.prototype.toString.call(c), "[object CheckedAllocArray]");
  });
});

// Issue 13 item 5: a CheckedAllocArray made without a validity is always valid, so it is refused
// over memory an allocator frees.
describe("CheckedAllocArray over an allocator's memory", () => {
  it("new CheckedAllocArray(allocArray.data) of a bump-allocated array is refused", () => {
    const b = new BumperAllocator(new AllocBuffer(1024));
    const a = withAllocator(b, () => similar(AllocArray.from(new Float64Array(4))));
    assert.throws(() => new CheckedAllocArray(a.data), (e) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot create a CheckedAllocArray over a Float64Array in an allocator's memory: nothing would tell the array when the allocator frees it/,
      );
      return true;
    });
    assert.throws(() => CheckedAllocArray.from(new NDArray(a.data, [2, 2])), TypeError);
  });

  it("adapt(value, CheckedAllocArray) of a view into an arena is refused", () => {
    const buf = new AllocBuffer(1024);
    const w = alloc(buf, Float32Array, 6);
    assert.throws(() => adapt({ w }, CheckedAllocArray), /in an allocator's memory/);
  });

  it("a view of a user allocator's memory, once the library allocated from it, is refused too", () => {
    const bump = new TestBump(1024);
    const view = withAllocator(bump, () => similar(AllocArray.from(new Float64Array(2)))).data;
    assert.throws(() => new CheckedAllocArray(view), /in an allocator's memory/);
  });

  it("with the MemoryValidity the allocator invalidates, an arena view is accepted", () => {
    const b = new BumperAllocator(new AllocBuffer(1024));
    const view = alloc(b, Float64Array, 4);
    const c = new CheckedAllocArray(view, undefined, undefined, undefined, b.trackChecked());
    c.fill(1);
    reset(b);
    assert.throws(() => c.get(0), InvalidMemoryError);
  });

  it("heap typed arrays stay accepted, the heap allocator's included", () => {
    const heap = alloc(new DefaultAllocator(), Float64Array, 2);
    assert.ok(new CheckedAllocArray(heap).isValid);
    assert.ok(new CheckedAllocArray(new Float64Array(2)).isValid);
  });
});
