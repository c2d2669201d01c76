// Internal: the validation on the allocation fast path, a few compares when the input is good.
// Anything unusual falls through to the full validators, which throw the descriptive errors.

import { assertElementType, type TypedArrayConstructor } from "./dtype.ts";
import { validateDims, validateSize } from "./_validate.ts";

// The last element type that passed `assertElementType`: code allocates one or two types in a
// loop, so one identity compare usually replaces the set lookup.
let lastType: unknown = Float64Array;

/** `type.BYTES_PER_ELEMENT`, after checking that `type` is an element type (TypeError if not). */
export function elementSize(type: unknown, action: string): number {
  if (type !== lastType) {
    assertElementType(type, action);
    lastType = type;
  }
  return (type as TypedArrayConstructor).BYTES_PER_ELEMENT;
}

/** Whether `type` is the element type that passed the check last (one compare). */
export function isLastElementType(type: unknown): boolean {
  return type === lastType;
}

/** `n` when it is a valid element count; otherwise throws the validator's error. */
export function checkLength(n: unknown, action: string): number {
  // Integers in [0, 2^32) pass with one compare; larger safe integers take the slow path.
  if (typeof n === "number" && n >>> 0 === n) return n;
  return validateSize(n, "length", action);
}

/** The element count of `dims` (validated; the product of none is 1, a 0-d array). */
export function checkDims(dims: readonly unknown[], action: string): number {
  if (dims.length === 1) {
    const n = dims[0];
    if (typeof n === "number" && n >>> 0 === n) return n;
  }
  return validateDims(dims, action);
}

/**
 * Throws a `RangeError` unless `length` elements of `bytesPerElement` bytes are a safe integer
 * number of bytes; returns that byte count.
 */
export function checkByteLength(length: number, bytesPerElement: number, action: string): number {
  const bytes = length * bytesPerElement;
  if (bytes > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(
      `Cannot ${action}: ${length} elements of ${bytesPerElement} bytes exceed Number.MAX_SAFE_INTEGER bytes`,
    );
  }
  return bytes;
}
