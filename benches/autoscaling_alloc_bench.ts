// The allocation group (benches/alloc_bench.ts) for AllocArrays' default buffer: `noEscape` +
// `alloc` of n Float64 values on an AutoscalingAllocBuffer, directly and through a
// BumperAllocator (what `similar` allocates from inside `withAllocator`), against
// `new Float64Array(n)`. Same groups, same work per case as alloc_bench.ts (allocate, write
// every element, pass the array to a sink), so the report draws them in the same chart.
//
//   deno bench -A benches/autoscaling_alloc_bench.ts
//   ALLOC_BENCH_SIZES=30 deno bench -A benches/autoscaling_alloc_bench.ts   (one group)

import { alloc, type Allocator, AutoscalingAllocBuffer, noEscape } from "../allocators/mod.ts";
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
      a.fill(1);
      sink = a;
    },
  });

  // Each case: a region on `buf`, one allocation of n values, written, the sink.
  const regionCase = (name: string, buf: Allocator) =>
    Deno.bench({
      name,
      group,
      fn() {
        total += noEscape(buf, () => {
          const a = alloc(buf, Float64Array, n);
          a.fill(1);
          sink = a;
          return a.length;
        });
      },
    });
  regionCase("AutoscalingAllocBuffer noEscape + alloc", new AutoscalingAllocBuffer());
  regionCase(
    "BumperAllocator (AutoscalingAllocBuffer) noEscape + alloc",
    new BumperAllocator(),
  );
}

addEventListener("unload", () => {
  if (total < 0 || sink === null) console.log(total);
});
