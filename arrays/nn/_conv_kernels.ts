// Internal: the kernels of `conv2d`: the im2col column matrix, and the direct register-blocked
// 3×3 kernels (8, 4 or 1 output channels at a time). They trust their input.

import type { Data } from "../../_internal/loops.ts";

/**
 * Fills `cols` (`[C·KH·KW, OH·OW]`, row-major) with the input windows of one image
 * (im2col): row `(c·KH + kh)·KW + kw`, column `oy·OW + ox` holds `x[c, oy·sh − ph + kh,
 * ox·sw − pw + kw]`, zero in the padding.
 */
export function im2col(
  x: Data,
  xo: number,
  C: number,
  H: number,
  W: number,
  KH: number,
  KW: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  OH: number,
  OW: number,
  cols: Data,
  co: number,
): void {
  const P = OH * OW;
  let r = co;
  for (let c = 0; c < C; c++) {
    const plane = xo + c * H * W;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++, r += P) {
        // ox with 0 <= ox·sw − pw + kw < W
        const ox0 = Math.min(OW, Math.max(0, Math.ceil((pw - kw) / sw)));
        const ox1 = Math.max(ox0, Math.min(OW, Math.floor((W - 1 + pw - kw) / sw) + 1));
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * sh - ph + kh, q = r + oy * OW;
          if (iy < 0 || iy >= H) {
            cols.fill(0, q, q + OW);
            continue;
          }
          if (ox0 > 0) cols.fill(0, q, q + ox0);
          const src = plane + iy * W - pw + kw;
          if (sw === 1) {
            for (let ox = ox0; ox < ox1; ox++) cols[q + ox] = x[src + ox];
          } else {
            for (let ox = ox0; ox < ox1; ox++) cols[q + ox] = x[src + ox * sw];
          }
          if (ox1 < OW) cols.fill(0, q + ox1, q + OW);
        }
      }
    }
  }
}

/**
 * One input channel's share of a 3×3 convolution (cross-correlation) with horizontal stride 1
 * and vertical stride `sh`, for four output channels at once:
 * `acc[ao + r·P + i·OW + j] += Σ_{u, v} w[wo + r·K + u·3 + v] · x[xo + (i·sh + u)·W + j + v]`
 * for `r < 4`, `i < OH`, `j < OW`, `P = OH·OW`. `x` rows are `W ≥ OW + 2` apart; `acc` is a
 * `Float64Array`.
 *
 * Weight-stationary: the 36 weights stay in registers while three input rows slide past them
 * (three loads per output position for 36 multiply-adds), about twice as fast in V8 as a
 * column matrix and a matrix product. (Accumulate with `+=`: setting `acc` on a first channel
 * through a condition in the loop halves the speed.)
 */
export function conv3x3Channel4(
  x: Data,
  xo: number,
  W: number,
  sh: number,
  w: Data,
  wo: number,
  K: number,
  acc: Float64Array,
  ao: number,
  P: number,
  OH: number,
  OW: number,
): void {
  const p = wo, q = p + K, r = q + K, s = r + K;
  const p0 = w[p], p1 = w[p + 1], p2 = w[p + 2];
  const p3 = w[p + 3], p4 = w[p + 4], p5 = w[p + 5];
  const p6 = w[p + 6], p7 = w[p + 7], p8 = w[p + 8];
  const q0 = w[q], q1 = w[q + 1], q2 = w[q + 2];
  const q3 = w[q + 3], q4 = w[q + 4], q5 = w[q + 5];
  const q6 = w[q + 6], q7 = w[q + 7], q8 = w[q + 8];
  const r0 = w[r], r1 = w[r + 1], r2 = w[r + 2];
  const r3 = w[r + 3], r4 = w[r + 4], r5 = w[r + 5];
  const r6 = w[r + 6], r7 = w[r + 7], r8 = w[r + 8];
  const s0 = w[s], s1 = w[s + 1], s2 = w[s + 2];
  const s3 = w[s + 3], s4 = w[s + 4], s5 = w[s + 5];
  const s6 = w[s + 6], s7 = w[s + 7], s8 = w[s + 8];
  const c0 = ao, c1 = c0 + P, c2 = c1 + P, c3 = c2 + P;
  for (let i = 0, t = 0; i < OH; i++) {
    const x0 = xo + i * sh * W, x1 = x0 + W, x2 = x1 + W;
    // The window's left and middle columns; the right one is loaded per position.
    let a0 = x[x0], a1 = x[x0 + 1], e0 = x[x1], e1 = x[x1 + 1], d0 = x[x2], d1 = x[x2 + 1];
    for (let j = 2, end = OW + 2; j < end; j++, t++) {
      const a2 = x[x0 + j], e2 = x[x1 + j], d2 = x[x2 + j];
      acc[c0 + t] += (p0 * a0 + p1 * a1 + p2 * a2) +
        (p3 * e0 + p4 * e1 + p5 * e2) + (p6 * d0 + p7 * d1 + p8 * d2);
      acc[c1 + t] += (q0 * a0 + q1 * a1 + q2 * a2) +
        (q3 * e0 + q4 * e1 + q5 * e2) + (q6 * d0 + q7 * d1 + q8 * d2);
      acc[c2 + t] += (r0 * a0 + r1 * a1 + r2 * a2) +
        (r3 * e0 + r4 * e1 + r5 * e2) + (r6 * d0 + r7 * d1 + r8 * d2);
      acc[c3 + t] += (s0 * a0 + s1 * a1 + s2 * a2) +
        (s3 * e0 + s4 * e1 + s5 * e2) + (s6 * d0 + s7 * d1 + s8 * d2);
      a0 = a1;
      a1 = a2;
      e0 = e1;
      e1 = e2;
      d0 = d1;
      d1 = d2;
    }
  }
}

