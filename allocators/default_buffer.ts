/**
 * Default buffers: the buffer `alloc(Type, ...)` and `noEscape(fn)` use when none is given.
 *
 * @module
 */

import { currentFrame, Frame, runInFrame, TaskSlot } from "../_internal/async_context.ts";
import { permanentCoreOf } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import { validateSize } from "../_internal/validate.ts";
import { type Allocator, isAllocator } from "./allocator.ts";
import { onUnscopedGrowth } from "./_unscoped.ts";
import { SlabBuffer } from "./slab_buffer.ts";

/** Bytes allocated outside any region past which a default buffer warns: 8 MiB. */
const DEFAULT_WARNING_BYTES = 8 * 2 ** 20;

// The default buffers' leak warning: a process-wide setting (like Node's
// `EventEmitter.defaultMaxListeners`), changed only by setDefaultBufferWarning. `warned` makes
// the warning print once; a new setting arms it again.
let warnAbove: number | false = DEFAULT_WARNING_BYTES;
let warned = false;

function noteUnscoped(used: number): void {
  if (warned || warnAbove === false || used <= warnAbove) return;
  warned = true;
  console.warn(
    `allocarrays: the default buffer holds ${used} bytes allocated outside any region: alloc(Type, n) outside noEscape() or region() takes memory that only resetBuffer() frees. Allocate inside noEscape(() => ...) or a region, keep long-lived arrays in a buffer of their own, or silence this with setDefaultBufferWarning(false)`,
  );
}

/** A task's default buffer: a SlabBuffer that reports growth outside regions. */
function newDefaultBuffer(): SlabBuffer {
  const buf = new SlabBuffer();
  buf[onUnscopedGrowth] = noteUnscoped;
  return buf;
}

/**
 * The current default buffer: the one set by the innermost {@linkcode withBuffer}, else the
 * current task's own {@linkcode SlabBuffer}, created on first use (Bumper.jl's
 * `default_buffer()`).
 *
 * "Task" means: the program's top level, or the body of an async function passed to
 * `noEscape(fn)`, which runs with a buffer of its own (see {@linkcode noEscape}). Asking twice
 * in the same task gives the same buffer.
 *
 * @returns The default buffer.
 *
 * @example The same buffer until a task or `withBuffer` changes it
 * ```ts
 * import { AllocBuffer, defaultBuffer, SlabBuffer, withBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = defaultBuffer();
 * assert.ok(b instanceof SlabBuffer);
 * assert.equal(defaultBuffer(), b);
 * const mine = new AllocBuffer(1024);
 * withBuffer(mine, () => assert.equal(defaultBuffer(), mine));
 * assert.equal(defaultBuffer(), b);
 * ```
 */
export function defaultBuffer(): Allocator {
  const task = currentFrame().task;
  return task.buffer ?? createDefaultBuffer(task);
}

// The task's own default buffer, made on first use, with its core noted for the fast paths.
function createDefaultBuffer(task: TaskSlot): Allocator {
  const buf = newDefaultBuffer();
  task.buffer = buf;
  task.core = permanentCoreOf(buf);
  return buf;
}

/**
 * Sets when a default buffer warns about memory allocated outside any region, and arms the
 * warning again. `alloc(Type, n)` outside `noEscape` or `region()` takes memory from the
 * default buffer that only `resetBuffer()` frees: legal (long-lived arrays may live there on
 * purpose), but in a loop a leak that nothing reports. So when a default buffer grows while no
 * region is open on it and then holds more than `bytes` (default 8 MiB), it prints one warning
 * with `console.warn` (once per process, until the next call of this function). Buffers you
 * create yourself never warn.
 *
 * @param bytes The threshold in bytes, or `false` to turn the warning off.
 * @returns The previous setting (to restore it).
 * @throws {TypeError} When `bytes` is neither a number nor `false`.
 * @throws {RangeError} When `bytes` is negative, fractional or unsafe.
 *
 * @example Catching a leak in a loop, then silencing the warning
 * ```ts
 * import { alloc, resetBuffer, setDefaultBufferWarning } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const warnings: string[] = [];
 * const warn = console.warn;
 * console.warn = (message: string) => warnings.push(message);
 * const previous = setDefaultBufferWarning(1 << 20);
 * try {
 *   for (let i = 0; i < 200; i++) alloc(Float64Array, 1000); // 1.6 MB outside any region
 *   assert.equal(warnings.length, 1);
 *   setDefaultBufferWarning(false);
 *   for (let i = 0; i < 200; i++) alloc(Float64Array, 1000);
 *   assert.equal(warnings.length, 1);
 * } finally {
 *   console.warn = warn;
 *   setDefaultBufferWarning(previous);
 *   resetBuffer();
 * }
 * ```
 */
