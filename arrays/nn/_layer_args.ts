// Internal: reading the arguments the layers share (options objects, window pairs, NCHW image
// batches, per-channel vectors) and the sliding-window arithmetic.

import { describeValue, fmtShape } from "../../_internal/describe.ts";
import { numericView, type View } from "../../_internal/operands.ts";

export function optionsOf(options: unknown, action: string): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
    );
  }
  return options as Record<string, unknown>;
}

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
        typeof value === "number" ? value : `[${v.join(", ")}]`
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

/** Output length of a sliding window along one axis. */
export function windows(len: number, k: number, stride: number, pad: number): number {
  return Math.floor((len + 2 * pad - k) / stride) + 1;
}
