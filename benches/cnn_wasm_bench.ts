// CNN inference over 1000 random 28×28 images (AllocArrays' Flux test), Float32, against
// TensorFlow.js on the same weights and images, one thread each:
//
// - allocarrays in WebAssembly memory: `predict` under a BumperAllocator over a
//   WasmAllocBuffer, so every layer runs on the SIMD kernels in place (no copy between layers);
// - allocarrays on the JavaScript heap: the same `predict` under a BumperAllocator over the
//   default AutoscalingAllocBuffer (JavaScript kernels);
// - tfjs-backend-wasm 4.22.0 (XNNPACK, SIMD, one thread) and tfjs-backend-cpu 4.22.0.
//
// Every case copies each batch's images in (the allocarrays cases from heap arrays into their
// first layer's memory; tfjs with tf.tensor) and the probabilities out (copyTo; dataSync), and
// the predictions are checked to agree before anything is timed. One iteration is the whole
// 1000 images (32 batches, the allocator reset after each).
//
//   deno bench -A benches/cnn_wasm_bench.ts
//
// Compare ratios within one run (the machine is noisy).

import * as tf from "@tensorflow/tfjs-core";
import { WasmAllocBuffer } from "../allocators/mod.ts";
import { AllocArray, BumperAllocator } from "../arrays/mod.ts";
import { inferBatches, makeCnn, makeImageBatches, makePredictions } from "../examples/models.ts";
import { tfCnn, tfInfer, useBackend } from "./_tfjs_cnn.ts";

const model = makeCnn(1, Float32Array);
const batches = makeImageBatches(2, 1000, 32, Float32Array);
const allocBatches = batches.map((x) => AllocArray.from(x));
const wasm = new BumperAllocator(new WasmAllocBuffer());
const heap = new BumperAllocator();

const ours = makePredictions(1000, Float32Array);
const theirs = new Float32Array(10_000);

/** Throws unless `p` and the reference agree: same class for every image, |Δp| ≤ 1e-5. */
function agree(name: string, p: ArrayLike<number>, ref: ArrayLike<number>): void {
  let worst = 0, classes = 0;
  for (let i = 0; i < 1000; i++) {
    let a = 0, b = 0;
    for (let k = 0; k < 10; k++) {
      worst = Math.max(worst, Math.abs(p[i * 10 + k] - ref[i * 10 + k]));
      if (p[i * 10 + k] > p[i * 10 + a]) a = k;
      if (ref[i * 10 + k] > ref[i * 10 + b]) b = k;
    }
    if (a !== b) classes++;
  }
  if (classes > 0 || worst > 1e-5) {
    throw new Error(
      `${name} disagrees with the heap run: ${classes} of 1000 classes differ, max |Δp| ${worst}`,
    );
  }
  // On stderr: `deno bench --json` (the bench report) reads stdout.
  console.error(`${name}: same 1000 classes as the heap run, max |Δp| ${worst.toExponential(1)}`);
}

const reference = Float32Array.from(inferBatches(heap, model, allocBatches, ours).data);
agree(
  "allocarrays in WebAssembly memory",
  inferBatches(wasm, model, allocBatches, ours).data,
  reference,
);
await useBackend("cpu");
const tfModelCpu = tfCnn(model);
agree("tfjs-backend-cpu", tfInfer(tfModelCpu, batches, theirs), reference);
await useBackend("wasm");
const tfModelWasm = tfCnn(model);
agree("tfjs-backend-wasm", tfInfer(tfModelWasm, batches, theirs), reference);

// Where results go, so the work cannot be optimised away.
let sink = 0;
const group = "CNN (Float32), 1000 images in batches of 32, one thread";

Deno.bench({
  name: "tfjs-backend-wasm (SIMD)",
  group,
  baseline: true,
  n: 10,
  warmup: 3,
  async fn() {
    await tf.setBackend("wasm");
    sink += tfInfer(tfModelWasm, batches, theirs)[7];
  },
});
Deno.bench({
  name: "allocarrays, WebAssembly memory (SIMD kernels)",
  group,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(wasm, model, allocBatches, ours).data[7];
  },
});
Deno.bench({
  name: "allocarrays, JavaScript heap (JavaScript kernels)",
  group,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(heap, model, allocBatches, ours).data[7];
  },
});
Deno.bench({
  name: "tfjs-backend-cpu",
  group,
  n: 3,
  warmup: 1,
  async fn() {
    await tf.setBackend("cpu");
    sink += tfInfer(tfModelCpu, batches, theirs)[7];
  },
});

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
