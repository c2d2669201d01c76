/**
 * Element-wise operations: broadcasting arithmetic and comparisons ({@linkcode add},
 * {@linkcode less}, …), unary math ({@linkcode exp}, {@linkcode relu}, …), {@linkcode map} and
 * {@linkcode zip} with a callback, and {@linkcode copyTo}.
 *
 * Conventions shared by every array operation:
 *
 * - Inputs are n-d arrays, typed arrays (1-d) and, for the element-wise operations, numbers.
 * - The result is allocated through `similarOf` of the inputs: an `AllocArray` (or
 *   `CheckedAllocArray`) anywhere among them makes the result one, allocated by the current
 *   allocator; otherwise it is a heap `NDArray`.
 * - The last parameter is an optional `out` array: when given, the result is written there
 *   (its shape must be the result's; element types are converted by the typed-array store) and
 *   `out` is returned. `out` may be an input itself (in place); an `out` overlapping an input
 *   in another layout is handled by copying that input first.
 * - Element types: arithmetic keeps the first array operand's type; floating-point math
 *   (`div`, `sqrt`, `exp`, `log`, `sin`, `cos`, `tanh`, `sigmoid`) gives float inputs their
 *   own type and integers `Float64Array`; comparisons give `Uint8Array` (1 or 0). BigInt
 *   arrays are a `TypeError` except in `map`, `zip`, `copyTo`, `transpose` and the shape
 *   operations.
 * - Errors come before anything is allocated or written: `TypeError` for a wrong kind of
 *   argument, `RangeError` for shapes that do not fit; a freed `CheckedAllocArray` input
 *   throws `InvalidMemoryError`.
 *
 * @module
 */

import { describeValue, fmtShape, isBigIntData } from "../../_internal/describe.ts";
import { COPY_ROW, type Data, type Row2, type Row3, run2, run3 } from "../../_internal/loops.ts";
import {
  assign,
  broadcastShapes,
  broadcastStrides,
  floatType,
  numericView,
  operandOf,
  output,
  sameShape,
  unaliased,
  type View,
  viewOf,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { isTypedArray, NDArray } from "../ndarray.ts";
import { BINARY, UNARY } from "./_elementwise_kernels.ts";
import { binaryWasm, MIN_WASM_ELEMENTS } from "./_wasm.ts";
import type {
  ArrayInput,
  ElementsOf,
  FirstElements,
  FloatElements,
  Operand,
  ResultArray,
  Returned,
  ScalarOf,
} from "./operand.ts";

type Rule = "first" | "float" | "bool";

function resultType(first: View, rule: Rule): TypedArrayConstructor {
  const type = first.data.constructor as TypedArrayConstructor;
  return rule === "first" ? type : rule === "float" ? floatType(type) : Uint8Array;
}

// Scalars enter the kernels as one-element arrays read with step 0. The binary kernels never
// call user code, so these two can be shared.
const SCALAR_A = new Float64Array(1);
const SCALAR_B = new Float64Array(1);

interface Walk {
  data: Data;
  offset: number;
  strides: number[];
}

/** How the kernel reads operand `x` while writing `out` (scalars: `scratch`, step 0). */
function walkOf(
  out: View,
  x: View | number | bigint,
  scratch: Data | null,
): Walk {
  if (typeof x === "number" || typeof x === "bigint") {
    const data = scratch ?? ([x] as unknown as Data);
    if (scratch !== null) scratch[0] = x as number;
    return { data, offset: 0, strides: new Array<number>(out.shape.length).fill(0) };
  }
  const st = broadcastStrides(x, out.shape);
  const safe = unaliased(out, x, st);
  return {
    data: safe.data,
    offset: safe.offset,
    strides: safe === x ? st : broadcastStrides(safe, out.shape),
  };
}

function bothScalars(action: string, a: unknown, b: unknown): never {
  throw new TypeError(
    `Cannot ${action}: at least one of a and b must be an array, got ${describeValue(a)} and ${
      describeValue(b)
    }`,
  );
}

function binary(name: string, a: unknown, b: unknown, out: unknown, rule: Rule): unknown {
  const action = `compute ${name}()`;
  const A = operandOf(a, action, "a"), B = operandOf(b, action, "b");
  const first = typeof A === "number" ? B : A;
  if (typeof first === "number") return bothScalars(action, a, b);
  const shape = broadcastShapes(
    typeof A === "number" ? [] : A.shape,
    typeof B === "number" ? [] : B.shape,
    action,
  );
  const res = output([a, b], resultType(first, rule), shape, out, action);
  const o = res.view;
  if (o.size === 0) return res.result;
  if (o.size >= MIN_WASM_ELEMENTS && binaryWasm(name, o, A, B)) return res.result;
  const wa = walkOf(o, A, SCALAR_A), wb = walkOf(o, B, SCALAR_B);
  run3(
    BINARY[name],
    shape,
    o.data,
    o.offset,
    o.strides,
    wa.data,
    wa.offset,
    wa.strides,
    wb.data,
    wb.offset,
    wb.strides,
  );
  return res.result;
}

function unary(name: string, x: unknown, out: unknown, rule: Rule): unknown {
  const action = `compute ${name}()`;
  const X = numericView(x, action, "x");
  const res = output([x], resultType(X, rule), X.shape as number[], out, action);
  const o = res.view;
  if (o.size === 0) return res.result;
  const w = walkOf(o, X, null);
  run2(UNARY[name], o.shape, o.data, o.offset, o.strides, w.data, w.offset, w.strides);
  return res.result;
}

/**
 * Element-wise sum `a + b`, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { add, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(add(m, row).toNested(), [[11, 22, 33], [14, 25, 36]]);
 * ```
 */
export function add<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  return binary("add", a, b, out, "first") as never;
}

