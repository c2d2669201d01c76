import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { maxPool2d } from "../../../arrays/nn/mod.ts";
import { arrayArb, flat, indices, inDirtyBump } from "../_ops_arbitrary.ts";

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
          const y = maxPool2d(x, {
            window: [p.kh, p.kw],
            stride: [p.sh, p.sw],
            padding: [p.ph, p.pw],
          });
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
            maxPool2d(AllocArray.from(x), {
              window: [p.kh, p.kw],
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
      () => maxPool2d(x, { padding: 2 }),
      (e: Error) =>
        e instanceof RangeError &&
        /padding \[2, 2\] must be smaller than the window \[2, 2\]/.test(e.message),
    );
    assert.throws(
      () => maxPool2d(x, { window: 3 }),
      /the 3×3 window is larger than the padded 2×2 map/,
    );
    const out = new NDArray(new Int32Array(1), [1, 1, 1]);
    const shorthand: NDArray<Int32Array> = maxPool2d(x, out); // the shorthand for { out }
    assert.equal(shorthand, out);
    assert.equal(out.get(0, 0, 0), 3);
    const viaOptions: NDArray<Int32Array> = maxPool2d(x, { window: [2, 2], out });
    assert.equal(viaOptions, out);
  });
});
