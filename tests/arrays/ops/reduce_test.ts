import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { argmax, argmin, max, mean, min, prod, sum } from "../../../arrays/ops/mod.ts";
import { withAllocator } from "../../../scope/mod.ts";
import { NUMBER_TYPES, TestBump } from "../../_helpers.ts";
import {
  arrayArb,
  build,
  flat,
  indices,
  inDirtyBump,
  layoutArb,
  shapeArb,
} from "../_ops_arbitrary.ts";

type Reduction = (x: unknown, options?: { axis?: number }) => number | NDArray;

// A product of integers is the same in every order only while it is exact: a zero among the
// factors, or a magnitude below 2^53 (then every partial product is exact too). The reductions
// may visit the elements in memory order, not row-major order, so larger products are left out.
const exactProduct = (v: number[]) =>
  v.includes(0) || Math.abs(v.reduce((a, b) => a * b, 1)) < 2 ** 53;

const CASES: [string, Reduction, (v: number[]) => number, boolean, ((v: number[]) => boolean)?][] =
  [
    ["sum", sum as Reduction, (v) => v.reduce((a, b) => a + b, 0), false],
    ["prod", prod as Reduction, (v) => v.reduce((a, b) => a * b, 1), false, exactProduct],
    ["mean", mean as Reduction, (v) => v.reduce((a, b) => a + b, 0) / v.length, false],
    ["max", max as Reduction, (v) => Math.max(...v), true],
    ["min", min as Reduction, (v) => Math.min(...v), true],
    ["argmax", argmax as Reduction, (v) => v.indexOf(Math.max(...v)), true],
    ["argmin", argmin as Reduction, (v) => v.indexOf(Math.min(...v)), true],
  ];

/** The values of `x` along `axis` at each position of the other axes, row-major. */
function lines(x: NDArray, axis: number): { shape: number[]; lines: number[][] } {
  const shape = x.shape.filter((_, k) => k !== axis);
  const out: number[][] = [];
  for (const idx of indices(shape)) {
    const line: number[] = [];
    for (let i = 0; i < x.shape[axis]; i++) {
      const full = idx.slice();
      full.splice(axis, 0, i);
      line.push(x.get(...full) as number);
    }
    out.push(line);
  }
  return { shape, lines: out };
}

describe("reductions over all elements", () => {
  for (const [name, f, ref, needsElements, exact] of CASES) {
    it(`${name}() of every element matches a plain loop on random layouts`, () => {
      fc.assert(
        fc.property(arrayArb(shapeArb(4, 3, needsElements ? 1 : 0)), (x) => {
          if (exact) fc.pre(exact(flat(x)));
          const r = f(x);
          assert.equal(typeof r, "number");
          const expected = ref(flat(x));
          if (Number.isNaN(expected)) assert.ok(Number.isNaN(r));
          else assert.equal(r, expected);
        }),
        { numRuns: 80 },
      );
    });
  }

  it("sum() of an empty array is 0, prod() 1, mean() NaN; max() of one is a RangeError", () => {
    const e = new NDArray(new Float64Array(0), [2, 0]);
    assert.equal(sum(e), 0);
    assert.equal(prod(e), 1);
    assert.ok(Number.isNaN(mean(e)));
    assert.throws(
      () => max(e),
      (err: Error) =>
        err instanceof RangeError && /Cannot compute max\(\): the array is empty/.test(err.message),
    );
    assert.throws(() => argmin(e), RangeError);
  });

  it("sum() of a 0-d array is its element; max() propagates NaN; argmax() finds the first NaN", () => {
    assert.equal(sum(NDArray.fromNested(4)), 4);
    const x = new NDArray(new Float64Array([1, NaN, 3, NaN, 9, 2]), [2, 3]);
    assert.ok(Number.isNaN(max(x)));
    assert.ok(Number.isNaN(min(x.transpose())));
    assert.equal(argmax(x), 1);
    assert.equal(argmax(x.transpose()), 1); // 1, NaN, NaN, 9, 3, 2 in row-major order
    assert.equal(argmax(x.transpose().slice([2])), 0); // 3, 2
    assert.equal(argmax(new NDArray(new Float64Array([1, 2, 3, NaN, 0]), [5]).reshape(5, 1)), 3);
    assert.equal(argmin(x.slice(null, [null, null, -1])), 1); // 3, NaN, 1, 2, 9, NaN
    assert.deepEqual(argmax(x, { axis: 1 }).toNested(), [1, 0]);
  });
});

