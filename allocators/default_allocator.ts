/**
 * {@linkcode DefaultAllocator}: ordinary heap allocation behind the {@linkcode Allocator}
 * protocol. It is what `currentAllocator()` returns outside any `withAllocator` scope.
 *
 * @module
 */

import {
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { newHeapArray, newMemory } from "../_internal/memory.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { MemoryValidity } from "./memory_validity.ts";

/**
 * Heap allocation (AllocArrays.jl's `DefaultAllocator`): every allocation is a fresh,
 * zero-filled `ArrayBuffer` owned by the garbage collector. Checkpoints and resets are no-ops,
 * since nothing is ever freed explicitly. {@linkcode DefaultAllocator.shared} is the instance
 * that `currentAllocator()` returns outside any `withAllocator` scope.
 *
 * | operation | cost |
 * |---|---|
 * | `allocView(type, n)` | `new type(n)` (µs, GC-managed) |
 * | `checkpointSave` / `checkpointRestore` / `resetBuffer` | O(1), no-op |
 * | `trackChecked` | one small object, never invalidated |
 *
 * @example Allocating from the heap
 * ```ts
 * import { DefaultAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const heap = new DefaultAllocator();
 * const a = heap.allocView(Float64Array, 3);
 * assert.deepEqual([...a], [0, 0, 0]);
 * const p = heap.allocPtr(16, 8);
 * assert.equal(p.buffer.byteLength, 16);
 * ```
 */
export class DefaultAllocator implements Allocator<undefined> {
  /** The shared instance: `currentAllocator()` outside any scope. */
  static readonly shared: DefaultAllocator = new DefaultAllocator();

  /**
   * A fresh zero-filled `ArrayBuffer` of `byteLength` bytes (offset 0, so any alignment holds).
   *
   * @param byteLength Bytes to allocate.
   * @param alignment A power of two (always satisfied by offset 0).
   * @returns A pointer to the start of a new buffer.
   * @throws {TypeError} When an argument is not a number.
   * @throws {RangeError} When `byteLength` is negative, fractional or unsafe, or `alignment` is
   * not a power of two.
   * @throws {OutOfMemoryError} When the runtime refuses an `ArrayBuffer` of that size.
   *
   * @example Allocating bytes
   * ```ts
   * import { DefaultAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const p = DefaultAllocator.shared.allocPtr(24, 8);
   * assert.equal(p.byteOffset, 0);
   * assert.equal(p.buffer.byteLength, 24);
   * ```
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", "allocate from the heap");
    validateAlignment(alignment, "allocate from the heap");
    return { buffer: newMemory(byteLength, "heap ArrayBuffer"), byteOffset: 0 };
  }

  /**
   * A fresh zero-filled typed array: `new type(length)`.
   *
   * @typeParam T The typed array type.
   * @param type The element type (a typed-array constructor).
   * @param length Number of elements.
   * @returns A new heap typed array.
   * @throws {TypeError} When `type` is not a typed-array constructor or `length` not a number.
   * @throws {RangeError} When `length` is negative, fractional or unsafe.
   * @throws {OutOfMemoryError} When the runtime refuses a typed array of that length.
   *
   * @example Allocating a typed array
   * ```ts
   * import { DefaultAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = DefaultAllocator.shared.allocView(Int32Array, 4);
   * assert.ok(a instanceof Int32Array);
   * assert.equal(a.length, 4);
   * ```
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, "allocate from the heap");
    return newHeapArray(type, checkLength(length, "allocate from the heap"));
  }

  /**
   * Does nothing: heap memory is never freed explicitly.
   *
   * @returns `undefined`.
   *
   * @example Checkpoints are no-ops
   * ```ts
   * import { DefaultAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const heap = DefaultAllocator.shared;
   * const cp = heap.checkpointSave();
   * const a = heap.allocView(Float64Array, 2);
   * heap.checkpointRestore(cp);
   * a[0] = 1; // still valid: the garbage collector owns it
   * assert.equal(a[0], 1);
   * ```
   */
  checkpointSave(): undefined {
    return undefined;
  }

  /**
   * Does nothing: heap memory is never freed explicitly.
   *
   * @param _checkpoint Ignored.
   *
   * @example Restoring is a no-op
   * ```ts
   * import { DefaultAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = DefaultAllocator.shared.allocView(Float64Array, 2).fill(3);
   * DefaultAllocator.shared.checkpointRestore(undefined);
   * assert.deepEqual([...a], [3, 3]); // nothing was freed or reused
   * ```
   */
  checkpointRestore(_checkpoint: undefined): void {}

  /**
   * Does nothing: heap memory is never freed explicitly.
   *
   * @example Resetting is a no-op
   * ```ts
   * import { DefaultAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const a = DefaultAllocator.shared.allocView(Int32Array, 2).fill(7);
   * DefaultAllocator.shared.resetBuffer();
   * assert.deepEqual([...a], [7, 7]); // still valid: the garbage collector owns it
   * ```
   */
  resetBuffer(): void {}

  /**
   * The validity of a `CheckedAllocArray` allocated now (see {@linkcode Allocator.trackChecked}):
   * a new one that is never invalidated, since the heap never frees memory explicitly (the
   * garbage collector frees it only once no array refers to it).
   *
   * @returns A fresh, always valid {@linkcode MemoryValidity}.
   *
   * @example Checked arrays on the heap stay valid
   * ```ts
   * import { CheckedAllocArray, DefaultAllocator, similar } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const heap = DefaultAllocator.shared;
   * const v = heap.trackChecked();
   * heap.resetBuffer();
   * assert.ok(v.valid);
   * const c = similar(new CheckedAllocArray(new Float64Array(2))); // outside any scope: the heap
   * heap.resetBuffer();
   * assert.ok(c.isValid);
   * ```
   */
  trackChecked(): MemoryValidity {
    return new MemoryValidity();
  }

  /** `"DefaultAllocator"`. */
  get [Symbol.toStringTag](): string {
    return "DefaultAllocator";
  }

  /** Deno's inspect string. */
  [Symbol.for("Deno.customInspect")](): string {
    return "DefaultAllocator (heap)";
  }

  /** Node's inspect string. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "DefaultAllocator (heap)";
  }
}
