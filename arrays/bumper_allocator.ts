/**
 * {@linkcode BumperAllocator}, {@linkcode UncheckedBumperAllocator} and {@linkcode reset}: the
 * array allocators over a bump buffer (AllocArrays.jl's), for use with `withAllocator`.
 *
 * @module
 */

import { allocIn } from "../_internal/alloc_in.ts";
import { CheckpointIds } from "../_internal/checkpoint_ids.ts";
import { describeValue } from "../_internal/describe.ts";
import { checkLength, elementSize } from "../_internal/validate.ts";
import { AllocBuffer } from "../allocators/alloc_buffer.ts";
import { type Allocator, isAllocator, type Ptr } from "../allocators/allocator.ts";
import { AutoscalingAllocBuffer } from "../allocators/autoscaling_alloc_buffer.ts";
import type { Checkpoint } from "../allocators/checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { sharedControlOf, SharedMemoryValidity } from "./_shared_validity.ts";
import { type CheckedArrayAllocator, MemoryValidity } from "./checked_alloc_array.ts";

/** The buffer of a bumper allocator: a given allocator, `AllocBuffer(n)`, or the default. */
function bufferFrom(buf: unknown, name: string): Allocator {
  if (buf === undefined) return new AutoscalingAllocBuffer();
  if (typeof buf === "number") return new AllocBuffer(buf);
  if (isAllocator(buf)) return buf;
  throw new TypeError(
    `Cannot create ${name}: expected an allocator (e.g. an AllocBuffer) or a size in bytes, got ${
      describeValue(buf)
    }`,
  );
}

/** `length` elements of `type` (validated here, the public boundary) from `buf`. */
function viewFrom<T extends TypedArray>(
  buf: Allocator,
  type: TypedArrayConstructor<T>,
  length: number,
): T {
  elementSize(type, "allocate");
  return allocIn(buf, type, checkLength(length, "allocate"));
}

/** How a buffer prints inside an allocator's inspect string. */
function bufferString(buf: Allocator): string {
  const s = String(buf);
  return s.startsWith("[object ") ? describeValue(buf).replace(/^an? /, "") : s;
}

/**
 * Allocates `AllocArray`s from a bump buffer with no safety net (AllocArrays.jl's
 * `UncheckedBumperAllocator`): inside `withAllocator(allocator, fn)`, every `similar` of an
 * `AllocArray` takes memory from the buffer, and {@linkcode reset} frees all of it at once. It
 * cannot track `CheckedAllocArray`s: `similar` of one under this allocator throws a
 * `TypeError`. Prefer {@linkcode BumperAllocator}, which can.
 *
 * The buffer is an `AutoscalingAllocBuffer` by default, `new AllocBuffer(n)` for a number `n`,
 * or any {@linkcode Allocator} you pass. The allocator implements the `Allocator` protocol
 * itself (forwarding to the buffer), so `noEscape` regions work on it too.
 *
 * @example AllocArrays.jl's example: `sum(input .* 2)` then reset, giving 12
 * ```ts
 * import { AllocArray, AllocBuffer, reset, similar, UncheckedBumperAllocator, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const input = AllocArray.from(new Float64Array([1, 2, 3]));
 * const b = new UncheckedBumperAllocator(new AllocBuffer(2 ** 24)); // 16 MiB
 * const total = withAllocator(b, () => {
 *   const doubled = similar(input); // from b's buffer
 *   for (let i = 0; i < input.size; i++) doubled.data[i] = input.data[i] * 2;
 *   const ret = [...doubled].reduce((x, y) => x + y);
 *   reset(b);
 *   return ret;
 * });
 * assert.equal(total, 12);
 * ```
 */
export class UncheckedBumperAllocator implements Allocator {
  #buf: Allocator;

  /**
   * Makes an allocator over `buf`.
   *
   * @param buf An allocator to take memory from, a size in bytes (an `AllocBuffer` of that
   * size), or nothing (a new `AutoscalingAllocBuffer`).
   * @throws {TypeError} When `buf` is neither.
   * @throws {RangeError} When the size is invalid.
   *
   * @example Three ways to make one
   * ```ts
   * import { AllocBuffer, AutoscalingAllocBuffer, UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new UncheckedBumperAllocator().buffer instanceof AutoscalingAllocBuffer);
   * assert.ok(new UncheckedBumperAllocator(1024).buffer instanceof AllocBuffer);
   * const buf = new AllocBuffer(64);
   * assert.equal(new UncheckedBumperAllocator(buf).buffer, buf);
   * ```
   */
  constructor(buf?: Allocator | number) {
    this.#buf = bufferFrom(buf, "UncheckedBumperAllocator");
  }

