/**
 * {@linkcode AutoscalingAllocBuffer}: a bump allocator that never runs out of memory and sizes
 * itself to the workload (AllocArrays.jl's default buffer).
 *
 * @module
 */

import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { Bump, SLOW_RESET } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { newMemory } from "../_internal/memory.ts";
import { History } from "./_history.ts";
import { detach, detachFrom, poisonOption } from "./_poison.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";

/**
 * The default size of the first main buffer: 1 MiB. (AllocArrays.jl reserves 2^27 bytes =
 * 128 MiB; in JavaScript every such buffer shows as 128 MiB of external memory, which V8 also
 * weighs when it decides to collect garbage. A larger workload grows additional buffers during
 * its first run and gets a main buffer of its size at the first reset.)
 */
const DEFAULT_INITIAL_SIZE = 2 ** 20;
/** How many past runs' usage a reset remembers by default. */
const DEFAULT_MAX_HISTORY_SIZE = 5;
/** The most runs' usage a reset may remember. */
const MAX_HISTORY_SIZE = 65_536;
const ACTION = "allocate";

/** Options of {@linkcode AutoscalingAllocBuffer}. */
export interface AutoscalingAllocBufferOptions {
  /**
   * How many past runs' usage `resetBuffer` remembers when sizing the main buffer (default 5,
   * at most 65 536). Each reset costs O(1) whatever it is.
   */
  maxHistorySize?: number;
  /**
   * Poison mode, a debugging aid (default `false`): every `ArrayBuffer` that a restore or reset
   * frees entirely (the main buffer whenever its part becomes empty, additional buffers a
   * restore empties, every buffer on reset) is detached and, where the buffer keeps using it,
   * replaced by a fresh one over the same bytes. Every view of it handed out before, including
   * any that escaped a region or outlived a `reset`, then has length 0, so it can never reach
   * later allocations. Costs about 0.3 µs per buffer freed where
   * `ArrayBuffer.prototype.transfer` exists (Deno, Node ≥ 21; Node 20 detaches through
   * `structuredClone`, ~10 µs); allocation costs the same.
   */
  poison?: boolean;
}

/**
 * A bump allocator that grows on demand and, on reset, resizes itself to the workload
 * (AllocArrays.jl's `AutoscalingAllocBuffer`, the default buffer of `BumperAllocator`).
 *
 * It has one main buffer (default 1 MiB; `new AutoscalingAllocBuffer(2 ** 27)` reserves
 * AllocArrays.jl's 128 MiB up front). An allocation that does not fit there
 * goes to the newest additional buffer with room, or to a new additional buffer of
 * `max(2 · next, 2 · request)` bytes, where `next` starts at half the initial size and becomes
 * each new buffer's size (so additional buffers grow exponentially). `resetBuffer()` records
 * the bytes used (the history starts with the initial size and keeps the last `maxHistorySize`
 * records, default 5); then, if there were additional buffers or `ceil(1.1 · max(history))` is
 * below half the main buffer, the main buffer is replaced by one of `ceil(1.1 · max(history))`
 * bytes and `next` becomes a quarter of that. So repeated runs of one size settle into a
 * single main buffer (the speed of a tuned `AllocBuffer`), and a lighter workload shrinks it
 * after a few runs.
 *
 * Better than Julia's: allocations are aligned, and checkpoints work (so `noEscape` regions
 * and the conformance suite do): restoring returns to exactly the state of the checkpoint (the
 * same allocations land in the same places again), and additional buffers added since are
 * emptied and kept for reuse until `resetBuffer()` folds them into the main buffer, so a loop
 * of regions that overflow the main buffer makes no garbage. The spares are bounded: when no
 * spare is large enough for a new additional buffer, the new one replaces them all and is at
 * least twice the largest, so regions that keep growing a little hold at most a few buffers
 * (about four times what they use), not one per region. The usage a reset records is the
 * most bytes in use at once since the previous reset (without checkpoints: the bytes in use at
 * the reset, as in Julia).
 *
 * A reset always succeeds and frees the additional buffers: when the runtime refuses the new
 * main buffer, it keeps the old one, and never asks for a main buffer that large again (each
 * refusal halves the largest size it asks for).
 *
 * | operation | cost |
 * |---|---|
 * | allocation fitting the main buffer | O(1): a few compares and an add |
 * | allocation overflowing it | O(additional buffers), or a new `ArrayBuffer` |
 * | `checkpointSave` / `checkpointRestore` | O(additional buffers) (usually 0–10) |
 * | `resetBuffer` | O(1), or one new `ArrayBuffer` when resizing |
 *
 * @example Growing past the main buffer, then settling into one buffer
 * ```ts
 * import { alloc, AutoscalingAllocBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AutoscalingAllocBuffer(1000);
 * alloc(buf, Float32Array, 100, 100); // 40 000 bytes: more than the main buffer
 * assert.equal(buf.used, 40_000);
 * assert.equal(buf.additionalBuffers, 1);
 * assert.ok(buf.capacity > 80_000);
 * buf.resetBuffer();
 * assert.equal(buf.additionalBuffers, 0);
 * assert.equal(buf.capacity, 44_000); // ceil(1.1 × 40 000)
 * ```
 */
