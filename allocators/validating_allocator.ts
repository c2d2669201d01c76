/**
 * {@linkcode ValidatingAllocator}: the debug mode for allocators you write yourself, which
 * checks everything they return.
 *
 * @module
 */

import { checkedView, ptrProblem } from "../_internal/alloc_in.ts";
import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { WRAPS } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  checkByteLength,
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { type Allocator, isAllocator, type Ptr } from "./allocator.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { CheckpointError } from "./errors.ts";
import type { MemoryValidity } from "./memory_validity.ts";

/** One allocation made through a ValidatingAllocator and not freed yet. */
interface Live {
  memory: ArrayBuffer | SharedArrayBuffer;
  start: number;
  end: number;
}

/**
 * Wraps an allocator (typically one you wrote) and checks, fully, everything it returns: every
 * pointer is into an `ArrayBuffer` or `SharedArrayBuffer`, at a non-negative integer offset that
 * is a multiple of the alignment, with all its bytes inside the buffer, and **overlapping no
 * allocation still live** (made through this wrapper since its last reset, and not freed by a
 * restore); every `allocView` answer is a typed array of the requested type and length. A
 * violation throws a `TypeError` or `RangeError` naming the wrapped allocator, the request and
 * what it returned.
 *
 * Use it while developing an allocator, or to find which allocator corrupts data: give the
 * wrapper, not the allocator, to `alloc`, `noEscape` and `withAllocator`. Outside it, the library
 * checks a user allocator's answers cheaply on every allocation (type, length, offset and
 * bounds) but cannot see overlaps, which need the record of live allocations kept here (each
 * allocation costs O(live allocations)).
 *
 * It also answers the escape check of `noEscape` from that record (`allocatedSince`), so
 * escaping views are caught even when the wrapped allocator has no `allocatedSince`, and it
 * checks that checkpoints are restored in order: restoring one that was not saved through it,
 * or was already restored or made stale, is a {@linkcode CheckpointError}, before the wrapped
 * allocator is called. `trackChecked` is forwarded when the wrapped allocator has it.
 *
 * @typeParam C The wrapped allocator's checkpoint type.
 *
 * @example Catching an allocator that hands out the same bytes twice
 * ```ts
 * import { alloc, type Allocator, type Ptr, ValidatingAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * // A broken allocator: it forgets to move its offset.
 * class Broken implements Allocator<number> {
 *   memory = new ArrayBuffer(1024);
 *   allocPtr(_n: number, _alignment: number): Ptr {
 *     return { buffer: this.memory, byteOffset: 0 };
 *   }
 *   checkpointSave(): number {
 *     return 0;
 *   }
 *   checkpointRestore(_cp: number): void {}
 *   resetBuffer(): void {}
 * }
 *
 * const checked = new ValidatingAllocator(new Broken());
 * const a = alloc(checked, Float64Array, 4);
 * assert.equal(a.length, 4);
 * assert.throws(
 *   () => alloc(checked, Float64Array, 4),
 *   /Cannot allocate 32 bytes aligned to 8 from a Broken: its allocPtr returned bytes 0\.\.32, which overlap the live allocation at 0\.\.32/,
 * );
 * ```
 *
 * @example Escape checks for an allocator without `allocatedSince`
 * ```ts
 * import { alloc, type Allocator, EscapeError, noEscape, type Ptr, ValidatingAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * class Bump implements Allocator<number> {
 *   memory = new ArrayBuffer(1024);
 *   offset = 0;
 *   allocPtr(n: number, alignment: number): Ptr {
 *     const start = Math.ceil(this.offset / alignment) * alignment;
 *     this.offset = start + n;
 *     return { buffer: this.memory, byteOffset: start };
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
 * const buf = new ValidatingAllocator(new Bump());
 * assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 2)), EscapeError);
 * assert.equal(noEscape(buf, () => alloc(buf, Float64Array, 2).fill(3)[0]), 3);
 * ```
 */
export class ValidatingAllocator<C = unknown> implements Allocator<C> {
  readonly #inner: Allocator<C>;
  // Live allocations, in the order they were made.
  #live: Live[] = [];
  // Live checkpoints saved through this wrapper, with how many allocations were live then.
  #saved: C[] = [];
  #counts: number[] = [];

  /**
   * Optional: the wrapped allocator's `trackChecked`, present only when it has one.
   *
   * @returns The validity a `CheckedAllocArray` allocated now shares.
   */
  readonly trackChecked?: () => MemoryValidity;

