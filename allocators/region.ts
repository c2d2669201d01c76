/**
 * Regions: {@linkcode noEscape} and the `using` form {@linkcode region}, which free everything
 * allocated inside them when they end.
 *
 * @module
 */

import { allocIn } from "../_internal/alloc_in.ts";
import { type Bump, coreOf } from "../_internal/bump.ts";
import { nextId } from "../_internal/checkpoint_ids.ts";
import {
  asyncContextAvailable,
  asyncDefaultBufferError,
  AsyncFunction,
  currentFrame,
  Frame,
  runInFrame,
  TaskSlot,
} from "../_internal/async_context.ts";
import { describeValue } from "../_internal/describe.ts";
import { checkDims, elementSize } from "../_internal/validate.ts";
import {
  anyOpenRegion,
  hasOpenRegion,
  nextRegionSeq,
  openedAfter,
  outOfOrderError,
  recordClose,
  recordOpen,
} from "./_open_regions.ts";
import { borrowTaskBuffer, returnTaskBuffer } from "./_task_buffers.ts";
import { type Allocator, isAllocator } from "./allocator.ts";
import { defaultBuffer } from "./default_buffer.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { EscapeError } from "./errors.ts";

// A one-entry cache: the allocator that last passed the `isAllocator` check, so that regions
// on one allocator in a loop check it once. (Checking every time is four property loads a
// region, which go megamorphic once a program uses five or more allocator classes; a WeakRef
// or a cache of the prototype is no cheaper.) Why it is safe:
// - It only skips a check, and only for the very object that passed the full check; nothing
//   else is derived from it, so no result depends on it and a miss only costs the check.
// - Stale entry: when code later deletes or replaces that object's methods, a region on it
//   calls them anyway and fails with the runtime's TypeError ("… is not a function") instead
//   of ours: from `checkpointSave`, before anything happened, or from `checkpointRestore`,
//   leaving the region's memory allocated until a reset (a leak, never an overlap).
// - No state leaks between users: it holds one allocator the program already used, never a
//   value derived from it, and is replaced by the next allocator checked. It does keep that
//   one allocator reachable until then.
let lastAllocator: unknown;

function checkAllocator(buf: unknown, action: string): Allocator {
  if (buf !== lastAllocator) {
    if (!isAllocator(buf)) {
      throw new TypeError(
        `Cannot ${action}: buf must be an allocator (with allocPtr, checkpointSave, checkpointRestore and resetBuffer), got ${
          describeValue(buf)
        }`,
      );
    }
    lastAllocator = buf;
  }
  return buf as Allocator;
}

