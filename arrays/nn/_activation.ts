// Internal: the activations the layers apply to their output in place, alone or fused with the
// affine step of batch normalisation.

import { describeValue } from "../../_internal/describe.ts";
import type { Data } from "../../_internal/loops.ts";
import { sigmoidOf } from "../../_internal/scalar_math.ts";

const ACTIVATIONS: ReadonlySet<unknown> = new Set(["identity", "relu", "tanh", "sigmoid"]);

export function activationOf(value: unknown, action: string): ActivationName {
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

/** The activation functions the layers take (applied in place after the layer's math). */
export type ActivationName = "identity" | "relu" | "tanh" | "sigmoid";

/** Applies `activation` in place to `data[start .. start + n)`. */
export function activate(activation: ActivationName, data: Data, start: number, n: number): void {
  const end = start + n;
  switch (activation) {
    case "relu": // as UNARY.relu
      for (let i = start; i < end; i++) {
        const x = data[i];
        const r = (x + Math.abs(x)) * 0.5;
        data[i] = r - r === 0 ? r : x > 0 ? x : x === x ? 0 : x;
      }
      return;
    case "tanh":
      for (let i = start; i < end; i++) data[i] = Math.tanh(data[i]);
      return;
    case "sigmoid":
      for (let i = start; i < end; i++) data[i] = sigmoidOf(data[i]);
      return;
  }
}

/**
 * `y[yo + i] = max(x[xo + i] · k + d, 0)` for `i < n` with neither a branch nor a check per
 * element: `(v + |v|) / 2` is exactly `max(v, 0)` for every finite `v` up to 2^1023, and the
 * results sum to a finite number only if every one of them is finite. Returns `false` when
 * the sum is not finite: then some results may be wrong (`v` = −∞ or `v` > 2^1023) and the
 * caller recomputes them. `x` and `y` must not share memory. (Comparisons of real data are coin
 * flips, and a per-element check costs about half the loop.)
 */
function affineRelu(
  x: Data,
  xo: number,
  y: Data,
  yo: number,
  n: number,
  k: number,
  d: number,
): boolean {
  let sum = 0;
  for (let i = xo, j = yo, end = xo + n; i < end; i++, j++) {
    const v = x[i] * k + d;
    const r = (v + Math.abs(v)) * 0.5;
    y[j] = r;
    sum += r;
  }
  return sum - sum === 0;
}

/**
 * `y[yo + i] = activation(x[xo + i])` for `i < n`: a result accumulated in double precision
 * stored into the output (of any element type) in the same pass as the activation. `x` may be
 * `y` at the same offset.
 */
export function storeActivated(
  activation: ActivationName,
  x: Float64Array,
  xo: number,
  y: Data,
  yo: number,
  n: number,
): void {
  if (x === y && xo === yo) return activate(activation, y, yo, n);
  if (activation === "relu" && affineRelu(x, xo, y, yo, n, 1, 0)) return;
  for (let i = xo, j = yo, end = xo + n; i < end; i++, j++) y[j] = x[i];
  activate(activation, y, yo, n);
}

/**
 * `y[yo + i] = activation(x[xo + i] · k + d)` for `i < n` (`x` may be `y` at the same
 * offset): batch-norm's per-channel affine map, fused with relu into one pass.
 */
export function affineActivate(
  activation: ActivationName,
  x: Data,
  xo: number,
  y: Data,
  yo: number,
  n: number,
  k: number,
  d: number,
): void {
  if (activation === "relu" && x !== y && affineRelu(x, xo, y, yo, n, k, d)) return;
  for (let i = xo, j = yo, end = xo + n; i < end; i++, j++) y[j] = x[i] * k + d;
  activate(activation, y, yo, n);
}
