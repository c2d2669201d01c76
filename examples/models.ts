/**
 * The models AllocArrays.jl tests with (its `test/flux.jl`), written with the library's array
 * operations:
 *
 * - the "more complicated model", a small CNN on 28×28×1 images: conv 3×3 1→32 + relu;
 *   batch-norm(32) + relu; max-pool 2×2; conv 3×3 32→16 + relu; max-pool 2×2; conv 3×3 16→10 +
 *   relu; flatten to 90; dense 90→10; one dense 10→10 applied twice (shared weights); softmax;
 * - the "basic model": dense 1→23 tanh, dense 23→1, over the 4001 inputs −2:0.001:2, summed.
 *
 * {@linkcode predict} and {@linkcode basicModelSum} know nothing about allocators: they only
 * call operations, which allocate through `similar`. Given `AllocArray` inputs (or an
 * `adapt`ed model) inside `withAllocator`, every intermediate comes from the allocator;
 * {@linkcode inferBatches} resets it after each batch. Weights and images come from a seeded
 * generator, so every run computes the same numbers. Images are NCHW; Flux's WHCN layout is
 * column-major, so its flatten order differs, which does not matter for random weights.
 *
 * The CNN's element type is an option ({@linkcode ModelType}): Float64 by default, because V8
 * computes fastest on it (every Float32 load and store converts to and from double, so the
 * bump-allocated run is ~10% faster in Float64), or Float32 as Flux. Both draw the same
 * Float32 numbers, so their predictions agree to Float32 rounding.
 *
 * Used by `tests/models_test.ts` and `benches/cnn_bench.ts`; not part of the package.
 *
 * @module
 */

import {
  type Allocator,
  type ArrayInput,
  batchNorm,
  conv2d,
  copyTo,
  dense,
  flatten,
  maxPool2d,
  NDArray,
  reset,
  softmax,
  sum,
  withAllocator,
} from "../mod.ts";
import { mulberry32, uniformFloat32 } from "./_prng.ts";

/** The element types of the CNN: `Float64Array` (the default) or `Float32Array` (Flux's). */
export type ModelType = Float32ArrayConstructor | Float64ArrayConstructor;

/** The element type a {@linkcode ModelType} makes. */
export type ModelElements<D extends ModelType> = D extends Float64ArrayConstructor ? Float64Array
  : Float32Array;

/** Weights and bias of a convolution or dense layer. */
export interface Layer<T extends Float32Array | Float64Array = Float64Array> {
  /** `[out, in, kh, kw]` for a convolution, `[out, in]` for a dense layer. */
  weight: ArrayInput<T>;
  /** One number per output channel or feature. */
  bias: ArrayInput<T>;
}

/** The stored statistics and affine parameters of the batch-norm layer. */
export interface Norm<T extends Float32Array | Float64Array = Float64Array> {
  /** Per-channel running mean. */
  mean: ArrayInput<T>;
  /** Per-channel running variance. */
  variance: ArrayInput<T>;
  /** Per-channel scale (γ). */
  scale: ArrayInput<T>;
  /** Per-channel shift (β). */
  bias: ArrayInput<T>;
}

/** The "more complicated model" of AllocArrays' Flux test. */
export interface Cnn<T extends Float32Array | Float64Array = Float64Array> {
  /** Conv 3×3, 1 → 32 channels, relu. */
  conv1: Layer<T>;
  /** Batch-norm over 32 channels, relu. */
  norm: Norm<T>;
  /** Conv 3×3, 32 → 16 channels, relu. */
  conv2: Layer<T>;
  /** Conv 3×3, 16 → 10 channels, relu. */
  conv3: Layer<T>;
  /** Dense 90 → 10. */
  dense1: Layer<T>;
  /** Dense 10 → 10, applied twice. */
  dense2: Layer<T>;
}

/** The "basic model": dense 1 → 23 with tanh, then dense 23 → 1. */
export interface BasicModel {
  /** Dense 1 → 23, tanh. */
  dense1: Layer<Float32Array>;
  /** Dense 23 → 1. */
  dense2: Layer<Float32Array>;
}

/** `n` numbers uniform in [lo, hi) from `rand`, drawn as Float32 and stored as `dtype`. */
function uniform<D extends ModelType>(
  rand: () => number,
  n: number,
  lo: number,
  hi: number,
  dtype: D,
): ModelElements<D> {
  const v = uniformFloat32(rand, n, lo, hi);
  return (dtype === Float64Array ? Float64Array.from(v) : v) as ModelElements<D>;
}

/** Glorot-uniform weights of `shape` (Flux's default initialiser) and a small random bias. */
function layer<D extends ModelType>(
  rand: () => number,
  shape: number[],
  dtype: D,
): Layer<ModelElements<D>> {
  const [out, inp] = shape;
  const field = shape.slice(2).reduce((a, b) => a * b, 1);
  const limit = Math.sqrt(6 / ((inp + out) * field));
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    weight: new NDArray(uniform(rand, size, -limit, limit, dtype), shape),
    bias: new NDArray(uniform(rand, out, -0.1, 0.1, dtype)),
  };
}

/**
 * The CNN with weights drawn from a generator seeded with `seed` (the same model on every
 * run), stored as `dtype`. The batch-norm statistics are random too (a fresh Flux layer's are
 * 0 and 1), so that the layer does work.
 */
