/**
 * Layer 1, the allocators (a port of Bumper.jl): the {@linkcode Allocator} protocol, the
 * buffers, `alloc`, `noEscape` regions and task-local default buffers.
 *
 * @module
 */

export * from "./allocator.ts";
export * from "./dtype.ts";
export * from "./errors.ts";
export * from "./default_allocator.ts";
