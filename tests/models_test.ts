// The acceptance test of AllocArrays.jl (`test/flux.jl`), ported: the same model gives the same
// predictions whatever the allocator and array kind, and escaping memory is caught loudly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  adapt,
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  InvalidMemoryError,
  type NDArray,
  reset,
  UncheckedBumperAllocator,
} from "../arrays/mod.ts";
import { AllocBuffer, DefaultAllocator, WasmAllocBuffer } from "../allocators/mod.ts";
import { setWasmKernelsForTesting, WASM_SIMD, wasmCalls } from "../_internal/wasm.ts";
import { Counting } from "../examples/_counting.ts";
import { withAllocator } from "../scope/mod.ts";
import {
  basicInputs,
  basicModelSum,
  type Cnn,
  inferBatches,
  inferPreallocated,
  makeBasicModel,
  makeCnn,
  makeCnnWorkspaces,
  makeImageBatches,
  makePredictions,
  predict,
} from "../examples/models.ts";
import { assertAllClose, assertAlmostEquals, TestBump } from "./_helpers.ts";
import { referencePredictions, referenceWeights } from "./_reference_cnn.ts";

const model = makeCnn(); // Float64, the default
const batches = makeImageBatches(); // 1000 images: 31 batches of 32 and one of 8
const heap = inferBatches(DefaultAllocator.shared, model, batches, makePredictions());

function agrees(predictions: NDArray<Float64Array>): void {
  assertAllClose(predictions.data, heap.data, 1e-5);
}

/** The class of each image (index of its largest probability). */
function classes(p: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.length; i += 10) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (p[i + k] > p[i + best]) best = k;
    out.push(best);
  }
  return out;
}

