// The demo: heap arrays vs AllocArray under a BumperAllocator vs CheckedAllocArray, on
// AllocArrays.jl's `basic_reduction` demo (100 000 Float64 values) and the CNN inference over
// 1000 images.
//
//   deno task demo                      (one table: time, ArrayBuffer bytes and GCs per variant)
//   deno task demo --help
//   deno task demo --json               (machine-readable, read by scripts/bench_report.ts)
//
// Each (workload, variant) runs in its own subprocess with `--trace-gc`, so GC counts and
// allocation figures of one variant are not disturbed by another's garbage. A subprocess runs
// warm-up runs (10 reductions, 2 CNN passes: compile the code, let the arena settle) and then the measured runs: the figures
// are steady state, after warm-up. GCs of the measured runs are those of a subprocess with the
// runs minus those of one with the warm-up only (V8's trace lines are not ordered against ours).

import { Counting } from "./_counting.ts";
import { type Allocator, DefaultAllocator } from "../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  NDArray,
  reset,
  similar,
} from "../arrays/mod.ts";
import { add, copyTo, sum } from "../arrays/ops/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { inferBatches, makeCnn, makeImageBatches, makePredictions } from "./models.ts";
import { runMeta } from "../scripts/_run_meta.ts";

/** The variants the demo compares. */
export const VARIANTS = ["heap", "alloc", "checked"] as const;
/** One of {@linkcode VARIANTS}. */
export type Variant = typeof VARIANTS[number];
/** The demo's workloads. */
export const WORKLOADS = ["reduction", "cnn"] as const;
/** One of {@linkcode WORKLOADS}. */
export type Workload = typeof WORKLOADS[number];

const LABELS: Record<Variant, string> = {
  heap: "heap (new Float64Array per array)",
  alloc: "AllocArray, BumperAllocator",
  checked: "CheckedAllocArray, BumperAllocator",
};

type Arr = NDArray<Float64Array>;

/** AllocArrays.jl's `some_allocating_function`: two copies of `a`, written as a library user would. */
export function someAllocatingFunction<A extends Arr>(a: A): { b: A; c: A } {
  const b = copyTo(a, similar(a as NDArray<Float64Array>)) as A;
  const c = copyTo(a, similar(a as NDArray<Float64Array>)) as A;
  return { b, c };
}

/** AllocArrays.jl's `basic_reduction`: `sum(b .+ c)` of the two copies. */
export function basicReduction(a: Arr): number {
  const { b, c } = someAllocatingFunction(a);
  return sum(add(b, c)) as number;
}

/** A prepared workload: `run()` does one run and returns its result. */
export interface Prepared {
  run(): number;
  /** Bytes of fresh ArrayBuffers since the last call (the heap: every request is one). */
  takeBytes(): number;
}

/**
 * Prepares `workload` for `variant` at size `size` (values for `reduction`, images for `cnn`).
 * The heap variant runs the same `AllocArray` input as the bump variant, under a counting
 * wrapper of a `DefaultAllocator`: every `similar` is a fresh `new Float64Array`, made through
 * the allocator protocol so that the wrapper counts its bytes. (Plain `NDArray` input makes the
 * same arrays with `new` directly, uncounted; benches/cnn_bench.ts's heap case runs that. The
 * two heap measurements differ, and the benchmark report shows both.)
 */
export function prepare(workload: Workload, variant: Variant, size: number): Prepared {
  const inner: Allocator = variant === "heap" ? new DefaultAllocator() : new BumperAllocator();
  const heap = variant === "heap";
  const counting = new Counting(inner, !heap);
  const takeBytes = () => {
    const b = heap ? counting.bytes : counting.newBufferBytes;
    counting.bytes = 0;
    counting.newBufferBytes = 0;
    return b;
  };
  if (workload === "reduction") {
    const ones = new NDArray(new Float64Array(size).fill(1), [size]);
    const a = variant === "checked" ? new CheckedAllocArray(ones) : AllocArray.from(ones);
    return {
      run: () => {
        const r = withAllocator(counting, () => basicReduction(a as Arr));
        reset(counting);
        return r;
      },
      takeBytes,
    };
  }
  const model = makeCnn(1, Float64Array);
  const plain = makeImageBatches(2, size, 32, Float64Array);
  const batches = variant === "checked"
    ? plain.map((x) => new CheckedAllocArray(x))
    : plain.map((x) => AllocArray.from(x));
  const predictions = makePredictions(size, Float64Array);
  return {
    run: () => {
      inferBatches(counting, model, batches, predictions);
      let s = 0;
      for (let i = 0; i < predictions.data.length; i++) s += predictions.data[i] * (i % 10);
      return s;
    },
    takeBytes,
  };
}

