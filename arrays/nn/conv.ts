/**
 * {@linkcode conv2d}: 2-d convolution of NCHW image batches.
 *
 * @module
 */

import { fmtShape } from "../../_internal/describe.ts";
import { gemmAccumulate } from "../../_internal/gemm.ts";
import type { Data } from "../../_internal/loops.ts";
import { anyWasmMemory } from "../../_internal/wasm.ts";
import {
  apartFrom,
  clear,
  contiguous,
  finish,
  floatType,
  numericView,
  optionsOf,
  outOf,
  outputOf,
  resultOf,
  stronger,
  temporary,
  type View,
  viewOf,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArray, TypedArrayConstructor } from "../../allocators/dtype.ts";
import { activate, type ActivationName, activationOf, storeActivated } from "./_activation.ts";
import {
  conv3x3Channel1,
  conv3x3Channel4,
  conv3x3Channel8,
  conv3x3First8,
  im2col,
} from "./_conv_kernels.ts";
import {
  checkFits,
  checkPair,
  imageDim,
  imagesOf,
  pairAt,
  slideLength,
  vectorOf,
} from "./_layer_args.ts";
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
import { isTypedArray, NDArray } from "../ndarray.ts";

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
  /**
   * Memory for the temporaries (the accumulator, the zero-padded copy of an image, the im2col
   * matrix), so that the call allocates nothing: an array of `Float64Array` elements, one
   * contiguous run of at least {@linkcode conv2dScratchLength} elements, sharing no memory
   * with `x`, `weight`, `bias` or `out`. Omitted or `null` to allocate the temporaries like
   * the result. (Non-`Float64Array` images are then copied into it as doubles: the same
   * numbers, and the same results.)
   */
  scratch?: ArrayInput<Float64Array> | null;
}

const CONV2D_KEYS: readonly string[] = [
  "bias",
  "stride",
  "padding",
  "activation",
  "out",
  "scratch",
];