/**
 * Element-wise difference `a - b`, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { sub, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(sub(m, row).toNested(), [[-9, -18, -27], [-6, -15, -24]]);
 * ```
 */
export function sub<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  return binary("sub", a, b, out, "first") as never;
}

/**
 * Element-wise product `a * b`, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { mul, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(mul(m, row).toNested(), [[10, 40, 90], [40, 100, 180]]);
 * ```
 */
export function mul<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  return binary("mul", a, b, out, "first") as never;
}

/**
 * Element-wise quotient `a / b`, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type when it is a float type, else `Float64Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { div, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(div(m, row).toNested(), [[0.1, 0.1, 0.1], [0.4, 0.25, 0.2]]);
 * ```
 */
export function div<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FloatElements<FirstElements<A, B>>>> {
  return binary("div", a, b, out, "float") as never;
}

/**
 * Element-wise power `a ** b`, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { pow, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(pow(m, 2).toNested(), [[1, 4, 9], [16, 25, 36]]);
 * ```
 */
export function pow<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  return binary("pow", a, b, out, "first") as never;
}

/**
 * Element-wise minimum `Math.min(a, b)` (NaN wins; see `min` for the reduction), broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { minimum, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(minimum(m, 5).toNested(), [[1, 2, 3], [4, 5, 5]]);
 * ```
 */
export function minimum<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  return binary("minimum", a, b, out, "first") as never;
}

/**
 * Element-wise maximum `Math.max(a, b)` (NaN wins; see `max` for the reduction), broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has the first array operand's element type and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { maximum, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(maximum(m, 3).toNested(), [[3, 3, 3], [4, 5, 6]]);
 * ```
 */
export function maximum<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  return binary("maximum", a, b, out, "first") as never;
}

/**
 * Element-wise `a === b` as 1 or 0, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has `Uint8Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { equal, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(equal(m, 2).toNested(), [[0, 1, 0], [0, 0, 0]]);
 * ```
 */
export function equal<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, Uint8Array>> {
  return binary("equal", a, b, out, "bool") as never;
}

/**
 * Element-wise `a !== b` as 1 or 0, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has `Uint8Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { notEqual, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(notEqual(m, 2).toNested(), [[1, 0, 1], [1, 1, 1]]);
 * ```
 */
export function notEqual<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, Uint8Array>> {
  return binary("notEqual", a, b, out, "bool") as never;
}

/**
 * Element-wise `a < b` as 1 or 0, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has `Uint8Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { less, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(less(m, 3).toNested(), [[1, 1, 0], [0, 0, 0]]);
 * ```
 */
export function less<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, Uint8Array>> {
  return binary("less", a, b, out, "bool") as never;
}

/**
 * Element-wise `a <= b` as 1 or 0, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has `Uint8Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { lessEqual, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(lessEqual(m, 3).toNested(), [[1, 1, 1], [0, 0, 0]]);
 * ```
 */
