// WebAssembly memory: the same operations on the JavaScript kernels (arrays on the heap) and on
// the WebAssembly SIMD kernels (arrays in a WasmAllocBuffer's memory), Float32; then the
// zero-copy path against copying in and out of the module's memory around every call, for one
// operation and for the whole CNN (benches/cnn_wasm_bench.ts compares the CNN with tfjs).
//
//   deno bench -A benches/wasm_bench.ts
//
// Compare ratios within one run (the machine is noisy).

import { WasmAllocBuffer } from "../allocators/mod.ts";
import { AllocArray, BumperAllocator, copy, NDArray, reset } from "../arrays/mod.ts";
import { add, copyTo, dot, flatten, matmul } from "../arrays/ops/mod.ts";
import { batchNorm, conv2d, dense, maxPool2d, softmax } from "../arrays/nn/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import {
  type Cnn,
  inferBatches,
  makeCnn,
  makeImageBatches,
  makePredictions,
} from "../examples/models.ts";
import { mulberry32 } from "../examples/_prng.ts";

let sink = 0;

// One memory: operands kept for the whole run in its first 16 MiB, and the arena every
// operation allocates from (reset after each call) in the rest.
const memory = new WebAssembly.Memory({ initial: 1024 });
const kept = new BumperAllocator(new WasmAllocBuffer(memory, { byteLength: 16 << 20 }));
const wasm = new BumperAllocator(
  new WasmAllocBuffer(memory, { byteOffset: 16 << 20, grow: true, overflow: true }),
);

function random(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

/** A copy of `a` (shape `shape`) in the WebAssembly memory, kept for the whole run. */
function resident(a: Float32Array, shape: number[]): AllocArray<Float32Array> {
  return withAllocator(kept, () => copy(AllocArray.from(new NDArray(a, shape))));
}

interface Case {
  name: string;
  shapes: number[][];
  run(...xs: NDArray<Float32Array>[]): NDArray | number;
}

const CASES: Case[] = [
  {
    name: "add, 100 000 elements",
    shapes: [[100_000], [100_000]],
    run: (a, b) => add(a, b) as NDArray,
  },
  { name: "dot, 100 000 elements", shapes: [[100_000], [100_000]], run: (a, b) => dot(a, b) },
  {
    name: "matmul, 128 × 128",
    shapes: [[128, 128], [128, 128]],
    run: (a, b) => matmul(a, b) as NDArray,
  },
  {
    name: "conv2d 3×3, 32 → 16 channels, 13 × 13, batch of 32, relu",
    shapes: [[32, 32, 13, 13], [16, 32, 3, 3], [16]],
    run: (x, w, b) => conv2d(x, w, { bias: b, activation: "relu" }) as NDArray,
  },
  {
    name: "maxPool2d 2×2, [32, 32, 26, 26]",
    shapes: [[32, 32, 26, 26]],
    run: (x) => maxPool2d(x, { window: 2 }) as NDArray,
  },
];

for (const c of CASES) {
  const data = c.shapes.map((s, i) => random(s.reduce((p, q) => p * q, 1), i + 1));
  const heapArgs = data.map((d, i) => new NDArray(d, c.shapes[i]));
  const wasmArgs = data.map((d, i) => resident(d, c.shapes[i]));
  const group = `${c.name} (Float32)`;
  Deno.bench({
    name: "JavaScript kernels, heap arrays",
    group,
    baseline: true,
    fn() {
      const r = c.run(...heapArgs);
      sink += typeof r === "number" ? r : r.size;
    },
  });
  Deno.bench({
    name: "WebAssembly SIMD kernels, arrays in WebAssembly memory",
    group,
    fn() {
      const r = withAllocator(wasm, () => c.run(...wasmArgs));
      sink += typeof r === "number" ? r : r.size;
      reset(wasm);
    },
  });
  Deno.bench({
    name: "WebAssembly SIMD kernels, copying the heap operands in and the result out",
    group,
    fn() {
      const r = withAllocator(wasm, () => {
        const inside = heapArgs.map((a) => copy(AllocArray.from(a)));
        const result = c.run(...inside);
        if (typeof result === "number") return result;
        const out = new NDArray(new Float32Array(result.size), result.shape.slice());
        copyTo(result, out);
        return out.size;
      });
      sink += r;
      reset(wasm);
    },
  });
}

// The CNN: zero-copy (every layer's result stays in the memory for the next layer) against
// copying each layer's input into the memory and its result back out to the heap.
const model = makeCnn(1, Float32Array);
const batches = makeImageBatches(2, 1000, 32, Float32Array);
const allocBatches = batches.map((x) => AllocArray.from(x));
const predictions = makePredictions(1000, Float32Array);

/** One layer in the memory, its input copied in and its result copied out to the heap. */
function copying(
  f: (x: AllocArray<Float32Array>) => NDArray,
  x: NDArray<Float32Array>,
): NDArray<Float32Array> {
  const r = withAllocator(wasm, () => {
    const y = f(copy(AllocArray.from(x)) as AllocArray<Float32Array>);
    const out = new NDArray(new Float32Array(y.size), y.shape.slice());
    copyTo(y, out);
    return out;
  });
  reset(wasm);
  return r;
}

/** The CNN of examples/models.ts, each layer copying in and out of the memory. */
function predictCopying(m: Cnn<Float32Array>, x: NDArray<Float32Array>): NDArray<Float32Array> {
  const relu = "relu";
  let h = copying((v) => conv2d(v, m.conv1.weight, { bias: m.conv1.bias, activation: relu }), x);
  h = copying((v) => batchNorm(v, m.norm, { activation: relu }), h);
  h = copying((v) => maxPool2d(v, { window: 2 }), h);
  h = copying((v) => conv2d(v, m.conv2.weight, { bias: m.conv2.bias, activation: relu }), h);
  h = copying((v) => maxPool2d(v, { window: 2 }), h);
  h = copying((v) => conv2d(v, m.conv3.weight, { bias: m.conv3.bias, activation: relu }), h);
  h = copying(
    (v) => dense(flatten(v, { startAxis: 1 }), m.dense1.weight, { bias: m.dense1.bias }),
    h,
  );
  h = copying((v) => dense(v, m.dense2.weight, { bias: m.dense2.bias }), h);
  h = copying((v) => dense(v, m.dense2.weight, { bias: m.dense2.bias }), h);
  return copying((v) => softmax(v, { axis: -1 }), h);
}

const cnnGroup = "CNN (Float32), 1000 images: zero-copy vs copying around each layer";
Deno.bench({
  name: "copying each layer's input in and result out",
  group: cnnGroup,
  baseline: true,
  n: 10,
  warmup: 3,
  fn() {
    let row = 0;
    for (const x of batches) {
      const p = predictCopying(model, x);
      predictions.data.set(p.data, row * 10);
      row += x.shape[0];
    }
    sink += predictions.data[7];
  },
});
Deno.bench({
  name: "zero-copy: every layer in WebAssembly memory",
  group: cnnGroup,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(wasm, model, allocBatches, predictions).data[7];
  },
});

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
