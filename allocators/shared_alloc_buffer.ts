/**
 * {@linkcode SharedAllocBuffer}: a bump allocator over a `SharedArrayBuffer` that any number of
 * Workers allocate from at once.
 *
 * @module
 */

import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { CheckpointIds } from "../_internal/checkpoint_ids.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  ACTIVE,
  BASE,
  CAPACITY,
  CONTROL_BYTES,
  controlFault,
  COUNT_MASK,
  epochBits,
  FORCE_RESETS,
  generationOf,
  hold,
  idOf,
  initIdentity,
  LOCK,
  MAGIC,
  MAGIC_WORD,
  MAX_FORCE_RESETS,
  nextGeneration,
  OFFSET,
  PEAK,
  PUBLISHED,
  raisePeak,
  registerControl,
  RELEASED,
  sameControl,
  SUB_ARENA,
  unhold,
} from "../_internal/shared_control.ts";
import {
  checkByteLength,
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { newMemory } from "../_internal/memory.ts";
import { Adoption } from "./_adoption.ts";
import { rememberArena, ThreadArena, threadArena } from "./_thread_arenas.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { CheckpointError, OutOfMemoryError } from "./errors.ts";

/** The default size of a {@linkcode SharedAllocBuffer}: 1 MiB. */
const DEFAULT_SIZE = 1_048_576;
/** The largest capacity: offsets are Uint32 words. */
const MAX_CAPACITY = 0xffffffff;
/** Where a sub-arena starts: a cache line of its own, away from its neighbours' hot bytes. */
const SUB_ARENA_ALIGNMENT = 64;
/** The {@linkcode RELEASED} word of a sub-arena that a force-reset of its parent ended. */
const FORCE_ENDED = 2;

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
  /** The control block: bump offset, reset generation, open regions of other threads. */
  readonly control: SharedArrayBuffer;
  /**
   * The arena's identity (random, drawn at its creation), which `fromDescriptor` checks against
   * the control block's.
   */
  readonly id: string;
}