export function makeCnn<D extends ModelType = Float64ArrayConstructor>(
  seed = 1,
  dtype: D = Float64Array as D,
): Cnn<ModelElements<D>> {
  const rand = mulberry32(seed);
  const conv1 = layer(rand, [32, 1, 3, 3], dtype);
  const norm: Norm<ModelElements<D>> = {
    mean: new NDArray(uniform(rand, 32, -0.1, 0.1, dtype)),
    variance: new NDArray(uniform(rand, 32, 0.5, 1.5, dtype)),
    scale: new NDArray(uniform(rand, 32, 0.8, 1.2, dtype)),
    bias: new NDArray(uniform(rand, 32, -0.1, 0.1, dtype)),
  };
  return {
    conv1,
    norm,
    conv2: layer(rand, [16, 32, 3, 3], dtype),
    conv3: layer(rand, [10, 16, 3, 3], dtype),
    dense1: layer(rand, [10, 90], dtype),
    dense2: layer(rand, [10, 10], dtype),
  };
}

/**
 * The CNN's forward pass on a batch `[N, 1, 28, 28]`: class probabilities `[N, 10]`. Written
 * against the operations only; where the memory comes from is decided by the inputs' kind and
 * the current allocator.
 */
export function predict<T extends Float32Array | Float64Array>(
  model: Cnn<T>,
  x: ArrayInput<T>,
): NDArray<T> {
  // Each operation's result has the input's kind and element type; TypeScript cannot follow
  // that through the generic `T`, so the steps are typed as any NDArray and the result
  // asserted once.
  const { conv1, norm, conv2, conv3, dense1, dense2 } = model;
  let h: NDArray = conv2d(x, conv1.weight, { bias: conv1.bias, activation: "relu" });
  h = batchNorm(h, norm, { activation: "relu" }); // [N, 32, 26, 26]
  h = maxPool2d(h, { window: 2 }); // [N, 32, 13, 13]
  h = conv2d(h, conv2.weight, { bias: conv2.bias, activation: "relu" }); // [N, 16, 11, 11]
  h = maxPool2d(h, { window: 2 }); // [N, 16, 5, 5]
  h = conv2d(h, conv3.weight, { bias: conv3.bias, activation: "relu" }); // [N, 10, 3, 3]
  h = dense(flatten(h, { startAxis: 1 }), dense1.weight, { bias: dense1.bias }); // [N, 10]
  h = dense(h, dense2.weight, { bias: dense2.bias });
  h = dense(h, dense2.weight, { bias: dense2.bias }); // shared weights
  return softmax(h, { axis: -1 }) as NDArray<T>;
}

/**
 * `count` random 28×28×1 images (uniform in [0, 1), as Flux's `rand(Float32, …)`, stored as
 * `dtype`) in batches of `batchSize`, the last one smaller: 1000 in 32s gives 31 batches of 32
 * and one of 8. Plain heap arrays `[n, 1, 28, 28]`; wrap them with `AllocArray.from` (no copy)
 * for allocator runs.
 */
export function makeImageBatches<D extends ModelType = Float64ArrayConstructor>(
  seed = 2,
  count = 1000,
  batchSize = 32,
  dtype: D = Float64Array as D,
): NDArray<ModelElements<D>>[] {
  const rand = mulberry32(seed);
  const batches: NDArray<ModelElements<D>>[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    batches.push(new NDArray(uniform(rand, n * 28 * 28, 0, 1, dtype), [n, 1, 28, 28]));
  }
  return batches;
}

/**
 * Runs {@linkcode predict} on each batch inside `withAllocator(allocator, …)`, copies the
 * probabilities into the preallocated heap array `predictions` (`[total, 10]`), and resets the
 * allocator after each batch, so nothing allocated for a batch outlives it. Returns
 * `predictions`.
 */
export function inferBatches<T extends Float32Array | Float64Array>(
  allocator: Allocator,
  model: Cnn<T>,
  batches: readonly ArrayInput<T>[],
  predictions: NDArray<T>,
): NDArray<T> {
  let row = 0;
  for (const x of batches) {
    const n = x instanceof NDArray ? x.shape[0] : x.length / (28 * 28);
    withAllocator(allocator, () => {
      copyTo(predict(model, x), predictions.slice([row, row + n]));
    });
    reset(allocator);
    row += n;
  }
  return predictions;
}

/** A heap array of `dtype` for the predictions of `count` images. */
export function makePredictions<D extends ModelType = Float64ArrayConstructor>(
  count = 1000,
  dtype: D = Float64Array as D,
): NDArray<ModelElements<D>> {
  return new NDArray(new dtype(count * 10) as ModelElements<D>, [count, 10]);
}

/** The basic model with weights from a generator seeded with `seed`. */
export function makeBasicModel(seed = 3): BasicModel {
  const rand = mulberry32(seed);
  return { dense1: layer(rand, [23, 1], Float32Array), dense2: layer(rand, [1, 23], Float32Array) };
}

/** The basic model's inputs −2:0.001:2 (4001 of them) as a batch `[4001, 1]`. */
export function basicInputs(): NDArray<Float32Array> {
  const x = new Float32Array(4001);
  for (let i = 0; i < 4001; i++) x[i] = (i - 2000) / 1000;
  return new NDArray(x, [4001, 1]);
}

/** The sum of the basic model's outputs over the inputs `x` (`[n, 1]`). */
export function basicModelSum(model: BasicModel, x: ArrayInput<Float32Array>): number {
  const { dense1, dense2 } = model;
  const h = dense(x, dense1.weight, { bias: dense1.bias, activation: "tanh" });
  return sum(dense(h, dense2.weight, { bias: dense2.bias }));
}