/**
 * {@linkcode conv3x3Channel4} for eight output channels at once: 72 weights (most of them
 * spilled to the stack, which costs far less than a typed-array access) per three input loads
 * and eight accumulator updates, about 10% faster than four.
 */
export function conv3x3Channel8(
  x: Data,
  xo: number,
  W: number,
  sh: number,
  w: Data,
  wo: number,
  K: number,
  acc: Float64Array,
  ao: number,
  P: number,
  OH: number,
  OW: number,
): void {
  const o0 = wo, o1 = o0 + K, o2 = o1 + K, o3 = o2 + K;
  const o4 = o3 + K, o5 = o4 + K, o6 = o5 + K, o7 = o6 + K;
  const w00 = w[o0], w01 = w[o0 + 1], w02 = w[o0 + 2];
  const w03 = w[o0 + 3], w04 = w[o0 + 4], w05 = w[o0 + 5];
  const w06 = w[o0 + 6], w07 = w[o0 + 7], w08 = w[o0 + 8];
  const w10 = w[o1], w11 = w[o1 + 1], w12 = w[o1 + 2];
  const w13 = w[o1 + 3], w14 = w[o1 + 4], w15 = w[o1 + 5];
  const w16 = w[o1 + 6], w17 = w[o1 + 7], w18 = w[o1 + 8];
  const w20 = w[o2], w21 = w[o2 + 1], w22 = w[o2 + 2];
  const w23 = w[o2 + 3], w24 = w[o2 + 4], w25 = w[o2 + 5];
  const w26 = w[o2 + 6], w27 = w[o2 + 7], w28 = w[o2 + 8];
  const w30 = w[o3], w31 = w[o3 + 1], w32 = w[o3 + 2];
  const w33 = w[o3 + 3], w34 = w[o3 + 4], w35 = w[o3 + 5];
  const w36 = w[o3 + 6], w37 = w[o3 + 7], w38 = w[o3 + 8];
  const w40 = w[o4], w41 = w[o4 + 1], w42 = w[o4 + 2];
  const w43 = w[o4 + 3], w44 = w[o4 + 4], w45 = w[o4 + 5];
  const w46 = w[o4 + 6], w47 = w[o4 + 7], w48 = w[o4 + 8];
  const w50 = w[o5], w51 = w[o5 + 1], w52 = w[o5 + 2];
  const w53 = w[o5 + 3], w54 = w[o5 + 4], w55 = w[o5 + 5];
  const w56 = w[o5 + 6], w57 = w[o5 + 7], w58 = w[o5 + 8];
  const w60 = w[o6], w61 = w[o6 + 1], w62 = w[o6 + 2];
  const w63 = w[o6 + 3], w64 = w[o6 + 4], w65 = w[o6 + 5];
  const w66 = w[o6 + 6], w67 = w[o6 + 7], w68 = w[o6 + 8];
  const w70 = w[o7], w71 = w[o7 + 1], w72 = w[o7 + 2];
  const w73 = w[o7 + 3], w74 = w[o7 + 4], w75 = w[o7 + 5];
  const w76 = w[o7 + 6], w77 = w[o7 + 7], w78 = w[o7 + 8];
  const c0 = ao, c1 = c0 + P, c2 = c1 + P, c3 = c2 + P;
  const c4 = c3 + P, c5 = c4 + P, c6 = c5 + P, c7 = c6 + P;
  for (let i = 0, t = 0; i < OH; i++) {
    const x0 = xo + i * sh * W, x1 = x0 + W, x2 = x1 + W;
    let a0 = x[x0], a1 = x[x0 + 1], e0 = x[x1], e1 = x[x1 + 1], d0 = x[x2], d1 = x[x2 + 1];
    for (let j = 2, end = OW + 2; j < end; j++, t++) {
      const a2 = x[x0 + j], e2 = x[x1 + j], d2 = x[x2 + j];
      acc[c0 + t] += (w00 * a0 + w01 * a1 + w02 * a2) + (w03 * e0 + w04 * e1 + w05 * e2) +
        (w06 * d0 + w07 * d1 + w08 * d2);
      acc[c1 + t] += (w10 * a0 + w11 * a1 + w12 * a2) + (w13 * e0 + w14 * e1 + w15 * e2) +
        (w16 * d0 + w17 * d1 + w18 * d2);
      acc[c2 + t] += (w20 * a0 + w21 * a1 + w22 * a2) + (w23 * e0 + w24 * e1 + w25 * e2) +
        (w26 * d0 + w27 * d1 + w28 * d2);
      acc[c3 + t] += (w30 * a0 + w31 * a1 + w32 * a2) + (w33 * e0 + w34 * e1 + w35 * e2) +
        (w36 * d0 + w37 * d1 + w38 * d2);
      acc[c4 + t] += (w40 * a0 + w41 * a1 + w42 * a2) + (w43 * e0 + w44 * e1 + w45 * e2) +
        (w46 * d0 + w47 * d1 + w48 * d2);
      acc[c5 + t] += (w50 * a0 + w51 * a1 + w52 * a2) + (w53 * e0 + w54 * e1 + w55 * e2) +
        (w56 * d0 + w57 * d1 + w58 * d2);
      acc[c6 + t] += (w60 * a0 + w61 * a1 + w62 * a2) + (w63 * e0 + w64 * e1 + w65 * e2) +
        (w66 * d0 + w67 * d1 + w68 * d2);
      acc[c7 + t] += (w70 * a0 + w71 * a1 + w72 * a2) + (w73 * e0 + w74 * e1 + w75 * e2) +
        (w76 * d0 + w77 * d1 + w78 * d2);
      a0 = a1;
      a1 = a2;
      e0 = e1;
      e1 = e2;
      d0 = d1;
      d1 = d2;
    }
  }
}

