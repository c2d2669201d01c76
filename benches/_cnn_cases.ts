// The CNN benchmark cases (see cnn_bench.ts), shared by the bench files of each element type.

import { DefaultAllocator, WasmAllocBuffer } from "../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  UncheckedBumperAllocator,
} from "../arrays/mod.ts";
import {
  inferBatches,
  inferPreallocated,
  makeCnn,
  makeCnnWorkspaces,
  makeImageBatches,
  makePredictions,
  type ModelType,
} from "../examples/models.ts";

/** A CNN variant a measurement script runs in a process of its own. */
export type CnnVariant = "heap" | "bumper" | "checked" | "preallocated";

/**
 * One inference pass over 1000 images in batches of 32 of `variant`, set up once: plain heap
 * arrays, AllocArray or CheckedAllocArray input under a BumperAllocator, or every intermediate
 * preallocated by hand (`predictInto`).
 */
export function cnnPass(variant: CnnVariant, dtype: ModelType = Float64Array): () => void {
  const model = makeCnn(1, dtype);
  const plain = makeImageBatches(2, 1000, 32, dtype);
  const predictions = makePredictions(1000, dtype);
  switch (variant) {
    case "heap":
      return () => void inferBatches(DefaultAllocator.shared, model, plain, predictions);
    case "bumper":
    case "checked": {
      const batches = plain.map((x) =>
        variant === "checked" ? new CheckedAllocArray(x) : AllocArray.from(x)
      );
      const bumper = new BumperAllocator();
      return () => void inferBatches(bumper, model, batches, predictions);
    }
    case "preallocated": {
      const work = makeCnnWorkspaces(model, plain, predictions);
      return () => void inferPreallocated(model, work);
    }
  }
}

// Where results go, so the work cannot be optimised away.
let sink = 0;

/** The group of CNN benchmarks for models of element type `dtype`. */
export function cnnGroup(dtype: ModelType, group: string): void {
  const model = makeCnn(1, dtype);
  const batches = makeImageBatches(2, 1000, 32, dtype);
  const allocBatches = batches.map((x) => AllocArray.from(x));
  const checkedBatches = batches.map((x) => new CheckedAllocArray(x));
  const predictions = makePredictions(1000, dtype);
  const bumper = new BumperAllocator();
  const unchecked = new UncheckedBumperAllocator();
  const wasm = new BumperAllocator(new WasmAllocBuffer());
  const preallocated = makeCnnWorkspaces(model, batches, predictions);
  const cases: [string, () => number, boolean?][] = [
    [
      "heap: plain arrays",
      () => inferBatches(DefaultAllocator.shared, model, batches, predictions).data[7],
      true,
    ],
    [
      "AllocArray + BumperAllocator()",
      () => inferBatches(bumper, model, allocBatches, predictions).data[7],
    ],
    [
      "AllocArray + UncheckedBumperAllocator()",
      () => inferBatches(unchecked, model, allocBatches, predictions).data[7],
    ],
    [
      "CheckedAllocArray + BumperAllocator()",
      () => inferBatches(bumper, model, checkedBatches, predictions).data[7],
    ],
    [
      "every intermediate preallocated by hand (predictInto): the allocation-free limit",
      () => (inferPreallocated(model, preallocated), predictions.data[7]),
    ],
    [
      "AllocArray + BumperAllocator(WasmAllocBuffer()): WebAssembly SIMD kernels",
      () => inferBatches(wasm, model, allocBatches, predictions).data[7],
    ],
  ];
  for (const [name, run, baseline] of cases) {
    Deno.bench({
      name,
      group,
      baseline: baseline ?? false,
      n: 10,
      warmup: 3,
      fn() {
        sink += run();
      },
    });
  }
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
