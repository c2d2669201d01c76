/**
 * {@linkcode softmax}: normalising scores into probabilities along an axis.
 *
 * @module
 */

import {
  AXIS_KEYS,
  contiguous,
  finish,
  floatType,
  normalizeAxis,
  numericView,
  optionsOf,
  outOf,
  output,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import type {
  ArrayInput,
  AxisOptions,
  ElementsOf,
  FloatElements,
  OutOf,
  ResultArray,
  Returned,
} from "../ops/operand.ts";

/**
 * The softmax along `axis`: `exp(x − max) / Σ exp(x − max)` over each line along it (stable
 * for large inputs), so each line sums to 1. The result has `x`'s shape and float element type
 * and is allocated like `similar(x)`, or written into `out` (which may be `x`).
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The scores.
 * @param options `axis`, the axis to normalise along (default -1, the last; negative counts
 * from the end), and `out`, where to write the result (it may be `x`; omitted to allocate
 * it); or `out` itself.
 * @returns `out`, or the new probabilities.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or an
 * option is unknown.
 * @throws {RangeError} When `x` is 0-d, `axis` is out of range, or `out` has the wrong shape.
 *
 * @example Class probabilities per row
 * ```ts
 * import { NDArray, softmax } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const p = softmax(NDArray.fromNested([[0, 0], [1000, 1000 + Math.log(3)]]));
 * assert.deepEqual(p.pick(0).toNested(), [0.5, 0.5]);
 * assert.ok(Math.abs(p.get(1, 1) - 0.75) < 1e-12);
 * ```
 */
export function softmax<
  X extends ArrayInput,
  const P extends AxisOptions | ArrayInput | null | undefined = undefined,
>(x: X, options?: P): Returned<OutOf<P>, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  const action = "compute softmax()";
  const X = numericView(x, action, "x");
  const opts = optionsOf(options, AXIS_KEYS, action);
  const axis = opts.axis ?? -1, out = outOf(options, opts);
  if (X.shape.length === 0) throw new RangeError(`Cannot ${action}: x must have an axis`);
  const ax = normalizeAxis(axis, X.shape.length, action);
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const res = output([x], dtype, X.shape.slice(), out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X);
  const y = writable(res, [xs], true); // softmax reads each line before writing it
  const n = X.shape[ax];
  let inner = 1;
  for (let k = ax + 1; k < X.shape.length; k++) inner *= X.shape[k];
  const outer = X.size / (n * inner);
  const xd = xs.data, yd = y.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const xo = xs.offset + o * n * inner + i, yo = y.offset + o * n * inner + i;
      let m = -Infinity;
      for (let j = 0, p = xo; j < n; j++, p += inner) {
        const v = xd[p];
        if (v > m || v !== v) m = v;
      }
      let total = 0;
      for (let j = 0, p = xo, q = yo; j < n; j++, p += inner, q += inner) {
        const e = Math.exp(xd[p] - m);
        yd[q] = e;
        total += e;
      }
      for (let j = 0, q = yo; j < n; j++, q += inner) yd[q] /= total;
    }
  }
  return finish(res, y) as never;
}