/**
 * {@linkcode conv3x3Channel8} for the first input channel: sets the sums to the bias
 * (`bias[bo + r·bs]`, or 0 without one) plus the products instead of adding to them, which
 * saves a pass to initialise `acc` and a load per output (8% of a one-channel convolution).
 */
export function conv3x3First8(
  x: Data,
  xo: number,
  W: number,
  sh: number,
  w: Data,
  wo: number,
  K: number,
  acc: Float64Array,
  ao: number,
  P: number,
  OH: number,
  OW: number,
  bias: Data | undefined,
  bo: number,
  bs: number,
): void {
  const o0 = wo, o1 = o0 + K, o2 = o1 + K, o3 = o2 + K;
  const o4 = o3 + K, o5 = o4 + K, o6 = o5 + K, o7 = o6 + K;
  const w00 = w[o0], w01 = w[o0 + 1], w02 = w[o0 + 2];
  const w03 = w[o0 + 3], w04 = w[o0 + 4], w05 = w[o0 + 5];
  const w06 = w[o0 + 6], w07 = w[o0 + 7], w08 = w[o0 + 8];
  const w10 = w[o1], w11 = w[o1 + 1], w12 = w[o1 + 2];
  const w13 = w[o1 + 3], w14 = w[o1 + 4], w15 = w[o1 + 5];
  const w16 = w[o1 + 6], w17 = w[o1 + 7], w18 = w[o1 + 8];
  const w20 = w[o2], w21 = w[o2 + 1], w22 = w[o2 + 2];
  const w23 = w[o2 + 3], w24 = w[o2 + 4], w25 = w[o2 + 5];
  const w26 = w[o2 + 6], w27 = w[o2 + 7], w28 = w[o2 + 8];
  const w30 = w[o3], w31 = w[o3 + 1], w32 = w[o3 + 2];
  const w33 = w[o3 + 3], w34 = w[o3 + 4], w35 = w[o3 + 5];
  const w36 = w[o3 + 6], w37 = w[o3 + 7], w38 = w[o3 + 8];
  const w40 = w[o4], w41 = w[o4 + 1], w42 = w[o4 + 2];
  const w43 = w[o4 + 3], w44 = w[o4 + 4], w45 = w[o4 + 5];
  const w46 = w[o4 + 6], w47 = w[o4 + 7], w48 = w[o4 + 8];
  const w50 = w[o5], w51 = w[o5 + 1], w52 = w[o5 + 2];
  const w53 = w[o5 + 3], w54 = w[o5 + 4], w55 = w[o5 + 5];
  const w56 = w[o5 + 6], w57 = w[o5 + 7], w58 = w[o5 + 8];
  const w60 = w[o6], w61 = w[o6 + 1], w62 = w[o6 + 2];
  const w63 = w[o6 + 3], w64 = w[o6 + 4], w65 = w[o6 + 5];
  const w66 = w[o6 + 6], w67 = w[o6 + 7], w68 = w[o6 + 8];
  const w70 = w[o7], w71 = w[o7 + 1], w72 = w[o7 + 2];
  const w73 = w[o7 + 3], w74 = w[o7 + 4], w75 = w[o7 + 5];
  const w76 = w[o7 + 6], w77 = w[o7 + 7], w78 = w[o7 + 8];
  const b = (r: number) => bias === undefined ? 0 : bias[bo + r * bs];
  const b0 = b(0), b1 = b(1), b2 = b(2), b3 = b(3), b4 = b(4), b5 = b(5), b6 = b(6), b7 = b(7);
  const c0 = ao, c1 = c0 + P, c2 = c1 + P, c3 = c2 + P;
  const c4 = c3 + P, c5 = c4 + P, c6 = c5 + P, c7 = c6 + P;
  for (let i = 0, t = 0; i < OH; i++) {
    const x0 = xo + i * sh * W, x1 = x0 + W, x2 = x1 + W;
    let a0 = x[x0], a1 = x[x0 + 1], e0 = x[x1], e1 = x[x1 + 1], d0 = x[x2], d1 = x[x2 + 1];
    for (let j = 2, end = OW + 2; j < end; j++, t++) {
      const a2 = x[x0 + j], e2 = x[x1 + j], d2 = x[x2 + j];
      acc[c0 + t] = b0 + (w00 * a0 + w01 * a1 + w02 * a2) + (w03 * e0 + w04 * e1 + w05 * e2) +
        (w06 * d0 + w07 * d1 + w08 * d2);
      acc[c1 + t] = b1 + (w10 * a0 + w11 * a1 + w12 * a2) + (w13 * e0 + w14 * e1 + w15 * e2) +
        (w16 * d0 + w17 * d1 + w18 * d2);
      acc[c2 + t] = b2 + (w20 * a0 + w21 * a1 + w22 * a2) + (w23 * e0 + w24 * e1 + w25 * e2) +
        (w26 * d0 + w27 * d1 + w28 * d2);
      acc[c3 + t] = b3 + (w30 * a0 + w31 * a1 + w32 * a2) + (w33 * e0 + w34 * e1 + w35 * e2) +
        (w36 * d0 + w37 * d1 + w38 * d2);
      acc[c4 + t] = b4 + (w40 * a0 + w41 * a1 + w42 * a2) + (w43 * e0 + w44 * e1 + w45 * e2) +
        (w46 * d0 + w47 * d1 + w48 * d2);
      acc[c5 + t] = b5 + (w50 * a0 + w51 * a1 + w52 * a2) + (w53 * e0 + w54 * e1 + w55 * e2) +
        (w56 * d0 + w57 * d1 + w58 * d2);
      acc[c6 + t] = b6 + (w60 * a0 + w61 * a1 + w62 * a2) + (w63 * e0 + w64 * e1 + w65 * e2) +
        (w66 * d0 + w67 * d1 + w68 * d2);
      acc[c7 + t] = b7 + (w70 * a0 + w71 * a1 + w72 * a2) + (w73 * e0 + w74 * e1 + w75 * e2) +
        (w76 * d0 + w77 * d1 + w78 * d2);
      a0 = a1;
      a1 = a2;
      e0 = e1;
      e1 = e2;
      d0 = d1;
      d1 = d2;
    }
  }
}

