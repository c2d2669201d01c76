/**
 * {@linkcode SharedAllocBuffer}: a bump allocator over a `SharedArrayBuffer` that any number of
 * Workers allocate from at once.
 *
 * @module
 */

import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { CheckpointError, OutOfMemoryError } from "./errors.ts";
import { CheckpointIds } from "./_checkpoint_ids.ts";
import { checkByteLength, checkLength, elementSize } from "./_fast_checks.ts";
import {
  ACTIVE,
  CAPACITY,
  CONTROL_BYTES,
  COUNT_MASK,
  EPOCH_MASK,
  EPOCH_ONE,
  GENERATION,
  isControl,
  LOCK,
  MAGIC,
  MAGIC_WORD,
  OFFSET,
  PEAK,
  registerControl,
} from "./_shared_control.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import { describeValue, validateAlignment, validateSize } from "./_validate.ts";

/** The default size of a {@linkcode SharedAllocBuffer}: 1 MiB. */
const DEFAULT_SIZE = 1_048_576;
/** The largest capacity: offsets are Uint32 words. */
const MAX_CAPACITY = 0xffffffff;

/**
 * What {@linkcode SharedAllocBuffer.descriptor} returns: the arena's memory and control block,
 * both `SharedArrayBuffer`s, so `postMessage` shares them instead of copying. Pass it to
 * {@linkcode SharedAllocBuffer.fromDescriptor} in the receiving thread.
 */
export interface SharedAllocBufferDescriptor {
  /** Always `"SharedAllocBuffer"`. */
  readonly kind: "SharedAllocBuffer";
  /** The memory allocations are views of. */
  readonly memory: SharedArrayBuffer;
  /** The control block: bump offset, reset generation, threads inside regions. */
  readonly control: SharedArrayBuffer;
}

// Set by `fromDescriptor` for the constructor call it makes: the control block to adopt.
let adopting: Uint32Array | undefined;

/**
 * A bump allocator over one `SharedArrayBuffer` that many threads allocate from at once: the
 * bump offset lives in shared memory and moves by compare-and-swap, so allocations made by any
 * number of Workers simultaneously never overlap, and a request that does not fit throws an
 * {@linkcode OutOfMemoryError} without moving the offset. Used from one thread it behaves like
 * an {@linkcode AllocBuffer} (and passes the same conformance suite); it is slower only by the
 * atomic operations.
 *
 * The thread that creates it is its **owner**. Other threads get their own handle of the same
 * arena with `SharedAllocBuffer.fromDescriptor(buf.descriptor())`, after posting the descriptor
 * to them (it holds the `SharedArrayBuffer`s, which `postMessage` shares, never copies). The
 * rules of the shared case:
 *
 * - **Any handle allocates**, at any time, and opens regions (`noEscape`, `region`,
 *   checkpoints) on its own handle; checkpoints belong to the handle that saved them.
 * - **Restoring a checkpoint frees only what that handle allocated since, and only while no
 *   other thread allocated after it** (its allocations are still the newest in the arena). When
 *   another thread did, the restore frees nothing and the memory stays allocated until the
 *   next reset: a leak, never an overlap. Used from one thread, every restore frees exactly.
 * - **Only the owner resets** ({@linkcode SharedAllocBuffer.resetBuffer}), and only while no
 *   other thread is inside a region of the arena (holds a live checkpoint); otherwise the reset
 *   throws a {@linkcode CheckpointError} and changes nothing. Memory other threads allocated
 *   outside regions is freed by the reset: they must not use it afterwards. Every reset bumps
 *   the arena's {@linkcode SharedAllocBuffer.generation}, which `CheckedAllocArray`s allocated
 *   by a `BumperAllocator` over the arena watch, on every thread.
 * - A Worker terminated inside a region never leaves it: {@linkcode SharedAllocBuffer.forceReset}
 *   resets anyway, making the regions still open everywhere stale.
 *
 * | operation | cost |
 * |---|---|
 * | allocation (`alloc`, `allocPtr`) | O(1): an atomic load and a compare-and-swap (retried under contention) |
 * | `checkpointSave` / `checkpointRestore` | O(1); a non-owner's outermost region adds one atomic update on entry and exit |
 * | `resetBuffer` | O(1) |
 *
 * @example Allocating, as with an AllocBuffer
 * ```ts
 * import { alloc, noEscape, SharedAllocBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new SharedAllocBuffer(1024);
 * const sum = noEscape(buf, () => {
 *   const y = alloc(buf, Float64Array, 30);
 *   for (let i = 0; i < y.length; i++) y[i] = i;
 *   assert.ok(y.buffer instanceof SharedArrayBuffer);
 *   return y.reduce((a, b) => a + b);
 * });
 * assert.equal(sum, 435);
 * assert.equal(buf.used, 0);
 * assert.equal(String(buf), "SharedAllocBuffer(used 0 of 1024 bytes, peak 240, owner)");
 * ```
 *
 * @example Handing the arena to another thread
 * ```ts
 * import { alloc, CheckpointError, region, SharedAllocBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const owner = new SharedAllocBuffer(1024);
 * const descriptor = owner.descriptor(); // postMessage(descriptor) to a Worker; there:
 * const handle = SharedAllocBuffer.fromDescriptor(descriptor);
 * assert.equal(handle.memory, owner.memory);
 * {
 *   using _ = region(handle); // the "Worker" is inside a region
 *   alloc(handle, Float64Array, 4);
 *   assert.equal(owner.used, 32); // one offset, seen by every handle
 *   assert.throws(() => owner.resetBuffer(), CheckpointError); // not now
 *   assert.equal(owner.used, 32);
 * }
 * owner.resetBuffer(); // no region open elsewhere: allowed
 * assert.throws(() => handle.resetBuffer(), CheckpointError); // only the owner resets
 * ```
 */
