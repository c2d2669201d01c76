/**
 * {@linkcode conv2d}: 2-d convolution of NCHW image batches.
 *
 * @module
 */

import { fmtShape } from "../../_internal/describe.ts";
import { gemmAccumulate } from "../../_internal/gemm.ts";
import type { Data } from "../../_internal/loops.ts";
import {
  contiguous,
  finish,
  floatType,
  numericView,
  optionsOf,
  outOf,
  output,
  type View,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { activate, type ActivationName, activationOf, storeActivated } from "./_activation.ts";
import {
  conv3x3Channel1,
  conv3x3Channel4,
  conv3x3Channel8,
  conv3x3First8,
  im2col,
} from "./_conv_kernels.ts";
import { imagesOf, pairOf, slide, vectorOf } from "./_layer_args.ts";
import { conv3x3Wasm } from "./_wasm.ts";
import type { Activation } from "./activation.ts";
import type {
  ArrayInput,
  ElementsOf,
  FloatElements,
  OutOf,
  OutOptions,
  ResultArray,
  Returned,
} from "../ops/operand.ts";
import { similarOf } from "../similar.ts";

/** Options of {@linkcode conv2d}. */
export interface Conv2dOptions extends OutOptions {
  /** One number per output channel (`[outChannels]`), added to its sums; omitted or `null` for none. */
  bias?: ArrayInput | null;
  /** Step between windows: one number or `[vertical, horizontal]` (default 1). */
  stride?: number | readonly [number, number];
  /** Zero padding on each side: one number or `[vertical, horizontal]` (default 0). */
  padding?: number | readonly [number, number];
  /** Applied to the output in place (default `"identity"`). */
  activation?: Activation;
}

const CONV2D_KEYS: readonly string[] = ["bias", "stride", "padding", "activation", "out"];

/**
 * 2-d convolution (cross-correlation, as in every deep-learning library) of an NCHW batch with
 * `weight` `[outChannels, channels, kernelHeight, kernelWidth]`, plus `bias` per output
 * channel, then the activation: `y[n, o, i, j] = act(bias[o] + Σ x[n, c, i·sh − ph + p,
 * j·sw − pw + q] · weight[o, c, p, q])`. The result `[N, outChannels, OH, OW]` (no batch axis
 * for a 3-d `x`), `OH = ⌊(H + 2·ph − KH) / sh⌋ + 1`, has `x`'s float element type and is
 * allocated like `similarOf([x, weight, bias])`, or written into `out`.
 *
 * Computed per image as an im2col column matrix (a temporary from `similar`, reused across the
 * batch) times the weight matrix, in tight loops over contiguous memory; non-contiguous inputs
 * are copied first.
 *
 * @typeParam X The type of `x`.
 * @typeParam K The type of `weight`.
 * @typeParam P The type of `options`.
 * @param x The images, `[N, C, H, W]` or `[C, H, W]`.
 * @param weight The kernels, `[OC, C, KH, KW]`.
 * @param options `bias`, `stride`, `padding`, `activation` and `out` (where to write the
 * result; omitted to allocate it), or `out` itself.
 * @returns `out`, or the new feature maps.
 * @throws {TypeError} When an argument has the wrong type, holds bigints, or an option is
 * invalid.
 * @throws {RangeError} When shapes do not fit together, the kernel is larger than the padded
 * image, stride < 1, padding < 0, or `out` has the wrong shape.
 *
 * @example An edge detector
 * ```ts
 * import { conv2d, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const image = NDArray.fromNested([[[0, 0, 1, 1], [0, 0, 1, 1]]]); // [C=1, H=2, W=4]
 * const kernel = NDArray.fromNested([[[[-1, 1]]]]); // [OC=1, C=1, 1, 2]
 * const y = conv2d(image, kernel, { bias: new Float64Array([0.5]) });
 * assert.deepEqual(y.toNested(), [[[0.5, 1.5, 0.5], [0.5, 1.5, 0.5]]]);
 * ```
 *
 * @example Stride, padding and a fused ReLU
 * ```ts
 * import { conv2d, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const x = new NDArray(new Float32Array(2 * 3 * 8 * 8).fill(1), [2, 3, 8, 8]);
 * const w = new NDArray(new Float32Array(4 * 3 * 3 * 3).fill(-1), [4, 3, 3, 3]);
 * const y = conv2d(x, w, { stride: 2, padding: 1, activation: "relu" });
 * assert.deepEqual(y.shape, [2, 4, 4, 4]);
 * assert.ok([...y].every((v) => v === 0));
 * ```
 */
export function conv2d<
  X extends ArrayInput,
  K extends ArrayInput,
  const P extends Conv2dOptions | ArrayInput | null | undefined = undefined,
>(
  x: X,
  weight: K,
  options?: P,
): Returned<OutOf<P>, ResultArray<X | K, FloatElements<ElementsOf<X>>>> {
  const action = "compute conv2d()";
  const { v: X, dims: [N, C, H, W] } = imagesOf(x, action);
  const Wt = numericView(weight, action, "weight");
  if (Wt.shape.length !== 4 || Wt.shape[1] !== C) {
    throw new RangeError(
      `Cannot ${action}: weight must be [outChannels, ${C}, kernelHeight, kernelWidth] for x of shape ${
        fmtShape(X.shape)
      }, got ${fmtShape(Wt.shape)}`,
    );
  }
  const [OC, , KH, KW] = Wt.shape;
  const opts = optionsOf(options, CONV2D_KEYS, action);
  const bias = opts.bias, out = outOf(options, opts);
  const B = vectorOf(bias, OC, "bias", action);
  const stride = pairOf(opts.stride, [1, 1], 1, "stride", action), [sh, sw] = stride;
  const padding = pairOf(opts.padding, [0, 0], 0, "padding", action), [ph, pw] = padding;
  const act = activationOf(opts.activation, action);
  const [OH, OW] = slide([H, W], [KH, KW], stride, padding, "kernel", "image", action);
  const shape = X.shape.length === 4 ? [N, OC, OH, OW] : [OC, OH, OW];
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const inputs = [x, weight, bias];
  const res = output(inputs, dtype, shape, out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X), ws = contiguous(Wt);
  const y = writable(res, B === undefined ? [X, Wt] : [X, Wt, B]);
  if (KH === 3 && KW === 3 && sw === 1) {
    const temp = (t: TypedArrayConstructor, n: number) => similarOf(inputs, t, [n]).data;
    if (!(sh === 1 && conv3x3Wasm(xs, [N, C, H, W], ws, B, OC, ph, pw, OH, OW, y, act, temp))) {
      conv3x3(xs, [N, C, H, W], ws, B, OC, sh, ph, pw, OH, OW, y, act, inputs);
    }
    return finish(res, y) as never;
  }
  const K = C * KH * KW, P = OH * OW;
  const direct = KH === 1 && KW === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0;
  const cols = direct ? xs.data : similarOf(inputs, dtype, [K, P]).data as Data;
  const xd = xs.data, wd = ws.data, yd = y.data;
  for (let n = 0; n < N; n++) {
    const xo = xs.offset + n * C * H * W;
    if (!direct) im2col(xd, xo, C, H, W, KH, KW, sh, sw, ph, pw, OH, OW, cols, 0);
    const yo = y.offset + n * OC * P;
    for (let o = 0; o < OC; o++) {
      yd.fill(
        B === undefined ? 0 : B.data[B.offset + o * B.strides[0]],
        yo + o * P,
        yo + o * P + P,
      );
    }
    gemmAccumulate(OC, P, K, wd, ws.offset, K, 1, cols, direct ? xo : 0, P, yd, yo, P);
    activate(act, yd, yo, OC * P);
  }
  return finish(res, y) as never;
}

/**
 * {@linkcode conv2d} for 3×3 kernels with horizontal stride 1 (any vertical stride and
 * padding): eight (then four, then one) output channels at a time, one input channel after
 * another, accumulated in double precision in a small temporary from `similarOf`, then stored
 * with the activation. Padding copies each image into a
 * zero-bordered temporary first.
 */
function conv3x3(
  xs: View,
  [N, C, H, W]: readonly [number, number, number, number],
  ws: View,
  B: View | undefined,
  OC: number,
  sh: number,
  ph: number,
  pw: number,
  OH: number,
  OW: number,
  y: View,
  act: ActivationName,
  inputs: readonly unknown[],
): void {
  const P = OH * OW, K = C * 9, Hp = H + 2 * ph, Wp = W + 2 * pw, HWp = Hp * Wp;
  const dtype = xs.data.constructor as TypedArrayConstructor;
  const padded = ph > 0 || pw > 0
    ? (similarOf(inputs, dtype, [C * HWp]).data as Data).fill(0)
    : undefined;
  const yd = y.data, wd = ws.data;
  // Eight output channels' sums (a small temporary that stays in the fastest caches).
  const acc = similarOf(inputs, Float64Array, [8 * P]).data as Float64Array;
  const bias = (o: number) => B === undefined ? 0 : B.data[B.offset + o * B.strides[0]];
  for (let n = 0; n < N; n++) {
    let xd = xs.data, xo = xs.offset + n * C * H * W;
    if (padded !== undefined) {
      for (let c = 0; c < C; c++) {
        for (let h = 0; h < H; h++) {
          const src = xo + (c * H + h) * W, dst = (c * Hp + h + ph) * Wp + pw;
          for (let k = 0; k < W; k++) padded[dst + k] = xd[src + k];
        }
      }
      xd = padded;
      xo = 0;
    }
    const yo = y.offset + n * OC * P;
    for (let o = 0; o < OC;) {
      const wo = ws.offset + o * K;
      if (o + 8 <= OC) {
        if (C === 0) { for (let r = 0; r < 8; r++) acc.fill(bias(o + r), r * P, r * P + P); }
        else {
          const bd = B?.data, bo = B === undefined ? 0 : B.offset + o * B.strides[0];
          conv3x3First8(xd, xo, Wp, sh, wd, wo, K, acc, 0, P, OH, OW, bd, bo, B?.strides[0] ?? 0);
        }
        for (let c = 1; c < C; c++) {
          conv3x3Channel8(xd, xo + c * HWp, Wp, sh, wd, wo + c * 9, K, acc, 0, P, OH, OW);
        }
        storeActivated(act, acc, 0, yd, yo + o * P, 8 * P);
        o += 8;
      } else if (o + 4 <= OC) {
        for (let r = 0; r < 4; r++) acc.fill(bias(o + r), r * P, r * P + P);
        for (let c = 0; c < C; c++) {
          conv3x3Channel4(xd, xo + c * HWp, Wp, sh, wd, wo + c * 9, K, acc, 0, P, OH, OW);
        }
        storeActivated(act, acc, 0, yd, yo + o * P, 4 * P);
        o += 4;
      } else {
        acc.fill(bias(o), 0, P);
        for (let c = 0; c < C; c++) {
          conv3x3Channel1(xd, xo + c * HWp, Wp, sh, wd, wo + c * 9, acc, 0, OH, OW);
        }
        storeActivated(act, acc, 0, yd, yo + o * P, P);
        o++;
      }
    }
  }
}
