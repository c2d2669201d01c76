import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { batchNorm } from "../../../arrays/nn/mod.ts";
import { assertAllClose } from "../../_helpers.ts";
import { ACT, actArb, arrayArb, flat, indices, inDirtyBump } from "../_ops_arbitrary.ts";

describe("batchNorm()", () => {
  it("batchNorm() matches a plain loop on random shapes, layouts and activations", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        ).chain(([n, c, rest]) =>
          fc.tuple(
            arrayArb(fc.constant([n, c, ...rest])),
            fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), {
              minLength: c * 4,
              maxLength: c * 4,
            }),
            actArb,
            fc.boolean(),
          )
        ),
        ([x, ps, act, affine]) => {
          const c = x.shape[1];
          const mean = new Float64Array(ps.slice(0, c)),
            variance = new Float64Array(ps.slice(c, 2 * c));
          const scale = new Float64Array(ps.slice(2 * c, 3 * c)),
            bias = new Float64Array(ps.slice(3 * c));
          const params = affine ? { mean, variance, scale, bias } : { mean, variance };
          const y = batchNorm(x, params, { epsilon: 1e-3, activation: act });
          const expected = [...indices(x.shape)].map((idx) => {
            const ch = idx[1];
            const z = ((x.get(...idx) as number) - mean[ch]) / Math.sqrt(variance[ch] + 1e-3);
            return ACT[act](affine ? z * scale[ch] + bias[ch] : z);
          });
          assertAllClose(flat(y), expected, 1e-12);
          const z = inDirtyBump(() =>
            batchNorm(AllocArray.from(x.transpose().transpose()), params, {
              epsilon: 1e-3,
              activation: act,
            })
          );
          assertAllClose(flat(z), expected, 1e-12);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("batchNorm() in place (out is x) and with out of another layout", () => {
    const x = new NDArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    const params = { mean: new Float64Array([1, 2]), variance: new Float64Array([4, 1]) };
    const expected = flat(batchNorm(x, params, { epsilon: 0 }));
    assert.equal(batchNorm(x, params, { epsilon: 0, out: x }), x);
    assert.deepEqual(flat(x), expected);
    const t = new NDArray(new Float32Array(4), [2, 2]).transpose(); // a column-major out
    const x2 = new NDArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    assert.equal(batchNorm(x2, params, { epsilon: 0, out: t }), t);
    assert.deepEqual(flat(t), expected);
  });

  it("batchNorm() relu is exactly max(v, 0) for infinite, NaN and huge values, also in place", () => {
    const values = [-Infinity, NaN, Infinity, 1.7e308, -1.7e308, -0, 3, -2, 1e-300];
    const params = { mean: new Float64Array([0]), variance: new Float64Array([1]) };
    const expected = values.map((v) => (Number.isNaN(v) ? NaN : Math.max(v, 0)));
    const x = new NDArray(Float64Array.from(values), [values.length, 1]);
    const y = batchNorm(x, params, { epsilon: 0, activation: "relu" });
    assert.deepEqual([...y], expected);
    assert.equal(batchNorm(x, params, { epsilon: 0, activation: "relu", out: x }), x);
    assert.deepEqual([...x], expected);
    // all finite: the check-free loop alone
    const small = new NDArray(new Float32Array([-1, 2, -0, 4]), [1, 4]);
    const relu = batchNorm(small, {
      mean: new Float32Array(4),
      variance: new Float32Array(4).fill(1),
    }, { epsilon: 0, activation: "relu" });
    assert.deepEqual([...relu], [0, 2, 0, 4]);
  });

  it("batchNorm() rejects 1-d input, missing statistics and a negative epsilon", () => {
    const x = new NDArray(new Float64Array(4), [2, 2]);
    const v = new Float64Array(2);
    assert.throws(
      () => batchNorm(new Float64Array(2), { mean: v, variance: v }),
      /x must have a batch and a channel axis/,
    );
    assert.throws(
      () => batchNorm(x, { mean: v } as never),
      /params.mean and params.variance are required/,
    );
    assert.throws(
      () => batchNorm(x, { mean: v, variance: new Float64Array(3) }),
      /params.variance must have shape \[2\], got \[3\]/,
    );
    assert.throws(
      () => batchNorm(x, { mean: v, variance: v }, { epsilon: -1 }),
      /epsilon must be >= 0, got -1/,
    );
  });
});
