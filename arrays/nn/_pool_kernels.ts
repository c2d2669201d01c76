// Internal: the 2×2 max-pooling kernel (stride 2, no padding), the pooling of the CNN.

import type { Data } from "../../_internal/loops.ts";

/** max(a, b) without a branch, up to rounding: callers check the result. */
function max2(a: number, b: number): number {
  return (a + b + Math.abs(a - b)) * 0.5;
}

/**
 * 2×2 max pooling with stride 2 of one `OH·2 × OW·2`-or-larger plane (rows `W` apart at `xo`)
 * into `y[yo …]` (`OH × OW`, contiguous): the largest of each window, NaN if one is NaN.
 */
export function maxPool2x2(
  x: Data,
  xo: number,
  W: number,
  y: Data,
  yo: number,
  OH: number,
  OW: number,
): void {
  for (let oy = 0, q = yo; oy < OH; oy++) {
    for (let r0 = xo + 2 * oy * W, r1 = r0 + W, end = q + OW; q < end; q++, r0 += 2, r1 += 2) {
      const a = x[r0], b = x[r0 + 1], c = x[r1], d = x[r1 + 1];
      // Branch-free maximum (comparisons of real data are coin flips, and mispredicted
      // branches cost more than the arithmetic); the check, true unless rounding, NaN or
      // infinities interfere, makes the result exactly the largest input either way.
      const m = max2(max2(a, b), max2(c, d));
      if (
        (+(m === a) | +(m === b) | +(m === c) | +(m === d)) &
        +(m >= a) & +(m >= b) & +(m >= c) & +(m >= d)
      ) {
        y[q] = m;
      } else {
        const m1 = a > b || a !== a ? a : b, m2 = c > d || c !== c ? c : d;
        y[q] = m1 > m2 || m1 !== m1 ? m1 : m2;
      }
    }
  }
}
