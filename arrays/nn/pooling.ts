/**
 * {@linkcode maxPool2d}: 2-d max pooling of NCHW image batches.
 *
 * @module
 */

import { fmtShape } from "../../_internal/describe.ts";
import {
  contiguous,
  finish,
  optionsOf,
  outOf,
  output,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { imagesOf, pairOf, slide } from "./_layer_args.ts";
import { maxPool2x2 } from "./_pool_kernels.ts";
import { maxPool2x2Wasm } from "./_wasm.ts";
import { similarOf } from "../similar.ts";
import type {
  ArrayInput,
  ElementsOf,
  OutOf,
  OutOptions,
  ResultArray,
  Returned,
} from "../ops/operand.ts";

/** Options of {@linkcode maxPool2d}. */
export interface MaxPool2dOptions extends OutOptions {
  /** The window: one number or `[height, width]` (default 2). */
  window?: number | readonly [number, number];
  /** Step between windows: one number or `[vertical, horizontal]` (default: the window). */
  stride?: number | readonly [number, number];
  /**
   * Padding on each side, never chosen as a maximum: one number or `[vertical, horizontal]`,
   * smaller than the window (default 0).
   */
  padding?: number | readonly [number, number];
}

const MAX_POOL_KEYS: readonly string[] = ["window", "stride", "padding", "out"];

/**
 * 2-d max pooling of an NCHW batch: the largest element of each `window` (NaN if any is NaN),
 * windows `stride` apart (non-overlapping by default). The result `[N, C, OH, OW]`,
 * `OH = ⌊(H + 2·ph − KH) / sh⌋ + 1` (no batch axis for a 3-d `x`), has `x`'s element type and
 * is allocated like `similar(x)`, or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The feature maps, `[N, C, H, W]` or `[C, H, W]`.
 * @param options `window`, `stride`, `padding` and `out` (where to write the result; omitted
 * to allocate it), or `out` itself.
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
 * assert.deepEqual(maxPool2d(x, { padding: 1 }).toNested(), [[[1, 5, 0], [3, 9, 9]]]);
 * assert.deepEqual(maxPool2d(x, { window: [1, 4] }).toNested(), [[[5], [4], [9]]]);
 * ```
 */
export function maxPool2d<
  X extends ArrayInput,
  const P extends MaxPool2dOptions | ArrayInput | null | undefined = undefined,
>(x: X, options?: P): Returned<OutOf<P>, ResultArray<X, ElementsOf<X>>> {
  const action = "compute maxPool2d()";
  const { v: X, dims: [N, C, H, W] } = imagesOf(x, action);
  const opts = optionsOf(options, MAX_POOL_KEYS, action), out = outOf(options, opts);
  const window = pairOf(opts.window, [2, 2], 1, "window", action), [KH, KW] = window;
  const stride = pairOf(opts.stride, window, 1, "stride", action), [sh, sw] = stride;
  const padding = pairOf(opts.padding, [0, 0], 0, "padding", action), [ph, pw] = padding;
  if (ph >= KH || pw >= KW) {
    throw new RangeError(
      `Cannot ${action}: padding ${fmtShape(padding)} must be smaller than the window ${
        fmtShape(window)
      }`,
    );
  }
  const [OH, OW] = slide([H, W], window, stride, padding, "window", "map", action);
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