export function lessEqual<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, Uint8Array>> {
  return binary("lessEqual", a, b, out, "bool") as never;
}

/**
 * Element-wise `a > b` as 1 or 0, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has `Uint8Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { greater, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(greater(m, 3).toNested(), [[0, 0, 0], [1, 1, 1]]);
 * ```
 */
export function greater<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, Uint8Array>> {
  return binary("greater", a, b, out, "bool") as never;
}

/**
 * Element-wise `a >= b` as 1 or 0, broadcasting `a` and `b` by NumPy's rule. Either may be a number; at least one
 * must be an array. The result has `Uint8Array` and is allocated like
 * `similarOf([a, b])` (an `AllocArray` operand makes it an `AllocArray` from the current
 * allocator), or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param out Where to write the result (its shape must be the broadcast shape); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not a number or array, holds bigints, both are
 * numbers, or `out` holds bigints.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Broadcasting a matrix against a row or a number
 * ```ts
 * import { greaterEqual, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(greaterEqual(m, 3).toNested(), [[0, 0, 1], [1, 1, 1]]);
 * ```
 */
export function greaterEqual<
  A extends Operand,
  B extends Operand,
  O extends ArrayInput | null | undefined = undefined,
>(a: A, b: B, out?: O): Returned<O, ResultArray<A | B, Uint8Array>> {
  return binary("greaterEqual", a, b, out, "bool") as never;
}

/**
 * Element-wise negation `-x`. The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { neg } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = neg(new Float64Array([1, -4, 0.25]));
 * const expected = [-1, 4, -0.25];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function neg<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("neg", x, out, "first") as never;
}

/**
 * Element-wise absolute value. The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { abs } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = abs(new Float64Array([1, -4, 0.25]));
 * const expected = [1, 4, 0.25];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function abs<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("abs", x, out, "first") as never;
}

/**
 * Element-wise sign (-1, 0 or 1; NaN stays NaN). The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { sign } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sign(new Float64Array([1, -4, 0.25]));
 * const expected = [1, -1, 1];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function sign<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("sign", x, out, "first") as never;
}

/**
 * Element-wise square `x * x`. The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { square } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = square(new Float64Array([1, -4, 0.25]));
 * const expected = [1, 16, 0.0625];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function square<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("square", x, out, "first") as never;
}

/**
 * Element-wise square root (NaN for negative elements). The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { sqrt } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sqrt(new Float64Array([1, -4, 0.25]));
 * const expected = [1, NaN, 0.5];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function sqrt<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("sqrt", x, out, "float") as never;
}

/**
 * Element-wise natural exponential. The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { exp } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = exp(new Float64Array([1, -4, 0.25]));
 * const expected = [Math.exp(1), Math.exp(-4), Math.exp(0.25)];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export function exp<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("exp", x, out, "float") as never;
}

/**
 * Element-wise natural logarithm (NaN for negative elements). The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { log } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = log(new Float64Array([1, -4, 0.25]));
 * const expected = [0, NaN, Math.log(0.25)];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function log<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("log", x, out, "float") as never;
}

/**
 * Element-wise sine (radians). The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { sin } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sin(new Float64Array([1, -4, 0.25]));
 * const expected = [Math.sin(1), Math.sin(-4), Math.sin(0.25)];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export function sin<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("sin", x, out, "float") as never;
}

/**
 * Element-wise cosine (radians). The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { cos } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = cos(new Float64Array([1, -4, 0.25]));
 * const expected = [Math.cos(1), Math.cos(-4), Math.cos(0.25)];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export function cos<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("cos", x, out, "float") as never;
}

/**
 * Element-wise hyperbolic tangent. The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { tanh } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = tanh(new Float64Array([1, -4, 0.25]));
 * const expected = [Math.tanh(1), Math.tanh(-4), Math.tanh(0.25)];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export function tanh<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("tanh", x, out, "float") as never;
}

/**
 * Element-wise logistic sigmoid `1 / (1 + exp(-x))`, computed without overflow. The result has `x`'s element type when it is a float type, else `Float64Array` and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { sigmoid } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sigmoid(new Float64Array([1, -4, 0.25]));
 * const expected = [1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(4)), 1 / (1 + Math.exp(-0.25))];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export function sigmoid<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  return unary("sigmoid", x, out, "float") as never;
}

/**
 * Element-wise rectifier `max(x, 0)` (NaN stays NaN). The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { relu } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = relu(new Float64Array([1, -4, 0.25]));
 * const expected = [1, 0, 0.25];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function relu<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("relu", x, out, "first") as never;
}

/**
 * Element-wise floor. The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { floor } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = floor(new Float64Array([1, -4, 0.25]));
 * const expected = [1, -4, 0];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function floor<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("floor", x, out, "first") as never;
}

/**
 * Element-wise ceiling. The result has `x`'s element type and is allocated like `similar(x)`
 * (an `AllocArray` gives an `AllocArray` from the current allocator), or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param out Where to write the result (same shape as `x`; may be `x` itself); omitted or
 * `null` to allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `out` holds bigints.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { ceil } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = ceil(new Float64Array([1, -4, 0.25]));
 * const expected = [1, -4, 1];
 * assert.deepEqual([...y], expected);
 * ```
 */
