/**
 * A testing kit for people who write their own allocators (`@x/allocarrays/testing`; the root
 * module does not re-export it):
 *
 * - {@linkcode conformanceSuite}: the conformance suite of the `Allocator` protocol that every
 *   built-in buffer passes, as `node:test` tests that `deno test` and `node --test` run, and
 *   {@linkcode conformanceCases}, its cases for any other test runner;
 * - {@linkcode FailingAllocator}: a wrapper that fails the nth allocation (or the ones you
 *   choose), to test the out-of-memory paths of code that allocates.
 *
 * It uses `node:test` and `node:assert` only, so it runs under Deno and Node, not in browsers.
 *
 * @example Checking an allocator and its out-of-memory path
 * ```ts
 * import { alloc, AllocBuffer, noEscape, OutOfMemoryError } from "@x/allocarrays";
 * import { conformanceCases, FailingAllocator } from "@x/allocarrays/testing";
 * import assert from "node:assert/strict";
 *
 * // In a test file: conformanceSuite("AllocBuffer", () => new AllocBuffer(8192));
 * for (const c of conformanceCases(() => new AllocBuffer(8192))) c.run();
 *
 * const inner = new AllocBuffer(1024);
 * const buf = new FailingAllocator(inner, { failAt: 2 });
 * assert.throws(() =>
 *   noEscape(buf, () => {
 *     alloc(buf, Float64Array, 4);
 *     alloc(buf, Float64Array, 4); // fails
 *   }), OutOfMemoryError);
 * assert.equal(inner.used, 0);
 * ```
 *
 * @module
 */

export * from "./conformance.ts";
export * from "./failing_allocator.ts";
