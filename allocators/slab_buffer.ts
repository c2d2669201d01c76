/**
 * {@linkcode SlabBuffer}: a bump allocator that grows by fixed-size slabs.
 *
 * @module
 */

import { Bump } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { newMemory } from "../_internal/memory.ts";
import { detach, poisonOption } from "./_poison.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import { onUnscopedGrowth } from "./_unscoped.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";

/** The default slab size: 1 MiB. */
const DEFAULT_SLAB_SIZE = 1_048_576;
/** Released slabs kept for reuse by default. */
const DEFAULT_MAX_SPARE_SLABS = 2;
/** Stands in for the first slab until the first allocation creates it. */
const NO_SLAB = new ArrayBuffer(0);
/** The core's shape is `SHAPE_SLAB × slab index + custom slab count`. */
const SHAPE_SLAB = 2 ** 32;

/** Options of a {@linkcode SlabBuffer}. */
export interface SlabBufferOptions {
  /**
   * How many released slabs to keep for reuse (default 2). Restoring a checkpoint releases
   * the slabs added after it; keeping a few avoids creating a slab again and again when
   * regions repeatedly cross a slab's end (Bumper.jl's documented pitfall).
   */
  maxSpareSlabs?: number;
  /**
   * Poison mode, a debugging aid (default `false`): every slab that a restore or reset frees
   * entirely (slabs and custom slabs released by a restore, the current slab when a restore
   * empties it, every slab on reset) is detached and replaced by a fresh `ArrayBuffer` over the
   * same bytes. Every view of it handed out before, including any that escaped a region, then
   * has length 0, so it can never read or write the slab's next allocations. Costs about 0.3 µs
   * per slab freed where `ArrayBuffer.prototype.transfer` exists (Deno, Node ≥ 21; Node 20
   * detaches through `structuredClone`, ~10 µs); allocation costs the same. Views into the
   * still-used part of a slab are not emptied by a partial restore.
   */
  poison?: boolean;
}

/**
 * A bump allocator that grows (Bumper.jl's `SlabBuffer`, the default buffer): allocations go into
 * the current slab of `slabSize` bytes (default 1 MiB); when one does not fit, the next slab is
 * used. A request of at least `slabSize` bytes gets a custom slab of exactly its size. Restoring
 * a checkpoint releases the slabs and custom slabs added after it; `resetBuffer` keeps only the
 * first slab.
 *
 * Unlike Bumper, released slabs are kept (up to `maxSpareSlabs`) and reused, so a loop of
 * regions that each cross the end of a slab creates one slab, not one per iteration. The first
 * slab is created by the first allocation, so an unused `SlabBuffer` costs no memory. For
 * debugging, `{ poison: true }` detaches every slab a restore or reset frees (see
 * {@linkcode SlabBufferOptions.poison}).
 *
 * | operation | cost |
 * |---|---|
 * | allocation that fits the current slab | O(1): a few compares and an add |
 * | allocation that needs the next slab | O(1) plus creating a slab unless a spare one exists |
 * | `checkpointSave` / `checkpointRestore` | O(1) plus the custom slabs released |
 *
 * @example Slabs and custom slabs
 * ```ts
 * import { alloc, noEscape, SlabBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new SlabBuffer(1024);
 * noEscape(buf, () => {
 *   alloc(buf, Uint8Array, 1000);
 *   alloc(buf, Uint8Array, 100); // does not fit: the next slab
 *   alloc(buf, Uint8Array, 5000); // at least a slab: a custom slab of 5000 bytes
 *   assert.equal(buf.slabCount, 2);
 *   assert.equal(buf.customSlabCount, 1);
 * });
 * assert.equal(buf.slabCount, 1);
 * assert.equal(buf.customSlabCount, 0);
 * assert.equal(buf.used, 0);
 * ```
 */
export class SlabBuffer implements Allocator<Checkpoint> {
  #slabSize: number;
  #maxSpare: number;
  // Regular slabs: #slabs[0..#slab] are in use, the rest are spares.
  #slabs: ArrayBuffer[] = [];
  #slab = 0;
  #custom: ArrayBuffer[] = [];
  #customBytes = 0;
  // The current slab, the offset in it and the checkpoints live in the bump core (see
  // _internal/bump.ts). Its limit is the slab's length - 1, so that the fast path never takes a
  // whole slab (a request of a slab's size or more gets a custom slab); its shape is the slab
  // index and the number of custom slabs (SHAPE_SLAB × slab + custom), so that a restore
  // within one slab only moves the offset.
  #core: Bump;
  #poison: boolean;
  /**
   * Called when the buffer grows while no checkpoint is live (the default buffer's leak
   * warning).
   *
   * @ignore
   */
  [onUnscopedGrowth]?: (usedBytes: number) => void;

