/**
 * The layers of a small convolutional network, inference only: {@linkcode conv2d},
 * {@linkcode maxPool2d}, {@linkcode batchNorm}, {@linkcode dense} and {@linkcode softmax}
 * (the activations `relu`, `tanh` and `sigmoid` are element-wise operations; `flatten` is a
 * shape operation).
 *
 * Images are NCHW: `[batch, channels, height, width]` (or `[channels, height, width]` for one
 * image). Every layer allocates its output like `similarOf` of its inputs (an `AllocArray`
 * input or weight makes it an `AllocArray` from the current allocator) or writes into `out`;
 * its temporaries (an input copied to contiguous memory, the column matrix of `conv2d`) come
 * from `similar` too, so under a bump allocator a whole forward pass allocates no
 * `ArrayBuffer`. `conv2d`, `dense` and `batchNorm` apply an optional fused activation in place.
 *
 * @module
 */

import type { TypedArrayConstructor } from "../allocators/dtype.ts";
import { describeValue } from "../allocators/_validate.ts";
import {
  activate,
  type ActivationName,
  affineActivate,
  conv3x3Channel1,
  conv3x3Channel4,
  conv3x3Channel8,
  conv3x3First8,
  gemmAccumulate,
  maxPool2x2,
  storeActivated,
} from "./_kernels.ts";
import {
  contiguous,
  type Data,
  finish,
  floatType,
  fmtShape,
  normalizeAxis,
  numericView,
  output,
  type View,
  writable,
} from "./_ops.ts";
import { similarOf } from "./similar.ts";
import type { ArrayInput, ElementsOf, FloatElements, ResultArray, Returned } from "./operand.ts";

/**
 * An activation function a layer applies to its output: `"identity"` (none, the default),
 * `"relu"`, `"tanh"` or `"sigmoid"`.
 */
export type Activation = ActivationName;

const ACTIVATIONS: ReadonlySet<unknown> = new Set(["identity", "relu", "tanh", "sigmoid"]);

function optionsOf(options: unknown, action: string): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
    );
  }
  return options as Record<string, unknown>;
}

function activationOf(value: unknown, action: string): ActivationName {
  if (value === undefined) return "identity";
  if (!ACTIVATIONS.has(value)) {
    throw new TypeError(
      `Cannot ${action}: activation must be "identity", "relu", "tanh" or "sigmoid", got ${
        describeValue(value)
      }`,
    );
  }
  return value as ActivationName;
}

/** A number or `[vertical, horizontal]` pair of integers ≥ `min`. */
function pairOf(
  value: unknown,
  fallback: readonly [number, number],
  min: number,
  what: string,
  action: string,
): [number, number] {
  if (value === undefined || value === null) return [fallback[0], fallback[1]];
  const v = typeof value === "number" ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "number" || typeof v[1] !== "number") {
    throw new TypeError(
      `Cannot ${action}: ${what} must be a number or a pair of numbers, got ${
        describeValue(value)
      }`,
    );
  }
  if (!Number.isSafeInteger(v[0]) || !Number.isSafeInteger(v[1]) || v[0] < min || v[1] < min) {
    throw new RangeError(
      `Cannot ${action}: ${what} must be integers >= ${min}, got ${
        typeof value === "number" ? value : `[${v.join(", ")}]`
      }`,
    );
  }
  return [v[0], v[1]];
}

/** Reads an NCHW (or CHW) image batch: `[N, C, H, W]` with N = 1 for a single image. */
function imagesOf(x: unknown, action: string): { v: View; dims: [number, number, number, number] } {
  const v = numericView(x, action, "x");
  const s = v.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new RangeError(
      `Cannot ${action}: x must be [batch, channels, height, width] or [channels, height, width], got shape ${
        fmtShape(s)
      }`,
    );
  }
  const dims = (s.length === 4 ? s.slice() : [1, ...s]) as [number, number, number, number];
  return { v, dims };
}

/** A 1-d per-channel parameter of length `n`, or undefined when absent. */
function vectorOf(value: unknown, n: number, what: string, action: string): View | undefined {
  if (value === undefined || value === null) return undefined;
  const v = numericView(value, action, what);
  if (v.shape.length !== 1 || v.size !== n) {
    throw new RangeError(
      `Cannot ${action}: ${what} must have shape [${n}], got ${fmtShape(v.shape)}`,
    );
  }
  return v;
}

/** Output length of a sliding window along one axis. */
function windows(len: number, k: number, stride: number, pad: number): number {
  return Math.floor((len + 2 * pad - k) / stride) + 1;
}

