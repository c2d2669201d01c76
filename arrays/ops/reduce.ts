/**
 * Reductions: {@linkcode sum}, {@linkcode prod}, {@linkcode mean}, {@linkcode max},
 * {@linkcode min}, {@linkcode argmax} and {@linkcode argmin}, over all elements or along one
 * axis.
 *
 * Over all elements (no `axis` option) a reduction returns a JavaScript number and allocates
 * nothing, so it has no `out` form. Along an axis (`{ axis }`) it returns an array without
 * that axis, allocated like `similar(x)` (an `AllocArray` gives an `AllocArray` from the
 * current allocator) or written into `out` (`{ axis, out }`). Sums and products are
 * accumulated in double precision.
 *
 * @module
 */

import { isRowMajor } from "../../_internal/layout.ts";
import { type Data, type Row, walk } from "../../_internal/loops.ts";
import {
  AXIS_KEYS,
  finish,
  floatType,
  normalizeAxis,
  numericView,
  optionsOf,
  outOf,
  output,
  type View,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import type {
  ArrayInput,
  AxisOf,
  AxisOptions,
  ElementRule,
  ElementsOf,
  OutOf,
  Reduced,
  ResultArray,
  ResultElements,
} from "./operand.ts";

/**
 * The signature of the reductions ({@linkcode sum}, {@linkcode max}, {@linkcode argmax}, …):
 * `(x, options?)` with `options` `{ axis, out }`. Without an axis the result is a number;
 * along one, `out` when given, else a new array of `x`'s kind whose elements follow from
 * `x`'s by `R`.
 *
 * @typeParam R How the per-axis result's element type follows from `x`'s.
 *
 * @example Choosing a reduction at run time
 * ```ts
 * import { max, NDArray, type Reduction, sum } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const pick: Record<string, Reduction | Reduction<"float">> = { max, sum };
 * const m = NDArray.fromNested([[1, 5], [3, 4]]);
 * assert.equal(pick.max(m), 5);
 * assert.deepEqual(pick.sum(m, { axis: 1 }).toNested(), [6, 7]);
 * ```
 */
export type Reduction<R extends ElementRule = "same"> = <
  X extends ArrayInput,
  const P extends AxisOptions | null | undefined = undefined,
>(
  x: X,
  options?: P,
) => Reduced<AxisOf<P>, OutOf<P>, ResultArray<X, ResultElements<R, ElementsOf<X>>>>;

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
  if (x.shape.length <= 1) return line(kind, x.data, x.offset, x.strides[0] ?? 1, n);
  if (isRowMajor(x.shape, x.strides)) return line(kind, x.data, x.offset, 1, n);
  // Rows of the last (merged) axis, combined across rows. Arg- reductions track the row-major
  // position of each row's first element: positions in the merged layout follow the original
  // row-major order.
  let acc = kind === "prod" ? 1 : 0, best = NaN, bestAt = -1, base = 0;
  const arg = kind === "argmax" || kind === "max" ? "argmax" : "argmin";
  walk(
    (len, d, o, step) => {
      if (kind === "sum" || kind === "mean") acc += line("sum", d, o, step, len);
      else if (kind === "prod") acc *= line("prod", d, o, step, len);
      else {
        const i = line(arg, d, o, step, len);
        const v = d[o + i * step];
        if (
          bestAt < 0 || (best === best && (v !== v || (arg === "argmax" ? v > best : v < best)))
        ) {
          best = v;
          bestAt = base + i;
        }
      }
      base += len;
    },
    x.shape,
    x.data,
    x.offset,
    x.strides,
  );
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
      return bestAt;
  }
}

function reduce(kind: Kind, action: string, x: unknown, options: unknown): unknown {
  const X = numericView(x, action, "x");
  const opts = optionsOf(options, AXIS_KEYS, action);
  const axis = opts.axis, out = outOf(options, opts);
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
  const row: Row = (m, o, oo, os, a, ao, as) => {
    for (let i = 0; i < m; i++, oo += os, ao += as) o[oo] = line(kind, a, ao, st, n);
  };
  const inStrides = X.strides.filter((_, k) => k !== ax);
  walk(row, shape, w.data, w.offset, w.strides, X.data, X.offset, inStrides);
  return finish(res, w);
}