describe("CNN inference (AllocArrays' Flux test)", () => {
  it("makeImageBatches() gives 1000 images in 31 batches of 32 and one of 8", () => {
    assert.equal(batches.length, 32);
    assert.ok(batches.slice(0, 31).every((b) => b.shape.join() === "32,1,28,28"));
    assert.deepEqual(batches[31].shape, [8, 1, 28, 28]);
    assert.deepEqual(makeImageBatches().map((b) => b.data[100]), batches.map((b) => b.data[100]));
  });

  it("predict() on plain heap arrays gives probabilities: rows sum to 1", () => {
    assert.deepEqual(heap.shape, [1000, 10]);
    for (let i = 0; i < 1000; i += 97) {
      const row = [...heap.pick(i)];
      assertAlmostEquals(row.reduce((a, b) => a + b), 1, 1e-5);
      assert.ok(row.every((p) => p > 0 && p < 1));
    }
    // not all images get the same prediction
    assert.notDeepEqual([...heap.pick(0)], [...heap.pick(1)]);
  });

  it("predict() on plain heap arrays matches an independent plain-loop implementation of the model", () => {
    // The allocator runs below are compared with this heap run; this compares the heap run
    // (every kernel: the 3×3 convolutions, batch-norm, pooling, dense, softmax) with loops
    // written from the model's definition, for all 1000 images.
    const reference = referencePredictions(referenceWeights(model), batches, 1000);
    assertAllClose(heap.data, reference, 1e-12);
    assert.deepEqual(classes(heap.data), classes(reference));
    // The probabilities depend on the image (a layer that lost its input would not show here).
    for (let k = 0; k < 10; k++) {
      const p = Array.from({ length: 1000 }, (_, i) => heap.data[i * 10 + k]);
      assert.ok(Math.max(...p) - Math.min(...p) > 5e-3, `class ${k} varies across images`);
    }
  });

  it("predict() of AllocArray input with BumperAllocator(2 ** 26) matches the heap run", () => {
    const b = new BumperAllocator(2 ** 26);
    agrees(inferBatches(b, model, batches.map((x) => AllocArray.from(x)), makePredictions()));
  });

  it("predict() of AllocArray input in WebAssembly memory (BumperAllocator over a WasmAllocBuffer) matches the heap run", () => {
    const b = new BumperAllocator(new WasmAllocBuffer());
    agrees(inferBatches(b, model, batches.map((x) => AllocArray.from(x)), makePredictions()));
  });

  it("predict() of AllocArray input with the autoscaling BumperAllocator() matches the heap run", () => {
    const b = new BumperAllocator();
    agrees(inferBatches(b, model, batches.map((x) => AllocArray.from(x)), makePredictions()));
  });

  it("predict() of AllocArray input with UncheckedBumperAllocator matches the heap run", () => {
    const b = new UncheckedBumperAllocator(new AllocBuffer(2 ** 26));
    agrees(inferBatches(b, model, batches.map((x) => AllocArray.from(x)), makePredictions()));
  });

  it("predict() of an adapted model on plain input with a BumperAllocator matches the heap run", () => {
    const adapted = adapt(model) as Cnn;
    assert.ok(adapted.conv1.weight instanceof AllocArray);
    const b = new BumperAllocator(2 ** 26);
    agrees(inferBatches(b, adapted, batches, makePredictions()));
  });

  it("predict() of CheckedAllocArray input with a BumperAllocator matches the heap run", () => {
    const b = new BumperAllocator(2 ** 26);
    const checked = batches.map((x) => new CheckedAllocArray(x));
    agrees(inferBatches(b, model, checked, makePredictions()));
  });

  it("predict() of AllocArray input takes every intermediate from the current allocator", () => {
    const bump = new TestBump(2 ** 26);
    const x = AllocArray.from(batches[0]);
    const y = withAllocator(bump, () => predict(model, x));
    assert.ok(y instanceof AllocArray);
    assert.equal(y.data.buffer, bump.buf);
    // conv (+ its Float64 accumulator), norm, pool, conv (+ accumulator), pool, conv
    // (+ accumulator), 3 dense, softmax
    assert.ok(bump.allocations >= 13, `${bump.allocations} allocations`);
    const used = bump.offset;
    withAllocator(bump, () => predict(model, x));
    assert.equal(bump.offset, 2 * used); // the same allocations every time
  });

  it("inferBatches() resets the allocator after each batch, so memory stays bounded", () => {
    const buf = new AllocBuffer(2 ** 24); // enough for one batch, not for 32
    const p = inferBatches(buf, model, batches.map((x) => AllocArray.from(x)), makePredictions());
    agrees(p);
    assert.equal(buf.used, 0);
  });

  it("keeping a prediction of CheckedAllocArray input across reset() throws InvalidMemoryError", () => {
    const b = new BumperAllocator(2 ** 26);
    const x = new CheckedAllocArray(batches[0]);
    const kept = withAllocator(b, () => predict(model, x)); // escapes the batch: a bug
    assert.ok(kept instanceof CheckedAllocArray);
    assert.ok(kept.get(0, 0) > 0); // fine until the memory is freed
    reset(b);
    assert.throws(() => kept.get(0, 0), InvalidMemoryError);
    assert.throws(() => [...kept], InvalidMemoryError);
    assert.throws(
      () => withAllocator(b, () => predict(model, kept as never)),
      (e: Error) =>
        e instanceof InvalidMemoryError && /after its memory has been deallocated/.test(e.message),
    );
  });
});

describe("CNN inference with every intermediate preallocated (predictInto)", () => {
  it("inferPreallocated() gives exactly the heap run's predictions, and again on a second pass", () => {
    const predictions = makePredictions();
    const run = makeCnnWorkspaces(model, batches, predictions);
    // one workspace for the batches of 32 and one for the last batch of 8
    assert.equal(new Set(run.batches.map((b) => b.work)).size, 2);
    inferPreallocated(model, run);
    assert.deepEqual([...predictions.data], [...heap.data]);
    predictions.data.fill(0);
    inferPreallocated(model, run);
    assert.deepEqual([...predictions.data], [...heap.data]);
  });

  it("predictInto() of AllocArray input allocates nothing from the current allocator", () => {
    // Every temporary an operation on an AllocArray needs would come from the current allocator.
    const bump = new TestBump(1 << 16);
    const predictions = makePredictions();
    const inputs = batches.map((x) => AllocArray.from(x));
    const run = makeCnnWorkspaces(model, inputs, predictions);
    withAllocator(bump, () => inferPreallocated(model, run));
    assert.equal(bump.allocations, 0);
    assert.deepEqual([...predictions.data], [...heap.data]);
  });

  it("the Float32 model preallocated agrees with its heap run", () => {
    const model32 = makeCnn(1, Float32Array);
    const batches32 = makeImageBatches(2, 1000, 32, Float32Array);
    const heap32 = inferBatches(
      DefaultAllocator.shared,
      model32,
      batches32,
      makePredictions(1000, Float32Array),
    );
    const predictions = makePredictions(1000, Float32Array);
    inferPreallocated(model32, makeCnnWorkspaces(model32, batches32, predictions));
    assert.deepEqual([...predictions.data], [...heap32.data]);
  });
});

