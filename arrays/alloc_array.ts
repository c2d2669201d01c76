/**
 * {@linkcode AllocArray}: the array whose `similar` allocates from the current allocator
 * (AllocArrays.jl's `AllocArray`).
 *
 * @module
 */

import { describeValue } from "../_internal/describe.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { TRUSTED, type Trusted, type TrustedArgs, WRAP } from "./_core.ts";
import { type ElementOf, NDArray, type Nested } from "./ndarray.ts";

/**
 * An n-d array that marks its computation as allocator-aware: `similar`, `copy`, `zerosLike`
 * and every array operation given an `AllocArray` allocate their result from
 * `currentAllocator()` (a bump allocator inside `withAllocator`, the heap outside), and return
 * `AllocArray`s. Code that only allocates through `similar` and the operations thus stops
 * producing garbage without knowing about allocators.
 *
 * Wrapping never copies: `new AllocArray(x)` views the same memory as the typed array or n-d
 * array `x`, and `new AllocArray(a)` of an `AllocArray` returns `a` itself (a
 * `CheckedAllocArray` included). Views ({@linkcode NDArray.slice}, reshape, transpose, …) of
 * an `AllocArray` are `AllocArray`s. Indexing, shape and iteration are those of
 * {@linkcode NDArray}.
 *
 * @typeParam T The typed array holding the elements.
 *
 * @example Wrapping without copying
 * ```ts
 * import { AllocArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const data = new Float64Array([1, 2, 3, 4, 5, 6]);
 * const a = new AllocArray(data, [2, 3]);
 * assert.equal(a.data, data);
 * assert.equal(new AllocArray(a), a);
 * assert.ok(a.transpose() instanceof AllocArray);
 * ```
 *
 * @example `similar` follows the current allocator
 * ```ts
 * import { AllocArray, AllocBuffer, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1 << 16);
 * const a = AllocArray.from(new Float64Array(100));
 * const b = withAllocator(buf, () => similar(a));
 * assert.ok(b instanceof AllocArray);
 * assert.equal(b.data.buffer, buf.memory); // bump-allocated
 * ```
 */
export class AllocArray<T extends TypedArray = TypedArray> extends NDArray<T> {
  /**
   * Wraps `source` without copying. With a typed array, `shape`, `strides` and `offset` lay it
   * out as in {@linkcode NDArray}; with an n-d array they must be omitted. An `AllocArray`
   * source is returned as is.
   *
   * @param source A typed array, or an n-d array to wrap.
   * @param shape Length of each axis (typed-array source only; default `[length]`).
   * @param strides Element step of each axis (typed-array source only; default row-major).
   * @param offset Index of element `[0, …]` (typed-array source only; default 0).
   * @throws {TypeError} When `source` is neither a typed array nor an n-d array, or layout
   * arguments come with an n-d array.
   * @throws {RangeError} When the layout is invalid (see {@linkcode NDArray}).
   *
   * @example Wrapping a typed array as a matrix
   * ```ts
   * import { AllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new AllocArray(new Int32Array([1, 2, 3, 4]), [2, 2]);
   * assert.equal(a.get(1, 1), 4);
   * ```
   */
  constructor(
    source: T | NDArray<T>,
    shape?: readonly number[],
    strides?: readonly number[],
    offset?: number,
  );
  /**
   * The library's own construction (not validated again; see {@linkcode NDArray}).
   *
   * @ignore
   */
  constructor(...args: TrustedArgs<T | NDArray<T>>);
  constructor(
    source: T | NDArray<T>,
    shape?: readonly number[],
    strides?: readonly number[],
    offset?: number,
    trusted?: Trusted,
  ) {
    if (trusted === TRUSTED || trusted === WRAP) {
      super(source, shape, strides, offset, trusted);
      return;
    }
    if (!(source instanceof NDArray)) {
      super(source, shape, strides, offset);
      return;
    }
    if (shape !== undefined || strides !== undefined || offset !== undefined) {
      throw new TypeError(
        `Cannot create an AllocArray: shape, strides and offset apply to a typed-array source only, got ${
          describeValue(source)
        } with a layout`,
      );
    }
    if (source instanceof AllocArray) return source;
    // The layout of an n-d array is valid already.
    super(source, undefined, undefined, undefined, WRAP);
  }

  /**
   * Wraps `source` without copying (same as the constructor; handy for `map(AllocArray.from)`).
   *
   * @typeParam T The typed array type.
   * @param source A typed array or n-d array.
   * @returns `source` itself when it is an `AllocArray`, else a new `AllocArray` over it.
   * @throws {TypeError} When `source` is neither a typed array nor an n-d array.
   *
   * @example Wrapping a batch
   * ```ts
   * import { AllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const batch = [new Float32Array(3), new Float32Array(3)].map(AllocArray.from);
   * assert.ok(batch.every((a) => a instanceof AllocArray));
   * ```
   */
  static from<T extends TypedArray>(source: T | NDArray<T>): AllocArray<T> {
    return new AllocArray(source);
  }

  /**
   * An `AllocArray` built from nested JavaScript arrays (copied into a new heap typed array).
   *
   * @typeParam T The typed array type.
   * @param nested Nested arrays of equal lengths at each depth, or a single element (0-d).
   * @param dtype The element type (default `Float64Array`).
   * @returns A new `AllocArray`.
   * @throws {TypeError} When `dtype` is not a typed-array constructor or an element has the
   * wrong type.
   * @throws {RangeError} When the nesting is ragged.
   *
   * @example From nested arrays
   * ```ts
   * import { AllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = AllocArray.fromNested([[1, 2], [3, 4]]);
   * assert.ok(a instanceof AllocArray);
   * assert.deepEqual(a.shape, [2, 2]);
   * ```
   */
  static override fromNested<T extends TypedArray = Float64Array>(
    nested: Nested<ElementOf<T>>,
    dtype?: TypedArrayConstructor<T>,
  ): AllocArray<T> {
    return new AllocArray(NDArray.fromNested(nested, dtype));
  }

  /**
   * Creates views as `AllocArray`s (see {@linkcode NDArray.makeView}).
   *
   * @param shape The view's shape.
   * @param strides The view's strides.
   * @param offset The view's offset.
   * @returns An `AllocArray` over the same memory.
   *
   * @example Views stay AllocArrays
   * ```ts
   * import { AllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = new AllocArray(new Float64Array(6), [2, 3]);
   * assert.ok(a.reshape(3, 2) instanceof AllocArray);
   * ```
   */
  protected override makeView(
    shape: number[],
    strides: number[],
    offset: number,
  ): AllocArray<T> {
    return new AllocArray(this.data, shape, strides, offset, TRUSTED);
  }

  /** `"AllocArray"`. */
  override get [Symbol.toStringTag](): string {
    return "AllocArray";
  }
}
