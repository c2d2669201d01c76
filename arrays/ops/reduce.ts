/**
 * Reductions: {@linkcode sum}, {@linkcode prod}, {@linkcode mean}, {@linkcode max},
 * {@linkcode min}, {@linkcode argmax} and {@linkcode argmin}, over all elements or along one
 * axis.
 *
 * Over all elements (no `axis` option) a reduction returns a JavaScript number and allocates
 * nothing, so it has no `out` form. Along an axis (`{ axis }`) it returns an array without
 * that axis, allocated like `similar(x)` (an `AllocArray` gives an `AllocArray` from the
 * current allocator) or written into `out` (`{ axis, out }`). Sums and products are
 * accumulated in double precision. Sums are pairwise (as NumPy's): runs of up to 128 elements
 * are added into eight partial sums, longer runs are split in halves and summed recursively,
 * so the rounding error grows with the logarithm of the length rather than the length, and
 * the sum runs about twice as fast as a plain loop.
 *
 * @module
 */

import { isRowMajor } from "../../_internal/layout.ts";
import { type Data, type Row, walk } from "../../_internal/loops.ts";
import {
  AXIS_KEYS,
  clear,
  finish,
  floatType,
  normalizeAxis,
  NOT_FAST,
  numericView,
  optionsOf,
  outOf,
  output,
  resultOf,
  type View,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { NDArray } from "../ndarray.ts";
import { type ContiguousReduce, kindOf } from "./_kernel_types.ts";
import { REDUCE } from "./_reduce_kernels.ts";
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

// The partial sums of sumInto, a stack with one entry per level (see there). Shared: the
// function calls no other code while it uses it.
const PARTIALS = new Float64Array(64);

/**
 * Stores into `o[oo]` the pairwise sum of `n` elements of `d` from `start` in steps of `st`:
 * blocks of 128 elements
 * are each added into eight partial sums, and the blocks' sums are added in pairs, pairs of
 * pairs and so on (a stack of partial sums, as a binary counter: at most 47 levels below 2^53
 * elements). With steps of 1 it adds exactly as the contiguous kernels of ./_reduce_kernels.ts,
 * so a sum along an axis agrees with the sum of the same elements laid out contiguously. (It
 * stores the sum rather than return it, and does not recurse: a double returned by a call V8
 * does not inline is boxed, a heap number of garbage per line or block.)
 */
function sumInto(o: Data, oo: number, d: Data, start: number, st: number, n: number): void {
  let depth = 0;
  for (let b = 0, p = start; b * 128 < n; b++) {
    const m = n - b * 128 < 128 ? n - b * 128 : 128;
    let r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0, i = 0;
    for (; i + 8 <= m; i += 8, p += 8 * st) {
      r0 += d[p];
      r1 += d[p + st];
      r2 += d[p + 2 * st];
      r3 += d[p + 3 * st];
      r4 += d[p + 4 * st];
      r5 += d[p + 5 * st];
      r6 += d[p + 6 * st];
      r7 += d[p + 7 * st];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < m; i++, p += st) s += d[p];
    for (let k = b; k % 2 === 1; k = (k - 1) / 2) s = PARTIALS[--depth] + s;
    PARTIALS[depth++] = s;
  }
  let total = depth > 0 ? PARTIALS[--depth] : 0;
  while (depth > 0) total = PARTIALS[--depth] + total;
  o[oo] = total;
}

/**
 * Stores into `o[oo]` the reduction `kind` of `n` elements of `d` from `start` in steps of `st`
 * (`n` > 0 for max/min/arg*). (Stored, not returned: see `sumInto`.)
 */
function lineInto(
  kind: Kind,
  o: Data,
  oo: number,
  d: Data,
  start: number,
  st: number,
  n: number,
): void {
  switch (kind) {
    case "sum":
      return sumInto(o, oo, d, start, st, n);
    case "mean":
      sumInto(o, oo, d, start, st, n);
      o[oo] /= n;
      return;
    case "prod": {
      let acc = 1;
      for (let i = 0, p = start; i < n; i++, p += st) acc *= d[p];
      o[oo] = acc;
      return;
    }
    case "max": {
      let m = d[start];
      for (let i = 1, p = start + st; i < n; i++, p += st) {
        const v = d[p];
        if (v > m || v !== v) m = v;
      }
      o[oo] = m;
      return;
    }
    case "min": {
      let m = d[start];
      for (let i = 1, p = start + st; i < n; i++, p += st) {
        const v = d[p];
        if (v < m || v !== v) m = v;
      }
      o[oo] = m;
      return;
    }
    case "argmax":
    case "argmin": {
      o[oo] = argLine(kind === "argmax", d, start, st, n);
      return;
    }
  }
}

/**
 * The index of the largest (`max`) or smallest element of a line (`n` > 0): the first on ties,
 * the first NaN if any (NumPy's).
 */
function argLine(max: boolean, d: Data, start: number, st: number, n: number): number {
  let m = d[start], k = 0;
  if (m !== m) return 0;
  for (let i = 1, p = start + st; i < n; i++, p += st) {
    const v = d[p];
    if (max ? v > m : v < m) {
      m = v;
      k = i;
    } else if (v !== v) return i;
  }
  return k;
}

// Where `line` has `lineInto` store its result.
const LINE = new Float64Array(1);

/** The reduction `kind` of a line (see {@linkcode lineInto}), as a number. */
function line(kind: Kind, d: Data, start: number, st: number, n: number): number {
  lineInto(kind, LINE, 0, d, start, st, n);
  return LINE[0];
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

/**
 * The fast path of a reduction over all elements: `x` is a non-empty array of a number element
 * kind whose elements are one contiguous run of its data. Runs the kind's contiguous kernel
 * (this is where it is decided which one) and returns the number, allocating nothing;
 * {@linkcode NOT_FAST} for everything else.
 */
function fastReduceAll(
  kernels: readonly ContiguousReduce[],
  mean: boolean,
  x: unknown,
): number | typeof NOT_FAST {
  let d: Data, o = 0, n: number;
  if (ArrayBuffer.isView(x)) {
    d = x as Data;
    n = d.length;
  } else if (x instanceof NDArray && x.isContiguous) {
    d = x.data as Data;
    o = x.offset;
    n = x.size;
    if (o + n > d.length) return NOT_FAST; // detached or shrunk memory: the general path says so
  } else return NOT_FAST;
  const k = kindOf(d.constructor);
  if (k < 0 || n === 0) return NOT_FAST;
  const r = kernels[k](n, d, o);
  return mean ? r / n : r;
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
  // (Arrays of their exact length: pushing onto [] reserves room for 17.)
  const nd = X.shape.length,
    shape = new Array<number>(nd - 1),
    inStrides = new Array<number>(nd - 1);
  for (let k = 0, j = 0; k < nd; k++) {
    if (k === ax) continue;
    shape[j] = X.shape[k];
    inStrides[j++] = X.strides[k];
  }
  const type = X.data.constructor as TypedArrayConstructor;
  const dtype = kind === "argmax" || kind === "argmin"
    ? Int32Array
    : kind === "max" || kind === "min"
    ? type
    : floatType(type);
  if (n === 0 && NEEDS_ELEMENTS.has(kind) && shape.every((d) => d > 0)) {
    throw new RangeError(`Cannot ${action}: axis ${ax} has length 0`);
  }
  const y = output(x, dtype, shape, out, action);
  if (y.size === 0) return resultOf(out, y);
  const w = writable(y, clear(y, X));
  const row: Row = (m, o, oo, os, a, ao, as) => {
    for (let i = 0; i < m; i++, oo += os, ao += as) lineInto(kind, o, oo, a, ao, st, n);
  };
  walk(row, shape, w.data, w.offset, w.strides, X.data, X.offset, inStrides);
  finish(y, w);
  return resultOf(out, y);
}

/** The reduction `kind` as an exported function. */
function reduction<R extends ElementRule>(kind: Kind): Reduction<R> {
  const action = `compute ${kind}()`;
  const kernels = REDUCE[kind === "mean" ? "sum" : kind], mean = kind === "mean";
  const op = (x: unknown, options?: unknown) => {
    if (options === undefined || options === null) {
      const r = fastReduceAll(kernels, mean, x);
      if (r !== NOT_FAST) return r;
    }
    return reduce(kind, action, x, options);
  };
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
