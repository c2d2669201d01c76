/**
 * The allocator protocol: the four members a custom allocator implements so that regions,
 * {@linkcode alloc}, `AllocArray` and `withAllocator` all work with it (Bumper.jl's
 * `alloc_ptr!`, `checkpoint_save`, `checkpoint_restore!` and `reset_buffer!`), and the optional
 * ones it may add (a fast path, the escape check of regions, and how its `CheckedAllocArray`s
 * are invalidated).
 *
 * @module
 */

import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import type { MemoryValidity } from "./memory_validity.ts";

/**
 * Where an allocation's bytes are: a backing buffer and a byte offset into it.
 *
 * @example Reading a pointer
 * ```ts
 * import { AllocBuffer, type Ptr } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(64);
 * const ptr: Ptr = buf.allocPtr(16, 8);
 * assert.equal(ptr.byteOffset, 0);
 * ```
 */
export interface Ptr {
  /** The memory the allocation lives in. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Byte offset of the allocation's first byte inside {@linkcode Ptr.buffer}. */
  readonly byteOffset: number;
}

/**
 * The allocator protocol. Implement the four required members and every part of the library
 * works with your allocator; the optional members are fast paths and checks that the library
 * uses when they are present.
 *
 * Rules every implementation follows (the shared conformance suite checks them):
 * - `allocPtr(n, a)` returns `n` bytes starting at a multiple of `a` (a power of two) that do
 *   not overlap any other live allocation, or throws and leaves the allocator unchanged.
 * - `checkpointRestore(cp)` frees everything allocated after `checkpointSave()` returned `cp`.
 *   Restoring a checkpoint invalidates every checkpoint taken after it.
 * - `resetBuffer()` returns the allocator to its freshly created state.
 *
 * What the library checks of an answer, on every allocation it makes from an allocator written
 * by a user (`alloc`, `similar`, `Region.alloc`, the operations): `allocPtr` returned a
 * {@linkcode Ptr} into an `ArrayBuffer` or `SharedArrayBuffer`, at a non-negative integer offset
 * that is a multiple of the alignment, with all the bytes inside the buffer; `allocView`
 * returned a typed array of the requested type and length. A wrong answer is a `TypeError` or
 * `RangeError` naming the allocator and what it returned (the allocator keeps whatever state
 * its answer left). Overlap with live allocations is not checked there: wrap the allocator in a
 * {@linkcode ValidatingAllocator} (the debug mode) for that, for checkpoints restored in order,
 * and for escape checks it lacks.
 *
 * @typeParam C The checkpoint type.
 *
 * @example A user-written bump allocator (Bumper.jl's `MyAllocBuffer`, as in examples/my_alloc_buffer.ts)
 * ```ts
 * import { alloc, type Allocator, noEscape, OutOfMemoryError, type Ptr } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * class MyAllocBuffer implements Allocator<number> {
 *   readonly buf: ArrayBuffer;
 *   offset = 0;
 *   constructor(n = 16_000) {
 *     this.buf = new ArrayBuffer(n);
 *   }
 *   allocPtr(n: number, alignment: number): Ptr {
 *     const start = Math.ceil(this.offset / alignment) * alignment;
 *     if (start + n > this.buf.byteLength) {
 *       throw new OutOfMemoryError(n, Math.max(0, this.buf.byteLength - start));
 *     }
 *     this.offset = start + n;
 *     return { buffer: this.buf, byteOffset: start };
 *   }
 *   checkpointSave(): number {
 *     return this.offset;
 *   }
 *   checkpointRestore(offset: number): void {
 *     this.offset = offset;
 *   }
 *   resetBuffer(): void {
 *     this.offset = 0;
 *   }
 * }
 *
 * const buf = new MyAllocBuffer(100);
 * const total = noEscape(buf, () => {
 *   const y = alloc(buf, Float64Array, 3);
 *   y.set([2, 3, 4]);
 *   return y[0] + y[1] + y[2];
 * });
 * assert.equal(total, 9);
 * assert.equal(buf.offset, 0);
 * ```
 *
 * @example An allocator that says how its `CheckedAllocArray`s are invalidated
 * ```ts
 * import { type Allocator, CheckedAllocArray, InvalidMemoryError, MemoryValidity, type Ptr, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * // A per-frame arena: regions free nothing, a reset frees the whole frame.
 * class FrameArena implements Allocator<undefined> {
 *   #memory = new ArrayBuffer(1 << 16);
 *   #offset = 0;
 *   #frame = new MemoryValidity(); // shared by every checked array of the frame
 *   allocPtr(n: number, alignment: number): Ptr {
 *     const start = Math.ceil(this.#offset / alignment) * alignment;
 *     if (start + n > this.#memory.byteLength) throw new RangeError("FrameArena: out of memory");
 *     this.#offset = start + n;
 *     return { buffer: this.#memory, byteOffset: start };
 *   }
 *   checkpointSave(): undefined {}
 *   checkpointRestore(_checkpoint: undefined): void {}
 *   resetBuffer(): void {
 *     this.#offset = 0;
 *     this.#frame.invalidate(); // the frame's checked arrays now throw
 *     this.#frame = new MemoryValidity();
 *   }
 *   trackChecked(): MemoryValidity {
 *     return this.#frame;
 *   }
 * }
 *
 * const arena = new FrameArena();
 * const input = new CheckedAllocArray(new Float64Array([1, 2, 3]));
 * const y = withAllocator(arena, () => similar(input)); // from the arena, sharing #frame
 * y.fill(2);
 * assert.equal(y.get(0), 2);
 * arena.resetBuffer();
 * assert.throws(() => y.get(0), InvalidMemoryError);
 * ```
 */
