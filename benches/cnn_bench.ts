// CNN inference over 1000 random 28×28 images (AllocArrays' Flux test): the same model and
// `predict` with plain heap arrays (baseline), AllocArray input with a BumperAllocator or an
// UncheckedBumperAllocator, and CheckedAllocArray input with a BumperAllocator; a group for the
// Float64 model (the default) and one for the Float32 model (Flux's type). One iteration is the
// whole 1000 images (32 batches, the allocator reset after each); Deno's warm-up iterations
// make it steady state.
//
//   deno bench -A benches/cnn_bench.ts
//
// Compare ratios within one run (the machine is noisy). Bytes and GC counts: cnn_memory.ts.

import { DefaultAllocator } from "../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  UncheckedBumperAllocator,
} from "../arrays/mod.ts";
import {
  inferBatches,
  makeCnn,
  makeImageBatches,
  makePredictions,
  type ModelType,
} from "../examples/models.ts";

// Where results go, so the work cannot be optimised away.
let sink = 0;

/** One group per element type: the model's default (Float64) first, then Flux's Float32. */
function group(dtype: ModelType, group: string): void {
  const model = makeCnn(1, dtype);
  const batches = makeImageBatches(2, 1000, 32, dtype);
  const allocBatches = batches.map((x) => AllocArray.from(x));
  const checkedBatches = batches.map((x) => new CheckedAllocArray(x));
  const predictions = makePredictions(1000, dtype);
  const bumper = new BumperAllocator();
  const unchecked = new UncheckedBumperAllocator();
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

group(Float64Array, "CNN, 1000 images in batches of 32");
group(Float32Array, "CNN (Float32, Flux's type), 1000 images in batches of 32");

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
