// The CNN benchmarks of cnn_bench.ts for the Float32 model (Flux's element type), in a file of
// its own so that the kernels only see Float32 arrays.
//
//   deno bench -A benches/cnn_float32_bench.ts

import { cnnGroup } from "./_cnn_cases.ts";

cnnGroup(Float32Array, "CNN (Float32, Flux's type), 1000 images in batches of 32");
