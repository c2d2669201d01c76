/**
 * Linear algebra: {@linkcode matmul} (2-d and batched, NumPy's rules), {@linkcode dot} and a
 * materialising {@linkcode transpose}.
 *
 * @module
 */

import { describeValue, fmtShape } from "../../_internal/describe.ts";
import { gemmAccumulate } from "../../_internal/gemm.ts";
import { rowMajorStrides } from "../../_internal/layout.ts";
import { type Data, walk } from "../../_internal/loops.ts";
import {
  assign,
  broadcastShapes,
  detached,
  finish,
  numericView,
  optionsOf,
  OUT_KEYS,
  outOf,
  output,
  type View,
  viewOf,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import type {
  ArrayInput,
  ElementsOf,
  OutOf,
  OutOptions,
  ResultArray,
  Returned,
} from "./operand.ts";
import { anyWasmMemory } from "../../_internal/wasm.ts";
import { dotWasm, matmulWasm, MIN_WASM_ELEMENTS, MIN_WASM_PRODUCT } from "./_wasm.ts";

/** Options of {@linkcode transpose}. */
export interface TransposeOptions extends OutOptions {
  /**
   * A permutation of `0 … ndim - 1`: axis `k` of the result is axis `axes[k]` of `x`; omitted
   * or `null` to reverse the axes.
   */
  axes?: readonly number[] | null;
}

/**
 * `c[m×n] = a[m×k] · b[k×n]` for one matrix pair; `c` is row-major at `co`. `b` is read row by
 * row when its rows are contiguous (`bs1 === 1`: `gemmAccumulate`), else by columns (dot
 * products, fast when `bs0 === 1`, e.g. a transposed matrix). Any layout of `a`.
 */
function gemm(
  m: number,
  k: number,
  n: number,
  a: Data,
  ao: number,
  as0: number,
  as1: number,
  b: Data,
  bo: number,
  bs0: number,
  bs1: number,
  c: Data,
  co: number,
): void {
  if (bs1 === 1) {
    c.fill(0, co, co + m * n);
    gemmAccumulate(m, n, k, a, ao, as0, as1, b, bo, bs0, c, co, n);
    return;
  }
  for (let i = 0; i < m; i++) {
    const arow = ao + i * as0, crow = co + i * n;
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0, ap = arow, bp = bo + j * bs1; p < k; p++, ap += as1, bp += bs0) {
        acc += a[ap] * b[bp];
      }
      c[crow + j] = acc;
    }
  }
}

/** `v` with a length-1 axis inserted at `at` (a 1-d operand promoted to a matrix). */
function promoted(v: View, at: number): View {
  const shape = v.shape.slice(), strides = v.strides.slice();
  shape.splice(at, 0, 1);
  strides.splice(at, 0, 0);
  return { ...v, shape, strides };
}

/** Strides of the leading (batch) axes of `v` broadcast to `batch`. */
function batchStrides(v: View, batch: readonly number[]): number[] {
  const own = v.shape.length - 2, lead = batch.length - own;
  const out = new Array<number>(batch.length).fill(0);
  for (let k = 0; k < own; k++) if (v.shape[k] !== 1) out[lead + k] = v.strides[k];
  return out;
}

/**
 * The matrix product of `a` and `b` by NumPy's `matmul` rules: 2-d × 2-d is the matrix
 * product; arrays with more axes are stacks of matrices in the last two axes, the leading
 * (batch) axes broadcast; a 1-d `a` is a row vector and a 1-d `b` a column vector, their
 * length-1 axis removed from the result. The result has `a`'s element type and is allocated
 * like `similarOf([a, b])`, or written into `out`.
 *
 * Fast paths: `b` with contiguous rows (row updates) or contiguous columns (e.g. a transposed
 * matrix: dot products), any `a` layout; other layouts of `b` are copied first.
 *
 * @typeParam A The type of `a`.
 * @typeParam B The type of `b`.
 * @typeParam P The type of `options`.
 * @param a The left operand, `[…, m, k]` or `[k]`.
 * @param b The right operand, `[…, k, n]` or `[k]`.
 * @param options `{ out }`, or `out` itself: where to write the result `[…, m, n]`; omitted
 * to allocate it.
 * @returns `out`, or the new product.
 * @throws {TypeError} When an operand is not an array or holds bigints, or the options are not
 * `{ out }` or an array.
 * @throws {RangeError} When an operand is 0-d, the inner lengths differ, the batch axes do not
 * broadcast, or `out` has the wrong shape.
 *
 * @example A matrix times a matrix and a vector
 * ```ts
 * import { matmul, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = NDArray.fromNested([[1, 2], [3, 4]]);
 * assert.deepEqual(matmul(a, a).toNested(), [[7, 10], [15, 22]]);
 * assert.deepEqual(matmul(a, new Float64Array([1, 1])).toNested(), [3, 7]);
 * assert.deepEqual(matmul(a, a.transpose()).toNested(), [[5, 11], [11, 25]]);
 * ```
 *
 * @example A batch of matrices times one matrix
 * ```ts
 * import { matmul, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const batch = new NDArray(new Float64Array([1, 0, 0, 1, 2, 0, 0, 2]), [2, 2, 2]);
 * const m = NDArray.fromNested([[1, 2], [3, 4]]);
 * assert.deepEqual(matmul(batch, m).toNested(), [[[1, 2], [3, 4]], [[2, 4], [6, 8]]]);
 * ```
 */