export function ceil<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  return unary("ceil", x, out, "first") as never;
}

function badReturn(action: string, v: unknown, big: boolean): never {
  throw new TypeError(
    `Cannot ${action}: fn must return a ${big ? "bigint" : "number"}, got ${describeValue(v)}`,
  );
}

/**
 * Applies `fn` to every element of `x` (row-major order) and stores what it returns. The
 * result has `x`'s element type (a bigint type included: then `fn` returns bigints) and is
 * allocated like `similar(x)`, or written into `out`. Slower than the built-in operations (a
 * call per element); use it for what they do not cover.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The array.
 * @param fn Called with each element; returns the result element (a number, or a bigint for
 * bigint results).
 * @param out Where to write the result (same shape as `x`; may be `x`); omitted or `null` to
 * allocate one.
 * @returns `out`, or a new array of `x`'s shape.
 * @throws {TypeError} When `x` is not an array, `fn` is not a function, `out` has the other
 * element kind, or `fn` returns the wrong kind of value (elements before it are written).
 * @throws {RangeError} When `out` has another shape.
 *
 * @example Clamping
 * ```ts
 * import { map } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = map(new Float64Array([-2, 0.5, 3]), (v) => Math.min(Math.max(v, 0), 1));
 * assert.deepEqual([...y], [0, 0.5, 1]);
 * ```
 */
export function map<X extends ArrayInput, O extends ArrayInput | null | undefined = undefined>(
  x: X,
  fn: (value: ScalarOf<X>) => number | bigint,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  const action = "compute map()";
  const X = viewOf(x, action, "x");
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot ${action}: fn must be a function, got ${describeValue(fn)}`);
  }
  const res = output([x], X.data.constructor as TypedArrayConstructor, [...X.shape], out, action);
  const o = res.view;
  if (o.size === 0) return res.result as never;
  const big = isBigIntData(o.data);
  const f = fn as (v: unknown) => unknown;
  const row: Row2 = (od, oo, os, xd, xo, xs, n) => {
    for (let i = 0; i < n; i++, oo += os, xo += xs) {
      const v = f(xd[xo]);
      if ((typeof v === "bigint") !== big || typeof v !== "number" && !big) {
        badReturn(action, v, big);
      }
      od[oo] = v as number;
    }
  };
  const w = walkOf(o, X, null);
  run2(row, o.shape, o.data, o.offset, o.strides, w.data, w.offset, w.strides);
  return res.result as never;
}

function zipOperand(x: unknown, action: string, name: string): View | number | bigint {
  if (typeof x === "number" || typeof x === "bigint") return x;
  if (x instanceof NDArray || isTypedArray(x)) return viewOf(x, action, name);
  throw new TypeError(
    `Cannot ${action}: ${name} must be a number, bigint, typed array or NDArray, got ${
      describeValue(x)
    }`,
  );
}

/**
 * Applies `fn` to the pairs of elements of `a` and `b`, broadcast by NumPy's rule (either may
 * be a number or bigint; at least one must be an array). The result has the first array
 * operand's element type and is allocated like `similarOf([a, b])`, or written into `out`.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam O The type of `out`, when given.
 * @param a The first operand.
 * @param b The second operand.
 * @param fn Called with each pair; returns the result element.
 * @param out Where to write the result (the broadcast shape); omitted or `null` to allocate.
 * @returns `out`, or a new array of the broadcast shape.
 * @throws {TypeError} When an operand is not an array or scalar, both are scalars, `fn` is not
 * a function, or `fn` returns the wrong kind of value (elements before it are written).
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example A hypotenuse table
 * ```ts
 * import { NDArray, zip } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const col = new NDArray(new Float64Array([3, 5]), [2, 1]);
 * const row = new Float64Array([4, 12]);
 * assert.deepEqual(zip(col, row, Math.hypot).toNested(), [[5, Math.hypot(3, 12)], [Math.hypot(5, 4), 13]]);
 * ```
 */
export function zip<
  A extends Operand | bigint,
  B extends Operand | bigint,
  O extends ArrayInput | null | undefined = undefined,
>(
  a: A,
  b: B,
  fn: (x: ScalarOf<A>, y: ScalarOf<B>) => number | bigint,
  out?: O,
): Returned<O, ResultArray<A | B, FirstElements<A, B>>> {
  const action = "compute zip()";
  const A = zipOperand(a, action, "a"), B = zipOperand(b, action, "b");
  const first = typeof A === "object" ? A : B;
  if (typeof first !== "object") return bothScalars(action, a, b);
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot ${action}: fn must be a function, got ${describeValue(fn)}`);
  }
  const shape = broadcastShapes(
    typeof A === "object" ? A.shape : [],
    typeof B === "object" ? B.shape : [],
    action,
  );
  const res = output([a, b], first.data.constructor as TypedArrayConstructor, shape, out, action);
  const o = res.view;
  if (o.size === 0) return res.result as never;
  const big = isBigIntData(o.data);
  const f = fn as (x: unknown, y: unknown) => unknown;
  const row: Row3 = (od, oo, os, ad, ao, as, bd, bo, bs, n) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) {
      const v = f(ad[ao], bd[bo]);
      if ((typeof v === "bigint") !== big || typeof v !== "number" && !big) {
        badReturn(action, v, big);
      }
      od[oo] = v as number;
    }
  };
  const wa = walkOf(o, A, null), wb = walkOf(o, B, null);
  run3(
    row,
    shape,
    o.data,
    o.offset,
    o.strides,
    wa.data,
    wa.offset,
    wa.strides,
    wb.data,
    wb.offset,
    wb.strides,
  );
  return res.result as never;
}

