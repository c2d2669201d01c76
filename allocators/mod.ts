/**
 * Layer 1, the allocators (a port of Bumper.jl): the {@linkcode Allocator} protocol, the
 * buffers ({@linkcode AllocBuffer}, {@linkcode SlabBuffer}, {@linkcode ResizeBuffer}, and
 * {@linkcode SharedAllocBuffer} for Workers),
 * {@linkcode alloc}, {@linkcode noEscape} regions and their `using` form {@linkcode region},
 * and task-local default buffers ({@linkcode defaultBuffer}, {@linkcode withBuffer},
 * {@linkcode resetBuffer}).
 *
 * @example A region on the default buffer
 * ```ts
 * import { alloc, noEscape } from "@x/allocarrays/allocators";
 * import assert from "node:assert/strict";
 *
 * const sum = noEscape(() => {
 *   const y = alloc(Float64Array, 3);
 *   y.set([2, 3, 4]);
 *   return y[0] + y[1] + y[2];
 * });
 * assert.equal(sum, 9);
 * ```
 *
 * @module
 */

export * from "./allocator.ts";
export * from "./memory_validity.ts";
export * from "./dtype.ts";
export * from "./errors.ts";
export * from "./checkpoint.ts";
export * from "./alloc_buffer.ts";
export * from "./shared_alloc_buffer.ts";
export * from "./slab_buffer.ts";
export * from "./resize_buffer.ts";
export * from "./alloc.ts";
export * from "./region.ts";
export * from "./default_buffer.ts";
export * from "./default_allocator.ts";
export * from "./autoscaling_alloc_buffer.ts";
export * from "./wasm_alloc_buffer.ts";
export * from "./validating_allocator.ts";
