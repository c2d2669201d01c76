/**
 * Element types: the typed-array constructors that allocations are made of (Bumper.jl's
 * "isbits types only", enforced).
 *
 * @module
 */

import { describeValue } from "../_internal/describe.ts";

/**
 * `Float16Array` where the TypeScript `lib` in use declares it (ES2025 and later), `never`
 * otherwise, so the package's types also compile for users on an older `lib`.
 */
export type Float16ArrayIfPresent = typeof globalThis extends
  { Float16Array: { prototype: infer P } } ? P : never;

/** Any typed array (the element storage of allocations and arrays). */
export type TypedArray =
  | Float64Array
  | Float32Array
  | Float16ArrayIfPresent
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Uint8ClampedArray
  | BigInt64Array
  | BigUint64Array;

/**
 * A typed-array constructor producing `T`: the element type of an allocation.
 *
 * @typeParam T The typed array it constructs.
 */
export interface TypedArrayConstructor<T extends TypedArray = TypedArray> {
  /** Bytes per element. */
  readonly BYTES_PER_ELEMENT: number;
  /** The constructor's name, e.g. `"Float64Array"`. */
  readonly name: string;
  /** A view of `length` elements of `buffer` starting at `byteOffset`. */
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  /** A fresh zero-filled array of `length` elements. */
  new (length: number): T;
}

/** The element-type constructors this runtime supports (Float16Array only where present). */
const KNOWN: readonly TypedArrayConstructor[] = [
  Float64Array,
  Float32Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
  ...(typeof globalThis.Float16Array === "function"
    ? [globalThis.Float16Array as unknown as TypedArrayConstructor]
    : []),
] as TypedArrayConstructor[];

const KNOWN_SET: ReadonlySet<unknown> = new Set(KNOWN);

/**
 * Every element type supported on this runtime: the typed-array constructors, with
 * `Float16Array` included only where the runtime has it.
 *
 * @example Listing element types
 * ```ts
 * import { ELEMENT_TYPES } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.ok(ELEMENT_TYPES.includes(Float64Array));
 * ```
 */
export const ELEMENT_TYPES: readonly TypedArrayConstructor[] = KNOWN;

/**
 * Whether `value` is one of the typed-array constructors in {@linkcode ELEMENT_TYPES}.
 *
 * @param value Anything.
 * @returns `true` for `Float64Array`, `Int32Array`, …; `false` for `Array`, `DataView`, etc.
 *
 * @example Checking an element type
 * ```ts
 * import { isElementType } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isElementType(Float32Array));
 * assert.ok(!isElementType(Array));
 * ```
 */
export function isElementType(value: unknown): value is TypedArrayConstructor {
  return KNOWN_SET.has(value);
}

/**
 * Throws a `TypeError` naming `value` unless it is an element type.
 *
 * @param value The candidate element type.
 * @param action What was being attempted, for the message (e.g. `"allocate"`).
 * @returns `value`, narrowed.
 * @throws {TypeError} When `value` is not a typed-array constructor.
 *
 * @example Validating an element type
 * ```ts
 * import { assertElementType } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.equal(assertElementType(Int32Array, "allocate"), Int32Array);
 * assert.throws(() => assertElementType(Array, "allocate"), TypeError);
 * ```
 */
export function assertElementType<T extends TypedArray = TypedArray>(
  value: unknown,
  action: string,
): TypedArrayConstructor<T> {
  if (!KNOWN_SET.has(value)) {
    throw new TypeError(
      `Cannot ${action}: element type must be a typed-array constructor such as Float64Array, got ${
        describeValue(value)
      }`,
    );
  }
  return value as TypedArrayConstructor<T>;
}
