/**
 * Operations on n-d arrays and typed arrays: broadcasting element-wise arithmetic, comparisons
 * and math, `map`/`zip` with a callback, reductions, matrix products and shape operations.
 *
 * Conventions every operation here and in `./arrays/nn` follows:
 *
 * - **Arguments.** At most two required arguments (`add(a, b)`, `sum(x)`, `reshape(x, shape)`,
 *   `conv2d(x, weight)`), then one options object: `sum(x, { axis: 0 })`,
 *   `conv2d(x, w, { bias, stride: 2, activation: "relu" })`. A misspelt or unknown option is a
 *   `TypeError` that names it.
 * - **`out`.** Every operation that returns an array takes an `out` option: the result is
 *   written there (its shape must be the result's; element types are converted by the
 *   typed-array store) and `out` is returned, typed as `out`. `out` may be an input itself
 *   (in place); an `out` overlapping an input in another layout is handled by copying that
 *   input first. Where `out` is the only option given, the array itself stands for the
 *   options object: `add(a, b, out)` is `add(a, b, { out })` and allocates no options object,
 *   which matters in loops over small arrays.
 * - **Inputs.** n-d arrays, typed arrays (1-d) and, for the element-wise operations, numbers.
 * - **Allocation.** A result is allocated through `similarOf` of the inputs: an `AllocArray`
 *   (or `CheckedAllocArray`) anywhere among them makes the result one, allocated by the
 *   current allocator; otherwise it is a heap `NDArray`.
 * - **Errors** come before anything is allocated or written: `TypeError` for a wrong kind of
 *   argument or option, `RangeError` for shapes and values out of range; a freed
 *   `CheckedAllocArray` input throws `InvalidMemoryError`.
 * - **Speed.** Element-wise operations and reductions over all elements on operands that are
 *   each one contiguous run of one element type and shape (or numbers), into such an `out` or
 *   a new array, run as a direct loop over the data (a loop per element type) and allocate
 *   nothing but their result; other layouts take a general strided path. Sums are pairwise.
 *
 * @example Options, `out` and its shorthand
 * ```ts
 * import { add, NDArray, sum } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2], [3, 4]]);
 * const cols = new NDArray(new Float64Array(2), [2]);
 * assert.equal(sum(m, { axis: 0, out: cols }), cols);
 * assert.deepEqual(cols.toNested(), [4, 6]);
 * const out = new NDArray(new Float64Array(4), [2, 2]);
 * add(m, 1, out); // add(m, 1, { out })
 * assert.deepEqual(out.toNested(), [[2, 3], [4, 5]]);
 * assert.throws(() => add(m, 1, { ot: out } as never), /unknown option "ot"/);
 * ```
 *
 * @module
 */

export * from "./operand.ts";
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./linalg.ts";
export * from "./shape_ops.ts";
