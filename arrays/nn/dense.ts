/**
 * {@linkcode dense}: the fully connected layer.
 *
 * @module
 */

import { fmtShape } from "../../_internal/describe.ts";
import {
  contiguous,
  finish,
  floatType,
  numericView,
  optionsOf,
  outOf,
  output,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { activate, activationOf } from "./_activation.ts";
import { vectorOf } from "./_layer_args.ts";
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

/** Options of {@linkcode dense}. */
export interface DenseOptions extends OutOptions {
  /** One number per output (`[outFeatures]`), added to its sum; omitted or `null` for none. */
  bias?: ArrayInput | null;
  /** Applied to the output in place (default `"identity"`). */
  activation?: Activation;
}

const DENSE_KEYS: readonly string[] = ["bias", "activation", "out"];

/**
 * A fully connected layer: `y[…, o] = act(bias[o] + Σ_i x[…, i] · weight[o, i])` for `weight`
 * `[outFeatures, inFeatures]` (Flux's and PyTorch's layout, `y = W·x + b` per sample). The
 * result `[…, outFeatures]` has `x`'s float element type and is allocated like
 * `similarOf([x, weight, bias])`, or written into `out`.
 *
 * @typeParam X The type of `x`.
 * @typeParam K The type of `weight`.
 * @typeParam P The type of `options`.
 * @param x The inputs, `[…, inFeatures]` (one sample or a batch).
 * @param weight The weights, `[outFeatures, inFeatures]` (any layout).
 * @param options `bias`, `activation` and `out` (where to write the result; omitted to
 * allocate it), or `out` itself.
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
 * const y = dense(x, w, { bias: new Float64Array([0, 1]), activation: "relu" });
 * assert.deepEqual(y.toNested(), [[1, 7], [0, 0]]);
 * ```
 */
export function dense<
  X extends ArrayInput,
  K extends ArrayInput,
  const P extends DenseOptions | ArrayInput | null | undefined = undefined,
>(
  x: X,
  weight: K,
  options?: P,
): Returned<OutOf<P>, ResultArray<X | K, FloatElements<ElementsOf<X>>>> {
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
  const opts = optionsOf(options, DENSE_KEYS, action);
  const bias = opts.bias, out = outOf(options, opts);
  const B = vectorOf(bias, Ot, "bias", action);
  const act = activationOf(opts.activation, action);
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
