/**
 * {@linkcode ResizeBuffer}: one buffer plus overflow allocations, regrown to the peak when empty.
 *
 * @module
 */

import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { Bump } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  alignUp,
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { newMemory } from "../_internal/memory.ts";
import { detach, poisonOption } from "./_poison.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";

/** The default size of the main buffer: 1 MiB. */
const DEFAULT_SIZE = 1_048_576;

/** Options of a {@linkcode ResizeBuffer}. */
export interface ResizeBufferOptions {
  /**
   * Poison mode, a debugging aid (default `false`): every `ArrayBuffer` that a restore or reset
   * frees entirely (overflow buffers, and the main buffer whenever the buffer becomes empty) is
   * detached, and the main buffer is replaced by a fresh one over the same bytes. Every view of
   * it handed out before, including any that escaped a region, then has length 0, so it can
   * never reach later allocations. Costs about 0.3 µs per buffer freed where
   * `ArrayBuffer.prototype.transfer` exists (Deno, Node ≥ 21; Node 20 detaches through
   * `structuredClone`, ~10 µs); allocation costs the same.
   */
  poison?: boolean;
}

/**
 * A bump allocator that learns its size (Bumper.jl 0.7.2's `ResizeBuffer`): allocations go into
 * one main buffer; when it is full, each further allocation gets its own overflow
 * `ArrayBuffer`. When the buffer becomes empty again (its outermost checkpoint restored, or
 * reset) and the peak did not fit, the main buffer is replaced by one of the peak size, so the
 * next run of the same work fits without overflow.
 *
 * The peak is measured as if the main buffer were unbounded (alignment padding included), so
 * the regrown buffer holds exactly the largest run seen. For debugging, `{ poison: true }`
 * detaches the memory a restore or reset frees (see {@linkcode ResizeBufferOptions.poison}).
 *
 * | operation | cost |
 * |---|---|
 * | allocation in the main buffer | O(1): a few compares and an add |
 * | overflow allocation | O(1) plus creating an `ArrayBuffer` |
 * | `checkpointSave` / `checkpointRestore` | O(1) plus the overflow released |
 *
 * @example Overflow, then regrowth
 * ```ts
 * import { alloc, noEscape, ResizeBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new ResizeBuffer(64);
 * const work = () =>
 *   noEscape(buf, () => {
 *     alloc(buf, Float64Array, 6); // 48 bytes: main buffer
 *     alloc(buf, Float64Array, 4); // 32 bytes: does not fit, overflow
 *     return buf.overflowCount;
 *   });
 * assert.equal(work(), 1);
 * assert.equal(buf.capacity, 80); // regrown to the peak once empty
 * assert.equal(work(), 0);
 * ```
 */
export class ResizeBuffer implements Allocator<Checkpoint> {
  // The main buffer, the offset in it and the checkpoints live in the bump core (see
  // _internal/bump.ts); its shape is the number of overflow allocations.
  #core: Bump;
  #capacity: number;
  // The end of the fast path: the capacity, or -1 while overflow allocations exist (every
  // allocation then takes the slow path, which keeps the extent exact).
  #overflow: ArrayBuffer[] = [];
  #overflowBytes = 0;
  // While overflow exists: the offset the allocations would have reached in an unbounded main
  // buffer. Otherwise the offset itself is that.
  #extent = 0;
  #peak = 0;
  // The extent saved with each live checkpoint saved while overflow existed, by depth.
  #savedExtents: number[] = [];
  #poison: boolean;

