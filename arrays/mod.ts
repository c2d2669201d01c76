/**
 * Layer 3, the arrays (a port of AllocArrays.jl): n-d arrays whose `similar` allocates from the
 * current allocator, checked arrays, array allocators and operations.
 *
 * @module
 */

export * from "./ndarray.ts";
export * from "./alloc_array.ts";
export * from "./similar.ts";
