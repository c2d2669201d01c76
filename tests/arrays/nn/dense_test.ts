import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { dense } from "../../../arrays/nn/mod.ts";
import { assertAllClose } from "../../_helpers.ts";
import { ACT, actArb, arrayArb, flat, indices, inDirtyBump } from "../_ops_arbitrary.ts";

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
          const y = dense(x, w, { bias: b, activation: act });
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
          const z = inDirtyBump(() => dense(AllocArray.from(x), w, { bias: b, activation: act }));
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
