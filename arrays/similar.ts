/**
 * {@linkcode similar} and friends: allocating a result like an input, from the current
 * allocator when the input is an `AllocArray` (AllocArrays.jl's `similar` dispatch).
 *
 * @module
 */

import { allocIn } from "../_internal/alloc_in.ts";
import { type Bump, coreOf, type RecycledView } from "../_internal/bump.ts";
import { newHeapArray } from "../_internal/memory.ts";
import { describeValue, zeroOf } from "../_internal/describe.ts";
import { rowMajorStrides, rowMajorStridesLike, sameShape, sizeOf } from "../_internal/layout.ts";
import { copyStridedToContiguous } from "../_internal/loops.ts";
import { validateDims } from "../_internal/validate.ts";
import type { Allocator } from "../allocators/allocator.ts";
import {
  assertElementType,
  type TypedArray,
  type TypedArrayConstructor,
} from "../allocators/dtype.ts";
import { recordSite, TRUSTED } from "./_core.ts";
import { AllocArray } from "./alloc_array.ts";
import { MemoryValidity } from "../allocators/memory_validity.ts";
import { CheckedAllocArray } from "./checked_alloc_array.ts";
import { asNDArray, isTypedArray, NDArray } from "./ndarray.ts";
import { currentAllocator } from "../scope/with_allocator.ts";

const ACTION = "allocate a similar array";

function layoutOf(
  a: TypedArray | NDArray,
  dtype: unknown,
  shape: unknown,
): [TypedArrayConstructor, number[]] {
  let type: TypedArrayConstructor;
  let sh: number[];
  if (a instanceof NDArray) {
    type = dtype == null ? a.dtype : assertElementType(dtype, ACTION);
    if (shape == null) sh = a.shape.slice();
    else sh = checkDims(shape);
  } else if (isTypedArray(a)) {
    type = dtype == null
      ? a.constructor as TypedArrayConstructor
      : assertElementType(dtype, ACTION);
    sh = shape == null ? [a.length] : checkDims(shape);
  } else {
    throw new TypeError(
      `Cannot ${ACTION}: expected a typed array or n-d array, got ${describeValue(a)}`,
    );
  }
  return [type, sh];
}

function checkDims(shape: unknown): number[] {
  checkShape(shape);
  return (shape as number[]).slice();
}

/** Validates a shape argument in place (no copy) and returns its element count. */
function checkShape(shape: unknown): number {
  if (!Array.isArray(shape)) {
    throw new TypeError(
      `Cannot ${ACTION}: shape must be an array of dimensions, got ${describeValue(shape)}`,
    );
  }
  return validateDims(shape, ACTION);
}

function allocChecked(
  a: CheckedAllocArray,
  allocator: Allocator,
  type: TypedArrayConstructor,
  shape: number[],
  strides: number[] | null,
): CheckedAllocArray {
  if (!a.isValid) return a.data as never; // throws InvalidMemoryError
  if (typeof allocator.trackChecked !== "function") {
    throw new TypeError(
      `Cannot allocate a CheckedAllocArray from ${
        describeValue(allocator)
      }: it cannot invalidate the array when it frees the memory (it has no trackChecked method); use a BumperAllocator (or the heap, outside withAllocator)`,
    );
  }
  const data = allocIn(allocator, type, sizeOf(shape));
  const validity = allocator.trackChecked();
  if (!(validity instanceof MemoryValidity)) {
    throw new TypeError(
      `Cannot allocate a CheckedAllocArray from ${
        describeValue(allocator)
      }: its trackChecked() returned ${describeValue(validity)}, not a MemoryValidity`,
    );
  }
  const out = new CheckedAllocArray(
    data,
    shape,
    strides ?? rowMajorStrides(shape),
    0,
    validity,
    TRUSTED,
  );
  if (CheckedAllocArray.recordAllocationSites) recordSite(out);
  return out;
}

