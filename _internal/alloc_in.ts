// Internal: the allocation step shared by `alloc` and `Region.alloc`, after validation.

import { coreOf } from "./bump.ts";
import { describeValue } from "./describe.ts";
import { checkByteLength } from "./validate.ts";
import type { Allocator } from "../allocators/allocator.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";

/** `n` elements of `type` (both validated) from `buf`: the allocator's fast path if it has one. */
export function allocIn<T extends TypedArray>(
  buf: Allocator,
  type: TypedArrayConstructor<T>,
  n: number,
): T {
  const core = coreOf(buf);
  if (core !== undefined) return core.view(type, n);
  if (typeof buf.allocView === "function") return buf.allocView(type, n);
  if (typeof buf.allocPtr !== "function") {
    throw new TypeError(
      `Cannot allocate: expected an allocator (with allocPtr), got ${describeValue(buf)}`,
    );
  }
  const size = type.BYTES_PER_ELEMENT;
  const ptr = buf.allocPtr(checkByteLength(n, size, "allocate"), size);
  return new type(ptr.buffer, ptr.byteOffset, n);
}