  /**
   * Makes an empty slab buffer (no memory is reserved until the first allocation).
   *
   * @param slabSize Bytes per slab (default 1 MiB = 1 048 576).
   * @param options See {@linkcode SlabBufferOptions}.
   * @throws {RangeError} When `slabSize` is not a positive safe integer or `maxSpareSlabs` is
   * not a non-negative safe integer.
   * @throws {TypeError} When `options` is not an object or `poison` not a boolean.
   *
   * @example Small slabs in poison mode
   * ```ts
   * import { alloc, SlabBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SlabBuffer(256, { poison: true });
   * const kept = alloc(buf, Float64Array, 8); // outside any region
   * buf.resetBuffer();
   * assert.equal(kept.length, 0); // its slab was detached
   * assert.equal(buf.poison, true);
   * ```
   */
  constructor(slabSize: number = DEFAULT_SLAB_SIZE, options: SlabBufferOptions = {}) {
    validateSize(slabSize, "slabSize", "create SlabBuffer");
    if (slabSize === 0) {
      throw new RangeError(`Cannot create SlabBuffer: slabSize must be positive, got 0`);
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot create SlabBuffer: options must be an object, got ${describeValue(options)}`,
      );
    }
    this.#slabSize = slabSize;
    this.#maxSpare = validateSize(
      options.maxSpareSlabs ?? DEFAULT_MAX_SPARE_SLABS,
      "maxSpareSlabs",
      "create SlabBuffer",
    );
    this.#poison = poisonOption(options, "create SlabBuffer");
    this.#core = new Bump(this, NO_SLAB, -1, {
      alloc: (byteLength, alignment) => this.#allocSlow(byteLength, alignment),
      save: () => {},
      restore: (depth) => this.#restoreSlow(depth),
    });
    if (this.#poison) {
      this.#core.setState(0, false, true);
      this.#core.recycles = false;
    }
    if (new.target === SlabBuffer) Bump.attach(this, this.#core);
  }

  /** Bytes per slab. */
  get slabSize(): number {
    return this.#slabSize;
  }

  /** Bytes in use: the slabs before the current one in full, the current one's offset, custom slabs. */
  get used(): number {
    return this.#slab * this.#slabSize + this.#core.offset + this.#customBytes;
  }

  /** Bytes of memory held: slabs in use, spare slabs and custom slabs. */
  get capacity(): number {
    return this.#slabs.length * this.#slabSize + this.#customBytes;
  }

  /** Regular slabs in use (0 before the first allocation). */
  get slabCount(): number {
    return this.#slabs.length === 0 ? 0 : this.#slab + 1;
  }

  /** Custom slabs in use (one per allocation of at least `slabSize` bytes). */
  get customSlabCount(): number {
    return this.#custom.length;
  }

  /** Released slabs kept for reuse. */
  get spareSlabCount(): number {
    return this.#slabs.length - this.slabCount;
  }

  /** Whether poison mode is on (see {@linkcode SlabBufferOptions.poison}). */
  get poison(): boolean {
    return this.#poison;
  }

  /**
   * Reserves `byteLength` bytes at a multiple of `alignment`: in the current slab, the next
   * slab, or a custom slab when `byteLength` is at least `slabSize`.
   *
   * @param byteLength How many bytes (zero is allowed).
   * @param alignment A power of two the byte offset is a multiple of.
   * @returns The slab and the allocation's byte offset in it.
   * @throws {RangeError} When `byteLength` is not a non-negative safe integer or `alignment` is
   * not a power of two.
   * @throws {OutOfMemoryError} When the runtime cannot create a needed slab (the buffer is
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
   * @returns A view of a slab.
   * @throws {TypeError} When `type` is not a typed-array constructor.
   * @throws {RangeError} When `length` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the runtime cannot create a needed slab (the buffer is
   * unchanged).
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, "allocate");
    return this[allocViewUnchecked](type, checkLength(length, "allocate"));
  }

  /**
   * {@linkcode SlabBuffer.allocView} without the argument checks, for `alloc`, which made them.
   *
   * @ignore
   */
  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    return this.#core.view(type, n);
  }

  // Past the fast path: the rest of the current slab (the fast path stops one byte short of its
  // end), else growth: a custom slab, or the first bytes of the next slab (always at offset 0, so
  // aligned).
  #allocSlow(byteLength: number, alignment: number): Ptr {
    const core = this.#core;
    const start = core.offset + (-core.offset & (alignment - 1));
    if (byteLength < this.#slabSize && start + byteLength <= core.memory.byteLength) {
      core.offset = start + byteLength;
      return { buffer: core.memory, byteOffset: start };
    }
    const ptr = this.#grow(byteLength);
    const hook = this[onUnscopedGrowth];
    if (hook !== undefined && core.depth === 0) hook(this.used);
    return ptr;
  }

  #grow(byteLength: number): Ptr {
    if (byteLength >= this.#slabSize) {
      const memory = noteArenaMemory(newMemory(byteLength, "custom slab"));
      this.#custom.push(memory);
      this.#customBytes += byteLength;
      this.#setShape();
      return { buffer: memory, byteOffset: 0 };
    }
    const next = this.#slabs.length === 0 ? 0 : this.#slab + 1;
    let slab = this.#slabs[next];
    if (slab === undefined) {
      slab = noteArenaMemory(newMemory(this.#slabSize, "slab"));
      this.#slabs.push(slab);
    }
    this.#setSlab(next);
    this.#core.offset = byteLength;
    return { buffer: slab, byteOffset: 0 };
  }

  /**
   * Saves the current state.
   *
   * @returns A checkpoint for {@linkcode SlabBuffer.checkpointRestore}.
   */
  checkpointSave(): Checkpoint {
    return this.#core.save();
  }

  /**
   * Frees everything allocated after `checkpoint` was saved, releasing the slabs and custom
   * slabs added since (up to `maxSpareSlabs` released slabs are kept for reuse). Invalidates
   * `checkpoint` and every checkpoint saved after it.
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @throws {CheckpointError} When `checkpoint` belongs to another buffer, was already restored,
   * or is stale (the buffer is unchanged).
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    this.#core.restore(checkpoint);
  }

  // A restore to another slab or custom slab count, or in poison mode.
  #restoreSlow(depth: number): void {
    const core = this.#core;
    const shape = core.savedShapes[depth];
    const slab = Math.floor(shape / SHAPE_SLAB);
    const customCount = shape - slab * SHAPE_SLAB;
    if (this.#custom.length !== customCount) this.#releaseCustom(customCount);
    if (this.#slab !== slab) {
      if (this.#poison) this.#poisonSlabs(slab + 1, this.#slab);
      this.#moveToSlab(slab);
    }
    core.offset = core.savedOffsets[depth];
    if (this.#poison && core.offset === 0) this.#poisonSlabs(slab, slab);
  }

  /**
   * Frees everything, keeps only the first slab, and invalidates every checkpoint. In poison
   * mode, also detaches every slab (see {@linkcode SlabBufferOptions.poison}).
   */
  resetBuffer(): void {
    this.#releaseCustom(0);
    if (this.#poison) this.#poisonSlabs(0, this.#slabs.length - 1);
    if (this.#slabs.length > 1) {
      this.#slabs.length = 1;
      this.#core.forgetViews();
    }
    this.#moveToSlab(0);
    this.#core.offset = 0;
    this.#core.cleared();
  }

  #releaseCustom(keep: number): void {
    const custom = this.#custom;
    for (let i = keep; i < custom.length; i++) {
      this.#customBytes -= custom[i].byteLength;
      if (this.#poison) detach(custom[i]);
    }
    custom.length = keep;
    this.#setShape();
  }

  // Poison mode: detaches the regular slabs `from..to` (freed entirely), replacing them.
  #poisonSlabs(from: number, to: number): void {
    const slabs = this.#slabs;
    const last = Math.min(to, slabs.length - 1);
    for (let i = from; i <= last; i++) slabs[i] = detach(slabs[i]);
    if (this.#slab >= from && this.#slab <= last) this.#core.setMemory(slabs[this.#slab]);
  }

  #moveToSlab(index: number): void {
    const slabs = this.#slabs;
    if (slabs.length > index + 1 + this.#maxSpare) {
      slabs.length = index + 1 + this.#maxSpare;
      this.#core.forgetViews(); // (recycled views must not keep dropped slabs alive)
    }
    this.#setSlab(index);
  }

  // Makes slab `index` (or the placeholder, before the first) the core's memory.
  #setSlab(index: number): void {
    const core = this.#core;
    this.#slab = index;
    core.setMemory(this.#slabs[index] ?? NO_SLAB);
    core.limit = core.memory.byteLength - 1;
    this.#setShape();
  }

  #setShape(): void {
    const core = this.#core;
    core.setState(this.#slab * SHAPE_SLAB + this.#custom.length, false, core.slowRestore);
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
    const memory = view.buffer as ArrayBuffer;
    const slab = this.#slabs.indexOf(memory);
    const shape = core.savedShapes[depth];
    const savedSlab = Math.floor(shape / SHAPE_SLAB);
    if (slab >= 0) {
      return slab > savedSlab ||
        (slab === savedSlab && view.byteOffset + view.byteLength > core.savedOffsets[depth]);
    }
    const i = this.#custom.indexOf(memory);
    return i >= 0 && i >= shape - savedSlab * SHAPE_SLAB;
  }

  /**
   * A one-line summary of the buffer's state.
   *
   * @returns For example `SlabBuffer(used 1100 bytes, 2 slabs of 1024 bytes, 0 custom slabs (0 bytes), 0 spare slabs)`.
   */
  toString(): string {
    const slabs = this.slabCount;
    const custom = this.#custom.length;
    const spare = this.spareSlabCount;
    return `SlabBuffer(used ${this.used} bytes, ${slabs} slab${
      slabs === 1 ? "" : "s"
    } of ${this.#slabSize} bytes, ${custom} custom slab${
      custom === 1 ? "" : "s"
    } (${this.#customBytes} bytes), ${spare} spare slab${spare === 1 ? "" : "s"})`;
  }

  /** The name shown by `Object.prototype.toString`. */
  readonly [Symbol.toStringTag] = "SlabBuffer";

  /**
   * The inspect string for `Deno.inspect` and `console.log` in Deno.
   *
   * @returns The same as {@linkcode SlabBuffer.toString}.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The inspect string for Node's `util.inspect` and `console.log`.
   *
   * @returns The same as {@linkcode SlabBuffer.toString}.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
