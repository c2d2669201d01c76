/**
 * allocarrays: bump/arena allocation for typed-array code.
 *
 * - Allocators (Bumper.jl): the `Allocator` protocol, `AllocBuffer`, `SlabBuffer`,
 *   `ResizeBuffer`, `AutoscalingAllocBuffer`, `alloc`, `noEscape` regions and task-local default
 *   buffers.
 * - Scope: `withAllocator(allocator, fn)` makes an allocator current for everything `fn` does,
 *   across `await`.
 * - Arrays (AllocArrays.jl): `AllocArray`, whose `similar` allocates from the current allocator,
 *   `CheckedAllocArray`, `BumperAllocator`, `reset`, and array operations.
 *
 * @example Allocation in a region
 * ```ts
 * import { alloc, AllocBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer();
 * const sum = noEscape(buf, () => {
 *   const y = alloc(buf, Float64Array, 3);
 *   y.set([2, 3, 4]);
 *   return y.reduce((a, b) => a + b, 0);
 * });
 * assert.equal(sum, 9);
 * ```
 *
 * @module
 */

export * from "./allocators/mod.ts";
export * from "./scope/mod.ts";
export * from "./arrays/mod.ts";
export * from "./arrays/ops/mod.ts";
export * from "./arrays/nn/mod.ts";
