// Package-private: the matrix-multiply kernel shared by `matmul` (arrays/ops) and the im2col
// path of `conv2d` (arrays/nn). It trusts its input.

import type { Data } from "./loops.ts";

/**
 * `c[i, j] += Σ_p a[i, p] · b[p, j]` for `i < m`, `j < n`, `p < k`: the core of matrix
 * products and convolutions. `a` has any strides (`as0`, `as1`); `b` has contiguous rows
 * `bs` apart; `c` has contiguous rows `cs` apart. The caller initialises `c` (zeros, or the
 * bias). Four rows of `c` are updated together from two rows of `b` per pass, which keeps
 * eight weights in registers and loads each element of `b` once per four rows.
 */
export function gemmAccumulate(
  m: number,
  n: number,
  k: number,
  a: Data,
  ao: number,
  as0: number,
  as1: number,
  b: Data,
  bo: number,
  bs: number,
  c: Data,
  co: number,
  cs: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const c0 = co + i * cs, c1 = c0 + cs, c2 = c1 + cs, c3 = c2 + cs;
    const a0 = ao + i * as0, a1 = a0 + as0, a2 = a1 + as0, a3 = a2 + as0;
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      const q = p * as1, q1 = q + as1;
      const u0 = a[a0 + q], u1 = a[a1 + q], u2 = a[a2 + q], u3 = a[a3 + q];
      const v0 = a[a0 + q1], v1 = a[a1 + q1], v2 = a[a2 + q1], v3 = a[a3 + q1];
      const r = bo + p * bs, r1 = r + bs;
      for (let j = 0; j < n; j++) {
        const x = b[r + j], y = b[r1 + j];
        c[c0 + j] += u0 * x + v0 * y;
        c[c1 + j] += u1 * x + v1 * y;
        c[c2 + j] += u2 * x + v2 * y;
        c[c3 + j] += u3 * x + v3 * y;
      }
    }
    if (p < k) {
      const q = p * as1, r = bo + p * bs;
      const u0 = a[a0 + q], u1 = a[a1 + q], u2 = a[a2 + q], u3 = a[a3 + q];
      for (let j = 0; j < n; j++) {
        const x = b[r + j];
        c[c0 + j] += u0 * x;
        c[c1 + j] += u1 * x;
        c[c2 + j] += u2 * x;
        c[c3 + j] += u3 * x;
      }
    }
  }
  for (; i < m; i++) axpyRows(c, co + i * cs, n, a, ao + i * as0, as1, k, b, bo, bs);
}

/**
 * `c[co + j] += Σ_p a[ao + p·as] · b[bo + p·bs + j]` for `j < n`, `p < k`: a row of a matrix
 * product whose right operand has contiguous rows (step `bs` between them). Four rows of `b`
 * per pass, so `c` is loaded and stored a quarter as often.
 */
export function axpyRows(
  c: Data,
  co: number,
  n: number,
  a: Data,
  ao: number,
  as: number,
  k: number,
  b: Data,
  bo: number,
  bs: number,
): void {
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const w0 = a[ao + p * as], w1 = a[ao + (p + 1) * as];
    const w2 = a[ao + (p + 2) * as], w3 = a[ao + (p + 3) * as];
    const r0 = bo + p * bs, r1 = r0 + bs, r2 = r1 + bs, r3 = r2 + bs;
    for (let j = 0; j < n; j++) {
      c[co + j] += w0 * b[r0 + j] + w1 * b[r1 + j] + w2 * b[r2 + j] + w3 * b[r3 + j];
    }
  }
  for (; p < k; p++) {
    const w = a[ao + p * as], r = bo + p * bs;
    for (let j = 0; j < n; j++) c[co + j] += w * b[r + j];
  }
}
