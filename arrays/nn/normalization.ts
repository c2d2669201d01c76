/**
 * {@linkcode batchNorm}: batch normalisation in inference mode.
 *
 * @module
 */

import { describeValue, fmtShape } from "../../_internal/describe.ts";
import type { Data } from "../../_internal/loops.ts";
import { anyWasmMemory } from "../../_internal/wasm.ts";
import {
  clear,
  contiguous,
  finish,
  floatType,
  numericView,
  optionsOf,
  outOf,
  output,
  resultOf,
  stronger,
  type View,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { type ActivationName, activationOf, affineActivate } from "./_activation.ts";
import { vectorOf } from "./_layer_args.ts";
import { affineWasm } from "./_wasm.ts";
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
export interface BatchNormOptions extends OutOptions {
  /** Added to the variance before the square root (default 1e-5, as in Flux and PyTorch). */
  epsilon?: number;
  /** Applied to the output in place (default `"identity"`). */
  activation?: Activation;
}

const BATCH_NORM_KEYS: readonly string[] = ["epsilon", "activation", "out"];

/**
 * Batch normalisation in inference mode over axis 1 (the channels of `[N, C, …]`):
 * `y = act((x − mean[c]) / √(variance[c] + ε) · scale[c] + bias[c])` with the stored
 * statistics. The result has `x`'s shape and float element type and is allocated like
 * `similarOf([x, …params])`, or written into `out` (which may be `x`).
 *
 * @typeParam X The type of `x`.
 * @typeParam P The type of `options`.
 * @param x The activations, `[N, C, …]` (at least 2 axes).
 * @param params Per-channel `mean`, `variance`, and optional `scale` and `bias`, each `[C]`.
 * @param options `epsilon`, `activation` and `out` (where to write the result, which may be
 * `x`; omitted to allocate it), or `out` itself.
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
  const P extends BatchNormOptions | ArrayInput | null | undefined = undefined,
>(
  x: X,
  params: BatchNormParams,
  options?: P,
): Returned<OutOf<P>, ResultArray<X, FloatElements<ElementsOf<X>>>> {
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
  const opts = optionsOf(options, BATCH_NORM_KEYS, action), out = outOf(options, opts);
  const eps = opts.epsilon ?? 1e-5;
  if (typeof eps !== "number") {
    throw new TypeError(`Cannot ${action}: epsilon must be a number, got ${describeValue(eps)}`);
  }
  if (!(eps >= 0)) throw new RangeError(`Cannot ${action}: epsilon must be >= 0, got ${eps}`);
  const act = activationOf(opts.activation, action);
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const like = stronger(
    stronger(stronger(x, params.mean), stronger(params.variance, params.scale)),
    params.bias,
  );
  const y = output(like, dtype, X.shape as number[], out, action);
  if (y.size === 0) return resultOf(out, y) as never;
  const xs = contiguous(X);
  // `out` may be `x` itself: the kernel reads each element before writing it.
  const w = writable(
    y,
    clear(y, xs, true) && clear(y, mu) && clear(y, s2) && clear(y, g) && clear(y, b),
  );
  const N = X.shape[0], S = X.size / (N * C);
  // Which kernels run: WebAssembly ones when the result lies in WebAssembly memory, else these.
  if (
    !(anyWasmMemory() && affineInWasm(xs, N, C, S, mu, s2, g, b, eps, w, act, like))
  ) normalize(xs.data, xs.offset, w.data, w.offset, N, C, S, mu, s2, g, b, eps, act);
  finish(y, w);
  return resultOf(out, y) as never;
}

/**
 * {@linkcode affineWasm} with batch normalisation's factors and shifts. (Here, not in
 * `batchNorm`: closures there would capture the parameters in a context object made on every
 * call.)
 */
function affineInWasm(
  xs: View,
  N: number,
  C: number,
  S: number,
  mu: View,
  s2: View,
  g: View | undefined,
  b: View | undefined,
  eps: number,
  w: View,
  act: ActivationName,
  like: unknown,
): boolean {
  return affineWasm(
    xs,
    N,
    C,
    S,
    (c) => scaleOf(g, s2, eps, c),
    (c) => shiftOf(b, mu, scaleOf(g, s2, eps, c), c),
    w,
    act,
    like,
  );
}

/** Channel `c`'s factor `γ / √(σ² + ε)`. */
function scaleOf(g: View | undefined, s2: View, eps: number, c: number): number {
  const gamma = g === undefined ? 1 : g.data[g.offset + c * g.strides[0]];
  return gamma / Math.sqrt(s2.data[s2.offset + c * s2.strides[0]] + eps);
}

/** Channel `c`'s shift `β − μ · k` for its factor `k`. */
function shiftOf(b: View | undefined, mu: View, k: number, c: number): number {
  const beta = b === undefined ? 0 : b.data[b.offset + c * b.strides[0]];
  return beta - mu.data[mu.offset + c * mu.strides[0]] * k;
}

/**
 * Batch normalisation of `N` images of `C` channels of `S` elements (row-major from `x[xo]`)
 * into `y[yo …]`: per channel `c`, `y = act(x · k + d)` with `k = γ / √(σ² + ε)` and
 * `d = β − μ · k`.
 */
function normalize(
  x: Data,
  xo: number,
  y: Data,
  yo: number,
  N: number,
  C: number,
  S: number,
  mu: View,
  s2: View,
  g: View | undefined,
  b: View | undefined,
  eps: number,
  act: ActivationName,
): void {
  // Image by image, channel by channel: memory in order (the factors are recomputed per image:
  // a few operations against a channel of S elements).
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = scaleOf(g, s2, eps, c), d = shiftOf(b, mu, k, c);
      const o = (n * C + c) * S;
      affineActivate(act, x, xo + o, y, yo + o, S, k, d);
    }
  }
}