/**
 * Runs `fn` in a region of `buf` (default: the current {@linkcode defaultBuffer}): saves a
 * checkpoint, runs `fn`, and restores the checkpoint, freeing everything `fn` allocated from
 * `buf` (Bumper.jl's `@no_escape`). Returns what `fn` returns.
 *
 * Better than Bumper: the memory is freed also when `fn` throws; an async `fn` (or any `fn`
 * returning a promise) frees it when the promise settles; and returning memory allocated inside
 * the region, a typed array or an object whose `data` is one (an n-d array), is an
 * {@linkcode EscapeError} (after the memory is freed) when the allocator can tell
 * (`allocatedSince`; all built-in buffers can, and {@linkcode ValidatingAllocator} adds it to
 * any allocator). Only the result itself and its `data` are checked, not views nested deeper in
 * it; an empty view holds no memory and never counts as escaping, nor does memory the region's
 * end does not free (a `SharedAllocBuffer` sub-arena carved inside it, another handle's
 * allocations). The region ends whatever inspecting the result does: when reading its `then`
 * or `data` throws (a getter, a Proxy, a stale `CheckedAllocArray`) or the allocator's
 * `allocatedSince` throws, the memory is freed and that error is rethrown. A generator
 * function (or any `fn` returning a generator) is refused with a `TypeError`: its body would
 * run only when iterated, after the region ended. Regions nest.
 *
 * Concurrency. Without `buf`, an `async function` gets a buffer of its own for its whole run
 * (an `AutoscalingAllocBuffer` that starts at 4 KiB and grows to what the task allocates,
 * borrowed from a small pool and returned, reset, when it settles), so concurrent async tasks
 * using default buffers never share memory, like Julia's task-local default buffers, and each
 * costs about the memory it uses. When the task settles, the buffer it had is retired before it
 * goes back to the pool: work the task started and did not await (a promise, a timer), which
 * still sees that buffer as its default buffer or kept it, gets a `ReferenceError` from every
 * allocation, region or reset on it, so it can never take memory another task was given (unless
 * a region on the buffer was still open when the task settled: then the buffer stays with that
 * work and is never pooled). Inside {@linkcode withBuffer} (an explicitly chosen buffer)
 * async regions share that buffer instead, and a plain function that returns a promise shares
 * the current default buffer. Default buffers follow a task across `await` only where the
 * runtime has `AsyncLocalStorage` (Deno, Node): elsewhere (browsers) `noEscape(async fn)`
 * without `buf` throws an {@linkcode AsyncScopeError} before `fn` runs, and
 * `noEscape(buf, async fn)` works. Shared async regions are checked: a
 * region that ends while a region opened after it on the same memory is still open (two
 * tasks interleaving on one buffer) throws a {@linkcode CheckpointError} and does *not* free
 * its memory, which stays allocated until an enclosing region ends or the buffer is reset:
 * a leak instead of corruption. "The same memory" counts every allocator over one buffer: the
 * buffer itself, `BumperAllocator`s and `UncheckedBumperAllocator`s over it (their
 * checkpoints are the buffer's own for the built-in buffers), and a wrapper such as
 * {@linkcode ValidatingAllocator}. Not detected (the allocator cannot tell which task allocates):
 * a region allocating from a buffer while a region opened after it on that buffer is still
 * open, whether that region belongs to another task or is one it started and did not await;
 * when the newer region ends, it frees that memory too. Give concurrent tasks their own
 * buffers (the default-buffer form does) and allocate in an outer region only while no inner
 * async region on the same buffer runs.
 *
 * @typeParam R What `fn` returns.
 * @param buf The allocator (optional: the default buffer when omitted).
 * @param fn The code to run; it must not keep or return memory it allocated from `buf`.
 * @returns What `fn` returns (a promise settling after the restore when `fn` returns one).
 * @throws {TypeError} When `fn` is not a function or `buf` is not an allocator, or `fn`
 * returned a generator (nothing is allocated or kept).
 * @throws {EscapeError} When the result is memory allocated inside the region.
 * @throws {ReferenceError} When `buf` is the default buffer of a `noEscape(async fn)` task that
 * has settled (nothing changes).
 * @throws {CheckpointError} When the region ends while a region opened after it on the same
 * allocator is still open, or its checkpoint was invalidated (the buffer was reset inside).
 * @throws {AsyncScopeError} When `fn` is an async function and the runtime has no
 * `AsyncLocalStorage` (browsers): pass a buffer.
 *
 * @example Bumper.jl's `f(x)` with an explicit buffer
 * ```ts
 * import { alloc, AllocBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer();
 * function f(x: number[]): number {
 *   return noEscape(buf, () => {
 *     const y = alloc(buf, Int32Array, x.length);
 *     for (let i = 0; i < x.length; i++) y[i] = x[i] + 1;
 *     return y.reduce((a, b) => a + b, 0);
 *   });
 * }
 * assert.equal(f([1, 2, 3]), 9);
 * assert.equal(buf.used, 0);
 * ```
 *
 * @example Freed on throw; escapes are caught
 * ```ts
 * import { alloc, AllocBuffer, EscapeError, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * assert.throws(() =>
 *   noEscape(buf, () => {
 *     alloc(buf, Float64Array, 10);
 *     throw new Error("boom");
 *   }), /boom/);
 * assert.equal(buf.used, 0);
 * assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 10)), EscapeError);
 * const copy = noEscape(buf, () => alloc(buf, Float64Array, 10).fill(1).slice());
 * assert.equal(copy.length, 10);
 * ```
 *
 * @example Concurrent async tasks each get their own default buffer
 * ```ts
 * import { alloc, defaultBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const task = (id: number) =>
 *   noEscape(async () => {
 *     const y = alloc(Float64Array, 100).fill(id);
 *     await new Promise((r) => setTimeout(r, 1));
 *     return y.every((v) => v === id) && defaultBuffer();
 *   });
 * const [a, b] = await Promise.all([task(1), task(2)]);
 * assert.ok(a && b && a !== b);
 * ```
 */
