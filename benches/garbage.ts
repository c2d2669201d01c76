// JavaScript-heap garbage per iteration, in steady state: the bytes V8 allocates on its heap
// (objects, arrays, typed-array views, closures) for one iteration of each case, after
// warm-up. ArrayBuffer memory is not on the JavaScript heap and not counted here (the demo and
// benches/cnn_memory.ts count it).
//
//   deno run -A benches/garbage.ts            (a table)
//   deno run -A benches/garbage.ts --json     (JSON, for the benchmark report)
//   deno run -A benches/garbage.ts --quick    (fewer iterations and repeats: checks the machinery)
//
// Method (scripts/_gc_trace.ts): each case runs in a subprocess with V8's GC trace
// (`--trace-gc-nvp`), which prints, for every collection, the bytes allocated since the previous
// one ("allocated"); the child runs the case W times (warm-up: compiles it and lets the
// allocators settle), then N times between two forced collections, and the bytes allocated
// between them are summed. Two run lengths, N1 and N2, differ only by N2 - N1 iterations of the
// case, so (sum(N2) - sum(N1)) / (N2 - N1) is the allocation per iteration, whatever else both
// runs do cancelling out. Each pair is repeated; the figure is the median, with the spread.
//
// The cases are the loop of the main path and what it is compared with, at n = 30:
// - main path: a region on a BumperAllocator (inside withAllocator) with 2 × similar(a) and
//   add(b, c), the code allocator-agnostic array code runs;
// - the same region with 2 × similar(a) only (what regions, scopes and similar cost);
// - plain heap code: 3 × new Float64Array(30) and the loop;
// - the hand-written limit: a bump over one ArrayBuffer, 3 views and a plain wrapper object each;
// - reset(): 2 × similar(a), then reset of the BumperAllocator (AllocBuffer and the default
//   AutoscalingAllocBuffer);
// - one region with one alloc of 30 values, on an AllocBuffer and on the default buffer, and
//   the hand-written bump it is compared with: what is left is the typed-array view itself.
// The region body is a function defined once, as a hot loop would have it (a closure made per
// iteration is the caller's own garbage, ~56 bytes, whatever the library).

import { alloc, AllocBuffer, noEscape } from "../allocators/mod.ts";
import { AllocArray, BumperAllocator, reset, similar } from "../arrays/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { handIteration, heapIteration, mainPathIteration, N, sink } from "./_main_path.ts";
import { garbagePerIteration, gcTraceMethod, start, stop } from "../scripts/_gc_trace.ts";
import type { MeasurementJson } from "../scripts/_bench_report.ts";

const GROUP = "JavaScript-heap garbage per iteration, similar and add at n = 30";
const METRIC = "JS heap bytes/iteration";

interface Case {
  name: string;
  /** Makes the iteration function (and whatever it runs in). */
  make(): { iterate: () => void; enter: <R>(fn: () => R) => R };
}

const input = () => AllocArray.from(Float64Array.from({ length: N }, (_, i) => i));
const plain = <R>(fn: () => R) => fn();

