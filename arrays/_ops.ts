// Internal: what every array operation shares. Not part of the public API.
//
// - The public boundary: reading operands once (`viewOf`, `operandOf`), checking element
//   kinds, broadcasting shapes, validating or allocating the result (`output`).
// - Hazards: an `out` that overlaps an input in another layout gets a copy of that input.
// - Loop drivers over strided layouts after merging the axes every operand walks as one
//   (`coalesce`): one call for contiguous data, a 2-d fast path, an n-d odometer otherwise.
//   The per-row kernels passed to them trust their input.

import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { describeValue } from "../allocators/_validate.ts";
import { isRowMajor, rowMajorStrides } from "./_core.ts";
import { isTypedArray, NDArray } from "./ndarray.ts";
import { copy, similarOf } from "./similar.ts";

/** Kernels index every number element type through this type (as `_core.ts` does). */
export type Data = Float64Array;

/** An array operand read once at the boundary: its storage and layout. */
export interface View {
  /** What the caller passed (an n-d array or a typed array). */
  readonly src: TypedArray | NDArray;
  readonly data: Data;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** `[2, 3]` → `"[2, 3]"`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Whether `data` holds bigints. */
export function isBigIntData(data: unknown): boolean {
  return data instanceof BigInt64Array || data instanceof BigUint64Array;
}

/**
 * Reads an array argument: an n-d array (its `data` getter is where a `CheckedAllocArray`
 * checks that its memory is still valid) or a typed array as a 1-d array.
 */
export function viewOf(x: unknown, action: string, name: string): View {
  if (x instanceof NDArray) {
    return {
      src: x,
      data: x.data as Data,
      shape: x.shape,
      strides: x.strides,
      offset: x.offset,
      size: x.size,
    };
  }
  if (isTypedArray(x)) {
    return { src: x, data: x as Data, shape: [x.length], strides: [1], offset: 0, size: x.length };
  }
  throw new TypeError(
    `Cannot ${action}: ${name} must be a typed array or NDArray, got ${describeValue(x)}`,
  );
}

/** {@linkcode viewOf} for operations on number elements: BigInt arrays are a TypeError. */
export function numericView(x: unknown, action: string, name: string): View {
  const v = viewOf(x, action, name);
  if (isBigIntData(v.data)) {
    throw new TypeError(
      `Cannot ${action}: ${name} holds ${v.data.constructor.name} elements; this operation needs number elements (use map or zip for bigints)`,
    );
  }
  return v;
}

/** An element-wise operand: a number (scalar) or a number-element array. */
export function operandOf(x: unknown, action: string, name: string): View | number {
  if (typeof x === "number") return x;
  if (x instanceof NDArray || isTypedArray(x)) return numericView(x, action, name);
  throw new TypeError(
    `Cannot ${action}: ${name} must be a number, typed array or NDArray, got ${describeValue(x)}`,
  );
}

/** Checks that `axis` is an axis of an `ndim`-d array (negative counts from the end). */
export function normalizeAxis(axis: unknown, ndim: number, action: string): number {
  if (typeof axis !== "number") {
    throw new TypeError(`Cannot ${action}: axis must be a number, got ${describeValue(axis)}`);
  }
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(
      `Cannot ${action}: axis ${axis} is out of range for an array of ${ndim} axes`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** NumPy's broadcast of two shapes (trailing axes aligned; a length 1 repeats). */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
  action: string,
): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let k = 0; k < nd; k++) {
    const x = a[a.length - nd + k] ?? 1, y = b[b.length - nd + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `Cannot ${action}: shapes ${fmtShape(a)} and ${
          fmtShape(b)
        } do not broadcast (axis ${k}: ${x} vs ${y})`,
      );
    }
    out[k] = x === 1 ? y : x;
  }
  return out;
}

/** Strides that walk `v` as if it had `shape` (which it broadcasts to): 0 on repeated axes. */
export function broadcastStrides(v: View, shape: readonly number[]): number[] {
  const nd = shape.length, lead = nd - v.shape.length;
  const out = new Array<number>(nd).fill(0);
  for (let k = 0; k < v.shape.length; k++) {
    if (v.shape[k] !== 1) out[lead + k] = v.strides[k];
  }
  return out;
}

/** The element type floating-point math on `type` produces (integers → Float64Array). */
export function floatType(type: TypedArrayConstructor): TypedArrayConstructor {
  return type === Float32Array || type === Float64Array || type.name === "Float16Array"
    ? type
    : Float64Array;
}

/** The result of an operation: what to return to the caller, and its layout for the kernel. */
export interface Output {
  readonly result: TypedArray | NDArray;
  readonly view: View;
}

/**
 * The operation's result: `out` after checking its shape and element kind, or a new array from
 * `similarOf(inputs, dtype, shape)`, i.e. of the strongest input's kind, allocated by the
 * current allocator when that is an `AllocArray`.
 */