export function matmul<
  A extends ArrayInput,
  B extends ArrayInput,
  const P extends OutOptions | ArrayInput | null | undefined = undefined,
>(a: A, b: B, options?: P): Returned<OutOf<P>, ResultArray<A | B, ElementsOf<A>>> {
  const action = "compute matmul()";
  const A0 = numericView(a, action, "a"), B0 = numericView(b, action, "b");
  const out = outOf(options, optionsOf(options, OUT_KEYS, action));
  if (A0.shape.length === 0 || B0.shape.length === 0) {
    throw new RangeError(
      `Cannot ${action}: operands must have at least one axis, got shapes ${
        fmtShape(A0.shape)
      } and ${fmtShape(B0.shape)}`,
    );
  }
  const A = A0.shape.length === 1 ? promoted(A0, 0) : A0;
  const B = B0.shape.length === 1 ? promoted(B0, 1) : B0;
  const na = A.shape.length, nb = B.shape.length;
  const m = A.shape[na - 2], k = A.shape[na - 1], k2 = B.shape[nb - 2], n = B.shape[nb - 1];
  if (k !== k2) {
    throw new RangeError(
      `Cannot ${action}: inner lengths differ: a of shape ${
        fmtShape(A0.shape)
      } has ${k} columns, b of shape ${fmtShape(B0.shape)} has ${k2} rows`,
    );
  }
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2), action);
  const shape = [...batch];
  if (A0.shape.length > 1) shape.push(m);
  if (B0.shape.length > 1) shape.push(n);
  const res = output([a, b], A0.data.constructor as TypedArrayConstructor, shape, out, action);
  if (res.view.size === 0) return res.result as never;
  const c = writable(res, [A0, B0]);
  let Bx = B;
  const bs0 = B.strides[nb - 2], bs1 = B.strides[nb - 1];
  if (!(bs1 === 1 || bs0 === 1 || n === 1 || k === 1)) {
    const d = detached(B0);
    Bx = B0.shape.length === 1 ? promoted(d, 1) : d;
  }
  const as = batchStrides(A, batch), bs = batchStrides(Bx, batch);
  const a0 = A.strides[na - 2], a1 = A.strides[na - 1];
  const b0 = Bx.strides[nb - 2], b1 = Bx.strides[nb - 1];
  const wasm = m * k * n >= MIN_WASM_PRODUCT;
  if (batch.length === 0) {
    const ad = A.data, ao = A.offset, bd = Bx.data, bo = Bx.offset, cd = c.data, co = c.offset;
    if (!(wasm && matmulWasm(m, k, n, ad, ao, a0, a1, bd, bo, b0, b1, cd, co, a, b))) {
      gemm(m, k, n, ad, ao, a0, a1, bd, bo, b0, b1, cd, co);
    }
    return finish(res, c) as never;
  }
  // One matrix product per index of the batch axes; `c` is row-major, m·n elements per matrix.
  const cs = rowMajorStrides(batch);
  for (let q = 0; q < cs.length; q++) cs[q] *= m * n;
  walk(
    (len, cd, co, cstep, ad, ao, astep, bd, bo, bstep) => {
      for (let t = 0; t < len; t++, co += cstep, ao += astep, bo += bstep) {
        if (!(wasm && matmulWasm(m, k, n, ad, ao, a0, a1, bd, bo, b0, b1, cd, co, a, b))) {
          gemm(m, k, n, ad, ao, a0, a1, bd, bo, b0, b1, cd, co);
        }
      }
    },
    batch,
    c.data,
    c.offset,
    cs,
    A.data,
    A.offset,
    as,
    Bx.data,
    Bx.offset,
    bs,
  );
  return finish(res, c) as never;
}

/**
 * The inner product of two vectors of equal length, accumulated in double precision. It
 * returns a number and allocates nothing (use {@linkcode matmul} for matrices).
 *
 * @param a A 1-d array.
 * @param b A 1-d array of the same length.
 * @returns `Σ a[i] · b[i]` (0 for empty vectors).
 * @throws {TypeError} When an operand is not an array or holds bigints.
 * @throws {RangeError} When an operand is not 1-d or the lengths differ.
 *
 * @example Any layouts
 * ```ts
 * import { dot, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = NDArray.fromNested([[1, 2], [3, 4]]);
 * assert.equal(dot(m.pick(null, 1), new Float32Array([1, 10])), 42);
 * ```
 */
