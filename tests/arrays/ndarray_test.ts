import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import { asNDArray, isTypedArray, NDArray } from "../../arrays/mod.ts";

type N = number | N[];

/** Python slicing of a JS array (the reference for NDArray.slice). */
function pySlice<E>(xs: E[], start: number | null, stop: number | null, step: number): E[] {
  const n = xs.length;
  const norm = (v: number) => (v < 0 ? v + n : v);
  const out: E[] = [];
  if (step > 0) {
    const s = start === null ? 0 : norm(start);
    const e = stop === null ? n : norm(stop);
    for (let i = s; i < e; i += step) out.push(xs[i]);
  } else {
    const s = start === null ? n - 1 : Math.min(norm(start), n - 1);
    const e = stop === null ? -1 : norm(stop);
    for (let i = s; i > e; i += step) out.push(xs[i]);
  }
  return out;
}

function range(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i);
}

describe("NDArray", () => {
  it("NDArray constructor defaults to a 1-d row-major view of the whole typed array", () => {
    const data = range(5);
    const a = new NDArray(data);
    assert.equal(a.data, data);
    assert.deepEqual(a.shape, [5]);
    assert.deepEqual(a.strides, [1]);
    assert.equal(a.offset, 0);
    assert.equal(a.size, 5);
    assert.equal(a.ndim, 1);
    assert.equal(a.dtype, Float64Array);
  });

  it("NDArray constructor computes row-major strides and honours explicit strides and offset", () => {
    const data = range(24);
    const a = new NDArray(data, [2, 3, 4]);
    assert.deepEqual(a.strides, [12, 4, 1]);
    assert.equal(a.get(1, 2, 3), 23);
    const b = new NDArray(data, [2, 2], [-4, 1], 10);
    assert.deepEqual(b.toNested(), [[10, 11], [6, 7]]);
  });

  it("NDArray constructor does not copy: writes through the typed array are visible", () => {
    const data = range(4);
    const a = new NDArray(data, [2, 2]);
    data[3] = 99;
    assert.equal(a.get(1, 1), 99);
    a.set(0, 1, -1);
    assert.equal(data[1], -1);
  });

  it("NDArray constructor rejects non-typed-array data with a TypeError naming it", () => {
    assert.throws(() => new NDArray([1, 2, 3] as never), {
      name: "TypeError",
      message: /data must be a typed array, got an Array of length 3/,
    });
    assert.throws(() => new NDArray(new DataView(new ArrayBuffer(8)) as never), /a DataView/);
  });

  it("NDArray constructor rejects bad shapes, strides and offsets with RangeError/TypeError", () => {
    const data = range(6);
    assert.throws(() => new NDArray(data, [2, -3]), {
      name: "RangeError",
      message: /dimension 1 must be >= 0, got -3/,
    });
    assert.throws(() => new NDArray(data, [2.5, 2]), {
      name: "RangeError",
      message: /dimension 0 must be an integer, got 2.5/,
    });
    assert.throws(() => new NDArray(data, ["2"] as never), TypeError);
    assert.throws(() => new NDArray(data, 6 as never), TypeError);
    assert.throws(() => new NDArray(data, [2, 4]), {
      name: "RangeError",
      message: /reaches indices 0\.\.7, outside data of length 6/,
    });
    assert.throws(() => new NDArray(data, [2, 3], [3]), /one entry per axis/);
    assert.throws(() => new NDArray(data, [2, 3], [3, NaN]), /stride 1 must be an integer/);
    assert.throws(() => new NDArray(data, [3], [-1], 1), /reaches indices -1\.\.1/);
    assert.throws(() => new NDArray(data, [2], [1], 5), /outside data of length 6/);
    assert.throws(() => new NDArray(data, [0], [1], 7), /offset 7 is outside/);
  });

  it("NDArray constructor validates whatever follows the layout: trusted construction cannot be forged", () => {
    const data = range(6);
    const lookalikes = [
      Symbol("allocarrays.trusted"),
      Symbol.for("allocarrays.trusted"),
      Symbol("allocarrays.wrap"),
      true,
      "trusted",
      {},
    ];
    const Loose = NDArray as unknown as new (...args: unknown[]) => NDArray;
    for (const t of lookalikes) {
      assert.throws(() => new Loose(data, [2, 4], [4, 1], 0, t), {
        name: "RangeError",
        message: /outside data of length 6/,
      });
      assert.throws(() => new Loose(data, [7], [1], 0, t), RangeError);
      assert.throws(() => new Loose(new NDArray(data), undefined, undefined, undefined, t), {
        name: "TypeError",
        message: /data must be a typed array, got a NDArray/,
      });
    }
    // A subclass passing its own extra argument to super is validated too.
    class Sneaky extends NDArray<Float64Array> {
      constructor(d: Float64Array, shape: number[], token: unknown) {
        super(d, shape, undefined, undefined, token as never);
      }
    }
    assert.throws(() => new Sneaky(data, [100], Symbol("allocarrays.trusted")), RangeError);
    assert.deepEqual(new Sneaky(data, [2, 3], Symbol()).strides, [3, 1]);
  });

  it("NDArray views of a subclass go through its makeView, which validates like any construction", () => {
    class Tagged extends NDArray<Float64Array> {
      protected override makeView(shape: number[], strides: number[], offset: number): Tagged {
        return new Tagged(this.data, shape, strides, offset);
      }
    }
    const t = new Tagged(range(6), [2, 3]);
    assert.ok(t.transpose() instanceof Tagged);
    assert.deepEqual(t.transpose().toNested(), [[0, 3], [1, 4], [2, 5]]);
    class Lying extends NDArray<Float64Array> {
      protected override makeView(shape: number[], strides: number[], offset: number): Lying {
        return new Lying(this.data, shape.map((d) => d * 10), strides, offset);
      }
    }
    assert.throws(() => new Lying(range(6), [2, 3]).transpose(), /outside data of length 6/);
  });

  it("NDArray supports 0-d arrays and empty axes", () => {
    const s = new NDArray(new Float64Array([7]), []);
    assert.equal(s.size, 1);
    assert.equal(s.ndim, 0);
    assert.equal(s.get(), 7);
    s.set(8);
    assert.equal(s.toNested(), 8);
    assert.deepEqual([...s], [8]);
    const e = new NDArray(new Float64Array(0), [3, 0]);
    assert.equal(e.size, 0);
    assert.deepEqual(e.toNested(), [[], [], []]);
    assert.deepEqual([...e], []);
    assert.ok(e.isContiguous);
  });

  it("NDArray.get() and set() reject wrong index counts, out-of-range and fractional indices", () => {
    const a = new NDArray(range(6), [2, 3]);
    assert.throws(() => a.get(0), {
      name: "RangeError",
      message: /Cannot read element \[0\]: expected 2 indices for shape \[2, 3\], got 1/,
    });
    assert.throws(() => a.get(2, 0), {
      name: "RangeError",
      message: /index 2 is out of range for axis 0 of length 2/,
    });
    assert.throws(() => a.get(0, -1), /index -1 is out of range for axis 1 of length 3/);
    assert.throws(() => a.get(0, 0.5), /index 1 must be an integer, got 0\.5/);
    assert.throws(() => a.get(0, "1" as never), {
      name: "TypeError",
      message: /index 1 must be a number, got "1"/,
    });
    assert.throws(() => a.set(0, 3, 1), /Cannot write element \[0, 3\]/);
    assert.throws(() => a.set(0, 0, "x" as never), {
      name: "TypeError",
      message: /value must be a number, got "x"/,
    });
    assert.throws(() => (a.set as () => void)(), RangeError);
    assert.deepEqual([...a.data], [0, 1, 2, 3, 4, 5], "failed writes leave the data unchanged");
  });

  it("NDArray.get() and set() of 1-d and 2-d views read and write the element the layout names", () => {
    // Every kind of 1-d and 2-d view: offsets, steps, reversed axes, transposes, broadcasts.
    const base = new NDArray(range(60), [6, 10]);
    const views: NDArray[] = [
      base,
      base.slice([1, 5], [null, null, 3]),
      base.slice([null, null, -2], [8, 1, -1]),
      base.transpose(),
      base.pick(3),
      base.pick(null, 7),
      base.pick(2).slice([null, null, -3]),
      new NDArray(range(4), [4]).broadcastTo(3, 4),
      new NDArray(range(12)),
    ];
    for (const v of views) {
      const nested = v.toNested() as N[];
      const expected = v.ndim === 1 ? nested.map((e) => [e]) : nested as N[][];
      const rows = v.shape[0], cols = v.ndim === 1 ? 1 : v.shape[1];
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          assert.equal(v.ndim === 1 ? v.get(i) : v.get(i, j), expected[i][j]);
        }
      }
    }
    const copy = new NDArray(new Float64Array(60), [6, 10]);
    const t = copy.transpose().slice([null, null, -1]);
    for (let i = 0; i < 10; i++) for (let j = 0; j < 6; j++) t.set(i, j, 100 * i + j);
    assert.deepEqual(
      copy.toNested(),
      Array.from({ length: 6 }, (_, r) => Array.from({ length: 10 }, (_, c) => 100 * (9 - c) + r)),
    );
    const row = copy.pick(4).slice([1, null, 2]);
    row.set(2, -1);
    assert.equal(copy.get(4, 5), -1);
    assert.equal(row.get(2), -1);
  });

  it("NDArray.get() and set() check each index and the number of indices, whatever the layout", () => {
    const v = new NDArray(range(10)).slice([2, 8]), m = new NDArray(range(12), [3, 4]);
    for (const bad of [-1, 6, 0.5, NaN, Infinity]) {
      assert.throws(() => v.get(bad), RangeError, `get(${bad})`);
      assert.throws(() => v.set(bad, 1), RangeError, `set(${bad}, 1)`);
      assert.throws(() => m.get(bad, 0), RangeError);
      assert.throws(() => m.get(0, bad), RangeError);
      assert.throws(() => m.set(0, bad, 1), RangeError);
    }
    assert.throws(() => v.get("1" as never), TypeError);
    assert.throws(() => v.set("1" as never, 1), TypeError);
    assert.throws(() => v.get(1, undefined as never), /expected 1 indices for shape \[6\], got 2/);
    assert.throws(() => v.get(), /expected 1 indices for shape \[6\], got 0/);
    assert.throws(() => m.get(1), /expected 2 indices for shape \[3, 4\], got 1/);
    assert.throws(() => m.get(1, 2, 0), /expected 2 indices for shape \[3, 4\], got 3/);
    assert.throws(() => v.set(1, 2, 3), /expected 1 indices for shape \[6\], got 2/);
    assert.throws(() => m.set(1, 2), /expected 2 indices for shape \[3, 4\], got 1/);
    assert.throws(() => m.set(1, 2, 1n as never), /value must be a number, got 1n/);
    assert.deepEqual([...m.data], [...range(12)], "failed writes leave the data unchanged");
    // 0-d and 3-d arrays take the general path.
    const z = NDArray.fromNested(5);
    assert.equal(z.get(), 5);
    z.set(6);
    assert.equal(z.get(), 6);
    const c = new NDArray(range(24), [2, 3, 4]);
    assert.equal(c.get(1, 2, 3), 23);
    c.set(1, 2, 3, -5);
    assert.equal(c.data[23], -5);
    assert.throws(() => c.get(1, 2), /expected 3 indices/);
  });

  it("NDArray.set() checks indices the same way on axes longer than 2^20 elements and with more than four arguments", () => {
    // Long axes: 1-d, and each axis of a 2-d array (strided views, so the data stays small).
    const n = 2 ** 20 + 3;
    const v = new NDArray(new Float64Array(n));
    v.set(n - 1, 4);
    v.set(0, 5);
    assert.equal(v.data[n - 1], 4);
    assert.equal(v.data[0], 5);
    for (const bad of [-1, n, 0.5, NaN]) {
      assert.throws(() => v.set(bad, 1), RangeError, `set(${bad}, 1) on ${n} elements`);
    }
    const d = new Float64Array(n + 1);
    const tall = new NDArray(d, [n, 1], [1, 1]), wide = new NDArray(d, [1, n], [1, 1]);
    tall.set(n - 1, 0, 6);
    wide.set(0, n - 2, 7);
    assert.deepEqual([d[n - 1], d[n - 2]], [6, 7]);
    assert.throws(() => tall.set(n, 0, 1), /index \d+ is out of range for axis 0/);
    assert.throws(() => wide.set(0, n, 1), /index \d+ is out of range for axis 1/);
    assert.throws(() => tall.set(0, 1, 1), /index 1 is out of range for axis 1 of length 1/);
    // Five and six arguments: a 4-d array, and too many indices for a 2-d one.
    const q = new NDArray(range(16), [2, 2, 2, 2]);
    q.set(1, 0, 1, 1, -3);
    assert.equal(q.data[11], -3);
    assert.throws(() => q.set(1, 0, 1, -3), /expected 4 indices for shape \[2, 2, 2, 2\], got 3/);
    const m = new NDArray(range(12), [3, 4]);
    assert.throws(() => m.set(1, 2, 3, 4, 5), /expected 2 indices for shape \[3, 4\], got 4/);
    assert.throws(() => m.set(1, 2, undefined as never, 4), /expected 2 indices/);
    // Trailing undefined arguments are the same as absent ones.
    m.set(1, 2, 9, undefined as never);
    assert.equal(m.get(1, 2), 9);
    assert.throws(
      () => m.set(1, 2, undefined as never),
      /expected 2 indices for shape \[3, 4\], got 1/,
    );
    // After all these failures, writes in range still land where the layout says.
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) m.set(i, j, 10 * i + j);
    assert.deepEqual(m.toNested(), [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]]);
  });

  it("NDArray.get() and set() of 1-d and 2-d arrays over detached memory throw a TypeError", () => {
    const buffer = new ArrayBuffer(8 * 6);
    const v = new NDArray(new Float64Array(buffer)),
      m = new NDArray(new Float64Array(buffer), [2, 3]);
    v.set(1, 5);
    assert.equal(m.get(0, 1), 5);
    structuredClone(buffer, { transfer: [buffer] }); // as when sent to a Worker
    for (const f of [() => v.get(1), () => m.get(0, 1), () => v.set(1, 2), () => m.set(1, 2, 3)]) {
      assert.throws(f, { name: "TypeError", message: /memory was detached/ });
    }
  });

  it("NDArray.set() of bigint data takes bigints and names a number value", () => {
    const v = new NDArray(new BigInt64Array(4)), m = new NDArray(new BigUint64Array(4), [2, 2]);
    v.set(1, 7n);
    m.set(1, 0, 9n);
    assert.equal(v.get(1), 7n);
    assert.equal(m.get(1, 0), 9n);
    assert.throws(() => v.set(1, 7 as never), {
      name: "TypeError",
      message: /value must be a bigint, got 7/,
    });
    assert.throws(() => m.set(1, 1, 7 as never), {
      name: "TypeError",
      message: /must be a bigint/,
    });
    assert.deepEqual([...v.data], [0n, 7n, 0n, 0n]);
  });

  it("NDArray handles BigInt element types with bigint values", () => {
    const a = new NDArray(new BigInt64Array([1n, 2n, 3n, 4n]), [2, 2]);
    assert.equal(a.get(1, 0), 3n);
    a.set(1, 0, 30n);
    assert.deepEqual(a.toNested(), [[1n, 2n], [30n, 4n]]);
    assert.throws(() => a.set(0, 0, 1 as never), /value must be a bigint, got 1/);
    a.fill(5n);
    assert.deepEqual([...a], [5n, 5n, 5n, 5n]);
    const b = NDArray.fromNested([[1n], [2n]], BigUint64Array);
    assert.deepEqual(b.shape, [2, 1]);
    assert.throws(
      () => NDArray.fromNested([1, 2] as never, BigInt64Array),
      /element\[0\] must be a bigint/,
    );
  });

  it("NDArray.fromNested() infers the shape and rejects ragged input and bad elements", () => {
    const a = NDArray.fromNested([[[1, 2]], [[3, 4]], [[5, 6]]]);
    assert.deepEqual(a.shape, [3, 1, 2]);
    assert.equal(a.dtype, Float64Array);
    assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 6]);
    assert.equal(NDArray.fromNested(3).ndim, 0);
    assert.deepEqual(NDArray.fromNested([]).shape, [0]);
    assert.throws(() => NDArray.fromNested([[1, 2], [3]]), {
      name: "RangeError",
      message: /ragged nesting at \[1\]: expected an array of length 2/,
    });
    assert.throws(() => NDArray.fromNested([[1, 2], 3] as never), /ragged nesting at \[1\]/);
    assert.throws(() => NDArray.fromNested([1, "2"] as never), {
      name: "TypeError",
      message: /element\[1\] must be a number, got "2"/,
    });
    assert.throws(() => NDArray.fromNested([1], Array as never), TypeError);
  });

  it("NDArray.fromNested() of an array that contains itself is a RangeError naming where, not an endless loop", () => {
    const self: unknown[] = [1];
    self[0] = self;
    assert.throws(() => NDArray.fromNested(self as never), {
      name: "RangeError",
      message:
        /^Cannot create an n-d array from nested arrays: the nesting is cyclic: the element at \[0\] is an array that contains it$/,
    });
    const outer: unknown[] = [[1, 2], [3, 4]];
    (outer[0] as unknown[])[0] = outer;
    assert.throws(() => NDArray.fromNested(outer as never), /cyclic: the element at \[0\]\[0\]/);
    // Deeper in the nesting than the first elements, a cycle is a bad element.
    const row: unknown[] = [1, 2];
    const other: unknown[] = [[1, 2], row];
    row[1] = other;
    assert.throws(
      () => NDArray.fromNested(other as never),
      /element\[1\]\[1\] must be a number, got an Array/,
    );
  });

  it("NDArray.fromNested() of nesting deeper than 1024 levels is a RangeError, not a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(() => NDArray.fromNested(deep as never), {
      name: "RangeError",
      message:
        /^Cannot create an n-d array from nested arrays: the nesting is deeper than 1024 levels$/,
    });
    let ok: unknown = 7;
    for (let i = 0; i < 1024; i++) ok = [ok];
    const a = NDArray.fromNested(ok as never);
    assert.equal(a.ndim, 1024);
    assert.equal(a.data[0], 7);
  });

  it("NDArray.toNested() and fromNested() round-trip", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 }),
        (shape) => {
          const size = shape.reduce((x, y) => x * y, 1);
          const a = new NDArray(range(size), shape);
          const b = NDArray.fromNested(a.toNested() as N);
          if (size > 0) assert.deepEqual(b.shape, shape);
          assert.deepEqual(b.toNested(), a.toNested());
        },
      ),
    );
  });

  it("NDArray iterates over elements in row-major order whatever the strides", () => {
    const a = new NDArray(range(24), [2, 3, 4]);
    assert.deepEqual([...a], [...range(24)]);
    const p = a.permute(2, 0, 1);
    const expected: number[] = [];
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(a.get(i, j, k));
    }
    assert.deepEqual([...p], expected);
  });

  it("NDArray.slice() matches Python slicing on every axis", () => {
    const part = (n: number) => fc.option(fc.integer({ min: -n, max: n }), { nil: null });
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 5 })).chain((
          [n0, n1],
        ) =>
          fc.tuple(
            fc.constant([n0, n1]),
            fc.tuple(part(n0), part(n0), fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0)),
            fc.tuple(part(n1), part(n1), fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0)),
          )
        ),
        ([shape, s0, s1]) => {
          const a = new NDArray(range(shape[0] * shape[1]), shape);
          const v = a.slice(s0, s1);
          const rows = pySlice(a.toNested() as number[][], s0[0], s0[1], s0[2]);
          const expected = rows.map((r) => pySlice(r, s1[0], s1[1], s1[2]));
          assert.equal(v.shape[0], expected.length);
          if (expected.length > 0) assert.deepEqual(v.toNested(), expected);
          assert.equal(v.data, a.data, "slices share memory");
        },
      ),
    );
  });

  it("NDArray.slice() keeps unspecified axes whole and rejects bad specs", () => {
    const a = new NDArray(range(12), [3, 4]);
    assert.deepEqual(a.slice([1]).toNested(), [[4, 5, 6, 7], [8, 9, 10, 11]]);
    assert.deepEqual(a.slice(undefined, [3]).toNested(), [[3], [7], [11]]);
    assert.throws(() => a.slice(null, [0, 4, 0]), {
      name: "RangeError",
      message: /step of axis 1 must not be 0/,
    });
    assert.throws(() => a.slice([5]), {
      name: "RangeError",
      message: /start 5 is out of range for axis 0 of length 3/,
    });
    assert.throws(() => a.slice([0, -4]), /stop -4 is out of range/);
    assert.throws(() => a.slice(null, null, null), /got 3 slice specs for 2 axes/);
    assert.throws(() => a.slice(2 as never), { name: "TypeError", message: /got 2/ });
    assert.throws(() => a.slice([0.5]), /start of axis 0 must be an integer/);
  });

  it("NDArray.reshape() views contiguous arrays and infers one -1 dimension", () => {
    const a = new NDArray(range(12), [3, 4]);
    const r = a.reshape(2, 2, 3);
    assert.equal(r.data, a.data);
    assert.deepEqual(r.strides, [6, 3, 1]);
    assert.deepEqual([...r], [...a]);
    assert.deepEqual(a.reshape([-1, 6]).shape, [2, 6]);
    assert.deepEqual(a.reshape(-1).shape, [12]);
    assert.deepEqual(a.reshape(1, 12, 1).shape, [1, 12, 1]);
  });

  it("NDArray.reshape() views non-contiguous layouts when no copy is needed", () => {
    const a = new NDArray(range(24), [4, 6]);
    const v = a.slice(null, [null, null, 2]); // 4×3, strides [6, 2]
    assert.ok(!v.isContiguous);
    const r = v.reshape(2, 2, 3); // splits axis 0 only
    assert.equal(r.data, a.data);
    assert.deepEqual([...r], [...v]);
    const rows = a.slice([null, null, 2]); // 2×6, strides [12, 1]
    const r2 = rows.reshape(2, 2, 3);
    assert.deepEqual([...r2], [...rows]);
  });

  it("NDArray.reshape() of views matches the row-major element order or throws naming copy", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([2, 3, 4], [4, 6], [6, 2, 2], [24]),
        fc.constantFrom(0, 1, 2),
        fc.constantFrom([24], [2, 12], [3, 8], [4, 3, 2], [2, 2, 2, 3], [1, 24, 1]),
        (shape, how, target) => {
          let v = new NDArray(range(24), shape);
          if (how === 1) v = v.transpose();
          if (how === 2) v = v.slice([null, null, -1]);
          let r: NDArray;
          try {
            r = v.reshape(target);
          } catch (e) {
            assert.ok(e instanceof RangeError && /copy/.test(e.message));
            assert.ok(!v.isContiguous);
            return;
          }
          assert.equal(r.data, v.data);
          assert.deepEqual([...r], [...v]);
        },
      ),
    );
  });

  it("NDArray.reshape() rejects mismatched sizes and needs-a-copy layouts", () => {
    const a = new NDArray(range(12), [3, 4]);
    assert.throws(() => a.reshape(5, 2), {
      name: "RangeError",
      message: /shape \[5, 2\] has 10 elements, the array \[3, 4\] has 12/,
    });
    assert.throws(() => a.reshape(-1, 5), /cannot infer dimension 0/);
    assert.throws(() => a.reshape(-1, -1), /dimension 1 must be >= 0, got -1/);
    assert.throws(() => a.reshape(2, "6" as never), TypeError);
    assert.throws(() => a.transpose().reshape(12), {
      name: "RangeError",
      message: /cannot be viewed as \[12\] without copying; reshape copy\(a\) instead/,
    });
  });

  it("NDArray.transpose() reverses the axes and permute() reorders them without copying", () => {
    const a = new NDArray(range(24), [2, 3, 4]);
    const t = a.transpose();
    assert.deepEqual(t.shape, [4, 3, 2]);
    assert.equal(t.get(3, 2, 1), a.get(1, 2, 3));
    const p = a.permute(1, 2, 0);
    assert.deepEqual(p.shape, [3, 4, 2]);
    assert.equal(p.get(2, 3, 1), a.get(1, 2, 3));
    assert.equal(p.data, a.data);
    assert.throws(() => a.permute(0, 1), /expected 3 axes/);
    assert.throws(() => a.permute(0, 1, 1), {
      name: "RangeError",
      message: /\[0, 1, 1\] is not a permutation of 0\.\.2/,
    });
    assert.throws(() => a.permute(0, 1, 3), /not a permutation/);
  });

  it("NDArray.pick() fixes axes and rejects out-of-range indices", () => {
    const a = new NDArray(range(24), [2, 3, 4]);
    const p = a.pick(1, null, 2);
    assert.deepEqual(p.toNested(), [14, 18, 22]);
    assert.deepEqual(a.pick(0).shape, [3, 4]);
    assert.equal(a.pick(1, 2, 3).ndim, 0);
    assert.equal(a.pick(1, 2, 3).get(), 23);
    assert.throws(() => a.pick(2), {
      name: "RangeError",
      message: /index 2 is out of range for axis 0 of length 2/,
    });
    assert.throws(() => a.pick(0, 0, 0, 0), /got 4 indices for 3 axes/);
    assert.throws(() => a.pick("0" as never), TypeError);
  });

  it("NDArray.broadcastTo() repeats length-1 and missing axes with stride 0", () => {
    const col = new NDArray(range(3), [3, 1]);
    const b = col.broadcastTo(2, 3, 4);
    assert.deepEqual(b.shape, [2, 3, 4]);
    assert.deepEqual(b.strides, [0, 1, 0]);
    assert.equal(b.get(1, 2, 3), 2);
    assert.throws(() => col.broadcastTo(3, 2).reshape(6), /copy/);
    assert.throws(() => col.broadcastTo(2, 2), {
      name: "RangeError",
      message: /shape \[3, 1\] does not broadcast to \[2, 2\]/,
    });
    assert.throws(() => col.broadcastTo(3), /has more axes than/);
  });

  it("NDArray.fill() writes every element of a strided view only", () => {
    const a = new NDArray(range(12), [3, 4]);
    a.slice([null, null, 2], [1, null, 2]).fill(-1);
    assert.deepEqual(a.toNested(), [[0, -1, 2, -1], [4, 5, 6, 7], [8, -1, 10, -1]]);
    const t = new NDArray(range(24), [2, 3, 4]).permute(2, 1, 0);
    t.fill(1);
    assert.deepEqual([...t.data], new Array(24).fill(1));
    assert.throws(() => a.fill("1" as never), /value must be a number/);
  });

  it("NDArray.isContiguous ignores length-1 axes and detects gaps", () => {
    assert.ok(new NDArray(range(6), [2, 3]).isContiguous);
    assert.ok(new NDArray(range(6), [1, 6], [99, 1]).isContiguous);
    assert.ok(!new NDArray(range(6), [3], [2]).isContiguous);
    assert.ok(new NDArray(range(6), [2, 3]).pick(1).isContiguous);
    assert.ok(!new NDArray(range(6), [2, 3]).pick(null, 1).isContiguous);
  });

  it("NDArray prints its kind, element type, shape and small contents", () => {
    const a = NDArray.fromNested([[1, 2], [3, 4]]);
    assert.equal(inspect(a), "NDArray<Float64Array 2×2> [[1, 2], [3, 4]]");
    assert.equal(Object.prototype.toString.call(a), "[object NDArray]");
    assert.equal(String(a), "NDArray<Float64Array 2×2> [[1, 2], [3, 4]]");
    assert.equal(`${a.pick(1)}`, "NDArray<Float64Array 2> [3, 4]");
    assert.equal(
      NDArray.fromNested(1n, BigInt64Array).describe(),
      "NDArray<BigInt64Array scalar> 1n",
    );
    assert.equal(
      new NDArray(new Float64Array(0), [2, 0]).describe(),
      "NDArray<Float64Array 2×0> [[], []]",
    );
  });

  it("NDArray.describe() of more than 64 elements shows the first and last few along each axis", () => {
    assert.equal(
      new NDArray(range(100).map((v) => v + 1)).describe(),
      "NDArray<Float64Array 100> [1, 2, 3, ..., 98, 99, 100]",
    );
    assert.equal(
      new NDArray(new Int8Array(65)).describe(),
      "NDArray<Int8Array 65> [0, 0, 0, ..., 0, 0, 0]",
    );
    assert.equal(new NDArray(new Int8Array(64)).describe().split(", ").length, 64);
    // A strided view: the elements it shows are the view's, in its own order.
    const t = new NDArray(range(80), [8, 10]).transpose();
    assert.equal(
      t.describe(),
      "NDArray<Float64Array 10×8> [[0, 10, 20, ..., 50, 60, 70], [1, 11, 21, ..., 51, 61, 71], " +
        "[2, 12, 22, ..., 52, 62, 72], ..., [7, 17, 27, ..., 57, 67, 77], " +
        "[8, 18, 28, ..., 58, 68, 78], [9, 19, 29, ..., 59, 69, 79]]",
    );
    assert.equal(
      new NDArray(range(125), [5, 5, 5]).describe(),
      "NDArray<Float64Array 5×5×5> [[[0, 1, ..., 3, 4], [5, 6, ..., 8, 9], ..., " +
        "[15, 16, ..., 18, 19], [20, 21, ..., 23, 24]], [[25, 26, ..., 28, 29], " +
        "[30, 31, ..., 33, 34], ..., [40, 41, ..., 43, 44], [45, 46, ..., 48, 49]], ..., " +
        "[[75, 76, ..., 78, 79], [80, 81, ..., 83, 84], ..., [90, 91, ..., 93, 94], " +
        "[95, 96, ..., 98, 99]], [[100, 101, ..., 103, 104], [105, 106, ..., 108, 109], ..., " +
        "[115, 116, ..., 118, 119], [120, 121, ..., 123, 124]]]",
    );
    assert.equal(
      new NDArray(range(32 * 28 * 28), [32, 1, 28, 28]).describe(),
      "NDArray<Float64Array 32×1×28×28> [[[[0, ..., 27], ..., [756, ..., 783]]], ..., " +
        "[[[24304, ..., 24331], ..., [25060, ..., 25087]]]]",
    );
  });

  it("NDArray.describe() shows Float32 elements as the shortest decimal that reads back the same", () => {
    const f = new NDArray(Float32Array.from([0.1, 1 / 3, -2.5, 1e-8, 3e38, NaN, -Infinity]));
    assert.equal(
      f.describe(),
      "NDArray<Float32Array 7> [0.1, 0.33333334, -2.5, 1e-8, 3e+38, NaN, -Infinity]",
    );
    for (const part of f.describe().slice(f.describe().indexOf("[") + 1, -1).split(", ")) {
      assert.ok(f.data.includes(Math.fround(Number(part))) || part === "NaN", part);
    }
    assert.equal(
      new NDArray(Float64Array.from([0.1, 1 / 3])).describe(),
      "NDArray<Float64Array 2> [0.1, 0.3333333333333333]",
    );
  });

  it("asNDArray() views a typed array as 1-d and returns n-d arrays as they are", () => {
    const data = new Float32Array([1, 2, 3]);
    const v = asNDArray(data);
    assert.equal(v.data, data);
    assert.deepEqual(v.shape, [3]);
    assert.equal(asNDArray(v), v);
    assert.throws(() => asNDArray([1, 2] as never), {
      name: "TypeError",
      message: /expected a typed array or NDArray, got an Array of length 2/,
    });
  });

  it("isTypedArray() accepts typed arrays only", () => {
    assert.ok(isTypedArray(new BigInt64Array(1)));
    assert.ok(!isTypedArray(new DataView(new ArrayBuffer(1))));
    assert.ok(!isTypedArray(new ArrayBuffer(1)));
    assert.ok(!isTypedArray(null));
  });
});
