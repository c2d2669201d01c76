/**
 * Shape operations: {@linkcode reshape}, {@linkcode flatten}, {@linkcode concat} and
 * {@linkcode stack}. They work on every element type, bigints included.
 *
 * `reshape` and `flatten` return a view (no allocation at all) whenever the layout allows,
 * else a copy allocated like `similar(x)`; with `out` they copy into it.
 *
 * @module
 */

import { describeValue, fmtShape, isBigIntData } from "../../_internal/describe.ts";
import { isRowMajor, reshapeStrides, rowMajorStrides } from "../../_internal/layout.ts";
import { resolveShape } from "../../_internal/validate.ts";
import {
  assign,
  AXIS_KEYS,
  clear,
  detached,
  finish,
  normalizeAxis,
  optionsOf,
  originOf,
  OUT_KEYS,
  outOf,
  output,
  relayout,
  resultOf,
  sameShape,
  stronger,
  type View,
  viewOf,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { asNDArray } from "../ndarray.ts";
import type {
  ArrayInput,
  AxisOptions,
  ElementsOf,
  OutOf,
  OutOptions,
  ResultArray,
  Returned,
} from "./operand.ts";

/** Options of {@linkcode flatten}. */
export interface FlattenOptions extends OutOptions {
  /** The first axis to merge (default 0; negative counts from the end). */
  startAxis?: number;
}

const FLATTEN_KEYS: readonly string[] = ["startAxis", "out"];
import { copy } from "../similar.ts";

/** `x` reshaped: a view when the layout allows, else a copy (from `similar`) reshaped. */
function reshaped(x: View, shape: number[], out: unknown, action: string): unknown {
  if (out === undefined || out === null) {
    const nd = asNDArray(originOf(x));
    // A row-major layout is always viewable (checked without making its strides, which the
    // view computes again: a flatten per batch should make no garbage but the view).
    return isRowMajor(x.shape, x.strides) || reshapeStrides(x.shape, x.strides, shape) !== null
      ? nd.reshape(shape)
      : copy(nd).reshape(shape);
  }
  const y = output(undefined, x.data.constructor as TypedArrayConstructor, shape, out, action);
  const st = reshapeStrides(x.shape, x.strides, shape);
  const src = st === null
    ? relayout(detached(x), shape, rowMajorStrides(shape))
    : relayout(x, shape, st);
  assign(y, src);
  return resultOf(out, y);
}

/**
 * The elements of `x` in row-major order with another shape (one dimension may be `-1`,
 * inferred). Without `out` it is a view of `x` (of `x`'s class; a typed array gives an
 * `NDArray`) whenever the layout allows, which is always for contiguous arrays, and otherwise
 * a copy allocated like `similar(x)`. With `out`, the elements are copied into it.
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The array (any element type).
 * @param shape The new shape.
 * @param options `{ out }`, or `out` itself: where to copy the reshaped elements; omitted for
 * a view or copy.
 * @returns `out`, or the reshaped array.
 * @throws {TypeError} When `x` is not an array, `shape` not an array of numbers, `out` holds
 * the other element kind, or the options are not `{ out }` or an array.
 * @throws {RangeError} When a dimension is invalid, the element counts differ, or `out` has
 * the wrong shape.
 *
 * @example A view when it can, a copy when it must
 * ```ts
 * import { NDArray, reshape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const v = reshape(a, [3, -1]);
 * assert.equal(v.data, a.data); // a view
 * const t = reshape(a.transpose(), [6]);
 * assert.notEqual(t.data, a.data); // a copy
 * assert.deepEqual(t.toNested(), [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function reshape<
  X extends ArrayInput,
  const P extends OutOptions | ArrayInput | null | undefined = undefined,
>(x: X, shape: readonly number[], options?: P): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute reshape()";
  const X = viewOf(x, action, "x");
  const dims = resolveShape(shape, X.shape, X.size, action);
  return reshaped(X, dims, outOf(options, optionsOf(options, OUT_KEYS, action)), action) as never;
}

/**
 * `x` with the axes from `startAxis` on merged into one (all of them by default, giving a 1-d
 * array; `flatten(batch, { startAxis: 1 })` keeps the batch axis: `[N, C, H, W]` → `[N, C·H·W]`). A view when
 * the layout allows, else a copy, as for {@linkcode reshape}. A 0-d array flattens to `[1]`.
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The array (any element type).
 * @param options `startAxis`, the first axis to merge (default 0; negative counts from the
 * end), and `out`, where to copy the result (omitted for a view or copy); or `out` itself.
 * @returns `out`, or the flattened array.
 * @throws {TypeError} When `x` is not an array, `startAxis` not a number, `out` holds the
 * other element kind, or an option is unknown.
 * @throws {RangeError} When `startAxis` is out of range or `out` has the wrong shape.
 *
 * @example Flattening feature maps per sample
 * ```ts
 * import { flatten, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const maps = new NDArray(new Float32Array(2 * 10 * 3 * 3), [2, 10, 3, 3]);
 * assert.deepEqual(flatten(maps, { startAxis: 1 }).shape, [2, 90]);
 * assert.deepEqual(flatten(maps).shape, [180]);
 * ```
 */
export function flatten<
  X extends ArrayInput,
  const P extends FlattenOptions | ArrayInput | null | undefined = undefined,
>(x: X, options?: P): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute flatten()";
  const X = viewOf(x, action, "x");
  const opts = optionsOf(options, FLATTEN_KEYS, action);
  const startAxis = opts.startAxis ?? 0, out = outOf(options, opts);
  const nd = X.shape.length;
  const start = normalizeAxis(startAxis, Math.max(nd, 1), action);
  const shape = new Array<number>(start + 1);
  let rest = 1;
  for (let k = 0; k < nd; k++) {
    if (k < start) shape[k] = X.shape[k];
    else rest *= X.shape[k];
  }
  shape[start] = rest;
  return reshaped(X, shape, out, action) as never;
}