export function noEscape<R>(fn: () => R): R;
/**
 * Runs `fn` in a region of `buf`: saves a checkpoint, runs `fn`, restores the checkpoint (also
 * on throw, and when a returned promise settles). See the default-buffer form for the details.
 *
 * @typeParam R What `fn` returns.
 * @param buf The allocator.
 * @param fn The code to run; it must not keep or return memory it allocated from `buf`.
 * @returns What `fn` returns.
 * @throws {TypeError} When `buf` is not an allocator or `fn` is not a function.
 * @throws {EscapeError} When the result is memory allocated inside the region.
 * @throws {CheckpointError} When the region ends out of order with another async region on
 * `buf`, or its checkpoint was invalidated.
 *
 * @example Nested regions on one buffer
 * ```ts
 * import { alloc, AllocBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * noEscape(buf, () => {
 *   alloc(buf, Float64Array, 2);
 *   noEscape(buf, () => {
 *     alloc(buf, Float64Array, 2);
 *     assert.equal(buf.used, 32);
 *   });
 *   assert.equal(buf.used, 16);
 * });
 * assert.equal(buf.used, 0);
 * ```
 */
export function noEscape<R>(buf: Allocator, fn: () => R): R;
export function noEscape(a: unknown, b?: unknown): unknown {
  // The fast path, kept small so that it inlines into the caller together with the region's
  // body (V8 inlines only so many bytes of bytecode into one function): a buffer with a bump
  // core. The default-buffer form is this form on the task's default buffer.
  if (typeof b === "function") {
    const core = coreOf(a);
    if (core !== undefined) return runCoreRegion(a as Allocator, core, b as () => unknown);
  } else if (b === undefined) return noEscapeDefault(a);
  return noEscapeOther(a, b);
}

// noEscape(fn): noEscape(buf, fn) on the task's default buffer; an async `fn` or a task without
// a default buffer yet goes to the slow path. It calls `noEscape` again rather than running
// the region itself: V8 inlines every branch of `noEscape` that its feedback has seen into
// every call site, whichever form the site uses, and will not inline this recursive call, so
// the region's code is inlined once per site, not once per form (inlined twice, it took the
// budget the body and its allocations need).
function noEscapeDefault(fn: unknown): unknown {
  if (typeof fn === "function" && fn.constructor !== AsyncFunction) {
    const buf = currentFrame().task.buffer;
    if (buf !== undefined) return noEscape(buf, fn as () => unknown);
  }
  return noEscapeSlow(fn, undefined);
}

function noEscapeOther(a: unknown, b: unknown): unknown {
  if (typeof b === "function" && a === lastAllocator) {
    return runRegion(a as Allocator, b as () => unknown);
  }
  return noEscapeSlow(a, b);
}

// Everything but an explicit buffer that passed the allocator check last time.
function noEscapeSlow(a: unknown, b: unknown): unknown {
  if (typeof a === "function" && b === undefined) {
    if (a.constructor === AsyncFunction) {
      if (!asyncContextAvailable()) throw asyncDefaultBufferError();
      const frame = currentFrame();
      if (!frame.task.explicit) return runInTaskBuffer(a as () => Promise<unknown>, frame);
    }
    return runRegion(defaultBuffer(), a as () => unknown);
  }
  if (typeof b !== "function") {
    const fn = b === undefined && !isAllocator(a) ? a : b;
    throw new TypeError(`Cannot run noEscape: fn must be a function, got ${describeValue(fn)}`);
  }
  return runRegion(checkAllocator(a, "run noEscape"), b as () => unknown);
}

// The region itself. The common case, a synchronous body returning a primitive while no
// out-of-order-capable region is open, is: save, call, one compare, restore.
function runRegion(buf: Allocator, fn: () => unknown): unknown {
  const core = coreOf(buf);
  if (core !== undefined) return runCoreRegion(buf, core, fn);
  const seq = nextRegionSeq();
  const cp = buf.checkpointSave();
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    restoreAfterThrow(buf, cp, seq);
    throw error;
  }
  if ((typeof result === "object" && result !== null) || anyOpenRegion()) {
    return finishRegion(buf, cp, seq, result);
  }
  buf.checkpointRestore(cp);
  return result;
}