/**
 * 2-d convolution (cross-correlation, as in every deep-learning library) of an NCHW batch with
 * `weight` `[outChannels, channels, kernelHeight, kernelWidth]`, plus `bias` per output
 * channel, then the activation: `y[n, o, i, j] = act(bias[o] + Σ x[n, c, i·sh − ph + p,
 * j·sw − pw + q] · weight[o, c, p, q])`. The result `[N, outChannels, OH, OW]` (no batch axis
 * for a 3-d `x`), `OH = ⌊(H + 2·ph − KH) / sh⌋ + 1`, has `x`'s float element type and is
 * allocated like `similarOf([x, weight, bias])`, or written into `out`.
 *
 * 3×3 kernels with horizontal stride 1 are computed directly, eight output channels at a time
 * into a small double-precision accumulator; other kernels per image as an im2col column
 * matrix times the weight matrix. These temporaries are allocated like the result, or taken
 * from the `scratch` option (see {@linkcode conv2dScratchLength}), with which a call into `out`
 * allocates no memory at all. Non-contiguous inputs are copied first.
 *
 * @typeParam X The type of `x`.
 * @typeParam K The type of `weight`.
 * @typeParam P The type of `options`.
 * @param x The images, `[N, C, H, W]` or `[C, H, W]`.
 * @param weight The kernels, `[OC, C, KH, KW]`.
 * @param options `bias`, `stride`, `padding`, `activation`, `out` (where to write the
 * result; omitted to allocate it) and `scratch` (memory for the temporaries), or `out` itself.
 * @returns `out`, or the new feature maps.
 * @throws {TypeError} When an argument has the wrong type, holds bigints, or an option is
 * invalid.
 * @throws {RangeError} When shapes do not fit together, the kernel is larger than the padded
 * image, stride < 1, padding < 0, `out` has the wrong shape, or `scratch` is too small, not
 * contiguous or shares memory with an input or `out`.
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
  const X = imagesOf(x, action);
  const N = imageDim(X, 0), C = imageDim(X, 1), H = imageDim(X, 2), W = imageDim(X, 3);
  const Wt = numericView(weight, action, "weight");
  if (Wt.shape.length !== 4 || Wt.shape[1] !== C) {
    throw new RangeError(
      `Cannot ${action}: weight must be [outChannels, ${C}, kernelHeight, kernelWidth] for x of shape ${
        fmtShape(X.shape)
      }, got ${fmtShape(Wt.shape)}`,
    );
  }
  const OC = Wt.shape[0], KH = Wt.shape[2], KW = Wt.shape[3];
  const opts = optionsOf(options, CONV2D_KEYS, action);
  const bias = opts.bias, out = outOf(options, opts);
  const B = vectorOf(bias, OC, "bias", action);
  checkPair(opts.stride, 1, "stride", action);
  checkPair(opts.padding, 0, "padding", action);
  const sh = pairAt(opts.stride, 0, 1), sw = pairAt(opts.stride, 1, 1);
  const ph = pairAt(opts.padding, 0, 0), pw = pairAt(opts.padding, 1, 0);
  const act = activationOf(opts.activation, action);
  checkFits(H, W, KH, KW, ph, pw, "kernel", "image", action);
  const OH = slideLength(H, KH, sh, ph), OW = slideLength(W, KW, sw, pw);
  const need = scratchNeed(C, H, W, KH, KW, sh, sw, ph, pw, OH, OW);
  const S = scratchOf(opts.scratch, need, action, X, Wt, B, out);
  const so = S !== undefined && opts.scratch instanceof NDArray ? opts.scratch.offset : 0;
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const like = stronger(stronger(x, weight), bias);
  const y = outputOf(like, dtype, out, action, X.shape.length, N, OC, OH, OW);
  if (y.size === 0) return resultOf(out, y) as never;
  const xs = contiguous(X), ws = contiguous(Wt);
  const w = writable(y, clear(y, X) && clear(y, Wt) && clear(y, B));
  const bd = B === undefined ? undefined : B.data, bo = B === undefined ? 0 : B.offset;
  const bs = B === undefined ? 0 : B.strides[0];
  // Which kernels run: WebAssembly ones when the result lies in WebAssembly memory (they take
  // their own temporaries), else JavaScript ones with their temporaries in the scratch memory or
  // allocated like the result.
  if (KH === 3 && KW === 3 && sw === 1) {
    if (
      !(sh === 1 && anyWasmMemory() &&
        conv3x3Wasm(xs, N, C, H, W, ws, B, OC, ph, pw, OH, OW, w, act, like))
    ) {
      conv3x3(
        xs.data,
        xs.offset,
        N,
        C,
        H,
        W,
        ws.data,
        ws.offset,
        bd,
        bo,
        bs,
        OC,
        sh,
        ph,
        pw,
        OH,
        OW,
        w.data,
        w.offset,
        act,
        S ?? temporary(like, Float64Array, need),
        so,
      );
    }
  } else {
    convIm2col(
      xs.data,
      xs.offset,
      N,
      C,
      H,
      W,
      ws.data,
      ws.offset,
      bd,
      bo,
      bs,
      OC,
      KH,
      KW,
      sh,
      sw,
      ph,
      pw,
      OH,
      OW,
      w.data,
      w.offset,
      act,
      S ?? (need === 0 ? undefined : temporary(like, Float64Array, need)),
      so,
    );
  }
  finish(y, w);
  return resultOf(out, y) as never;
}

/**
 * Float64 elements of the temporaries of a convolution of these dimensions: for 3×3 kernels
 * with horizontal stride 1, eight output channels' sums (8·OH·OW) and, with padding, a
 * zero-bordered copy of one image (C·(H + 2·ph)·(W + 2·pw)); otherwise the im2col matrix of
 * one image (C·KH·KW·OH·OW), none for 1×1 kernels with stride 1 and no padding.
 */
function scratchNeed(
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
): number {
  const P = OH * OW;
  if (KH === 3 && KW === 3 && sw === 1) {
    return 8 * P + (ph > 0 || pw > 0 ? C * (H + 2 * ph) * (W + 2 * pw) : 0);
  }
  return KH === 1 && KW === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0 ? 0 : C * KH * KW * P;
}

/**
 * The `scratch` option read: `undefined` when absent, else a view of at least `need` Float64
 * elements in one contiguous run that shares no memory with the inputs or `out`.
 */
