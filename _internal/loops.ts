// Package-private: the one loop over strided layouts in row-major order (`walk`), with 1-D and
// 2-D fast paths and an n-D odometer, after merging the axes every operand walks as one. The
// per-row kernels passed to it trust their input.

import { rowMajorStrides, sizeOf } from "./layout.ts";
import type { TypedArray } from "../allocators/dtype.ts";

/**
 * The static type of a kernel's arrays: kernels are written as if every array were a
 * `Float64Array`; at run time they index whatever number typed array they are given, which
 * converts elements on load and store.
 */
export type Data = Float64Array;

/**
 * A kernel over one row of up to three operands (the output first): `n` elements of `o` from
 * `oo` in steps of `os`, and likewise of `a` and `b`. A kernel of fewer operands simply
 * declares fewer parameters.
 */
export type Row = (
  n: number,
  o: Data,
  oo: number,
  os: number,
  a: Data,
  ao: number,
  as: number,
  b: Data,
  bo: number,
  bs: number,
) => void;

/** A {@linkcode Row} of two operands. */
type Row2 = (n: number, o: Data, oo: number, os: number, a: Data, ao: number, as: number) => void;

/** A {@linkcode Row} of one operand. */
type Row1 = (n: number, o: Data, oo: number, os: number) => void;

/**
 * The layout of {@linkcode walk} after merging the axes every operand walks as one (axis `k`
 * into `k + 1` when `strides[k] === strides[k + 1] * shape[k + 1]` for all of them) and
 * dropping length-1 axes, so contiguous data becomes a single row. An absent operand
 * (`null` strides) walks with steps 0.
 */
function coalesce(
  shape: readonly number[],
  os: readonly number[],
  as: readonly number[] | null,
  bs: readonly number[] | null,
): { shape: number[]; os: number[]; as: number[]; bs: number[] } {
  const sh: number[] = [], o: number[] = [], a: number[] = [], b: number[] = [];
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (n === 1) continue;
    const ok = os[k], ak = as === null ? 0 : as[k], bk = bs === null ? 0 : bs[k];
    const last = sh.length - 1;
    if (last >= 0 && o[last] === ok * n && a[last] === ak * n && b[last] === bk * n) {
      sh[last] *= n;
      o[last] = ok;
      a[last] = ak;
      b[last] = bk;
    } else {
      sh.push(n);
      o.push(ok);
      a.push(ak);
      b.push(bk);
    }
  }
  return { shape: sh, os: o, as: a, bs: b };
}

/**
 * The strided walk every loop over an n-d layout uses: calls `row` for each innermost row of
 * `shape` in row-major order, for an output `o` and up to two inputs `a` and `b` (omitted
 * ones are not walked). The axes the operands walk as one are merged first, so contiguous
 * data is a single call; the last two remaining axes are a plain double loop, and an odometer
 * steps any axes before them. Size must be > 0.
 */
export function walk(
  row: Row,
  shape0: readonly number[],
  o: Data,
  oo: number,
  os0: readonly number[],
  a: Data = o,
  ao = 0,
  as0: readonly number[] | null = null,
  b: Data = o,
  bo = 0,
  bs0: readonly number[] | null = null,
): void {
  // Kernels of one or two operands are called with the arguments they take: passing the unused
  // ones costs about a quarter of the time of short rows.
  const three = bs0 !== null, two = !three && as0 !== null;
  if (shape0.length <= 1) {
    // One row as it is (small vectors: nothing to merge, nothing allocated).
    const n = shape0.length === 0 ? 1 : shape0[0], osl = os0[0] ?? 1, asl = as0?.[0] ?? 0;
    if (three) return row(n, o, oo, osl, a, ao, asl, b, bo, bs0[0] ?? 0);
    if (two) return (row as Row2)(n, o, oo, osl, a, ao, asl);
    return (row as Row1)(n, o, oo, osl);
  }
  const { shape, os, as, bs } = coalesce(shape0, os0, as0, bs0);
  const nd = shape.length;
  if (nd === 0) return row(1, o, oo, 1, a, ao, 1, b, bo, 1);
  const last = nd - 1, n = shape[last], osl = os[last], asl = as[last], bsl = bs[last];
  if (nd === 1) return row(n, o, oo, osl, a, ao, asl, b, bo, bsl);
  // The last two axes are a plain double loop; an odometer steps the axes before them.
  const m = shape[last - 1], osm = os[last - 1], asm = as[last - 1], bsm = bs[last - 1];
  const outer = last - 1;
  const idx = outer > 0 ? new Array<number>(outer).fill(0) : null;
  for (;;) {
    if (three) {
      for (let i = 0, o1 = oo, a1 = ao, b1 = bo; i < m; i++, o1 += osm, a1 += asm, b1 += bsm) {
        row(n, o, o1, osl, a, a1, asl, b, b1, bsl);
      }
    } else if (two) {
      for (let i = 0, o1 = oo, a1 = ao; i < m; i++, o1 += osm, a1 += asm) {
        (row as Row2)(n, o, o1, osl, a, a1, asl);
      }
    } else {
      for (let i = 0, o1 = oo; i < m; i++, o1 += osm) (row as Row1)(n, o, o1, osl);
    }
    if (idx === null) return;
    let k = outer - 1;
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

/**
 * Copies one row (element types converted by the typed-array store); long contiguous rows go
 * through `TypedArray.prototype.set`.
 */
export const COPY_ROW: Row = (n, o, oo, os, a, ao, as) => {
  if (os === 1 && as === 1 && n >= 64) {
    o.set(a.subarray(ao, ao + n), oo);
    return;
  }
  for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = a[ao];
};

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
  if (sizeOf(shape) === 0) return;
  walk(
    COPY_ROW,
    shape,
    dst as Data,
    dstStart,
    rowMajorStrides(shape),
    src as Data,
    offset,
    strides,
  );
}
