// The allocation group (benches/alloc_bench.ts) for AllocArrays' default buffer: `noEscape` +
// `alloc` of n Float64 values on an AutoscalingAllocBuffer, directly and through a
// BumperAllocator (what `similar` allocates from inside `withAllocator`), against
// `new Float64Array(n)`. Same groups, same work per case (allocate, write one element, pass the
// array to a sink), so the report draws them in the same chart.
//
//   deno bench -A benches/autoscaling_alloc_bench.ts
//   ALLOC_BENCH_SIZES=30 deno bench -A benches/autoscaling_alloc_bench.ts   (one group)

import { alloc, AutoscalingAllocBuffer, noEscape } from "../allocators/mod.ts";
import { BumperAllocator } from "../arrays/mod.ts";

const SIZES = (Deno.env.get("ALLOC_BENCH_SIZES") ?? "8,30,1000,100000").split(",").map(Number);

let sink: unknown;
let total = 0;

for (const n of SIZES) {
  const group = `Float64 × ${n}`;

  Deno.bench({
    name: "new Float64Array(n)",
    group,
    baseline: true,
    fn() {
      const a = new Float64Array(n);
      a[0] = 1;
      sink = a;
    },
  });

  const autoscaling = new AutoscalingAllocBuffer();
  Deno.bench({
    name: "AutoscalingAllocBuffer noEscape + alloc",
    group,
    fn() {
      total += noEscape(autoscaling, () => {
        const a = alloc(autoscaling, Float64Array, n);
        a[0] = 1;
        sink = a;
        return a.length;
      });
    },
  });

  const bumper = new BumperAllocator();
  Deno.bench({
    name: "BumperAllocator (AutoscalingAllocBuffer) noEscape + alloc",
    group,
    fn() {
      total += noEscape(bumper, () => {
        const a = alloc(bumper, Float64Array, n);
        a[0] = 1;
        sink = a;
        return a.length;
      });
    },
  });
}

addEventListener("unload", () => {
  if (total < 0 || sink === null) console.log(total);
});