/**
 * Copies `src` into `out`, broadcasting `src` to `out`'s shape (NumPy's `copyto`) and
 * converting element types by the typed-array store. A number (or bigint) fills `out`. This is
 * the `out` form of `copy`: how results are moved into preallocated memory, e.g. predictions
 * into a heap array before the allocator is reset.
 *
 * @typeParam O The type of `out`.
 * @param src The array (or scalar) to copy.
 * @param out Where to write: an array `src` broadcasts to.
 * @returns `out`.
 * @throws {TypeError} When `src` or `out` is not an array (or `src` a scalar), or one holds
 * bigints and the other numbers.
 * @throws {RangeError} When `src` does not broadcast to `out`'s shape.
 *
 * @example Filling a row of a preallocated matrix
 * ```ts
 * import { copyTo, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const table = new NDArray(new Float32Array(6), [2, 3]);
 * copyTo(new Float64Array([1, 2, 3]), table.pick(1));
 * copyTo(7, table.pick(0, 0));
 * assert.deepEqual(table.toNested(), [[7, 0, 0], [1, 2, 3]]);
 * ```
 */
export function copyTo<O extends ArrayInput>(src: Operand | bigint, out: O): O {
  const action = "compute copyTo()";
  const S = zipOperand(src, action, "src");
  const o = viewOf(out, action, "out");
  const srcBig = typeof S === "object" ? isBigIntData(S.data) : typeof S === "bigint";
  if (srcBig !== isBigIntData(o.data)) {
    throw new TypeError(
      `Cannot ${action}: src holds ${
        srcBig ? "bigint" : "number"
      } elements and out ${o.data.constructor.name} elements`,
    );
  }
  if (typeof S === "object") {
    const shape = broadcastShapes(S.shape, o.shape, action);
    if (!sameShape(shape, o.shape)) {
      throw new RangeError(
        `Cannot ${action}: src of shape ${fmtShape(S.shape)} does not broadcast to out's shape ${
          fmtShape(o.shape)
        }`,
      );
    }
    assign(o, S);
  } else if (o.size > 0) {
    const w = walkOf(o, S, null);
    run2(COPY_ROW, o.shape, o.data, o.offset, o.strides, w.data, w.offset, w.strides);
  }
  return out;
}