  /** The buffer memory comes from. */
  get buffer(): Allocator {
    return this.#buf;
  }

  /**
   * Forwards to the buffer's `allocPtr`.
   *
   * @param byteLength Bytes to allocate.
   * @param alignment A power of two.
   * @returns Where the bytes are.
   * @throws {OutOfMemoryError} When the buffer is full (see the buffer's documentation).
   *
   * @example Raw bytes
   * ```ts
   * import { UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new UncheckedBumperAllocator(64).allocPtr(8, 8).byteOffset, 0);
   * ```
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    return this.#buf.allocPtr(byteLength, alignment);
  }

  /**
   * A typed array of `length` elements from the buffer (its fast path when it has one).
   *
   * @typeParam T The typed array type.
   * @param type The element type.
   * @param length Number of elements.
   * @returns An uninitialised view of the buffer's memory.
   * @throws {OutOfMemoryError} When the buffer is full.
   *
   * @example A typed array
   * ```ts
   * import { UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new UncheckedBumperAllocator(64).allocView(Int32Array, 4).length, 4);
   * ```
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    return viewFrom(this.#buf, type, length);
  }

  /**
   * Forwards to the buffer's `checkpointSave`.
   *
   * @returns The buffer's checkpoint.
   *
   * @example Saving and restoring
   * ```ts
   * import { AllocBuffer, UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AllocBuffer(64);
   * const b = new UncheckedBumperAllocator(buf);
   * const cp = b.checkpointSave();
   * b.allocView(Float64Array, 4);
   * assert.equal(buf.used, 32);
   * b.checkpointRestore(cp);
   * assert.equal(buf.used, 0); // the buffer's restore freed the 32 bytes
   * ```
   */
  checkpointSave(): unknown {
    return this.#buf.checkpointSave();
  }

  /**
   * Forwards to the buffer's `checkpointRestore`.
   *
   * @param checkpoint A checkpoint from {@linkcode UncheckedBumperAllocator.checkpointSave}.
   *
   * @example Restoring frees later allocations
   * ```ts
   * import { AllocBuffer, UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AllocBuffer(64);
   * const b = new UncheckedBumperAllocator(buf);
   * const cp = b.checkpointSave();
   * b.allocPtr(16, 8);
   * b.checkpointRestore(cp);
   * assert.equal(buf.used, 0);
   * ```
   */
  checkpointRestore(checkpoint: unknown): void {
    this.#buf.checkpointRestore(checkpoint);
  }

  /**
   * Frees everything allocated (the buffer's `resetBuffer`). Same as {@linkcode reset}.
   *
   * @example Resetting
   * ```ts
   * import { AllocBuffer, UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AllocBuffer(64);
   * const b = new UncheckedBumperAllocator(buf);
   * b.allocPtr(16, 8);
   * b.resetBuffer();
   * assert.equal(buf.used, 0);
   * ```
   */
  resetBuffer(): void {
    this.#buf.resetBuffer();
  }

  /**
   * Forwards the escape check of `noEscape` to the buffer (`false` when it has none).
   *
   * @param checkpoint A checkpoint of this allocator.
   * @param view Any view.
   * @returns Whether `view` was allocated after `checkpoint`.
   *
   * @example Detecting an escaping view
   * ```ts
   * import { UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const b = new UncheckedBumperAllocator(64);
   * const cp = b.checkpointSave();
   * assert.ok(b.allocatedSince(cp, b.allocView(Float64Array, 1)));
   * ```
   */
  allocatedSince(checkpoint: unknown, view: ArrayBufferView): boolean {
    return this.#buf.allocatedSince?.(checkpoint, view) ?? false;
  }

  /**
   * A one-line description: the allocator and its buffer.
   *
   * @returns For example `UncheckedBumperAllocator(AllocBuffer(used 0 of 1024 bytes, peak 0))`.
   *
   * @example Printing
   * ```ts
   * import { UncheckedBumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.match(String(new UncheckedBumperAllocator(64)), /^UncheckedBumperAllocator\(AllocBuffer\(/);
   * ```
   */
  toString(): string {
    return `UncheckedBumperAllocator(${bufferString(this.#buf)})`;
  }

  /** `"UncheckedBumperAllocator"`. */
  get [Symbol.toStringTag](): string {
    return "UncheckedBumperAllocator";
  }