export function output(
  inputs: readonly unknown[],
  dtype: TypedArrayConstructor,
  shape: number[],
  out: unknown,
  action: string,
): Output {
  if (out === undefined || out === null) {
    const result = similarOf(inputs, dtype, shape);
    return {
      result,
      view: {
        src: result,
        data: result.data as Data,
        shape,
        strides: rowMajorStrides(shape),
        offset: 0,
        size: result.size,
      },
    };
  }
  const view = viewOf(out, action, "out");
  if (!sameShape(view.shape, shape)) {
    throw new RangeError(
      `Cannot ${action}: out has shape ${fmtShape(view.shape)}, expected ${fmtShape(shape)}`,
    );
  }
  const big = dtype === BigInt64Array || dtype === BigUint64Array;
  if (isBigIntData(view.data) !== big) {
    throw new TypeError(
      `Cannot ${action}: out holds ${view.data.constructor.name} elements, the result has ${
        big ? "bigint" : "number"
      } elements (${dtype.name})`,
    );
  }
  return { result: out as NDArray, view };
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Byte range `[lo, hi)` inside its buffer of the elements `v` reaches. */
function byteSpan(v: View, strides: readonly number[]): [number, number] {
  let lo = v.offset, hi = v.offset;
  for (let k = 0; k < v.shape.length; k++) {
    const span = (v.shape[k] - 1) * strides[k];
    if (span < 0) lo += span;
    else hi += span;
  }
  const bpe = v.data.BYTES_PER_ELEMENT, base = v.data.byteOffset;
  return [base + lo * bpe, base + (hi + 1) * bpe];
}

/**
 * Whether `a` and `b` (both non-empty) share some bytes of memory. Two `SharedArrayBuffer`
 * objects of one size may be the same memory (each `postMessage` delivers its own object for
 * it), so they count as the same buffer: at worst an input is copied needlessly.
 */
export function overlaps(a: View, b: View): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const ab = a.data.buffer, bb = b.data.buffer;
  if (ab !== bb && !(ab.byteLength === bb.byteLength && isShared(ab) && isShared(bb))) {
    return false;
  }
  const [alo, ahi] = byteSpan(a, a.strides), [blo, bhi] = byteSpan(b, b.strides);
  return alo < bhi && blo < ahi;
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;
}

/**
 * `input` when it is safe to read while writing `out` element by element in the same order:
 * no shared memory, or exactly the same elements at every index (`inStrides` is `input`
 * broadcast to `out`'s shape). Otherwise a contiguous copy of it (from `similar`).
 */
export function unaliased(out: View, input: View, inStrides: readonly number[]): View {
  if (!overlaps(out, input)) return input;
  if (
    input.data.constructor === out.data.constructor &&
    input.data.byteOffset + input.offset * input.data.BYTES_PER_ELEMENT ===
      out.data.byteOffset + out.offset * out.data.BYTES_PER_ELEMENT &&
    sameShape(inStrides, out.strides)
  ) return input;
  return detached(input);
}

/** A contiguous copy of `v` (from `similar`, so from the current allocator for AllocArrays). */
export function detached(v: View): View {
  const c = copy(v.src);
  return {
    src: v.src,
    data: c.data as Data,
    shape: v.shape,
    strides: rowMajorStrides(v.shape as number[]),
    offset: 0,
    size: v.size,
  };
}

/**
 * `v` as a row-major contiguous layout: itself when it is one, else a copy from `similar`
 * (the input's kind, so a bump allocator serves it inside `withAllocator`).
 */
export function contiguous(v: View): View {
  return isRowMajor(v.shape, v.strides) ? v : detached(v);
}

/**
 * Merges the axes that every operand walks as one (axis `k` into `k + 1` when
 * `strides[k] === strides[k + 1] * shape[k + 1]` for all of them) and drops length-1 axes, so
 * contiguous data becomes a single row. `shape` must have size > 0.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (n === 1) continue;
    const last = sh.length - 1;
    let merge = last >= 0;
    for (let j = 0; merge && j < strides.length; j++) {
      merge = st[j][last] === strides[j][k] * n;
    }
    if (merge) {
      sh[last] *= n;
      for (let j = 0; j < strides.length; j++) st[j][last] = strides[j][k];
    } else {
      sh.push(n);
      for (let j = 0; j < strides.length; j++) st[j].push(strides[j][k]);
    }
  }
  return { shape: sh, strides: st };
}

/** A kernel over one row of two operands: `n` elements from `ao`/`oo` in steps `as`/`os`. */
export type Row2 = (
  o: Data,
  oo: number,
  os: number,
  a: Data,
  ao: number,
  as: number,
  n: number,
) => void;

/** A kernel over one row of three operands (the output first). */
export type Row3 = (
  o: Data,
  oo: number,
  os: number,
  a: Data,
  ao: number,
  as: number,
  b: Data,
  bo: number,
  bs: number,
  n: number,
) => void;

