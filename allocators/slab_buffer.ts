/**
 * {@linkcode SlabBuffer}: a bump allocator that grows by fixed-size slabs.
 *
 * @module
 */

import { CheckpointIds } from "../_internal/checkpoint_ids.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  checkByteLength,
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
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
  #current: ArrayBuffer = NO_SLAB;
  #end = 0;
  #offset = 0;
  #custom: ArrayBuffer[] = [];
  #customBytes = 0;
  #checkpoints = new CheckpointIds();
  // The state saved with each live checkpoint, by depth.
  #savedSlabs: number[] = [];
  #savedOffsets: number[] = [];
  #savedCustomCounts: number[] = [];
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
  }

  /** Bytes per slab. */
  get slabSize(): number {
    return this.#slabSize;
  }

  /** Bytes in use: the slabs before the current one in full, the current one's offset, custom slabs. */
  get used(): number {
    return this.#slab * this.#slabSize + this.#offset + this.#customBytes;
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
    const start = this.#offset + (-this.#offset & (alignment - 1));
    const end = start + byteLength;
    if (end > this.#end || byteLength >= this.#slabSize) return this.#allocSlow(byteLength);
    this.#offset = end;
    return { buffer: this.#current, byteOffset: start };
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
    const size = type.BYTES_PER_ELEMENT;
    const start = this.#offset + (-this.#offset & (size - 1));
    const bytes = n * size;
    const end = start + bytes;
    if (end > this.#end || bytes >= this.#slabSize) {
      const ptr = this.#allocSlow(checkByteLength(n, size, "allocate"));
      return new type(ptr.buffer, 0, n);
    }
    this.#offset = end;
    return new type(this.#current, start, n);
  }

  // A custom slab, or the first bytes of the next slab (always at offset 0, so aligned).
  #allocSlow(byteLength: number): Ptr {
    const ptr = this.#grow(byteLength);
    const hook = this[onUnscopedGrowth];
    if (hook !== undefined && this.#checkpoints.depth === 0) hook(this.used);
    return ptr;
  }

  #grow(byteLength: number): Ptr {
    if (byteLength >= this.#slabSize) {
      const memory = newMemory(byteLength, "custom slab");
      this.#custom.push(memory);
      this.#customBytes += byteLength;
      return { buffer: memory, byteOffset: 0 };
    }
    const next = this.#slabs.length === 0 ? 0 : this.#slab + 1;
    let slab = this.#slabs[next];
    if (slab === undefined) {
      slab = newMemory(this.#slabSize, "slab");
      this.#slabs.push(slab);
    }
    this.#slab = next;
    this.#current = slab;
    this.#end = slab.byteLength;
    this.#offset = byteLength;
    return { buffer: slab, byteOffset: 0 };
  }

  /**
   * Saves the current state.
   *
   * @returns A checkpoint for {@linkcode SlabBuffer.checkpointRestore}.
   */
  checkpointSave(): Checkpoint {
    const depth = this.#checkpoints.depth;
    this.#savedSlabs[depth] = this.#slab;
    this.#savedOffsets[depth] = this.#offset;
    this.#savedCustomCounts[depth] = this.#custom.length;
    return this.#checkpoints.push();
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
    const depth = this.#checkpoints.pop(this, checkpoint);
    const customCount = this.#savedCustomCounts[depth];
    if (this.#custom.length !== customCount) this.#releaseCustom(customCount);
    const slab = this.#savedSlabs[depth];
    if (this.#slab !== slab) {
      if (this.#poison) this.#poisonSlabs(slab + 1, this.#slab);
      this.#moveToSlab(slab);
    }
    this.#offset = this.#savedOffsets[depth];
    if (this.#poison && this.#offset === 0) this.#poisonSlabs(slab, slab);
  }

  /**
   * Frees everything, keeps only the first slab, and invalidates every checkpoint. In poison
   * mode, also detaches every slab (see {@linkcode SlabBufferOptions.poison}).
   */
  resetBuffer(): void {
    this.#checkpoints.clear();
    this.#releaseCustom(0);
    if (this.#poison) this.#poisonSlabs(0, this.#slabs.length - 1);
    if (this.#slabs.length > 1) this.#slabs.length = 1;
    this.#moveToSlab(0);
    this.#offset = 0;
  }

  #releaseCustom(keep: number): void {
    const custom = this.#custom;
    for (let i = keep; i < custom.length; i++) {
      this.#customBytes -= custom[i].byteLength;
      if (this.#poison) detach(custom[i]);
    }
    custom.length = keep;
  }

  // Poison mode: detaches the regular slabs `from..to` (freed entirely), replacing them.
  #poisonSlabs(from: number, to: number): void {
    const slabs = this.#slabs;
    const last = Math.min(to, slabs.length - 1);
    for (let i = from; i <= last; i++) slabs[i] = detach(slabs[i]);
    if (this.#slab >= from && this.#slab <= last) this.#current = slabs[this.#slab];
  }

  #moveToSlab(index: number): void {
    const slabs = this.#slabs;
    if (slabs.length > index + 1 + this.#maxSpare) slabs.length = index + 1 + this.#maxSpare;
    this.#slab = index;
    this.#current = slabs[index] ?? NO_SLAB;
    this.#end = this.#current.byteLength;
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
    const depth = this.#checkpoints.depthOf(checkpoint);
    if (depth < 0) return false;
    const memory = view.buffer as ArrayBuffer;
    const slab = this.#slabs.indexOf(memory);
    const savedSlab = this.#savedSlabs[depth];
    if (slab >= 0) {
      return slab > savedSlab ||
        (slab === savedSlab && view.byteOffset + view.byteLength > this.#savedOffsets[depth]);
    }
    return this.#custom.indexOf(memory) >= this.#savedCustomCounts[depth];
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