  /** Deno's inspect string (see {@linkcode UncheckedBumperAllocator.toString}). */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Node's inspect string (see {@linkcode UncheckedBumperAllocator.toString}). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Allocates `AllocArray`s and `CheckedAllocArray`s from a bump buffer, and invalidates the
 * `CheckedAllocArray`s when it frees their memory (AllocArrays.jl's `BumperAllocator`): inside
 * `withAllocator(allocator, fn)`, every `similar` of an `AllocArray` (and every array
 * operation) takes memory from the buffer, and {@linkcode reset} frees all of it at once. A
 * `CheckedAllocArray` used after that throws `InvalidMemoryError`; a plain `AllocArray` just
 * reads whatever memory now holds, so use checked arrays while developing.
 *
 * Tracking is O(1) per array and per reset: the arrays allocated between two resets (or
 * checkpoints) share one {@linkcode MemoryValidity}. Checkpoints (`noEscape` regions on this
 * allocator) open a new generation, and restoring one invalidates the arrays allocated since.
 *
 * Concurrency: many async tasks may allocate through one `BumperAllocator` at once, without a
 * lock. JavaScript runs one piece of code at a time on a thread, and an allocation is one
 * synchronous call, so two allocations can never interleave (Julia needs a lock because its
 * tasks run in parallel threads). What stays the caller's job, as in Julia: do not `reset` (or
 * end a region) while other tasks still use the memory; with `CheckedAllocArray`s such misuse
 * throws instead of corrupting data.
 *
 * Across threads: each Worker makes its own `BumperAllocator` over its handle of a
 * `SharedAllocBuffer`. Its `CheckedAllocArray`s then also watch the arena's reset generation in
 * shared memory, so the owner's reset makes them throw on every thread (see `arrayDescriptor`
 * for sending them to another thread).
 *
 * The buffer is an `AutoscalingAllocBuffer` by default, `new AllocBuffer(n)` for a number `n`,
 * or any {@linkcode Allocator} you pass.
 *
 * @example AllocArrays.jl's example: 10 concurrent tasks sum `input .+ i`, giving 225
 * ```ts
 * import { AllocArray, AllocBuffer, BumperAllocator, reset, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = new BumperAllocator(new AllocBuffer(2 ** 24)); // 16 MiB
 * const input = AllocArray.from(new Float64Array([1, 2, 3]));
 * const results = await withAllocator(b, async () => {
 *   const tasks = Array.from({ length: 10 }, async (_, k) => {
 *     await new Promise((r) => setTimeout(r, 10 - k)); // interleave
 *     const y = similar(input); // from b, whichever task asks
 *     for (let j = 0; j < input.size; j++) y.data[j] = input.data[j] + (k + 1);
 *     return [...y].reduce((s, v) => s + v);
 *   });
 *   const sums = await Promise.all(tasks);
 *   reset(b); // outside the concurrent part
 *   return sums;
 * });
 * assert.equal(results.reduce((s, v) => s + v), 225);
 * ```
 *
 * @example Inspecting
 * ```ts
 * import { BumperAllocator, CheckedAllocArray, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = new BumperAllocator(1024);
 * withAllocator(b, () => similar(new CheckedAllocArray(new Float64Array(4))));
 * assert.match(String(b), /tracking 1 CheckedAllocArray memory location\)$/);
 * ```
 */
export class BumperAllocator implements CheckedArrayAllocator<Checkpoint> {
  #buf: Allocator;
  #checkpoints = new CheckpointIds();
  // The buffer's checkpoint saved with each live checkpoint, by depth.
  #inner: unknown[] = [];
  // The generations of checked arrays, the current one last: the base one, then one per live
  // checkpoint (the one checkpoint d started is at d + 1). Restores invalidate and drop the
  // generations their checkpoint started; resets invalidate all and start a new base.
  #generations: MemoryValidity[];
  // Checked arrays allocated per generation.
  #counts: number[] = [0];
  #tracked = 0;
  // The control block when the buffer is a SharedAllocBuffer: then every generation also ends
  // when the arena's owner resets it, as seen from any thread.
  #shared: Uint32Array | undefined;

  /**
   * Makes an allocator over `buf`.
   *
   * @param buf An allocator to take memory from, a size in bytes (an `AllocBuffer` of that
   * size), or nothing (a new `AutoscalingAllocBuffer`).
   * @throws {TypeError} When `buf` is neither.
   * @throws {RangeError} When the size is invalid.
   *
   * @example Three ways to make one
   * ```ts
   * import { AllocBuffer, AutoscalingAllocBuffer, BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new BumperAllocator().buffer instanceof AutoscalingAllocBuffer);
   * assert.equal((new BumperAllocator(2 ** 20).buffer as AllocBuffer).capacity, 2 ** 20);
   * const buf = new AllocBuffer(64);
   * assert.equal(new BumperAllocator(buf).buffer, buf);
   * ```
   */
  constructor(buf?: Allocator | number) {
    this.#buf = bufferFrom(buf, "BumperAllocator");
    this.#shared = sharedControlOf(this.#buf);
    this.#generations = [this.#newGeneration(false)];
  }