/**
 * Runs `row` over every innermost row of the layout (row-major order) for an output and one
 * input. Size must be > 0. Contiguous data (after {@linkcode coalesce}) is one call.
 */
export function run2(
  row: Row2,
  shape0: readonly number[],
  o: Data,
  oo: number,
  os0: readonly number[],
  a: Data,
  ao: number,
  as0: readonly number[],
): void {
  const { shape, strides: [os, as] } = coalesce(shape0, [os0, as0]);
  const nd = shape.length;
  if (nd === 0) return row(o, oo, 1, a, ao, 1, 1);
  const last = nd - 1, n = shape[last], osl = os[last], asl = as[last];
  if (nd === 1) return row(o, oo, osl, a, ao, asl, n);
  if (nd === 2) {
    const m = shape[0], os0 = os[0], as0 = as[0];
    for (let i = 0; i < m; i++, oo += os0, ao += as0) row(o, oo, osl, a, ao, asl, n);
    return;
  }
  const idx = new Array<number>(last).fill(0);
  for (;;) {
    row(o, oo, osl, a, ao, asl, n);
    let k = last - 1;
    for (; k >= 0; k--) {
      oo += os[k];
      ao += as[k];
      if (++idx[k] < shape[k]) break;
      oo -= os[k] * shape[k];
      ao -= as[k] * shape[k];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** {@linkcode run2} for an output and two inputs. */
export function run3(
  row: Row3,
  shape0: readonly number[],
  o: Data,
  oo: number,
  os0: readonly number[],
  a: Data,
  ao: number,
  as0: readonly number[],
  b: Data,
  bo: number,
  bs0: readonly number[],
): void {
  const { shape, strides: [os, as, bs] } = coalesce(shape0, [os0, as0, bs0]);
  const nd = shape.length;
  if (nd === 0) return row(o, oo, 1, a, ao, 1, b, bo, 1, 1);
  const last = nd - 1, n = shape[last], osl = os[last], asl = as[last], bsl = bs[last];
  if (nd === 1) return row(o, oo, osl, a, ao, asl, b, bo, bsl, n);
  if (nd === 2) {
    const m = shape[0], os0 = os[0], as0 = as[0], bs0 = bs[0];
    for (let i = 0; i < m; i++, oo += os0, ao += as0, bo += bs0) {
      row(o, oo, osl, a, ao, asl, b, bo, bsl, n);
    }
    return;
  }
  const idx = new Array<number>(last).fill(0);
  for (;;) {
    row(o, oo, osl, a, ao, asl, b, bo, bsl, n);
    let k = last - 1;
    for (; k >= 0; k--) {
      oo += os[k];
      ao += as[k];
      bo += bs[k];
      if (++idx[k] < shape[k]) break;
      oo -= os[k] * shape[k];
      ao -= as[k] * shape[k];
      bo -= bs[k] * shape[k];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** Copies one row (element types converted by the typed-array store). */
export const COPY_ROW: Row2 = (o, oo, os, a, ao, as, n) => {
  for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = a[ao];
};

/** Writes the elements of `src` (broadcast to `dst`'s shape) into `dst`. */
export function assign(dst: View, src: View): void {
  if (dst.size === 0) return;
  const st = broadcastStrides(src, dst.shape);
  const s = unaliased(dst, src, st);
  run2(
    COPY_ROW,
    dst.shape,
    dst.data,
    dst.offset,
    dst.strides,
    s.data,
    s.offset,
    s === src ? st : broadcastStrides(s, dst.shape),
  );
}

/**
 * Where a kernel that needs a row-major output writes: `out` itself when it is one and shares
 * no memory with the inputs, else a fresh temporary like it (from `similar`) that
 * {@linkcode finish} copies into `out`. An input laid out exactly as `out` does not count as
 * sharing when the kernel reads each element before writing it (`elementwise`): then `out` may
 * be that input (in place).
 */
export function writable(out: Output, inputs: readonly View[], elementwise = false): View {
  const v = out.view;
  let ok = isRowMajor(v.shape, v.strides);
  for (let i = 0; ok && i < inputs.length; i++) {
    const x = inputs[i];
    ok = !overlaps(v, x) || elementwise && x.data === v.data && x.offset === v.offset &&
        sameShape(x.strides, v.strides);
  }
  if (ok) return v;
  const t = similarOf([v.src], null, v.shape as number[]);
  return {
    src: t,
    data: t.data as Data,
    shape: v.shape,
    strides: rowMajorStrides(v.shape as number[]),
    offset: 0,
    size: v.size,
  };
}

/** Completes {@linkcode writable}: copies the temporary into `out` if one was used. */
export function finish(out: Output, written: View): TypedArray | NDArray {
  if (written !== out.view) assign(out.view, written);
  return out.result;
}