describe("CNN inference with the Float32 model (Flux's element type)", () => {
  const model32 = makeCnn(1, Float32Array);
  const batches32 = makeImageBatches(2, 1000, 32, Float32Array);
  const heap32 = inferBatches(
    DefaultAllocator.shared,
    model32,
    batches32,
    makePredictions(1000, Float32Array),
  );

  it("makeCnn() and makeImageBatches() with Float32Array hold the default model's numbers", () => {
    const w = model32.conv2.weight as NDArray<Float32Array>;
    assert.ok(w.data instanceof Float32Array);
    assert.deepEqual([...w.data], [...(model.conv2.weight as NDArray<Float64Array>).data]);
    assert.ok(batches32[5].data instanceof Float32Array);
    assert.deepEqual([...batches32[5].data], [...batches[5].data]);
  });

  it("predict() of the Float32 model matches the plain-loop implementation to Float32 rounding", () => {
    const reference = referencePredictions(referenceWeights(model32), batches32, 1000);
    assertAllClose(heap32.data, reference, 1e-5);
    assert.deepEqual(classes(heap32.data), classes(reference));
  });

  it("predict() of the Float32 model agrees with the Float64 model to Float32 rounding", () => {
    assert.ok(heap32.data instanceof Float32Array);
    assert.ok(heap.data instanceof Float64Array);
    assertAllClose(heap32.data, heap.data, 1e-5);
    // the default model computes in double precision, not rounded to Float32
    assert.ok(heap.data.some((p) => p !== Math.fround(p)));
  });

  it("predict() of the Float32 model with AllocArray input and a BumperAllocator matches its heap run", () => {
    const p = inferBatches(
      new BumperAllocator(),
      model32,
      batches32.map((x) => AllocArray.from(x)),
      makePredictions(1000, Float32Array),
    );
    assertAllClose(p.data, heap32.data, 1e-5);
  });

  it("predict() of the Float32 model with AllocArray input and UncheckedBumperAllocator matches its heap run", () => {
    const p = inferBatches(
      new UncheckedBumperAllocator(new AllocBuffer(2 ** 26)),
      model32,
      batches32.map((x) => AllocArray.from(x)),
      makePredictions(1000, Float32Array),
    );
    assertAllClose(p.data, heap32.data, 1e-5);
  });

  it("predict() of the Float32 model in WebAssembly memory runs on the SIMD kernels, matches its heap run and allocates no ArrayBuffer per pass", () => {
    const buf = new WasmAllocBuffer();
    const counting = new Counting(new BumperAllocator(buf), true);
    const input = batches32.map((x) => AllocArray.from(x));
    // Warm-up: the 1 MiB memory is too small for the first batch, which overflows to the heap
    // (its layers then run on the JavaScript kernels); the memory grows to fit at the reset.
    inferBatches(counting, model32, input, makePredictions(1000, Float32Array));
    counting.newBufferBytes = 0;
    const before = wasmCalls();
    const p = inferBatches(counting, model32, input, makePredictions(1000, Float32Array));
    // Per batch: 3 convolutions, a batch-norm, 2 poolings.
    assert.equal(wasmCalls() - before, WASM_SIMD ? 32 * 6 : 0);
    assertAllClose(p.data, heap32.data, 1e-5);
    for (let i = 0; i < 1000; i++) {
      const row = [...p.pick(i)], ref = [...heap32.pick(i)];
      assert.equal(row.indexOf(Math.max(...row)), ref.indexOf(Math.max(...ref)));
    }
    assert.equal(counting.newBufferBytes, 0);
    assert.equal(buf.overflowCount, 0);
  });

  it("predict() of the Float32 model in WebAssembly memory without SIMD runs the JavaScript kernels there and matches its heap run", () => {
    const buf = new WasmAllocBuffer(8 << 20);
    setWasmKernelsForTesting(false); // as on a runtime without WebAssembly SIMD
    try {
      const before = wasmCalls();
      const p = inferBatches(
        new BumperAllocator(buf),
        model32,
        batches32.map((x) => AllocArray.from(x)),
        makePredictions(1000, Float32Array),
      );
      assert.equal(wasmCalls(), before);
      assert.equal(buf.overflowCount, 0);
      assertAllClose(p.data, heap32.data, 1e-5);
    } finally {
      setWasmKernelsForTesting(true);
    }
  });

  it("predict() of the Float32 model with CheckedAllocArray input in WebAssembly memory matches its heap run", () => {
    const checked = batches32.map((x) => new CheckedAllocArray(x));
    const p = inferBatches(
      new BumperAllocator(new WasmAllocBuffer()),
      model32,
      checked,
      makePredictions(1000, Float32Array),
    );
    assertAllClose(p.data, heap32.data, 1e-5);
  });

  it("predict() of the Float32 model with CheckedAllocArray input matches its heap run", () => {
    const checked = batches32.map((x) => new CheckedAllocArray(x));
    const p = inferBatches(
      new BumperAllocator(2 ** 26),
      model32,
      checked,
      makePredictions(1000, Float32Array),
    );
    assertAllClose(p.data, heap32.data, 1e-5);
  });
});

