/**
 * {@linkcode BumperAllocator}, {@linkcode UncheckedBumperAllocator} and {@linkcode reset}: the
 * array allocators over a bump buffer (AllocArrays.jl's), for use with `withAllocator`.
 *
 * @module
 */

import { allocIn } from "../_internal/alloc_in.ts";
import { Bump, coreOf, permanentCoreOf, WRAPS } from "../_internal/bump.ts";
import { Generations } from "../_internal/generations.ts";
import { CheckpointIds } from "../_internal/checkpoint_ids.ts";
import { describeValue } from "../_internal/describe.ts";
import { checkLength, elementSize } from "../_internal/validate.ts";
import { AllocBuffer } from "../allocators/alloc_buffer.ts";
import { type Allocator, isAllocator, type Ptr } from "../allocators/allocator.ts";
import { AutoscalingAllocBuffer } from "../allocators/autoscaling_alloc_buffer.ts";
import type { Checkpoint } from "../allocators/checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { CheckpointError } from "../allocators/errors.ts";
import { sharedControlOf, SharedMemoryValidity } from "./_shared_validity.ts";
import type { CheckedArrayAllocator, MemoryValidity } from "./checked_alloc_array.ts";

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

/**
 * Makes `wrapper` share the bump core of `buf` (published when `publish`, i.e. for the class
 * itself, not a subclass that may override its methods), or else name `buf` as what it forwards
 * to, so that regions on both are recorded together. Returns the core, if any.
 */
function shareCore(wrapper: Allocator, buf: Allocator, publish: boolean): Bump | undefined {
  const core = permanentCoreOf(buf);
  if (core !== undefined && publish) Bump.attach(wrapper, core);
  else Object.defineProperty(wrapper, WRAPS, { value: buf });
  return core;
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
    shareCore(this, this.#buf, new.target === UncheckedBumperAllocator);
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
 * checkpoints) share one {@linkcode MemoryValidity}, made when the first of them is allocated
 * (a checkpoint makes no object). Restoring a checkpoint invalidates the arrays allocated since.
 *
 * Over a built-in buffer (all but `SharedAllocBuffer` and `WasmAllocBuffer`), the allocator's
 * checkpoints are the buffer's own and the buffer tracks the checked arrays, so they are
 * invalidated by every path that frees their memory: this allocator's reset or regions, the
 * buffer's own `resetBuffer()` or regions, and another `BumperAllocator` or
 * `UncheckedBumperAllocator` over the same buffer; and regions on all of them are ordered
 * together (see `noEscape`). Over another allocator (a `SharedAllocBuffer`, one you wrote), it
 * keeps checkpoints of its own: only what frees memory through this `BumperAllocator` (and, for
 * a shared arena, its owner's resets, seen on every thread) invalidates its checked arrays, not
 * resets or regions on the wrapped allocator directly.
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
  // The buffer's bump core, when it has one (the built-in buffers but SharedAllocBuffer): then
  // this allocator's checkpoints are the buffer's own, and the core tracks the checked arrays,
  // invalidating them whichever allocator over the buffer frees their memory.
  #core: Bump | undefined;
  // Otherwise: checkpoints of its own, each with the buffer's checkpoint saved with it (by
  // depth), and the checked arrays' generations by level.
  #checkpoints: CheckpointIds | undefined;
  #inner: unknown[] = [];
  #checked: Generations | undefined;

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
    const inner = this.#buf = bufferFrom(buf, "BumperAllocator");
    this.#core = shareCore(this, inner, new.target === BumperAllocator);
    if (this.#core === undefined) {
      this.#checkpoints = new CheckpointIds();
      // Over a SharedAllocBuffer, every generation also ends when the arena's owner resets it,
      // as seen from any thread (a regional one cannot be sent to another thread).
      const shared = sharedControlOf(inner);
      this.#checked = shared === undefined
        ? new Generations()
        : new Generations((level) => SharedMemoryValidity.current(shared, level > 0), true);
    }
  }

  /** The buffer memory comes from. */
  get buffer(): Allocator {
    return this.#buf;
  }

  /** How many `CheckedAllocArray`s allocated by this allocator are still valid. */
  get tracked(): number {
    return this.#core !== undefined ? this.#core.checked.tracked : this.#checked!.tracked;
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
    const core = this.#core;
    if (core !== undefined) return core.track();
    return this.#checked!.track(this.#checkpoints!.depth);
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
    const core = this.#core;
    if (core !== undefined) return core.save();
    const stack = this.#checkpoints!;
    const inner = this.#buf.checkpointSave();
    this.#inner[stack.depth] = inner;
    return stack.push();
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
    const core = this.#core;
    if (core !== undefined) {
      core.restore(checkpoint, this);
      return;
    }
    const stack = this.#checkpoints!;
    const d = stack.depthOf(checkpoint);
    if (d < 0) stack.pop(this, checkpoint); // throws the error saying why
    try {
      this.#buf.checkpointRestore(this.#inner[d]);
    } catch (cause) {
      if (!(cause instanceof CheckpointError)) throw cause;
      // Name the caller's checkpoint, not the buffer's one saved with it.
      const error = new CheckpointError(
        `Cannot restore checkpoint ${checkpoint} of ${
          bufferString(this.#buf)
        }: the state of the buffer saved with it is gone (the buffer itself was reset, or restored to an earlier checkpoint, since it was saved)`,
      );
      (error as { cause?: unknown }).cause = cause;
      throw error;
    }
    stack.pop(this, checkpoint);
    const checked = this.#checked!;
    if (checked.top > d) checked.invalidateFrom(d + 1);
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
    this.#buf.resetBuffer(); // (a buffer with a core invalidates its checked arrays itself)
    if (this.#core === undefined) {
      this.#checkpoints!.clear();
      this.#checked!.invalidateFrom(0);
    }
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
    if (this.#core !== undefined) return this.#buf.allocatedSince?.(checkpoint, view) ?? false;
    const d = this.#checkpoints!.depthOf(checkpoint);
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
    const n = this.tracked;
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
  // A built-in allocator (one with a bump core) resets its buffer: what its own `resetBuffer`
  // does.
  const core = coreOf(allocator);
  if (core !== undefined) {
    core.reset();
    return;
  }
  resetOther(allocator);
}

// `reset` of an allocator without a bump core (one you wrote, a SharedAllocBuffer, …).
function resetOther(allocator: Allocator): void {
  if (!isAllocator(allocator)) {
    throw new TypeError(`Cannot reset: expected an allocator, got ${describeValue(allocator)}`);
  }
  allocator.resetBuffer();
}