/**
 * A new, uninitialised array like `a` (same element type and shape unless given), row-major:
 *
 * - `a` an `AllocArray`: an `AllocArray` allocated from `currentAllocator()` (a bump allocator
 *   inside `withAllocator`, the heap outside). Bump memory is not zeroed.
 * - `a` a `CheckedAllocArray`: a `CheckedAllocArray` from the current allocator, which must
 *   say how it invalidates it (`Allocator.trackChecked`: a `BumperAllocator` and the heap do);
 *   `a` itself must still be valid.
 * - `a` a plain `NDArray` or typed array: an `NDArray` on the heap (zero-filled).
 *
 * This is the one allocation that allocator-agnostic code needs; `copy`, `zerosLike` and every
 * array operation allocate through it.
 *
 * Under a built-in buffer (or a `BumperAllocator` over one), an `AllocArray` result whose bytes
 * were freed and are handed out again is the same object as the one made over them before, when
 * it has the same element type and shape (its view too), so that a loop of regions makes no
 * garbage (also a loop of up to a few thousand `similar`s per reset, from its third pass on).
 * Only a reference kept past the end of that memory (which an `AllocArray` must not be
 * used through anyway: it reads whatever the memory now holds) can see it, as that object being
 * equal to the new result; properties added to a bump-allocated `AllocArray` or its `data` may
 * therefore reappear on a later one. `CheckedAllocArray`s are never reused (a stale one keeps
 * throwing), nor are empty arrays.
 *
 * @typeParam T The input's typed array type.
 * @typeParam U The result's typed array type (default `T`).
 * @param a The array to imitate.
 * @param dtype The element type of the result (default `a`'s; `null` also means default).
 * @param shape The shape of the result (default `a`'s; `null` also means default).
 * @returns A new array of `a`'s kind.
 * @throws {TypeError} When `a` is not an array, `dtype` not a typed-array constructor or `shape`
 * not an array, or `a` is a `CheckedAllocArray` and the current allocator has no
 * `trackChecked` (nothing would invalidate the result; nothing is allocated).
 * @throws {RangeError} When a dimension is negative, fractional or too large.
 * @throws {InvalidMemoryError} When `a` is a `CheckedAllocArray` whose memory was freed.
 *
 * @example Code that does not know about allocators
 * ```ts
 * import { AllocArray, AllocBuffer, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * function double(a: AllocArray<Float64Array>): AllocArray<Float64Array> {
 *   const out = similar(a); // allocates from whatever allocator is current
 *   for (let i = 0; i < a.size; i++) out.data[i] = 2 * a.data[i];
 *   return out;
 * }
 *
 * const a = AllocArray.from(new Float64Array([1, 2, 3]));
 * assert.deepEqual([...double(a)], [2, 4, 6]); // heap
 * const buf = new AllocBuffer(1024);
 * const total = withAllocator(buf, () => [...double(a)].reduce((x, y) => x + y));
 * assert.equal(total, 12);
 * ```
 *
 * @example Another element type and shape
 * ```ts
 * import { NDArray, similar } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = similar(new Float64Array(6), Int32Array, [2, 3]);
 * assert.ok(b instanceof NDArray);
 * assert.equal(b.dtype, Int32Array);
 * assert.deepEqual(b.shape, [2, 3]);
 * ```
 */
export function similar<T extends TypedArray, U extends TypedArray = T>(
  a: CheckedAllocArray<T>,
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): CheckedAllocArray<U>;
/**
 * {@linkcode similar} of an `AllocArray`: a new `AllocArray` from `currentAllocator()`.
 *
 * @typeParam T The input's typed array type.
 * @typeParam U The result's typed array type (default `T`).
 * @param a The array to imitate.
 * @param dtype The element type of the result (default `a`'s).
 * @param shape The shape of the result (default `a`'s).
 * @returns A new, uninitialised `AllocArray`.
 * @throws {TypeError} When `dtype` is not a typed-array constructor or `shape` not an array.
 * @throws {RangeError} When a dimension is invalid.
 *
 * @example Allocating from the heap outside any scope
 * ```ts
 * import { AllocArray, similar } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = similar(AllocArray.from(new Float64Array(2)), Int16Array);
 * assert.ok(b instanceof AllocArray);
 * assert.equal(b.dtype, Int16Array);
 * ```
 */
export function similar<T extends TypedArray, U extends TypedArray = T>(
  a: AllocArray<T>,
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): AllocArray<U>;
/**
 * {@linkcode similar} of a plain n-d array or typed array: a new heap `NDArray`.
 *
 * @typeParam T The input's typed array type.
 * @typeParam U The result's typed array type (default `T`).
 * @param a The array to imitate.
 * @param dtype The element type of the result (default `a`'s).
 * @param shape The shape of the result (default `a`'s).
 * @returns A new zero-filled heap `NDArray`.
 * @throws {TypeError} When `a` is not an array, `dtype` not a typed-array constructor or `shape`
 * not an array.
 * @throws {RangeError} When a dimension is invalid.
 *
 * @example A heap NDArray from a typed array
 * ```ts
 * import { NDArray, similar } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = similar(new Float32Array(4));
 * assert.ok(b instanceof NDArray);
 * assert.deepEqual(b.shape, [4]);
 * ```
 */
