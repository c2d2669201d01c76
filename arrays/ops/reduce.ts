/**
 * Reductions: {@linkcode sum}, {@linkcode prod}, {@linkcode mean}, {@linkcode max},
 * {@linkcode min}, {@linkcode argmax} and {@linkcode argmin}, over all elements or along one
 * axis.
 *
 * Over all elements (no axis) a reduction returns a JavaScript number and allocates nothing,
 * so it has no `out` form. Along an axis it returns an array without that axis, allocated like
 * `similar(x)` (an `AllocArray` gives an `AllocArray` from the current allocator) or written
 * into `out`. Sums and products are accumulated in double precision.
 *
 * @module
 */

import { coalesce, type Data, forEachRow, type Row2, run2 } from "../../_internal/loops.ts";
import {
  finish,
  floatType,
  normalizeAxis,
  numericView,
  output,
  type View,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import type { ArrayInput, ElementsOf, FloatElements, Reduced, ResultArray } from "./operand.ts";

type Kind = "sum" | "prod" | "mean" | "max" | "min" | "argmax" | "argmin";

/** Reduces `n` elements of `d` from `start` in steps of `st` (`n` > 0 for max/min/arg*). */
function line(kind: Kind, d: Data, start: number, st: number, n: number): number {
  switch (kind) {
    case "sum":
    case "mean": {
      let acc = 0;
      for (let i = 0, p = start; i < n; i++, p += st) acc += d[p];
      return kind === "mean" ? acc / n : acc;
    }
    case "prod": {
      let acc = 1;
      for (let i = 0, p = start; i < n; i++, p += st) acc *= d[p];
      return acc;
    }
    case "max": {
      let m = d[start];
      for (let i = 1, p = start + st; i < n; i++, p += st) {
        const v = d[p];
        if (v > m || v !== v) m = v;
      }
      return m;
    }
    case "min": {
      let m = d[start];
      for (let i = 1, p = start + st; i < n; i++, p += st) {
        const v = d[p];
        if (v < m || v !== v) m = v;
      }
      return m;
    }
    case "argmax": {
      let m = d[start], k = 0;
      if (m !== m) return 0;
      for (let i = 1, p = start + st; i < n; i++, p += st) {
        const v = d[p];
        if (v > m) {
          m = v;
          k = i;
        } else if (v !== v) return i; // the first NaN wins (NumPy)
      }
      return k;
    }
    case "argmin": {
      let m = d[start], k = 0;
      if (m !== m) return 0;
      for (let i = 1, p = start + st; i < n; i++, p += st) {
        const v = d[p];
        if (v < m) {
          m = v;
          k = i;
        } else if (v !== v) return i;
      }
      return k;
    }
  }
}

const NEEDS_ELEMENTS: ReadonlySet<Kind> = new Set(["max", "min", "argmax", "argmin"]);

/** Reduces every element of `x` (row-major order for the arg- reductions). */
function reduceAll(kind: Kind, x: View, action: string): number {
  const n = x.size;
  if (n === 0) {
    if (NEEDS_ELEMENTS.has(kind)) {
      throw new RangeError(`Cannot ${action}: the array is empty`);
    }
    return kind === "sum" ? 0 : kind === "prod" ? 1 : NaN;
  }
  const { shape, strides: [st] } = coalesce(x.shape, [x.strides]);
  if (shape.length <= 1) return line(kind, x.data, x.offset, st[0] ?? 1, n);
  // Rows of the last (merged) axis, combined across rows. Arg- reductions track the row-major
  // position of each row's first element.
  let acc = kind === "prod" ? 1 : 0, best = NaN, bestAt = -1, base = 0;
  const arg = kind === "argmax" || kind === "max" ? "argmax" : "argmin";
  forEachRow(shape, st, x.offset, (o, len, step) => {
    if (kind === "sum" || kind === "mean") acc += line("sum", x.data, o, step, len);
    else if (kind === "prod") acc *= line("prod", x.data, o, step, len);
    else {
      const i = line(arg, x.data, o, step, len);
      const v = x.data[o + i * step];
      if (
        bestAt < 0 || (best === best && (v !== v || (arg === "argmax" ? v > best : v < best)))
      ) {
        best = v;
        bestAt = base + i;
      }
    }
    base += len;
  });
  switch (kind) {
    case "sum":
    case "prod":
      return acc;
    case "mean":
      return acc / n;
    case "max":
    case "min":
      return best;
    default:
      // Positions in the coalesced layout follow the original row-major order, so `bestAt`
      // is the flat row-major index.
      return bestAt;
  }
}

function reduce(kind: Kind, x: unknown, axis: unknown, out: unknown): unknown {
  const action = `compute ${kind}()`;
  const X = numericView(x, action, "x");
  if (axis === undefined || axis === null) {
    if (out !== undefined && out !== null) {
      throw new TypeError(
        `Cannot ${action}: out needs an axis; over all elements the result is a number`,
      );
    }
    return reduceAll(kind, X, action);
  }
  const ax = normalizeAxis(axis, X.shape.length, action);
  const n = X.shape[ax], st = X.strides[ax];
  const shape = X.shape.filter((_, k) => k !== ax);
  const type = X.data.constructor as TypedArrayConstructor;
  const dtype = kind === "argmax" || kind === "argmin"
    ? Int32Array
    : kind === "max" || kind === "min"
    ? type
    : floatType(type);
  if (n === 0 && NEEDS_ELEMENTS.has(kind) && shape.every((d) => d > 0)) {
    throw new RangeError(`Cannot ${action}: axis ${ax} has length 0`);
  }
  const res = output([x], dtype, shape, out, action);
  if (res.view.size === 0) return res.result;
  const w = writable(res, [X]);
  const row: Row2 = (o, oo, os, a, ao, as, m) => {
    for (let i = 0; i < m; i++, oo += os, ao += as) o[oo] = line(kind, a, ao, st, n);
  };
  const inStrides = X.strides.filter((_, k) => k !== ax);
  run2(row, shape, w.data, w.offset, w.strides, X.data, X.offset, inStrides);
  return finish(res, w);
}

/**
 * The sum of the elements of `x`: over all of them (a number, 0 for an empty array), or along
 * `axis` (an array without that axis; integers are summed into `Float64Array`, floats keep
 * their type), accumulated in double precision.
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The sum, or an array of sums along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When `axis` is out of range or `out` has the wrong shape.
 *
 * @example Over everything and along each axis
 * ```ts
 * import { NDArray, sum } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.equal(sum(m), 21);
 * assert.deepEqual(sum(m, 0).toNested(), [5, 7, 9]);
 * assert.deepEqual(sum(m, -1).toNested(), [6, 15]);
 * ```
 */
export function sum<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return reduce("sum", x, axis, out) as never;
}

