// Package-private: creating memory, with the runtime's refusal (a RangeError such as "Array buffer
// allocation failed" or "Invalid typed array length") reported as an OutOfMemoryError that names
// the size. Used by the growing buffers, the heap allocator and the heap arrays of `similar`.

import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { OutOfMemoryError } from "../allocators/errors.ts";

function refused(bytes: number, what: string, cause: unknown, count = ""): OutOfMemoryError {
  const err = new OutOfMemoryError(
    bytes,
    0,
    `Cannot allocate ${bytes} bytes${count}: the runtime refused a new ${what} of that size (${
      (cause as Error)?.message ?? cause
    })`,
  );
  (err as { cause?: unknown }).cause = cause;
  return err;
}

/**
 * A new `ArrayBuffer` (a `SharedArrayBuffer` when `shared`) of `byteLength` bytes, or an
 * `OutOfMemoryError` if the runtime refuses.
 */
export function newMemory(byteLength: number, what: string): ArrayBuffer;
export function newMemory(byteLength: number, what: string, shared: true): SharedArrayBuffer;
export function newMemory(
  byteLength: number,
  what: string,
  shared = false,
): ArrayBuffer | SharedArrayBuffer {
  try {
    return shared ? new SharedArrayBuffer(byteLength) : new ArrayBuffer(byteLength);
  } catch (cause) {
    throw refused(byteLength, what, cause);
  }
}

/**
 * A new zero-filled `type` of `length` elements on the heap, or an `OutOfMemoryError` if the
 * runtime refuses.
 */
export function newHeapArray<T extends TypedArray>(
  type: TypedArrayConstructor<T>,
  length: number,
): T {
  try {
    return new type(length);
  } catch (cause) {
    const count = ` (${length} ${type.name} elements)`;
    throw refused(length * type.BYTES_PER_ELEMENT, "heap typed array", cause, count);
  }
}