export function similar<T extends TypedArray, U extends TypedArray = T>(
  a: T | NDArray<T>,
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): NDArray<U>;
export function similar(
  a: TypedArray | NDArray,
  dtype?: TypedArrayConstructor | null,
  shape?: readonly number[] | null,
): NDArray {
  // (Kept small, so that the runtime can inline it into the caller's loop: the other cases
  // are in functions of their own.)
  if (!(a instanceof AllocArray)) return heapSimilar(a, dtype, shape);
  const allocator = currentAllocator();
  if (dtype == null && shape == null && a.constructor === AllocArray) {
    // The hot path, `similar(a)` of an AllocArray in allocator-agnostic code, under a bump
    // core: the array made over the same bytes last time, when it has `a`'s shape (as it does
    // in a loop), else a new one sharing `a`'s layout; when the core does not recycle, a new
    // array over a view from its fast path.
    const core = coreOf(allocator);
    if (core !== undefined) {
      const e = core.recycle(a.dtype, a.size);
      if (e !== undefined) return recycledArray(e, a, a.shape, true);
      return viewLike(core, a);
    }
  }
  return similarIn(allocator, a, dtype, shape);
}

// `similar` of a typed array or an NDArray that is not an AllocArray: a heap NDArray.
function heapSimilar(
  a: TypedArray | NDArray,
  dtype: TypedArrayConstructor | null | undefined,
  shape: readonly number[] | null | undefined,
): NDArray {
  const [type, sh] = layoutOf(a, dtype, shape);
  return new NDArray(newHeapArray(type, sizeOf(sh)), sh, rowMajorStrides(sh), 0, TRUSTED);
}

// A new AllocArray with `a`'s layout over a view from the fast path of `core`.
function viewLike(core: Bump, a: AllocArray): AllocArray {
  const sh = a.shape as number[];
  return new AllocArray(
    core.view(a.dtype, a.size),
    sh,
    rowMajorStridesLike(sh, a.strides),
    0,
    TRUSTED,
  );
}

// `similar` of an AllocArray from `allocator` (the current one). `a`'s own shape and
// (row-major) strides are shared when the shape is `a`'s (layouts are never mutated); a given
// shape is validated in place and copied only when a new array is made.
function similarIn(
  allocator: Allocator,
  a: AllocArray,
  dtype: TypedArrayConstructor | null | undefined,
  shape: readonly number[] | null | undefined,
): AllocArray {
  const type = dtype == null ? a.dtype : assertElementType(dtype, ACTION);
  const own = shape == null;
  const sh = own ? a.shape : shape;
  const n = own ? a.size : checkShape(shape);
  if (a instanceof CheckedAllocArray) {
    const s = own ? sh as number[] : sh.slice();
    return allocChecked(a, allocator, type, s, own ? rowMajorStridesLike(s, a.strides) : null);
  }
  const core = coreOf(allocator);
  if (core !== undefined) {
    const e = core.recycle(type, n);
    if (e !== undefined) return recycledArray(e, a, sh, own);
  }
  const data = allocIn(allocator, type, n);
  const s = own ? sh as number[] : sh.slice();
  return new AllocArray(
    data,
    s,
    own ? rowMajorStridesLike(s, a.strides) : rowMajorStrides(s),
    0,
    TRUSTED,
  );
}

// The AllocArray over the recycled view of entry `e` (see Bump.recycle): the one made over that
// view last time when it has the same shape (all its strides are row-major, so the layout is
// the same), else a new one, kept for next time. Nothing can tell the recycled object from a
// new one but a reference kept past the end of its memory (the region or reset that freed the
// bytes now handed out again), which the AllocArray contract already rules out: such an array
// reads whatever its memory now holds. CheckedAllocArrays, whose stale references must keep
// throwing, are never recycled.
function recycledArray(
  e: RecycledView,
  a: AllocArray,
  sh: readonly number[],
  own: boolean,
): AllocArray {
  const prev = e.companion as AllocArray | undefined;
  if (prev !== undefined) {
    const ps = prev.shape;
    if (ps === sh || sameShape(ps, sh)) return prev;
  }
  return newCompanion(e, a, sh, own);
}

