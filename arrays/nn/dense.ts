/**
 * {@linkcode dense}: the fully connected layer.
 *
 * @module
 */

import { fmtShape } from "../../_internal/describe.ts";
import type { Data } from "../../_internal/loops.ts";
import {
  clear,
  contiguous,
  finish,
  floatType,
  numericView,
  optionsOf,
  outOf,
  output,
  outputOf,
  resultOf,
  stronger,
  type View,
  writable,
} from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { activate, type ActivationName, activationOf } from "./_activation.ts";
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
  const dtype = floatType(X.data.constructor as TypedArrayConstructor);
  const like = stronger(stronger(x, weight), bias), s = X.shape;
  let y: View;
  if (nd <= 4) {
    const d0 = nd >= 4 ? s[nd - 4] : 0, d1 = nd >= 3 ? s[nd - 3] : 0, d2 = nd >= 2 ? s[nd - 2] : 0;
    y = outputOf(like, dtype, out, action, nd, d0, d1, d2, Ot);
  } else {
    const shape = s.slice();
    shape[nd - 1] = Ot;
    y = output(like, dtype, shape, out, action);
  }
  if (y.size === 0) return resultOf(out, y) as never;
  const xs = contiguous(X);
  const w = writable(y, clear(y, X) && clear(y, Wt) && clear(y, B));
  const rows = I === 0 ? y.size / Ot : X.size / I;
  denseRows(
    rows,
    I,
    Ot,
    xs.data,
    xs.offset,
    Wt.data,
    Wt.offset,
    Wt.strides[0],
    Wt.strides[1],
    B === undefined ? undefined : B.data,
    B === undefined ? 0 : B.offset,
    B === undefined ? 0 : B.strides[0],
    w.data,
    w.offset,
    act,
  );
  finish(y, w);
  return resultOf(out, y) as never;
}

/**
 * `y[r, o] = act(bias[o] + Σ_i x[r, i] · w[o, i])` for `rows` rows of `I` inputs (`x` and `y`
 * row-major from `xo` and `yo`; `w` at `wo` with strides `w0`, `w1`; `bias` at `bo` in steps of
 * `bs`, or none), each sum accumulated in double precision.
 */
function denseRows(
  rows: number,
  I: number,
  Ot: number,
  xd: Data,
  xo: number,
  wd: Data,
  wo: number,
  w0: number,
  w1: number,
  bias: Data | undefined,
  bo: number,
  bs: number,
  yd: Data,
  yo: number,
  act: ActivationName,
): void {
  for (let r = 0; r < rows; r++) {
    const xr = xo + r * I, yr = yo + r * Ot;
    for (let o = 0; o < Ot; o++) {
      let acc = bias === undefined ? 0 : bias[bo + o * bs];
      for (let i = 0, wp = wo + o * w0; i < I; i++, wp += w1) acc += xd[xr + i] * wd[wp];
      yd[yr + o] = acc;
    }
    activate(act, yd, yr, Ot);
  }
}
