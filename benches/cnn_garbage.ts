// JavaScript-heap garbage of one CNN inference pass over 1000 images (AllocArrays' Flux test,
// examples/models.ts), per variant, from V8's GC trace (see scripts/_gc_trace.ts): the bytes the pass
// allocates on the JavaScript heap (objects, arrays, views, closures, boxed numbers), which the
// garbage collector then has to clean up. ArrayBuffer bytes are counted by cnn_memory.ts.
//
//   deno run -A benches/cnn_garbage.ts            (a table)
//   deno run -A benches/cnn_garbage.ts --json     (machine-readable)
//
// Variants: plain heap arrays; AllocArray input under a BumperAllocator (the allocator-agnostic
// `predict`, reset after each batch); CheckedAllocArray input under a BumperAllocator; and the
// allocation-free limit: the same forward pass with every intermediate (and every option
// object) preallocated once by hand and passed as `out` (`predictInto`). Each child warms up
// with WARM passes, then runs the measured passes; the figure is the difference between runs
// of SHORT and LONG passes, divided by their difference, repeated 3 times (median and range).

import { cnnPass, type CnnVariant } from "./_cnn_cases.ts";
import { garbagePerIteration, gcTraceMethod, start, stop } from "../scripts/_gc_trace.ts";
import type { MeasurementJson } from "../scripts/_bench_report.ts";

export const VARIANTS = ["heap", "bumper", "checked", "preallocated"] as const;
type Variant = CnnVariant & typeof VARIANTS[number];

const LABELS: Record<Variant, string> = {
  heap: "heap: plain arrays",
  bumper: "AllocArray + BumperAllocator",
  checked: "CheckedAllocArray + BumperAllocator",
  preallocated: "every intermediate preallocated by hand (predictInto)",
};

/** Warm-up passes: enough for V8 to optimise the layers (called once per batch, 32 per pass). */
const WARM = 12;
const SHORT = 2, LONG = 8;

if (import.meta.main) {
  const [mode, variant, passes] = Deno.args;
  if (mode === "--child") {
    const run = cnnPass(variant as Variant);
    for (let i = 0; i < WARM; i++) run();
    start();
    for (let i = 0; i < Number(passes); i++) run();
    stop();
  } else {
    const rows = [];
    for (const v of VARIANTS) {
      const g = await garbagePerIteration(import.meta.filename!, ["--child", v], {
        short: SHORT,
        long: LONG,
      });
      rows.push({ variant: v, name: LABELS[v], ...g });
    }
    if (Deno.args.includes("--json")) {
      const json: MeasurementJson = {
        command: "deno run -A benches/cnn_garbage.ts --json",
        method: gcTraceMethod("passes", { warm: WARM, short: SHORT, long: LONG, pairs: 3 }),
        groups: [{
          name: "JavaScript-heap garbage per CNN pass, 1000 images in batches of 32",
          rows: rows.map((r) => ({
            name: r.name,
            baseline: r.variant === "heap",
            values: { "JS heap bytes/iteration": r.samples },
          })),
        }],
      };
      console.log(JSON.stringify(json));
    } else {
      console.log(
        `JavaScript-heap garbage per CNN pass (1000 images in batches of 32), after ${WARM} warm-up passes; runs of ${SHORT} and ${LONG} passes, 3 times (median, range)`,
      );
      for (const r of rows) {
        const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
        const lo = Math.min(...r.samples), hi = Math.max(...r.samples);
        console.log(
          `  ${r.name.padEnd(56)} ${kb(r.bytesPerIteration).padStart(10)}  (${kb(lo)}–${kb(hi)})`,
        );
      }
    }
  }
}