  /**
   * Makes a buffer whose main memory starts at `size` bytes.
   *
   * @param size The main buffer's initial size in bytes (default 1 MiB = 1 048 576).
   * @param options See {@linkcode ResizeBufferOptions}.
   * @throws {RangeError} When `size` is not a non-negative safe integer.
   * @throws {TypeError} When `size` is not a number, `options` not an object or `poison` not a
   * boolean.
   * @throws {OutOfMemoryError} When the runtime refuses an `ArrayBuffer` of `size` bytes.
   *
   * @example Poison mode
   * ```ts
   * import { alloc, noEscape, ResizeBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new ResizeBuffer(64, { poison: true });
   * let kept: Float64Array | undefined;
   * noEscape(buf, () => {
   *   kept = alloc(buf, Float64Array, 4); // wrong: kept past the region
   * });
   * assert.equal(kept!.length, 0);
   * ```
   */
  constructor(size: number = DEFAULT_SIZE, options: ResizeBufferOptions = {}) {
    const action = "create ResizeBuffer";
    validateSize(size, "size", action);
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
      );
    }
    this.#poison = poisonOption(options, action);
    this.#capacity = size;
    this.#core = new Bump(this, newMemory(size, "ResizeBuffer"), size, {
      alloc: (byteLength, alignment) => this.#allocSlow(byteLength, alignment),
      save: (depth) => {
        this.#savedExtents[depth] = this.#extent;
      },
      restore: (depth) => this.#restoreSlow(depth),
    });
    this.#core.recycles = !this.#poison;
    this.#sync();
    if (new.target === ResizeBuffer) Bump.attach(this, this.#core);
  }

  // Sets what the core's fast paths may do: while overflow allocations exist, every
  // allocation, save and restore takes the slow path (which keeps the extent exact); so does
  // every restore in poison mode, and while the main buffer waits to regrow.
  #sync(): void {
    const core = this.#core;
    const overflow = this.#overflow.length;
    core.setState(
      overflow,
      overflow !== 0,
      overflow !== 0 || this.#poison || this.#peakNow() > this.#capacity,
    );
    core.limit = overflow === 0 ? this.#capacity : -1;
  }

  #peakNow(): number {
    return Math.max(this.#peak, this.#core.high);
  }

  /** Bytes in use: the main buffer's offset plus the overflow allocations. */
  get used(): number {
    return this.#core.offset + this.#overflowBytes;
  }

  /** Bytes of the main buffer. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Overflow allocations in use. */
  get overflowCount(): number {
    return this.#overflow.length;
  }

  /** Bytes of the overflow allocations in use. */
  get overflowBytes(): number {
    return this.#overflowBytes;
  }

  /** Whether poison mode is on (see {@linkcode ResizeBufferOptions.poison}). */
  get poison(): boolean {
    return this.#poison;
  }

  /** The most bytes ever in use at once, measured as if the main buffer were unbounded. */
  get peak(): number {
    return Math.max(this.#currentExtent(), this.#peakNow());
  }

  /**
   * Reserves `byteLength` bytes at a multiple of `alignment`: in the main buffer if they fit,
   * else in a new overflow `ArrayBuffer`.
   *
   * @param byteLength How many bytes (zero is allowed).
   * @param alignment A power of two the byte offset is a multiple of.
   * @returns The memory and the allocation's byte offset in it.
   * @throws {RangeError} When `byteLength` is not a non-negative safe integer or `alignment` is
   * not a power of two.
   * @throws {OutOfMemoryError} When the runtime cannot create an overflow buffer (the buffer is
   * unchanged).
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", "allocate");
    validateAlignment(alignment, "allocate");
    return this.#core.ptr(byteLength, alignment);
  }

  /**
   * The fast path of {@linkcode alloc}: a view of `length` uninitialised elements of `type`,
   * aligned to the element size.
   *
   * @typeParam T The typed array made.
   * @param type The element type, a typed-array constructor.
   * @param length How many elements (zero gives an empty view).
   * @returns A view of the main buffer or of an overflow buffer.
   * @throws {TypeError} When `type` is not a typed-array constructor.
   * @throws {RangeError} When `length` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the runtime cannot create an overflow buffer (the buffer is
   * unchanged).
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, "allocate");
    return this[allocViewUnchecked](type, checkLength(length, "allocate"));
  }

  /**
   * {@linkcode ResizeBuffer.allocView} without the argument checks, for `alloc`, which made them.
   *
   * @ignore
   */
  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    return this.#core.view(type, n);
  }

  #currentExtent(): number {
    return this.#overflow.length === 0 ? this.#core.offset : this.#extent;
  }

  #allocSlow(byteLength: number, alignment: number): Ptr {
    const core = this.#core;
    const extent = alignUp(this.#currentExtent(), alignment) + byteLength;
    const start = alignUp(core.offset, alignment);
    let ptr: Ptr;
    if (start + byteLength <= this.#capacity) {
      core.offset = start + byteLength;
      ptr = { buffer: core.memory, byteOffset: start };
    } else {
      const memory = noteArenaMemory(newMemory(byteLength, "overflow buffer"));
      this.#overflow.push(memory);
      this.#overflowBytes += byteLength;
      ptr = { buffer: memory, byteOffset: 0 };
    }
    this.#extent = extent;
    if (extent > this.#peak) this.#peak = extent;
    this.#sync();
    return ptr;
  }

  /**
   * Saves the current state.
   *
   * @returns A checkpoint for {@linkcode ResizeBuffer.checkpointRestore}.
   */
  checkpointSave(): Checkpoint {
    return this.#core.save();
  }

  /**
   * Frees everything allocated after `checkpoint` was saved, dropping the overflow buffers
   * added since. When that empties the buffer and the peak exceeded the main buffer, the main
   * buffer is replaced by one of the peak size. Invalidates `checkpoint` and every checkpoint
   * saved after it.
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @throws {CheckpointError} When `checkpoint` belongs to another buffer, was already restored,
   * or is stale (the buffer is unchanged).
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    this.#core.restore(checkpoint);
  }

  // A restore while overflow exists, in poison mode, or while the main buffer waits to regrow.
  #restoreSlow(depth: number): void {
    const core = this.#core;
    const offset = core.savedOffsets[depth];
    if (this.#overflow.length === 0) {
      if (core.offset > this.#peak) this.#peak = core.offset;
      core.offset = offset;
      if (offset === 0) this.#emptied();
      this.#sync();
      return;
    }
    const overflowCount = core.savedShapes[depth];
    this.#releaseOverflow(overflowCount);
    core.offset = offset;
    if (overflowCount === 0) {
      this.#extent = 0;
      this.#sync();
      if (offset === 0) this.#emptied();
    } else {
      this.#extent = this.#savedExtents[depth];
      if (offset === 0 && this.#poison) core.setMemory(detach(core.memory as ArrayBuffer));
    }
    this.#sync();
  }

  /**
   * Frees everything, drops the overflow buffers, regrows the main buffer to the peak if the
   * peak did not fit, and invalidates every checkpoint.
   */
  resetBuffer(): void {
    const extent = this.#currentExtent();
    if (extent > this.#peak) this.#peak = extent;
    this.#releaseOverflow(0);
    this.#core.offset = 0;
    this.#extent = 0;
    this.#emptied();
    this.#sync();
    this.#core.cleared();
  }

  #releaseOverflow(keep: number): void {
    const overflow = this.#overflow;
    for (let i = keep; i < overflow.length; i++) {
      this.#overflowBytes -= overflow[i].byteLength;
      if (this.#poison) detach(overflow[i]);
    }
    overflow.length = keep;
  }

  // The buffer is empty: regrow, and in poison mode detach the old main buffer.
  #emptied(): void {
    const core = this.#core;
    const old = core.memory as ArrayBuffer;
    this.#regrow();
    if (!this.#poison) return;
    if (core.memory === old) core.setMemory(detach(old));
    else detach(old);
  }

  // Called only when empty: nothing refers to the old main buffer's memory any more.
  #regrow(): void {
    const peak = this.#peakNow();
    if (peak <= this.#capacity) return;
    const core = this.#core;
    try {
      core.setMemory(noteArenaMemory(new ArrayBuffer(peak)));
    } catch {
      return; // Regrowth is an optimisation; keep the old buffer and overflow again.
    }
    core.forgetViews();
    this.#capacity = peak;
    this.#sync();
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
    if (depth < 0 || view.byteLength === 0) return false;
    if (view.buffer === core.memory) {
      return view.byteOffset + view.byteLength > core.savedOffsets[depth];
    }
    return this.#overflow.indexOf(view.buffer as ArrayBuffer) >= core.savedShapes[depth];
  }

  /**
   * A one-line summary of the buffer's state.
   *
   * @returns For example `ResizeBuffer(used 80 of 64 bytes, 1 overflow allocation (32 bytes), peak 80)`.
   */
  toString(): string {
    const n = this.#overflow.length;
    return `ResizeBuffer(used ${this.used} of ${this.#capacity} bytes, ${n} overflow allocation${
      n === 1 ? "" : "s"
    } (${this.#overflowBytes} bytes), peak ${this.peak})`;
  }

  /** The name shown by `Object.prototype.toString`. */
  readonly [Symbol.toStringTag] = "ResizeBuffer";

  /**
   * The inspect string for `Deno.inspect` and `console.log` in Deno.
   *
   * @returns The same as {@linkcode ResizeBuffer.toString}.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The inspect string for Node's `util.inspect` and `console.log`.
   *
   * @returns The same as {@linkcode ResizeBuffer.toString}.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