// The same on a built-in buffer (or an allocator over one), saved and restored through its bump
// core: the same code for every class, so these calls stay monomorphic however many allocator
// classes a program uses. The checkpoint is the region's sequence number too (both come from
// one increasing sequence).
//
// The fast paths of `core.save()` and `core.restore(cp)` are written out here (calling their
// slow paths where those apply): V8 inlines into one function only so many bytes of bytecode,
// and counts for each callee also what it inlined where it was compiled on its own, so with the
// two calls a region left too little for its body and the `alloc` calls in it. Bump.save and
// Bump.restore say what each step does; the two must agree.
function runCoreRegion(buf: Allocator, core: Bump, fn: () => unknown): unknown {
  const d = core.depth;
  core.savedOffsets[d] = core.offset;
  core.savedShapes[d] = core.shape;
  if (core.slowSave) core.saveSlow(d);
  const cp = nextId() as Checkpoint;
  core.ids[d] = cp;
  core.depth = d + 1;
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    restoreAfterThrow(buf, cp, cp);
    throw error;
  }
  if ((typeof result === "object" && result !== null) || anyOpenRegion()) {
    return finishRegion(buf, cp, cp, result);
  }
  const e = core.depth - 1;
  if (e >= core.fastFloor && core.ids[e] === cp) {
    core.depth = e;
    const off = core.offset;
    if (off > core.high) core.high = off;
    core.offset = core.savedOffsets[e];
  } else {
    core.restoreSlow(cp, undefined);
  }
  return result;
}

function finishRegion(buf: Allocator, cp: unknown, seq: number, result: unknown): unknown {
  let escaping: EscapeError | undefined;
  if (typeof result === "object" && result !== null) {
    // Whatever inspecting the result does (a throwing `then` or `data` getter, a Proxy, a
    // stale CheckedAllocArray, an allocator's throwing `allocatedSince`), the region ends.
    try {
      if (typeof (result as PromiseLike<unknown>).then === "function") {
        return settleRegion(buf, cp, seq, result as PromiseLike<unknown>);
      }
      refuseGenerator(result);
      escaping = escapeCheck(buf, cp, result);
    } catch (error) {
      restoreAfterThrow(buf, cp, seq);
      throw error;
    }
  }
  if (anyOpenRegion() && openedAfter(buf, seq)) throw outOfOrderError(buf);
  buf.checkpointRestore(cp);
  if (escaping !== undefined) throw escaping;
  return result;
}

function restoreAfterThrow(buf: Allocator, cp: unknown, seq: number): void {
  if (anyOpenRegion() && openedAfter(buf, seq)) return; // leak rather than corrupt
  try {
    buf.checkpointRestore(cp);
  } catch {
    // The body's error is the one to report; a failed restore changed nothing.
  }
}

function settleRegion(
  buf: Allocator,
  cp: unknown,
  seq: number,
  promise: PromiseLike<unknown>,
): Promise<unknown> {
  recordOpen(buf, seq);
  return Promise.resolve(promise).then(
    (value) => {
      if (!recordClose(buf, seq)) throw outOfOrderError(buf);
      let escaping: EscapeError | undefined;
      try {
        if (typeof value === "object" && value !== null) escaping = escapeCheck(buf, cp, value);
      } catch (error) {
        restoreQuietly(buf, cp);
        throw error;
      }
      buf.checkpointRestore(cp);
      if (escaping !== undefined) throw escaping;
      return value;
    },
    (error) => {
      if (recordClose(buf, seq)) restoreQuietly(buf, cp);
      throw error;
    },
  );
}

// Restores after an error that is the one to report.
function restoreQuietly(buf: Allocator, cp: unknown): void {
  try {
    buf.checkpointRestore(cp);
  } catch {
    // The error being reported is the one that matters; a failed restore changed nothing.
  }
}

