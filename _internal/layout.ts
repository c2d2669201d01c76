// Package-private: the arithmetic of strided layouts (row-major strides, contiguity, no-copy
// reshapes), shared by the arrays and their operations.

/** Row-major (C order) strides of a contiguous array of `shape`. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const n = shape.length;
  const s = new Array<number>(n);
  let acc = 1;
  for (let i = n - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** `strides` when they are exactly the row-major strides of `shape`, else new row-major ones. */
export function rowMajorStridesLike(
  shape: readonly number[],
  strides: readonly number[],
): number[] {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (strides[i] !== acc) return rowMajorStrides(shape);
    acc *= shape[i];
  }
  return strides as number[];
}

/** Whether `shape`/`strides` describe a row-major contiguous block (size-1 axes ignored). */
export function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const n = shape[i];
    if (n === 0) return true;
    if (n !== 1) {
      if (strides[i] !== expected) return false;
      expected *= n;
    }
  }
  return true;
}

/**
 * Strides for viewing the layout `shape`/`strides` as `newShape` without copying (NumPy's
 * `_attempt_nocopy_reshape`, row-major), or `null` when that needs a copy. Sizes must match.
 */
export function reshapeStrides(
  shape: readonly number[],
  strides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  const newNd = newShape.length;
  if (sizeOf(shape) === 0 || isRowMajor(shape, strides)) return rowMajorStrides(newShape);
  const oldDims: number[] = [];
  const oldStrides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) {
      oldDims.push(shape[i]);
      oldStrides.push(strides[i]);
    }
  }
  const oldNd = oldDims.length;
  const out = new Array<number>(newNd);
  let oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < newNd && oi < oldNd) {
    let np = newShape[ni], op = oldDims[oi];
    while (np !== op) {
      if (np < op) np *= newShape[nj++];
      else op *= oldDims[oj++];
    }
    for (let ok = oi; ok < oj - 1; ok++) {
      if (oldStrides[ok] !== oldDims[ok + 1] * oldStrides[ok + 1]) return null;
    }
    out[nj - 1] = oldStrides[oj - 1];
    for (let nk = nj - 1; nk > ni; nk--) out[nk - 1] = out[nk] * newShape[nk];
    ni = nj++;
    oi = oj++;
  }
  const lastStride = ni >= 1 ? out[ni - 1] : 1;
  for (let nk = ni; nk < newNd; nk++) out[nk] = lastStride;
  return out;
}
