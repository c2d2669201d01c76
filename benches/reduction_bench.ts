// basic_reduction (AllocArrays.jl's demo) on 100 000 Float64 values: plain heap arrays (baseline) vs
// AllocArray and CheckedAllocArray under a BumperAllocator inside withAllocator, reset after
// each call. Results go to a sink so nothing can be optimised away.
//
//   deno bench -A benches/reduction_bench.ts

import { AllocArray, BumperAllocator, CheckedAllocArray, NDArray, reset } from "../arrays/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { basicReduction } from "../examples/demo.ts";

const N = 100_000;
const group = `basic_reduction on ${N} Float64`;
const ones = new NDArray(new Float64Array(N).fill(1), [N]);
let sink = 0;

Deno.bench({
  name: "heap (new Float64Array per array)",
  group,
  baseline: true,
  fn() {
    sink += basicReduction(ones);
  },
});

const bumper = new BumperAllocator();
const a = AllocArray.from(ones);
Deno.bench({
  name: "AllocArray, BumperAllocator",
  group,
  fn() {
    sink += withAllocator(bumper, () => basicReduction(a as NDArray<Float64Array>));
    reset(bumper);
  },
});

const checkedBumper = new BumperAllocator();
const c = new CheckedAllocArray(ones);
Deno.bench({
  name: "CheckedAllocArray, BumperAllocator",
  group,
  fn() {
    sink += withAllocator(checkedBumper, () => basicReduction(c as NDArray<Float64Array>));
    reset(checkedBumper);
  },
});

addEventListener("unload", () => {
  if (sink === 42) console.log(sink);
});