  // A new generation's validity; `regional` when a checkpoint starts it.
  #newGeneration(regional: boolean): MemoryValidity {
    return this.#shared === undefined
      ? new MemoryValidity()
      : SharedMemoryValidity.current(this.#shared, regional);
  }

  /** The buffer memory comes from. */
  get buffer(): Allocator {
    return this.#buf;
  }

  /** How many `CheckedAllocArray`s allocated by this allocator are still valid. */
  get tracked(): number {
    return this.#tracked;
  }

  /**
   * Forwards to the buffer's `allocPtr`.
   *
   * @param byteLength Bytes to allocate.
   * @param alignment A power of two.
   * @returns Where the bytes are.
   * @throws {OutOfMemoryError} When the buffer is full (see the buffer's documentation).
   *
   * @example Raw bytes
   * ```ts
   * import { BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BumperAllocator(64).allocPtr(8, 8).byteOffset, 0);
   * ```
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    return this.#buf.allocPtr(byteLength, alignment);
  }

  /**
   * A typed array of `length` elements from the buffer (its fast path when it has one).
   *
   * @typeParam T The typed array type.
   * @param type The element type.
   * @param length Number of elements.
   * @returns An uninitialised view of the buffer's memory.
   * @throws {OutOfMemoryError} When the buffer is full.
   *
   * @example A typed array
   * ```ts
   * import { BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BumperAllocator(64).allocView(Int32Array, 4).length, 4);
   * ```
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    return viewFrom(this.#buf, type, length);
  }

  /**
   * The validity that a `CheckedAllocArray` allocated now shares (the current generation's),
   * counting it as tracked. `similar` calls this right after allocating a checked array's
   * memory; see {@linkcode CheckedArrayAllocator}.
   *
   * @returns The current generation's validity.
   *
   * @example Tracking by hand
   * ```ts
   * import { BumperAllocator, reset } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const b = new BumperAllocator(64);
   * const v = b.trackChecked();
   * assert.equal(b.tracked, 1);
   * reset(b);
   * assert.equal(v.valid, false);
   * assert.equal(b.tracked, 0);
   * ```
   */
  trackChecked(): MemoryValidity {
    const top = this.#generations.length - 1;
    if (this.#shared !== undefined && !this.#generations[top].valid) {
      // The arena's owner reset it (from another handle): what follows is a new generation.
      this.#tracked -= this.#counts[top];
      this.#counts[top] = 0;
      this.#generations[top] = this.#newGeneration(top > 0);
    }
    this.#counts[top]++;
    this.#tracked++;
    return this.#generations[top];
  }

  /**
   * Saves the buffer's state and starts a new generation of checked arrays.
   *
   * @returns A checkpoint for {@linkcode BumperAllocator.checkpointRestore}.
   *
   * @example A region on a BumperAllocator invalidates the checked arrays made inside
   * ```ts
   * import { BumperAllocator, CheckedAllocArray, noEscape, similar, withAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const b = new BumperAllocator(1024);
   * const input = new CheckedAllocArray(new Float64Array(2));
   * let inner: CheckedAllocArray | undefined;
   * withAllocator(b, () => {
   *   noEscape(b, () => {
   *     inner = similar(input);
   *   });
   * });
   * assert.equal(inner!.isValid, false);
   * ```
   */
  checkpointSave(): Checkpoint {
    const inner = this.#buf.checkpointSave();
    this.#inner[this.#checkpoints.depth] = inner;
    this.#generations.push(this.#newGeneration(true));
    this.#counts.push(0);
    return this.#checkpoints.push();
  }