  /**
   * Wraps `inner`.
   *
   * @param inner The allocator to check.
   * @throws {TypeError} When `inner` is not an allocator.
   *
   * @example Wrapping
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AllocBuffer(64);
   * assert.equal(new ValidatingAllocator(buf).inner, buf);
   * ```
   */
  constructor(inner: Allocator<C>) {
    if (!isAllocator(inner)) {
      throw new TypeError(
        `Cannot create ValidatingAllocator: expected an allocator (with allocPtr, checkpointSave, checkpointRestore and resetBuffer), got ${
          describeValue(inner)
        }`,
      );
    }
    this.#inner = inner;
    // Regions on the wrapper and on the wrapped allocator are ordered against each other.
    Object.defineProperty(this, WRAPS, { value: inner });
    if (typeof inner.trackChecked === "function") {
      this.trackChecked = () => inner.trackChecked!();
    }
  }

  /** The wrapped allocator. */
  get inner(): Allocator<C> {
    return this.#inner;
  }

  /** How many allocations made through the wrapper are live. */
  get live(): number {
    return this.#live.length;
  }

  /**
   * The wrapped allocator's `allocPtr`, its answer checked (see the class).
   *
   * @param byteLength Bytes to allocate.
   * @param alignment A power of two.
   * @returns Where the bytes are.
   * @throws {TypeError} When an argument is not a number, or the answer is not a pointer into an
   * `ArrayBuffer` or `SharedArrayBuffer`.
   * @throws {RangeError} When an argument is invalid, or the answer is misaligned, out of bounds
   * or overlaps a live allocation.
   *
   * @example Raw bytes
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ValidatingAllocator(new AllocBuffer(64));
   * assert.equal(buf.allocPtr(8, 8).byteOffset, 0);
   * assert.equal(buf.allocPtr(8, 8).byteOffset, 8);
   * ```
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", "allocate");
    validateAlignment(alignment, "allocate");
    const ptr = this.#inner.allocPtr(byteLength, alignment);
    const problem = ptrProblem(ptr, byteLength, alignment);
    if (problem !== undefined) throw this.#error(problem.kind, byteLength, alignment, problem.what);
    this.#record(ptr.buffer, ptr.byteOffset, byteLength, alignment);
    return ptr;
  }

  /**
   * A typed array of `length` elements of `type`: the wrapped allocator's `allocView` when it
   * has one, else a view at its `allocPtr`; either way checked (see the class).
   *
   * @typeParam T The typed array type.
   * @param type The element type.
   * @param length Number of elements.
   * @returns An uninitialised view.
   * @throws {TypeError} When `type` is not an element type, or the answer is wrong.
   * @throws {RangeError} When `length` is invalid, or the answer is misaligned, out of bounds or
   * overlaps a live allocation.
   *
   * @example A typed array
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ValidatingAllocator(new AllocBuffer(64));
   * assert.equal(buf.allocView(Int32Array, 4).length, 4);
   * assert.equal(buf.live, 1);
   * ```
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    const size = elementSize(type, "allocate");
    const n = checkLength(length, "allocate");
    const inner = this.#inner;
    if (typeof inner.allocView !== "function") {
      const ptr = this.allocPtr(checkByteLength(n, size, "allocate"), size);
      return new type(ptr.buffer, ptr.byteOffset, n);
    }
    const view = checkedView(inner, inner.allocView(type, n), type, n);
    this.#record(view.buffer, view.byteOffset, view.byteLength, size);
    return view;
  }

  // Records an allocation after checking that it overlaps no live one.
  #record(
    memory: ArrayBuffer | SharedArrayBuffer,
    start: number,
    bytes: number,
    alignment: number,
  ): void {
    const end = start + bytes;
    if (bytes > 0) {
      for (const l of this.#live) {
        if (l.memory === memory && l.start < end && start < l.end) {
          throw this.#error(
            RangeError,
            bytes,
            alignment,
            `bytes ${start}..${end}, which overlap the live allocation at ${l.start}..${l.end} of the same buffer (allocated since the last reset and not freed by a restore)`,
          );
        }
      }
    }
    noteArenaMemory(memory);
    this.#live.push({ memory, start, end });
  }

  #error(
    kind: typeof TypeError | typeof RangeError,
    bytes: number,
    alignment: number,
    what: string,
  ): Error {
    return new kind(
      `Cannot allocate ${bytes} bytes aligned to ${alignment} from ${
        describeValue(this.#inner)
      }: its allocPtr returned ${what}`,
    );
  }

  /**
   * The wrapped allocator's `checkpointSave`, remembered with the allocations live now.
   *
   * @returns The wrapped allocator's checkpoint.
   *
   * @example Saving and restoring
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ValidatingAllocator(new AllocBuffer(64));
   * const cp = buf.checkpointSave();
   * buf.allocPtr(16, 8);
   * buf.checkpointRestore(cp);
   * assert.equal(buf.live, 0);
   * ```
   */
  checkpointSave(): C {
    const cp = this.#inner.checkpointSave();
    this.#saved.push(cp);
    this.#counts.push(this.#live.length);
    return cp;
  }