interface ChildResult {
  msPerRun: number;
  bytesPerRun: number;
  /** Minor page faults per run (`null` where /proc/self/stat is absent, i.e. not Linux). */
  faultsPerRun: number | null;
  result: number;
}

/**
 * The process's minor page faults so far (Linux's /proc/self/stat), or `null`. Fresh heap
 * memory is faulted in page by page; this is much of what a large heap allocation costs.
 */
function minorFaults(): number | null {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
  } catch {
    return null;
  }
}

/**
 * Warm-up runs: enough to compile the code and to let the arena reach its steady size. An
 * AutoscalingAllocBuffer remembers its initial size among the last 5 resets' usage, so it
 * settles after 6 resets; a reduction run resets once, a CNN pass once per batch of 32.
 */
export function warmUpRuns(workload: Workload, size: number): number {
  return workload === "cnn" ? Math.max(2, Math.ceil(8 / Math.ceil(size / 32))) : 10;
}

function child(workload: Workload, variant: Variant, size: number, runs: number): void {
  const p = prepare(workload, variant, size);
  let result = 0;
  for (let i = 0; i < warmUpRuns(workload, size); i++) result = p.run();
  p.takeBytes();
  const f0 = minorFaults();
  const t = performance.now();
  for (let r = 0; r < runs; r++) result = p.run();
  const ms = (performance.now() - t) / Math.max(runs, 1);
  const f1 = minorFaults();
  const bytes = p.takeBytes() / Math.max(runs, 1);
  const faultsPerRun = f0 === null || f1 === null ? null : (f1 - f0) / Math.max(runs, 1);
  const out: ChildResult = { msPerRun: ms, bytesPerRun: bytes, faultsPerRun, result };
  console.log("RESULT " + JSON.stringify(out));
}

async function traced(args: string[]): Promise<{ r: ChildResult; major: number; minor: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--trace-gc", import.meta.filename!, "--child", ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = /RESULT (\{.*\})/.exec(text)?.[1];
  if (!out.success || line === undefined) throw new Error(`Cannot run ${args.join(" ")}: failed`);
  return {
    r: JSON.parse(line),
    major: text.split("Mark-Compact").length - 1,
    minor: text.split("Scavenge").length - 1,
  };
}

const HELP = `deno task demo [options]

Heap arrays vs AllocArray (BumperAllocator) vs CheckedAllocArray (BumperAllocator):
time per run, ArrayBuffer bytes allocated per run and GC counts, in steady state.

  --n N            values in basicReduction (default 100000)
  --iterations K   measured basicReduction runs (default 300); CNN passes are K/100 (min 2)
  --images M       CNN images per pass (default 1000)
  --quick          few iterations and 200 images (checks the machinery; not for citing)
  --json           machine-readable output with when and where it ran (for
                   scripts/bench_report.ts)
  --help           this text`;

const FLAGS = ["--quick", "--json", "--help"];
const VALUED = ["--n", "--iterations", "--images"];

/** Throws a TypeError naming the first argument that is not one of the demo's options. */
function checkArgs(args: string[]): void {
  for (let i = 0; i < args.length; i++) {
    if (VALUED.includes(args[i])) i++;
    else if (!FLAGS.includes(args[i])) {
      throw new TypeError(`Cannot run the demo: unknown option ${args[i]} (see --help)`);
    }
  }
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(
      `Cannot run the demo: ${name} must be a positive integer, got ${args[i + 1]}`,
    );
  }
  return v;
}

