// Internal: reading the arguments the layers share (window pairs, NCHW image batches,
// per-channel vectors) and the sliding-window arithmetic.

import { describeValue, fmtShape } from "../../_internal/describe.ts";
import { numericView, type View } from "../../_internal/operands.ts";

/** A number or `[vertical, horizontal]` pair of integers ≥ `min`. */
export function pairOf(
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
        typeof value === "number" ? value : fmtShape(v)
      }`,
    );
  }
  return [v[0], v[1]];
}

/** Reads an NCHW (or CHW) image batch: `[N, C, H, W]` with N = 1 for a single image. */
export function imagesOf(
  x: unknown,
  action: string,
): { v: View; dims: [number, number, number, number] } {
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
export function vectorOf(
  value: unknown,
  n: number,
  what: string,
  action: string,
): View | undefined {
  if (value === undefined || value === null) return undefined;
  const v = numericView(value, action, what);
  if (v.shape.length !== 1 || v.size !== n) {
    throw new RangeError(
      `Cannot ${action}: ${what} must have shape [${n}], got ${fmtShape(v.shape)}`,
    );
  }
  return v;
}

/**
 * The output size `[OH, OW]` of sliding a `KH×KW` kernel (a convolution's, or a pooling
 * window) `stride` apart over an `H×W` plane padded by `padding` on each side; a `RangeError`
 * naming `what` and `over` (`"kernel"` and `"image"`, `"window"` and `"map"`) when it does not
 * fit.
 */
export function slide(
  [H, W]: readonly [number, number],
  [KH, KW]: readonly [number, number],
  [sh, sw]: readonly [number, number],
  [ph, pw]: readonly [number, number],
  what: string,
  over: string,
  action: string,
): [number, number] {
  if (H + 2 * ph < KH || W + 2 * pw < KW) {
    throw new RangeError(
      `Cannot ${action}: the ${KH}×${KW} ${what} is larger than the padded ${H + 2 * ph}×${
        W + 2 * pw
      } ${over}`,
    );
  }
  return [Math.floor((H + 2 * ph - KH) / sh) + 1, Math.floor((W + 2 * pw - KW) / sw) + 1];
}
