import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { softmax } from "../../../arrays/nn/mod.ts";
import { assertAllClose } from "../../_helpers.ts";
import { arrayArb, flat, indices, inDirtyBump } from "../_ops_arbitrary.ts";

describe("softmax()", () => {
  it("softmax() matches a plain loop along a random axis on random layouts", () => {
    fc.assert(
      fc.property(
        arrayArb(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })).chain((
          x,
        ) => fc.tuple(fc.constant(x), fc.integer({ min: -x.ndim, max: x.ndim - 1 }))),
        ([x, axis]) => {
          const y = softmax(x, { axis });
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
            flat(inDirtyBump(() => softmax(AllocArray.from(x), { axis }))),
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
    assert.equal(softmax(x, { axis: -1, out: x }), x);
    assert.deepEqual(flat(x), [0.5, 0.5, 0, 1]);
    const y = new NDArray(new Float64Array([0, Math.log(3)]), [2]);
    assert.equal(softmax(y, y), y); // the shorthand for { out: y }, along the last axis
    assertAllClose(flat(y), [0.25, 0.75], 1e-15);
    assert.throws(() => softmax(NDArray.fromNested(1)), /x must have an axis/);
  });
});
