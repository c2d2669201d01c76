// Internal: shared by the array classes and `similar`. Not part of the public API.
//
// - The "trusted construction" flag lets views and `similar` create arrays without re-validating
//   what the library itself computed (validate once at the public boundary).
// - Strided loops (row-major order) with 1-D and 2-D fast paths and an n-D fallback.

import type { TypedArray } from "../allocators/dtype.ts";

let trusted = false;

/**
 * Marks the next array construction as trusted: its shape, strides and offset were computed by
 * the library and are not validated again. The next constructor call consumes the mark.
 */
export function markTrusted(): void {
  trusted = true;
}

/** Whether the running construction is trusted; consumes the mark. */
export function consumeTrusted(): boolean {
  if (trusted) {
    trusted = false;
    return true;
  }
  return false;
}

/**
 * `new C(data, shape, strides, offset)` without validation: for layouts the library computed.
 */
export function constructTrusted<D, A, E = undefined>(
  C: new (data: D, shape: number[], strides: number[], offset: number, extra?: E) => A,
  data: D,
  shape: number[],
  strides: number[],
  offset: number,
  extra?: E,
): A {
  // Every array constructor consumes the mark before anything that can throw (no try/finally:
  // this is on every view's and every `similar`'s path).
  trusted = true;
  return new C(data, shape, strides, offset, extra);
}

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

/** The zero of `data`'s element type (`0n` for BigInt arrays). */
export function zeroOf(data: TypedArray): number | bigint {
  return data instanceof BigInt64Array || data instanceof BigUint64Array ? 0n : 0;
}

// Allocation sites of CheckedAllocArrays, kept only while recording is on
// (`CheckedAllocArray.recordAllocationSites`). A WeakMap, so recording adds no field to every
// array and never keeps an array alive; `anySites` keeps the lookups off the path until then.
const sites = new WeakMap<object, string>();
let anySites = false;

// Stack frames in this directory are the library's own (similar, copy, …), not the site.
const HERE = new URL(".", import.meta.url).href;

/** Records the current stack, from the first frame outside the library, as `array`'s site. */
export function recordSite(array: object): void {
  const stack = new Error().stack;
  if (stack === undefined) return;
  const lines = stack.split("\n").slice(1);
  let i = 0;
  while (i < lines.length - 1 && lines[i].includes(HERE)) i++;
  sites.set(array, lines.slice(i).join("\n"));
  anySites = true;
}

/** `array`'s recorded allocation site, if any. */
export function allocationSite(array: object): string | undefined {
  return anySites ? sites.get(array) : undefined;
}

/** Gives `view` the allocation site of `parent`, if it has one. */
export function copySite(parent: object, view: object): void {
  if (!anySites) return;
  const site = sites.get(parent);
  if (site !== undefined) sites.set(view, site);
}
