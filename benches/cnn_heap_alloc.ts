// What the heap variant of the CNN pass (benches/cnn_ratios.ts) spends on its memory alone: the
// typed arrays one pass of 1000 images in batches of 32 allocates on the heap in Float64 (the
// layers' results and conv2d's accumulators, 392 MiB), each zero-filled by the runtime, written
// once and dropped, without any of the arithmetic. CPU time per pass, after warm-up.
//
//   deno run -A benches/cnn_heap_alloc.ts

import process from "node:process";

/** Elements of each typed array a batch of 32 allocates on the heap, in order. */
const SIZES = [
  32 * 32 * 26 * 26, // conv1
  8 * 26 * 26, // its accumulator
  32 * 32 * 26 * 26, // batchNorm
  32 * 32 * 13 * 13, // maxPool2d
  8 * 11 * 11, // conv2's accumulator
  32 * 16 * 11 * 11, // conv2
  32 * 16 * 5 * 5, // maxPool2d
  8 * 3 * 3, // conv3's accumulator
  32 * 10 * 3 * 3, // conv3
  32 * 10, // dense
  32 * 10, // dense
  32 * 10, // dense
  32 * 10, // softmax
];

let sink = 0;

/** Allocates the arrays of one pass (32 batches), writing each page of each once. */
function pass(): void {
  for (let b = 0; b < 32; b++) {
    for (const n of SIZES) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i += 512) a[i] = 1;
      sink += a[0];
    }
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

if (import.meta.main) {
  for (let i = 0; i < 5; i++) pass();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const c = cpuMs();
    pass();
    times.push(cpuMs() - c);
  }
  times.sort((a, b) => a - b);
  console.log(
    `Allocating the heap variant's typed arrays of one CNN pass: ${
      times[7].toFixed(1)
    } ms CPU per pass (median of 15; ${times[0].toFixed(1)}–${times[14].toFixed(1)})`,
  );
  if (sink === -1) console.log(sink);
}