// An async default-buffer region: `fn` runs in a frame of its own whose default buffer is a
// buffer of its own (over pooled memory), so concurrent tasks never share memory. When the task
// settles, the buffer is retired: work the task left running (a promise it did not await, a
// timer) that allocates from it, or opens a region on it, then throws instead of taking memory
// that may already belong to another task.
function runInTaskBuffer(fn: () => Promise<unknown>, parent: Frame): Promise<unknown> {
  const buf = borrowTaskBuffer();
  const cp = buf.checkpointSave();
  // The slot notes the buffer's core for the fast paths until the task settles and the buffer
  // retires (its core is then replaced by one that refuses every use).
  const task = new TaskSlot(buf, false, coreOf(buf));
  const done = () => {
    task.core = undefined;
    returnTaskBuffer(buf, !hasOpenRegion(buf));
  };
  let promise: Promise<unknown>;
  try {
    promise = runInFrame(new Frame(parent.allocator, task), fn, "noEscape");
  } catch (error) {
    done();
    throw error;
  }
  return promise.then(
    (value) => {
      let escaping: EscapeError | undefined;
      try {
        escaping = escapeCheck(buf, cp, value);
      } finally {
        done();
      }
      if (escaping !== undefined) throw escaping;
      return value;
    },
    (error) => {
      done();
      throw error;
    },
  );
}

// The view in `result` (itself or its `data`) that `buf` allocated since `cp` and that ending
// the region frees, if any. An empty view holds no bytes: it never escapes.
function escapingView(buf: Allocator, cp: unknown, result: unknown): ArrayBufferView | undefined {
  if (typeof result !== "object" || result === null || buf.allocatedSince === undefined) {
    return undefined;
  }
  const view = ArrayBuffer.isView(result)
    ? result
    : (result as { data?: unknown }).data as ArrayBufferView;
  if (!ArrayBuffer.isView(view) || view.byteLength === 0) return undefined;
  return buf.allocatedSince(cp, view) ? view : undefined;
}

// The EscapeError to throw (after the restore) when `result` escapes the region, made before the
// restore (which may detach the view, in poison mode).
function escapeCheck(buf: Allocator, cp: unknown, result: unknown): EscapeError | undefined {
  const view = escapingView(buf, cp, result);
  return view === undefined ? undefined : escapeError(view, result);
}

function escapeError(view: ArrayBufferView, result: unknown): EscapeError {
  const what = "length" in view
    ? `${describeValue(view)} of ${(view as TypedArray).length} elements`
    : `${describeValue(view)} of ${view.byteLength} bytes`;
  const whose = view === result ? "the result is" : "the result's data is";
  return new EscapeError(
    `Cannot return from noEscape: ${whose} ${what} allocated inside the region, whose end frees it (return a copy, e.g. with slice(), or allocate it outside the region)`,
  );
}

const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype as object;
const AsyncGeneratorPrototype = Object.getPrototypeOf(async function* () {}).prototype as object;
const isPrototypeOf = Object.prototype.isPrototypeOf;

// A generator's body runs only when it is iterated, after the region ended: its allocations
// would outlive the region, so noEscape refuses generators (the region frees nothing they
// could have allocated: calling a generator function runs none of its body).
function refuseGenerator(result: object): void {
  const sync = isPrototypeOf.call(GeneratorPrototype, result);
  if (!sync && !isPrototypeOf.call(AsyncGeneratorPrototype, result)) return;
  throw new TypeError(
    `Cannot run noEscape: fn returned ${
      sync ? "a generator" : "an async generator"
    }, whose body would run after the region ended (when it is iterated) and allocate outside it; collect its values inside the region (e.g. [...gen()]), or open a region inside the generator`,
  );
}

/**
 * An open region of an allocator, for the `using` form: `using r = region(buf)` saves a
 * checkpoint, and the end of the enclosing block restores it (also on throw). Allocate with
 * {@linkcode Region.alloc} or {@linkcode alloc} on the same allocator. Returning allocated
 * memory past the block is not detected (there is no result to check): prefer
 * {@linkcode noEscape} where that matters.
 *
 * Regions made by {@linkcode region} may end out of order in async code; one that ends while
 * a region opened after it on the same allocator is still open throws a
 * {@linkcode CheckpointError} and does not free its memory (see {@linkcode noEscape}).
 *
 * @example The `using` form
 * ```ts
 * import { AllocBuffer, region } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * {
 *   using r = region(buf);
 *   const y = r.alloc(Float64Array, 3);
 *   y.set([2, 3, 4]);
 *   assert.equal(y[0] + y[1] + y[2], 9);
 *   assert.equal(buf.used, 24);
 * }
 * assert.equal(buf.used, 0);
 * ```
 */
