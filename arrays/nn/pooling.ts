/**
 * {@linkcode maxPool2d}: 2-d max pooling of NCHW image batches.
 *
 * @module
 */

import { contiguous, finish, output, writable } from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { imagesOf, optionsOf, pairOf, windows } from "./_layer_args.ts";
import { maxPool2x2 } from "./_pool_kernels.ts";
import { maxPool2x2Wasm } from "./_wasm.ts";
import { similarOf } from "../similar.ts";
import type { ArrayInput, ElementsOf, ResultArray, Returned } from "../ops/operand.ts";

/** Options of {@linkcode maxPool2d}. */
export interface MaxPool2dOptions {
  /** Step between windows: one number or `[vertical, horizontal]` (default: the window). */
  stride?: number | readonly [number, number];
  /**
   * Padding on each side, never chosen as a maximum: one number or `[vertical, horizontal]`,
   * smaller than the window (default 0).
   */
  padding?: number | readonly [number, number];
}

/**
 * 2-d max pooling of an NCHW batch: the largest element of each `window` (NaN if any is NaN),
 * windows `stride` apart (non-overlapping by default). The result `[N, C, OH, OW]`,
 * `OH = ⌊(H + 2·ph − KH) / sh⌋ + 1` (no batch axis for a 3-d `x`), has `x`'s element type and
 * is allocated like `similar(x)`, or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The feature maps, `[N, C, H, W]` or `[C, H, W]`.
 * @param window The window: one number or `[height, width]` (default 2).
 * @param options Stride and padding.
 * @param out Where to write the result; omitted or `null` to allocate.
 * @returns `out`, or the new pooled maps.
 * @throws {TypeError} When an argument has the wrong type or holds bigints.
 * @throws {RangeError} When `x` is not 3-d or 4-d, the window is larger than the padded map,
 * a size is out of range, or `out` has the wrong shape.
 *
 * @example 2×2 pooling
 * ```ts
 * import { maxPool2d, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const x = NDArray.fromNested([[[1, 2, 5, 0], [3, 4, 1, 1], [0, 0, 9, 9]]]); // [1, 3, 4]
 * assert.deepEqual(maxPool2d(x).toNested(), [[[4, 5]]]);
 * assert.deepEqual(maxPool2d(x, 2, { padding: 1 }).toNested(), [[[1, 5, 0], [3, 9, 9]]]);
 * ```
 */
export function maxPool2d<
  X extends ArrayInput,
  O extends ArrayInput | null | undefined = undefined,
>(
  x: X,
  window: number | readonly [number, number] = 2,
  options?: MaxPool2dOptions | null,
  out?: O,
): Returned<O, ResultArray<X, ElementsOf<X>>> {
  const action = "compute maxPool2d()";
  const { v: X, dims: [N, C, H, W] } = imagesOf(x, action);
  const [KH, KW] = pairOf(window, [2, 2], 1, "window", action);
  const opts = optionsOf(options, action);
  const [sh, sw] = pairOf(opts.stride, [KH, KW], 1, "stride", action);
  const [ph, pw] = pairOf(opts.padding, [0, 0], 0, "padding", action);
  if (ph >= KH || pw >= KW) {
    throw new RangeError(
      `Cannot ${action}: padding [${ph}, ${pw}] must be smaller than the window [${KH}, ${KW}]`,
    );
  }
  if (H + 2 * ph < KH || W + 2 * pw < KW) {
    throw new RangeError(
      `Cannot ${action}: the ${KH}×${KW} window is larger than the padded ${H + 2 * ph}×${
        W + 2 * pw
      } map`,
    );
  }
  const OH = windows(H, KH, sh, ph), OW = windows(W, KW, sw, pw);
  const shape = X.shape.length === 4 ? [N, C, OH, OW] : [C, OH, OW];
  const res = output([x], X.data.constructor as TypedArrayConstructor, shape, out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X), y = writable(res, [X]);
  const xd = xs.data, yd = y.data;
  const plain = KH === 2 && KW === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0;
  if (
    plain && maxPool2x2Wasm(xs, N * C, H, W, y, OH, OW, (t, n) => similarOf([x], t, [n]).data)
  ) {
    return finish(res, y) as never;
  }
  for (let p = 0; p < N * C; p++) {
    const xo = xs.offset + p * H * W;
    let q = y.offset + p * OH * OW;
    if (plain) {
      maxPool2x2(xd, xo, W, yd, q, OH, OW);
      continue;
    }
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(0, oy * sh - ph), y1 = Math.min(H, oy * sh - ph + KH);
      for (let ox = 0; ox < OW; ox++, q++) {
        const x0 = Math.max(0, ox * sw - pw), x1 = Math.min(W, ox * sw - pw + KW);
        let m = -Infinity;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0, k = xo + iy * W + x0; ix < x1; ix++, k++) {
            const v = xd[k];
            if (v > m || v !== v) m = v;
          }
        }
        yd[q] = m;
      }
    }
  }
  return finish(res, y) as never;
}
