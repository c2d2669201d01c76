/**
 * {@linkcode empty}, {@linkcode zeros} and {@linkcode full}: new n-d arrays from the current
 * allocator, without an array to imitate.
 *
 * @module
 */

import { describeValue, isBigIntData } from "../_internal/describe.ts";
import { validateDims } from "../_internal/validate.ts";
import {
  assertElementType,
  type TypedArray,
  type TypedArrayConstructor,
} from "../allocators/dtype.ts";
import { AllocArray } from "./alloc_array.ts";
import { CheckedAllocArray } from "./checked_alloc_array.ts";
import type { ElementOf } from "./ndarray.ts";
import { similar } from "./similar.ts";

/** Options of {@linkcode empty} and {@linkcode zeros}. */
export interface CreateOptions {
  /**
   * Make a `CheckedAllocArray` instead of an `AllocArray` (default `false`): the current
   * allocator must then say how it invalidates it (a `BumperAllocator` or the heap).
   */
  checked?: boolean;
}

/**
 * Options of {@linkcode full}.
 *
 * @typeParam V The element value: a number, or a bigint for `BigInt64Array`/`BigUint64Array`.
 */
export interface FullOptions<V> extends CreateOptions {
  /** The value of every element. */
  value: V;
}

// The arrays `similar` imitates: an AllocArray (the current allocator) and a CheckedAllocArray
// over heap memory, which is always valid. Empty, never written, never handed out.
const PLAIN = new AllocArray(new Float64Array(0));
const CHECKED = new CheckedAllocArray(new Float64Array(0));

/** Validates the arguments and allocates; `what` names the function in messages. */
function create(type: unknown, shape: unknown, options: unknown, what: string): AllocArray {
  const action = `create an array with ${what}()`;
  assertElementType(type, action);
  const dims = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(dims)) {
    throw new TypeError(
      `Cannot ${action}: shape must be a number or an array of dimensions, got ${
        describeValue(shape)
      }`,
    );
  }
  validateDims(dims, action);
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
    );
  }
  const known = what === "full" ? ["checked", "value"] : ["checked"];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`Cannot ${action}: unknown option ${JSON.stringify(key)}`);
    }
  }
  const checked = (options as CreateOptions).checked ?? false;
  if (typeof checked !== "boolean") {
    throw new TypeError(
      `Cannot ${action}: checked must be a boolean, got ${describeValue(checked)}`,
    );
  }
  if (what === "full") {
    const value = (options as { value?: unknown }).value;
    const bigint = type === BigInt64Array || type === BigUint64Array;
    if (bigint ? typeof value !== "bigint" : typeof value !== "number") {
      throw new TypeError(
        `Cannot ${action}: value must be a ${bigint ? "bigint" : "number"} for ${
          (type as TypedArrayConstructor).name
        }, got ${describeValue(value)}`,
      );
    }
  }
  return similar(checked ? CHECKED : PLAIN, type as TypedArrayConstructor, dims);
}

/**
 * A new, uninitialised n-d array of `shape` allocated from the current allocator: an
 * `AllocArray`, as {@linkcode similar} of an `AllocArray` gives, so what the code computes
 * from it is allocated the same way. Inside `withAllocator` the memory comes from the
 * allocator and is not zeroed (it may hold what an earlier array left); outside any scope it
 * is a zero-filled heap array. With `{ checked: true }`, a `CheckedAllocArray`.
 *
 * @typeParam T The typed array type.
 * @param type The element type, a typed-array constructor (`Float64Array`, `Int32Array`, …).
 * @param shape The dimensions, or one number for a 1-d array.
 * @param options `checked`: make a `CheckedAllocArray` (see {@linkcode CreateOptions}).
 * @returns A new `AllocArray` (`CheckedAllocArray` with `checked`), row-major.
 * @throws {TypeError} When `type` is not a typed-array constructor, `shape` neither a number
 * nor an array, an option unknown or of the wrong type, or `checked` is asked of an allocator
 * that cannot invalidate checked arrays (nothing is allocated).
 * @throws {RangeError} When a dimension is negative, fractional or too large.
 *
 * @example A scratch array from a bump allocator
 * ```ts
 * import { AllocArray, BumperAllocator, empty, reset, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const bumper = new BumperAllocator();
 * const total = withAllocator(bumper, () => {
 *   const a = empty(Float64Array, [2, 3]); // from bumper, uninitialised
 *   assert.ok(a instanceof AllocArray);
 *   a.fill(2);
 *   return a.data.reduce((x, y) => x + y);
 * });
 * assert.equal(total, 12);
 * reset(bumper);
 * ```
 */
export function empty<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  shape: number | readonly number[],
  options: CreateOptions & { checked: true },
): CheckedAllocArray<T>;
/**
 * {@linkcode empty} without `checked`: an `AllocArray`.
 *
 * @typeParam T The typed array type.
 * @param type The element type.
 * @param shape The dimensions, or one number for a 1-d array.
 * @param options `checked: false` (the default).
 * @returns A new, uninitialised `AllocArray` from the current allocator.
 *
 * @example Outside any scope: the heap
 * ```ts
 * import { empty } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = empty(Int32Array, 4);
 * assert.deepEqual(a.shape, [4]);
 * assert.equal(a.dtype, Int32Array);
 * ```
 */
