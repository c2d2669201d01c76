/**
 * Layer 3, the arrays (a port of AllocArrays.jl): n-d arrays whose `similar` allocates from the
 * current allocator, checked arrays, array allocators and operations.
 *
 * @module
 */

export * from "./ndarray.ts";
export * from "./alloc_array.ts";
export * from "./similar.ts";
export * from "./checked_alloc_array.ts";
export * from "./bumper_allocator.ts";
export * from "./adapt.ts";
export * from "./transfer.ts";
export * from "./operand.ts";
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./linalg.ts";
export * from "./shape_ops.ts";
export * from "./nn.ts";