function scratchOf(
  value: unknown,
  need: number,
  action: string,
  X: View,
  Wt: View,
  B: View | undefined,
  out: unknown,
): Float64Array | undefined {
  if (value === undefined || value === null) return undefined;
  // A typed array is read as it is: a view record per call would be garbage.
  const v = isTypedArray(value) ? value : viewOf(value, action, "scratch") as unknown;
  const nd = v instanceof NDArray;
  const d = nd ? v.data : v as TypedArray;
  if (!(d instanceof Float64Array)) {
    throw new TypeError(
      `Cannot ${action}: scratch must hold Float64Array elements, got ${d.constructor.name}`,
    );
  }
  if (nd && !v.isContiguous) throw new RangeError(`Cannot ${action}: scratch must be contiguous`);
  const size = nd ? v.size : d.length, o = nd ? v.offset : 0;
  if (size < need) {
    throw new RangeError(
      `Cannot ${action}: scratch has ${size} elements, the temporaries need ${need}`,
    );
  }
  const shared = !apartFrom(X, d, o, size)
    ? "x"
    : !apartFrom(Wt, d, o, size)
    ? "weight"
    : B !== undefined && !apartFrom(B, d, o, size)
    ? "bias"
    : out !== undefined && out !== null && !apartFrom(viewOf(out, action, "out"), d, o, size)
    ? "out"
    : undefined;
  if (shared !== undefined) {
    throw new RangeError(`Cannot ${action}: scratch shares memory with ${shared}`);
  }
  return d;
}

/**
 * The number of `Float64Array` elements {@linkcode conv2d} needs for its temporaries given the
 * same arguments: the least length of its `scratch` option. 0 when it needs none (1×1 kernels
 * with stride 1 and no padding).
 *
 * @param x The images, `[N, C, H, W]` or `[C, H, W]` (only its shape is read).
 * @param weight The kernels, `[OC, C, KH, KW]` (only its shape is read).
 * @param options `stride` and `padding` as for {@linkcode conv2d} (other options are ignored).
 * @returns The number of elements.
 * @throws {TypeError} When an argument has the wrong type.
 * @throws {RangeError} When the shapes do not fit together or a size is out of range.
 *
 * @example A convolution that allocates nothing
 * ```ts
 * import { conv2d, conv2dScratchLength, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const x = new NDArray(new Float64Array(2 * 1 * 6 * 6).fill(1), [2, 1, 6, 6]);
 * const w = new NDArray(new Float64Array(4 * 1 * 3 * 3).fill(0.5), [4, 1, 3, 3]);
 * const scratch = new Float64Array(conv2dScratchLength(x, w));
 * assert.equal(scratch.length, 8 * 4 * 4);
 * const out = new NDArray(new Float64Array(2 * 4 * 4 * 4), [2, 4, 4, 4]);
 * conv2d(x, w, { out, scratch });
 * assert.ok([...out].every((v) => v === 4.5));
 * ```
 */
export function conv2dScratchLength(
  x: ArrayInput,
  weight: ArrayInput,
  options?: Pick<Conv2dOptions, "stride" | "padding"> | null,
): number {
  const action = "compute conv2dScratchLength()";
  const X = imagesOf(x, action);
  const C = imageDim(X, 1), H = imageDim(X, 2), W = imageDim(X, 3);
  const Wt = numericView(weight, action, "weight");
  if (Wt.shape.length !== 4 || Wt.shape[1] !== C) {
    throw new RangeError(
      `Cannot ${action}: weight must be [outChannels, ${C}, kernelHeight, kernelWidth] for x of shape ${
        fmtShape(X.shape)
      }, got ${fmtShape(Wt.shape)}`,
    );
  }
  const KH = Wt.shape[2], KW = Wt.shape[3];
  const stride = options?.stride, padding = options?.padding;
  checkPair(stride, 1, "stride", action);
  checkPair(padding, 0, "padding", action);
  const sh = pairAt(stride, 0, 1), sw = pairAt(stride, 1, 1);
  const ph = pairAt(padding, 0, 0), pw = pairAt(padding, 1, 0);
  checkFits(H, W, KH, KW, ph, pw, "kernel", "image", action);
  const OH = slideLength(H, KH, sh, ph), OW = slideLength(W, KW, sw, pw);
  return scratchNeed(C, H, W, KH, KW, sh, sw, ph, pw, OH, OW);
}

/**
 * Sets `n` elements of `d` from `start` to `v`. (A loop, not `fill`: passing a double to a
 * built-in boxes it, one heap number per call.)
 */
function setRun(d: Data, start: number, n: number, v: number): void {
  for (let i = start, end = start + n; i < end; i++) d[i] = v;
}

/**
 * {@linkcode conv2d} for 3×3 kernels with horizontal stride 1 (any vertical stride and
 * padding): eight (then four, then one) output channels at a time, one input channel after
 * another, accumulated in double precision in `tmp[to …]` (a small temporary that stays in the
 * fastest caches), then stored with the activation. Padding copies each image into a
 * zero-bordered copy in `tmp` after the sums first.
 */