/**
 * The product of the elements of `x`: over all of them (a number, 1 for an empty array), or
 * along `axis` (integers into `Float64Array`, floats keep their type), in double precision.
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The product, or an array of products along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When `axis` is out of range or `out` has the wrong shape.
 *
 * @example Products of rows
 * ```ts
 * import { NDArray, prod } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.equal(prod(m), 720);
 * assert.deepEqual(prod(m, 1).toNested(), [6, 120]);
 * ```
 */
export function prod<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return reduce("prod", x, axis, out) as never;
}

/**
 * The arithmetic mean of the elements of `x`: over all of them (a number, NaN for an empty
 * array), or along `axis` (integers into `Float64Array`, floats keep their type).
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The mean, or an array of means along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When `axis` is out of range or `out` has the wrong shape.
 *
 * @example Column means
 * ```ts
 * import { mean, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2], [3, 6]], Int32Array);
 * assert.equal(mean(m), 3);
 * const cols = mean(m, 0);
 * assert.equal(cols.dtype, Float64Array);
 * assert.deepEqual(cols.toNested(), [2, 4]);
 * ```
 */
export function mean<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return reduce("mean", x, axis, out) as never;
}

/**
 * The largest element of `x` (NaN if any is NaN): over all of them (a number), or along
 * `axis` (an array of `x`'s element type). See {@linkcode maximum} for the element-wise
 * maximum of two arrays.
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The maximum, or an array of maxima along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When there is nothing to reduce (an empty array or axis), `axis` is out
 * of range or `out` has the wrong shape.
 *
 * @example Row maxima
 * ```ts
 * import { max, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 9, 3], [4, 5, 6]]);
 * assert.equal(max(m), 9);
 * assert.deepEqual(max(m, 1).toNested(), [9, 6]);
 * ```
 */
export function max<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, ElementsOf<X>>> {
  return reduce("max", x, axis, out) as never;
}

/**
 * The smallest element of `x` (NaN if any is NaN): over all of them (a number), or along
 * `axis` (an array of `x`'s element type). See {@linkcode minimum} for the element-wise
 * minimum of two arrays.
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The minimum, or an array of minima along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When there is nothing to reduce (an empty array or axis), `axis` is out
 * of range or `out` has the wrong shape.
 *
 * @example Column minima
 * ```ts
 * import { min, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 9, 3], [4, 0, 6]]);
 * assert.equal(min(m), 0);
 * assert.deepEqual(min(m, 0).toNested(), [1, 0, 3]);
 * ```
 */
export function min<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, ElementsOf<X>>> {
  return reduce("min", x, axis, out) as never;
}

/**
 * The index of the largest element of `x` (the first one on ties; the first NaN if any): over
 * all elements (a number, the row-major flat index), or along `axis` (an `Int32Array`-element
 * array of indices into that axis).
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The index, or an array of indices along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When there is nothing to reduce (an empty array or axis), `axis` is out
 * of range or `out` has the wrong shape.
 *
 * @example The predicted class of each row
 * ```ts
 * import { argmax, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const scores = NDArray.fromNested([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]);
 * assert.equal(argmax(scores), 1);
 * assert.deepEqual(argmax(scores, 1).toNested(), [1, 0]);
 * ```
 */
export function argmax<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, Int32Array>> {
  return reduce("argmax", x, axis, out) as never;
}

/**
 * The index of the smallest element of `x` (the first one on ties; the first NaN if any):
 * over all elements (a number, the row-major flat index), or along `axis` (an
 * `Int32Array`-element array of indices into that axis).
 *
 * @typeParam X The type of `x`.
 * @typeParam A The type of `axis`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param axis The axis to reduce (negative counts from the end); omitted or `null` for all.
 * @param out Where to write the per-axis result; only with an axis.
 * @returns The index, or an array of indices along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number, or
 * `out` is given without an axis.
 * @throws {RangeError} When there is nothing to reduce (an empty array or axis), `axis` is out
 * of range or `out` has the wrong shape.
 *
 * @example Where each column is smallest
 * ```ts
 * import { argmin, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[3, 1], [2, 4]]);
 * assert.equal(argmin(m), 1);
 * assert.deepEqual(argmin(m, 0).toNested(), [1, 0]);
 * ```
 */
export function argmin<
  X extends ArrayInput,
  A extends number | null | undefined = undefined,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis?: A, out?: O): Reduced<A, O, ResultArray<X, Int32Array>> {
  return reduce("argmin", x, axis, out) as never;
}
