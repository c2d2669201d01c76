/**
 * {@linkcode AllocBuffer}: a bump allocator over one fixed block of memory.
 *
 * @module
 */

import { Bump, KEEP_HIGH } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { newMemory } from "../_internal/memory.ts";
import { detach, isDetached, poisonOption, takeOver } from "./_poison.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { OutOfMemoryError } from "./errors.ts";

/** The default size of an {@linkcode AllocBuffer}: 1 MiB. */
const DEFAULT_SIZE = 1_048_576;

/** Options of an {@linkcode AllocBuffer}. */
export interface AllocBufferOptions {
  /**
   * Poison mode, a debugging aid (default `false`): whenever the buffer becomes empty (a reset,
   * or a restore of a checkpoint saved while it was empty, such as the end of an outermost
   * region), its `ArrayBuffer` is detached and a fresh one takes its place. Every view handed
   * out before, including any that escaped a region, then has length 0, so reading it gives
   * `undefined` and writing to it cannot reach live memory. Costs about 0.3 µs per emptying
   * restore or reset where `ArrayBuffer.prototype.transfer` exists (Deno, Node ≥ 21; Node 20
   * detaches through `structuredClone`, ~10 µs); allocation itself costs the same. Not allowed
   * with memory that cannot be detached: a caller's `SharedArrayBuffer`, or the `buffer` of a
   * `WebAssembly.Memory`. A caller's `ArrayBuffer` is taken over at construction (detached,
   * its bytes moved without a copy): use {@linkcode AllocBuffer.memory} from then on.
   */
  poison?: boolean;
}

/**
 * A bump allocator over one fixed block of memory (Bumper.jl's `AllocBuffer`): an allocation is
 * the next free bytes, aligned; freeing happens only by restoring a checkpoint (a `noEscape`
 * region's end) or resetting. The fastest buffer, but fixed: an allocation that does not fit
 * throws an {@linkcode OutOfMemoryError} and leaves the buffer unchanged (Bumper leaves its
 * offset past the end; this one does not). Use a {@linkcode SlabBuffer} or
 * {@linkcode ResizeBuffer} to grow instead.
 *
 * The memory is a fresh `ArrayBuffer` (default 1 MiB) or one the caller passes, including a
 * `SharedArrayBuffer` (plain, non-atomic bumping: one thread allocates at a time), a resizable
 * `ArrayBuffer` or a `WebAssembly.Memory`'s `buffer`. Its `byteLength` at construction is the
 * capacity. When that memory later goes away (detached, for example transferred to a Worker or
 * replaced by `WebAssembly.Memory.prototype.grow`) or shrinks below the capacity, allocations
 * that no longer fit in it throw an {@linkcode OutOfMemoryError} saying so, and change nothing.
 *
 * | operation | cost |
 * |---|---|
 * | allocation (`alloc`, `allocPtr`) | O(1): a few compares and an add |
 * | `checkpointSave` / `checkpointRestore` | O(1): one small object |
 * | `resetBuffer` | O(1) |
 *
 * For debugging, `{ poison: true }` detaches the memory whenever the buffer becomes empty, so
 * views kept past a reset or region end read as empty instead of aliasing new allocations (see
 * {@linkcode AllocBufferOptions.poison}).
 *
 * @example Allocating in a region
 * ```ts
 * import { alloc, AllocBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const sum = noEscape(buf, () => {
 *   const y = alloc(buf, Float64Array, 30);
 *   for (let i = 0; i < y.length; i++) y[i] = i;
 *   assert.equal(buf.used, 240);
 *   return y.reduce((a, b) => a + b);
 * });
 * assert.equal(sum, 435);
 * assert.equal(buf.used, 0);
 * assert.equal(buf.peak, 240);
 * assert.equal(String(buf), "AllocBuffer(used 0 of 1024 bytes, peak 240)");
 * ```
 *
 * @example Running out of memory leaves the buffer unchanged
 * ```ts
 * import { alloc, AllocBuffer, OutOfMemoryError } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(100);
 * alloc(buf, Uint8Array, 60);
 * const err = assert.throws(() => alloc(buf, Float64Array, 10), OutOfMemoryError);
 * assert.equal(buf.used, 60);
 * ```
 *
 * @example Poison mode: a view kept past the region's end is emptied
 * ```ts
 * import { alloc, AllocBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024, { poison: true });
 * let leaked: Float64Array | undefined;
 * noEscape(buf, () => {
 *   leaked = alloc(buf, Float64Array, 4).fill(1); // wrong: kept past the region
 * });
 * assert.equal(leaked!.length, 0); // detached: it cannot reach the next allocations
 * leaked![0] = 42; // does nothing
 * const next = noEscape(buf, () => alloc(buf, Float64Array, 4).fill(2)[0]);
 * assert.equal(next, 2);
 * ```
 */
