// Test-only helpers for the operation tests: fast-check arbitraries of n-d arrays in random
// layouts (contiguous, sliced with steps, reversed, transposed, broadcast), and plain-loop
// reference helpers (multi-index iteration, broadcasting reads).
import fc from "fast-check";
import { NDArray } from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

/** Every multi-index of `shape` in row-major order (one empty index for a 0-d shape). */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield idx.slice();
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

/** Element `idx` of `a` read as if broadcast to a shape with `idx.length` axes. */
export function bget(a: NDArray, idx: readonly number[]): number {
  const lead = idx.length - a.ndim;
  const own = a.shape.map((n, k) => (n === 1 ? 0 : idx[lead + k]));
  return a.get(...own) as number;
}

/** The row-major elements of `a` as numbers. */
export function flat(a: NDArray): number[] {
  return [...a].map(Number);
}

/** A description of a layout: how to build a view of a given shape over a larger base. */
export interface Layout {
  /** Axis order of the base (the view is the base permuted back). */
  perm: number[];
  /** Step of each base axis (negative: reversed). */
  steps: number[];
  /** Extra elements at the end of each base axis. */
  pads: number[];
  /** Whether axes of length 1 become broadcast views of a smaller array. */
  broadcastOnes: boolean;
}

/** A random layout for arrays of `ndim` axes. */
export function layoutArb(ndim: number): fc.Arbitrary<Layout> {
  return fc.record({
    perm: fc.shuffledSubarray([...Array(ndim).keys()], { minLength: ndim, maxLength: ndim }),
    steps: fc.array(fc.constantFrom(1, 1, 2, -1, -2), { minLength: ndim, maxLength: ndim }),
    pads: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: ndim, maxLength: ndim }),
    broadcastOnes: fc.boolean(),
  });
}

/**
 * An array of `shape` laid out by `layout`, filled (through `fill`, called in row-major order
 * of the view) with values. Its data has other elements around it (padding, skipped steps)
 * set to NaN, so a kernel that reads outside the view shows up in the results.
 */
export function build<T extends Float64Array | Float32Array | Int32Array>(
  shape: readonly number[],
  layout: Layout,
  fill: (i: number) => number,
  type: { new (n: number): T } = Float64Array as never,
): NDArray<T> {
  const nd = shape.length;
  const baseShape = layout.perm.map((p, k) => {
    const n = shape[p];
    return n === 0 ? layout.pads[k] : (n - 1) * Math.abs(layout.steps[k]) + 1 + layout.pads[k];
  });
  const size = baseShape.reduce((a, b) => a * b, 1);
  const data = new type(size);
  if (data instanceof Float64Array || data instanceof Float32Array) data.fill(NaN);
  const base = new NDArray(data, baseShape);
  const specs = layout.perm.map((p, k) => {
    const n = shape[p], st = layout.steps[k];
    if (n === 0) return [0, 0, 1] as const;
    return st > 0 ? [0, null, st] as const : [(n - 1) * -st, null, st] as const;
  });
  let view = base.slice(...specs.map((s) => [s[0], s[1], s[2]] as [number, null, number]));
  // slice to exactly n along each axis (the pads may add one more)
  view = view.slice(...layout.perm.map((p) => [0, shape[p]] as [number, number]));
  const inv = new Array<number>(nd);
  layout.perm.forEach((p, k) => (inv[p] = k));
  let out = view.permute(...inv) as NDArray<T>;
  if (layout.broadcastOnes && shape.includes(1) && !shape.includes(0)) {
    // Length-1 axes as stride-0 broadcasts of the same elements.
    out = new NDArray(
      out.data,
      shape,
      out.strides.map((s, k) => (shape[k] === 1 ? 0 : s)),
      out.offset,
    );
  }
  let i = 0;
  for (const idx of indices(shape)) out.set(...idx, fill(i++));
  return out;
}

/** A shape of up to `maxDim` axes, each of length 0..`maxLen`. */
export function shapeArb(maxDim = 4, maxLen = 4, minLen = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minLen, max: maxLen }), { maxLength: maxDim });
}

/**
 * Two shapes that broadcast together: a result shape, and for each operand some leading axes
 * dropped and some lengths replaced by 1.
 */
export function broadcastPairArb(): fc.Arbitrary<[number[], number[]]> {
  return shapeArb(4, 3).chain((r) =>
    fc.tuple(operandShapeArb(r), operandShapeArb(r)).map(([a, b]) => [a, b] as [number[], number[]])
  );
}

function operandShapeArb(r: number[]): fc.Arbitrary<number[]> {
  return fc.record({
    drop: fc.integer({ min: 0, max: r.length }),
    ones: fc.array(fc.boolean(), { minLength: r.length, maxLength: r.length }),
  }).map(({ drop, ones }) => r.slice(drop).map((n, k) => (ones[k + drop] ? 1 : n)));
}

/** A shape with a random layout and integer values in [-8, 8] (so sums are exact). */
export function arrayArb(shape: fc.Arbitrary<number[]>): fc.Arbitrary<NDArray<Float64Array>> {
  return shape.chain((s) =>
    fc.tuple(
      layoutArb(s.length),
      fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 256, maxLength: 256 }),
    ).map(([layout, values]) => build(s, layout, (i) => values[i % 256]))
  );
}

/**
 * Runs `fn` with a bump allocator whose memory is full of NaN (as reused arena memory holds
 * old values), so an operation that forgets to write part of a result, or reads its own
 * temporaries before writing them, shows up. Pass `AllocArray`s to `fn`'s operations.
 */
export function inDirtyBump<R>(fn: () => R, bytes = 1 << 20): R {
  const bump = new TestBump(bytes);
  new Float64Array(bump.buf).fill(NaN);
  return withAllocator(bump, fn);
}

export const ACT: Record<string, (v: number) => number> = {
  identity: (v) => v,
  relu: (v) => (v > 0 ? v : 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};
export type Act = "identity" | "relu" | "tanh" | "sigmoid";
export const actArb = fc.constantFrom<Act>("identity", "relu", "tanh", "sigmoid");