describe("basic model (dense 1→23 tanh, dense 23→1 over −2:0.001:2, summed)", () => {
  const basic = makeBasicModel();
  const x = basicInputs();
  const expected = basicModelSum(basic, x);

  it("basicInputs() are the 4001 points −2:0.001:2", () => {
    assert.deepEqual(x.shape, [4001, 1]);
    assert.equal(x.get(0, 0), -2);
    assert.equal(x.get(2000, 0), 0);
    assert.equal(x.get(4000, 0), 2);
  });

  it("basicModelSum() matches a plain loop", () => {
    const w1 = basic.dense1.weight as NDArray<Float32Array>,
      b1 = basic.dense1.bias as NDArray<Float32Array>;
    const w2 = basic.dense2.weight as NDArray<Float32Array>,
      b2 = basic.dense2.bias as NDArray<Float32Array>;
    let total = 0;
    for (let i = 0; i < 4001; i++) {
      const v = x.get(i, 0) as number;
      let y = b2.get(0) as number;
      for (let j = 0; j < 23; j++) {
        const h = Math.fround(
          Math.tanh(Math.fround((w1.get(j, 0) as number) * v + (b1.get(j) as number))),
        );
        y += (w2.get(0, j) as number) * h;
      }
      total += Math.fround(y);
    }
    assertAlmostEquals(expected, total, 1e-6);
  });

  it("basicModelSum() agrees for every allocator and array kind", () => {
    const runs: [string, () => number][] = [
      [
        "BumperAllocator(2 ** 26)",
        () =>
          withAllocator(
            new BumperAllocator(2 ** 26),
            () => basicModelSum(basic, AllocArray.from(x)),
          ),
      ],
      [
        "BumperAllocator()",
        () => withAllocator(new BumperAllocator(), () => basicModelSum(basic, AllocArray.from(x))),
      ],
      [
        "UncheckedBumperAllocator",
        () =>
          withAllocator(
            new UncheckedBumperAllocator(2 ** 26),
            () => basicModelSum(basic, AllocArray.from(x)),
          ),
      ],
      [
        "adapted model",
        () => withAllocator(new BumperAllocator(2 ** 26), () => basicModelSum(adapt(basic), x)),
      ],
      [
        "CheckedAllocArray",
        () =>
          withAllocator(
            new BumperAllocator(2 ** 26),
            () => basicModelSum(basic, new CheckedAllocArray(x)),
          ),
      ],
    ];
    for (const [name, run] of runs) assertAlmostEquals(run(), expected, 1e-5, name);
  });
});
