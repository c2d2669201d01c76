import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { concat, flatten, reshape, stack } from "../../../arrays/ops/mod.ts";
import { withAllocator } from "../../../scope/mod.ts";
import { TestBump } from "../../_helpers.ts";
import { arrayArb, build, flat, layoutArb, shapeArb } from "../_ops_arbitrary.ts";

/** A shape with the same number of elements as `shape`, by regrouping its factors. */
function regroup(shape: number[], cut: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return [0, 2];
  const factors = shape.filter((d) => d > 1);
  const left = factors.slice(0, cut).reduce((a, b) => a * b, 1);
  return [left, n / left];
}

describe("reshape() and flatten()", () => {
  it("reshape() keeps the row-major elements on random layouts", () => {
    fc.assert(
      fc.property(arrayArb(shapeArb()), fc.integer({ min: 0, max: 3 }), (x, cut) => {
        const target = regroup([...x.shape], cut);
        const y = reshape(x, target);
        assert.deepEqual(y.shape, target);
        assert.deepEqual(flat(y), flat(x));
        const z = reshape(x, [-1]);
        assert.deepEqual(z.shape, [x.size]);
      }),
      { numRuns: 100 },
    );
  });

  it("reshape() is a view of contiguous data and a copy from similar otherwise", () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(Float64Array.from({ length: 6 }, (_, i) => i), [2, 3]);
    const [view, copied] = withAllocator(
      bump,
      () => [reshape(a, [3, 2]), reshape(a.transpose(), [6])],
    );
    assert.equal(view.data, a.data);
    assert.ok(view instanceof AllocArray);
    assert.equal(bump.allocations, 1);
    assert.equal(copied.data.buffer, bump.buf);
    assert.deepEqual(copied.toNested(), [0, 3, 1, 4, 2, 5]);
    const plain = reshape(new Float32Array(4), [2, 2]);
    assert.ok(plain instanceof NDArray && !(plain instanceof AllocArray));
  });

  it("reshape() copies into an out of any layout", () => {
    fc.assert(
      fc.property(
        arrayArb(shapeArb()).chain((x) => {
          const target = regroup([...x.shape], 1);
          return fc.tuple(fc.constant(x), layoutArb(2).map((l) => build(target, l, () => 0)));
        }),
        ([x, out]) => {
          assert.equal(reshape(x, out.shape, { out }), out);
          assert.deepEqual(flat(out), flat(x));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("flatten() merges the axes from startAxis on", () => {
    const x = new NDArray(new Float32Array(2 * 10 * 3 * 3), [2, 10, 3, 3]);
    assert.deepEqual(flatten(x, { startAxis: 1 }).shape, [2, 90]);
    assert.deepEqual(flatten(x, { startAxis: -2 }).shape, [2, 10, 9]);
    assert.deepEqual(flatten(x).shape, [180]);
    assert.deepEqual(flatten(NDArray.fromNested(3)).toNested(), [3]);
    const t = new NDArray(Float64Array.from({ length: 6 }, (_, i) => i), [2, 3]).transpose();
    assert.deepEqual(flatten(t).toNested(), [0, 3, 1, 4, 2, 5]);
  });

  it("reshape() rejects element-count mismatches and bad dimensions; works on bigints", () => {
    const x = new Float64Array(6);
    assert.throws(
      () => reshape(x, [4, 2]),
      (e: Error) =>
        e instanceof RangeError &&
        /shape \[4, 2\] has 8 elements, the array \[6\] has 6/.test(e.message),
    );
    assert.throws(() => reshape(x, [-1, -1]), /dimension 1 must be >= 0, got -1/);
    assert.throws(() => reshape(x, [2.5, 2]), /dimension 0 must be an integer, got 2.5/);
    assert.throws(() => reshape(x, [4, -1]), /cannot infer dimension 1/);
    assert.throws(() => reshape(x, "6" as never), TypeError);
    assert.throws(() => flatten(x, { startAxis: 1 }), /axis 1 is out of range/);
    assert.deepEqual(reshape(new BigInt64Array([1n, 2n]), [2, 1]).toNested(), [[1n], [2n]]);
  });
});

describe("concat() and stack()", () => {
  it("concat() matches joining nested arrays on random layouts and axes", () => {
    fc.assert(
      fc.property(
        shapeArb(3, 3).filter((s) => s.length > 0).chain((s) =>
          fc.tuple(
            fc.integer({ min: 0, max: s.length - 1 }),
            fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
          ).chain(([axis, lens]) =>
            fc.tuple(
              fc.constant(axis),
              fc.tuple(
                ...lens.map((n) => arrayArb(fc.constant(s.map((d, k) => (k === axis ? n : d))))),
              ),
            )
          )
        ),
        ([axis, parts]) => {
          const y = concat(parts, { axis });
          const join = (xs: unknown[], depth: number): unknown =>
            depth === axis
              ? xs.flatMap((v) => v as unknown[])
              : (xs[0] as unknown[]).map((_, i) =>
                join(xs.map((v) => (v as unknown[])[i]), depth + 1)
              );
          assert.deepEqual(y.toNested(), join(parts.map((p) => p.toNested()), 0));
        },
      ),
      { numRuns: 80 },
    );
  });

  it("stack() puts the arrays along a new axis", () => {
    fc.assert(
      fc.property(
        shapeArb(3, 3).chain((s) =>
          fc.tuple(
            fc.integer({ min: -(s.length + 1), max: s.length }),
            fc.array(arrayArb(fc.constant(s)), { minLength: 1, maxLength: 3 }),
          )
        ),
        ([axis, parts]) => {
          const y = stack(parts, { axis });
          const ax = axis < 0 ? axis + parts[0].ndim + 1 : axis;
          assert.equal(y.shape[ax], parts.length);
          parts.forEach((p, i) => {
            const picks: (number | null)[] = new Array(ax).fill(null);
            picks.push(i);
            assert.deepEqual(y.pick(...picks).toNested(), p.toNested());
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it("concat() into an out overlapping an input reads the inputs first", () => {
    const data = Float64Array.from({ length: 8 }, (_, i) => i);
    const whole = new NDArray(data);
    const a = whole.slice([0, 4]), b = whole.slice([4, 8]);
    concat([b, a], whole); // swaps the halves in place
    assert.deepEqual([...data], [4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it("concat() of an AllocArray and a typed array is an AllocArray from the current allocator", () => {
    const bump = new TestBump(1024);
    const r = withAllocator(
      bump,
      () => concat([new Float32Array([1]), AllocArray.from(new Float32Array([2]))]),
    );
    assert.ok(r instanceof AllocArray);
    assert.equal(r.data.buffer, bump.buf);
    assert.equal(r.dtype, Float32Array);
  });

  it("concat() and stack() reject empty lists, mismatched shapes and mixed bigints", () => {
    assert.throws(
      () => concat([]),
      (e: Error) => e instanceof RangeError && /arrays is empty/.test(e.message),
    );
    assert.throws(() => concat(new Float64Array(2) as never), TypeError);
    assert.throws(
      () => concat([new NDArray(new Float64Array(4), [2, 2]), new Float64Array(2)]),
      /arrays\[1\] has shape \[2\], which does not match \[2, 2\] off axis 0/,
    );
    assert.throws(() => concat([NDArray.fromNested(1)]), /0-d arrays cannot be joined/);
    assert.throws(
      () => stack([new Float64Array(2), new Float64Array(3)]),
      /arrays\[1\] has shape \[3\], arrays\[0\] \[2\]/,
    );
    assert.throws(
      () => stack([new Float64Array(1), new BigInt64Array(1)] as never),
      (e: Error) => e instanceof TypeError && /bigints and numbers do not mix/.test(e.message),
    );
    assert.throws(() => stack([new Float64Array(1)], { axis: 2 }), /axis 2 is out of range/);
  });
});
