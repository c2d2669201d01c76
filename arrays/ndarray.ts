/**
 * {@linkcode NDArray}: an n-dimensional strided view of a typed array (scijs/ndarray and
 * stdlib-js style), the base of `AllocArray` and `CheckedAllocArray`.
 *
 * @module
 */

import {
  describeHead,
  describeValue,
  detachedError,
  fmtShape,
  isBigIntData,
} from "../_internal/describe.ts";
import { isRowMajor, reshapeStrides, rowMajorStrides, sizeOf } from "../_internal/layout.ts";
import { resolveShape } from "../_internal/validate.ts";
import { walk } from "../_internal/loops.ts";
import { newHeapArray } from "../_internal/memory.ts";
import {
  assertElementType,
  type TypedArray,
  type TypedArrayConstructor,
} from "../allocators/dtype.ts";
import { BUFFER } from "../_internal/array_slots.ts";
import { GUARD as SHARED_GUARD, GUARD_LEN as SHARED_GUARD_LEN } from "../_internal/guard.ts";
import { TRUSTED, type Trusted, type TrustedArgs, WRAP } from "./_core.ts";

/** The deepest nesting {@linkcode NDArray.fromNested} reads (its walk recurses once a level). */
const MAX_NESTING = 1024;

// `set` checks an index against its axis with two reads of GUARD (see _internal/guard.ts), which
// are both in range only when the index is: GUARD[i] (0 <= i) and GUARD[i + GUARD_LEN - length]
// (i < length; an axis longer than GUARD_LEN makes this read fail for some valid indices, and
// the -1 length of an axis that is not there for all). A loop of `set` calls so keeps its reads
// of the layout out of the loop, as a loop over `data` does (about 2.3× `data[i] = v` against
// 2.7–3.6× with compared indices: `deno run -A benches/ops_ratios.ts --group "set, "`). (Both
// are constants of this module: V8 reads an imported binding from its module on every use, and
// a loop of `set` calls then ran at 5×.)
const GUARD = SHARED_GUARD;
const GUARD_LEN = SHARED_GUARD_LEN;

/**
 * The element type of typed array `T`: `number`, or `bigint` for `BigInt64Array` and
 * `BigUint64Array`.
 *
 * @typeParam T The typed array.
 */
export type ElementOf<T extends TypedArray> = T[number];

/**
 * A nested JavaScript array of elements (`number[][]`, `bigint[]`, …), or a single element for a
 * 0-dimensional array.
 *
 * @typeParam E The element type.
 */
export type Nested<E> = E | readonly Nested<E>[];

/**
 * One axis of {@linkcode NDArray.slice}: `[start, stop, step]` with Python's meaning (each part
 * optional or `null`; negative `start`/`stop` count from the end; a negative `step` walks
 * backwards), or `null`/`undefined` for the whole axis.
 */
export type SliceSpec =
  | readonly [start?: number | null, stop?: number | null, step?: number | null]
  | null
  | undefined;

/** Throws a TypeError unless `value` fits `data`: a bigint for BigInt arrays, else a number. */
function checkElement(
  data: TypedArray,
  value: unknown,
  action: () => string,
  subject: string,
): void {
  const big = isBigIntData(data);
  if (big ? typeof value !== "bigint" : typeof value !== "number") {
    throw new TypeError(
      `Cannot ${action()}: ${subject} must be a ${big ? "bigint" : "number"}, got ${
        describeValue(value)
      }`,
    );
  }
}