function conv3x3(
  xd0: Data,
  xo0: number,
  N: number,
  C: number,
  H: number,
  W: number,
  wd: Data,
  wo0: number,
  bd: Data | undefined,
  bo: number,
  bs: number,
  OC: number,
  sh: number,
  ph: number,
  pw: number,
  OH: number,
  OW: number,
  yd: Data,
  yo0: number,
  act: ActivationName,
  acc: Float64Array,
  ao: number,
): void {
  const P = OH * OW, K = C * 9, Hp = H + 2 * ph, Wp = W + 2 * pw, HWp = Hp * Wp;
  const padded = ph > 0 || pw > 0, po = ao + 8 * P;
  if (padded) acc.fill(0, po, po + C * HWp);
  for (let n = 0; n < N; n++) {
    let xd: Data = xd0, xo = xo0 + n * C * H * W;
    if (padded) {
      for (let c = 0; c < C; c++) {
        for (let h = 0; h < H; h++) {
          const src = xo + (c * H + h) * W, dst = po + (c * Hp + h + ph) * Wp + pw;
          for (let k = 0; k < W; k++) acc[dst + k] = xd[src + k];
        }
      }
      xd = acc;
      xo = po;
    }
    const yo = yo0 + n * OC * P;
    for (let o = 0; o < OC;) {
      const wo = wo0 + o * K;
      if (o + 8 <= OC) {
        if (C === 0) {
          for (let r = 0; r < 8; r++) {
            setRun(acc, ao + r * P, P, bd === undefined ? 0 : bd[bo + (o + r) * bs]);
          }
        } else {
          conv3x3First8(xd, xo, Wp, sh, wd, wo, K, acc, ao, P, OH, OW, bd, bo + o * bs, bs);
        }
        for (let c = 1; c < C; c++) {
          conv3x3Channel8(xd, xo + c * HWp, Wp, sh, wd, wo + c * 9, K, acc, ao, P, OH, OW);
        }
        storeActivated(act, acc, ao, yd, yo + o * P, 8 * P);
        o += 8;
      } else if (o + 4 <= OC) {
        for (let r = 0; r < 4; r++) {
          setRun(acc, ao + r * P, P, bd === undefined ? 0 : bd[bo + (o + r) * bs]);
        }
        for (let c = 0; c < C; c++) {
          conv3x3Channel4(xd, xo + c * HWp, Wp, sh, wd, wo + c * 9, K, acc, ao, P, OH, OW);
        }
        storeActivated(act, acc, ao, yd, yo + o * P, 4 * P);
        o += 4;
      } else {
        setRun(acc, ao, P, bd === undefined ? 0 : bd[bo + o * bs]);
        for (let c = 0; c < C; c++) {
          conv3x3Channel1(xd, xo + c * HWp, Wp, sh, wd, wo + c * 9, acc, ao, OH, OW);
        }
        storeActivated(act, acc, ao, yd, yo + o * P, P);
        o++;
      }
    }
  }
}

/**
 * {@linkcode conv2d} for any kernel, stride and padding: per image, the im2col column matrix
 * (in `tmp[to …]`; the image itself for 1×1 kernels with stride 1 and no padding) times the
 * weight matrix, added to the bias, then the activation.
 */
function convIm2col(
  xd: Data,
  xo0: number,
  N: number,
  C: number,
  H: number,
  W: number,
  wd: Data,
  wo: number,
  bd: Data | undefined,
  bo: number,
  bs: number,
  OC: number,
  KH: number,
  KW: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
  OH: number,
  OW: number,
  yd: Data,
  yo0: number,
  act: ActivationName,
  tmp: Float64Array | undefined,
  to: number,
): void {
  const K = C * KH * KW, P = OH * OW;
  for (let n = 0; n < N; n++) {
    const xo = xo0 + n * C * H * W;
    if (tmp !== undefined) im2col(xd, xo, C, H, W, KH, KW, sh, sw, ph, pw, OH, OW, tmp, to);
    const yo = yo0 + n * OC * P;
    for (let o = 0; o < OC; o++) {
      setRun(yd, yo + o * P, P, bd === undefined ? 0 : bd[bo + o * bs]);
    }
    if (tmp === undefined) gemmAccumulate(OC, P, K, wd, wo, K, 1, xd, xo, P, yd, yo, P);
    else gemmAccumulate(OC, P, K, wd, wo, K, 1, tmp, to, P, yd, yo, P);
    activate(act, yd, yo, OC * P);
  }
}
