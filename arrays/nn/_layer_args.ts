// Internal: reading the arguments the layers share (window pairs, NCHW image batches,
// per-channel vectors) and the sliding-window arithmetic. None of them allocates for valid
// input: the layers run once per batch, often long before V8 optimises them, and every array
// or object made there would be garbage of every call.

import { describeValue, fmtShape } from "../../_internal/describe.ts";
import { numericView, type View } from "../../_internal/operands.ts";

/** Checks a number or `[vertical, horizontal]` pair of integers ≥ `min` (or nothing). */
export function checkPair(value: unknown, min: number, what: string, action: string): void {
  if (value === undefined || value === null) return;
  const a = typeof value === "number" ? value : Array.isArray(value) ? value[0] : undefined;
  const b = typeof value === "number" ? value : Array.isArray(value) ? value[1] : undefined;
  if (
    typeof value !== "number" && (!Array.isArray(value) || value.length !== 2) ||
    typeof a !== "number" || typeof b !== "number"
  ) {
    throw new TypeError(
      `Cannot ${action}: ${what} must be a number or a pair of numbers, got ${
        describeValue(value)
      }`,
    );
  }
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < min || b < min) {
    throw new RangeError(
      `Cannot ${action}: ${what} must be integers >= ${min}, got ${
        typeof value === "number" ? value : fmtShape(value as unknown[])
      }`,
    );
  }
}

/**
 * Element `k` (0 vertical, 1 horizontal) of a pair {@linkcode checkPair} accepted, or
 * `fallback` when absent.
 */
export function pairAt(value: unknown, k: 0 | 1, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  return typeof value === "number" ? value : (value as readonly number[])[k];
}

/**
 * Reads an NCHW (or CHW) image batch: a view of `[N, C, H, W]` or `[C, H, W]` (one image);
 * {@linkcode imageDim} gives its dimensions.
 */
export function imagesOf(x: unknown, action: string): View {
  const v = numericView(x, action, "x");
  const s = v.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new RangeError(
      `Cannot ${action}: x must be [batch, channels, height, width] or [channels, height, width], got shape ${
        fmtShape(s)
      }`,
    );
  }
  return v;
}

/** Dimension `k` of `[N, C, H, W]` of images `v` ({@linkcode imagesOf}): N is 1 for CHW. */
export function imageDim(v: View, k: 0 | 1 | 2 | 3): number {
  const s = v.shape;
  return s.length === 4 ? s[k] : k === 0 ? 1 : s[k - 1];
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
 * Checks that a `KH×KW` kernel (a convolution's, or a pooling window) fits an `H×W` plane
 * padded by `ph`, `pw` on each side: else a `RangeError` naming `what` and `over` (`"kernel"`
 * and `"image"`, `"window"` and `"map"`).
 */
export function checkFits(
  H: number,
  W: number,
  KH: number,
  KW: number,
  ph: number,
  pw: number,
  what: string,
  over: string,
  action: string,
): void {
  if (H + 2 * ph < KH || W + 2 * pw < KW) {
    throw new RangeError(
      `Cannot ${action}: the ${KH}×${KW} ${what} is larger than the padded ${H + 2 * ph}×${
        W + 2 * pw
      } ${over}`,
    );
  }
}

/** The number of positions of a length-`k` window `stride` apart over `n + 2·pad`. */
export function slideLength(n: number, k: number, stride: number, pad: number): number {
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}
