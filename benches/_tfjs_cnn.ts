// The CNN of examples/models.ts in TensorFlow.js (tfjs-core 4.22.0 with its wasm or CPU
// backend, benchmark-only dependencies pinned in deno.json), with the same weights, for the
// comparison in cnn_wasm_bench.ts. Images are NCHW with one channel, which is the same memory as
// tfjs's NHWC; the weights are transposed to tfjs's layouts once, and the first dense layer's
// columns permuted so that flattening NHWC gives the same features as flattening NCHW.
//
// The wasm backend runs single-threaded with SIMD (the same as the library's kernels); its
// .wasm files load from the npm package's dist folder.

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { NDArray } from "../arrays/mod.ts";
import type { Cnn } from "../examples/models.ts";

/** The backends compared: `"wasm"` (SIMD, one thread) or `"cpu"` (plain JavaScript). */
export type TfBackend = "wasm" | "cpu";

/** Switches tfjs to `backend` (loading the wasm backend's binaries from the npm package). */
export async function useBackend(backend: TfBackend): Promise<void> {
  if (backend === "wasm") {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve("@tensorflow/tfjs-backend-wasm/package.json");
    const dist = new URL("dist/", pathToFileURL(pkg)).pathname;
    setWasmPaths(dist);
    setThreadsCount(1);
  }
  await tf.setBackend(backend);
  await tf.ready();
  if (backend === "wasm" && !tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) {
    throw new Error("Cannot compare with tfjs-backend-wasm: it found no SIMD support");
  }
}

/** The CNN's weights as tfjs tensors. */
export interface TfCnn {
  conv1: [tf.Tensor4D, tf.Tensor1D];
  norm: { mean: tf.Tensor1D; variance: tf.Tensor1D; scale: tf.Tensor1D; bias: tf.Tensor1D };
  conv2: [tf.Tensor4D, tf.Tensor1D];
  conv3: [tf.Tensor4D, tf.Tensor1D];
  dense1: [tf.Tensor2D, tf.Tensor1D];
  dense2: [tf.Tensor2D, tf.Tensor1D];
}

function f32(a: unknown): Float32Array {
  return Float32Array.from((a as NDArray).data as Float32Array);
}

/** `[OC, C, 3, 3]` (ours) → `[3, 3, C, OC]` (tfjs's HWIO). */
function convWeights(w: unknown, oc: number, c: number): tf.Tensor4D {
  const src = f32(w);
  const dst = new Float32Array(src.length);
  for (let o = 0; o < oc; o++) {
    for (let i = 0; i < c; i++) {
      for (let k = 0; k < 9; k++) dst[(k * c + i) * oc + o] = src[(o * c + i) * 9 + k];
    }
  }
  return tf.tensor4d(dst, [3, 3, c, oc]);
}

/** `[O, I]` (ours, y = W·x) → `[I, O]` (tfjs, y = x·W); `perm` maps tfjs's input index to ours. */
function denseWeights(w: unknown, o: number, i: number, perm?: (k: number) => number): tf.Tensor2D {
  const src = f32(w);
  const dst = new Float32Array(src.length);
  for (let k = 0; k < i; k++) {
    const from = perm ? perm(k) : k;
    for (let r = 0; r < o; r++) dst[k * o + r] = src[r * i + from];
  }
  return tf.tensor2d(dst, [i, o]);
}

/** The model's weights (Float32 or Float64, converted to Float32) as tfjs tensors. */
export function tfCnn(model: Cnn<Float32Array> | Cnn<Float64Array>): TfCnn {
  const vec = (a: unknown) => tf.tensor1d(f32(a));
  return {
    conv1: [convWeights(model.conv1.weight, 32, 1), vec(model.conv1.bias)],
    norm: {
      mean: vec(model.norm.mean),
      variance: vec(model.norm.variance),
      scale: vec(model.norm.scale),
      bias: vec(model.norm.bias),
    },
    conv2: [convWeights(model.conv2.weight, 16, 32), vec(model.conv2.bias)],
    conv3: [convWeights(model.conv3.weight, 10, 16), vec(model.conv3.bias)],
    // NHWC flattening of [N, 3, 3, 10] puts (h, w, c) at (h·3 + w)·10 + c; ours (c, h, w) at
    // c·9 + h·3 + w.
    dense1: [
      denseWeights(model.dense1.weight, 10, 90, (k) => (k % 10) * 9 + Math.floor(k / 10)),
      vec(model.dense1.bias),
    ],
    dense2: [denseWeights(model.dense2.weight, 10, 10), vec(model.dense2.bias)],
  };
}

/** The forward pass on a batch `[N, 28, 28, 1]`: class probabilities `[N, 10]`. */
export function tfPredict(m: TfCnn, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy((): tf.Tensor2D => {
    let h = tf.fused.conv2d({
      x,
      filter: m.conv1[0],
      strides: 1,
      pad: "valid",
      bias: m.conv1[1],
      activation: "relu",
    });
    h = tf.relu(tf.batchNorm(h, m.norm.mean, m.norm.variance, m.norm.bias, m.norm.scale, 1e-5));
    h = tf.maxPool(h, 2, 2, "valid");
    h = tf.fused.conv2d({
      x: h,
      filter: m.conv2[0],
      strides: 1,
      pad: "valid",
      bias: m.conv2[1],
      activation: "relu",
    });
    h = tf.maxPool(h, 2, 2, "valid");
    h = tf.fused.conv2d({
      x: h,
      filter: m.conv3[0],
      strides: 1,
      pad: "valid",
      bias: m.conv3[1],
      activation: "relu",
    });
    let z = tf.fused.matMul({ a: tf.reshape(h, [-1, 90]), b: m.dense1[0], bias: m.dense1[1] });
    z = tf.fused.matMul({ a: z, b: m.dense2[0], bias: m.dense2[1] });
    z = tf.fused.matMul({ a: z, b: m.dense2[0], bias: m.dense2[1] });
    return tf.softmax(z) as tf.Tensor2D;
  });
}

/**
 * Runs tfPredict over the batches (`[n, 1, 28, 28]` Float32 NDArrays, the same memory as
 * `[n, 28, 28, 1]`), copying each batch in and the probabilities out into `predictions`
 * (`[total · 10]`), as a tfjs user would.
 */
export function tfInfer(
  m: TfCnn,
  batches: readonly NDArray<Float32Array>[],
  predictions: Float32Array,
): Float32Array {
  let row = 0;
  for (const b of batches) {
    const n = b.shape[0];
    const x = tf.tensor4d(b.data, [n, 28, 28, 1]);
    const y = tfPredict(m, x);
    predictions.set(y.dataSync() as Float32Array, row * 10);
    x.dispose();
    y.dispose();
    row += n;
  }
  return predictions;
}
