// Package-private: loops over strided layouts in row-major order, with 1-D and 2-D fast paths and
// an n-D fallback, after merging the axes every operand walks as one (`coalesce`). The per-row
// kernels passed to them trust their input.

import { sizeOf } from "./layout.ts";
import type { TypedArray } from "../allocators/dtype.ts";

/**
 * The static type of a kernel's arrays: kernels are written as if every array were a
 * `Float64Array`; at run time they index whatever number typed array they are given, which
 * converts elements on load and store.
 */
export type Data = Float64Array;

/**
 * Copies the strided elements of `src` (row-major order) into `dst` starting at `dstStart`,
 * contiguously.
 */
export function copyStridedToContiguous(
  src: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dst: TypedArray,
  dstStart: number,
): void {
  const d = dst as Float64Array;
  const s = src as Float64Array;
  const nd = shape.length;
  if (nd === 0) {
    d[dstStart] = s[offset];
    return;
  }
  if (sizeOf(shape) === 0) return;
  if (nd === 1) {
    const n = shape[0], st = strides[0];
    if (st === 1) {
      d.set(s.subarray(offset, offset + n), dstStart);
      return;
    }
    for (let i = 0, o = offset; i < n; i++, o += st) d[dstStart + i] = s[o];
    return;
  }
  if (nd === 2) {
    const n0 = shape[0], n1 = shape[1], s0 = strides[0], s1 = strides[1];
    let k = dstStart;
    for (let i = 0, row = offset; i < n0; i++, row += s0) {
      for (let j = 0, o = row; j < n1; j++, o += s1) d[k++] = s[o];
    }
    return;
  }
  let k = dstStart;
  forEachRow(shape, strides, offset, (start, n, st) => {
    for (let j = 0, o = start; j < n; j++, o += st) d[k++] = s[o];
  });
}

/**
 * Walks an n-d strided layout one innermost row at a time (row-major order): calls
 * `row(start, length, stride)` for each run along the last axis. `shape` must have size > 0 and
 * at least one axis.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  row: (start: number, length: number, stride: number) => void,
): void {
  const nd = shape.length;
  const last = nd - 1;
  const n = shape[last], st = strides[last];
  const idx = new Array<number>(last).fill(0);
  let o = offset;
  for (;;) {
    row(o, n, st);
    let k = last - 1;
    for (; k >= 0; k--) {
      o += strides[k];
      if (++idx[k] < shape[k]) break;
      o -= strides[k] * shape[k];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
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