export function empty<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  shape: number | readonly number[],
  options?: CreateOptions,
): AllocArray<T>;
export function empty(
  type: TypedArrayConstructor,
  shape: number | readonly number[],
  options: CreateOptions = {},
): AllocArray {
  return create(type, shape, options, "empty");
}

/**
 * A new n-d array of `shape` filled with zeros (`0n` for BigInt element types), allocated
 * from the current allocator like {@linkcode empty}: an `AllocArray` (a `CheckedAllocArray`
 * with `{ checked: true }`).
 *
 * @typeParam T The typed array type.
 * @param type The element type, a typed-array constructor.
 * @param shape The dimensions, or one number for a 1-d array.
 * @param options `checked`: make a `CheckedAllocArray` (see {@linkcode CreateOptions}).
 * @returns A new zero-filled `AllocArray` (`CheckedAllocArray` with `checked`), row-major.
 * @throws {TypeError} When `type` is not a typed-array constructor, `shape` neither a number
 * nor an array, an option unknown or of the wrong type, or `checked` is asked of an allocator
 * that cannot invalidate checked arrays (nothing is allocated).
 * @throws {RangeError} When a dimension is negative, fractional or too large.
 *
 * @example Zeros from a bump allocator, checked
 * ```ts
 * import {
 *   BumperAllocator,
 *   CheckedAllocArray,
 *   InvalidMemoryError,
 *   reset,
 *   withAllocator,
 *   zeros,
 * } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const bumper = new BumperAllocator();
 * const z = withAllocator(bumper, () => zeros(Float32Array, [2, 2], { checked: true }));
 * assert.ok(z instanceof CheckedAllocArray);
 * assert.deepEqual(z.toNested(), [[0, 0], [0, 0]]);
 * reset(bumper);
 * assert.throws(() => z.get(0, 0), InvalidMemoryError);
 * ```
 */
export function zeros<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  shape: number | readonly number[],
  options: CreateOptions & { checked: true },
): CheckedAllocArray<T>;
/**
 * {@linkcode zeros} without `checked`: an `AllocArray`.
 *
 * @typeParam T The typed array type.
 * @param type The element type.
 * @param shape The dimensions, or one number for a 1-d array.
 * @param options `checked: false` (the default).
 * @returns A new zero-filled `AllocArray` from the current allocator.
 *
 * @example BigInt zeros
 * ```ts
 * import { zeros } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...zeros(BigInt64Array, 2)], [0n, 0n]);
 * ```
 */
export function zeros<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  shape: number | readonly number[],
  options?: CreateOptions,
): AllocArray<T>;
export function zeros(
  type: TypedArrayConstructor,
  shape: number | readonly number[],
  options: CreateOptions = {},
): AllocArray {
  const out = create(type, shape, options, "zeros");
  out.data.fill(isBigIntData(out.data) ? 0n as never : 0 as never);
  return out;
}

/**
 * A new n-d array of `shape` with every element `value`, allocated from the current
 * allocator like {@linkcode empty}: an `AllocArray` (a `CheckedAllocArray` with
 * `checked: true`). The value goes in the options, after the two required arguments.
 *
 * @typeParam T The typed array type.
 * @param type The element type, a typed-array constructor.
 * @param shape The dimensions, or one number for a 1-d array.
 * @param options `value`: the value of every element (a bigint for BigInt element types);
 * `checked`: make a `CheckedAllocArray`.
 * @returns A new filled `AllocArray` (`CheckedAllocArray` with `checked`), row-major.
 * @throws {TypeError} When `type` is not a typed-array constructor, `shape` neither a number
 * nor an array, `value` missing or of the wrong type for `type`, an option unknown or of the
 * wrong type, or `checked` is asked of an allocator that cannot invalidate checked arrays
 * (nothing is allocated).
 * @throws {RangeError} When a dimension is negative, fractional or too large.
 *
 * @example A filled array
 * ```ts
 * import { full } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = full(Float64Array, [2, 3], { value: 7 });
 * assert.deepEqual(a.toNested(), [[7, 7, 7], [7, 7, 7]]);
 * ```
 */
export function full<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  shape: number | readonly number[],
  options: FullOptions<ElementOf<T>> & { checked: true },
): CheckedAllocArray<T>;
/**
 * {@linkcode full} without `checked`: an `AllocArray`.
 *
 * @typeParam T The typed array type.
 * @param type The element type.
 * @param shape The dimensions, or one number for a 1-d array.
 * @param options `value`: the value of every element; `checked: false` (the default).
 * @returns A new filled `AllocArray` from the current allocator.
 *
 * @example Under a bump allocator
 * ```ts
 * import { AllocBuffer, full, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const a = withAllocator(buf, () => full(Int16Array, 3, { value: -1 }));
 * assert.equal(a.data.buffer, buf.memory);
 * assert.deepEqual([...a], [-1, -1, -1]);
 * ```
 */
export function full<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  shape: number | readonly number[],
  options: FullOptions<ElementOf<T>>,
): AllocArray<T>;
export function full(
  type: TypedArrayConstructor,
  shape: number | readonly number[],
  options: FullOptions<number | bigint>,
): AllocArray {
  const out = create(type, shape, options, "full");
  out.data.fill(options.value as never);
  return out;
}
