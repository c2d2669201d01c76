// CNN inference over 1000 random 28×28 images (AllocArrays' Flux test): the same model and
// `predict` with plain heap arrays (baseline), AllocArray input with a BumperAllocator, and
// CheckedAllocArray input with a BumperAllocator. One iteration is the whole 1000 images (32
// batches, the allocator reset after each); Deno's warm-up iterations make it steady state.
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
import { inferBatches, makeCnn, makeImageBatches, makePredictions } from "../examples/models.ts";

const model = makeCnn();
const batches = makeImageBatches();
const allocBatches = batches.map((x) => AllocArray.from(x));
const checkedBatches = batches.map((x) => new CheckedAllocArray(x));
const predictions = makePredictions();
const bumper = new BumperAllocator();
const unchecked = new UncheckedBumperAllocator();
const group = "CNN, 1000 images in batches of 32";
// Where results go, so the work cannot be optimised away.
let sink = 0;

Deno.bench({
  name: "heap: plain arrays",
  group,
  baseline: true,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(DefaultAllocator.shared, model, batches, predictions).data[7];
  },
});

Deno.bench({
  name: "AllocArray + BumperAllocator()",
  group,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(bumper, model, allocBatches, predictions).data[7];
  },
});

Deno.bench({
  name: "AllocArray + UncheckedBumperAllocator()",
  group,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(unchecked, model, allocBatches, predictions).data[7];
  },
});

Deno.bench({
  name: "CheckedAllocArray + BumperAllocator()",
  group,
  n: 10,
  warmup: 3,
  fn() {
    sink += inferBatches(bumper, model, checkedBatches, predictions).data[7];
  },
});

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