/** The reduction `kind` as an exported function. */
function reduction<R extends ElementRule>(kind: Kind): Reduction<R> {
  const action = `compute ${kind}()`;
  const op = (x: unknown, options?: unknown) => reduce(kind, action, x, options);
  return Object.defineProperty(op, "name", { value: kind }) as never;
}

/**
 * The sum of the elements of `x`: over all of them (a number, 0 for an empty array), or along
 * `axis` (an array without that axis; integers are summed into `Float64Array`, floats keep
 * their type), accumulated in double precision.
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The sum, or an array of sums along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
 * @throws {RangeError} When `axis` is out of range or `out` has the wrong shape.
 *
 * @example Over everything and along each axis
 * ```ts
 * import { NDArray, sum } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.equal(sum(m), 21);
 * assert.deepEqual(sum(m, { axis: 0 }).toNested(), [5, 7, 9]);
 * assert.deepEqual(sum(m, { axis: -1 }).toNested(), [6, 15]);
 * ```
 */
export const sum: Reduction<"float"> = reduction("sum");

/**
 * The product of the elements of `x`: over all of them (a number, 1 for an empty array), or
 * along `axis` (integers into `Float64Array`, floats keep their type), in double precision.
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The product, or an array of products along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
 * @throws {RangeError} When `axis` is out of range or `out` has the wrong shape.
 *
 * @example Products of rows
 * ```ts
 * import { NDArray, prod } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.equal(prod(m), 720);
 * assert.deepEqual(prod(m, { axis: 1 }).toNested(), [6, 120]);
 * ```
 */
export const prod: Reduction<"float"> = reduction("prod");

/**
 * The arithmetic mean of the elements of `x`: over all of them (a number, NaN for an empty
 * array), or along `axis` (integers into `Float64Array`, floats keep their type).
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The mean, or an array of means along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
 * @throws {RangeError} When `axis` is out of range or `out` has the wrong shape.
 *
 * @example Column means
 * ```ts
 * import { mean, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2], [3, 6]], Int32Array);
 * assert.equal(mean(m), 3);
 * const cols = mean(m, { axis: 0 });
 * assert.equal(cols.dtype, Float64Array);
 * assert.deepEqual(cols.toNested(), [2, 4]);
 * ```
 */
export const mean: Reduction<"float"> = reduction("mean");

/**
 * The largest element of `x` (NaN if any is NaN): over all of them (a number), or along
 * `axis` (an array of `x`'s element type). See {@linkcode maximum} for the element-wise
 * maximum of two arrays.
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The maximum, or an array of maxima along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
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
 * assert.deepEqual(max(m, { axis: 1 }).toNested(), [9, 6]);
 * ```
 */
export const max: Reduction = reduction("max");

/**
 * The smallest element of `x` (NaN if any is NaN): over all of them (a number), or along
 * `axis` (an array of `x`'s element type). See {@linkcode minimum} for the element-wise
 * minimum of two arrays.
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The minimum, or an array of minima along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
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
 * assert.deepEqual(min(m, { axis: 0 }).toNested(), [1, 0, 3]);
 * ```
 */
export const min: Reduction = reduction("min");

/**
 * The index of the largest element of `x` (the first one on ties; the first NaN if any): over
 * all elements (a number, the row-major flat index), or along `axis` (an `Int32Array`-element
 * array of indices into that axis).
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The index, or an array of indices along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
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
 * assert.deepEqual(argmax(scores, { axis: 1 }).toNested(), [1, 0]);
 * ```
 */
export const argmax: Reduction<"index"> = reduction("argmax");

/**
 * The index of the smallest element of `x` (the first one on ties; the first NaN if any):
 * over all elements (a number, the row-major flat index), or along `axis` (an
 * `Int32Array`-element array of indices into that axis).
 *
 * @param x The array.
 * @param options `axis`, the axis to reduce (negative counts from the end; omitted or `null`
 * for all elements), and `out`, where to write the per-axis result (only with an axis).
 * @returns The index, or an array of indices along `axis`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `axis` is not a number,
 * `out` is given without an axis, or an option is unknown.
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
 * assert.deepEqual(argmin(m, { axis: 0 }).toNested(), [1, 0]);
 * ```
 */
export const argmin: Reduction<"index"> = reduction("argmin");
