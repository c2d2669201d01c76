// Package-private: argument validation shared by every public entry point, and the few compares
// the allocation fast path makes before falling back to it. Messages name the failed action,
// then a colon and the bad value.

import { describeValue, fmtShape } from "./describe.ts";
import { assertElementType, type TypedArrayConstructor } from "../allocators/dtype.ts";

/**
 * Throws unless `n` is a non-negative safe integer: `TypeError` for a non-number, `RangeError`
 * for negative, fractional, NaN, infinite or unsafe values.
 */
export function validateSize(n: unknown, what: string, action: string): number {
  if (typeof n !== "number") {
    throw new TypeError(`Cannot ${action}: ${what} must be a number, got ${describeValue(n)}`);
  }
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot ${action}: ${what} must be a non-negative safe integer, got ${n}`,
    );
  }
  return n;
}

/** Throws unless `a` is a positive power of two no larger than 2^30. */
export function validateAlignment(a: unknown, action: string): number {
  if (typeof a !== "number") {
    throw new TypeError(`Cannot ${action}: alignment must be a number, got ${describeValue(a)}`);
  }
  if (!(a >= 1 && a <= 0x40000000 && (a & (a - 1)) === 0 && Number.isInteger(a))) {
    throw new RangeError(`Cannot ${action}: alignment must be a power of two, got ${a}`);
  }
  return a;
}

/**
 * Validates a list of dimensions and returns their product (the element count). Throws a
 * `RangeError` naming the bad dimension, or when the product is not a safe integer.
 */
export function validateDims(dims: readonly unknown[], action: string): number {
  let n = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    // A valid dimension passes without the name of its check (a new string per dimension).
    n *= typeof d === "number" && d >= 0 && Number.isSafeInteger(d)
      ? d
      : validateSize(d, `dimension ${i}`, action);
  }
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `Cannot ${action}: ${dims.join(" × ")} elements exceed Number.MAX_SAFE_INTEGER`,
    );
  }
  return n;
}

/** Rounds `offset` up to a multiple of `alignment` (a power of two). */
export function alignUp(offset: number, alignment: number): number {
  const r = offset % alignment;
  return r === 0 ? offset : offset + alignment - r;
}

// A one-entry cache: the last element type that passed `assertElementType`. Code allocates one
// or two types in a loop, so one identity compare usually replaces the set lookup (and lets
// `alloc` take its fast path). Why it is safe:
// - Passing the check is a fixed property of a value: the set of element types is built once
//   when the module loads and never changes, so a value that passed once passes every time.
//   The cache only ever skips a check whose answer is known.
// - Stale or "wrong" entry: it is always some type that passed; any other value misses and
//   gets the full check (and its TypeError), so the worst a miss costs is one set lookup.
// - No state leaks: it holds a built-in typed-array constructor, which is reachable anyway, and
//   no result depends on which one it holds.
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

/**
 * The shape `dims` asks for when reshaping an array of shape `from` (`size` elements): each
 * dimension an integer >= 0, except one `-1`, inferred. Throws a `TypeError` for a non-array or
 * a non-number dimension, a `RangeError` naming the bad dimension or the element counts.
 */
export function resolveShape(
  dims: unknown,
  from: readonly number[],
  size: number,
  action: string,
): number[] {
  if (!Array.isArray(dims)) {
    throw new TypeError(
      `Cannot ${action}: shape must be an array of dimensions, got ${describeValue(dims)}`,
    );
  }
  let infer = -1, known = 1;
  const shape = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== "number") {
      throw new TypeError(
        `Cannot ${action}: dimension ${i} must be a number, got ${describeValue(d)}`,
      );
    }
    if (!Number.isSafeInteger(d)) {
      throw new RangeError(`Cannot ${action}: dimension ${i} must be an integer, got ${d}`);
    }
    if (d === -1 && infer < 0) {
      infer = i;
      continue;
    }
    if (d < 0) throw new RangeError(`Cannot ${action}: dimension ${i} must be >= 0, got ${d}`);
    shape[i] = d;
    known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new RangeError(
        `Cannot ${action}: cannot infer dimension ${infer} of ${
          fmtShape(dims)
        } for ${size} elements`,
      );
    }
    shape[infer] = size / known;
  } else if (known !== size) {
    throw new RangeError(
      `Cannot ${action}: shape ${fmtShape(dims)} has ${known} elements, the array ${
        fmtShape(from)
      } has ${size}`,
    );
  }
  return shape;
}
