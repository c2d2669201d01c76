/**
 * {@linkcode maxPool2d}: 2-d max pooling of NCHW image batches.
 *
 * @module
 */

import { fmtShape } from "../../_internal/describe.ts";
import {
  clear,
  contiguous,
  finish,
  optionsOf,
  outOf,
  outputOf,
  resultOf,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { anyWasmMemory } from "../../_internal/wasm.ts";
import { checkFits, checkPair, imageDim, imagesOf, pairAt, slideLength } from "./_layer_args.ts";
import { maxPool2x2, maxPoolPlanes } from "./_pool_kernels.ts";
import { maxPool2x2Wasm } from "./_wasm.ts";
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
  const X = imagesOf(x, action);
  const N = imageDim(X, 0), C = imageDim(X, 1), H = imageDim(X, 2), W = imageDim(X, 3);
  const opts = optionsOf(options, MAX_POOL_KEYS, action), out = outOf(options, opts);
  checkPair(opts.window, 1, "window", action);
  checkPair(opts.stride, 1, "stride", action);
  checkPair(opts.padding, 0, "padding", action);
  const KH = pairAt(opts.window, 0, 2), KW = pairAt(opts.window, 1, 2);
  const sh = pairAt(opts.stride, 0, KH), sw = pairAt(opts.stride, 1, KW);
  const ph = pairAt(opts.padding, 0, 0), pw = pairAt(opts.padding, 1, 0);
  if (ph >= KH || pw >= KW) {
    throw new RangeError(
      `Cannot ${action}: padding ${fmtShape([ph, pw])} must be smaller than the window ${
        fmtShape([KH, KW])
      }`,
    );
  }
  checkFits(H, W, KH, KW, ph, pw, "window", "map", action);
  const OH = slideLength(H, KH, sh, ph), OW = slideLength(W, KW, sw, pw);
  const dtype = X.data.constructor as TypedArrayConstructor;
  const y = outputOf(x, dtype, out, action, X.shape.length, N, C, OH, OW);
  if (y.size === 0) return resultOf(out, y) as never;
  const xs = contiguous(X), w = writable(y, clear(y, X));
  const plain = KH === 2 && KW === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0;
  // Which kernels run: WebAssembly ones when the result lies in WebAssembly memory, else these.
  const wasm = plain && anyWasmMemory() &&
    maxPool2x2Wasm(xs, N * C, H, W, w, OH, OW, x);
  if (wasm) {
    // The WebAssembly kernel wrote the result.
  } else if (plain) {
    for (let p = 0; p < N * C; p++) {
      maxPool2x2(xs.data, xs.offset + p * H * W, W, w.data, w.offset + p * OH * OW, OH, OW);
    }
  } else {
    maxPoolPlanes(
      xs.data,
      xs.offset,
      N * C,
      H,
      W,
      KH,
      KW,
      sh,
      sw,
      ph,
      pw,
      w.data,
      w.offset,
      OH,
      OW,
    );
  }
  finish(y, w);
  return resultOf(out, y) as never;
}