  /**
   * Restores the buffer to `checkpoint` and invalidates the `CheckedAllocArray`s allocated
   * since it was saved. Invalidates `checkpoint` and every checkpoint saved after it.
   *
   * @param checkpoint A live checkpoint of this allocator.
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   * @throws {CheckpointError} When it belongs to another allocator, was already restored or is
   * stale (nothing changes).
   *
   * @example Restoring
   * ```ts
   * import { AllocBuffer, BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AllocBuffer(64);
   * const b = new BumperAllocator(buf);
   * const cp = b.checkpointSave();
   * const v = b.trackChecked();
   * b.allocPtr(16, 8);
   * b.checkpointRestore(cp);
   * assert.equal(buf.used, 0);
   * assert.equal(v.valid, false);
   * ```
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    const stack = this.#checkpoints;
    const d = stack.depthOf(checkpoint);
    if (d < 0) stack.pop(this, checkpoint); // throws the error saying why
    this.#buf.checkpointRestore(this.#inner[d]);
    stack.pop(this, checkpoint);
    this.#invalidateFrom(d + 1);
  }

  /**
   * Frees everything (the buffer's `resetBuffer`) and invalidates every `CheckedAllocArray`
   * this allocator handed out. Same as {@linkcode reset}.
   *
   * @example Resetting
   * ```ts
   * import { AllocBuffer, BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new AllocBuffer(64);
   * const b = new BumperAllocator(buf);
   * b.allocPtr(16, 8);
   * b.resetBuffer();
   * assert.equal(buf.used, 0);
   * ```
   */
  resetBuffer(): void {
    this.#buf.resetBuffer();
    this.#checkpoints.clear();
    this.#invalidateFrom(0);
    this.#generations.push(this.#newGeneration(false));
    this.#counts.push(0);
  }

  // Invalidates and drops the generations at `depth` and above.
  #invalidateFrom(depth: number): void {
    const gens = this.#generations, counts = this.#counts;
    for (let i = gens.length - 1; i >= depth; i--) {
      gens[i].invalidate();
      this.#tracked -= counts[i];
    }
    gens.length = depth;
    counts.length = depth;
  }

  /**
   * Forwards the escape check of `noEscape` to the buffer (`false` when it has none).
   *
   * @param checkpoint A checkpoint of this allocator.
   * @param view Any view.
   * @returns Whether `view` was allocated after `checkpoint`.
   *
   * @example Detecting an escaping view
   * ```ts
   * import { BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const b = new BumperAllocator(64);
   * const cp = b.checkpointSave();
   * assert.ok(b.allocatedSince(cp, b.allocView(Float64Array, 1)));
   * ```
   */
  allocatedSince(checkpoint: Checkpoint, view: ArrayBufferView): boolean {
    const d = this.#checkpoints.depthOf(checkpoint);
    if (d < 0) return false;
    return this.#buf.allocatedSince?.(this.#inner[d], view) ?? false;
  }

  /**
   * A one-line description: the allocator, its buffer, and how many `CheckedAllocArray`s it
   * tracks (as AllocArrays.jl shows it).
   *
   * @returns For example
   * `BumperAllocator(AllocBuffer(used 32 of 1024 bytes, peak 32)) (tracking 1 CheckedAllocArray memory location)`.
   *
   * @example Printing
   * ```ts
   * import { BumperAllocator } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(new BumperAllocator(64)), "BumperAllocator(AllocBuffer(used 0 of 64 bytes, peak 0))");
   * ```
   */
  toString(): string {
    const n = this.#tracked;
    return `BumperAllocator(${bufferString(this.#buf)})` +
      (n > 0 ? ` (tracking ${n} CheckedAllocArray memory location${n === 1 ? "" : "s"})` : "");
  }

  /** `"BumperAllocator"`. */
  get [Symbol.toStringTag](): string {
    return "BumperAllocator";
  }

  /** Deno's inspect string (see {@linkcode BumperAllocator.toString}). */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** Node's inspect string (see {@linkcode BumperAllocator.toString}). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Frees everything `allocator` handed out (AllocArrays.jl's `reset!`): its `resetBuffer()`. A
 * {@linkcode BumperAllocator} also invalidates its `CheckedAllocArray`s, which throw
 * `InvalidMemoryError` from then on. Only call it when no array from the allocator will be used
 * again, and outside code that runs concurrently with other users of the allocator.
 *
 * @param allocator The allocator to reset (any {@linkcode Allocator}).
 * @throws {TypeError} When `allocator` is not an allocator.
 *
 * @example Resetting after each batch
 * ```ts
 * import { AllocArray, type AllocBuffer, BumperAllocator, reset, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = new BumperAllocator(1 << 16);
 * const x = AllocArray.from(new Float64Array(1000));
 * for (let batch = 0; batch < 3; batch++) {
 *   withAllocator(b, () => similar(x));
 *   reset(b);
 * }
 * assert.equal((b.buffer as AllocBuffer).used, 0);
 * ```
 */
export function reset(allocator: Allocator): void {
  if (!isAllocator(allocator)) {
    throw new TypeError(`Cannot reset: expected an allocator, got ${describeValue(allocator)}`);
  }
  allocator.resetBuffer();
}