/** Reads the arguments of concat/stack: the arrays (all one element kind), axis and out. */
function joinArgs(
  arrays: unknown,
  options: unknown,
  action: string,
): { views: View[]; axis: unknown; out: unknown } {
  const views = viewsOf(arrays, action);
  const opts = optionsOf(options, AXIS_KEYS, action);
  return { views, axis: opts.axis ?? 0, out: outOf(options, opts) };
}

/** Reads the list of arrays of concat/stack: all one element kind. */
function viewsOf(arrays: unknown, action: string): View[] {
  if (!Array.isArray(arrays)) {
    throw new TypeError(
      `Cannot ${action}: arrays must be an array of arrays, got ${describeValue(arrays)}`,
    );
  }
  if (arrays.length === 0) throw new RangeError(`Cannot ${action}: arrays is empty`);
  const views = arrays.map((a, i) => viewOf(a, action, `arrays[${i}]`));
  const big = isBigIntData(views[0].data);
  for (let i = 1; i < views.length; i++) {
    if (isBigIntData(views[i].data) !== big) {
      throw new TypeError(
        `Cannot ${action}: arrays[${i}] holds ${
          views[i].data.constructor.name
        } elements and arrays[0] ${views[0].data.constructor.name}: bigints and numbers do not mix`,
      );
    }
  }
  return views;
}

/** The input whose kind the result of joining `arrays` takes (see `stronger`). */
function strongest(arrays: readonly unknown[]): unknown {
  let best: unknown = arrays[0];
  for (let i = 1; i < arrays.length; i++) best = stronger(best, arrays[i]);
  return best;
}

/** The part of `v` where index `start .. start + len` along `axis` lies. */
function part(v: View, axis: number, start: number, len: number): View {
  const shape = v.shape.slice();
  shape[axis] = len;
  return relayout(v, shape, v.strides, v.offset + start * v.strides[axis]);
}

/**
 * The arrays joined along an existing `axis`: their shapes must agree on every other axis.
 * The result has the first array's element type (the others are converted) and is allocated
 * like `similarOf(arrays)`, or written into `out`.
 *
 * @typeParam X The type of the arrays.
 * @typeParam P The type of `options`.
 * @param arrays The arrays to join (at least one, all with the same number of axes, ≥ 1).
 * @param options `axis`, the axis to join along (default 0; negative counts from the end),
 * and `out`, where to write the result (omitted to allocate it); or `out` itself.
 * @returns `out`, or the new joined array.
 * @throws {TypeError} When `arrays` is not a list of arrays, bigint and number arrays are
 * mixed, `axis` is not a number, or an option is unknown.
 * @throws {RangeError} When `arrays` is empty, the shapes disagree off `axis`, `axis` is out of
 * range, or `out` has the wrong shape.
 *
 * @example Joining rows and columns
 * ```ts
 * import { concat, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = NDArray.fromNested([[1, 2], [3, 4]]);
 * const b = NDArray.fromNested([[5, 6]]);
 * assert.deepEqual(concat([a, b]).toNested(), [[1, 2], [3, 4], [5, 6]]);
 * assert.deepEqual(concat([a, a], { axis: 1 }).toNested(), [[1, 2, 1, 2], [3, 4, 3, 4]]);
 * ```
 */