export class SharedAllocBuffer implements Allocator<Checkpoint> {
  #memory: SharedArrayBuffer;
  #w: Uint32Array;
  #capacity: number;
  #owner: boolean;
  #checkpoints = new CheckpointIds();
  // The offset saved with each live checkpoint, by depth.
  #savedOffsets: number[] = [];
  // This handle's run: since the offset was last seen at #runStart, every byte up to #lastEnd
  // (the end of this handle's newest allocation) was allocated by this handle, contiguously.
  // A restore to a checkpoint at or after #runStart may move the offset back; -1 means unknown.
  #runStart = 0;
  #lastEnd = 0;
  // A non-owner's force-reset epoch, from when it entered its outermost region.
  #epoch = 0;

  /**
   * Makes an arena of `size` bytes, or one over the caller's `SharedArrayBuffer` (whose
   * `byteLength` at construction is the capacity). The calling thread becomes its owner.
   *
   * @param memory The size in bytes (default 1 MiB = 1 048 576, at most 2^32 − 1), or the
   * `SharedArrayBuffer` to use.
   * @throws {TypeError} When `memory` is neither a number nor a `SharedArrayBuffer` (an
   * `ArrayBuffer` cannot be shared: use an {@linkcode AllocBuffer}), or the runtime has no
   * `SharedArrayBuffer` (a browser page that is not cross-origin isolated).
   * @throws {RangeError} When the size is negative, fractional, unsafe or above 2^32 − 1.
   */
  constructor(memory: number | SharedArrayBuffer = DEFAULT_SIZE) {
    const control = adopting;
    adopting = undefined;
    const action = "create SharedAllocBuffer";
    if (typeof SharedArrayBuffer !== "function") {
      throw new TypeError(
        `Cannot ${action}: this runtime has no SharedArrayBuffer (in browsers it needs cross-origin isolation)`,
      );
    }
    if (typeof memory === "number") {
      validateSize(memory, "size", action);
      if (memory > MAX_CAPACITY) {
        throw new RangeError(
          `Cannot ${action}: size must be at most 2^32 - 1 bytes, got ${memory}`,
        );
      }
      this.#memory = new SharedArrayBuffer(memory);
    } else if (memory instanceof SharedArrayBuffer) {
      if (memory.byteLength > MAX_CAPACITY) {
        throw new RangeError(
          `Cannot ${action}: the SharedArrayBuffer must be at most 2^32 - 1 bytes, got ${memory.byteLength}`,
        );
      }
      this.#memory = memory;
    } else {
      throw new TypeError(
        `Cannot ${action}: expected a size in bytes or a SharedArrayBuffer, got ${
          describeValue(memory)
        }${
          (memory as unknown) instanceof ArrayBuffer
            ? " (an ArrayBuffer cannot be shared: use AllocBuffer)"
            : ""
        }`,
      );
    }
    this.#capacity = this.#memory.byteLength;
    if (control === undefined) {
      this.#w = new Uint32Array(new SharedArrayBuffer(CONTROL_BYTES));
      Atomics.store(this.#w, CAPACITY, this.#capacity);
      Atomics.store(this.#w, MAGIC_WORD, MAGIC);
      this.#owner = true;
    } else {
      this.#w = control;
      this.#owner = false;
      this.#runStart = this.#lastEnd = -1;
    }
    registerControl(this, this.#w);
  }

  /**
   * A handle of the arena that `descriptor` describes, for this thread: it allocates from the
   * same memory through the same shared offset. The handle is not the owner: it cannot reset.
   *
   * @param descriptor What {@linkcode SharedAllocBuffer.descriptor} returned (in any thread),
   * received through `postMessage`.
   * @returns A new handle (each call makes another; one per thread is the usual).
   * @throws {TypeError} When `descriptor` is not a `SharedAllocBuffer` descriptor: not an
   * object, wrong `kind`, `memory` or `control` not a `SharedArrayBuffer`, or a control block
   * that is not a `SharedAllocBuffer`'s or belongs to memory of another size.
   *
   * @example A second handle
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const owner = new SharedAllocBuffer(256);
   * const handle = SharedAllocBuffer.fromDescriptor(owner.descriptor());
   * const a = owner.allocPtr(8, 8);
   * const b = handle.allocPtr(8, 8);
   * assert.equal(b.byteOffset, a.byteOffset + 8);
   * assert.equal(handle.owner, false);
   * ```
   */
  static fromDescriptor(descriptor: SharedAllocBufferDescriptor): SharedAllocBuffer {
    const action = "adopt SharedAllocBuffer descriptor";
    const d = descriptor as unknown as Record<string, unknown>;
    if (typeof d !== "object" || d === null || d.kind !== "SharedAllocBuffer") {
      throw new TypeError(
        `Cannot ${action}: expected the result of SharedAllocBuffer.descriptor(), got ${
          typeof d === "object" && d !== null
            ? `an object of kind ${describeValue(d.kind)}`
            : describeValue(d)
        }`,
      );
    }
    for (const key of ["memory", "control"]) {
      if (!(d[key] instanceof SharedArrayBuffer)) {
        throw new TypeError(
          `Cannot ${action}: ${key} must be a SharedArrayBuffer, got ${describeValue(d[key])}`,
        );
      }
    }
    const memory = d.memory as SharedArrayBuffer;
    const control = d.control as SharedArrayBuffer;
    if (control.byteLength !== CONTROL_BYTES) {
      throw new TypeError(
        `Cannot ${action}: control must be a ${CONTROL_BYTES}-byte control block, got ${control.byteLength} bytes`,
      );
    }
    const words = new Uint32Array(control);
    if (!isControl(words) || Atomics.load(words, CAPACITY) !== memory.byteLength) {
      throw new TypeError(
        `Cannot ${action}: control is not the control block of this ${memory.byteLength}-byte memory`,
      );
    }
    adopting = words;
    try {
      return new SharedAllocBuffer(memory);
    } finally {
      adopting = undefined;
    }
  }

  /**
   * What another thread needs to allocate from this arena: post it (`postMessage`) and pass it
   * to {@linkcode SharedAllocBuffer.fromDescriptor} there. Shares memory, copies nothing.
   *
   * @returns The memory and the control block.
   *
   * @example A descriptor survives structured cloning
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const owner = new SharedAllocBuffer(64);
   * const copy = structuredClone(owner.descriptor());
   * const handle = SharedAllocBuffer.fromDescriptor(copy);
   * owner.allocPtr(16, 8);
   * assert.equal(handle.used, 16);
   * ```
   */
  descriptor(): SharedAllocBufferDescriptor {
    return {
      kind: "SharedAllocBuffer",
      memory: this.#memory,
      control: this.#w.buffer as SharedArrayBuffer,
    };
  }

  /** The memory allocations are views of. */
  get memory(): SharedArrayBuffer {
    return this.#memory;
  }

  /** Bytes in use in the whole arena, by every thread (alignment padding included). */
  get used(): number {
    return Atomics.load(this.#w, OFFSET);
  }

  /** Total bytes of the arena. */
  get capacity(): number {
    return this.#capacity;
  }

  /** The most bytes ever in use at once since the arena was created. */
  get peak(): number {
    const offset = Atomics.load(this.#w, OFFSET);
    const peak = Atomics.load(this.#w, PEAK);
    return offset > peak ? offset : peak;
  }

  /** Whether this handle is the owner (made by the constructor, not by `fromDescriptor`). */
  get owner(): boolean {
    return this.#owner;
  }

  /** How many resets the arena has had (by any handle: only the owner resets). */
  get generation(): number {
    return Atomics.load(this.#w, GENERATION);
  }

  /** How many non-owner handles are inside a region of the arena now (it blocks a reset). */
  get threadsInRegions(): number {
    return Atomics.load(this.#w, ACTIVE) & COUNT_MASK;
  }

  // Moves the shared offset past `bytes` bytes aligned to `alignment` and returns their start.
  #bump(bytes: number, alignment: number): number {
    const w = this.#w;
    for (;;) {
      const old = Atomics.load(w, OFFSET);
      const start = old + (-old & (alignment - 1));
      const end = start + bytes;
      if (end > this.#capacity) {
        throw new OutOfMemoryError(bytes, Math.max(0, this.#capacity - start));
      }
      if (Atomics.compareExchange(w, OFFSET, old, end) === old) {
        if (old !== this.#lastEnd) this.#runStart = old;
        this.#lastEnd = end;
        return start;
      }
    }
  }

  /**
   * Reserves `byteLength` bytes at the next multiple of `alignment`, atomically: concurrent
   * allocations from other threads never overlap them.
   *
   * @param byteLength How many bytes (zero is allowed).
   * @param alignment A power of two the byte offset is a multiple of.
   * @returns The arena's memory and the allocation's byte offset.
   * @throws {TypeError} When `byteLength` or `alignment` is not a number.
   * @throws {RangeError} When `byteLength` is not a non-negative safe integer or `alignment` is
   * not a power of two.
   * @throws {OutOfMemoryError} When the bytes do not fit (the offset is unchanged).
   *
   * @example Raw bytes
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SharedAllocBuffer(64);
   * buf.allocPtr(3, 1);
   * assert.equal(buf.allocPtr(8, 8).byteOffset, 8);
   * ```
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", "allocate");
    validateAlignment(alignment, "allocate");
    return { buffer: this.#memory, byteOffset: this.#bump(byteLength, alignment) };
  }

  /**
   * The fast path of {@linkcode alloc}: a view of `length` uninitialised elements of `type`,
   * aligned to the element size, without an intermediate {@linkcode Ptr}.
   *
   * @typeParam T The typed array made.
   * @param type The element type, a typed-array constructor.
   * @param length How many elements (zero gives an empty view).
   * @returns A view of the arena's memory.
   * @throws {TypeError} When `type` is not a typed-array constructor.
   * @throws {RangeError} When `length` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the elements do not fit (the offset is unchanged).
   *
   * @example A typed array
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SharedAllocBuffer(64);
   * assert.equal(buf.allocView(Int32Array, 4).byteLength, 16);
   * ```
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, "allocate");
    return this[allocViewUnchecked](type, checkLength(length, "allocate"));
  }

  /**
   * {@linkcode SharedAllocBuffer.allocView} without the argument checks, for `alloc`, which
   * made them.
   *
   * @ignore
   */
  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    const size = type.BYTES_PER_ELEMENT;
    const bytes = n * size;
    if (bytes > this.#capacity) checkByteLength(n, size, "allocate");
    return new type(this.#memory, this.#bump(bytes, size), n);
  }

  /**
   * Saves this handle's state. On a non-owner handle, the outermost live checkpoint counts the
   * thread as inside a region, which blocks the owner's reset until it is restored.
   *
   * @returns A checkpoint for {@linkcode SharedAllocBuffer.checkpointRestore} on this handle.
   * @throws {RangeError} When 65 535 handles are inside regions already.
   *
   * @example A region is a checkpoint and its restore
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SharedAllocBuffer(64);
   * const cp = buf.checkpointSave();
   * buf.allocPtr(16, 8);
   * buf.checkpointRestore(cp);
   * assert.equal(buf.used, 0);
   * ```
   */
  checkpointSave(): Checkpoint {
    let depth = this.#checkpoints.depth;
    if (!this.#owner) {
      if (depth > 0 && this.#wasForceReset()) {
        this.#forgetRegions();
        depth = 0;
      }
      if (depth === 0) this.#enter();
    }
    const offset = Atomics.load(this.#w, OFFSET);
    if (offset !== this.#lastEnd) this.#runStart = this.#lastEnd = offset;
    this.#savedOffsets[depth] = offset;
    return this.#checkpoints.push();
  }

  /**
   * Frees what this handle allocated after `checkpoint` was saved, when no other thread has
   * allocated after it since; otherwise frees nothing (the memory stays allocated until the
   * next reset). Invalidates `checkpoint` and every checkpoint saved after it either way.
   *
   * @param checkpoint A live checkpoint of this handle.
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   * @throws {CheckpointError} When `checkpoint` belongs to another handle or allocator, was
   * already restored, or is stale (the handle is unchanged), or the owner force-reset the arena
   * since it was saved (all of this handle's checkpoints are then stale).
   *
   * @example Restores free exactly on one thread
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SharedAllocBuffer(1024);
   * buf.allocPtr(100, 1);
   * const cp = buf.checkpointSave();
   * buf.allocPtr(100, 8);
   * buf.checkpointRestore(cp);
   * assert.equal(buf.used, 100);
   * ```
   *
   * @example Another thread allocated after this one: nothing is freed
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const owner = new SharedAllocBuffer(1024);
   * const other = SharedAllocBuffer.fromDescriptor(owner.descriptor());
   * const cp = owner.checkpointSave();
   * owner.allocPtr(64, 8);
   * other.allocPtr(64, 8); // newer than the owner's allocation, still in use
   * owner.checkpointRestore(cp);
   * assert.equal(owner.used, 128); // the owner's 64 bytes leak until the next reset
   * ```
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    const stack = this.#checkpoints;
    if (!this.#owner && stack.depth > 0 && this.#wasForceReset()) {
      if (stack.depthOf(checkpoint) < 0) stack.pop(this, checkpoint); // not live: say why
      this.#forgetRegions();
      throw new CheckpointError(
        `Cannot restore checkpoint ${checkpoint}: the owner force-reset the SharedAllocBuffer while this thread was inside a region, so every checkpoint of this handle is stale`,
      );
    }
    const depth = stack.pop(this, checkpoint);
    const saved = this.#savedOffsets[depth];
    const end = this.#lastEnd;
    if (end > saved && this.#runStart <= saved && this.#runStart >= 0) {
      if (Atomics.compareExchange(this.#w, OFFSET, end, saved) === end) {
        this.#raisePeak(end);
        this.#lastEnd = saved;
      }
    }
    if (!this.#owner && depth === 0) this.#leave();
  }

  /**
   * Frees everything in the arena, for every thread, and invalidates this handle's checkpoints.
   * Only the owner may reset, and only while no other thread is inside a region of the arena.
   * Increments {@linkcode SharedAllocBuffer.generation}.
   *
   * @throws {CheckpointError} When this handle is not the owner, or another thread is inside a
   * region (the arena is unchanged).
   *
   * @example Resetting
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SharedAllocBuffer(64);
   * buf.allocPtr(16, 8);
   * buf.resetBuffer();
   * assert.equal(buf.used, 0);
   * assert.equal(buf.generation, 1);
   * ```
   */
  resetBuffer(): void {
    this.#checkOwner("reset");
    const w = this.#w;
    let v: number;
    for (;;) {
      v = Atomics.load(w, ACTIVE);
      const n = v & COUNT_MASK;
      if (n !== 0) {
        throw new CheckpointError(
          `Cannot reset SharedAllocBuffer: ${n} other thread${
            n === 1 ? " is" : "s are"
          } inside a region of it (reset once they have left their regions, or forceReset() after terminating them)`,
        );
      }
      if (Atomics.compareExchange(w, ACTIVE, v, (v | LOCK) >>> 0) === v) break;
    }
    this.#resetLocked();
    Atomics.store(w, ACTIVE, v);
  }

  /**
   * Resets even while other threads are inside regions: for when they never will leave them
   * (their Workers were terminated). Every region open elsewhere becomes stale: restoring its
   * checkpoint throws a {@linkcode CheckpointError} and frees nothing. Owner only. Prefer
   * {@linkcode SharedAllocBuffer.resetBuffer}.
   *
   * @throws {CheckpointError} When this handle is not the owner (the arena is unchanged).
   *
   * @example Recovering from a thread that never left its region
   * ```ts
   * import { CheckpointError, SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const owner = new SharedAllocBuffer(64);
   * const stuck = SharedAllocBuffer.fromDescriptor(owner.descriptor());
   * const cp = stuck.checkpointSave();
   * assert.throws(() => owner.resetBuffer(), CheckpointError);
   * owner.forceReset();
   * assert.equal(owner.threadsInRegions, 0);
   * assert.throws(() => stuck.checkpointRestore(cp), /force-reset/);
   * ```
   */
  forceReset(): void {
    this.#checkOwner("force-reset");
    const w = this.#w;
    let next: number;
    for (;;) {
      const v = Atomics.load(w, ACTIVE);
      next = ((v & EPOCH_MASK) + EPOCH_ONE) & EPOCH_MASK;
      if (Atomics.compareExchange(w, ACTIVE, v, (next | LOCK) >>> 0) === v) break;
    }
    this.#resetLocked();
    Atomics.store(w, ACTIVE, next);
  }

  #resetLocked(): void {
    const w = this.#w;
    this.#raisePeak(Atomics.load(w, OFFSET));
    Atomics.store(w, OFFSET, 0);
    Atomics.add(w, GENERATION, 1);
    this.#checkpoints.clear();
    this.#runStart = this.#lastEnd = 0;
  }

  #checkOwner(action: string): void {
    if (!this.#owner) {
      throw new CheckpointError(
        `Cannot ${action} SharedAllocBuffer: only its owner (the thread that created it) may, and this handle came from fromDescriptor()`,
      );
    }
  }

  // Whether the owner force-reset the arena since this (non-owner) handle entered its regions.
  #wasForceReset(): boolean {
    return (Atomics.load(this.#w, ACTIVE) & EPOCH_MASK) !== this.#epoch;
  }

  // Forgets the regions a force-reset ended (their checkpoints become stale): the arena no
  // longer counts this handle as inside them.
  #forgetRegions(): void {
    this.#checkpoints.clear();
    this.#runStart = this.#lastEnd = -1;
  }

  // Counts this (non-owner) handle as inside a region; waits out an owner's reset in progress.
  #enter(): void {
    const w = this.#w;
    for (;;) {
      const v = Atomics.load(w, ACTIVE);
      if (v & LOCK) continue; // the owner is resetting: a few stores
      if ((v & COUNT_MASK) === COUNT_MASK) {
        throw new RangeError(
          `Cannot open a region on SharedAllocBuffer: ${COUNT_MASK} handles are inside regions already`,
        );
      }
      if (Atomics.compareExchange(w, ACTIVE, v, v + 1) === v) {
        this.#epoch = v & EPOCH_MASK;
        return;
      }
    }
  }

  // Stops counting this handle, unless a force-reset already did.
  #leave(): void {
    const w = this.#w;
    for (;;) {
      const v = Atomics.load(w, ACTIVE);
      if ((v & EPOCH_MASK) !== this.#epoch) return;
      if (Atomics.compareExchange(w, ACTIVE, v, v - 1) === v) return;
    }
  }

  #raisePeak(value: number): void {
    const w = this.#w;
    for (;;) {
      const peak = Atomics.load(w, PEAK);
      if (peak >= value || Atomics.compareExchange(w, PEAK, peak, value) === peak) return;
    }
  }

  /**
   * Whether `view` lies in memory handed out after `checkpoint` was saved (the escape check of
   * `noEscape`).
   *
   * @param checkpoint A live checkpoint of this handle.
   * @param view Any view.
   * @returns `true` when `view` overlaps bytes allocated since `checkpoint` (`false` when
   * `checkpoint` is not live).
   *
   * @example The escape check
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new SharedAllocBuffer(64);
   * const before = buf.allocView(Float64Array, 1);
   * const cp = buf.checkpointSave();
   * assert.ok(buf.allocatedSince(cp, buf.allocView(Float64Array, 1)));
   * assert.ok(!buf.allocatedSince(cp, before));
   * ```
   */
  allocatedSince(checkpoint: Checkpoint, view: ArrayBufferView): boolean {
    const depth = this.#checkpoints.depthOf(checkpoint);
    return depth >= 0 && view.buffer === this.#memory &&
      view.byteOffset + view.byteLength > this.#savedOffsets[depth];
  }

  /**
   * A one-line summary of the arena's state, as this handle sees it.
   *
   * @returns For example
   * `SharedAllocBuffer(used 240 of 1048576 bytes, peak 480, not owner, 2 threads in regions)`.
   */
  toString(): string {
    const n = this.threadsInRegions;
    return `SharedAllocBuffer(used ${this.used} of ${this.#capacity} bytes, peak ${this.peak}, ${
      this.#owner ? "owner" : "not owner"
    }${n > 0 ? `, ${n} thread${n === 1 ? "" : "s"} in regions` : ""})`;
  }

  /** The name shown by `Object.prototype.toString`. */
  readonly [Symbol.toStringTag] = "SharedAllocBuffer";

  /**
   * The inspect string for `Deno.inspect` and `console.log` in Deno.
   *
   * @returns The same as {@linkcode SharedAllocBuffer.toString}.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The inspect string for Node's `util.inspect` and `console.log`.
   *
   * @returns The same as {@linkcode SharedAllocBuffer.toString}.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
