/**
 * Operations on n-d arrays and typed arrays: broadcasting element-wise arithmetic, comparisons
 * and math, `map`/`zip` with a callback, reductions, matrix products and shape operations.
 * Every result is allocated through `similarOf` of the inputs, so an `AllocArray` among them
 * makes the result an `AllocArray` from the current allocator; each operation can also write
 * into an `out` array instead.
 *
 * @module
 */

export * from "./operand.ts";
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./linalg.ts";
export * from "./shape_ops.ts";
