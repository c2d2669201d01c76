// Operations against the hand-written limit and the peer users would pick for this work:
// `add(a, b, out)` at 30, 1000 and 100 000 Float64 elements and `sum` at 1000 and 100 000
// against a plain loop over the same typed arrays (baseline), an unrolled loop (@stdlib's
// dsumors) and scijs `ndarray` + `ndarray-ops`; `get`/`set` of NDArray and CheckedAllocArray
// against `data[i]`, 1-d and 2-d. The operations have first been used on Float32 and Int32
// arrays too (see _ops_cases.ts), as in a program that uses several element types.
//
//   deno bench -A benches/ops_bench.ts
//
// Compare ratios within one run (the machine is noisy). benches/ops_ratios.ts measures the
// same cases interleaved in one process and prints each ratio's spread over rounds.

import { opsCases, sinkValue, warmOtherTypes } from "./_ops_cases.ts";

warmOtherTypes();
for (const c of opsCases()) {
  const run = c.run;
  Deno.bench({ name: c.name, group: c.group, baseline: c.baseline ?? false, fn: () => run(1) });
}

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sinkValue())) console.log("NaN");
});
