/**
 * {@linkcode alloc}: typed arrays from an allocator's memory.
 *
 * @module
 */

import { allocIn } from "../_internal/alloc_in.ts";
import { currentFrame } from "../_internal/async_context.ts";
import { type Bump, coreOf } from "../_internal/bump.ts";
import { describeValue } from "../_internal/describe.ts";
import { checkDims, elementSize, isLastElementType } from "../_internal/validate.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator } from "./allocator.ts";
import { defaultBuffer } from "./default_buffer.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";

interface Unchecked {
  [allocViewUnchecked]?: (type: TypedArrayConstructor, n: number) => TypedArray;
}

/**
 * An uninitialised typed array of `prod(dims)` elements of `type`, in `buf`'s memory, aligned to
 * the element size (Bumper.jl's `alloc!`/`@alloc`). Without `buf`, the current
 * {@linkcode defaultBuffer}. The array lives until the enclosing {@linkcode noEscape} region
 * ends (or the buffer is reset): do not keep it longer.
 *
 * The result is a flat typed array; the dimensions only give its length (n-d arrays over
 * allocator memory are the arrays layer's). No dimensions means one element (a 0-d array); a
 * zero dimension gives an empty view. The memory is *not* zeroed: it holds whatever an earlier,
 * freed allocation left there.
 *
 * @typeParam T The typed array made.
 * @param buf The allocator (optional: the default buffer when omitted).
 * @param type The element type: a typed-array constructor such as `Float64Array`.
 * @param dims The dimensions; their product is the length.
 * @returns A view of `prod(dims)` elements.
 * @throws {TypeError} When `type` is not a typed-array constructor (`Array`, `DataView`,
 * `"f64"`, …), `buf` is not an allocator, or a dimension is not a number.
 * @throws {RangeError} When a dimension is negative, fractional, NaN, infinite or unsafe, or
 * the byte count is not a safe integer.
 * @throws {OutOfMemoryError} When the allocator cannot provide the memory (it is unchanged).
 * @throws {TypeError|RangeError} When an allocator written by a user answers wrongly (see
 * {@linkcode Allocator}): the error names it and what it returned.
 * @throws {ReferenceError} When `buf` is the default buffer of a `noEscape(async fn)` task that
 * has settled (work the task left running), see {@linkcode noEscape}.
 *
 * @example With an explicit buffer
 * ```ts
 * import { alloc, AllocBuffer, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * noEscape(buf, () => {
 *   const m = alloc(buf, Float32Array, 3, 4);
 *   assert.ok(m instanceof Float32Array);
 *   assert.equal(m.length, 12);
 *   assert.equal(m.buffer, buf.memory);
 * });
 * ```
 *
 * @example With the default buffer (Bumper.jl's `f(x)`)
 * ```ts
 * import { alloc, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * function f(x: ArrayLike<number>): number {
 *   return noEscape(() => {
 *     const y = alloc(Float64Array, x.length);
 *     for (let i = 0; i < x.length; i++) y[i] = x[i] + 1;
 *     return y.reduce((a, b) => a + b, 0);
 *   });
 * }
 * assert.equal(f([1, 2, 3]), 9);
 * ```
 */
export function alloc<T extends TypedArray>(
  buf: Allocator,
  type: TypedArrayConstructor<T>,
  ...dims: number[]
): T;
/**
 * An uninitialised typed array of `prod(dims)` elements of `type` from the current
 * {@linkcode defaultBuffer}: `alloc(defaultBuffer(), type, ...dims)`. See the form with a
 * buffer for the details.
 *
 * @typeParam T The typed array made.
 * @param type The element type: a typed-array constructor such as `Float64Array`.
 * @param dims The dimensions; their product is the length (none: one element).
 * @returns A view of `prod(dims)` elements of the default buffer.
 * @throws {TypeError} When `type` is not a typed-array constructor or a dimension is not a
 * number.
 * @throws {RangeError} When a dimension is negative, fractional, NaN, infinite or unsafe.
 * @throws {OutOfMemoryError} When the default buffer cannot provide the memory.
 *
 * @example Inside a region on the default buffer
 * ```ts
 * import { alloc, noEscape } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const n = noEscape(() => alloc(Uint8Array, 2, 3).length);
 * assert.equal(n, 6);
 * ```
 */
export function alloc<T extends TypedArray>(type: TypedArrayConstructor<T>, ...dims: number[]): T;
export function alloc(a: unknown, ...rest: unknown[]): TypedArray {
  // The fast path, kept small so that it inlines into the caller: alloc(buf, type, n) on a
  // buffer with a bump core (every built-in buffer, and the allocators over them), or
  // alloc(type, n) on a default buffer whose core the task's slot has noted, with the element
  // type seen last and a count below 2^32: a few compares, then the core's arithmetic, the same
  // code for every buffer class, so this call site stays monomorphic. Both forms reach the one
  // call below (V8 inlines every branch a call site's feedback has seen), and `rest` is not
  // passed on from here, so that V8 need not make it.
  let core: Bump | undefined, type: unknown, n: unknown;
  if (rest.length === 2) {
    core = coreOf(a);
    type = rest[0];
    n = rest[1];
  } else if (rest.length === 1) {
    core = currentFrame().task.core;
    type = a;
    n = rest[0];
  }
  if (core !== undefined && isLastElementType(type) && typeof n === "number" && n >>> 0 === n) {
    return core.view(type as TypedArrayConstructor, n);
  }
  return allocOther(a, rest);
}

// alloc(buf, type, n) on allocators without a core, alloc(type, n) on a default buffer whose
// core is not noted, and everything to validate (an element type other than the last one seen
// included).
function allocOther(a: unknown, rest: unknown[]): TypedArray {
  if (rest.length === 2 && typeof a === "object" && a !== null) {
    const type = rest[0], n = rest[1];
    if (isLastElementType(type) && typeof n === "number" && n >>> 0 === n) {
      return allocView(a as Allocator, type as TypedArrayConstructor, n);
    }
  } else if (rest.length === 1) {
    const n = rest[0];
    if (isLastElementType(a) && typeof n === "number" && n >>> 0 === n) {
      return allocView(defaultBuffer(), a as TypedArrayConstructor, n);
    }
  }
  return allocSlow(a, rest);
}

// A view of `n` elements of `type` (both valid) from `buf`: through its bump core, its unchecked
// allocation, or its allocator protocol.
function allocView(buf: Allocator, type: TypedArrayConstructor, n: number): TypedArray {
  const core = coreOf(buf);
  if (core !== undefined) return core.view(type, n);
  const unchecked = (buf as Unchecked)[allocViewUnchecked];
  if (unchecked !== undefined) return unchecked.call(buf, type, n);
  return allocIn(buf, type, n);
}

function allocSlow(a: unknown, rest: unknown[]): TypedArray {
  let buf: Allocator;
  let type: unknown;
  let n: number;
  if (typeof a === "function") {
    // alloc(type, ...dims)
    type = a;
    elementSize(type, "allocate");
    n = checkDims(rest, "allocate");
    buf = defaultBuffer();
  } else {
    if (typeof a !== "object" || a === null) {
      throw new TypeError(
        `Cannot allocate: expected an allocator or an element type, got ${describeValue(a)}`,
      );
    }
    buf = a as Allocator;
    type = rest[0];
    elementSize(type, "allocate");
    n = checkDims(rest.slice(1), "allocate");
  }
  return allocIn(buf, type as TypedArrayConstructor, n);
}
