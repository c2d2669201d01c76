/**
 * {@linkcode batchNorm}: batch normalisation in inference mode.
 *
 * @module
 */

import { describeValue, fmtShape } from "../../_internal/describe.ts";
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
import { activationOf, affineActivate } from "./_activation.ts";
import { vectorOf } from "./_layer_args.ts";
import { affineWasm } from "./_wasm.ts";
import { similarOf } from "../similar.ts";
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
  const scale = (c: number) => (g === undefined ? 1 : at(g, c)) / Math.sqrt(at(s2, c) + eps);
  const shift = (c: number) => (b === undefined ? 0 : at(b, c)) - at(mu, c) * scale(c);
  const temp = (t: TypedArrayConstructor, n: number) => similarOf(inputs, t, [n]).data;
  if (affineWasm(xs, N, C, S, scale, shift, y, act, temp)) return finish(res, y) as never;
  const xd = xs.data, yd = y.data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = scale(c), d = shift(c);
      const xo = xs.offset + (n * C + c) * S, yo = y.offset + (n * C + c) * S;
      affineActivate(act, xd, xo, yd, yo, S, k, d);
    }
  }
  return finish(res, y) as never;
}