export function concat<
  X extends ArrayInput,
  const P extends AxisOptions | ArrayInput | null | undefined = undefined,
>(arrays: readonly X[], options?: P): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute concat()";
  const { views, axis, out } = joinArgs(arrays, options, action);
  const first = views[0];
  const nd = first.shape.length;
  if (nd === 0) throw new RangeError(`Cannot ${action}: 0-d arrays cannot be joined (use stack)`);
  const ax = normalizeAxis(axis, nd, action);
  const shape = first.shape.slice();
  shape[ax] = 0;
  for (let i = 0; i < views.length; i++) {
    const s = views[i].shape;
    const ok = s.length === nd && s.every((d, k) => k === ax || d === first.shape[k]);
    if (!ok) {
      throw new RangeError(
        `Cannot ${action}: arrays[${i}] has shape ${fmtShape(s)}, which does not match ${
          fmtShape(first.shape)
        } off axis ${ax}`,
      );
    }
    shape[ax] += s[ax];
  }
  const y = output(
    strongest(arrays),
    first.data.constructor as TypedArrayConstructor,
    shape,
    out,
    action,
  );
  const w = writable(y, views.every((v) => clear(y, v)));
  for (let i = 0, at = 0; i < views.length; i++) {
    const len = views[i].shape[ax];
    assign(part(w, ax, at, len), views[i]);
    at += len;
  }
  finish(y, w);
  return resultOf(out, y) as never;
}

/**
 * The arrays (all of one shape) stacked along a new `axis` of length `arrays.length`. The
 * result has the first array's element type and is allocated like `similarOf(arrays)`, or
 * written into `out`.
 *
 * @typeParam X The type of the arrays.
 * @typeParam P The type of `options`.
 * @param arrays The arrays to stack (at least one, all of the same shape).
 * @param options `axis`, where the new axis goes, `0 … ndim` (default 0; negative counts from
 * the end), and `out`, where to write the result (omitted to allocate it); or `out` itself.
 * @returns `out`, or the new stacked array.
 * @throws {TypeError} When `arrays` is not a list of arrays, bigint and number arrays are
 * mixed, `axis` is not a number, or an option is unknown.
 * @throws {RangeError} When `arrays` is empty, the shapes differ, `axis` is out of range, or
 * `out` has the wrong shape.
 *
 * @example Stacking vectors as rows or columns
 * ```ts
 * import { stack } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = new Float64Array([1, 2]), b = new Float64Array([3, 4]);
 * assert.deepEqual(stack([a, b]).toNested(), [[1, 2], [3, 4]]);
 * assert.deepEqual(stack([a, b], { axis: -1 }).toNested(), [[1, 3], [2, 4]]);
 * ```
 */
export function stack<
  X extends ArrayInput,
  const P extends AxisOptions | ArrayInput | null | undefined = undefined,
>(arrays: readonly X[], options?: P): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute stack()";
  const { views, axis, out } = joinArgs(arrays, options, action);
  const first = views[0];
  const ax = normalizeAxis(axis, first.shape.length + 1, action);
  for (let i = 1; i < views.length; i++) {
    if (!sameShape(views[i].shape, first.shape)) {
      throw new RangeError(
        `Cannot ${action}: arrays[${i}] has shape ${fmtShape(views[i].shape)}, arrays[0] ${
          fmtShape(first.shape)
        }`,
      );
    }
  }
  const shape = first.shape.slice();
  shape.splice(ax, 0, views.length);
  const y = output(
    strongest(arrays),
    first.data.constructor as TypedArrayConstructor,
    shape,
    out,
    action,
  );
  const w = writable(y, views.every((v) => clear(y, v)));
  for (let i = 0; i < views.length; i++) {
    const p = part(w, ax, i, 1);
    const sh = p.shape.slice(), st = p.strides.slice();
    sh.splice(ax, 1);
    st.splice(ax, 1);
    assign(relayout(p, sh, st), views[i]);
  }
  finish(y, w);
  return resultOf(out, y) as never;
}