/** Options of {@linkcode conv2d}. */
export interface Conv2dOptions {
  /** Step between windows: one number or `[vertical, horizontal]` (default 1). */
  stride?: number | readonly [number, number];
  /** Zero padding on each side: one number or `[vertical, horizontal]` (default 0). */
  padding?: number | readonly [number, number];
  /** Applied to the output in place (default `"identity"`). */
  activation?: Activation;
}

/**
 * Fills `cols` (`[C·KH·KW, OH·OW]`, row-major) with the input windows of one image
 * (im2col): row `(c·KH + kh)·KW + kw`, column `oy·OW + ox` holds `x[c, oy·sh − ph + kh,
 * ox·sw − pw + kw]`, zero in the padding.
 */
function im2col(
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
 * @typeParam O The type of `out`, when given.
 * @param x The images, `[N, C, H, W]` or `[C, H, W]`.
 * @param weight The kernels, `[OC, C, KH, KW]`.
 * @param bias One number per output channel (`[OC]`), or `null`/`undefined` for none.
 * @param options Stride, padding and activation.
 * @param out Where to write the result; omitted or `null` to allocate.
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
 * const y = conv2d(image, kernel, new Float64Array([0.5]));
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
 * const y = conv2d(x, w, null, { stride: 2, padding: 1, activation: "relu" });
 * assert.deepEqual(y.shape, [2, 4, 4, 4]);
 * assert.ok([...y].every((v) => v === 0));
 * ```
 */
export function conv2d<
  X extends ArrayInput,
  K extends ArrayInput,
  O extends ArrayInput | null | undefined = undefined,
>(
  x: X,
  weight: K,
  bias?: ArrayInput | null,
  options?: Conv2dOptions | null,
  out?: O,
): Returned<O, ResultArray<X | K, FloatElements<ElementsOf<X>>>> {
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
  const B = vectorOf(bias, OC, "bias", action);
  const opts = optionsOf(options, action);
  const [sh, sw] = pairOf(opts.stride, [1, 1], 1, "stride", action);
  const [ph, pw] = pairOf(opts.padding, [0, 0], 0, "padding", action);
  const act = activationOf(opts.activation, action);
  if (H + 2 * ph < KH || W + 2 * pw < KW) {
    throw new RangeError(
      `Cannot ${action}: the ${KH}×${KW} kernel is larger than the padded ${H + 2 * ph}×${
        W + 2 * pw
      } image`,
    );
  }
  const OH = windows(H, KH, sh, ph), OW = windows(W, KW, sw, pw);
  const shape = X.shape.length === 4 ? [N, OC, OH, OW] : [OC, OH, OW];
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const inputs = [x, weight, bias];
  const res = output(inputs, dtype, shape, out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X), ws = contiguous(Wt);
  const y = writable(res, B === undefined ? [X, Wt] : [X, Wt, B]);
  if (KH === 3 && KW === 3 && sw === 1) {
    conv3x3(xs, [N, C, H, W], ws, B, OC, sh, ph, pw, OH, OW, y, act, inputs);
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

/** The running statistics and affine parameters of {@linkcode batchNorm}, one per channel. */
export interface BatchNormParams {
  /** The per-channel mean (μ). */
  mean: ArrayInput;
  /** The per-channel variance (σ²). */
  variance: ArrayInput;
  /** The per-channel scale (γ; default 1). */
  scale?: ArrayInput | null;
  /** The per-channel shift (β; default 0). */
  bias?: ArrayInput | null;
}

/** Options of {@linkcode batchNorm}. */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5, as in Flux and PyTorch). */
  epsilon?: number;
  /** Applied to the output in place (default `"identity"`). */
  activation?: Activation;
}

/**
 * Batch normalisation in inference mode over axis 1 (the channels of `[N, C, …]`):
 * `y = act((x − mean[c]) / √(variance[c] + ε) · scale[c] + bias[c])` with the stored
 * statistics. The result has `x`'s shape and float element type and is allocated like
 * `similarOf([x, …params])`, or written into `out` (which may be `x`).
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The activations, `[N, C, …]` (at least 2 axes).
 * @param params Per-channel `mean`, `variance`, and optional `scale` and `bias`, each `[C]`.
 * @param options `epsilon` and the activation.
 * @param out Where to write the result; omitted or `null` to allocate.
 * @returns `out`, or the new normalised array.
 * @throws {TypeError} When an argument has the wrong type or holds bigints, or an option is
 * invalid.
 * @throws {RangeError} When `x` has fewer than 2 axes, a parameter is not `[C]`, `epsilon` is
 * negative, or `out` has the wrong shape.
 *
 * @example Normalising two channels
 * ```ts
 * import { batchNorm, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const x = NDArray.fromNested([[1, 10], [3, 30]]); // [N=2, C=2]
 * const y = batchNorm(x, {
 *   mean: new Float64Array([2, 20]),
 *   variance: new Float64Array([1, 100]),
 *   bias: new Float64Array([0, 1]),
 * }, { epsilon: 0 });
 * assert.deepEqual(y.toNested(), [[-1, 0], [1, 2]]);
 * ```
 */
export function batchNorm<
  X extends ArrayInput,
  O extends ArrayInput | null | undefined = undefined,
>(
  x: X,
  params: BatchNormParams,
  options?: BatchNormOptions | null,
  out?: O,
): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  const action = "compute batchNorm()";
  const X = numericView(x, action, "x");
  if (X.shape.length < 2) {
    throw new RangeError(
      `Cannot ${action}: x must have a batch and a channel axis, got shape ${fmtShape(X.shape)}`,
    );
  }
  if (typeof params !== "object" || params === null) {
    throw new TypeError(
      `Cannot ${action}: params must be an object with mean and variance, got ${
        describeValue(params)
      }`,
    );
  }
  const C = X.shape[1];
  const mu = vectorOf(params.mean, C, "params.mean", action);
  const s2 = vectorOf(params.variance, C, "params.variance", action);
  if (mu === undefined || s2 === undefined) {
    throw new TypeError(`Cannot ${action}: params.mean and params.variance are required`);
  }
  const g = vectorOf(params.scale, C, "params.scale", action);
  const b = vectorOf(params.bias, C, "params.bias", action);
  const opts = optionsOf(options, action);
  const eps = opts.epsilon ?? 1e-5;
  if (typeof eps !== "number") {
    throw new TypeError(`Cannot ${action}: epsilon must be a number, got ${describeValue(eps)}`);
  }
  if (!(eps >= 0)) throw new RangeError(`Cannot ${action}: epsilon must be >= 0, got ${eps}`);
  const act = activationOf(opts.activation, action);
  const inputs = [x, params.mean, params.variance, params.scale, params.bias];
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const res = output(inputs, dtype, X.shape.slice(), out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X);
  const params_ = [mu, s2, ...(g ? [g] : []), ...(b ? [b] : [])];
  // `out` may be `x` itself: the kernel reads each element before writing it.
  const y = writable(res, [xs, ...params_], true);
  const N = X.shape[0], S = X.size / (N * C);
  const at = (v: View, c: number) => v.data[v.offset + c * v.strides[0]];
  const xd = xs.data, yd = y.data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = (g === undefined ? 1 : at(g, c)) / Math.sqrt(at(s2, c) + eps);
      const d = (b === undefined ? 0 : at(b, c)) - at(mu, c) * k;
      const xo = xs.offset + (n * C + c) * S, yo = y.offset + (n * C + c) * S;
      affineActivate(act, xd, xo, yd, yo, S, k, d);
    }
  }
  return finish(res, y) as never;
}

/** Options of {@linkcode dense}. */
export interface DenseOptions {
  /** Applied to the output in place (default `"identity"`). */
  activation?: Activation;
}

/**
 * A fully connected layer: `y[…, o] = act(bias[o] + Σ_i x[…, i] · weight[o, i])` for `weight`
 * `[outFeatures, inFeatures]` (Flux's and PyTorch's layout, `y = W·x + b` per sample). The
 * result `[…, outFeatures]` has `x`'s float element type and is allocated like
 * `similarOf([x, weight, bias])`, or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam K The type of `weight`.
 * @typeParam O The type of `out`, when given.
 * @param x The inputs, `[…, inFeatures]` (one sample or a batch).
 * @param weight The weights, `[outFeatures, inFeatures]` (any layout).
 * @param bias One number per output (`[outFeatures]`), or `null`/`undefined` for none.
 * @param options The activation.
 * @param out Where to write the result; omitted or `null` to allocate.
 * @returns `out`, or the new outputs.
 * @throws {TypeError} When an argument has the wrong type or holds bigints, or an option is
 * invalid.
 * @throws {RangeError} When the shapes do not fit together or `out` has the wrong shape.
 *
 * @example A batch of two samples through a 3→2 layer
 * ```ts
 * import { dense, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const w = NDArray.fromNested([[1, 0, 0], [1, 1, 1]]);
 * const x = NDArray.fromNested([[1, 2, 3], [-4, 0, 0]]);
 * const y = dense(x, w, new Float64Array([0, 1]), { activation: "relu" });
 * assert.deepEqual(y.toNested(), [[1, 7], [0, 0]]);
 * ```
 */
export function dense<
  X extends ArrayInput,
  K extends ArrayInput,
  O extends ArrayInput | null | undefined = undefined,
>(
  x: X,
  weight: K,
  bias?: ArrayInput | null,
  options?: DenseOptions | null,
  out?: O,
): Returned<O, ResultArray<X | K, FloatElements<ElementsOf<X>>>> {
  const action = "compute dense()";
  const X = numericView(x, action, "x");
  const Wt = numericView(weight, action, "weight");
  const nd = X.shape.length;
  const I = X.shape[nd - 1];
  if (nd === 0 || Wt.shape.length !== 2 || Wt.shape[1] !== I) {
    throw new RangeError(
      `Cannot ${action}: weight must be [outFeatures, ${I ?? "inFeatures"}] for x of shape ${
        fmtShape(X.shape)
      }, got ${fmtShape(Wt.shape)}`,
    );
  }
  const Ot = Wt.shape[0];
  const B = vectorOf(bias, Ot, "bias", action);
  const act = activationOf(optionsOf(options, action).activation, action);
  const shape = [...X.shape.slice(0, -1), Ot];
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const res = output([x, weight, bias], dtype, shape, out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X);
  const y = writable(res, B === undefined ? [X, Wt] : [X, Wt, B]);
  const rows = I === 0 ? res.view.size / Ot : X.size / I;
  const xd = xs.data, wd = Wt.data, yd = y.data;
  const w0 = Wt.strides[0], w1 = Wt.strides[1];
  for (let r = 0; r < rows; r++) {
    const xo = xs.offset + r * I, yo = y.offset + r * Ot;
    for (let o = 0; o < Ot; o++) {
      let acc = B === undefined ? 0 : B.data[B.offset + o * B.strides[0]];
      for (let i = 0, wp = Wt.offset + o * w0; i < I; i++, wp += w1) acc += xd[xo + i] * wd[wp];
      yd[yo + o] = acc;
    }
    activate(act, yd, yo, Ot);
  }
  return finish(res, y) as never;
}

/**
 * The softmax along `axis`: `exp(x − max) / Σ exp(x − max)` over each line along it (stable
 * for large inputs), so each line sums to 1. The result has `x`'s shape and float element type
 * and is allocated like `similar(x)`, or written into `out` (which may be `x`).
 *
 * @typeParam X The type of `x`.
 * @typeParam O The type of `out`, when given.
 * @param x The scores.
 * @param axis The axis to normalise along (default -1, the last; negative counts from the end).
 * @param out Where to write the result; omitted or `null` to allocate.
 * @returns `out`, or the new probabilities.
 * @throws {TypeError} When `x` is not an array or holds bigints, or `axis` is not a number.
 * @throws {RangeError} When `x` is 0-d, `axis` is out of range, or `out` has the wrong shape.
 *
 * @example Class probabilities per row
 * ```ts
 * import { NDArray, softmax } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const p = softmax(NDArray.fromNested([[0, 0], [1000, 1000 + Math.log(3)]]));
 * assert.deepEqual(p.pick(0).toNested(), [0.5, 0.5]);
 * assert.ok(Math.abs(p.get(1, 1) - 0.75) < 1e-12);
 * ```
 */
export function softmax<
  X extends ArrayInput,
  O extends ArrayInput | null | undefined = undefined,
>(x: X, axis: number = -1, out?: O): Returned<O, ResultArray<X, FloatElements<ElementsOf<X>>>> {
  const action = "compute softmax()";
  const X = numericView(x, action, "x");
  if (X.shape.length === 0) throw new RangeError(`Cannot ${action}: x must have an axis`);
  const ax = normalizeAxis(axis, X.shape.length, action);
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const res = output([x], dtype, X.shape.slice(), out, action);
  if (res.view.size === 0) return res.result as never;
  const xs = contiguous(X);
  const y = writable(res, [xs], true); // softmax reads each line before writing it
  const n = X.shape[ax];
  let inner = 1;
  for (let k = ax + 1; k < X.shape.length; k++) inner *= X.shape[k];
  const outer = X.size / (n * inner);
  const xd = xs.data, yd = y.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const xo = xs.offset + o * n * inner + i, yo = y.offset + o * n * inner + i;
      let m = -Infinity;
      for (let j = 0, p = xo; j < n; j++, p += inner) {
        const v = xd[p];
        if (v > m || v !== v) m = v;
      }
      let total = 0;
      for (let j = 0, p = xo, q = yo; j < n; j++, p += inner, q += inner) {
        const e = Math.exp(xd[p] - m);
        yd[q] = e;
        total += e;
      }
      for (let j = 0, q = yo; j < n; j++, q += inner) yd[q] /= total;
    }
  }
  return finish(res, y) as never;
}
