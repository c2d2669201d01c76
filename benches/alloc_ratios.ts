// The allocation cases of benches/alloc_bench.ts at 30 values and in the mix of sizes,
// interleaved in one process with the spread of each ratio (the rotated-round harness of
// benches/_rounds.ts): every buffer class, the default buffer, the region forms and the pools
// against a hand-written bump, each ratio taken within one round.
//
// `new Float64Array(n)` is left out (benches/alloc_bench.ts measures it): the harness times
// the process's CPU time, and the garbage collector frees that case's memory on threads of its
// own, later, so much of its cost would be counted to whichever case ran then.
//
// `--only <pattern>` keeps the cases whose names match it (and each group's baseline): a
// process that runs only those. V8 compiles a library function once for all its callers, so
// what else a process runs can change a case's figure: with `--only "default buffer"`,
// noEscape(fn) runs in a process that never calls noEscape(buf, fn).
//
//   deno run -A benches/alloc_ratios.ts                           (31 rounds)
//   deno run -A benches/alloc_ratios.ts --rounds 101 --json       (machine-readable)
//   deno run -A benches/alloc_ratios.ts --only "default buffer"   (those cases alone)

import { allocCases, mixedCases, sinksHold } from "./_alloc_cases.ts";
import { arg, measureRounds, printRounds, roundOptions, runAsChild } from "./_rounds.ts";

await runAsChild(import.meta.filename!);

const only = arg("--only");
const options = roundOptions();
printRounds(
  measureRounds(
    [...allocCases(30), ...mixedCases()].filter((c) =>
      !/^new Float64Array/.test(c.name) &&
      (only === undefined || c.baseline || new RegExp(only).test(c.name))
    ),
    options,
  ),
  options,
  Deno.args.includes("--json"),
  "deno run -A benches/alloc_ratios.ts --rounds 101 --json",
  "the cases of benches/alloc_bench.ts at 30 values and in the mix of sizes",
);
if (!sinksHold()) console.log("the sinks are empty");
