import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { conv2d } from "../../../arrays/nn/mod.ts";
import { withAllocator } from "../../../scope/mod.ts";
import { assertAllClose, TestBump } from "../../_helpers.ts";
import {
  ACT,
  actArb,
  arrayArb,
  build,
  flat,
  indices,
  inDirtyBump,
  layoutArb,
} from "../_ops_arbitrary.ts";

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
          const y = conv2d(x, wt, {
            bias: p.bias ? b : null,
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
            conv2d(AllocArray.from(x), wt, {
              bias: p.bias ? b : null,
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
    assert.equal(y.data.buffer, bump.buf);
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
          const expected = flat(conv2d(x, w, { padding: 1 }));
          const out = build([2, 3, 6, 5], lay, () => 0);
          assert.equal(conv2d(x, w, { padding: 1, out }), out);
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
          const y = conv2d(x, wt, { ...options, bias: p.bias ? b : null, activation: p.act });
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
            conv2d(AllocArray.from(x), wt, {
              ...options,
              bias: p.bias ? b : null,
              activation: p.act,
            })
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
      const y = conv2d(x, w, { activation: "relu" });
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
    assert.throws(() => conv2d(x, w3, { stride: 0 }), /stride must be integers >= 1, got 0/);
    assert.throws(() => conv2d(x, w3, { padding: [1] as never }), TypeError);
    assert.throws(() => conv2d(x, w3, { activation: "gelu" as never }), /activation must be/);
    assert.throws(
      () => conv2d(x, w3, { bias: new Float64Array(3) }),
      /bias must have shape \[4\], got \[3\]/,
    );
    assert.throws(
      () => conv2d(x, w3, { strides: 2 } as never),
      (e: Error) =>
        e instanceof TypeError &&
        /unknown option "strides"; the options are bias, stride, padding, activation, out/.test(
          e.message,
        ),
    );
    assert.throws(() => conv2d(x, w3, 2 as never), /options must be an options object or the out/);
    assert.throws(
      () => conv2d(new Float64Array(9), w3),
      /x must be \[batch, channels, height, width\]/,
    );
  });
});