export function dot(a: ArrayInput, b: ArrayInput): number {
  const action = "compute dot()";
  const A = numericView(a, action, "a"), B = numericView(b, action, "b");
  if (A.shape.length !== 1 || B.shape.length !== 1 || A.size !== B.size) {
    throw new RangeError(
      `Cannot ${action}: expected two 1-d arrays of equal length, got shapes ${
        fmtShape(A.shape)
      } and ${fmtShape(B.shape)} (use matmul for matrices)`,
    );
  }
  if (A.size >= MIN_WASM_ELEMENTS && anyWasmMemory()) return dotLarge(A, B);
  const ad = A.data, bd = B.data, as = A.strides[0], bs = B.strides[0];
  let acc = 0;
  for (let i = 0, p = A.offset, q = B.offset; i < A.size; i++, p += as, q += bs) {
    acc += ad[p] * bd[q];
  }
  return acc;
}

/**
 * {@linkcode dot} on the WebAssembly kernel when it can run, else the plain loop (repeated here
 * rather than shared: a call to a shared loop, or the kernel branch inside `dot`, costs small
 * dot products ~10%).
 */
function dotLarge(A: View, B: View): number {
  const sum = dotWasm(A, B);
  if (sum !== undefined) return sum;
  const ad = A.data, bd = B.data, as = A.strides[0], bs = B.strides[0];
  let acc = 0;
  for (let i = 0, p = A.offset, q = B.offset; i < A.size; i++, p += as, q += bs) {
    acc += ad[p] * bd[q];
  }
  return acc;
}

const TRANSPOSE_KEYS: readonly string[] = ["axes", "out"];

/**
 * A contiguous copy of `x` with its axes permuted (reversed by default: the matrix transpose),
 * allocated like `similar(x)` or written into `out`. For a view that does not copy, use the
 * `transpose()`/`permute()` methods of the array instead.
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The array (any element type).
 * @param options `axes`, the permutation (reversed by default), and `out`, where to write the
 * result (omitted to allocate it); or `out` itself.
 * @returns `out`, or the new transposed array.
 * @throws {TypeError} When `x` is not an array, `axes` not an array of numbers, `out` holds
 * the other element kind, or an option is unknown.
 * @throws {RangeError} When `axes` is not a permutation of the axes or `out` has the wrong
 * shape.
 *
 * @example Transposing into contiguous memory
 * ```ts
 * import { NDArray, transpose } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const a = NDArray.fromNested([[1, 2, 3], [4, 5, 6]]);
 * const t = transpose(a);
 * assert.ok(t.isContiguous);
 * assert.deepEqual(t.toNested(), [[1, 4], [2, 5], [3, 6]]);
 * const x = new NDArray(new Float64Array(24), [2, 3, 4]);
 * assert.deepEqual(transpose(x, { axes: [1, 0, 2] }).shape, [3, 2, 4]);
 * ```
 */
export function transpose<
  X extends ArrayInput,
  const P extends TransposeOptions | ArrayInput | null | undefined = undefined,
>(x: X, options?: P): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute transpose()";
  const X = viewOf(x, action, "x");
  const opts = optionsOf(options, TRANSPOSE_KEYS, action);
  const axes = opts.axes as readonly number[] | null | undefined, out = outOf(options, opts);
  const nd = X.shape.length;
  let perm: number[];
  if (axes === undefined || axes === null) {
    perm = X.shape.map((_, k) => nd - 1 - k);
  } else {
    if (!Array.isArray(axes) || axes.some((v) => typeof v !== "number")) {
      throw new TypeError(
        `Cannot ${action}: axes must be an array of numbers, got ${describeValue(axes)}`,
      );
    }
    const seen = new Set(axes);
    if (
      axes.length !== nd || seen.size !== nd ||
      axes.some((v) => !(Number.isInteger(v) && v >= 0 && v < nd))
    ) {
      throw new RangeError(
        `Cannot ${action}: axes ${fmtShape(axes)} is not a permutation of 0..${nd - 1} for shape ${
          fmtShape(X.shape)
        }`,
      );
    }
    perm = axes.slice();
  }
  const shape = perm.map((p) => X.shape[p]);
  const permuted: View = { ...X, shape, strides: perm.map((p) => X.strides[p]) };
  const res = output([x], X.data.constructor as TypedArrayConstructor, shape, out, action);
  assign(res.view, permuted);
  return res.result as never;
}
