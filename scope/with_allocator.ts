/**
 * {@linkcode withAllocator} and {@linkcode currentAllocator}: the dynamically scoped "current
 * allocator" that `similar` and every array operation allocate from (AllocArrays.jl's
 * `with_allocator`, built on ScopedValues there and on `AsyncLocalStorage` here).
 *
 * @module
 */

import {
  asyncContextSupported,
  currentFrame,
  Frame,
  runInFrame,
} from "../_internal/async_context.ts";
import { describeValue } from "../_internal/describe.ts";
import { type Allocator, isAllocator } from "../allocators/allocator.ts";
import { DefaultAllocator } from "../allocators/default_allocator.ts";

/**
 * Runs `fn` with `allocator` as the current allocator and returns what `fn` returns. Inside
 * `fn`, {@linkcode currentAllocator} returns `allocator`, so `similar`, `copy` and every array
 * operation on `AllocArray`s allocate from it.
 *
 * - The scope follows `fn` across `await` and into promises and callbacks started inside it
 *   (through `AsyncLocalStorage`); concurrent branches (`Promise.all`) with different
 *   allocators never see each other's.
 * - Scopes nest; the previous allocator is current again when `fn` returns or throws.
 * - An async `fn`'s promise is returned as is: the scope lasts as long as the work it starts.
 * - Where `AsyncLocalStorage` is absent (browsers; {@linkcode asyncScopesSupported} tells),
 *   scopes are synchronous: an async `fn`, or one that returns a promise, is an
 *   {@linkcode AsyncScopeError} rather than a scope that silently ends at the first `await`.
 *   Wrap each stretch between two `await`s in a `withAllocator` call of its own there.
 *
 * `AsyncLocalStorage` is created when the first scope is entered, and `run()` is called once per
 * scope, never per allocation. Any {@linkcode Allocator} works: a `BumperAllocator`, a raw
 * buffer, or your own.
 *
 * @typeParam R What `fn` returns.
 * @param allocator The allocator to make current.
 * @param fn The code to run with it.
 * @returns What `fn` returns (a promise for an async `fn`).
 * @throws {TypeError} When `allocator` does not implement the `Allocator` protocol or `fn` is
 * not a function.
 * @throws {AsyncScopeError} When `fn` is async or returns a promise and the runtime has no
 * `AsyncLocalStorage` (browsers).
 *
 * @example Making an allocator current
 * ```ts
 * import { AllocBuffer, currentAllocator, DefaultAllocator, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const inside = withAllocator(buf, () => currentAllocator());
 * assert.equal(inside, buf);
 * assert.equal(currentAllocator(), DefaultAllocator.shared);
 * ```
 *
 * @example Across `await`
 * ```ts
 * import { AllocBuffer, currentAllocator, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const after = await withAllocator(buf, async () => {
 *   await new Promise((r) => setTimeout(r, 1));
 *   return currentAllocator();
 * });
 * assert.equal(after, buf);
 * ```
 */
export function withAllocator<R>(allocator: Allocator, fn: () => R): R {
  if (!isAllocator(allocator)) {
    throw new TypeError(
      `Cannot enter an allocator scope: expected an Allocator (allocPtr, checkpointSave, checkpointRestore, resetBuffer), got ${
        describeValue(allocator)
      }`,
    );
  }
  if (typeof fn !== "function") {
    throw new TypeError(
      `Cannot enter an allocator scope: expected a function to run, got ${describeValue(fn)}`,
    );
  }
  return runInFrame(new Frame(allocator, currentFrame().task), fn, "withAllocator");
}

/**
 * The current allocator: the innermost {@linkcode withAllocator} scope's, or
 * {@linkcode DefaultAllocator.shared} (the heap) outside any scope.
 *
 * @returns The allocator that `similar` allocates from right now.
 *
 * @example Outside and inside a scope
 * ```ts
 * import { currentAllocator, DefaultAllocator, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.equal(currentAllocator(), DefaultAllocator.shared);
 * const mine = new DefaultAllocator();
 * withAllocator(mine, () => assert.equal(currentAllocator(), mine));
 * ```
 */
export function currentAllocator(): Allocator {
  return currentFrame().allocator ?? DefaultAllocator.shared;
}

/**
 * Whether scopes follow async code on this runtime: `true` where `AsyncLocalStorage` exists
 * (Deno, Node 20.16 and later), so {@linkcode withAllocator}, `withBuffer` and the per-task
 * default buffers of `noEscape(async fn)` hold across `await`; `false` elsewhere (browsers),
 * where they are synchronous and refuse async functions with an {@linkcode AsyncScopeError}.
 * Asking creates nothing (no `AsyncLocalStorage` until a scope needs one).
 *
 * @returns Whether scopes propagate across `await`.
 *
 * @example Choosing between an async scope and synchronous ones
 * ```ts
 * import { AllocArray, AllocBuffer, asyncScopesSupported, noEscape, similar, sum, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1 << 16);
 * const x = AllocArray.from(new Float64Array([1, 2, 3]));
 * const step = () => noEscape(buf, () => sum(similar(x).fill(2)));
 * const tick = () => new Promise((r) => setTimeout(r, 1));
 *
 * let total = 0;
 * if (asyncScopesSupported()) {
 *   await withAllocator(buf, async () => {
 *     total += step();
 *     await tick();
 *     total += step();
 *   });
 * } else {
 *   total += withAllocator(buf, step);
 *   await tick();
 *   total += withAllocator(buf, step);
 * }
 * assert.equal(total, 12);
 * assert.equal(buf.used, 0);
 * ```
 */
export function asyncScopesSupported(): boolean {
  return asyncContextSupported();
}
