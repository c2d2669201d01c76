// CNN inference over 1000 random 28×28 images (AllocArrays' Flux test): the same model and
// `predict` with plain heap arrays (baseline), AllocArray input with a BumperAllocator or an
// UncheckedBumperAllocator, CheckedAllocArray input with a BumperAllocator, and the
// allocation-free limit (`predictInto`: every intermediate preallocated by hand), for the Float64
// model (the default; benches/cnn_float32_bench.ts has Flux's Float32, in a file of its own
// because kernels that have seen both element types run slower). One iteration is the whole
// 1000 images (32 batches, the allocator reset after each); Deno's warm-up iterations make it
// steady state.
//
//   deno bench -A benches/cnn_bench.ts
//
// Compare ratios within one run (the machine is noisy). Bytes and GC counts: cnn_memory.ts;
// JavaScript-heap garbage: cnn_garbage.ts; ratios with their spread: cnn_ratios.ts.

import { cnnGroup } from "./_cnn_cases.ts";

cnnGroup(Float64Array, "CNN, 1000 images in batches of 32");