/** {@linkcode conv3x3Channel4} for one output channel (the remainder of a block of four). */
export function conv3x3Channel1(
  x: Data,
  xo: number,
  W: number,
  sh: number,
  w: Data,
  wo: number,
  acc: Float64Array,
  ao: number,
  OH: number,
  OW: number,
): void {
  const p0 = w[wo], p1 = w[wo + 1], p2 = w[wo + 2];
  const p3 = w[wo + 3], p4 = w[wo + 4], p5 = w[wo + 5];
  const p6 = w[wo + 6], p7 = w[wo + 7], p8 = w[wo + 8];
  for (let i = 0, t = ao; i < OH; i++) {
    const x0 = xo + i * sh * W, x1 = x0 + W, x2 = x1 + W;
    let a0 = x[x0], a1 = x[x0 + 1], e0 = x[x1], e1 = x[x1 + 1], d0 = x[x2], d1 = x[x2 + 1];
    for (let j = 2, end = OW + 2; j < end; j++, t++) {
      const a2 = x[x0 + j], e2 = x[x1 + j], d2 = x[x2 + j];
      acc[t] += (p0 * a0 + p1 * a1 + p2 * a2) +
        (p3 * e0 + p4 * e1 + p5 * e2) + (p6 * d0 + p7 * d1 + p8 * d2);
      a0 = a1;
      a1 = a2;
      e0 = e1;
      e1 = e2;
      d0 = d1;
      d1 = d2;
    }
  }
}
