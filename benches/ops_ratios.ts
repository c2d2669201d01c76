// The cases of benches/ops_bench.ts interleaved in one process, with the spread of each ratio
// (the rotated-round harness of benches/_rounds.ts): each round times every case of a group
// once, in a rotating order, and takes the ratio of each case to its group's baseline within
// the round. Prints the median of the rounds' ratios with their quartiles.
//
//   deno run -A benches/ops_ratios.ts                 (31 rounds, every group)
//   deno run -A benches/ops_ratios.ts --rounds 61     (more rounds)
//   deno run -A benches/ops_ratios.ts --group add     (groups whose name contains "add")
//   deno run -A benches/ops_ratios.ts --json          (machine-readable)

import { opsCases, sinkValue, warmOtherTypes } from "./_ops_cases.ts";
import { arg, measureRounds, printRounds, roundOptions, runAsChild } from "./_rounds.ts";

await runAsChild(import.meta.filename!);

const FILTER = arg("--group");
const options = roundOptions();

warmOtherTypes();
const cases = opsCases().filter((c) => FILTER === undefined || c.group.includes(FILTER));
printRounds(
  measureRounds(cases, options),
  options,
  Deno.args.includes("--json"),
  "deno run -A benches/ops_ratios.ts --json",
  "the cases of benches/ops_bench.ts",
);
if (Number.isNaN(sinkValue())) console.log("NaN");