export const CASES: Case[] = [
  {
    name: "region + 2 × similar(a) + add(b, c), n = 30, under withAllocator(new BumperAllocator())",
    make() {
      const bumper = new BumperAllocator();
      return {
        iterate: mainPathIteration(bumper),
        enter: (fn) => withAllocator(bumper, fn),
      };
    },
  },
  {
    name: "region + 2 × similar(a), n = 30, under withAllocator(new BumperAllocator())",
    make() {
      const a = input();
      const bumper = new BumperAllocator();
      const body = () => {
        const b = similar(a), c = similar(a);
        b.data[0] = 1;
        c.data[0] = 2;
        sink.value += b.data[0] + c.data[0];
        return 0;
      };
      return {
        iterate: () => noEscape(bumper, body),
        enter: (fn) => withAllocator(bumper, fn),
      };
    },
  },
  {
    name: "plain heap code: 3 × new Float64Array(30) + a loop",
    make() {
      return { iterate: heapIteration, enter: plain };
    },
  },
  {
    name: "hand-written limit: a bump over one ArrayBuffer, 3 views + a plain wrapper each",
    make() {
      return { iterate: handIteration(), enter: plain };
    },
  },
  {
    name: "2 × similar(a) + reset(new BumperAllocator(new AllocBuffer())), n = 30",
    make() {
      const a = input();
      const bumper = new BumperAllocator(new AllocBuffer());
      return {
        iterate() {
          sink.value += similar(a).size + similar(a).size;
          reset(bumper);
        },
        enter: (fn) => withAllocator(bumper, fn),
      };
    },
  },
  {
    name: "2 × similar(a) + reset(new BumperAllocator()), n = 30 (AutoscalingAllocBuffer)",
    make() {
      const a = input();
      const bumper = new BumperAllocator();
      return {
        iterate() {
          sink.value += similar(a).size + similar(a).size;
          reset(bumper);
        },
        enter: (fn) => withAllocator(bumper, fn),
      };
    },
  },
  {
    name: "noEscape(buf, fn) + alloc(buf, Float64Array, 30) on an AllocBuffer",
    make() {
      const buf = new AllocBuffer();
      const body = () => {
        const x = alloc(buf, Float64Array, N);
        x[0] = 1;
        return x[0];
      };
      return { iterate: () => (sink.value += noEscape(buf, body)), enter: plain };
    },
  },
  {
    name: "noEscape(fn) + alloc(Float64Array, 30) on the default buffer",
    make() {
      const body = () => {
        const x = alloc(Float64Array, N);
        x[0] = 1;
        return x[0];
      };
      return { iterate: () => (sink.value += noEscape(body)), enter: plain };
    },
  },
  {
    name: "hand-written limit: one view of 30 values bumped from an ArrayBuffer, then reset",
    make() {
      const arena = new ArrayBuffer(1 << 16);
      let offset = 0;
      return {
        iterate() {
          const x = new Float64Array(arena, offset, N);
          offset += N * 8;
          x[0] = 1;
          sink.value += x[0];
          offset = 0;
        },
        enter: plain,
      };
    },
  },
];

/** Runs case `index` (child process): warm-up, then `iterations` iterations between the markers. */
function child(index: number, warmUp: number, iterations: number): void {
  const { iterate, enter } = CASES[index].make();
  enter(() => {
    for (let i = 0; i < warmUp; i++) iterate();
    start();
    for (let i = 0; i < iterations; i++) iterate();
    stop();
  });
  if (sink.value === -1) console.log(sink);
}

const COMMAND = "deno run -A benches/garbage.ts --json";

/** Every case's garbage per iteration (median and samples of the repeated pairs of runs). */
async function measure(quick: boolean): Promise<MeasurementJson> {
  const warmUp = quick ? 5_000 : 20_000;
  const [short, long] = quick ? [5_000, 25_000] : [20_000, 220_000];
  const repeat = quick ? 1 : 5;
  const rows: MeasurementJson["groups"][number]["rows"] = [];
  for (const [i, c] of CASES.entries()) {
    const g = await garbagePerIteration(
      import.meta.filename!,
      ["--child", String(i), String(warmUp)],
      { short, long, repeat },
    );
    rows.push({ name: c.name, values: { [METRIC]: g.samples } });
  }
  return {
    command: quick ? `${COMMAND} --quick` : COMMAND,
    method: gcTraceMethod("iterations", { warm: warmUp, short, long, pairs: repeat }),
    groups: [{ name: GROUP, rows }],
  };
}

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "--child") {
    child(Number(args[1]), Number(args[2]), Number(args[3]));
  } else {
    const unknown = args.find((a) => a !== "--json" && a !== "--quick");
    if (unknown !== undefined) {
      console.error(`Cannot run benches/garbage.ts: unknown option ${unknown} (--json, --quick)`);
      Deno.exit(2);
    }
    const result = await measure(args.includes("--quick"));
    if (args.includes("--json")) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(`${GROUP}: ${result.method}`);
      for (const r of result.groups[0].rows) {
        const v = r.values[METRIC] as number[];
        const sorted = v.slice().sort((x, y) => x - y);
        console.log(
          `${sorted[sorted.length >> 1].toFixed(1).padStart(8)} B  (${sorted[0].toFixed(1)}–${
            sorted[sorted.length - 1].toFixed(1)
          })  ${r.name}`,
        );
      }
    }
  }
}
