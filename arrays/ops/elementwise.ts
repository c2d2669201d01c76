/**
 * Element-wise operations: broadcasting arithmetic and comparisons ({@linkcode add},
 * {@linkcode less}, …), unary math ({@linkcode exp}, {@linkcode relu}, …), {@linkcode map} and
 * {@linkcode zip} with a callback, and {@linkcode copyTo}.
 *
 * Element types: arithmetic keeps the first array operand's type; floating-point math (`div`,
 * `sqrt`, `exp`, `log`, `sin`, `cos`, `tanh`, `sigmoid`) gives float inputs their own type and
 * integers `Float64Array`; comparisons give `Uint8Array` (1 or 0). BigInt arrays are a
 * `TypeError` except in `map`, `zip` and `copyTo`. The conventions every operation follows
 * (options, `out`, allocation, errors) are in the `./arrays/ops` module documentation.
 *
 * @module
 */

import { describeValue, fmtShape, isBigIntData } from "../../_internal/describe.ts";
import { COPY_ROW, type Data, type Row, walk } from "../../_internal/loops.ts";
import {
  apart,
  assign,
  broadcastShapes,
  broadcastStrides,
  fastOut,
  fastOutOrOptions,
  floatType,
  NOT_FAST,
  numericView,
  operandOf,
  optionsOf,
  OUT_KEYS,
  outOf,
  output,
  relayout,
  resultOf,
  sameShape,
  stronger,
  unaliased,
  type View,
  viewOf,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { isTypedArray, NDArray } from "../ndarray.ts";
import { similar } from "../similar.ts";
import { BINARY, UNARY } from "./_elementwise_kernels.ts";
import { anyWasmMemory } from "../../_internal/wasm.ts";
import { type BinaryKernels, kindOf, type UnaryKernels } from "./_kernel_types.ts";
import { binaryWasm, MIN_WASM_ELEMENTS } from "./_wasm.ts";
import type {
  ArrayInput,
  ElementRule,
  ElementsOf,
  FirstElements,
  Operand,
  OutOf,
  OutOptions,
  ResultArray,
  ResultElements,
  Returned,
  ScalarOf,
} from "./operand.ts";

/**
 * The signature of the broadcasting binary operations ({@linkcode add}, {@linkcode div},
 * {@linkcode less}, …): `(a, b, options?)`. `a` and `b` are arrays or numbers (at least one an
 * array); `options` is `{ out }` or the `out` array itself. The result is `out` when given,
 * else a new array of the strongest operand's kind ({@linkcode ResultArray}) whose elements
 * follow from the first array operand's by `R`.
 *
 * @typeParam R How the result's element type follows from the first array operand's.
 *
 * @example Typing a function that takes any arithmetic operation
 * ```ts
 * import { add, type BinaryOp, mul, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const fold = (op: BinaryOp, xs: NDArray<Float64Array>[]) => xs.reduce((p, q) => op(p, q));
 * const xs = [1, 2, 3].map((v) => NDArray.fromNested([v, v]));
 * assert.deepEqual(fold(add, xs).toNested(), [6, 6]);
 * assert.deepEqual(fold(mul, xs).toNested(), [6, 6]);
 * ```
 */
export type BinaryOp<R extends ElementRule = "same"> = <
  A extends Operand,
  B extends Operand,
  const P extends OutOptions | ArrayInput | null | undefined = undefined,
>(
  a: A,
  b: B,
  options?: P,
) => Returned<OutOf<P>, ResultArray<A | B, ResultElements<R, FirstElements<A, B>>>>;

/**
 * The signature of the element-wise unary operations ({@linkcode neg}, {@linkcode exp},
 * {@linkcode relu}, …): `(x, options?)`, `options` being `{ out }` or the `out` array itself.
 * The result is `out` when given, else a new array of `x`'s kind and shape whose elements
 * follow from `x`'s by `R`.
 *
 * @typeParam R How the result's element type follows from `x`'s.
 *
 * @example Applying a chosen activation in place
 * ```ts
 * import { NDArray, relu, tanh, type UnaryOp } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const activations: Record<string, UnaryOp | UnaryOp<"float">> = { relu, tanh };
 * const x = NDArray.fromNested([-1, 2]);
 * activations.relu(x, x);
 * assert.deepEqual(x.toNested(), [0, 2]);
 * ```
 */
export type UnaryOp<R extends ElementRule = "same"> = <
  X extends ArrayInput,
  const P extends OutOptions | ArrayInput | null | undefined = undefined,
>(
  x: X,
  options?: P,
) => Returned<OutOf<P>, ResultArray<X, ResultElements<R, ElementsOf<X>>>>;

function resultType(first: View, rule: ElementRule): TypedArrayConstructor {
  const type = first.data.constructor as TypedArrayConstructor;
  return rule === "same" ? type : rule === "float" ? floatType(type) : Uint8Array;
}

/**
 * The result element type of element kind `kind` (see `kindOf`) under `rule`, for the fast path:
 * null for the input's own type (what `similar` allocates without being told).
 */
function fastResultType(kind: number, rule: ElementRule): TypedArrayConstructor | null {
  if (rule === "same") return null;
  if (rule === "float") return kind === 0 || kind === 1 || kind === 9 ? null : Float64Array;
  return kind === 3 ? null : Uint8Array;
}

// Scalars enter the strided kernels as one-element arrays read with step 0. The binary kernels
// never call user code, so these two views (and their arrays) can be shared.
const ZEROS: readonly number[] = Object.freeze(new Array<number>(32).fill(0));
const scalarView = (): View => ({
  data: new Float64Array(1),
  shape: ZEROS,
  strides: ZEROS,
  offset: 0,
  size: 1,
});
const SCALAR_A = scalarView(), SCALAR_B = scalarView();

/**
 * How a kernel writing `out` reads operand `x`: `x` itself when it has `out`'s shape and shares
 * no memory with it in another layout (nothing allocated), a broadcast layout of it, a copy of it
 * when it overlaps `out`, or for a number `scalar` holding it (`null`: a new one, for the
 * callbacks of map and zip, which may run operations themselves).
 */
function walkOf(out: View, x: View | number | bigint, scalar: View | null): View {
  if (typeof x === "number" || typeof x === "bigint") {
    if (scalar !== null) {
      scalar.data[0] = x as number;
      return scalar;
    }
    const nd = out.shape.length;
    const zeros = nd <= ZEROS.length ? ZEROS : new Array<number>(nd).fill(0);
    return { data: [x] as unknown as Data, shape: out.shape, strides: zeros, offset: 0, size: 1 };
  }
  const st = broadcastStrides(x, out.shape);
  const safe = unaliased(out, x, st);
  const s = safe === x ? st : broadcastStrides(safe, out.shape);
  return s === safe.strides ? safe : relayout(safe, out.shape, s);
}

function bothScalars(action: string, names: string, a: unknown, b: unknown): never {
  throw new TypeError(
    `Cannot ${action}: at least one of ${names} must be an array, got ${describeValue(a)} and ${
      describeValue(b)
    }`,
  );
}

/**
 * The fast path of a binary operation: the operands are numbers or arrays of one element kind
 * and shape that are each one contiguous run of their data (at least one an array), and `out`
 * (if given) is such an array of the result's element type that shares no memory with them
 * or is one of them exactly. Runs the element kind's contiguous kernel directly and returns
 * the result, allocating nothing but the result itself; {@linkcode NOT_FAST} for everything
 * else, which the general engine handles (and reports when it is wrong).
 *
 * This is where it is decided which kernel runs: a WebAssembly kernel when WebAssembly memory
 * is in use and the result lies there (see `wasmBinary`), else the kernels of the first array
 * operand's element kind (`kindOf`), over arrays, an array and a scalar, or a scalar and an
 * array.
 */
function fastBinary(
  name: string,
  k: BinaryKernels,
  a: unknown,
  b: unknown,
  out: unknown,
  rule: ElementRule,
): unknown {
  const scalarA = typeof a === "number";
  const first = scalarA ? b : a;
  // The first array operand: its data, where it starts, its size and (n-d arrays) its shape.
  // Each operand is classified once (typed array, or contiguous n-d array), and the checks
  // that follow use that: this path runs in a few tens of nanoseconds.
  let fd: Data, fo = 0, n: number, shape: readonly number[] | null = null;
  if (ArrayBuffer.isView(first)) {
    fd = first as Data;
    n = fd.length;
  } else if (first instanceof NDArray && first.isContiguous) {
    fd = first.data as Data;
    fo = first.offset;
    n = first.size;
    shape = first.shape;
    if (fo + n > fd.length) return NOT_FAST; // detached or shrunk memory: the general path says so
  } else return NOT_FAST;
  const type = fd.constructor, kind = kindOf(type);
  if (kind < 0) return NOT_FAST;
  const scalarB = !scalarA && typeof b === "number", both = !scalarA && !scalarB;
  let sd = fd, so = 0;
  if (both) {
    if (ArrayBuffer.isView(b)) {
      sd = b as Data;
      if (sd.constructor !== type || sd.length !== n || shape !== null && shape.length !== 1) {
        return NOT_FAST;
      }
    } else if (b instanceof NDArray && b.isContiguous) {
      sd = b.data as Data;
      so = b.offset;
      const s = b.shape;
      if (
        sd.constructor !== type || so + n > sd.length ||
        (shape === null ? s.length !== 1 || s[0] !== n : s !== shape && !sameShape(s, shape))
      ) return NOT_FAST;
    } else return NOT_FAST;
  }
  const dtype = fastResultType(kind, rule);
  let result: unknown, od: Data, oo = 0;
  if (out === undefined) {
    const r = similar(stronger(a, b) as NDArray, dtype);
    result = r;
    od = r.data as Data;
    oo = r.offset;
  } else {
    let oa: NDArray | null = null;
    if (ArrayBuffer.isView(out)) {
      od = out as Data;
      if (
        od.constructor !== (dtype ?? type) || od.length !== n ||
        shape !== null && shape.length !== 1
      ) return NOT_FAST;
    } else if (out instanceof NDArray && out.isContiguous) {
      od = out.data as Data;
      oo = out.offset;
      const s = out.shape;
      if (
        od.constructor !== (dtype ?? type) || oo + n > od.length ||
        (shape === null ? s.length !== 1 || s[0] !== n : s !== shape && !sameShape(s, shape))
      ) return NOT_FAST;
      oa = out;
    } else return NOT_FAST;
    // Writing out element by element must not overwrite an operand element not yet read.
    if (!apart(od, oo, oa, fd, fo, shape === null ? null : first as NDArray, n)) return NOT_FAST;
    if (
      both && (sd !== fd || so !== fo) &&
      !apart(od, oo, oa, sd, so, ArrayBuffer.isView(b) ? null : b as NDArray, n)
    ) return NOT_FAST;
    result = out;
  }
  if (n >= MIN_WASM_ELEMENTS && anyWasmMemory() && wasmBinary(name, result, a, b)) return result;
  if (scalarA) k.scalarFirst[kind](n, od, oo, fd, fo, a);
  else if (scalarB) k.arrayScalar[kind](n, od, oo, fd, fo, b);
  else k.arrays[kind](n, od, oo, fd, fo, sd, so);
  return result;
}

/**
 * The fast path's hook for the WebAssembly kernels (taken only while WebAssembly memory is in
 * use, for at least `MIN_WASM_ELEMENTS` elements): `binaryWasm` on views of the result and
 * operands, which runs when the result lies in WebAssembly memory; false when it did not.
 */
function wasmBinary(name: string, result: unknown, a: unknown, b: unknown): boolean {
  const action = `compute ${name}()`;
  return binaryWasm(
    name,
    viewOf(result, action, "out"),
    typeof a === "number" ? a : viewOf(a, action, "a"),
    typeof b === "number" ? b : viewOf(b, action, "b"),
  );
}

/** {@linkcode fastBinary} for a unary operation. */
function fastUnary(k: UnaryKernels, x: unknown, out: unknown, rule: ElementRule): unknown {
  let xd: Data, xo = 0, n: number, shape: readonly number[] | null = null;
  if (ArrayBuffer.isView(x)) {
    xd = x as Data;
    n = xd.length;
  } else if (x instanceof NDArray && x.isContiguous) {
    xd = x.data as Data;
    xo = x.offset;
    n = x.size;
    shape = x.shape;
    if (xo + n > xd.length) return NOT_FAST;
  } else return NOT_FAST;
  const type = xd.constructor, kind = kindOf(type);
  if (kind < 0) return NOT_FAST;
  const dtype = fastResultType(kind, rule);
  let result: unknown, od: Data, oo = 0;
  if (out === undefined) {
    const r = similar(x as NDArray, dtype);
    result = r;
    od = r.data as Data;
    oo = r.offset;
  } else {
    let oa: NDArray | null = null;
    if (ArrayBuffer.isView(out)) {
      od = out as Data;
      if (
        od.constructor !== (dtype ?? type) || od.length !== n ||
        shape !== null && shape.length !== 1
      ) return NOT_FAST;
    } else if (out instanceof NDArray && out.isContiguous) {
      od = out.data as Data;
      oo = out.offset;
      const s = out.shape;
      if (
        od.constructor !== (dtype ?? type) || oo + n > od.length ||
        (shape === null ? s.length !== 1 || s[0] !== n : s !== shape && !sameShape(s, shape))
      ) return NOT_FAST;
      oa = out;
    } else return NOT_FAST;
    if (!apart(od, oo, oa, xd, xo, shape === null ? null : x as NDArray, n)) return NOT_FAST;
    result = out;
  }
  k.arrays[kind](n, od, oo, xd, xo);
  return result;
}

/**
 * The general engine of binary operation `name` (its kernels `k`): two operands of any layouts,
 * broadcast, into `out` or a new array, on a WebAssembly kernel when the result lies in
 * WebAssembly memory and it can. `fastOutArray` is what `fastOut` made of `options`.
 */
function binary(
  name: string,
  k: BinaryKernels,
  action: string,
  a: unknown,
  b: unknown,
  options: unknown,
  fastOutArray: unknown,
  rule: ElementRule,
): unknown {
  const A = operandOf(a, action, "a"), B = operandOf(b, action, "b");
  const first = typeof A === "number" ? B : A;
  if (typeof first === "number") return bothScalars(action, "a and b", a, b);
  const out = fastOutOrOptions(options, fastOutArray, OUT_KEYS, action);
  const shape = broadcastShapes(
    typeof A === "number" ? [] : A.shape,
    typeof B === "number" ? [] : B.shape,
    action,
  );
  const o = output(stronger(a, b), resultType(first, rule), shape, out, action);
  if (o.size === 0) return resultOf(out, o);
  if (o.size >= MIN_WASM_ELEMENTS && anyWasmMemory() && binaryWasm(name, o, A, B)) {
    return resultOf(out, o);
  }
  const wa = walkOf(o, A, SCALAR_A), wb = walkOf(o, B, SCALAR_B);
  walk(
    k.strided,
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
  return resultOf(out, o);
}

/** The general engine of a unary operation (see {@linkcode binary}). */
function unary(
  k: UnaryKernels,
  action: string,
  x: unknown,
  options: unknown,
  fastOutArray: unknown,
  rule: ElementRule,
): unknown {
  const X = numericView(x, action, "x");
  const out = fastOutOrOptions(options, fastOutArray, OUT_KEYS, action);
  const o = output(x, resultType(X, rule), X.shape as number[], out, action);
  if (o.size === 0) return resultOf(out, o);
  const w = walkOf(o, X, null);
  walk(k.strided, o.shape, o.data, o.offset, o.strides, w.data, w.offset, w.strides);
  return resultOf(out, o);
}

/**
 * The binary operation `name` (its kernels in `BINARY`) with result elements by `rule`: the fast
 * path when it can, else the general engine.
 */
function binaryOp<R extends ElementRule>(name: string, rule: R): BinaryOp<R> {
  const kernels = BINARY[name], action = `compute ${name}()`;
  const op = (a: unknown, b: unknown, options?: unknown) => {
    const out = fastOut(options);
    if (out !== NOT_FAST) {
      const r = fastBinary(name, kernels, a, b, out, rule);
      if (r !== NOT_FAST) return r;
    }
    return binary(name, kernels, action, a, b, options, out, rule);
  };
  return Object.defineProperty(op, "name", { value: name }) as never;
}

/** The unary operation `name` (its kernels in `UNARY`) with result elements by `rule`. */
function unaryOp<R extends ElementRule>(name: string, rule: R): UnaryOp<R> {
  const kernels = UNARY[name], action = `compute ${name}()`;
  const op = (x: unknown, options?: unknown) => {
    const out = fastOut(options);
    if (out !== NOT_FAST) {
      const r = fastUnary(kernels, x, out, rule);
      if (r !== NOT_FAST) return r;
    }
    return unary(kernels, action, x, options, out, rule);
  };
  return Object.defineProperty(op, "name", { value: name }) as never;
}

/**
 * Element-wise sum `a + b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at
 * least one must be an array). The result has the first array operand's element type.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example A matrix plus a row, into a new array and into `out`
 * ```ts
 * import { add, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(add(m, row).toNested(), [[11, 22, 33], [14, 25, 36]]);
 * const out = new NDArray(new Float32Array(6), [2, 3]);
 * assert.equal(add(m, 1, { out }), out);
 * assert.deepEqual(out.toNested(), [[2, 3, 4], [5, 6, 7]]);
 * add(m, m, out); // the shorthand for { out }
 * assert.deepEqual(out.toNested(), [[2, 4, 6], [8, 10, 12]]);
 * ```
 */
export const add: BinaryOp = binaryOp("add", "same");

/**
 * Element-wise difference `a - b`, broadcasting `a` and `b` by NumPy's rule (either may be a
 * number; at least one must be an array). The result has the first array operand's element type.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example A matrix minus a row
 * ```ts
 * import { NDArray, sub } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const row = new Float64Array([10, 20, 30]);
 * assert.deepEqual(sub(m, row).toNested(), [[-9, -18, -27], [-6, -15, -24]]);
 * ```
 */
export const sub: BinaryOp = binaryOp("sub", "same");

/**
 * Element-wise product `a * b`, broadcasting `a` and `b` by NumPy's rule (either may be a number;
 * at least one must be an array). The result has the first array operand's element type.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Scaling the rows of a matrix in place
 * ```ts
 * import { mul, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const scale = new NDArray(new Float64Array([10, 100]), [2, 1]);
 * mul(m, scale, m);
 * assert.deepEqual(m.toNested(), [[10, 20, 30], [400, 500, 600]]);
 * ```
 */
export const mul: BinaryOp = binaryOp("mul", "same");

/**
 * Element-wise quotient `a / b`, broadcasting `a` and `b` by NumPy's rule (either may be a number;
 * at least one must be an array). The result has the first array operand's element type when that
 * is a float type, else `Float64Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Integers divide into doubles
 * ```ts
 * import { div, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]], Int32Array);
 * const q = div(m, new Float64Array([10, 20, 30]));
 * assert.equal(q.dtype, Float64Array);
 * assert.deepEqual(q.toNested(), [[0.1, 0.1, 0.1], [0.4, 0.25, 0.2]]);
 * ```
 */
export const div: BinaryOp<"float"> = binaryOp("div", "float");

/**
 * Element-wise power `a ** b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at
 * least one must be an array). The result has the first array operand's element type.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Squares and powers of two
 * ```ts
 * import { pow } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const v = new Float64Array([1, 2, 3]);
 * assert.deepEqual(pow(v, 2).toNested(), [1, 4, 9]);
 * assert.deepEqual(pow(2, v).toNested(), [2, 4, 8]);
 * ```
 */
export const pow: BinaryOp = binaryOp("pow", "same");

/**
 * Element-wise minimum `Math.min(a, b)` (NaN wins; see `min` for the reduction), broadcasting `a`
 * and `b` by NumPy's rule (either may be a number; at least one must be an array). The result has
 * the first array operand's element type.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Clipping from above
 * ```ts
 * import { minimum, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(minimum(m, 5).toNested(), [[1, 2, 3], [4, 5, 5]]);
 * ```
 */
export const minimum: BinaryOp = binaryOp("minimum", "same");

/**
 * Element-wise maximum `Math.max(a, b)` (NaN wins; see `max` for the reduction), broadcasting `a`
 * and `b` by NumPy's rule (either may be a number; at least one must be an array). The result has
 * the first array operand's element type.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Clipping from below
 * ```ts
 * import { maximum, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(maximum(m, 3).toNested(), [[3, 3, 3], [4, 5, 6]]);
 * ```
 */
export const maximum: BinaryOp = binaryOp("maximum", "same");

/**
 * Element-wise `a === b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at
 * least one must be an array). The result holds 1 or 0 in a `Uint8Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Where a matrix equals a number
 * ```ts
 * import { equal, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(equal(m, 2).toNested(), [[0, 1, 0], [0, 0, 0]]);
 * ```
 */
export const equal: BinaryOp<"bool"> = binaryOp("equal", "bool");

/**
 * Element-wise `a !== b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at
 * least one must be an array). The result holds 1 or 0 in a `Uint8Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Where a matrix differs from a number
 * ```ts
 * import { NDArray, notEqual } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(notEqual(m, 2).toNested(), [[1, 0, 1], [1, 1, 1]]);
 * ```
 */
export const notEqual: BinaryOp<"bool"> = binaryOp("notEqual", "bool");

/**
 * Element-wise `a < b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at least
 * one must be an array). The result holds 1 or 0 in a `Uint8Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Comparing a matrix with a row
 * ```ts
 * import { less, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(less(m, new Float64Array([2, 2, 6])).toNested(), [[1, 0, 1], [0, 0, 0]]);
 * ```
 */
export const less: BinaryOp<"bool"> = binaryOp("less", "bool");

/**
 * Element-wise `a <= b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at least
 * one must be an array). The result holds 1 or 0 in a `Uint8Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Comparing a matrix with a number
 * ```ts
 * import { lessEqual, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(lessEqual(m, 3).toNested(), [[1, 1, 1], [0, 0, 0]]);
 * ```
 */
export const lessEqual: BinaryOp<"bool"> = binaryOp("lessEqual", "bool");

/**
 * Element-wise `a > b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at least
 * one must be an array). The result holds 1 or 0 in a `Uint8Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Comparing a matrix with a number
 * ```ts
 * import { greater, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(greater(m, 3).toNested(), [[0, 0, 0], [1, 1, 1]]);
 * ```
 */
export const greater: BinaryOp<"bool"> = binaryOp("greater", "bool");

/**
 * Element-wise `a >= b`, broadcasting `a` and `b` by NumPy's rule (either may be a number; at least
 * one must be an array). The result holds 1 or 0 in a `Uint8Array`.
 *
 * @param a The first operand: an array or a number.
 * @param b The second operand: an array or a number.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape; it may
 * be an operand); omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When an operand is not a number or array or holds bigints, both are numbers,
 * `out` holds bigints, or the options are not `{ out }` or an array.
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example Comparing a matrix with a number
 * ```ts
 * import { greaterEqual, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(greaterEqual(m, 3).toNested(), [[0, 0, 1], [1, 1, 1]]);
 * ```
 */
export const greaterEqual: BinaryOp<"bool"> = binaryOp("greaterEqual", "bool");

/**
 * Element-wise negation `-x`. The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { neg } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = neg(new Float64Array([1, -4, 0.25]));
 * assert.deepEqual([...y], [-1, 4, -0.25]);
 * ```
 */
export const neg: UnaryOp = unaryOp("neg", "same");

/**
 * Element-wise absolute value. The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { abs } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = abs(new Float64Array([1, -4, 0.25]));
 * assert.deepEqual([...y], [1, 4, 0.25]);
 * ```
 */
export const abs: UnaryOp = unaryOp("abs", "same");

/**
 * Element-wise sign: -1, 0 or 1 (NaN stays NaN). The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { sign } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sign(new Float64Array([1, -4, 0.25]));
 * assert.deepEqual([...y], [1, -1, 1]);
 * ```
 */
export const sign: UnaryOp = unaryOp("sign", "same");

/**
 * Element-wise square `x * x`. The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { square } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = square(new Float64Array([1, -4, 0.25]));
 * assert.deepEqual([...y], [1, 16, 0.0625]);
 * ```
 */
export const square: UnaryOp = unaryOp("square", "same");

/**
 * Element-wise square root (NaN for negative elements). The result has `x`'s element type when that
 * is a float type, else `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { sqrt } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sqrt(new Float64Array([1, 4, 0.25]));
 * const expected = [Math.sqrt(1), Math.sqrt(4), Math.sqrt(0.25)];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export const sqrt: UnaryOp<"float"> = unaryOp("sqrt", "float");

/**
 * Element-wise exponential `e ** x`. The result has `x`'s element type when that is a float type,
 * else `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
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
export const exp: UnaryOp<"float"> = unaryOp("exp", "float");

/**
 * Element-wise natural logarithm (NaN for negative elements, -Infinity for 0). The result has `x`'s
 * element type when that is a float type, else `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { log } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = log(new Float64Array([1, 4, 0.25]));
 * const expected = [Math.log(1), Math.log(4), Math.log(0.25)];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(y.get(i) - expected[i]) < 1e-12);
 * ```
 */
export const log: UnaryOp<"float"> = unaryOp("log", "float");

/**
 * Element-wise sine (radians). The result has `x`'s element type when that is a float type, else
 * `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
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
export const sin: UnaryOp<"float"> = unaryOp("sin", "float");

/**
 * Element-wise cosine (radians). The result has `x`'s element type when that is a float type, else
 * `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
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
export const cos: UnaryOp<"float"> = unaryOp("cos", "float");

/**
 * Element-wise hyperbolic tangent. The result has `x`'s element type when that is a float type,
 * else `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
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
export const tanh: UnaryOp<"float"> = unaryOp("tanh", "float");

/**
 * Element-wise logistic sigmoid `1 / (1 + exp(-x))`, computed without overflow. The result has
 * `x`'s element type when that is a float type, else `Float64Array`.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example Large inputs saturate instead of overflowing
 * ```ts
 * import { sigmoid } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = sigmoid(new Float64Array([0, 1000, -1000]));
 * assert.deepEqual([...y], [0.5, 1, 0]);
 * ```
 */
export const sigmoid: UnaryOp<"float"> = unaryOp("sigmoid", "float");

/**
 * Element-wise rectifier `max(x, 0)` (NaN stays NaN). The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example Into a new array, and in place
 * ```ts
 * import { relu } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const x = new Float64Array([1, -4, 0.25]);
 * assert.deepEqual([...relu(x)], [1, 0, 0.25]);
 * relu(x, x);
 * assert.deepEqual([...x], [1, 0, 0.25]);
 * ```
 */
export const relu: UnaryOp = unaryOp("relu", "same");

/**
 * Element-wise floor. The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { floor } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = floor(new Float64Array([1, -4, 0.25]));
 * assert.deepEqual([...y], [1, -4, 0]);
 * ```
 */
export const floor: UnaryOp = unaryOp("floor", "same");

/**
 * Element-wise ceiling. The result has `x`'s element type.
 *
 * @param x The array.
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be `x`,
 * in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array or holds bigints, `out` holds bigints, or the
 * options are not `{ out }` or an array.
 * @throws {RangeError} When `out` has another shape.
 *
 * @example On a vector
 * ```ts
 * import { ceil } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const y = ceil(new Float64Array([1, -4, 0.25]));
 * assert.deepEqual([...y], [1, -4, 1]);
 * ```
 */
export const ceil: UnaryOp = unaryOp("ceil", "same");

function badReturn(action: string, v: unknown, big: boolean): never {
  throw new TypeError(
    `Cannot ${action}: fn must return a ${big ? "bigint" : "number"}, got ${describeValue(v)}`,
  );
}

/**
 * Applies `fn` to every element of `x` (row-major order) and stores what it returns. The
 * result has `x`'s element type (a bigint type included: then `fn` returns bigints). Slower
 * than the built-in operations (a call per element); use it for what they do not cover.
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The array.
 * @param fn Called with each element; returns the result element (a number, or a bigint for
 * bigint results).
 * @param options `{ out }`, or `out` itself: where to write the result (`x`'s shape; it may be
 * `x`, in place); omitted to allocate it.
 * @returns `out`, or a new array of `x`'s shape, allocated like `similar(x)`.
 * @throws {TypeError} When `x` is not an array, `fn` is not a function, `out` has the other
 * element kind, the options are not `{ out }` or an array, or `fn` returns the wrong kind of
 * value (elements before it are written).
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
export function map<
  X extends ArrayInput,
  const P extends OutOptions | ArrayInput | null | undefined = undefined,
>(
  x: X,
  fn: (value: ScalarOf<X>) => number | bigint,
  options?: P,
): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute map()";
  const X = viewOf(x, action, "x");
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot ${action}: fn must be a function, got ${describeValue(fn)}`);
  }
  const out = outOf(options, optionsOf(options, OUT_KEYS, action));
  const o = output(
    x,
    X.data.constructor as TypedArrayConstructor,
    X.shape as number[],
    out,
    action,
  );
  if (o.size === 0) return resultOf(out, o) as never;
  const big = isBigIntData(o.data);
  const f = fn as (v: unknown) => unknown;
  const row: Row = (n, od, oo, os, xd, xo, xs) => {
    for (let i = 0; i < n; i++, oo += os, xo += xs) {
      const v = f(xd[xo]);
      if ((typeof v === "bigint") !== big || typeof v !== "number" && !big) {
        badReturn(action, v, big);
      }
      od[oo] = v as number;
    }
  };
  const w = walkOf(o, X, null);
  walk(row, o.shape, o.data, o.offset, o.strides, w.data, w.offset, w.strides);
  return resultOf(out, o) as never;
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
 * Applies `fn` to the pairs of elements of two operands, broadcast by NumPy's rule (either
 * may be a number or bigint; at least one must be an array): `zip([a, b], fn)` is
 * {@linkcode map} over pairs. The result has the first array operand's element type.
 *
 * @typeParam A The type of the first operand.
 * @typeParam B The type of the second operand.
 * @typeParam P The type of `options`.
 * @param operands The two operands `[a, b]`.
 * @param fn Called with each pair of elements; returns the result element.
 * @param options `{ out }`, or `out` itself: where to write the result (the broadcast shape);
 * omitted to allocate it.
 * @returns `out`, or a new array of the broadcast shape, allocated like `similarOf([a, b])`.
 * @throws {TypeError} When `operands` is not a pair, an operand is not an array or scalar,
 * both are scalars, `fn` is not a function, the options are not `{ out }` or an array, or `fn`
 * returns the wrong kind of value (elements before it are written).
 * @throws {RangeError} When the shapes do not broadcast or `out` has another shape.
 *
 * @example A hypotenuse table
 * ```ts
 * import { NDArray, zip } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const col = new NDArray(new Float64Array([3, 5]), [2, 1]);
 * const row = new Float64Array([4, 12]);
 * assert.deepEqual(zip([col, row], Math.hypot).toNested(), [[5, Math.hypot(3, 12)], [
 *   Math.hypot(5, 4),
 *   13,
 * ]]);
 * ```
 */
export function zip<
  A extends Operand | bigint,
  B extends Operand | bigint,
  const P extends OutOptions | ArrayInput | null | undefined = undefined,
>(
  operands: readonly [A, B],
  fn: (x: ScalarOf<A>, y: ScalarOf<B>) => number | bigint,
  options?: P,
): Returned<OutOf<P>, ResultArray<A | B, FirstElements<A, B>>> {
  const action = "compute zip()";
  if (!Array.isArray(operands) || operands.length !== 2) {
    throw new TypeError(
      `Cannot ${action}: operands must be a pair [a, b], got ${describeValue(operands)}`,
    );
  }
  const [a, b] = operands;
  const A = zipOperand(a, action, "operands[0]"), B = zipOperand(b, action, "operands[1]");
  const first = typeof A === "object" ? A : B;
  if (typeof first !== "object") return bothScalars(action, "the operands", a, b);
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot ${action}: fn must be a function, got ${describeValue(fn)}`);
  }
  const out = outOf(options, optionsOf(options, OUT_KEYS, action));
  const shape = broadcastShapes(
    typeof A === "object" ? A.shape : [],
    typeof B === "object" ? B.shape : [],
    action,
  );
  const o = output(
    stronger(a, b),
    first.data.constructor as TypedArrayConstructor,
    shape,
    out,
    action,
  );
  if (o.size === 0) return resultOf(out, o) as never;
  const big = isBigIntData(o.data);
  const f = fn as (x: unknown, y: unknown) => unknown;
  const row: Row = (n, od, oo, os, ad, ao, as, bd, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) {
      const v = f(ad[ao], bd[bo]);
      if ((typeof v === "bigint") !== big || typeof v !== "number" && !big) {
        badReturn(action, v, big);
      }
      od[oo] = v as number;
    }
  };
  const wa = walkOf(o, A, null), wb = walkOf(o, B, null);
  walk(
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
  return resultOf(out, o) as never;
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
    if (sameShape(S.shape, o.shape)) {
      assign(o, S);
      return out;
    }
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
    walk(COPY_ROW, o.shape, o.data, o.offset, o.strides, w.data, w.offset, w.strides);
  }
  return out;
}
