/**
 * The error classes callers are expected to catch. Wrong types are `TypeError`s and bad sizes
 * or indices are `RangeError`s; these classes are for the allocator-specific conditions.
 *
 * @module
 */

/**
 * An allocation did not fit. The allocator's state is unchanged.
 *
 * @example Catching an out-of-memory allocation
 * ```ts
 * import { alloc, AllocBuffer, OutOfMemoryError } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(64);
 * const err = assert.throws(() => alloc(buf, Float64Array, 100), OutOfMemoryError);
 * assert.equal(buf.used, 0);
 * ```
 */
export class OutOfMemoryError extends Error {
  /** Bytes that were requested. */
  readonly requested: number;
  /** Bytes that were still available (after alignment) when the request failed. */
  readonly available: number;
  /**
   * Makes the error; the default message names both byte counts.
   *
   * @param requested Bytes requested.
   * @param available Bytes available.
   * @param message Overrides the default message.
   */
  constructor(requested: number, available: number, message?: string) {
    super(
      message ??
        `Cannot allocate ${requested} bytes: ${available} bytes available (use a larger buffer, a SlabBuffer, or free memory with noEscape/resetBuffer)`,
    );
    this.name = "OutOfMemoryError";
    this.requested = requested;
    this.available = available;
  }
}

/**
 * A region (`noEscape`) returned a view of memory it allocated, which the region's end frees.
 * The region's memory is still restored before this is thrown.
 *
 * @example An escaping view
 * ```ts
 * import { alloc, AllocBuffer, EscapeError, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 4)), EscapeError);
 * assert.equal(buf.used, 0);
 * ```
 */
export class EscapeError extends Error {
  /**
   * Makes the error.
   *
   * @param message What escaped.
   */
  constructor(message: string) {
    super(message);
    this.name = "EscapeError";
  }
}

/**
 * A checkpoint cannot be restored: it belongs to another allocator, it was already restored, a
 * checkpoint taken before it was restored (making it stale), or regions on one allocator were
 * closed out of order (interleaved async tasks sharing one buffer). The allocator is unchanged.
 *
 * @example Restoring a checkpoint twice
 * ```ts
 * import { AllocBuffer, CheckpointError } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const cp = buf.checkpointSave();
 * buf.checkpointRestore(cp);
 * assert.throws(() => buf.checkpointRestore(cp), CheckpointError);
 * ```
 */
export class CheckpointError extends Error {
  /**
   * Makes the error.
   *
   * @param message What was wrong with the checkpoint.
   */
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/**
 * A scope was asked to follow async code on a runtime that cannot: without `AsyncLocalStorage`
 * (browsers), `withAllocator`, `withBuffer` and the default buffer of `noEscape(async fn)` would
 * end at the function's first `await`, and the code after it would silently run outside them.
 * Thrown before an async function runs, or as soon as a plain function returns a promise. The
 * message says what to do instead: keep scopes synchronous, or pass buffers and allocators
 * explicitly. `asyncScopesSupported()` tells beforehand.
 *
 * @example Code that works on every runtime
 * ```ts
 * import { AllocBuffer, AsyncScopeError, asyncScopesSupported, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * try {
 *   await withAllocator(buf, async () => {
 *     await new Promise((r) => setTimeout(r, 1));
 *   });
 *   assert.ok(asyncScopesSupported()); // Deno, Node
 * } catch (e) {
 *   assert.ok(e instanceof AsyncScopeError && !asyncScopesSupported()); // browsers
 * }
 * ```
 */
export class AsyncScopeError extends Error {
  /**
   * Makes the error.
   *
   * @param message Which scope, and what to do instead.
   */
  constructor(message: string) {
    super(message);
    this.name = "AsyncScopeError";
  }
}