export class AllocBuffer implements Allocator<Checkpoint> {
  // The memory, offset, checkpoints and fast path live in the bump core (see _internal/bump.ts).
  #core: Bump;
  // A view of the whole capacity: its length drops to 0 when the memory is detached or shrinks
  // below the capacity, which allocPtr tests (a length load: the memory's own byteLength getter
  // costs several nanoseconds there). Typed allocations need no test: the core makes the view
  // before moving the offset, so memory that went away refuses it and nothing changes.
  #probe: Uint8Array;
  #capacity: number;
  // The high-water mark as of the last slow restore or reset; `peak` also looks at the core's.
  #peak = 0;
  #poison: boolean;

  /**
   * Makes a buffer of `size` bytes, or one over the caller's `ArrayBuffer` or
   * `SharedArrayBuffer` (whose `byteLength` at construction is the capacity).
   *
   * @param memory The size in bytes (default 1 MiB = 1 048 576), or the memory to use.
   * @param options See {@linkcode AllocBufferOptions}.
   * @throws {TypeError} When `memory` is neither a number nor an (Shared)ArrayBuffer, `options`
   * is not an object, `poison` is not a boolean, or `poison` is asked for with memory that
   * cannot be detached (a `SharedArrayBuffer`, a `WebAssembly.Memory`'s buffer).
   * @throws {RangeError} When the size is negative, fractional or not a safe integer.
   * @throws {OutOfMemoryError} When the runtime refuses an `ArrayBuffer` of that size.
   */
  constructor(
    memory: number | ArrayBuffer | SharedArrayBuffer = DEFAULT_SIZE,
    options: AllocBufferOptions = {},
  ) {
    const action = "create AllocBuffer";
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
      );
    }
    this.#poison = poisonOption(options, action, memory);
    let mem: ArrayBuffer | SharedArrayBuffer;
    if (typeof memory === "number") {
      validateSize(memory, "size", action);
      mem = newMemory(memory, "AllocBuffer");
    } else if (memory instanceof ArrayBuffer) {
      mem = this.#poison ? takeOver(memory, action) : memory;
    } else if (typeof SharedArrayBuffer === "function" && memory instanceof SharedArrayBuffer) {
      mem = memory;
    } else {
      throw new TypeError(
        `Cannot ${action}: expected a size in bytes, an ArrayBuffer or a SharedArrayBuffer, got ${
          describeValue(memory)
        }`,
      );
    }
    this.#capacity = mem.byteLength;
    this.#probe = new Uint8Array(mem, 0, this.#capacity);
    const core = this.#core = new Bump(this, mem, this.#capacity, {
      alloc: (byteLength, alignment) => {
        throw this.#outOfMemory(byteLength, core.offset + (-core.offset & (alignment - 1)));
      },
      save: () => {},
      restore: (depth) => this.#restoreSlow(depth),
      reset: () => this.#resetSlow(),
      refused: (requested, start) => this.#checkMemory(requested, start),
    });
    if (this.#poison) {
      core.setState(0, false, true);
      core.recycles = false;
    } else {
      core.resetMode = KEEP_HIGH;
    }
    if (new.target === AllocBuffer) Bump.attach(this, core);
  }

  /**
   * The memory allocations are views of (in poison mode, a new `ArrayBuffer` each time the
   * buffer becomes empty).
   */
  get memory(): ArrayBuffer | SharedArrayBuffer {
    return this.#core.memory;
  }

  /** Bytes in use (the bump offset, alignment padding included). */
  get used(): number {
    return this.#core.offset;
  }

  /** Total bytes of the buffer. */
  get capacity(): number {
    return this.#capacity;
  }

  /** The most bytes ever in use at once since the buffer was created. */
  get peak(): number {
    const core = this.#core;
    return Math.max(core.offset, core.high, this.#peak);
  }

  /** Whether poison mode is on (see {@linkcode AllocBufferOptions.poison}). */
  get poison(): boolean {
    return this.#poison;
  }

  /**
   * Reserves `byteLength` bytes at the next multiple of `alignment`.
   *
   * @param byteLength How many bytes (zero is allowed).
   * @param alignment A power of two the byte offset is a multiple of.
   * @returns This buffer's memory and the allocation's byte offset.
   * @throws {RangeError} When `byteLength` is not a non-negative safe integer or `alignment` is
   * not a power of two.
   * @throws {OutOfMemoryError} When the bytes do not fit (the buffer is unchanged).
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", "allocate");
    validateAlignment(alignment, "allocate");
    const core = this.#core;
    if (this.#probe.length === 0 && this.#capacity !== 0) {
      const start = core.offset + (-core.offset & (alignment - 1));
      if (start + byteLength <= this.#capacity) {
        const error = this.#checkMemory(byteLength, start);
        if (error !== undefined) throw error;
      }
    }
    return core.ptr(byteLength, alignment);
  }

  /**
   * The fast path of {@linkcode alloc}: a view of `length` uninitialised elements of `type`,
   * aligned to the element size, without an intermediate {@linkcode Ptr}.
   *
   * @typeParam T The typed array made.
   * @param type The element type, a typed-array constructor.
   * @param length How many elements (zero gives an empty view).
   * @returns A view of this buffer's memory.
   * @throws {TypeError} When `type` is not a typed-array constructor.
   * @throws {RangeError} When `length` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the elements do not fit (the buffer is unchanged).
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, "allocate");
    return this[allocViewUnchecked](type, checkLength(length, "allocate"));
  }

  /**
   * {@linkcode AllocBuffer.allocView} without the argument checks, for `alloc`, which made them.
   *
   * @ignore
   */
  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    return this.#core.view(type, n);
  }

  /**
   * Saves the current state.
   *
   * @returns A checkpoint for {@linkcode AllocBuffer.checkpointRestore}.
   */
  checkpointSave(): Checkpoint {
    return this.#core.save();
  }

  /**
   * Frees everything allocated after `checkpoint` was saved. Invalidates `checkpoint` and every
   * checkpoint saved after it.
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @throws {CheckpointError} When `checkpoint` belongs to another buffer, was already restored,
   * or is stale (the buffer is unchanged).
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    this.#core.restore(checkpoint);
  }

  // Poison mode's restore: detach the memory when it empties.
  #restoreSlow(depth: number): void {
    const core = this.#core;
    if (core.offset > this.#peak) this.#peak = core.offset;
    core.offset = core.savedOffsets[depth];
    if (core.offset === 0) this.#replaceMemory();
  }

  /**
   * Frees everything and invalidates every checkpoint. In poison mode, also detaches the
   * memory (see {@linkcode AllocBufferOptions.poison}).
   */
  resetBuffer(): void {
    this.#core.reset();
  }

  // Poison mode's reset (the core's fast path notes the peak and frees).
  #resetSlow(): void {
    const core = this.#core;
    if (core.offset > this.#peak) this.#peak = core.offset;
    core.offset = 0;
    if (this.#poison) this.#replaceMemory();
    core.cleared();
  }

  // Poison mode: detaches the memory, carrying on with a fresh ArrayBuffer over its bytes.
  #replaceMemory(): void {
    const core = this.#core;
    const memory = detach(core.memory as ArrayBuffer);
    core.setMemory(memory);
    if (memory.byteLength >= this.#capacity) {
      this.#probe = new Uint8Array(memory, 0, this.#capacity);
    }
  }

  // The error for `requested` bytes at `start` when the memory was detached or shrank below
  // them; `undefined` when they still fit in what is left of it.
  #checkMemory(requested: number, start: number): OutOfMemoryError | undefined {
    const memory = this.#core.memory as ArrayBuffer;
    const left = memory.byteLength;
    const detached = isDetached(memory);
    if (start + requested <= left && !detached) return undefined;
    return new OutOfMemoryError(
      requested,
      Math.max(0, left - start),
      detached
        ? `Cannot allocate ${requested} bytes: the AllocBuffer's memory was detached (transferred elsewhere, or replaced by WebAssembly.Memory.prototype.grow), so nothing can be allocated from it (make a new AllocBuffer over the current memory)`
        : `Cannot allocate ${requested} bytes: the AllocBuffer's memory shrank to ${left} of its ${this.#capacity} bytes, leaving ${
          Math.max(0, left - start)
        } at offset ${start}`,
    );
  }

  /**
   * Whether `view` lies in memory this buffer handed out after `checkpoint` was saved (the
   * escape check of `noEscape`).
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @param view Any view.
   * @returns `true` when `view` overlaps bytes allocated since `checkpoint` (`false` when
   * `checkpoint` is not live).
   */
  allocatedSince(checkpoint: Checkpoint, view: ArrayBufferView): boolean {
    const core = this.#core;
    const depth = core.depthOf(checkpoint);
    return depth >= 0 && view.byteLength > 0 && view.buffer === core.memory &&
      view.byteOffset + view.byteLength > core.savedOffsets[depth];
  }

  #outOfMemory(requested: number, start: number): OutOfMemoryError {
    const available = Math.max(0, this.#capacity - start);
    return new OutOfMemoryError(
      requested,
      available,
      `Cannot allocate ${requested} bytes: ${available} bytes available, of the AllocBuffer's ${this.#capacity} (make it larger, use a SlabBuffer or AutoscalingAllocBuffer, which grow, or free memory with noEscape regions or resetBuffer)`,
    );
  }

  /**
   * A one-line summary of the buffer's state.
   *
   * @returns For example `AllocBuffer(used 240 of 1048576 bytes, peak 480)`.
   */
  toString(): string {
    return `AllocBuffer(used ${this.used} of ${this.#capacity} bytes, peak ${this.peak})`;
  }

  /** The name shown by `Object.prototype.toString`. */
  readonly [Symbol.toStringTag] = "AllocBuffer";

  /**
   * The inspect string for `Deno.inspect` and `console.log` in Deno.
   *
   * @returns The same as {@linkcode AllocBuffer.toString}.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The inspect string for Node's `util.inspect` and `console.log`.
   *
   * @returns The same as {@linkcode AllocBuffer.toString}.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