export class AutoscalingAllocBuffer implements Allocator<Checkpoint> {
  // The main buffer, the offset in it and the checkpoints live in the bump core (see
  // _internal/bump.ts), whose fast path is the main buffer; its shape is the number of
  // additional buffers in use, and while there are any, every save and restore takes the slow
  // path (which saves and restores their offsets).
  #core: Bump;
  #mainCapacity: number;
  // Additional buffers, oldest first (searched newest first), with their bump offsets.
  #extra: ArrayBuffer[] = [];
  #extraOffsets: number[] = [];
  // Additional buffers a checkpoint restore emptied, in the order they were made: the slow
  // path takes them again before making new ones, so a restored region replays exactly and a
  // loop of regions overflowing the main buffer makes no garbage.
  #spare: ArrayBuffer[] = [];
  #nextSize: number;
  #history: History;
  // The largest main buffer a reset asks the runtime for: halved each time the runtime refuses
  // one, so a reset never fails and never asks for a refused size again.
  #mainCeiling = Infinity;
  // (The most bytes in use at once since the last reset, what a reset records, is kept in the
  // core's `high`, which the core raises on restores and #notePeak raises to `used`.)
  #peak = 0;
  // The usage of a run whose reset changes nothing but the offsets (-1: none, and always in
  // poison mode): every remembered run used exactly this, and the last reset, which had no
  // additional buffers, kept the main buffer without asking for another (so the peak is at
  // least this too). Only a reset changes what it depends on. While no additional buffer is in
  // use or spare, it is the core's `resetMode`, so that the core frees such a run by itself.
  #steady = -1;
  // The state saved with each live checkpoint saved while additional buffers were in use, by
  // depth: their offsets and the next additional buffer's size. (Without additional buffers
  // the next size is always #baseNext, the one set by the last reset.)
  #savedExtra: (number[] | null)[] = [];
  #savedNext: number[] = [];
  #baseNext: number;
  #poison: boolean;

