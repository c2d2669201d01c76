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
 * generator, so every run computes the same numbers. Images are NCHW Float32 (Flux uses
 * Float32 too); Flux's WHCN layout is column-major, so its flatten order differs, which does
 * not matter for random weights.
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

/** Weights and bias of a convolution or dense layer. */
export interface Layer {
  /** `[out, in, kh, kw]` for a convolution, `[out, in]` for a dense layer. */
  weight: ArrayInput<Float32Array>;
  /** One number per output channel or feature. */
  bias: ArrayInput<Float32Array>;
}

/** The stored statistics and affine parameters of the batch-norm layer. */
export interface Norm {
  /** Per-channel running mean. */
  mean: ArrayInput<Float32Array>;
  /** Per-channel running variance. */
  variance: ArrayInput<Float32Array>;
  /** Per-channel scale (γ). */
  scale: ArrayInput<Float32Array>;
  /** Per-channel shift (β). */
  bias: ArrayInput<Float32Array>;
}

/** The "more complicated model" of AllocArrays' Flux test. */
export interface Cnn {
  /** Conv 3×3, 1 → 32 channels, relu. */
  conv1: Layer;
  /** Batch-norm over 32 channels, relu. */
  norm: Norm;
  /** Conv 3×3, 32 → 16 channels, relu. */
  conv2: Layer;
  /** Conv 3×3, 16 → 10 channels, relu. */
  conv3: Layer;
  /** Dense 90 → 10. */
  dense1: Layer;
  /** Dense 10 → 10, applied twice. */
  dense2: Layer;
}

/** The "basic model": dense 1 → 23 with tanh, then dense 23 → 1. */
export interface BasicModel {
  /** Dense 1 → 23, tanh. */
  dense1: Layer;
  /** Dense 23 → 1. */
  dense2: Layer;
}

/** Glorot-uniform weights of `shape` (Flux's default initialiser) and a small random bias. */
function layer(rand: () => number, shape: number[]): Layer {
  const [out, inp] = shape;
  const field = shape.slice(2).reduce((a, b) => a * b, 1);
  const limit = Math.sqrt(6 / ((inp + out) * field));
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    weight: new NDArray(uniformFloat32(rand, size, -limit, limit), shape),
    bias: new NDArray(uniformFloat32(rand, out, -0.1, 0.1)),
  };
}

/**
 * The CNN with weights drawn from a generator seeded with `seed` (the same model on every
 * run). The batch-norm statistics are random too (a fresh Flux layer's are 0 and 1), so that
 * the layer does work.
 */
export function makeCnn(seed = 1): Cnn {
  const rand = mulberry32(seed);
  const conv1 = layer(rand, [32, 1, 3, 3]);
  const norm: Norm = {
    mean: new NDArray(uniformFloat32(rand, 32, -0.1, 0.1)),
    variance: new NDArray(uniformFloat32(rand, 32, 0.5, 1.5)),
    scale: new NDArray(uniformFloat32(rand, 32, 0.8, 1.2)),
    bias: new NDArray(uniformFloat32(rand, 32, -0.1, 0.1)),
  };
  return {
    conv1,
    norm,
    conv2: layer(rand, [16, 32, 3, 3]),
    conv3: layer(rand, [10, 16, 3, 3]),
    dense1: layer(rand, [10, 90]),
    dense2: layer(rand, [10, 10]),
  };
}

/**
 * The CNN's forward pass on a batch `[N, 1, 28, 28]`: class probabilities `[N, 10]`. Written
 * against the operations only; where the memory comes from is decided by the inputs' kind and
 * the current allocator.
 */
export function predict(model: Cnn, x: ArrayInput<Float32Array>): NDArray<Float32Array> {
  const relu = { activation: "relu" } as const;
  let h = conv2d(x, model.conv1.weight, model.conv1.bias, relu); // [N, 32, 26, 26]
  h = batchNorm(h, model.norm, relu);
  h = maxPool2d(h, 2); // [N, 32, 13, 13]
  h = conv2d(h, model.conv2.weight, model.conv2.bias, relu); // [N, 16, 11, 11]
  h = maxPool2d(h, 2); // [N, 16, 5, 5]
  h = conv2d(h, model.conv3.weight, model.conv3.bias, relu); // [N, 10, 3, 3]
  let z = dense(flatten(h, 1), model.dense1.weight, model.dense1.bias); // [N, 10]
  z = dense(z, model.dense2.weight, model.dense2.bias);
  z = dense(z, model.dense2.weight, model.dense2.bias); // shared weights
  return softmax(z, -1);
}

/**
 * `count` random 28×28×1 images (uniform in [0, 1), as Flux's `rand(Float32, …)`) in batches
 * of `batchSize`, the last one smaller: 1000 in 32s gives 31 batches of 32 and one of 8. Plain
 * heap arrays `[n, 1, 28, 28]`; wrap them with `AllocArray.from` (no copy) for allocator runs.
 */
export function makeImageBatches(
  seed = 2,
  count = 1000,
  batchSize = 32,
): NDArray<Float32Array>[] {
  const rand = mulberry32(seed);
  const batches: NDArray<Float32Array>[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    batches.push(new NDArray(uniformFloat32(rand, n * 28 * 28, 0, 1), [n, 1, 28, 28]));
  }
  return batches;
}

/**
 * Runs {@linkcode predict} on each batch inside `withAllocator(allocator, …)`, copies the
 * probabilities into the preallocated heap array `predictions` (`[total, 10]`), and resets the
 * allocator after each batch, so nothing allocated for a batch outlives it. Returns
 * `predictions`.
 */
export function inferBatches(
  allocator: Allocator,
  model: Cnn,
  batches: readonly ArrayInput<Float32Array>[],
  predictions: NDArray<Float32Array>,
): NDArray<Float32Array> {
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

/** A heap array for the predictions of `count` images. */
export function makePredictions(count = 1000): NDArray<Float32Array> {
  return new NDArray(new Float32Array(count * 10), [count, 10]);
}

/** The basic model with weights from a generator seeded with `seed`. */
export function makeBasicModel(seed = 3): BasicModel {
  const rand = mulberry32(seed);
  return { dense1: layer(rand, [23, 1]), dense2: layer(rand, [1, 23]) };
}

/** The basic model's inputs −2:0.001:2 (4001 of them) as a batch `[4001, 1]`. */
export function basicInputs(): NDArray<Float32Array> {
  const x = new Float32Array(4001);
  for (let i = 0; i < 4001; i++) x[i] = (i - 2000) / 1000;
  return new NDArray(x, [4001, 1]);
}

/** The sum of the basic model's outputs over the inputs `x` (`[n, 1]`). */
export function basicModelSum(model: BasicModel, x: ArrayInput<Float32Array>): number {
  const h = dense(x, model.dense1.weight, model.dense1.bias, { activation: "tanh" });
  return sum(dense(h, model.dense2.weight, model.dense2.bias));
}