/**
 * A bump allocator over one `SharedArrayBuffer` that many threads allocate from at once: the
 * bump offset lives in shared memory and moves by compare-and-swap, so allocations made by any
 * number of Workers simultaneously never overlap, and a request that does not fit throws an
 * {@linkcode OutOfMemoryError} without moving the offset. Used from one thread it behaves like
 * an {@linkcode AllocBuffer} (and passes the same conformance suite). Until
 * {@linkcode SharedAllocBuffer.descriptor} hands it out, only its creator can reach it, and it
 * bumps a plain field as fast as an `AllocBuffer`; afterwards every allocation is atomic.
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
 *   other thread has a region open on the arena (a live checkpoint of its handle, or a
 *   sub-arena: {@linkcode SharedAllocBuffer.openRegions}); otherwise the reset
 *   throws a {@linkcode CheckpointError} and changes nothing. Memory other threads allocated
 *   outside regions is freed by the reset: they must not use it afterwards. Every reset bumps
 *   the arena's {@linkcode SharedAllocBuffer.generation}, which `CheckedAllocArray`s allocated
 *   by a `BumperAllocator` over the arena watch, on every thread.
 * - **A thread that makes many regions** (a Worker's temporaries) should carve itself a
 *   **sub-arena** ({@linkcode SharedAllocBuffer.subArena}): an arena of its own, in the same
 *   shared memory, which it owns, so its restores always free exactly and it may reset it. An
 *   open sub-arena counts as a region of its parent until released.
 * - A Worker terminated inside a region never leaves it: {@linkcode SharedAllocBuffer.forceReset}
 *   resets anyway, making the regions still open everywhere stale, and ends the sub-arenas the
 *   calling thread carved from the arena. Only do that once the other threads that held regions
 *   are gone: a sub-arena another thread still used would overlap new allocations.
 *
 * | operation | cost |
 * |---|---|
 * | allocation (`alloc`, `allocPtr`) | O(1): a plain bump until `descriptor()` is called; then an atomic load and a compare-and-swap (retried under contention), about twice the cost |
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
  // The arena is bytes [#base, #limit) of the memory; offsets are absolute.
  #base = 0;
  #limit: number;
  #capacity: number;
  #owner: boolean;
  // A sub-arena's owner: the parent handle that carved it and the epoch its hold counts in.
  #parent: SharedAllocBuffer | undefined;
  #parentEpoch = 0;
  // Until `descriptor()` publishes it, the creating handle is the only way to the arena: it
  // bumps #offset, a plain field, and keeps its peak in #peak (the shared words are stale).
  #exclusive: boolean;
  #offset = 0;
  #peak = 0;
  #checkpoints = new CheckpointIds();
  // The offset saved with each live checkpoint, by depth.
  #savedOffsets: number[] = [];
  // This handle's run: since the offset was last seen at #runStart, every byte up to #lastEnd
  // (the end of this handle's newest allocation) was allocated by this handle, contiguously.
  // A restore to a checkpoint at or after #runStart may move the offset back; -1 means unknown.
  #runStart = 0;
  #lastEnd = 0;
  // A non-owner's force-reset count, from when it entered its outermost region.
  #epoch = 0;
  // What this thread knows of the arena, shared by its handles here: the trusted control
  // block and the sub-arenas carved on this thread (see _thread_arenas.ts).
  #thread: ThreadArena<SharedAllocBuffer>;

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
   * @throws {OutOfMemoryError} When the runtime refuses a `SharedArrayBuffer` of that size.
   */
  constructor(memory?: number | SharedArrayBuffer);
  /**
   * A handle that adopts an existing arena (`fromDescriptor`) or a carved range of the memory
   * (`subArena`); only this package can make an {@linkcode Adoption}.
   *
   * @ignore
   */
  constructor(memory: SharedArrayBuffer, adoption: Adoption);
  constructor(memory: number | SharedArrayBuffer = DEFAULT_SIZE, adoption?: Adoption) {
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
      this.#memory = newMemory(memory, "SharedArrayBuffer", true);
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
    noteArenaMemory(this.#memory);
    // Anything but an Adoption (which user code cannot make) is ignored: a fresh arena.
    const adopted = adoption instanceof Adoption ? adoption : undefined;
    const control = adopted?.control;
    if (control !== undefined) {
      this.#w = control;
      this.#thread = adopted!.thread as ThreadArena<SharedAllocBuffer>;
      this.#owner = false;
      this.#base = Atomics.load(control, BASE);
      this.#capacity = Atomics.load(control, CAPACITY);
      this.#runStart = this.#lastEnd = -1;
      this.#exclusive = false;
    } else {
      this.#base = adopted?.base ?? 0;
      this.#capacity = adopted?.capacity ?? this.#memory.byteLength;
      this.#w = new Uint32Array(new SharedArrayBuffer(CONTROL_BYTES));
      Atomics.store(this.#w, BASE, this.#base);
      Atomics.store(this.#w, OFFSET, this.#base);
      Atomics.store(this.#w, PEAK, this.#base);
      Atomics.store(this.#w, CAPACITY, this.#capacity);
      if (adopted !== undefined) Atomics.store(this.#w, SUB_ARENA, 1);
      Atomics.store(this.#w, MAGIC_WORD, MAGIC);
      initIdentity(this.#w);
      this.#thread = new ThreadArena(this.#w);
      this.#owner = true;
      this.#runStart =
        this.#lastEnd =
        this.#offset =
        this.#peak =
          this.#base;
      this.#exclusive = true;
    }
    this.#limit = this.#base + this.#capacity;
    registerControl(this, this.#w);
  }

  /**
   * A handle of the arena that `descriptor` describes, for this thread: it allocates from the
   * same memory through the same shared offset. The handle is not the owner: it cannot reset.
   *
   * What is checked, and what is trusted. The control block must be a published arena's
   * whose words are consistent: a checksum of the words fixed at creation (identity, base,
   * capacity, kind), an offset inside the arena, flags that exist, and the descriptor's `id`
   * must be the control block's. When this thread already holds a handle of the arena, the
   * control block must be that same shared memory: a copy (`SharedArrayBuffer.prototype.slice`,
   * or its bytes copied into a new `SharedArrayBuffer`) is refused. Trusted: the first
   * descriptor of an arena a thread adopts. A faithful copy of the control block adopted there
   * first cannot be told from the original, and would give a handle with an offset of its own,
   * overlapping the arena's allocations. Pass descriptors as `descriptor()` made them
   * (`postMessage` and `structuredClone` share the `SharedArrayBuffer`s, never copy them).
   *
   * @param descriptor What {@linkcode SharedAllocBuffer.descriptor} returned (in any thread),
   * received through `postMessage`.
   * @returns A new handle (each call makes another; one per thread is the usual).
   * @throws {TypeError} When `descriptor` is not a `SharedAllocBuffer` descriptor: not an
   * object, wrong `kind`, `memory` or `control` not a `SharedArrayBuffer`, a control block
   * that is not a published `SharedAllocBuffer`'s, does not fit the memory, fails the checks
   * above or is a copy of the one this thread holds, or an `id` that is not the control
   * block's.
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
    const fault = controlFault(words, memory.byteLength);
    if (fault !== undefined) {
      throw new TypeError(`Cannot ${action}: control is not usable: ${fault}`);
    }
    const id = idOf(words);
    if (d.id !== id) {
      throw new TypeError(
        `Cannot ${action}: the descriptor's id ${
          describeValue(d.id)
        } is not the id of its control block (${id}): memory, control and id must come from one descriptor() call`,
      );
    }
    let thread = threadArena(id) as ThreadArena<SharedAllocBuffer> | undefined;
    if (thread === undefined) {
      thread = new ThreadArena<SharedAllocBuffer>(words);
      rememberArena(id, thread);
    } else if (!sameControl(thread.control, words)) {
      throw new TypeError(
        `Cannot ${action}: control is a copy of the arena's control block, not the shared one this thread already holds (a handle over a copy would hand out bytes in use: pass descriptors as descriptor() made them)`,
      );
    }
    return new SharedAllocBuffer(memory, new Adoption(thread.control, 0, 0, thread));
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
    if (this.#exclusive) {
      // From now on other handles may exist: the offset moves to shared memory for good.
      Atomics.store(this.#w, OFFSET, this.#offset);
      raisePeak(this.#w, this.#peak);
      Atomics.store(this.#w, PUBLISHED, 1);
      this.#exclusive = false;
    }
    const id = idOf(this.#w);
    rememberArena(id, this.#thread);
    return {
      kind: "SharedAllocBuffer",
      memory: this.#memory,
      control: this.#w.buffer as SharedArrayBuffer,
      id,
    };
  }

  /** The memory allocations are views of. */
  get memory(): SharedArrayBuffer {
    return this.#memory;
  }

  /** Bytes in use in the whole arena, by every thread (alignment padding included). */
  get used(): number {
    return this.#loadOffset() - this.#base;
  }

  /** Total bytes of the arena. */
  get capacity(): number {
    return this.#capacity;
  }

  /** The most bytes ever in use at once since the arena was created. */
  get peak(): number {
    return Math.max(this.#loadOffset(), Atomics.load(this.#w, PEAK), this.#peak) - this.#base;
  }

  /** Whether this handle is the owner (made by the constructor, not by `fromDescriptor`). */
  get owner(): boolean {
    return this.#owner;
  }

  /** How many resets the arena has had (by any handle: only the owner resets). */
  get generation(): number {
    return generationOf(this.#w);
  }

  /**
   * How many regions of other threads are open on the arena now: non-owner handles with a live
   * checkpoint (nested regions count once) and open sub-arenas. While any is, the owner cannot
   * reset.
   */
  get openRegions(): number {
    return Atomics.load(this.#w, ACTIVE) & COUNT_MASK;
  }

  /** Where the arena starts in {@linkcode SharedAllocBuffer.memory}: 0, except for a sub-arena. */
  get byteOffset(): number {
    return this.#base;
  }

  /** Whether this is a sub-arena, made by {@linkcode SharedAllocBuffer.subArena} (on any thread). */
  get isSubArena(): boolean {
    return Atomics.load(this.#w, SUB_ARENA) !== 0;
  }

  /** Whether this is a sub-arena ({@linkcode SharedAllocBuffer.subArena}) that was released. */
  get released(): boolean {
    return Atomics.load(this.#w, RELEASED) !== 0;
  }

  #loadOffset(): number {
    return this.#exclusive ? this.#offset : Atomics.load(this.#w, OFFSET);
  }

  #notePeak(value: number): void {
    if (!this.#exclusive) raisePeak(this.#w, value);
    else if (value > this.#peak) this.#peak = value;
  }

  // Moves the offset past `bytes` bytes aligned to `alignment` and returns their start.
  #bump(bytes: number, alignment: number): number {
    if (this.#exclusive) {
      const old = this.#offset;
      const start = old + (-old & (alignment - 1));
      const end = start + bytes;
      if (end > this.#limit) throw this.#outOfMemory(bytes, start);
      this.#offset = end;
      if (old !== this.#lastEnd) this.#runStart = old;
      this.#lastEnd = end;
      return start;
    }
    const w = this.#w;
    for (;;) {
      const old = Atomics.load(w, OFFSET);
      const start = old + (-old & (alignment - 1));
      const end = start + bytes;
      if (end > this.#limit) throw this.#outOfMemory(bytes, start);
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

  #outOfMemory(bytes: number, start: number): OutOfMemoryError {
    const released = Atomics.load(this.#w, RELEASED);
    if (released !== 0) {
      return new OutOfMemoryError(
        bytes,
        0,
        `Cannot allocate ${bytes} bytes: the sub-arena was ${
          released === FORCE_ENDED
            ? "ended by a force-reset of the arena it was carved from"
            : "released (by its owner)"
        }`,
      );
    }
    return new OutOfMemoryError(bytes, Math.max(0, this.#limit - start));
  }

  /**
   * Carves `byteLength` bytes out of this arena into a new arena that the calling thread owns:
   * same shared memory, its own offset and rules. Its restores free exactly (unless other
   * threads allocate from it too), and its owner may reset it, which a Worker cannot do to the
   * arena it was handed. The carved bytes count as an open region of this arena until the
   * sub-arena is released ({@linkcode SharedAllocBuffer.release}, or the end of a `using`
   * block), so this arena's owner cannot reset it meanwhile. Releasing gives the bytes back
   * when nothing was allocated after them; otherwise they return with this arena's next reset.
   *
   * @param byteLength The sub-arena's capacity in bytes.
   * @returns A new arena, owned by this thread, over bytes of this arena's memory (starting at
   * a multiple of 64).
   * @throws {TypeError} When `byteLength` is not a number.
   * @throws {RangeError} When `byteLength` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the bytes do not fit (this arena is unchanged).
   *
   * @example A Worker's own arena for its temporaries
   * ```ts
   * import { alloc, CheckpointError, noEscape, SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const shared = new SharedAllocBuffer(1 << 20);
   * const handle = SharedAllocBuffer.fromDescriptor(shared.descriptor()); // in a Worker
   * {
   *   using mine = handle.subArena(1 << 16);
   *   assert.equal(mine.memory, shared.memory);
   *   noEscape(mine, () => alloc(mine, Float64Array, 100).fill(1).length);
   *   mine.resetBuffer(); // it is this thread's
   *   assert.equal(shared.openRegions, 1);
   *   assert.throws(() => shared.resetBuffer(), CheckpointError);
   * } // released: the bytes go back
   * assert.equal(shared.used, 0);
   * shared.resetBuffer();
   * ```
   */
  subArena(byteLength: number): SharedAllocBuffer {
    const action = "carve a sub-arena";
    validateSize(byteLength, "byteLength", action);
    const w = this.#w;
    const epoch = hold(w, action);
    let start: number;
    try {
      start = this.#bump(byteLength, SUB_ARENA_ALIGNMENT);
    } catch (error) {
      unhold(w, epoch);
      throw error;
    }
    // This handle's restores must never free the carved bytes: end its run here.
    this.#runStart = this.#lastEnd = -1;
    const sub = new SharedAllocBuffer(this.#memory, new Adoption(undefined, start, byteLength));
    sub.#parent = this;
    sub.#parentEpoch = epoch;
    this.#thread.subArenas.add(sub);
    return sub;
  }

  /**
   * Ends a sub-arena: everything in it is freed and it hands out nothing more (allocating from
   * it, on any thread, throws an {@linkcode OutOfMemoryError}); its `CheckedAllocArray`s become
   * invalid on every thread; its bytes go back to the parent arena when nothing was allocated
   * after them there, and it stops counting as an open region of the parent. Releasing again
   * does nothing. The end of a `using` block releases too.
   *
   * @throws {TypeError} When this is not a sub-arena.
   * @throws {CheckpointError} When this handle is not the sub-arena's owner, or another thread
   * is inside a region of the sub-arena (nothing changes).
   *
   * @example Releasing
   * ```ts
   * import { SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const shared = new SharedAllocBuffer(1024);
   * const sub = shared.subArena(256);
   * sub.allocPtr(16, 8);
   * assert.equal(shared.used, 256);
   * sub.release();
   * assert.equal(shared.used, 0);
   * assert.ok(sub.released);
   * assert.throws(() => sub.allocPtr(8, 8), /released/);
   * ```
   */
  release(): void {
    const parent = this.#parent;
    if (parent === undefined) {
      if (this.isSubArena) this.#checkOwner("release");
      throw new TypeError(
        "Cannot release SharedAllocBuffer: it is not a sub-arena (made by subArena())",
      );
    }
    if (Atomics.load(this.#w, RELEASED) !== 0) return;
    this.#withResetLock("release", () => this.#releaseLocked());
    this.#giveBack(parent);
  }

  // Marks this sub-arena released (`how`: 1, or FORCE_ENDED) and full (nothing more fits),
  // freeing what it held.
  #releaseLocked(how = 1): void {
    Atomics.store(this.#w, RELEASED, how);
    this.#resetLocked();
  }

  // After a release: the bytes go back to `parent` when they are still its newest, and the
  // sub-arena no longer counts as a region of it.
  #giveBack(parent: SharedAllocBuffer): void {
    parent.#thread.subArenas.delete(this);
    // A force-reset of the parent since the carve gave the bytes back already.
    if (Atomics.load(parent.#w, FORCE_RESETS) !== this.#parentEpoch) return;
    parent.#notePeak(this.#limit);
    if (parent.#exclusive) {
      if (parent.#offset === this.#limit) parent.#offset = this.#base;
    } else {
      Atomics.compareExchange(parent.#w, OFFSET, this.#limit, this.#base);
    }
    unhold(parent.#w, this.#parentEpoch);
  }

  /** Releases a sub-arena (the end of a `using` block); does nothing for other arenas. */
  [Symbol.dispose](): void {
    if (this.#parent !== undefined) this.release();
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
      if (depth === 0) this.#epoch = hold(this.#w, "open a region on SharedAllocBuffer");
    }
    const offset = this.#loadOffset();
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
      if (this.#exclusive) {
        if (end > this.#peak) this.#peak = end;
        this.#offset = this.#lastEnd = saved;
      } else if (Atomics.compareExchange(this.#w, OFFSET, end, saved) === end) {
        raisePeak(this.#w, end);
        this.#lastEnd = saved;
      }
    }
    if (!this.#owner && depth === 0) unhold(this.#w, this.#epoch);
  }

  /**
   * Frees everything in the arena, for every thread, and invalidates this handle's checkpoints.
   * Only the owner may reset, and only while no other thread has a region open on the arena
   * ({@linkcode SharedAllocBuffer.openRegions}, sub-arenas included). Increments
   * {@linkcode SharedAllocBuffer.generation}.
   *
   * @throws {CheckpointError} When this handle is not the owner, or another thread has a region
   * open (the arena is unchanged).
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
    this.#withResetLock("reset", () => this.#resetLocked());
  }

  // Runs `fn` holding the reset lock, which requires that no other thread has a region open.
  #withResetLock(action: string, fn: () => void): void {
    const w = this.#w;
    let v: number;
    for (;;) {
      v = Atomics.load(w, ACTIVE);
      const n = v & COUNT_MASK;
      if (n !== 0) {
        throw new CheckpointError(
          `Cannot ${action} SharedAllocBuffer: ${n} region${
            n === 1 ? " is" : "s are"
          } open on it, of other threads or sub-arenas (${action} once they have ended, or forceReset() after terminating their threads)`,
        );
      }
      if (Atomics.compareExchange(w, ACTIVE, v, (v | LOCK) >>> 0) === v) break;
    }
    try {
      fn();
    } finally {
      Atomics.store(w, ACTIVE, v);
    }
  }

  /**
   * Resets even while other threads are inside regions: for when they never will leave them
   * (their Workers were terminated). Every region open elsewhere becomes stale: restoring its
   * checkpoint throws a {@linkcode CheckpointError} and frees nothing. Owner only. Prefer
   * {@linkcode SharedAllocBuffer.resetBuffer}.
   *
   * Sub-arenas carved from the arena on this thread (by any of its handles here) and still
   * open are released first, whatever is open on them: they hand out nothing more, so none
   * can overlap what the arena hands out after the reset. Sub-arenas that other threads
   * carved cannot be reached from here: a thread still using one would overlap new
   * allocations, so force-reset only once those threads are gone. The count of force-resets
   * never wraps: after 2^32 - 1 of them the arena refuses more.
   *
   * @throws {CheckpointError} When this handle is not the owner (the arena is unchanged).
   * @throws {RangeError} When the arena (or a sub-arena it would release) was force-reset
   * 2^32 - 1 times already (nothing changes).
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
   * assert.equal(owner.openRegions, 0);
   * assert.throws(() => stuck.checkpointRestore(cp), /force-reset/);
   * ```
   *
   * @example This thread's open sub-arenas end with the force-reset
   * ```ts
   * import { OutOfMemoryError, SharedAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const owner = new SharedAllocBuffer(1024);
   * const sub = owner.subArena(256);
   * owner.forceReset();
   * assert.ok(sub.released);
   * assert.throws(() => sub.allocPtr(8, 8), OutOfMemoryError);
   * assert.equal(owner.allocPtr(8, 8).byteOffset, 0); // only the arena hands out offset 0
   * ```
   */
  forceReset(): void {
    this.#checkOwner("force-reset");
    this.#checkForceResets();
    this.#endSubArenas();
    this.#withForceLock(() => this.#resetLocked());
  }

  // Refuses a force-reset that would take a force-reset count past its maximum (it never
  // wraps), of this arena or of a sub-arena the force-reset would end.
  #checkForceResets(): void {
    if (Atomics.load(this.#w, FORCE_RESETS) === MAX_FORCE_RESETS) {
      throw new RangeError(
        `Cannot force-reset SharedAllocBuffer: it was force-reset ${MAX_FORCE_RESETS} times, the most its count holds (make a new arena)`,
      );
    }
    for (const sub of this.#thread.subArenas) sub.#checkForceResets();
  }

  // Ends the sub-arenas carved from this arena on this thread that are still open: they are
  // released whatever is open on them (their regions become stale, like those a force-reset
  // ends), so none can go on handing out bytes the force-reset gives back to this arena.
  #endSubArenas(): void {
    for (const sub of [...this.#thread.subArenas]) {
      sub.#endSubArenas();
      if (Atomics.load(sub.#w, RELEASED) === 0) {
        sub.#withForceLock(() => sub.#releaseLocked(FORCE_ENDED));
      }
      sub.#giveBack(this);
    }
  }

  // Runs `fn` holding the reset lock after counting one more force-reset, which ends every
  // region open on the arena (their handles see the count change and forget them).
  #withForceLock(fn: () => void): void {
    const w = this.#w;
    const count = Atomics.load(w, FORCE_RESETS) + 1; // only the owner writes it
    const active = epochBits(count);
    for (;;) {
      const v = Atomics.load(w, ACTIVE);
      if (Atomics.compareExchange(w, ACTIVE, v, (active | LOCK) >>> 0) === v) break;
    }
    Atomics.store(w, FORCE_RESETS, count);
    try {
      fn();
    } finally {
      Atomics.store(w, ACTIVE, active);
    }
  }

  // Frees everything: the offset goes back to the start, except in a released sub-arena, whose
  // bytes may belong to its parent again: it stays full.
  #resetLocked(): void {
    const w = this.#w;
    this.#notePeak(this.#loadOffset());
    const to = Atomics.load(w, RELEASED) === 0 ? this.#base : this.#limit;
    if (this.#exclusive) this.#offset = to;
    else Atomics.store(w, OFFSET, to);
    nextGeneration(w);
    this.#checkpoints.clear();
    this.#runStart = this.#lastEnd = to;
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
    return Atomics.load(this.#w, FORCE_RESETS) !== this.#epoch;
  }

  // Forgets the regions a force-reset ended (their checkpoints become stale): the arena no
  // longer counts this handle as inside them.
  #forgetRegions(): void {
    this.#checkpoints.clear();
    this.#runStart = this.#lastEnd = -1;
  }

  /**
   * Whether `view` lies in memory handed out after `checkpoint` was saved (the escape check of
   * `noEscape`).
   *
   * @param checkpoint A live checkpoint of this handle.
   * @param view Any view.
   * @returns `true` when `view` overlaps bytes this handle allocated since `checkpoint` that
   * restoring it frees (`false` when `checkpoint` is not live, for an empty view, and for bytes
   * the restore leaves allocated: a sub-arena carved since, another handle's allocations, and
   * this handle's once another thread allocated after them).
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
    if (depth < 0 || view.byteLength === 0 || view.buffer !== this.#memory) return false;
    // Only bytes that restoring the checkpoint frees count (see checkpointRestore): those of
    // this handle's run since the save, while they are still the newest of the arena. A
    // sub-arena carved since, or another handle's allocations, are not freed by it.
    const saved = this.#savedOffsets[depth], end = this.#lastEnd;
    return this.#runStart >= 0 && this.#runStart <= saved && end > saved &&
      this.#loadOffset() === end && view.byteOffset + view.byteLength > saved &&
      view.byteOffset < end;
  }

  /**
   * A one-line summary of the arena's state, as this handle sees it.
   *
   * @returns For example
   * `SharedAllocBuffer(used 240 of 1048576 bytes, peak 480, not owner, 2 regions open)`.
   */
  toString(): string {
    const n = this.openRegions;
    const where = this.isSubArena
      ? `, sub-arena at ${this.#base}${this.released ? ", released" : ""}`
      : "";
    return `SharedAllocBuffer(used ${this.used} of ${this.#capacity} bytes, peak ${this.peak}, ${
      this.#owner ? "owner" : "not owner"
    }${where}${n > 0 ? `, ${n} region${n === 1 ? "" : "s"} open` : ""})`;
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