export class Region implements Disposable {
  /** The allocator this region frees memory of. */
  readonly allocator: Allocator;
  // The allocator's bump core, if it has one: then it saves and restores through it.
  #core: Bump | undefined;
  #checkpoint: unknown;
  #seq: number;
  #open = true;

  /**
   * Opens a region: the same as {@linkcode region}`(allocator)`.
   *
   * @param allocator The allocator.
   * @throws {TypeError} When `allocator` is not an allocator.
   */
  constructor(allocator: Allocator) {
    this.allocator = checkAllocator(allocator, "open region");
    const core = this.#core = coreOf(allocator);
    if (core !== undefined) {
      this.#seq = this.#checkpoint = core.save(); // (also the region's sequence number)
    } else {
      this.#seq = nextRegionSeq();
      this.#checkpoint = allocator.checkpointSave();
    }
    recordOpen(allocator, this.#seq);
  }

  /** `true` until the region is closed. */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Like {@linkcode alloc} on this region's allocator.
   *
   * @typeParam T The typed array made.
   * @param type The element type: a typed-array constructor such as `Float64Array`.
   * @param dims The dimensions; their product is the length.
   * @returns A view of `prod(dims)` uninitialised elements, freed when the region closes.
   * @throws {TypeError} When `type` is not a typed-array constructor or a dimension not a number.
   * @throws {RangeError} When a dimension is not a non-negative safe integer.
   * @throws {ReferenceError} When the region is closed (like a disposed `DisposableStack`).
   * @throws {OutOfMemoryError} When the allocator cannot provide the memory (it is unchanged).
   */
  alloc<T extends TypedArray>(type: TypedArrayConstructor<T>, ...dims: number[]): T {
    if (!this.#open) {
      throw new ReferenceError(
        `Cannot allocate: the region of ${
          describeValue(this.allocator)
        } is closed (allocate while its using block runs, or open a new region)`,
      );
    }
    elementSize(type, "allocate");
    return allocIn(this.allocator, type, checkDims(dims, "allocate"));
  }

  /**
   * Closes the region, freeing everything allocated since it opened. Closing again does
   * nothing.
   *
   * @throws {CheckpointError} When a region opened after this one on the same allocator is
   * still open (nothing is freed), or the checkpoint was invalidated (the buffer was reset).
   */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    if (!recordClose(this.allocator, this.#seq)) throw outOfOrderError(this.allocator);
    const core = this.#core;
    if (core !== undefined) core.restore(this.#checkpoint as Checkpoint);
    else this.allocator.checkpointRestore(this.#checkpoint);
  }

  /** Closes the region (the end of a `using` block). Same as {@linkcode Region.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The name shown by `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return "Region";
  }
}

/**
 * Opens a region of `buf` (default: the current {@linkcode defaultBuffer}) for the `using`
 * form: `using r = region(buf)` frees everything allocated from `buf` inside the block when
 * the block ends, also on throw.
 *
 * @param buf The allocator (default: the current default buffer).
 * @returns The open region; dispose of it (or call `close()`) to free its memory.
 * @throws {TypeError} When `buf` is given but is not an allocator.
 *
 * @example A region per loop iteration
 * ```ts
 * import { alloc, defaultBuffer, region } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const before = defaultBuffer().checkpointSave();
 * let total = 0;
 * for (let i = 0; i < 3; i++) {
 *   using _ = region();
 *   const y = alloc(Float64Array, 4).fill(i);
 *   total += y[3];
 * }
 * assert.equal(total, 3);
 * defaultBuffer().checkpointRestore(before); // still live: the regions were nested inside it
 * ```
 */
export function region(buf?: Allocator): Region {
  return new Region(buf === undefined ? defaultBuffer() : checkAllocator(buf, "open region"));
}