  /**
   * Makes a buffer whose main buffer has `initialSize` bytes.
   *
   * @param initialSize Bytes of the first main buffer (default 2^20 = 1 048 576), reserved
   * when the buffer is made.
   * @param options `maxHistorySize`: how many runs' usage resets remember (default 5); `poison`:
   * poison mode (see {@linkcode AutoscalingAllocBufferOptions.poison}).
   * @throws {TypeError} When `initialSize` or `maxHistorySize` is not a number, `options` not
   * an object, or `poison` not a boolean.
   * @throws {RangeError} When `initialSize` is negative, fractional or unsafe, or
   * `maxHistorySize` is not an integer from 1 to 65 536.
   * @throws {OutOfMemoryError} When the runtime refuses a main buffer of `initialSize` bytes.
   *
   * @example A small buffer remembering three runs
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(1 << 16, { maxHistorySize: 3 });
   * assert.equal(buf.capacity, 65536);
   * assert.equal(buf.maxHistorySize, 3);
   * ```
   */
  constructor(
    initialSize: number = DEFAULT_INITIAL_SIZE,
    options: AutoscalingAllocBufferOptions = {},
  ) {
    const action = "create AutoscalingAllocBuffer";
    validateSize(initialSize, "initialSize", action);
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
      );
    }
    const max = options.maxHistorySize ?? DEFAULT_MAX_HISTORY_SIZE;
    validateSize(max, "maxHistorySize", action);
    if (max < 1 || max > MAX_HISTORY_SIZE) {
      throw new RangeError(
        `Cannot ${action}: maxHistorySize must be from 1 to ${MAX_HISTORY_SIZE}, got ${max}`,
      );
    }
    this.#poison = poisonOption(options, action);
    this.#mainCapacity = initialSize;
    this.#nextSize = this.#baseNext = Math.ceil(initialSize / 2);
    this.#history = new History(max, initialSize);
    const core = this.#core = new Bump(this, newMemory(initialSize, "main buffer"), initialSize, {
      alloc: (byteLength, alignment) => this.#allocSlow(byteLength, alignment),
      save: (d) => {
        this.#savedExtra[d] = this.#extraOffsets.slice();
        this.#savedNext[d] = this.#nextSize;
      },
      restore: (d) => this.#restoreSlow(d),
      reset: () => this.#resetSlow(),
    });
    if (this.#poison) {
      core.setState(0, false, true);
      core.recycles = false;
    }
    if (new.target === AutoscalingAllocBuffer) Bump.attach(this, core);
  }

  /** Bytes in use in all buffers (alignment padding included). */
  get used(): number {
    let n = this.#core.offset;
    const offsets = this.#extraOffsets;
    for (let i = 0; i < offsets.length; i++) n += offsets[i];
    return n;
  }

  /** Total bytes held: the main buffer and the additional ones (emptied ones included). */
  get capacity(): number {
    let n = this.#mainCapacity;
    const extra = this.#extra, spare = this.#spare;
    for (let i = 0; i < extra.length; i++) n += extra[i].byteLength;
    for (let i = 0; i < spare.length; i++) n += spare[i].byteLength;
    return n;
  }

  /** Bytes of the main buffer. */
  get mainCapacity(): number {
    return this.#mainCapacity;
  }

  /**
   * How many additional buffers exist (0 after a reset), counting those a checkpoint restore
   * emptied and keeps for reuse.
   */
  get additionalBuffers(): number {
    return this.#extra.length + this.#spare.length;
  }

  /** The size the next additional buffer is based on: it gets `max(2 · this, 2 · request)`. */
  get nextBufferSize(): number {
    return this.#nextSize;
  }

  /** How many runs' usage `resetBuffer` remembers. */
  get maxHistorySize(): number {
    return this.#history.size;
  }

  /**
   * The usage of the remembered runs (most bytes in use at once between resets), oldest first;
   * it starts with the initial size.
   */
  get history(): readonly number[] {
    return this.#history.toArray();
  }

  /** Whether poison mode is on (see {@linkcode AutoscalingAllocBufferOptions.poison}). */
  get poison(): boolean {
    return this.#poison;
  }

  /** The most bytes in use at once since the buffer was created. */
  get peak(): number {
    this.#notePeak();
    return Math.max(this.#peak, this.#core.high);
  }

  /**
   * Reserves `byteLength` bytes at a multiple of `alignment`: in the main buffer when they fit,
   * else in an additional buffer (a new one if none has room). Never runs out of memory short
   * of the runtime refusing a new `ArrayBuffer`.
   *
   * @param byteLength How many bytes (zero is allowed).
   * @param alignment A power of two the byte offset is a multiple of.
   * @returns Where the bytes are.
   * @throws {TypeError} When an argument is not a number.
   * @throws {RangeError} When `byteLength` is negative, fractional or unsafe, or `alignment` not
   * a power of two.
   * @throws {OutOfMemoryError} When the runtime refuses a new buffer (nothing changes).
   *
   * @example Allocating bytes
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(64);
   * assert.equal(buf.allocPtr(3, 1).byteOffset, 0);
   * assert.equal(buf.allocPtr(8, 8).byteOffset, 8);
   * assert.equal(buf.used, 16);
   * ```
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", ACTION);
    validateAlignment(alignment, ACTION);
    return this.#core.ptr(byteLength, alignment);
  }

  /**
   * The fast path of `alloc`: a view of `length` uninitialised elements of `type`, aligned to
   * the element size.
   *
   * @typeParam T The typed array made.
   * @param type The element type, a typed-array constructor.
   * @param length How many elements.
   * @returns A view of this buffer's memory.
   * @throws {TypeError} When `type` is not a typed-array constructor.
   * @throws {RangeError} When `length` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the runtime refuses a new buffer (nothing changes).
   *
   * @example Allocating a typed array
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(1024);
   * const a = buf.allocView(Float64Array, 4);
   * assert.equal(a.length, 4);
   * assert.equal(buf.used, 32);
   * ```
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, ACTION);
    return this[allocViewUnchecked](type, checkLength(length, ACTION));
  }

  /**
   * {@linkcode AutoscalingAllocBuffer.allocView} without the argument checks, for `alloc`,
   * which made them.
   *
   * @ignore
   */
  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    return this.#core.view(type, n);
  }

  // The main buffer is full: the newest additional buffer with room, else a new one.
  #allocSlow(byteLength: number, alignment: number): Ptr {
    const extra = this.#extra, offsets = this.#extraOffsets;
    for (let i = extra.length - 1; i >= 0; i--) {
      const off = offsets[i];
      const start = off + (-off & (alignment - 1));
      if (start + byteLength <= extra[i].byteLength) {
        offsets[i] = start + byteLength;
        return { buffer: extra[i], byteOffset: start };
      }
    }
    const size = Math.max(2 * this.#nextSize, 2 * byteLength);
    const spare = this.#spare;
    let memory: ArrayBuffer | undefined;
    let largest = 0;
    for (let i = 0; i < spare.length; i++) {
      const n = spare[i].byteLength;
      if (n >= size) {
        memory = spare.splice(i, 1)[0];
        break;
      }
      if (n > largest) largest = n;
    }
    if (memory === undefined) {
      // Every spare is too small: outgrown. The new buffer replaces them all, and is at least
      // twice the largest, so a workload that keeps growing a little makes a new buffer only
      // every doubling and the spares never pile up.
      memory = noteArenaMemory(newMemory(Math.max(size, 2 * largest), "additional buffer"));
      spare.length = 0;
    }
    this.#nextSize = memory.byteLength;
    extra.push(memory);
    offsets.push(byteLength);
    this.#sync();
    return { buffer: memory, byteOffset: 0 };
  }

  /**
   * Saves the current state.
   *
   * @returns A checkpoint for {@linkcode AutoscalingAllocBuffer.checkpointRestore}.
   *
   * @example A region on an autoscaling buffer
   * ```ts
   * import { alloc, AutoscalingAllocBuffer, noEscape } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(64);
   * const total = noEscape(buf, () => {
   *   const a = alloc(buf, Float64Array, 100); // overflows into an additional buffer
   *   a.fill(1);
   *   return a.reduce((x, y) => x + y);
   * });
   * assert.equal(total, 100);
   * assert.equal(buf.used, 0);
   * ```
   */
  checkpointSave(): Checkpoint {
    return this.#core.save();
  }

  // The core's shape and slow-path flags follow the additional buffers in use.
  #sync(): void {
    const n = this.#extra.length;
    this.#core.setState(n, n !== 0, n !== 0 || this.#poison);
    this.#syncReset();
  }

  // The core frees a steady run by itself (see #steady), unless additional buffers are in use
  // or spare (then every reset records).
  #syncReset(): void {
    this.#core.resetMode = this.#extra.length === 0 && this.#spare.length === 0
      ? this.#steady
      : SLOW_RESET;
  }

  /**
   * Frees everything allocated after `checkpoint` was saved, returning to exactly the state
   * then; additional buffers added since are emptied and kept for reuse (until `resetBuffer`).
   * Invalidates `checkpoint` and every checkpoint saved after it.
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @throws {CheckpointError} When `checkpoint` belongs to another buffer, was already restored,
   * or is stale (the buffer is unchanged).
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   *
   * @example Restoring
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(16);
   * const cp = buf.checkpointSave();
   * buf.allocPtr(100, 8);
   * buf.checkpointRestore(cp);
   * assert.equal(buf.used, 0);
   * assert.equal(buf.additionalBuffers, 1); // kept, empty, for reuse
   * ```
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    this.#core.restore(checkpoint);
  }

  // A restore while additional buffers are in use, or in poison mode.
  #restoreSlow(d: number): void {
    const core = this.#core;
    this.#notePeak();
    core.offset = core.savedOffsets[d];
    const kept = core.savedShapes[d];
    const saved = kept === 0 ? null : this.#savedExtra[d];
    this.#nextSize = kept === 0 ? this.#baseNext : this.#savedNext[d];
    const extra = this.#extra, offsets = this.#extraOffsets;
    if (extra.length > kept) {
      const emptied = extra.splice(kept);
      if (this.#poison) detachFrom(emptied, 0);
      this.#spare = emptied.concat(this.#spare);
      offsets.length = kept;
    }
    for (let i = 0; i < kept; i++) offsets[i] = saved![i];
    if (this.#poison) this.#poisonEmpty();
    this.#sync();
  }

  // Poison mode: detaches (and replaces) the buffers in use that hold no allocation now.
  #poisonEmpty(): void {
    const core = this.#core;
    if (core.offset === 0) core.setMemory(detach(core.memory as ArrayBuffer));
    const extra = this.#extra, offsets = this.#extraOffsets;
    for (let i = 0; i < extra.length; i++) if (offsets[i] === 0) extra[i] = detach(extra[i]);
  }

  /**
   * Frees everything, records this run's usage (the most bytes in use at once since the last
   * reset) in the history, and resizes: when there were additional buffers, or
   * `ceil(1.1 · max(history))` is below half the main buffer, the main buffer becomes one of
   * `ceil(1.1 · max(history))` bytes and the additional buffers are dropped. Invalidates every
   * checkpoint. In poison mode, detaches every buffer (see
   * {@linkcode AutoscalingAllocBufferOptions.poison}). O(1), plus the new main buffer.
   *
   * Never fails: when the runtime refuses the new main buffer, the old one stays (everything in
   * it freed), the additional buffers are still dropped, and later resets ask for at most half
   * the refused size.
   *
   * @example Shrinking after lighter runs
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(100_000, { maxHistorySize: 2 });
   * for (let run = 0; run < 2; run++) {
   *   buf.allocPtr(1000, 8);
   *   buf.resetBuffer();
   * }
   * assert.equal(buf.capacity, 1100);
   * ```
   */
  resetBuffer(): void {
    this.#core.reset();
  }

  // The reset of a run that is not the steady one, or of one with additional buffers (the core
  // frees the steady run by itself).
  #resetSlow(): void {
    this.#notePeak();
    const core = this.#core;
    this.#record(core.high);
    core.high = 0;
    core.offset = 0;
    core.cleared();
  }

  // What a reset does beyond freeing: records the run's usage `run` in the history, resizes when
  // it says so, and brings the state of the bump core up to date.
  #record(run: number): void {
    const core = this.#core, history = this.#history;
    history.add(run);
    const proposed = Math.min(Math.ceil(1.1 * history.max), this.#mainCeiling);
    const grew = this.#extra.length > 0 || this.#spare.length > 0;
    const resize = grew || proposed < Math.ceil(this.#mainCapacity / 2);
    const replaced = resize && this.#resize(proposed);
    this.#steady = !resize && !this.#poison && history.settled === run ? run : -1;
    this.#baseNext = this.#nextSize;
    if (this.#poison && !replaced) core.setMemory(detach(core.memory as ArrayBuffer));
    // (No additional buffers and no poison mode, as before: the state is the same, and
    // `cleared` makes every restore fast again.)
    if (core.shape !== 0 || core.slowRestore) this.#sync();
    this.#syncReset();
  }

  // The resizing part of a reset: a main buffer of `proposed` bytes (unless the runtime refuses
  // it), and no additional buffers. Returns whether the main buffer was replaced.
  #resize(proposed: number): boolean {
    let main: ArrayBuffer | undefined;
    try {
      main = newMemory(proposed, "main buffer");
    } catch {
      // Refused: keep the main buffer we have (the reset still frees the additional ones),
      // and never ask for one this large again.
      this.#mainCeiling = Math.floor(proposed / 2);
    }
    if (this.#poison) {
      detachFrom(this.#extra, 0);
      detachFrom(this.#spare, 0);
    }
    if (main !== undefined) {
      const core = this.#core;
      if (this.#poison) detach(core.memory as ArrayBuffer);
      core.setMemory(noteArenaMemory(main));
      core.limit = proposed;
      core.forgetViews();
      this.#mainCapacity = proposed;
    }
    this.#nextSize = Math.ceil(this.#mainCapacity / 4);
    this.#extra = [];
    this.#extraOffsets = [];
    this.#spare = [];
    return main !== undefined;
  }

  /**
   * Whether `view` lies in memory handed out after `checkpoint` was saved (the escape check of
   * `noEscape`).
   *
   * @param checkpoint A checkpoint of this buffer.
   * @param view Any view.
   * @returns `true` when `view` overlaps bytes allocated since `checkpoint` (`false` when
   * `checkpoint` is not live).
   *
   * @example Detecting an escaping view
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(1024);
   * const before = buf.allocView(Float64Array, 1);
   * const cp = buf.checkpointSave();
   * const after = buf.allocView(Float64Array, 1);
   * assert.ok(buf.allocatedSince(cp, after));
   * assert.ok(!buf.allocatedSince(cp, before));
   * ```
   */
  allocatedSince(checkpoint: Checkpoint, view: ArrayBufferView): boolean {
    const core = this.#core;
    const d = core.depthOf(checkpoint);
    if (d < 0 || view.byteLength === 0) return false;
    const end = view.byteOffset + view.byteLength;
    if (view.buffer === core.memory) return end > core.savedOffsets[d];
    const i = this.#extra.indexOf(view.buffer as ArrayBuffer);
    if (i < 0) return false;
    const kept = core.savedShapes[d];
    return i >= kept || end > this.#savedExtra[d]![i];
  }

  #notePeak(): void {
    const core = this.#core;
    const used = Math.max(this.used, core.high);
    core.high = used;
    if (used > this.#peak) this.#peak = used;
  }

  /**
   * A one-line summary of the buffer's state.
   *
   * @returns For example
   * `AutoscalingAllocBuffer(used 40000 of 81000 bytes, 1 additional buffer, peak 40000)`.
   *
   * @example Printing the state
   * ```ts
   * import { AutoscalingAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AutoscalingAllocBuffer(1000);
   * buf.allocPtr(40_000, 8);
   * assert.equal(
   *   String(buf),
   *   "AutoscalingAllocBuffer(used 40000 of 81000 bytes, 1 additional buffer, peak 40000)",
   * );
   * ```
   */
  toString(): string {
    const n = this.#extra.length;
    return `AutoscalingAllocBuffer(used ${this.used} of ${this.capacity} bytes, ${n} additional buffer${
      n === 1 ? "" : "s"
    }, peak ${this.peak})`;
  }

  /** The name shown by `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return "AutoscalingAllocBuffer";
  }

  /**
   * The inspect string for `Deno.inspect` and `console.log` in Deno.
   *
   * @returns The same as {@linkcode AutoscalingAllocBuffer.toString}.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The inspect string for Node's `util.inspect` and `console.log`.
   *
   * @returns The same as {@linkcode AutoscalingAllocBuffer.toString}.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