// A new AllocArray over the view of entry `e`, kept for next time (see recycledArray).
function newCompanion(
  e: RecycledView,
  a: AllocArray,
  sh: readonly number[],
  own: boolean,
): AllocArray {
  const s = own ? sh as number[] : sh.slice();
  const strides = own ? rowMajorStridesLike(s, a.strides) : rowMajorStrides(s);
  const out = new AllocArray(e.view!, s, strides, 0, TRUSTED);
  e.companion = out;
  return out;
}

/**
 * A row-major copy of `a`'s elements in a new array from {@linkcode similar} (so an
 * `AllocArray`'s copy comes from the current allocator). Copying is how to get a contiguous
 * array from a view, e.g. before a reshape that needs one.
 *
 * @typeParam T The typed array type.
 * @param a The array to copy.
 * @returns A new contiguous array of `a`'s kind with equal elements.
 * @throws {TypeError} When `a` is not an array.
 *
 * @example Copying a transposed view
 * ```ts
 * import { copy, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const t = NDArray.fromNested([[1, 2], [3, 4]]).transpose();
 * const c = copy(t);
 * assert.ok(c.isContiguous);
 * assert.deepEqual([...c.data], [1, 3, 2, 4]);
 * ```
 */
export function copy<T extends TypedArray>(a: CheckedAllocArray<T>): CheckedAllocArray<T>;
/**
 * {@linkcode copy} of an `AllocArray`: a contiguous `AllocArray` from `currentAllocator()`.
 *
 * @typeParam T The typed array type.
 * @param a The array to copy.
 * @returns A new contiguous `AllocArray` with equal elements.
 *
 * @example Copying an AllocArray
 * ```ts
 * import { AllocArray, copy } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.ok(copy(AllocArray.from(new Float64Array(2))) instanceof AllocArray);
 * ```
 */
export function copy<T extends TypedArray>(a: AllocArray<T>): AllocArray<T>;
/**
 * {@linkcode copy} of a plain n-d array or typed array: a contiguous heap `NDArray`.
 *
 * @typeParam T The typed array type.
 * @param a The array to copy.
 * @returns A new contiguous heap `NDArray` with equal elements.
 * @throws {TypeError} When `a` is not an array.
 *
 * @example Copying a typed array into an n-d array
 * ```ts
 * import { copy } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const src = new Float64Array([1, 2]);
 * const c = copy(src);
 * assert.notEqual(c.data, src);
 * assert.deepEqual([...c], [1, 2]);
 * ```
 */
export function copy<T extends TypedArray>(a: T | NDArray<T>): NDArray<T>;
export function copy(a: TypedArray | NDArray): NDArray {
  const out = similar(a);
  const src = asNDArray(a);
  copyStridedToContiguous(src.data, src.shape, src.strides, src.offset, out.data, 0);
  return out;
}

/**
 * A new array like `a` from {@linkcode similar}, filled with zeros (`0n` for BigInt element
 * types).
 *
 * @typeParam T The input's typed array type.
 * @typeParam U The result's typed array type (default `T`).
 * @param a The array to imitate.
 * @param dtype The element type of the result (default `a`'s).
 * @param shape The shape of the result (default `a`'s).
 * @returns A new zero-filled array of `a`'s kind.
 * @throws {TypeError} When `a` is not an array, `dtype` not a typed-array constructor or `shape`
 * not an array.
 * @throws {RangeError} When a dimension is invalid.
 *
 * @example Zeros from a bump allocator
 * ```ts
 * import { AllocArray, AllocBuffer, withAllocator, zerosLike } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const a = AllocArray.from(new Float64Array([1, 2, 3]));
 * const z = withAllocator(buf, () => zerosLike(a, null, [2, 2]));
 * assert.deepEqual(z.toNested(), [[0, 0], [0, 0]]);
 * ```
 */
export function zerosLike<T extends TypedArray, U extends TypedArray = T>(
  a: CheckedAllocArray<T>,
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): CheckedAllocArray<U>;
/**
 * {@linkcode zerosLike} of an `AllocArray`: a zero-filled `AllocArray` from `currentAllocator()`.
 *
 * @typeParam T The input's typed array type.
 * @typeParam U The result's typed array type (default `T`).
 * @param a The array to imitate.
 * @param dtype The element type of the result (default `a`'s).
 * @param shape The shape of the result (default `a`'s).
 * @returns A new zero-filled `AllocArray`.
 * @throws {TypeError} When `dtype` is not a typed-array constructor or `shape` not an array.
 * @throws {RangeError} When a dimension is invalid.
 *
 * @example Zeros like an AllocArray
 * ```ts
 * import { AllocArray, zerosLike } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const z = zerosLike(AllocArray.from(new Float64Array([1, 2])));
 * assert.ok(z instanceof AllocArray);
 * assert.deepEqual([...z], [0, 0]);
 * ```
 */