export function setDefaultBufferWarning(bytes: number | false): number | false {
  if (bytes !== false) {
    if (typeof bytes !== "number") {
      throw new TypeError(
        `Cannot set the default buffer warning: bytes must be a number or false, got ${
          describeValue(bytes)
        }`,
      );
    }
    validateSize(bytes, "bytes", "set the default buffer warning");
  }
  const previous = warnAbove;
  warnAbove = bytes;
  warned = false;
  return previous;
}

/**
 * Runs `fn` with `buf` as the default buffer (Bumper.jl's `with_buffer`), across `await` where
 * the runtime has `AsyncLocalStorage` (Deno, Node). Nests; the previous default buffer is back
 * when `fn` returns or throws. The current allocator of `withAllocator` is kept. Where the
 * runtime has no `AsyncLocalStorage` (browsers), `fn` must be synchronous: an async `fn`, or one
 * that returns a promise, is an {@linkcode AsyncScopeError} (the scope would silently end at
 * the first `await`).
 *
 * Async regions inside `fn` share `buf` (it was chosen explicitly) instead of getting a buffer
 * per task, so interleaving them is checked: see {@linkcode noEscape}.
 *
 * @typeParam R What `fn` returns.
 * @param buf The allocator to use as the default buffer.
 * @param fn The code to run.
 * @returns What `fn` returns.
 * @throws {TypeError} When `buf` is not an allocator or `fn` is not a function.
 * @throws {AsyncScopeError} When `fn` is async or returns a promise and the runtime has no
 * `AsyncLocalStorage` (browsers).
 *
 * @example Bumper.jl's `with_buffer` example
 * ```ts
 * import { alloc, AllocBuffer, noEscape, withBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const total = withBuffer(new AllocBuffer(100), () =>
 *   noEscape(() => {
 *     const y = alloc(Int32Array, 10).fill(1);
 *     return y.reduce((a, b) => a + b);
 *   }));
 * assert.equal(total, 10);
 * ```
 */
export function withBuffer<R>(buf: Allocator, fn: () => R): R {
  if (!isAllocator(buf)) {
    throw new TypeError(
      `Cannot run withBuffer: buf must be an allocator (with allocPtr, checkpointSave, checkpointRestore and resetBuffer), got ${
        describeValue(buf)
      }`,
    );
  }
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot run withBuffer: fn must be a function, got ${describeValue(fn)}`);
  }
  return runInFrame(
    new Frame(currentFrame().allocator, new TaskSlot(buf, true, permanentCoreOf(buf))),
    fn,
    "withBuffer",
  );
}

/**
 * Frees everything in `buf` (default: the current default buffer) and invalidates its
 * checkpoints (Bumper.jl's `reset_buffer!`). For recovering from leaks; regions free their
 * memory themselves.
 *
 * @param buf The allocator to reset (default {@linkcode defaultBuffer}()).
 * @throws {TypeError} When `buf` is given but is not an allocator.
 *
 * @example Recovering from a leak
 * ```ts
 * import { alloc, resetBuffer, SlabBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new SlabBuffer();
 * alloc(buf, Float64Array, 100); // outside any region: never freed
 * assert.equal(buf.used, 800);
 * resetBuffer(buf);
 * assert.equal(buf.used, 0);
 * ```
 */
export function resetBuffer(buf?: Allocator): void {
  if (buf === undefined) {
    defaultBuffer().resetBuffer();
    return;
  }
  if (!isAllocator(buf)) {
    throw new TypeError(
      `Cannot reset buffer: buf must be an allocator, got ${describeValue(buf)}`,
    );
  }
  buf.resetBuffer();
}