  /**
   * The wrapped allocator's `checkpointRestore`, after checking that `checkpoint` is a live
   * checkpoint saved through this wrapper; the allocations made since are no longer live.
   *
   * @param checkpoint A checkpoint from {@linkcode ValidatingAllocator.checkpointSave}.
   * @throws {CheckpointError} When `checkpoint` was not saved through this wrapper, or was
   * already restored or made stale (the wrapped allocator is not called).
   *
   * @example Restoring twice is caught
   * ```ts
   * import { AllocBuffer, CheckpointError, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ValidatingAllocator(new AllocBuffer(64));
   * const cp = buf.checkpointSave();
   * buf.checkpointRestore(cp);
   * assert.throws(() => buf.checkpointRestore(cp), CheckpointError);
   * ```
   */
  checkpointRestore(checkpoint: C): void {
    const i = this.#saved.lastIndexOf(checkpoint);
    if (i < 0) {
      throw new CheckpointError(
        `Cannot restore checkpoint ${describeValue(checkpoint)} of ${
          describeValue(this.#inner)
        }: it is not a live checkpoint saved through this ValidatingAllocator (it was already restored, made stale by restoring an earlier one or by a reset, or saved elsewhere)`,
      );
    }
    this.#inner.checkpointRestore(checkpoint);
    this.#live.length = this.#counts[i];
    this.#saved.length = i;
    this.#counts.length = i;
  }

  /**
   * The wrapped allocator's `resetBuffer`; nothing is live afterwards.
   *
   * @example Resetting
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ValidatingAllocator(new AllocBuffer(64));
   * buf.allocPtr(16, 8);
   * buf.resetBuffer();
   * assert.equal(buf.live, 0);
   * ```
   */
  resetBuffer(): void {
    this.#inner.resetBuffer();
    this.#live.length = 0;
    this.#saved.length = 0;
    this.#counts.length = 0;
  }

  /**
   * Whether `view` overlaps an allocation made through this wrapper after `checkpoint` was
   * saved and still live (the escape check of `noEscape`).
   *
   * @param checkpoint A live checkpoint of this wrapper.
   * @param view Any view.
   * @returns `true` when restoring `checkpoint` frees bytes `view` covers.
   *
   * @example Escape check
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ValidatingAllocator(new AllocBuffer(64));
   * const before = buf.allocView(Float64Array, 1);
   * const cp = buf.checkpointSave();
   * assert.ok(buf.allocatedSince(cp, buf.allocView(Float64Array, 1)));
   * assert.ok(!buf.allocatedSince(cp, before));
   * ```
   */
  allocatedSince(checkpoint: C, view: ArrayBufferView): boolean {
    const i = this.#saved.lastIndexOf(checkpoint);
    if (i < 0 || view.byteLength === 0) return false;
    const start = view.byteOffset, end = start + view.byteLength;
    const live = this.#live;
    for (let k = this.#counts[i]; k < live.length; k++) {
      const l = live[k];
      if (l.memory === view.buffer && l.start < end && start < l.end) return true;
    }
    return false;
  }

  /**
   * A one-line description.
   *
   * @returns For example `ValidatingAllocator(a MyAllocBuffer, 2 live allocations)`.
   *
   * @example Printing
   * ```ts
   * import { AllocBuffer, ValidatingAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(
   *   String(new ValidatingAllocator(new AllocBuffer(64))),
   *   "ValidatingAllocator(an AllocBuffer, 0 live allocations)",
   * );
   * ```
   */
  toString(): string {
    const n = this.#live.length;
    return `ValidatingAllocator(${describeValue(this.#inner)}, ${n} live allocation${
      n === 1 ? "" : "s"
    })`;
  }

  /** `"ValidatingAllocator"`. */
  get [Symbol.toStringTag](): string {
    return "ValidatingAllocator";
  }
}