export function zerosLike<T extends TypedArray, U extends TypedArray = T>(
  a: AllocArray<T>,
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): AllocArray<U>;
/**
 * {@linkcode zerosLike} of a plain n-d array or typed array: a new zero-filled heap `NDArray`.
 *
 * @typeParam T The input's typed array type.
 * @typeParam U The result's typed array type (default `T`).
 * @param a The array to imitate.
 * @param dtype The element type of the result (default `a`'s).
 * @param shape The shape of the result (default `a`'s).
 * @returns A new zero-filled heap `NDArray`.
 * @throws {TypeError} When `a` is not an array, `dtype` not a typed-array constructor or `shape`
 * not an array.
 * @throws {RangeError} When a dimension is invalid.
 *
 * @example Zeros like a typed array
 * ```ts
 * import { zerosLike } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...zerosLike(new Int8Array([1, 2]))], [0, 0]);
 * ```
 */
export function zerosLike<T extends TypedArray, U extends TypedArray = T>(
  a: T | NDArray<T>,
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): NDArray<U>;
export function zerosLike(
  a: TypedArray | NDArray,
  dtype?: TypedArrayConstructor | null,
  shape?: readonly number[] | null,
): NDArray {
  const out = similar(a, dtype, shape);
  const data = out.data;
  (data as Float64Array).fill(zeroOf(data) as number);
  return out;
}

/**
 * The result array of an operation on several inputs: {@linkcode similar} of the "strongest"
 * array among `inputs` (a `CheckedAllocArray` over an `AllocArray` over a plain n-d array or
 * typed array; the first of equals), so an `AllocArray` anywhere among the inputs makes the
 * result an `AllocArray` from the current allocator. Non-array inputs (scalars) are ignored;
 * with no array at all, the result is a heap `NDArray` and `dtype` defaults to `Float64Array`.
 *
 * @typeParam U The result's typed array type.
 * @param inputs The operation's inputs: arrays and scalars.
 * @param dtype The element type of the result (default the strongest input's).
 * @param shape The shape of the result (default the strongest input's).
 * @returns A new, uninitialised array of the strongest input's kind.
 * @throws {TypeError} When `inputs` is not an array, `dtype` is invalid, or no input is an
 * array and `shape` is missing.
 * @throws {RangeError} When a dimension is invalid.
 *
 * @example Mixing an AllocArray with a plain typed array
 * ```ts
 * import { AllocArray, similarOf } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const plain = new Float64Array(3);
 * const wrapped = AllocArray.from(new Float64Array(3));
 * assert.ok(similarOf([plain, 2, wrapped]) instanceof AllocArray);
 * assert.ok(!(similarOf([plain, 2]) instanceof AllocArray));
 * ```
 */
export function similarOf<U extends TypedArray = TypedArray>(
  inputs: readonly unknown[],
  dtype?: TypedArrayConstructor<U> | null,
  shape?: readonly number[] | null,
): NDArray<U> {
  if (!Array.isArray(inputs)) {
    throw new TypeError(
      `Cannot ${ACTION}: inputs must be an array of operands, got ${describeValue(inputs)}`,
    );
  }
  let best: TypedArray | NDArray | undefined;
  let rank = 0;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x instanceof CheckedAllocArray) return similar(x as CheckedAllocArray<U>, dtype, shape);
    if (x instanceof AllocArray) {
      if (rank < 2) {
        best = x;
        rank = 2;
      }
    } else if (rank === 0 && (x instanceof NDArray || isTypedArray(x))) {
      best = x;
      rank = 1;
    }
  }
  if (best === undefined) {
    if (shape == null) {
      throw new TypeError(
        `Cannot ${ACTION}: no array among ${inputs.length} inputs and no shape given`,
      );
    }
    const type = dtype == null ? Float64Array : assertElementType(dtype, ACTION);
    const sh = checkDims(shape);
    return new NDArray(
      newHeapArray(type, sizeOf(sh)),
      sh,
      rowMajorStrides(sh),
      0,
      TRUSTED,
    ) as NDArray<
      U
    >;
  }
  return similar(best as NDArray<U>, dtype, shape);
}
