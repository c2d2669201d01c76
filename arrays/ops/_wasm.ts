// Internal: the operations on their WebAssembly SIMD kernels (_elementwise_kernels.wat,
// _linalg_kernels.wat), used when the result lies in a WebAssembly memory that a
// WasmAllocBuffer manages and the operands lie there too (matmul also copies operands kept
// elsewhere into a temporary there, as the layers do). Each function returns false, having
// changed nothing, when it cannot run (no such memory, no SIMD, another element type, a layout
// the kernels do not cover): the caller then runs the JavaScript kernels. Results equal the
// JavaScript kernels' exactly for element-wise arithmetic; sums (dot, matmul) may differ in the
// last bits, being added in another order.

import { countWasmCall, floatKind, inMemory, KernelModule } from "../../_internal/wasm.ts";
import { isRowMajor } from "../../_internal/layout.ts";
import { overlaps, sameShape, type View } from "../../_internal/operands.ts";
import type { TypedArray, TypedArrayConstructor } from "../../allocators/dtype.ts";
import { similarOf } from "../similar.ts";
import { WASM as EW, WASM_SHARED as EW_SHARED } from "./_elementwise_kernels_wat.ts";
import { WASM as LINALG, WASM_SHARED as LINALG_SHARED } from "./_linalg_kernels_wat.ts";

type Kernel = (...args: number[]) => number;

const elementwise = new KernelModule<Record<string, Kernel>>(EW, EW_SHARED);
const linalg = new KernelModule<Record<string, Kernel>>(LINALG, LINALG_SHARED);

/** The binary operations with WebAssembly kernels. */
const BINARY_WASM: ReadonlySet<string> = new Set([
  "add",
  "sub",
  "mul",
  "div",
  "minimum",
  "maximum",
]);

/** Below this many elements a call into WebAssembly costs more than it saves. */
export const MIN_WASM_ELEMENTS = 64;

/** Whether `v` can be read by a kernel writing `o`: same shape, row-major, same element type. */
function aligned(o: View, v: View): boolean {
  return v.data.buffer === o.data.buffer && v.data.constructor === o.data.constructor &&
    sameShape(v.shape, o.shape) && isRowMajor(v.shape, v.strides) &&
    (!overlaps(o, v) ||
      v.data.byteOffset + v.offset * v.data.BYTES_PER_ELEMENT ===
        o.data.byteOffset + o.offset * o.data.BYTES_PER_ELEMENT);
}

/** A scalar the f32 kernels can take without changing the result (exact in Float32). */
function scalarFits(kind: "f32" | "f64", s: number): boolean {
  return kind === "f64" || Math.fround(s) === s || s !== s;
}

/**
 * `o = a op b` element-wise on the WebAssembly kernels, for `o` contiguous in a WebAssembly
 * memory, `a` and `b` numbers or arrays of `o`'s shape, layout and element type in the same
 * memory (no broadcasting of arrays), and not overlapping `o` except in place.
 */
export function binaryWasm(name: string, o: View, a: View | number, b: View | number): boolean {
  const od = o.data, kind = floatKind(od);
  if (kind === undefined || !BINARY_WASM.has(name) || !isRowMajor(o.shape, o.strides)) {
    return false;
  }
  const k = elementwise.of(od.buffer);
  if (k === undefined) return false;
  const bpe = od.BYTES_PER_ELEMENT, oa = od.byteOffset + o.offset * bpe;
  const at = (v: View) => v.data.byteOffset + v.offset * bpe;
  if (typeof a === "number") {
    if (typeof b === "number" || !scalarFits(kind, a) || !aligned(o, b)) return false;
    k[`${name}_sv_${kind}`](oa, a, at(b), o.size);
  } else if (typeof b === "number") {
    if (!scalarFits(kind, b) || !aligned(o, a)) return false;
    k[`${name}_vs_${kind}`](oa, at(a), b, o.size);
  } else {
    if (!aligned(o, a) || !aligned(o, b)) return false;
    k[`${name}_${kind}`](oa, at(a), at(b), o.size);
  }
  countWasmCall();
  return true;
}

/**
 * dot's Σ a[i]·b[i] on the WebAssembly kernel, for two contiguous 1-d arrays of one element type
 * (Float32 or Float64) in the same WebAssembly memory; `undefined` when it cannot run.
 */
export function dotWasm(a: View, b: View): number | undefined {
  const ad = a.data, kind = floatKind(ad);
  if (
    kind === undefined || a.strides[0] !== 1 || b.strides[0] !== 1 ||
    b.data.buffer !== ad.buffer || b.data.constructor !== ad.constructor
  ) return undefined;
  const k = linalg.of(ad.buffer);
  if (k === undefined) return undefined;
  const bpe = ad.BYTES_PER_ELEMENT;
  countWasmCall();
  return k[`dot_${kind}`](
    ad.byteOffset + a.offset * bpe,
    b.data.byteOffset + b.offset * bpe,
    a.size,
  );
}

/** Below this many multiply-adds a matrix product is done before a call into WebAssembly pays. */
export const MIN_WASM_PRODUCT = 64;

/**
 * `c[m×n] = a[m×k] · b[k×n]` on the WebAssembly kernel: `a` and `b` with any strides from
 * element `ao` of `ad` (`as0`, `as1`) and `bo` of `bd` (`bs0`, `bs1`), `c` with contiguous rows
 * `n` apart from element `co` of `cd`, in a WebAssembly memory. `a` and `b` are read where they
 * are when they lie in that memory with `c`'s element type (`b` with contiguous rows), else
 * copied into a contiguous temporary there, allocated like `similarOf([a, b])` (the operation's
 * operands).
 */
export function matmulWasm(
  m: number,
  k: number,
  n: number,
  ad: TypedArray,
  ao: number,
  as0: number,
  as1: number,
  bd: TypedArray,
  bo: number,
  bs0: number,
  bs1: number,
  cd: TypedArray,
  co: number,
  a: unknown,
  b: unknown,
): boolean {
  const kind = floatKind(cd);
  if (kind === undefined) return false;
  const buffer = cd.buffer, kernels = linalg.of(buffer);
  if (kernels === undefined) return false;
  const type = cd.constructor as TypedArrayConstructor, bpe = type.BYTES_PER_ELEMENT;
  const temp = (t: TypedArrayConstructor, len: number) => similarOf([a, b], t, [len]).data;
  let aa: number, ba: number;
  if (ad.buffer === buffer && ad.constructor === type) {
    aa = ad.byteOffset + ao * bpe;
  } else {
    const v = { data: ad, shape: [m, k], strides: [as0, as1], offset: ao, size: m * k };
    aa = inMemory(buffer, type, v, temp);
    as0 = k;
    as1 = 1;
  }
  if (bd.buffer === buffer && bd.constructor === type && (bs1 === 1 || n === 1)) {
    ba = bd.byteOffset + bo * bpe;
  } else {
    const v = { data: bd, shape: [k, n], strides: [bs0, bs1], offset: bo, size: k * n };
    ba = inMemory(buffer, type, v, temp);
    bs0 = n;
  }
  if (aa < 0 || ba < 0) return false;
  (cd as Float64Array).fill(0, co, co + m * n);
  kernels[`gemm_${kind}`](m, n, k, aa, as0, as1, ba, bs0, cd.byteOffset + co * bpe, n);
  countWasmCall();
  return true;
}
