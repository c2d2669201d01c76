// Allocation cost: `noEscape` + `alloc` on every buffer class and on the default buffer, and
// the region forms, against `new Float64Array(n)`, pooled allocators (typedarray-pool,
// @thi.ng/malloc) and a hand-written bump (the floor). The cases are in _alloc_cases.ts, where
// what each does is described: every case allocates n Float64 values, writes every one of
// them, passes the array to a sink and frees it.
//
// - "Float64 × n" groups: one array of n values per call, freed at once (a pool's best case:
//   the same size freed and taken back every call);
// - "mixed sizes" group: 16 arrays of 1 to 1000 values (a fixed sequence, log-uniform) per call,
//   all live together, then all freed, as the temporaries of one computation are.
//
//   deno bench -A benches/alloc_bench.ts
//   ALLOC_BENCH_SIZES=30 deno bench -A benches/alloc_bench.ts   (one size group and the mix)
//
// Compare ratios within one run (the machine is noisy); the group summary prints them.
// benches/alloc_ratios.ts measures the 30-value group and the mix interleaved in one process
// and prints each ratio's spread over rounds.

import { allocCases, mixedCases, sinksHold } from "./_alloc_cases.ts";

// ALLOC_BENCH_SIZES=30 runs one group only.
const SIZES = (Deno.env.get("ALLOC_BENCH_SIZES") ?? "8,30,1000,100000").split(",").map(Number);

for (const c of [...SIZES.flatMap(allocCases), ...mixedCases()]) {
  const run = c.run;
  Deno.bench({ name: c.name, group: c.group, baseline: c.baseline ?? false, fn: () => run(1) });
}

globalThis.addEventListener("unload", () => {
  if (!sinksHold()) console.log("the sinks are empty");
});