function checkInteger(value: unknown, what: string, action: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${what} must be a number, got ${describeValue(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Cannot ${action}: ${what} must be an integer, got ${value}`);
  }
  return value;
}

function checkShape(shape: unknown, action: string): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(
      `Cannot ${action}: shape must be an array of dimensions, got ${describeValue(shape)}`,
    );
  }
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = checkInteger(shape[i], `dimension ${i}`, action);
    if (d < 0) throw new RangeError(`Cannot ${action}: dimension ${i} must be >= 0, got ${d}`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `Cannot ${action}: shape ${fmtShape(shape)} has more than Number.MAX_SAFE_INTEGER elements`,
    );
  }
  return shape.slice();
}

/**
 * One part of a slice spec of axis `k` (length `n`) read: `null` when absent, the step as
 * given, a start or stop with negative values counted from the end. (A function of the module,
 * not a closure, and the name of the part is built only for an error: a slice per batch or per
 * row should leave no garbage besides its view.)
 */
function slicePart(
  v: unknown,
  what: "start" | "stop" | "step",
  k: number,
  n: number,
  action: string,
): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    return checkInteger(v, `${what} of axis ${k}`, action); // throws
  }
  if (what === "step") return v;
  if (v < -n || v > n) {
    throw new RangeError(
      `Cannot ${action}: ${what} ${v} is out of range for axis ${k} of length ${n}`,
    );
  }
  return v < 0 ? v + n : v;
}

/**
 * An n-dimensional strided array: element `[i0, i1, …]` is
 * `data[offset + i0 * strides[0] + i1 * strides[1] + …]`. Arrays are row-major (C order) by
 * default; views ({@linkcode NDArray.slice}, {@linkcode NDArray.reshape},
 * {@linkcode NDArray.transpose}, {@linkcode NDArray.permute}, {@linkcode NDArray.pick},
 * {@linkcode NDArray.broadcastTo}) share `data`, never copy, and cost O(ndim).
 *
 * Elements are read with {@linkcode NDArray.get}`(i, j, …)` and written with
 * {@linkcode NDArray.set}`(i, j, …, value)` (scijs/stdlib order: indices, then the value).
 * Iterating an array yields its elements in row-major order; use {@linkcode NDArray.pick} for
 * the sub-arrays along the first axis. Views keep the class of the array they come from (an
 * `AllocArray`'s views are `AllocArray`s): every view is created by the protected
 * {@linkcode NDArray.makeView}, which subclasses override.
 *
 * | operation | cost |
 * |---|---|
 * | `get` / `set` | O(ndim) |
 * | `slice`, `reshape` (when no copy is needed), `transpose`, `permute`, `pick`, `broadcastTo` | O(ndim), no copy |
 * | iteration, `toNested`, `fill` | O(size) |
 *
 * @typeParam T The typed array holding the elements.
 *
 * @example A 2×3 matrix and its views
 * ```ts
 * import { NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = new NDArray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * assert.equal(a.get(1, 2), 6);
 * assert.deepEqual(a.transpose().toNested(), [[1, 4], [2, 5], [3, 6]]);
 * assert.deepEqual(a.slice(null, [null, null, -1]).toNested(), [[3, 2, 1], [6, 5, 4]]);
 * assert.deepEqual(a.pick(null, 1).toNested(), [2, 5]);
 * a.set(0, 0, 10); // views share memory
 * assert.equal(a.transpose().get(0, 0), 10);
 * ```
 */
export class NDArray<T extends TypedArray = TypedArray> implements Iterable<ElementOf<T>> {
  #data: T;
  #shape: readonly number[];
  #strides: readonly number[];
  // The number fields start as numbers, not `undefined` until the constructor sets them: V8
  // then keeps them as small integers and reads them in `get`/`set` without a type check.
  #offset = 0;
  #size = 0;
  // Whether the layout is row-major contiguous: 0 not yet known, 1 yes, 2 no. Computed on first
  // use (layouts never change), so construction pays nothing for it.
  #contiguous = 0;
  // The ArrayBuffer behind the data, once asked for (see BUFFER).
  #buffer: ArrayBufferLike | undefined = undefined;
  // For `get`/`set` of 1-d and 2-d arrays, numbers of their own (reading a field costs one load,
  // an element of the shape array three): `#len1` is the length of a 1-d array and -1 for any
  // other, `#rows2`/`#cols2` the lengths of a 2-d array's axes and -1 for any other (so the
  // bounds check of an index also checks the number of indices), and `#s0`/`#s1` the strides
  // of the first two axes (0 where there is none).
  #len1 = -1;
  #rows2 = -1;
  #cols2 = -1;
  #s0 = 0;
  #s1 = 0;

  /**
   * Views `data` as an n-d array, without copying.
   *
   * @param data The typed array holding the elements.
   * @param shape Length of each axis (default `[data.length]`).
   * @param strides Element step of each axis, possibly negative or zero (default row-major).
   * @param offset Index in `data` of element `[0, 0, …]` (default 0).
   * @throws {TypeError} When `data` is not a typed array, or `shape`/`strides` not arrays of
   * numbers.
   * @throws {RangeError} When a dimension is negative or fractional, `strides` has the wrong
   * length, or some element would lie outside `data`.
   *
   * @example Viewing a typed array as a matrix
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const data = new Float64Array([1, 2, 3, 4]);
   * const m = new NDArray(data, [2, 2]);
   * assert.deepEqual(m.strides, [2, 1]);
   * const colMajor = new NDArray(data, [2, 2], [1, 2]);
   * assert.equal(colMajor.get(0, 1), 3);
   * ```
   */
  constructor(data: T, shape?: readonly number[], strides?: readonly number[], offset?: number);
  /**
   * The library's own construction: with a layout it computed, or the layout of the n-d array
   * `data`; not validated again. Only the library holds the tokens, so this form cannot be
   * called from outside.
   *
   * @ignore
   */
  constructor(...args: TrustedArgs<T | NDArray<T>>);
  constructor(
    data: T | NDArray<T>,
    shape?: readonly number[],
    strides?: readonly number[],
    offset?: number,
    trusted?: Trusted,
  ) {
    if (trusted === TRUSTED) {
      this.#data = data as T;
      this.#shape = shape!;
      this.#strides = strides!;
      this.#offset = offset!;
      this.#size = sizeOf(shape!);
      const nd = shape!.length;
      this.#len1 = nd === 1 ? shape![0] : -1;
      this.#rows2 = nd === 2 ? shape![0] : -1;
      this.#cols2 = nd === 2 ? shape![1] : -1;
      this.#s0 = nd > 0 ? strides![0] : 0;
      this.#s1 = nd > 1 ? strides![1] : 0;
      return;
    }
    if (trusted === WRAP) {
      const source = data as NDArray<T>;
      this.#data = source.#data;
      this.#shape = source.#shape;
      this.#strides = source.#strides;
      this.#offset = source.#offset;
      this.#size = source.#size;
      this.#contiguous = source.#contiguous;
      this.#len1 = source.#len1;
      this.#rows2 = source.#rows2;
      this.#cols2 = source.#cols2;
      this.#s0 = source.#s0;
      this.#s1 = source.#s1;
      return;
    }
    const action = "create an n-d array";
    if (!isTypedArray(data)) {
      throw new TypeError(
        `Cannot ${action}: data must be a typed array, got ${describeValue(data)}`,
      );
    }
    const sh = shape === undefined ? [data.length] : checkShape(shape, action);
    let st: number[];
    if (strides === undefined) {
      st = rowMajorStrides(sh);
    } else {
      if (!Array.isArray(strides)) {
        throw new TypeError(
          `Cannot ${action}: strides must be an array of numbers, got ${describeValue(strides)}`,
        );
      }
      if (strides.length !== sh.length) {
        throw new RangeError(
          `Cannot ${action}: strides ${fmtShape(strides)} must have one entry per axis of shape ${
            fmtShape(sh)
          }`,
        );
      }
      for (let i = 0; i < strides.length; i++) checkInteger(strides[i], `stride ${i}`, action);
      st = strides.slice();
    }
    const off = offset === undefined ? 0 : checkInteger(offset, "offset", action);
    const size = sizeOf(sh);
    if (size > 0) {
      let lo = off, hi = off;
      for (let i = 0; i < sh.length; i++) {
        const span = (sh[i] - 1) * st[i];
        if (span < 0) lo += span;
        else hi += span;
      }
      if (lo < 0 || hi >= data.length) {
        throw new RangeError(
          `Cannot ${action}: shape ${fmtShape(sh)} with strides ${
            fmtShape(st)
          } and offset ${off} reaches indices ${lo}..${hi}, outside data of length ${data.length}`,
        );
      }
    } else if (off < 0 || off > data.length) {
      throw new RangeError(
        `Cannot ${action}: offset ${off} is outside data of length ${data.length}`,
      );
    }
    this.#data = data;
    this.#shape = sh;
    this.#strides = st;
    this.#offset = off;
    this.#size = size;
    const nd = sh.length;
    this.#len1 = nd === 1 ? sh[0] : -1;
    this.#rows2 = nd === 2 ? sh[0] : -1;
    this.#cols2 = nd === 2 ? sh[1] : -1;
    this.#s0 = nd > 0 ? st[0] : 0;
    this.#s1 = nd > 1 ? st[1] : 0;
  }

  /**
   * A row-major array of the given element type built from nested JavaScript arrays (copied into
   * a new heap typed array).
   *
   * @typeParam T The typed array type.
   * @param nested Nested arrays of equal lengths at each depth, or a single element (0-d).
   * @param dtype The element type (default `Float64Array`).
   * @returns A new array of shape given by the nesting.
   * @throws {TypeError} When `dtype` is not a typed-array constructor or an element is not a
   * number (a bigint for `BigInt64Array`/`BigUint64Array`).
   * @throws {RangeError} When the nesting is ragged, deeper than 1024 levels, or cyclic (an
   * array that contains itself).
   * @throws {OutOfMemoryError} When the runtime refuses a typed array of that many elements.
   *
   * @example From nested arrays and back
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([[1, 2], [3, 4], [5, 6]], Int32Array);
   * assert.deepEqual(a.shape, [3, 2]);
   * assert.deepEqual(a.toNested(), [[1, 2], [3, 4], [5, 6]]);
   * ```
   */
  static fromNested<T extends TypedArray = Float64Array>(
    nested: Nested<ElementOf<T>>,
    dtype?: TypedArrayConstructor<T>,
  ): NDArray<T> {
    const action = "create an n-d array from nested arrays";
    const type = dtype === undefined
      ? Float64Array as unknown as TypedArrayConstructor<T>
      : assertElementType<T>(dtype, action);
    const shape: number[] = [];
    const chain = new Set<unknown>();
    for (let v: unknown = nested; Array.isArray(v); v = v[0]) {
      if (chain.has(v)) {
        throw new RangeError(
          `Cannot ${action}: the nesting is cyclic: the element at ${
            "[0]".repeat(shape.length)
          } is an array that contains it`,
        );
      }
      if (shape.length === MAX_NESTING) {
        throw new RangeError(
          `Cannot ${action}: the nesting is deeper than ${MAX_NESTING} levels`,
        );
      }
      chain.add(v);
      shape.push(v.length);
      if (v.length === 0) break;
    }
    const data = newHeapArray(type, sizeOf(shape));
    let k = 0;
    const walk = (v: unknown, depth: number, path: string): void => {
      if (depth === shape.length) {
        checkElement(data, v, () => action, `element${path}`);
        (data as Float64Array)[k++] = v as number;
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new RangeError(
          `Cannot ${action}: ragged nesting at ${path || "the top"}: expected an array of length ${
            shape[depth]
          }, got ${describeValue(v)}`,
        );
      }
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
    };
    walk(nested, 0, "");
    return new NDArray(data, shape);
  }

  /**
   * Creates a view of the same `data` with another layout. Every view ({@linkcode NDArray.slice},
   * {@linkcode NDArray.reshape}, …) is made here, so a subclass overrides this one method to keep
   * its class (and, for checked arrays, its validity) in views. The arguments are trusted: the
   * library computed them.
   *
   * @param shape The view's shape.
   * @param strides The view's strides.
   * @param offset The view's offset.
   * @returns An array of this array's class over the same memory.
   *
   * @example A subclass whose views keep their class
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * class Tagged extends NDArray<Float64Array> {
   *   protected override makeView(shape: number[], strides: number[], offset: number): Tagged {
   *     return new Tagged(this.data, shape, strides, offset);
   *   }
   * }
   * const t = new Tagged(new Float64Array(6), [2, 3]);
   * assert.ok(t.transpose() instanceof Tagged);
   * ```
   */
  protected makeView(shape: number[], strides: number[], offset: number): NDArray<T> {
    return new NDArray(this.#data, shape, strides, offset, TRUSTED);
  }

  /**
   * The typed array holding the elements (shared with every view). Element `[i, j, …]` is
   * `data[offset + i * strides[0] + j * strides[1] + …]`.
   *
   * @example Reading the storage
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const data = new Float32Array(4);
   * assert.equal(new NDArray(data, [2, 2]).data, data);
   * ```
   */
  get data(): T {
    return this.#data;
  }

  /**
   * Length of each axis.
   *
   * @example Reading the shape
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new NDArray(new Float64Array(6), [2, 3]).shape, [2, 3]);
   * ```
   */
  get shape(): readonly number[] {
    return this.#shape;
  }

  /**
   * Element step of each axis in `data` (negative for reversed axes, zero for broadcast ones).
   *
   * @example Reading the strides
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new NDArray(new Float64Array(24), [2, 3, 4]).strides, [12, 4, 1]);
   * ```
   */
  get strides(): readonly number[] {
    return this.#strides;
  }

  /**
   * Index in `data` of element `[0, 0, …]`.
   *
   * @example Reading the offset of a slice
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new NDArray(new Float64Array(10));
   * assert.equal(a.slice([3]).offset, 3);
   * ```
   */
  get offset(): number {
    return this.#offset;
  }

  /**
   * The element type: the typed-array constructor of `data`.
   *
   * @example Reading the element type
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new NDArray(new Int16Array(2)).dtype, Int16Array);
   * ```
   */
  get dtype(): TypedArrayConstructor<T> {
    return this.#data.constructor as TypedArrayConstructor<T>;
  }

  /**
   * Number of elements (the product of the shape; 1 for a 0-d array).
   *
   * @example Counting elements
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new NDArray(new Float64Array(6), [2, 3]).size, 6);
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * Number of axes.
   *
   * @example Counting axes
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new NDArray(new Float64Array(6), [1, 2, 3]).ndim, 3);
   * ```
   */
  get ndim(): number {
    return this.#shape.length;
  }

  /**
   * The `ArrayBuffer` (or `SharedArrayBuffer`) behind the data, for the operations' aliasing
   * checks. Package-private (its key is not exported).
   *
   * @returns The buffer of `data`.
   * @ignore
   */
  [BUFFER](): ArrayBufferLike {
    return this.#buffer ??= this.#data.buffer;
  }

  /**
   * Whether the elements fill one row-major block of `data` without gaps (axes of length 1
   * ignored), so `data.subarray(offset, offset + size)` holds them in order.
   *
   * @example Transposes are not contiguous
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new NDArray(new Float64Array(6), [2, 3]);
   * assert.ok(a.isContiguous);
   * assert.ok(!a.transpose().isContiguous);
   * ```
   */
  get isContiguous(): boolean {
    let c = this.#contiguous;
    if (c === 0) this.#contiguous = c = isRowMajor(this.#shape, this.#strides) ? 1 : 2;
    return c === 1;
  }

  #index(idx: readonly unknown[], verb: "read" | "write"): number {
    const shape = this.#shape, strides = this.#strides;
    let o = this.#offset;
    if (idx.length === shape.length) {
      let k = 0;
      for (; k < idx.length; k++) {
        const i = idx[k] as number;
        if (!(i >= 0 && i < shape[k] && Number.isInteger(i))) break;
        o += i * strides[k];
      }
      if (k === idx.length) return o;
    }
    const action = `${verb} element ${fmtShape(idx.map(describeValue))}`;
    if (idx.length !== shape.length) {
      throw new RangeError(
        `Cannot ${action}: expected ${shape.length} indices for shape ${
          fmtShape(shape)
        }, got ${idx.length}`,
      );
    }
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      if (typeof i !== "number") {
        throw new TypeError(
          `Cannot ${action}: index ${k} must be a number, got ${describeValue(i)}`,
        );
      }
      if (!(i >= 0 && i < shape[k] && Number.isInteger(i))) {
        // One combined check on the hot path; the message is chosen only on failure.
        throw new RangeError(
          Number.isInteger(i)
            ? `Cannot ${action}: index ${i} is out of range for axis ${k} of length ${shape[k]}`
            : `Cannot ${action}: index ${k} must be an integer, got ${i}`,
        );
      }
    }
    return o;
  }

  /**
   * The element at `[i0, i1, …]` (one index per axis; none for a 0-d array).
   *
   * @param idx One integer index per axis, each in `[0, shape[k])`.
   * @returns The element.
   * @throws {TypeError} When an index is not a number.
   * @throws {RangeError} When the number of indices differs from `ndim` or an index is out of
   * range or fractional.
   *
   * @example Reading an element
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([[1, 2], [3, 4]]);
   * assert.equal(a.get(1, 0), 3);
   * assert.throws(() => a.get(2, 0), RangeError);
   * ```
   */
  get(...idx: number[]): ElementOf<T>;
  get(i?: number, j?: number): ElementOf<T> {
    // 1-d and 2-d: one combined check per index (which also checks the number of indices),
    // then the element; anything else (other dimensions, bad indices, detached memory) takes
    // the general path, which also chooses the message.
    const argc = arguments.length;
    if (argc === 1) {
      if (i! >= 0 && i! < this.#len1 && Number.isInteger(i)) {
        // (An element is never undefined: past the end of detached memory it is.)
        const v = this.data[this.#offset + i! * this.#s0];
        if (v !== undefined) return v;
      }
    } else if (argc === 2) {
      if (
        i! >= 0 && i! < this.#rows2 && j! >= 0 && j! < this.#cols2 && Number.isInteger(i) &&
        Number.isInteger(j)
      ) {
        const v = this.data[this.#offset + i! * this.#s0 + j! * this.#s1];
        if (v !== undefined) return v;
      }
    }
    return this.#getSlow(Array.prototype.slice.call(arguments));
  }

  #getSlow(idx: number[]): ElementOf<T> {
    const data = this.data, o = this.#index(idx, "read");
    // A valid layout never reaches past the data: only a detached (emptied) typed array does.
    if (o >= data.length) throw detachedError(`read element ${fmtShape(idx)}`);
    return data[o];
  }

  /**
   * Writes the element at `[i0, i1, …]`: the indices come first and the value last
   * (`set(i, j, value)`, as in scijs/ndarray and stdlib-js).
   *
   * Trailing `undefined` arguments among the first four count as absent (`set(i, v, undefined)`
   * writes `v` at `i` of a 1-d array), so that `set` need not count its arguments: that is
   * part of what keeps it near a plain `data[i] = v` in a loop.
   *
   * @param _args One integer index per axis, then the value (a `number`, or a `bigint` for
   * `BigInt64Array`/`BigUint64Array` data).
   * @throws {TypeError} When an index or the value has the wrong type.
   * @throws {RangeError} When the number of indices differs from `ndim` or an index is out of
   * range or fractional.
   *
   * @example Writing an element
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new NDArray(new Float64Array(4), [2, 2]);
   * a.set(1, 0, 7);
   * assert.equal(a.get(1, 0), 7);
   * assert.equal(a.data[2], 7);
   * ```
   */
  set(..._args: [...idx: number[], value: ElementOf<T>]): void;
  set(a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, ...more: unknown[]): void {
    // 1-d and 2-d with a number value: each index checked against its axis by two reads of
    // GUARD, then the store, which throws for bigint data (then the general path reports it);
    // anything else (detached memory too) takes the general path. The first four arguments
    // are named and the rest is read only on the general path: reading `arguments`, or the rest
    // parameter, here would make V8 create an object on every call and read the layout again
    // on every call of a loop. (So trailing `undefined` arguments among the first four are the
    // same as absent ones.)
    if (a2 === undefined) {
      const i = a0 as number, v = a1 as number;
      if (
        typeof i === "number" && typeof v === "number" &&
        ((GUARD[i] !== undefined && GUARD[i + (GUARD_LEN - this.#len1)] !== undefined) ||
          (i >= 0 && i < this.#len1 && Number.isInteger(i)))
      ) {
        const data = this.data as unknown as Float64Array, o = this.#offset + i * this.#s0;
        // (An element is never undefined: past the end of detached memory it is.)
        if (data[o] !== undefined) {
          try {
            data[o] = v;
            return;
          } catch { /* bigint data: the general path says so */ }
        }
      }
    } else if (a3 === undefined) {
      const i = a0 as number, j = a1 as number, v = a2 as number;
      if (
        typeof i === "number" && typeof j === "number" && typeof v === "number" &&
        ((GUARD[i] !== undefined && GUARD[i + (GUARD_LEN - this.#rows2)] !== undefined &&
          GUARD[j] !== undefined && GUARD[j + (GUARD_LEN - this.#cols2)] !== undefined) ||
          (i >= 0 && i < this.#rows2 && j >= 0 && j < this.#cols2 && Number.isInteger(i) &&
            Number.isInteger(j)))
      ) {
        const data = this.data as unknown as Float64Array;
        const o = this.#offset + i * this.#s0 + j * this.#s1;
        if (data[o] !== undefined) {
          try {
            data[o] = v;
            return;
          } catch { /* bigint data: the general path says so */ }
        }
      }
    }
    this.#setSlow(a0, a1, a2, a3, more);
  }

  // Everything but the fast paths: axes longer than GUARD_LEN, other ranks, bad input.
  #setSlow(a0: unknown, a1: unknown, a2: unknown, a3: unknown, more: unknown[]): void {
    const args = [a0, a1, a2, a3, ...more];
    if (more.length === 0) {
      // (Trailing undefined arguments among the first four are the same as absent ones.)
      let n = 4;
      while (n > 0 && args[n - 1] === undefined) n--;
      args.length = n;
    }
    const n = args.length;
    if (n === 0) {
      throw new RangeError(`Cannot write an element: expected ${this.ndim} indices and a value`);
    }
    const value = args[n - 1];
    const idx = args.slice(0, n - 1);
    const data = this.data;
    const o = this.#index(idx, "write");
    if (o >= data.length) throw detachedError(`write element ${fmtShape(idx)}`);
    checkElement(data, value, () => `write element ${fmtShape(idx)}`, "value");
    (data as Float64Array)[o] = value as number;
  }

  /**
   * Sets every element to `value`.
   *
   * @param value A `number` (a `bigint` for `BigInt64Array`/`BigUint64Array` data).
   * @returns This array.
   * @throws {TypeError} When `value` has the wrong type.
   *
   * @example Filling a column
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new NDArray(new Float64Array(4), [2, 2]);
   * a.pick(null, 1).fill(5);
   * assert.deepEqual(a.toNested(), [[0, 5], [0, 5]]);
   * ```
   */
  fill(value: ElementOf<T>): this {
    const data = this.data as Float64Array;
    if (data.length === 0 && this.#size !== 0) throw detachedError("fill an n-d array");
    checkElement(data, value, () => "fill an n-d array", "value");
    const v = value as number;
    const shape = this.#shape;
    if (this.#size === 0) return this;
    if (shape.length === 0) {
      data[this.#offset] = v;
      return this;
    }
    if (this.isContiguous) {
      data.fill(v, this.#offset, this.#offset + this.#size);
      return this;
    }
    walk(
      (n, d, o, st) => {
        for (let j = 0; j < n; j++, o += st) d[o] = v;
      },
      shape,
      data,
      this.#offset,
      this.#strides,
    );
    return this;
  }

  /**
   * A view of a sub-range of each axis: one {@linkcode SliceSpec} `[start, stop, step]` per
   * axis (Python's meaning: `stop` exclusive, negative `start`/`stop` count from the end, a
   * negative `step` walks backwards, `null` parts take their defaults); axes without a spec, or
   * with `null`, are kept whole. Never copies.
   *
   * @param specs One spec per leading axis.
   * @returns A view of this array's class.
   * @throws {TypeError} When a spec is not an array, or a part not a number or `null`.
   * @throws {RangeError} When there are more specs than axes, `step` is 0, or `start`/`stop`
   * lies outside `[-n, n]` for an axis of length `n`.
   *
   * @example Every second element, reversed
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([0, 1, 2, 3, 4, 5, 6]);
   * assert.deepEqual(a.slice([1, 5]).toNested(), [1, 2, 3, 4]);
   * assert.deepEqual(a.slice([null, null, -2]).toNested(), [6, 4, 2, 0]);
   * assert.deepEqual(a.slice([-3]).toNested(), [4, 5, 6]);
   * ```
   */
  slice(...specs: SliceSpec[]): this {
    const shape = this.#shape, strides = this.#strides;
    const nd = shape.length;
    const action = "slice an n-d array";
    if (specs.length > nd) {
      throw new RangeError(
        `Cannot ${action}: got ${specs.length} slice specs for ${nd} axes (shape ${
          fmtShape(shape)
        })`,
      );
    }
    const newShape = shape.slice();
    const newStrides = strides.slice();
    let off = this.#offset;
    for (let k = 0; k < specs.length; k++) {
      const spec = specs[k];
      if (spec === null || spec === undefined) continue;
      if (!Array.isArray(spec)) {
        throw new TypeError(
          `Cannot ${action}: spec for axis ${k} must be [start, stop, step] or null, got ${
            describeValue(spec)
          }`,
        );
      }
      const n = shape[k];
      const step = slicePart(spec[2], "step", k, n, action) ?? 1;
      if (step === 0) throw new RangeError(`Cannot ${action}: step of axis ${k} must not be 0`);
      let start = slicePart(spec[0], "start", k, n, action);
      let stop = slicePart(spec[1], "stop", k, n, action);
      let len: number;
      if (step > 0) {
        start ??= 0;
        stop ??= n;
        len = stop > start ? Math.ceil((stop - start) / step) : 0;
      } else {
        start = start === null ? n - 1 : Math.min(start, n - 1);
        const end = stop ?? -1;
        len = start > end ? Math.ceil((start - end) / -step) : 0;
      }
      if (len > 0) off += start * strides[k];
      newShape[k] = len;
      newStrides[k] = strides[k] * step;
    }
    return this.makeView(newShape, newStrides, off) as this;
  }

  /**
   * A view with another shape of the same elements in row-major order. One dimension may be
   * `-1` (inferred). Works without copying whenever the layout allows (always for contiguous
   * arrays; NumPy's rule otherwise); when it would need a copy, it throws: reshape
   * `copy(a)` instead.
   *
   * @param dims The new shape, as arguments or one array.
   * @returns A view of this array's class.
   * @throws {TypeError} When a dimension is not a number.
   * @throws {RangeError} When a dimension is invalid, the element counts differ, or the layout
   * needs a copy.
   *
   * @example Reshaping a vector into a matrix
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const v = NDArray.fromNested([1, 2, 3, 4, 5, 6]);
   * assert.deepEqual(v.reshape(2, 3).toNested(), [[1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(v.reshape([3, -1]).shape, [3, 2]);
   * assert.throws(() => v.reshape(2, 3).transpose().reshape(6), /copy/);
   * ```
   */
  reshape(...dims: number[] | [readonly number[]]): this {
    const action = "reshape an n-d array";
    const raw = dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims;
    const shape = resolveShape(raw, this.#shape, this.#size, action);
    const strides = reshapeStrides(this.#shape, this.#strides, shape);
    if (strides === null) {
      throw new RangeError(
        `Cannot ${action}: the view of shape ${fmtShape(this.#shape)} and strides ${
          fmtShape(this.#strides)
        } cannot be viewed as ${fmtShape(shape)} without copying; reshape copy(a) instead`,
      );
    }
    return this.makeView(shape, strides, this.#offset) as this;
  }

  /**
   * A view with the axes reversed (the matrix transpose for 2-d arrays). Never copies.
   *
   * @returns A view of this array's class.
   *
   * @example Transposing a matrix
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([[1, 2, 3]]);
   * assert.deepEqual(a.transpose().toNested(), [[1], [2], [3]]);
   * ```
   */
  transpose(): this {
    return this.makeView(
      this.#shape.slice().reverse(),
      this.#strides.slice().reverse(),
      this.#offset,
    ) as this;
  }

  /**
   * A view with the axes reordered: axis `k` of the result is axis `axes[k]` of this array.
   * Never copies.
   *
   * @param axes A permutation of `0 … ndim - 1`.
   * @returns A view of this array's class.
   * @throws {TypeError} When an axis is not a number.
   * @throws {RangeError} When `axes` is not a permutation of the axes.
   *
   * @example Moving channels first
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const hwc = new NDArray(new Float32Array(24), [2, 3, 4]);
   * assert.deepEqual(hwc.permute(2, 0, 1).shape, [4, 2, 3]);
   * ```
   */
  permute(...axes: number[]): this {
    const nd = this.#shape.length;
    const action = "permute an n-d array";
    if (axes.length !== nd) {
      throw new RangeError(
        `Cannot ${action}: expected ${nd} axes for shape ${fmtShape(this.#shape)}, got ${
          fmtShape(axes)
        }`,
      );
    }
    const seen = new Array<boolean>(nd).fill(false);
    const shape = new Array<number>(nd), strides = new Array<number>(nd);
    for (let k = 0; k < nd; k++) {
      const a = checkInteger(axes[k], `axis ${k}`, action);
      if (a < 0 || a >= nd || seen[a]) {
        throw new RangeError(
          `Cannot ${action}: ${fmtShape(axes)} is not a permutation of 0..${nd - 1}`,
        );
      }
      seen[a] = true;
      shape[k] = this.#shape[a];
      strides[k] = this.#strides[a];
    }
    return this.makeView(shape, strides, this.#offset) as this;
  }

  /**
   * A view with some axes fixed: a number fixes that axis at that index (removing it), `null`
   * or `undefined` keeps it; axes after the last argument are kept. Never copies.
   *
   * @param idx One index or `null` per leading axis.
   * @returns A view of this array's class with the fixed axes removed.
   * @throws {TypeError} When an index is neither a number nor `null`.
   * @throws {RangeError} When there are more indices than axes or an index is out of range.
   *
   * @example Rows and columns
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(a.pick(1).toNested(), [4, 5, 6]);
   * assert.deepEqual(a.pick(null, 2).toNested(), [3, 6]);
   * assert.equal(a.pick(1, 1).get(), 5);
   * ```
   */
  pick(...idx: (number | null | undefined)[]): this {
    const shape = this.#shape, strides = this.#strides;
    const action = "pick from an n-d array";
    if (idx.length > shape.length) {
      throw new RangeError(
        `Cannot ${action}: got ${idx.length} indices for ${shape.length} axes (shape ${
          fmtShape(shape)
        })`,
      );
    }
    const newShape: number[] = [], newStrides: number[] = [];
    let off = this.#offset;
    for (let k = 0; k < shape.length; k++) {
      const i = idx[k];
      if (i === null || i === undefined) {
        newShape.push(shape[k]);
        newStrides.push(strides[k]);
        continue;
      }
      checkInteger(i, `index ${k}`, action);
      if (i < 0 || i >= shape[k]) {
        throw new RangeError(
          `Cannot ${action}: index ${i} is out of range for axis ${k} of length ${shape[k]}`,
        );
      }
      off += i * strides[k];
    }
    return this.makeView(newShape, newStrides, off) as this;
  }

  /**
   * A view repeating this array to `shape` by NumPy's broadcasting rule (trailing axes aligned;
   * an axis of length 1 repeats with stride 0). Never copies; writes through the view hit the
   * shared elements.
   *
   * @param dims The target shape, as arguments or one array.
   * @returns A view of this array's class.
   * @throws {TypeError} When a dimension is not a number.
   * @throws {RangeError} When the shapes are not broadcast-compatible.
   *
   * @example Broadcasting a row
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const row = NDArray.fromNested([1, 2, 3]);
   * assert.deepEqual(row.broadcastTo(2, 3).toNested(), [[1, 2, 3], [1, 2, 3]]);
   * assert.deepEqual(row.broadcastTo(2, 3).strides, [0, 1]);
   * ```
   */
  broadcastTo(...dims: number[] | [readonly number[]]): this {
    const action = "broadcast an n-d array";
    const shape = checkShape(
      dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims,
      action,
    );
    const own = this.#shape, ownStrides = this.#strides;
    const lead = shape.length - own.length;
    if (lead < 0) {
      throw new RangeError(
        `Cannot ${action}: shape ${fmtShape(own)} has more axes than ${fmtShape(shape)}`,
      );
    }
    const strides = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < own.length; k++) {
      const n = own[k], m = shape[lead + k];
      if (n === m) strides[lead + k] = ownStrides[k];
      else if (n !== 1) {
        throw new RangeError(
          `Cannot ${action}: shape ${fmtShape(own)} does not broadcast to ${fmtShape(shape)}`,
        );
      }
    }
    return this.makeView(shape, strides, this.#offset) as this;
  }

  /**
   * The elements as nested JavaScript arrays (a single element for a 0-d array).
   *
   * @returns New nested arrays, one level per axis.
   *
   * @example Converting to nested arrays
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new NDArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
   * assert.deepEqual(a.toNested(), [[1, 2], [3, 4]]);
   * ```
   */
  toNested(): Nested<ElementOf<T>> {
    const data = this.data;
    if (data.length === 0 && this.#size !== 0) throw detachedError("convert to nested arrays");
    const shape = this.#shape, strides = this.#strides;
    const build = (depth: number, o: number): Nested<ElementOf<T>> => {
      if (depth === shape.length) return data[o];
      const n = shape[depth], st = strides[depth];
      const out = new Array<Nested<ElementOf<T>>>(n);
      for (let i = 0; i < n; i++) out[i] = build(depth + 1, o + i * st);
      return out;
    };
    return build(0, this.#offset);
  }

  /**
   * Iterates over the elements in row-major order (the last index varies fastest), whatever the
   * strides. Use {@linkcode NDArray.pick} to iterate over sub-arrays instead.
   *
   * @returns An iterator over the elements.
   *
   * @example Summing the elements of a transposed view
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([[1, 2], [3, 4]]);
   * assert.deepEqual([...a.transpose()], [1, 3, 2, 4]);
   * ```
   */
  *[Symbol.iterator](): Iterator<ElementOf<T>> {
    const shape = this.#shape, strides = this.#strides;
    const nd = shape.length;
    if (this.#size === 0) return;
    if (nd === 0) {
      yield this.#at(this.#offset);
      return;
    }
    const idx = new Array<number>(nd).fill(0);
    let o = this.#offset;
    for (let i = 0; i < this.#size; i++) {
      yield this.#at(o);
      for (let k = nd - 1; k >= 0; k--) {
        o += strides[k];
        if (++idx[k] < shape[k]) break;
        o -= strides[k] * shape[k];
        idx[k] = 0;
      }
    }
  }

  // Element `o` of the data for iteration, which reads `data` at every step (a
  // CheckedAllocArray checks then; the memory may be detached between steps).
  #at(o: number): ElementOf<T> {
    const data = this.data;
    if (o >= data.length) throw detachedError("iterate over the array");
    return data[o];
  }

  /** The class name, e.g. `"NDArray"` (`Object.prototype.toString` reports it). */
  get [Symbol.toStringTag](): string {
    return "NDArray";
  }

  /**
   * A one-line description: class, element type, shape and the elements. An array of more
   * than 64 elements shows the first and last few along each axis, with `...` between them
   * (3 each for 1-d and 2-d arrays, 2 for 3-d, 1 beyond). `Float32Array` and `Float16Array`
   * elements are shown as the shortest decimal that reads back as the same value (`0.1`, not
   * `0.10000000149011612`). Used by `String(a)` and the inspect hooks of Deno and Node.
   *
   * @returns For example `NDArray<Float64Array 2×2> [[1, 2], [3, 4]]`.
   *
   * @example Describing a small array and a large one
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = NDArray.fromNested([[1, 2], [3, 4]]);
   * assert.equal(a.describe(), "NDArray<Float64Array 2×2> [[1, 2], [3, 4]]");
   * const big = new NDArray(Float32Array.from({ length: 1000 }, (_, i) => i / 10), [10, 100]);
   * assert.equal(
   *   String(big),
   *   "NDArray<Float32Array 10×100> [[0, 0.1, 0.2, ..., 9.7, 9.8, 9.9], " +
   *     "[10, 10.1, 10.2, ..., 19.7, 19.8, 19.9], [20, 20.1, 20.2, ..., 29.7, 29.8, 29.9], ..., " +
   *     "[70, 70.1, 70.2, ..., 79.7, 79.8, 79.9], [80, 80.1, 80.2, ..., 89.7, 89.8, 89.9], " +
   *     "[90, 90.1, 90.2, ..., 99.7, 99.8, 99.9]]",
   * );
   * ```
   */
  describe(): string {
    const head = describeHead(this[Symbol.toStringTag], this.#data.constructor.name, this.#shape);
    const data = this.data; // a CheckedAllocArray checks its memory here
    const shape = this.#shape, strides = this.#strides, nd = shape.length;
    const value = formatterOf(data);
    const edge = this.#size <= 64 ? Infinity : nd <= 2 ? 3 : nd === 3 ? 2 : 1;
    const part = (k: number, o: number): string => {
      if (k === nd) return value(data[o] as number | bigint);
      const n = shape[k], st = strides[k];
      const items: string[] = [];
      if (n > 2 * edge) {
        for (let i = 0; i < edge; i++) items.push(part(k + 1, o + i * st));
        items.push("...");
        for (let i = n - edge; i < n; i++) items.push(part(k + 1, o + i * st));
      } else {
        for (let i = 0; i < n; i++) items.push(part(k + 1, o + i * st));
      }
      return `[${items.join(", ")}]`;
    };
    return `${head} ${part(0, this.#offset)}`;
  }

  /**
   * The description of {@linkcode NDArray.describe}, so `String(a)` and template literals show
   * the array.
   *
   * @returns For example `NDArray<Float64Array 3> [1, 2, 3]`.
   *
   * @example In a template literal
   * ```ts
   * import { NDArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(`${new NDArray(new Int8Array([1, 2]))}`, "NDArray<Int8Array 2> [1, 2]");
   * ```
   */
  toString(): string {
    return this.describe();
  }

  /** Deno's inspect string (see {@linkcode NDArray.describe}). */
  [Symbol.for("Deno.customInspect")](): string {
    return this.describe();
  }

  /** Node's inspect string (see {@linkcode NDArray.describe}). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.describe();
  }
}

/**
 * How one element of `data` is printed: bigints with `n`; `Float32Array` and `Float16Array`
 * elements as the shortest decimal that rounds back to them; others as JavaScript prints them.
 */
function formatterOf(data: TypedArray): (v: number | bigint) => string {
  if (isBigIntData(data)) return (v) => `${v}n`;
  const f16round = (Math as { f16round?: (x: number) => number }).f16round;
  const round = data instanceof Float32Array
    ? Math.fround
    : f16round !== undefined && data.constructor.name === "Float16Array"
    ? f16round
    : undefined;
  if (round === undefined) return String;
  return (v) => {
    const x = v as number;
    if (!Number.isFinite(x) || (Number.isInteger(x) && Math.abs(x) < 1e9)) return String(x);
    for (let p = 1; p < 9; p++) {
      const short = Number(x.toPrecision(p));
      if (round(short) === x) return String(short);
    }
    return String(x);
  };
}

/**
 * An n-d view of `value` without copying: an {@linkcode NDArray} (or subclass) as is, a typed
 * array as a 1-d `NDArray` over it.
 *
 * @typeParam T The typed array type.
 * @param value A typed array or n-d array.
 * @returns `value` itself, or a 1-d view of it.
 * @throws {TypeError} When `value` is neither.
 *
 * @example Accepting typed arrays and n-d arrays alike
 * ```ts
 * import { asNDArray, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const data = new Float64Array([1, 2, 3]);
 * assert.equal(asNDArray(data).data, data);
 * const a = new NDArray(data);
 * assert.equal(asNDArray(a), a);
 * ```
 */
export function asNDArray<T extends TypedArray>(value: T | NDArray<T>): NDArray<T> {
  if (value instanceof NDArray) return value;
  if (!isTypedArray(value)) {
    throw new TypeError(
      `Cannot view as an n-d array: expected a typed array or NDArray, got ${describeValue(value)}`,
    );
  }
  return new NDArray(value, [value.length], [1], 0, TRUSTED);
}

/**
 * Whether `value` is a typed array (any `ArrayBufferView` but `DataView`).
 *
 * @param value Anything.
 * @returns `true` for `Float64Array`, `Int8Array`, …
 *
 * @example Telling typed arrays apart
 * ```ts
 * import { isTypedArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isTypedArray(new Uint8Array(1)));
 * assert.ok(!isTypedArray(new DataView(new ArrayBuffer(1))));
 * assert.ok(!isTypedArray([1, 2]));
 * ```
 */
export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}
