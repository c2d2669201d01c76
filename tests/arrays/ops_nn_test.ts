import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AllocArray,
  batchNorm,
  conv2d,
  dense,
  maxPool2d,
  NDArray,
  softmax,
} from "../../arrays/mod.ts";
import * as ops from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { assertAllClose, TestBump } from "../_helpers.ts";
import { arrayArb, build, flat, indices, inDirtyBump, layoutArb } from "./_ops_arbitrary.ts";

const ACT: Record<string, (v: number) => number> = {
  identity: (v) => v,
  relu: (v) => (v > 0 ? v : 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};
type Act = "identity" | "relu" | "tanh" | "sigmoid";
const actArb = fc.constantFrom<Act>("identity", "relu", "tanh", "sigmoid");

describe("conv2d()", () => {
  const caseArb = fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    oc: fc.integer({ min: 1, max: 6 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    bias: fc.boolean(),
    batched: fc.boolean(),
    act: actArb,
  }).filter((p) => p.h + 2 * p.ph >= p.kh && p.w + 2 * p.pw >= p.kw);

  it("conv2d() matches a plain loop on random sizes, strides, paddings and layouts", () => {
    fc.assert(
      fc.property(
        caseArb.chain((p) =>
          fc.tuple(
            fc.constant(p),
            arrayArb(fc.constant(p.batched ? [p.n, p.c, p.h, p.w] : [p.c, p.h, p.w])),
            arrayArb(fc.constant([p.oc, p.c, p.kh, p.kw])),
            arrayArb(fc.constant([p.oc])),
          )
        ),
        ([p, x, wt, b]) => {
          const y = conv2d(x, wt, p.bias ? b : null, {
            stride: [p.sh, p.sw],
            padding: [p.ph, p.pw],
            activation: p.act,
          });
          const oh = Math.floor((p.h + 2 * p.ph - p.kh) / p.sh) + 1;
          const ow = Math.floor((p.w + 2 * p.pw - p.kw) / p.sw) + 1;
          const n = p.batched ? p.n : 1;
          const X = p.batched ? x : x.reshape(1, p.c, p.h, p.w);
          const expected: number[] = [];
          for (let i = 0; i < n; i++) {
            for (let o = 0; o < p.oc; o++) {
              for (let r = 0; r < oh; r++) {
                for (let s = 0; s < ow; s++) {
                  let acc = p.bias ? (b.get(o) as number) : 0;
                  for (let c = 0; c < p.c; c++) {
                    for (let u = 0; u < p.kh; u++) {
                      for (let v = 0; v < p.kw; v++) {
                        const iy = r * p.sh - p.ph + u, ix = s * p.sw - p.pw + v;
                        if (iy < 0 || ix < 0 || iy >= p.h || ix >= p.w) continue;
                        acc += (X.get(i, c, iy, ix) as number) * (wt.get(o, c, u, v) as number);
                      }
                    }
                  }
                  expected.push(ACT[p.act](acc));
                }
              }
            }
          }
          assert.deepEqual(y.shape, p.batched ? [p.n, p.oc, oh, ow] : [p.oc, oh, ow]);
          assertAllClose(flat(y), expected, 1e-12);
          const z = inDirtyBump(() =>
            conv2d(AllocArray.from(x), wt, p.bias ? b : null, {
              stride: [p.sh, p.sw],
              padding: [p.ph, p.pw],
              activation: p.act,
            })
          );
          assertAllClose(flat(z), expected, 1e-12);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("conv2d() with a 1×1 kernel reads the image directly and matches a per-pixel product", () => {
    const x = new NDArray(Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => i % 5), [1, 2, 3, 4]);
    const w = new NDArray(new Float64Array([1, 2, -1, 0.5]), [2, 2, 1, 1]);
    const y = conv2d(x, w);
    for (const [i, o, r, s] of indices([1, 2, 3, 4])) {
      const expected = (w.get(o, 0, 0, 0) as number) * (x.get(i, 0, r, s) as number) +
        (w.get(o, 1, 0, 0) as number) * (x.get(i, 1, r, s) as number);
      assert.equal(y.get(i, o, r, s), expected);
    }
  });

  it("conv2d() of a Float32 AllocArray is a Float32 AllocArray from the current allocator", () => {
    const bump = new TestBump(1 << 16);
    const x = AllocArray.from(new NDArray(new Float32Array(2 * 8 * 8).fill(1), [2, 1, 8, 8]));
    const w = new NDArray(new Float32Array(4 * 9).fill(0.5), [4, 1, 3, 3]);
    const y = withAllocator(bump, () => conv2d(x, w));
    assert.ok(y instanceof AllocArray);
    assert.equal(y.dtype, Float32Array);
    assert.equal(y.data.buffer, bump.buffer);
    assert.deepEqual([...new Set(y)], [4.5]);
    // the weights alone make the result an AllocArray too (an adapted model, plain input)
    const y2 = withAllocator(
      bump,
      () => conv2d(new NDArray(new Float32Array(64), [1, 1, 8, 8]), AllocArray.from(w)),
    );
    assert.ok(y2 instanceof AllocArray);
  });

  it("conv2d() writes into a strided out and returns it", () => {
    fc.assert(
      fc.property(
        arrayArb(fc.constant([2, 2, 5, 4])),
        arrayArb(fc.constant([3, 2, 2, 2])),
        layoutArb(4),
        (x, w, lay) => {
          const expected = flat(conv2d(x, w, null, { padding: 1 }));
          const out = build([2, 3, 6, 5], lay, () => 0);
          assert.equal(conv2d(x, w, null, { padding: 1 }, out), out);
          assert.deepEqual(flat(out), expected);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("conv2d() 3×3 (stride 1 across) matches a plain loop for 1–20 output channels, paddings, vertical strides and element types", () => {
    // The weight-stationary path: blocks of 8, 4 and 1 output channels, the first input
    // channel setting the sums, padding through a zero-bordered copy; integer values in
    // [-8, 8] make every sum exact in Float32 and Float64.
    const caseArb = fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 0, max: 3 }),
      h: fc.integer({ min: 1, max: 8 }),
      w: fc.integer({ min: 1, max: 8 }),
      oc: fc.integer({ min: 1, max: 20 }),
      sh: fc.integer({ min: 1, max: 3 }),
      ph: fc.integer({ min: 0, max: 2 }),
      pw: fc.integer({ min: 0, max: 2 }),
      bias: fc.boolean(),
      f32: fc.boolean(),
      act: actArb,
    }).filter((p) => p.h + 2 * p.ph >= 3 && p.w + 2 * p.pw >= 3);
    fc.assert(
      fc.property(
        caseArb.chain((p) =>
          fc.tuple(
            fc.constant(p),
            arrayArb(fc.constant([p.n, p.c, p.h, p.w])),
            arrayArb(fc.constant([p.oc, p.c, 3, 3])),
            arrayArb(fc.constant([p.oc])),
          )
        ),
        ([p, x64, wt, b]) => {
          const x: NDArray = p.f32 ? new NDArray(Float32Array.from(flat(x64)), x64.shape) : x64;
          const options = { stride: [p.sh, 1] as const, padding: [p.ph, p.pw] as const };
          const y = conv2d(x, wt, p.bias ? b : null, { ...options, activation: p.act });
          const oh = Math.floor((p.h + 2 * p.ph - 3) / p.sh) + 1, ow = p.w + 2 * p.pw - 2;
          const expected: number[] = [];
          for (const [i, o, r, s] of indices([p.n, p.oc, oh, ow])) {
            let acc = p.bias ? (b.get(o) as number) : 0;
            for (const [c, u, v] of indices([p.c, 3, 3])) {
              const iy = r * p.sh - p.ph + u, ix = s - p.pw + v;
              if (iy < 0 || ix < 0 || iy >= p.h || ix >= p.w) continue;
              acc += (x64.get(i, c, iy, ix) as number) * (wt.get(o, c, u, v) as number);
            }
            expected.push(ACT[p.act](acc));
          }
          assert.deepEqual(y.shape, [p.n, p.oc, oh, ow]);
          assert.equal(y.dtype, p.f32 ? Float32Array : Float64Array);
          const tolerance = p.f32 && p.act !== "identity" && p.act !== "relu" ? 1e-6 : 1e-12;
          assertAllClose(flat(y), expected, tolerance);
          // Arena memory full of NaN: every sum is set before it is read.
          const z = inDirtyBump(() =>
            conv2d(AllocArray.from(x), wt, p.bias ? b : null, { ...options, activation: p.act })
          );
          assertAllClose(flat(z), expected, tolerance);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("conv2d() relu is exactly max(v, 0) for infinite, NaN and huge sums", () => {
    // Each 3×3 image is zero but for its centre, and all weights are 1, so every output
    // channel's sum is the centre value itself. 9 channels: a block of eight and one more.
    const values = [-Infinity, NaN, Infinity, 1.5e308, -1.5e308, -0, 2.5, -3];
    for (const type of [Float64Array, Float32Array]) {
      const x = new NDArray(new type(values.length * 9), [values.length, 1, 3, 3]);
      values.forEach((v, i) => x.set(i, 0, 1, 1, v));
      const w = new NDArray(new type(9 * 9).fill(1), [9, 1, 3, 3]);
      const y = conv2d(x, w, null, { activation: "relu" });
      for (let o = 0; o < 9; o++) {
        const got = values.map((_, i) => y.get(i, o, 0, 0));
        const expected = values.map((v) => (Number.isNaN(v) ? NaN : Math.max(Math.fround(v), 0)));
        if (type === Float64Array) expected[3] = 1.5e308; // Float32 rounds it to Infinity
        assert.deepEqual(got, expected, `${type.name} channel ${o}`);
      }
    }
  });

  it("conv2d() rejects mismatched channels, oversized kernels, bad options and a wrong bias", () => {
    const x = new NDArray(new Float64Array(2 * 3 * 3), [2, 3, 3]);
    const w = new NDArray(new Float64Array(4 * 3 * 3), [4, 1, 3, 3]);
    assert.throws(
      () => conv2d(x, w),
      (e: Error) =>
        e instanceof RangeError &&
        /weight must be \[outChannels, 2, kernelHeight, kernelWidth\] for x of shape \[2, 3, 3\], got \[4, 1, 3, 3\]/
          .test(e.message),
    );
    const w2 = new NDArray(new Float64Array(4 * 2 * 4 * 4), [4, 2, 4, 4]);
    assert.throws(() => conv2d(x, w2), /the 4×4 kernel is larger than the padded 3×3 image/);
    const w3 = new NDArray(new Float64Array(4 * 2 * 9), [4, 2, 3, 3]);
    assert.throws(() => conv2d(x, w3, null, { stride: 0 }), /stride must be integers >= 1, got 0/);
    assert.throws(() => conv2d(x, w3, null, { padding: [1] as never }), TypeError);
    assert.throws(() => conv2d(x, w3, null, { activation: "gelu" as never }), /activation must be/);
    assert.throws(
      () => conv2d(x, w3, new Float64Array(3)),
      /bias must have shape \[4\], got \[3\]/,
    );
    assert.throws(
      () => conv2d(new Float64Array(9), w3),
      /x must be \[batch, channels, height, width\]/,
    );
  });
});

describe("maxPool2d()", () => {
  it("maxPool2d() matches a plain loop on random windows, strides, paddings and layouts", () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 1, max: 8 }),
          w: fc.integer({ min: 1, max: 8 }),
          kh: fc.integer({ min: 1, max: 3 }),
          kw: fc.integer({ min: 1, max: 3 }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          ph: fc.integer({ min: 0, max: 2 }),
          pw: fc.integer({ min: 0, max: 2 }),
          plain: fc.boolean(),
        }).map((p) => (p.plain ? { ...p, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0 } : p))
          .filter((p) =>
            p.ph < p.kh && p.pw < p.kw && p.h + 2 * p.ph >= p.kh && p.w + 2 * p.pw >= p.kw
          )
          .chain((p) => fc.tuple(fc.constant(p), arrayArb(fc.constant([2, p.c, p.h, p.w])))),
        ([p, x]) => {
          const y = maxPool2d(x, [p.kh, p.kw], { stride: [p.sh, p.sw], padding: [p.ph, p.pw] });
          const oh = Math.floor((p.h + 2 * p.ph - p.kh) / p.sh) + 1;
          const ow = Math.floor((p.w + 2 * p.pw - p.kw) / p.sw) + 1;
          assert.deepEqual(y.shape, [2, p.c, oh, ow]);
          const expected: number[] = [];
          for (const [n, c, r, s] of indices([2, p.c, oh, ow])) {
            let m = -Infinity;
            for (let u = 0; u < p.kh; u++) {
              for (let v = 0; v < p.kw; v++) {
                const iy = r * p.sh - p.ph + u, ix = s * p.sw - p.pw + v;
                if (iy >= 0 && ix >= 0 && iy < p.h && ix < p.w) {
                  m = Math.max(m, x.get(n, c, iy, ix) as number);
                }
              }
            }
            expected.push(m);
          }
          assert.deepEqual(flat(y), expected);
          const z = inDirtyBump(() =>
            maxPool2d(AllocArray.from(x), [p.kh, p.kw], {
              stride: [p.sh, p.sw],
              padding: [p.ph, p.pw],
            })
          );
          assert.deepEqual(flat(z), expected);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("maxPool2d() 2×2 returns exactly the largest input, also for NaN, infinities and -0", () => {
    const vals = [NaN, Infinity, -Infinity, -0, 0, 1e308, -1e308, 5e-324, 1, 1 + 2 ** -52];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vals), { minLength: 4, maxLength: 4 }), (v) => {
        const y = maxPool2d(new NDArray(Float64Array.from(v), [1, 2, 2])).get(0, 0, 0) as number;
        const expected = v.some(Number.isNaN) ? NaN : Math.max(...v);
        if (Number.isNaN(expected)) assert.ok(Number.isNaN(y));
        else assert.equal(y, expected === 0 ? y : expected); // -0 and 0 tie
      }),
      { numRuns: 200 },
    );
  });

  it("maxPool2d() keeps integer element types and rejects a padding as large as the window", () => {
    const x = new NDArray(new Int16Array([1, -5, 3, 2]), [1, 2, 2]);
    const y = maxPool2d(x);
    assert.equal(y.dtype, Int16Array);
    assert.equal(y.get(0, 0, 0), 3);
    assert.throws(
      () => maxPool2d(x, 2, { padding: 2 }),
      (e: Error) =>
        e instanceof RangeError &&
        /padding \[2, 2\] must be smaller than the window \[2, 2\]/.test(e.message),
    );
    assert.throws(() => maxPool2d(x, 3), /the 3×3 window is larger than the padded 2×2 map/);
  });
});

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
    assert.equal(batchNorm(x, params, { epsilon: 0 }, x), x);
    assert.deepEqual(flat(x), expected);
    const t = new NDArray(new Float32Array(4), [2, 2]).transpose(); // a column-major out
    const x2 = new NDArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    assert.equal(batchNorm(x2, params, { epsilon: 0 }, t), t);
    assert.deepEqual(flat(t), expected);
  });

  it("batchNorm() relu is exactly max(v, 0) for infinite, NaN and huge values, also in place", () => {
    const values = [-Infinity, NaN, Infinity, 1.7e308, -1.7e308, -0, 3, -2, 1e-300];
    const params = { mean: new Float64Array([0]), variance: new Float64Array([1]) };
    const expected = values.map((v) => (Number.isNaN(v) ? NaN : Math.max(v, 0)));
    const x = new NDArray(Float64Array.from(values), [values.length, 1]);
    const y = batchNorm(x, params, { epsilon: 0, activation: "relu" });
    assert.deepEqual([...y], expected);
    assert.equal(batchNorm(x, params, { epsilon: 0, activation: "relu" }, x), x);
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

describe("dense()", () => {
  it("dense() matches a plain loop on random batch shapes, weight layouts and activations", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
          fc.integer({ min: 0, max: 5 }),
          fc.integer({ min: 1, max: 5 }),
        ).chain(([lead, i, o]) =>
          fc.tuple(
            arrayArb(fc.constant([...lead, i])),
            arrayArb(fc.constant([o, i])),
            arrayArb(fc.constant([o])),
            actArb,
          )
        ),
        ([x, w, b, act]) => {
          const y = dense(x, w, b, { activation: act });
          const [o, i] = w.shape;
          assert.deepEqual(y.shape, [...x.shape.slice(0, -1), o]);
          const expected = [...indices(y.shape)].map((idx) => {
            let acc = b.get(idx[idx.length - 1]) as number;
            for (let k = 0; k < i; k++) {
              acc += (x.get(...idx.slice(0, -1), k) as number) *
                (w.get(idx[idx.length - 1], k) as number);
            }
            return ACT[act](acc);
          });
          assertAllClose(flat(y), expected, 1e-12);
          const z = inDirtyBump(() => dense(AllocArray.from(x), w, b, { activation: act }));
          assertAllClose(flat(z), expected, 1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("dense() rejects a weight of the wrong shape", () => {
    assert.throws(
      () => dense(new Float64Array(3), new NDArray(new Float64Array(4), [2, 2])),
      (e: Error) =>
        e instanceof RangeError &&
        /weight must be \[outFeatures, 3\] for x of shape \[3\], got \[2, 2\]/.test(e.message),
    );
  });
});

describe("softmax()", () => {
  it("softmax() matches a plain loop along a random axis on random layouts", () => {
    fc.assert(
      fc.property(
        arrayArb(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })).chain((
          x,
        ) => fc.tuple(fc.constant(x), fc.integer({ min: -x.ndim, max: x.ndim - 1 }))),
        ([x, axis]) => {
          const y = softmax(x, axis);
          const ax = axis < 0 ? axis + x.ndim : axis;
          const expected = [...indices(x.shape)].map((idx) => {
            let total = 0;
            for (let j = 0; j < x.shape[ax]; j++) {
              const other = idx.slice();
              other[ax] = j;
              total += Math.exp(x.get(...other) as number);
            }
            return Math.exp(x.get(...idx) as number) / total;
          });
          assertAllClose(flat(y), expected, 1e-12);
          assertAllClose(
            flat(inDirtyBump(() => softmax(AllocArray.from(x), axis))),
            expected,
            1e-12,
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it("softmax() is stable for large scores and works in place", () => {
    const x = new NDArray(new Float32Array([1000, 1000, -1000, 0]), [2, 2]);
    assert.equal(softmax(x, -1, x), x);
    assert.deepEqual(flat(x), [0.5, 0.5, 0, 1]);
    assert.throws(() => softmax(NDArray.fromNested(1)), /x must have an axis/);
  });
});

describe("bad input leaves the allocator untouched", () => {
  it("every operation validates before it allocates: a failing call takes no memory", () => {
    const x = AllocArray.from(new NDArray(new Float64Array(2 * 3 * 4 * 4), [2, 3, 4, 4]));
    const v = AllocArray.from(new Float64Array(3));
    const calls: [string, () => unknown][] = [
      ["add", () => ops.add(x, new Float64Array(5))],
      ["relu", () => ops.relu(x, new Float64Array(1))],
      ["map", () => ops.map(x, 1 as never)],
      ["sum", () => ops.sum(x, 4)],
      ["max", () => ops.max(AllocArray.from(new NDArray(new Float64Array(0), [2, 0])), 1)],
      ["matmul", () => ops.matmul(x, v)],
      ["transpose", () => ops.transpose(x, [0, 1])],
      ["reshape", () => ops.reshape(x.transpose(), [5, -1])],
      ["concat", () => ops.concat([x, v])],
      ["stack", () => ops.stack([v, x])],
      ["conv2d", () => ops.conv2d(x, v)],
      ["maxPool2d", () => ops.maxPool2d(x, 5)],
      ["batchNorm", () => ops.batchNorm(x, { mean: v, variance: new Float64Array(2) })],
      ["dense", () => ops.dense(x, v)],
      ["softmax", () => ops.softmax(x, 4)],
    ];
    for (const [name, call] of calls) {
      const bump = new TestBump(1 << 16);
      assert.throws(() => withAllocator(bump, call), /Cannot compute/, name);
      assert.equal(bump.allocations, 0, `${name} allocated before failing`);
    }
  });
});