describe("reductions along an axis", () => {
  for (const [name, f, ref, needsElements] of CASES) {
    it(`${name}() along a random axis matches a plain loop on random layouts`, () => {
      fc.assert(
        fc.property(
          arrayArb(shapeArb(4, 3, needsElements ? 1 : 0).filter((s) => s.length > 0)).chain((x) =>
            fc.tuple(fc.constant(x), fc.integer({ min: -x.ndim, max: x.ndim - 1 }))
          ),
          ([x, axis]) => {
            const r = f(x, { axis }) as NDArray;
            const ax = axis < 0 ? axis + x.ndim : axis;
            const { shape, lines: ls } = lines(x, ax);
            assert.deepEqual(r.shape, shape);
            const expected = ls.map(ref);
            const z = inDirtyBump(() => f(AllocArray.from(x), { axis }) as NDArray);
            assert.deepEqual(flat(z), flat(r));
            flat(r).forEach((v, i) => {
              if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(v));
              else assert.equal(v, expected[i]);
            });
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it("sum() along an axis writes into a strided out and returns it", () => {
    fc.assert(
      fc.property(
        arrayArb(shapeArb(3, 3, 1).filter((s) => s.length > 0)).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.integer({ min: 0, max: x.ndim - 1 }),
            layoutArb(x.ndim - 1),
          )
        ),
        ([x, axis, lay]) => {
          const shape = x.shape.filter((_, k) => k !== axis);
          const out = build(shape, lay, () => -1, Float32Array);
          assert.equal(sum(x, { axis, out }), out);
          assert.deepEqual(flat(out), flat(sum(x, { axis })));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("sum() of integers along an axis is Float64Array; max() keeps the type; argmax() is Int32Array", () => {
    const x = new NDArray(new Uint8Array([200, 100, 50, 7]), [2, 2]);
    const s = sum(x, { axis: 0 });
    assert.equal(s.dtype, Float64Array);
    assert.deepEqual(s.toNested(), [250, 107]); // no Uint8 wrap-around
    assert.equal(max(x, { axis: 1 }).dtype, Uint8Array);
    assert.equal(argmax(x, { axis: 1 }).dtype, Int32Array);
    assert.equal(mean(new Float32Array([1, 2]), { axis: 0 }).dtype, Float32Array);
  });

  it("sum() along an axis of length 0 gives 0s; max() along it is a RangeError", () => {
    const e = new NDArray(new Float64Array(0), [2, 0]);
    assert.deepEqual(sum(e, { axis: 1 }).toNested(), [0, 0]);
    assert.deepEqual(sum(e, { axis: 0 }).shape, [0]);
    assert.throws(() => max(e, { axis: 1 }), /axis 1 has length 0/);
  });

  it("sum() of an AllocArray along an axis is an AllocArray from the current allocator", () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    const r = withAllocator(bump, () => sum(a, { axis: 0 }));
    assert.ok(r instanceof AllocArray);
    assert.equal(r.data.buffer, bump.buf);
    assert.deepEqual(r.toNested(), [4, 6]);
  });

  it("sum() rejects a bad axis, out without an axis, and bigint arrays", () => {
    const x = new NDArray(new Float64Array(6), [2, 3]);
    assert.throws(
      () => sum(x, { axis: 2 }),
      (e: Error) =>
        e instanceof RangeError && /axis 2 is out of range for an array of 2 axes/.test(e.message),
    );
    assert.throws(() => sum(x, { axis: 0.5 }), RangeError);
    assert.throws(
      () => sum(x, { axis: "0" as never }),
      (e: Error) => e instanceof TypeError && /axis must be a number/.test(e.message),
    );
    assert.throws(
      () => sum(x, { axis: null, out: new Float64Array(1) }),
      (e: Error) => e instanceof TypeError && /out needs an axis/.test(e.message),
    );
    assert.throws(() => sum(x, new Float64Array(1) as never), /out needs an axis/);
    assert.throws(() => sum(x, 0 as never), /options must be an options object or the out/);
    assert.throws(
      () => sum(x, { axes: 0 } as never),
      /unknown option "axes"; the options are axis/,
    );
    assert.throws(() => sum(new BigInt64Array(2)), /holds BigInt64Array elements/);
    const out = new Float64Array([5, 5]);
    assert.throws(() => sum(x, { axis: 0, out }), /out has shape \[2\], expected \[3\]/);
    assert.deepEqual([...out], [5, 5]);
  });
});

describe("reductions over all elements: the fast path (contiguous arrays)", () => {
  it("agrees bit for bit with the general engine on every element type, NaN and offsets included", () => {
    for (const T of NUMBER_TYPES) {
      for (const n of [1, 7, 8, 9, 127, 128, 129, 1000]) {
        const x = new T(n);
        for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 23) - 11 + (i % 3) / 4;
        // the same elements every other element of a longer array: the general engine
        const d = new T(2 * n);
        for (let i = 0; i < n; i++) d[2 * i] = x[i];
        const general = new NDArray(d, [n], [2]);
        // and at an offset of a longer contiguous array: the fast path with an offset
        const e = new T(n + 5);
        e.set(x, 5);
        const atOffset = new NDArray(e, [n], [1], 5);
        for (const [name, f] of CASES) {
          const g = f(general);
          for (const [what, input] of [["typed array", x], ["offset", atOffset]] as const) {
            assert.ok(
              Object.is(f(input), g),
              `${name} of ${n} ${T.name} (${what}): ${f(input)} vs ${g}`,
            );
          }
        }
        if (T.name === "Float64Array" || T.name === "Float32Array") {
          x[n >> 1] = NaN;
          d[2 * (n >> 1)] = NaN;
          for (const [name, f] of CASES) {
            assert.ok(Object.is(f(x), f(general)), `${name} of ${n} ${T.name} with a NaN`);
          }
        }
      }
    }
  });

  it("sum() is pairwise: it keeps the small terms a plain loop loses", () => {
    // 1 followed by many terms each below half an ulp of 1: a plain loop adds each to 1 and
    // loses every one; pairwise summation adds most of them among themselves first (it loses
    // only those that share a partial sum with the 1: 15 in its first block of 128).
    const n = 1 << 16, tiny = 2 ** -53, x = new Float64Array(n).fill(tiny);
    x[0] = 1;
    let plain = 0;
    for (let i = 0; i < n; i++) plain += x[i];
    const exact = 1 + (n - 1) * tiny;
    assert.equal(plain, 1);
    const close = (v: number, what: string) =>
      assert.ok(
        Math.abs(v - exact) <= 16 * tiny,
        `${what}: ${v} is ${(v - exact) / tiny} ulp/2 off`,
      );
    close(sum(x), "sum of the typed array");
    close(sum(new NDArray(x, [256, 256])), "sum of the 2-d array");
    close(sum(new NDArray(x, [256, 256]).transpose()), "sum of its transpose");
    close(mean(x) * n, "mean × n");
    const row = sum(new NDArray(x, [256, 256]), { axis: 1 }).get(0);
    assert.ok(Math.abs(row - (1 + 255 * tiny)) <= 16 * tiny, `sum along an axis: ${row}`);
  });

  it("an empty array is 0 for sum() and a RangeError for max(), through the fast path too", () => {
    for (const T of NUMBER_TYPES) {
      assert.equal(sum(new T(0)), 0);
      assert.equal(prod(new T(0)), 1);
      assert.throws(() => max(new T(0)), /the array is empty/);
      assert.throws(() => argmin(new NDArray(new T(4), [0, 4])), /the array is empty/);
    }
  });
});
