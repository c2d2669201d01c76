/**
 * {@linkcode withAllocator} and {@linkcode currentAllocator}: the dynamically scoped "current
 * allocator" that `similar` and every array operation allocate from (AllocArrays.jl's
 * `with_allocator`, built on ScopedValues there and on `AsyncLocalStorage` here).
 *
 * @module
 */

import { currentFrame, Frame, runInFrame } from "../_internal/async_context.ts";
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
 * - Where `AsyncLocalStorage` is absent (browsers), the scope covers only the synchronous part
 *   of `fn`.
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
  return runInFrame(new Frame(allocator, currentFrame().task), fn);
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