async function main(args: string[]): Promise<void> {
  if (args[0] === "--child") {
    child(args[1] as Workload, args[2] as Variant, Number(args[3]), Number(args[4]));
    return;
  }
  if (args.includes("--help")) {
    console.log(HELP);
    return;
  }
  checkArgs(args);
  const meta = runMeta(); // when and where, saved with the --json figures
  const quick = args.includes("--quick");
  const n = option(args, "--n", 100_000);
  const iterations = option(args, "--iterations", quick ? 30 : 300);
  const images = option(args, "--images", quick ? 200 : 1000);
  const json = args.includes("--json");
  const plan: [Workload, number, number, string][] = [
    ["reduction", n, iterations, `one basicReduction call on ${n} Float64`],
    [
      "cnn",
      images,
      Math.max(2, Math.round(iterations / 100)),
      `one inference pass over ${images} images`,
    ],
  ];
  const workloads = [];
  let step = 0;
  const total = plan.length * VARIANTS.length;
  for (const [workload, size, runs, run] of plan) {
    const cases = [];
    for (const variant of VARIANTS) {
      step++;
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `\r[${step}/${total}] ${workload}: ${LABELS[variant]}…`.padEnd(70),
        ),
      );
      const all = await traced([workload, variant, String(size), String(runs)]);
      const warm = await traced([workload, variant, String(size), "0"]);
      cases.push({
        id: variant,
        label: LABELS[variant],
        runs,
        msPerRun: all.r.msPerRun,
        bytesPerRun: all.r.bytesPerRun,
        faultsPerRun: all.r.faultsPerRun,
        gcMajor: Math.max(0, all.major - warm.major),
        gcMinor: Math.max(0, all.minor - warm.minor),
        result: all.r.result,
      });
    }
    workloads.push({
      id: workload,
      title: workload === "cnn" ? "CNN inference" : "basicReduction",
      run,
      cases,
    });
  }
  Deno.stderr.writeSync(new TextEncoder().encode("\r".padEnd(71) + "\r"));
  const method =
    `steady state after warm-up (${warmUpRuns("reduction", n)} reductions, ${
      warmUpRuns("cnn", images)
    } CNN passes), one subprocess per variant; bytes: ArrayBuffer bytes ` +
    "of fresh buffers per run (heap: every array requested; bump: buffers not seen in warm-up); " +
    "GC: --trace-gc lines (Mark-Compact major, Scavenge minor) of the measured runs; " +
    "page faults: minor faults per run (/proc/self/stat), fresh heap memory being mapped in";
  const command = `deno task demo --n ${n} --iterations ${iterations} --images ${images}`;
  if (json) {
    console.log(JSON.stringify({ command, method, meta, workloads }, null, 2));
    return;
  }
  const mib = (b: number) =>
    b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(2)} MiB` : `${Math.round(b)} B`;
  console.log(`Figures: ${method}.\n`);
  const rows = [[
    "workload",
    "variant",
    "runs",
    "time/run",
    "vs heap",
    "bytes/run",
    "page faults/run",
    "GC major",
    "GC minor",
    "result",
  ]];
  for (const w of workloads) {
    const h = w.cases[0];
    for (const c of w.cases) {
      rows.push([
        w.title,
        c.label,
        String(c.runs),
        `${c.msPerRun.toFixed(3)} ms`,
        `${(h.msPerRun / c.msPerRun).toFixed(2)}×`,
        mib(c.bytesPerRun),
        c.faultsPerRun === null ? "—" : c.faultsPerRun.toFixed(0),
        String(c.gcMajor),
        String(c.gcMinor),
        c.result.toPrecision(8),
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [k, r] of rows.entries()) {
    console.log(r.map((s, i) => s.padEnd(widths[i])).join("  "));
    if (k === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

// `import.meta.main` is Deno's; under Node (the compiled tests import this module) it is absent.
if ((import.meta as { main?: boolean }).main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(2);
  }
}