export interface Allocator<C = unknown> {
  /**
   * Reserves `byteLength` bytes aligned to `alignment` (a power of two) and says where they are.
   * Throws (leaving the allocator unchanged) when it cannot.
   */
  allocPtr(byteLength: number, alignment: number): Ptr;
  /** Captures the allocator's state so that {@linkcode Allocator.checkpointRestore} can return to it. */
  checkpointSave(): C;
  /** Frees everything allocated after `checkpoint` was saved. */
  checkpointRestore(checkpoint: C): void;
  /** Returns the allocator to its freshly created state, freeing everything. */
  resetBuffer(): void;
  /**
   * Optional fast path: a typed array of `length` elements of `type`, equivalent to
   * `new type(ptr.buffer, ptr.byteOffset, length)` of an `allocPtr(length * BYTES_PER_ELEMENT,
   * BYTES_PER_ELEMENT)`, without creating the intermediate {@linkcode Ptr}.
   */
  allocView?<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T;
  /**
   * Optional escape check: whether `view` lies in memory handed out after `checkpoint` was
   * saved. Regions use it to report a view that escapes them; without it, escapes of this
   * allocator's views are not detected.
   */
  allocatedSince?(checkpoint: C, view: ArrayBufferView): boolean;
  /**
   * Optional: how the `CheckedAllocArray`s allocated from this allocator learn that their
   * memory was freed. `similar` calls it once per checked array, right after allocating the
   * array's memory, and the array shares the {@linkcode MemoryValidity} it returns; the
   * allocator invalidates that validity when it frees the memory (by a reset, or by restoring
   * a checkpoint saved before the allocation). The heap (`DefaultAllocator`) never frees: it
   * returns a validity that is never invalidated. Leave it out when the allocator cannot tell
   * when its memory is freed: `similar` of a `CheckedAllocArray` under it then throws a
   * `TypeError` naming the allocator. A wrapper has it only when what it wraps has it.
   */
  trackChecked?(): MemoryValidity;
}

/**
 * Whether `value` implements the {@linkcode Allocator} protocol (its four required members are
 * functions).
 *
 * @param value Anything.
 * @returns `true` when `value` can be used as an allocator.
 *
 * @example Telling allocators apart
 * ```ts
 * import { AllocBuffer, isAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert(isAllocator(new AllocBuffer(64)));
 * assert(!isAllocator({ allocPtr() {} }));
 * ```
 */
export function isAllocator(value: unknown): value is Allocator {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.allocPtr === "function" && typeof v.checkpointSave === "function" &&
    typeof v.checkpointRestore === "function" && typeof v.resetBuffer === "function";
}
