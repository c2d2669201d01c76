// Internal: creating the memory that growing buffers add, with the runtime's refusal (a
// RangeError "Array buffer allocation failed") reported as an OutOfMemoryError, and noted as an
// allocator's memory (see _internal/arena_memory.ts).

import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { OutOfMemoryError } from "./errors.ts";

/** A new `ArrayBuffer` of `byteLength` bytes, or an `OutOfMemoryError` if the runtime refuses. */
export function newMemory(byteLength: number, what: string): ArrayBuffer {
  let memory: ArrayBuffer;
  try {
    memory = new ArrayBuffer(byteLength);
  } catch (cause) {
    const err = new OutOfMemoryError(
      byteLength,
      0,
      `Cannot allocate ${byteLength} bytes: the runtime refused a new ${what} of that size (${
        (cause as Error)?.message ?? cause
      })`,
    );
    (err as { cause?: unknown }).cause = cause;
    throw err;
  }
  return noteArenaMemory(memory);
}
