// Internal: the allocation step shared by `alloc`, `Region.alloc`, `similar` and the array
// allocators, after validation, and the checks of what an allocator written by a user returns.

import { noteArenaMemory } from "./arena_memory.ts";
import { coreOf } from "./bump.ts";
import { describeValue } from "./describe.ts";
import { checkByteLength } from "./validate.ts";
import type { Allocator, Ptr } from "../allocators/allocator.ts";
import { DefaultAllocator } from "../allocators/default_allocator.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";

/**
 * `n` elements of `type` (both validated) from `buf`: through its bump core when it has one
 * (the built-in buffers), else its `allocView` or `allocPtr`, whose answer is checked (see
 * {@linkcode checkedView} and {@linkcode viewAt}).
 */
export function allocIn<T extends TypedArray>(
  buf: Allocator,
  type: TypedArrayConstructor<T>,
  n: number,
): T {
  const core = coreOf(buf);
  if (core !== undefined) return core.view(type, n);
  if (buf instanceof DefaultAllocator) return buf.allocView(type, n); // the heap: trusted
  if (typeof buf.allocView === "function") return checkedView(buf, buf.allocView(type, n), type, n);
  if (typeof buf.allocPtr !== "function") {
    throw new TypeError(
      `Cannot allocate: expected an allocator (with allocPtr), got ${describeValue(buf)}`,
    );
  }
  const size = type.BYTES_PER_ELEMENT;
  const bytes = checkByteLength(n, size, "allocate");
  return viewAt(buf, buf.allocPtr(bytes, size), type, n, bytes);
}

/**
 * `view`, what `buf.allocView(type, n)` returned, once checked to be a `type` of `n` elements
 * (a view of a detached or shrunk buffer has fewer); its memory is noted as an allocator's.
 * Throws a `TypeError` naming `buf` otherwise: a wrong-length array would make every n-d array
 * over it wrong.
 */
export function checkedView<T extends TypedArray>(
  buf: Allocator,
  view: unknown,
  type: TypedArrayConstructor<T>,
  n: number,
): T {
  if (view instanceof type && view.length === n) {
    noteArenaMemory(view.buffer);
    return view;
  }
  const got = ArrayBuffer.isView(view) && "length" in view
    ? `${describeValue(view)} of ${(view as TypedArray).length} elements`
    : describeValue(view);
  throw new TypeError(
    `Cannot allocate ${n} elements of ${type.name} from ${
      describeValue(buf)
    }: its allocView returned ${got}, not a ${type.name} of ${n} elements`,
  );
}

/**
 * The `n` elements of `type` at `ptr`, what `buf.allocPtr(bytes, type.BYTES_PER_ELEMENT)`
 * returned, once checked: a `Ptr` to an `ArrayBuffer` or `SharedArrayBuffer`, at a non-negative
 * integer offset that is a multiple of the element size, with the `bytes` bytes inside the
 * buffer. Throws a `TypeError` or `RangeError` naming `buf` otherwise (and allocates nothing
 * more). The memory is noted as an allocator's.
 */
export function viewAt<T extends TypedArray>(
  buf: Allocator,
  ptr: Ptr,
  type: TypedArrayConstructor<T>,
  n: number,
  bytes: number,
): T {
  // The usual case costs two compares and a class check: the runtime's own checks of the view
  // (a non-negative offset, the bytes inside the buffer) then do the rest, and when they refuse,
  // the answer is examined for the error.
  if (typeof ptr === "object" && ptr !== null) {
    const memory = ptr.buffer, offset = ptr.byteOffset;
    if (
      typeof offset === "number" && offset % type.BYTES_PER_ELEMENT === 0 &&
      (memory instanceof ArrayBuffer ||
        (typeof SharedArrayBuffer === "function" && memory instanceof SharedArrayBuffer))
    ) {
      try {
        return new type(noteArenaMemory(memory), offset, n);
      } catch {
        // Examined below.
      }
    }
  }
  const size = type.BYTES_PER_ELEMENT;
  const problem = ptrProblem(ptr, bytes, size) ?? {
    kind: RangeError,
    what: `a pointer the runtime refused a ${type.name} of ${n} elements at`,
  };
  throw new problem.kind(
    `Cannot allocate ${bytes} bytes aligned to ${size} from ${
      describeValue(buf)
    }: its allocPtr returned ${problem.what}`,
  );
}

/** What is wrong with `ptr` as the answer to `allocPtr(bytes, alignment)`, if anything. */
export function ptrProblem(
  ptr: unknown,
  bytes: number,
  alignment: number,
): { kind: typeof TypeError | typeof RangeError; what: string } | undefined {
  if (typeof ptr !== "object" || ptr === null) {
    return { kind: TypeError, what: `${describeValue(ptr)}, not a Ptr ({ buffer, byteOffset })` };
  }
  const { buffer, byteOffset } = ptr as Ptr;
  if (
    !(buffer instanceof ArrayBuffer ||
      (typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer))
  ) {
    return {
      kind: TypeError,
      what: `a buffer that is ${describeValue(buffer)}, not an ArrayBuffer or SharedArrayBuffer`,
    };
  }
  if (typeof byteOffset !== "number") {
    return { kind: TypeError, what: `byteOffset ${describeValue(byteOffset)}, not a number` };
  }
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0) {
    return { kind: RangeError, what: `byteOffset ${byteOffset}, not a non-negative integer` };
  }
  if (byteOffset % alignment !== 0) {
    return {
      kind: RangeError,
      what: `byteOffset ${byteOffset}, not a multiple of the alignment ${alignment}`,
    };
  }
  if (byteOffset + bytes > buffer.byteLength) {
    return {
      kind: RangeError,
      what: `bytes ${byteOffset}..${
        byteOffset + bytes
      }, past the end of its buffer of ${buffer.byteLength} bytes`,
    };
  }
  return undefined;
}
