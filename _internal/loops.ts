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
 * The strided walk every loop over an n-d layout uses: calls `row` for each innermost row of
 * `shape` in row-major order, for an output `o` and up to two inputs `a` and `b` (omitted
 * ones are not walked). The axes the operands walk as one are merged first (axis `k` into
 * `k + 1` when `strides[k] === strides[k + 1] * shape[k + 1]` for all of them; length-1 axes
 * dropped), so contiguous data is a single call; the last two remaining axes are a plain
 * double loop, and an odometer steps any axes before them. Size must be > 0. Layouts of up to
 * two axes allocate nothing; more allocate one array (the merged layout and the odometer).
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
  const nd0 = shape0.length;
  if (nd0 <= 1) {
    // One row as it is (small vectors: nothing to merge).
    const n = nd0 === 0 ? 1 : shape0[0], osl = os0[0] ?? 1, asl = as0?.[0] ?? 0;
    if (three) return row(n, o, oo, osl, a, ao, asl, b, bo, bs0[0] ?? 0);
    if (two) return (row as Row2)(n, o, oo, osl, a, ao, asl);
    return (row as Row1)(n, o, oo, osl);
  }
  if (nd0 === 2) {
    // Two axes, merged in local variables.
    const n0 = shape0[0], n1 = shape0[1], o0 = os0[0], o1 = os0[1];
    const a0 = as0 === null ? 0 : as0[0], a1 = as0 === null ? 0 : as0[1];
    const b0 = bs0 === null ? 0 : bs0[0], b1 = bs0 === null ? 0 : bs0[1];
    if (n0 === 1) return rows2(row, three, two, 1, n1, o, oo, 0, o1, a, ao, 0, a1, b, bo, 0, b1);
    if (n1 === 1) return rows2(row, three, two, 1, n0, o, oo, 0, o0, a, ao, 0, a0, b, bo, 0, b0);
    if (o0 === o1 * n1 && a0 === a1 * n1 && b0 === b1 * n1) {
      return rows2(row, three, two, 1, n0 * n1, o, oo, 0, o1, a, ao, 0, a1, b, bo, 0, b1);
    }
    return rows2(row, three, two, n0, n1, o, oo, o0, o1, a, ao, a0, a1, b, bo, b0, b1);
  }
  // The merged layout in one array: axis k's length and the three operands' steps at
  // 4k … 4k + 3; after them the odometer's index of each outer axis.
  const L = new Array<number>(5 * nd0);
  let nd = 0;
  for (let k = 0; k < nd0; k++) {
    const n = shape0[k];
    if (n === 1) continue;
    const ok = os0[k], ak = as0 === null ? 0 : as0[k], bk = bs0 === null ? 0 : bs0[k];
    const p = 4 * (nd - 1);
    if (nd > 0 && L[p + 1] === ok * n && L[p + 2] === ak * n && L[p + 3] === bk * n) {
      L[p] *= n;
      L[p + 1] = ok;
      L[p + 2] = ak;
      L[p + 3] = bk;
    } else {
      const q = 4 * nd++;
      L[q] = n;
      L[q + 1] = ok;
      L[q + 2] = ak;
      L[q + 3] = bk;
    }
  }
  if (nd === 0) return rows2(row, three, two, 1, 1, o, oo, 0, 1, a, ao, 0, 1, b, bo, 0, 1);
  const z = 4 * (nd - 1);
  if (nd === 1) {
    return rows2(
      row,
      three,
      two,
      1,
      L[z],
      o,
      oo,
      0,
      L[z + 1],
      a,
      ao,
      0,
      L[z + 2],
      b,
      bo,
      0,
      L[z + 3],
    );
  }
  // The last two axes are a plain double loop; an odometer steps the axes before them.
  const y = z - 4, outer = nd - 2, idx = 4 * nd0;
  for (let k = 0; k < outer; k++) L[idx + k] = 0;
  for (;;) {
    rows2(
      row,
      three,
      two,
      L[y],
      L[z],
      o,
      oo,
      L[y + 1],
      L[z + 1],
      a,
      ao,
      L[y + 2],
      L[z + 2],
      b,
      bo,
      L[y + 3],
      L[z + 3],
    );
    if (outer === 0) return;
    let k = outer - 1;
    for (; k >= 0; k--) {
      const p = 4 * k;
      oo += L[p + 1];
      ao += L[p + 2];
      bo += L[p + 3];
      if (++L[idx + k] < L[p]) break;
      oo -= L[p + 1] * L[p];
      ao -= L[p + 2] * L[p];
      bo -= L[p + 3] * L[p];
      L[idx + k] = 0;
    }
    if (k < 0) return;
  }
}

/** `m` rows of `n` elements, the rows `om`, `am`, `bm` apart: the innermost double loop. */
function rows2(
  row: Row,
  three: boolean,
  two: boolean,
  m: number,
  n: number,
  o: Data,
  oo: number,
  om: number,
  on: number,
  a: Data,
  ao: number,
  am: number,
  an: number,
  b: Data,
  bo: number,
  bm: number,
  bn: number,
): void {
  if (three) {
    for (let i = 0; i < m; i++, oo += om, ao += am, bo += bm) {
      row(n, o, oo, on, a, ao, an, b, bo, bn);
    }
  } else if (two) {
    for (let i = 0; i < m; i++, oo += om, ao += am) (row as Row2)(n, o, oo, on, a, ao, an);
  } else {
    for (let i = 0; i < m; i++, oo += om) (row as Row1)(n, o, oo, on);
  }
}

/**
 * Copies one row (element types converted by the typed-array store); long contiguous rows go
 * through `TypedArray.prototype.set`: all of `a` directly, part of it through a `subarray`
 * only when the row is long enough to repay that view object (garbage of every call).
 */
export const COPY_ROW: Row = (n, o, oo, os, a, ao, as) => {
  if (os === 1 && as === 1 && n >= 64) {
    if (ao === 0 && n === a.length) {
      o.set(a, oo);
      return;
    }
    if (n >= 4096) {
      o.set(a.subarray(ao, ao + n), oo);
      return;
    }
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
