// The demo: the same code on heap arrays, on AllocArrays under a BumperAllocator, and on
// CheckedAllocArrays under a BumperAllocator, for AllocArrays.jl's `basic_reduction` (100 000
// Float64 values) and the CNN of its Flux test (inference over 256 images by default).
//
//   deno task demo                      (5–10 s: a header, a table, one verdict per workload)
//   deno task demo --help
//   deno task demo --garbage            (also the JavaScript-heap garbage per run, steady state)
//   deno task demo --json               (machine-readable, read by scripts/bench_report.ts)
//
// Each variant runs in subprocesses of its own with `--trace-gc`, so one variant's garbage never
// lands on another's clock or GC count. The subprocesses run in rounds (3 by default), the order
// of the variants rotating from round to round, so a change in the machine's load shows up as
// spread across rounds rather than as a wrong ratio. A subprocess warms up (compiles the code and
// lets the arena size itself), collects garbage, measures, and collects garbage again; the GCs
// counted are V8's trace lines between those two forced collections. The demo imports no npm
// package, so a first run downloads nothing.

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
import { garbagePerIteration, start, stop } from "../scripts/_gc_trace.ts";

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
 * two heap measurements differ, and the benchmark report shows both.) With `counted` false the
 * code runs on the allocator itself, unwrapped, and counts nothing (the garbage measurement:
 * under the wrapper, a user allocator, `similar` cannot recycle a bump allocator's objects).
 */
export function prepare(
  workload: Workload,
  variant: Variant,
  size: number,
  counted = true,
): Prepared {
  const inner: Allocator = variant === "heap" ? new DefaultAllocator() : new BumperAllocator();
  const heap = variant === "heap";
  const counting = new Counting(inner, !heap);
  const allocator = counted ? counting : inner;
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
        const r = withAllocator(allocator, () => basicReduction(a as Arr));
        reset(allocator);
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
      inferBatches(allocator, model, batches, predictions);
      let s = 0;
      for (let i = 0; i < predictions.data.length; i++) s += predictions.data[i] * (i % 10);
      return s;
    },
    takeBytes,
  };
}

/**
 * Warm-up runs before measuring: enough to compile the code and to let the arena size itself.
 * An AutoscalingAllocBuffer takes its size at its first reset, which every reduction run and
 * every CNN batch of 32 ends with; the JIT wants a few more runs. At least 10 reductions, and
 * CNN passes over at least 128 images in all.
 *
 * @param workload The workload.
 * @param size Its size: values for the reduction, images per pass for the CNN.
 * @returns How many runs to do before measuring.
 */
export function warmUpRuns(workload: Workload, size: number): number {
  return workload === "cnn" ? Math.max(1, Math.ceil(128 / size)) : 10;
}

/** What one subprocess measured of one workload. */
interface Measured {
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

/** `gc()` of `--expose-gc`: a forced full collection, which `--trace-gc` reports as "testing". */
function collect(): void {
  (globalThis as unknown as { gc(): void }).gc();
}

function measure(p: Prepared, warmUp: number, runs: number): Measured {
  let result = 0;
  for (let i = 0; i < warmUp; i++) result = p.run();
  p.takeBytes();
  collect(); // marks the start of the measured runs in the GC trace
  const f0 = minorFaults();
  const t = performance.now();
  for (let r = 0; r < runs; r++) result = p.run();
  const ms = (performance.now() - t) / runs;
  const f1 = minorFaults();
  const bytes = p.takeBytes() / runs;
  collect(); // marks their end
  const faultsPerRun = f0 === null || f1 === null ? null : (f1 - f0) / runs;
  return { msPerRun: ms, bytesPerRun: bytes, faultsPerRun, result };
}

/** The plan of one demo run: sizes and measured runs per subprocess. */
interface Plan {
  n: number;
  iterations: number;
  images: number;
  passes: number;
  rounds: number;
}

function child(variant: Variant, plan: Plan): void {
  const reduction = measure(
    prepare("reduction", variant, plan.n),
    warmUpRuns("reduction", plan.n),
    plan.iterations,
  );
  const cnn = measure(
    prepare("cnn", variant, plan.images),
    warmUpRuns("cnn", plan.images),
    plan.passes,
  );
  console.log("RESULT " + JSON.stringify({ reduction, cnn }));
}

/** One subprocess's figures of one workload, with the GCs of its measured runs. */
interface Sample extends Measured {
  gcMajor: number;
  gcMinor: number;
}

/**
 * GCs between the two forced collections of each workload in a `--trace-gc` output: the first
 * pair of "testing" lines brackets the reduction's measured runs, the second the CNN's.
 */
export function countGcs(trace: string): { major: number; minor: number }[] {
  const lines = trace.split("\n").filter((l) => /Scavenge|Mark-Compact|Minor Mark-Sweep/.test(l));
  const out: { major: number; minor: number }[] = [];
  let inside: { major: number; minor: number } | null = null;
  for (const line of lines) {
    if (line.includes("testing")) {
      if (inside === null) inside = { major: 0, minor: 0 };
      else {
        out.push(inside);
        inside = null;
      }
    } else if (inside !== null) {
      if (line.includes("Mark-Compact")) inside.major++;
      else inside.minor++;
    }
  }
  return out;
}

async function subprocess(variant: Variant, plan: Plan): Promise<Record<Workload, Sample>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--trace-gc,--expose-gc",
      import.meta.filename!,
      "--child",
      variant,
      JSON.stringify(plan),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = /RESULT (\{.*\})/.exec(text)?.[1];
  if (!out.success || line === undefined) {
    throw new Error(`Cannot run the ${variant} variant: it failed`);
  }
  const r = JSON.parse(line) as Record<Workload, Measured>;
  const gcs = countGcs(text);
  return {
    reduction: { ...r.reduction, gcMajor: gcs[0]?.major ?? 0, gcMinor: gcs[0]?.minor ?? 0 },
    cnn: { ...r.cnn, gcMajor: gcs[1]?.major ?? 0, gcMinor: gcs[1]?.minor ?? 0 },
  };
}

const HELP = `deno task demo [options]

The same code on heap arrays, on AllocArrays and on CheckedAllocArrays under a BumperAllocator:
time, ArrayBuffer bytes and garbage collections per run, with the spread over rounds.

  --n N            values in basicReduction (default 100000)
  --iterations K   measured basicReduction calls per subprocess (default 30)
  --images M       CNN images per pass (default 256, in batches of 32)
  --passes P       measured CNN passes per subprocess (default 1: 8 batches)
  --rounds R       rounds of one subprocess per variant (default 3)
  --quick          one round of few runs (checks the machinery; not for citing)
  --garbage        also measure the JavaScript-heap garbage per run in steady state (V8's
                   GC trace after a long warm-up, two run lengths; adds 20-40 s)
  --json           machine-readable output with when and where it ran (for
                   scripts/bench_report.ts)
  --help           this text`;

const FLAGS = ["--quick", "--json", "--help", "--garbage"];
const VALUED = ["--n", "--iterations", "--images", "--passes", "--rounds"];

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

/** The median of `xs` (not empty). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const bytes = (b: number) =>
  b >= 10 * 2 ** 20
    ? `${(b / 2 ** 20).toFixed(0)} MiB`
    : b >= 2 ** 20
    ? `${(b / 2 ** 20).toFixed(2)} MiB`
    : b >= 10 * 2 ** 10
    ? `${(b / 2 ** 10).toFixed(0)} KiB`
    : b >= 2 ** 10
    ? `${(b / 2 ** 10).toFixed(1)} KiB`
    : Number.isNaN(b)
    ? "—"
    : `${Math.round(b)} B`;
const num = (x: number) => x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
/** `lo–hi unit`, or `x unit` for one value. */
const range = (lo: number, hi: number, unit: string) =>
  num(lo) === num(hi) ? `${num(lo)}${unit}` : `${num(lo)}–${num(hi)}${unit}`;

/** How much faster (or slower) a time ratio heap / other is, in words. */
function faster(r: number): string {
  return r >= 1 ? `${num(r)}× faster` : `${num(1 / r)}× slower`;
}

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
  } catch {
    return "unknown";
  }
}

/**
 * The runs of the garbage measurement (steady state: after warm-up of about 6000 images' or
 * 100 reductions' worth, runs of two lengths whose difference is divided out), per workload.
 */
export function garbageRuns(
  workload: Workload,
  size: number,
): { warm: number; short: number; long: number } {
  if (workload === "reduction") return { warm: 100, short: 100, long: 400 };
  const passes = (images: number) => Math.max(1, Math.ceil(images / size));
  const short = passes(1000);
  return { warm: passes(6000), short, long: Math.max(passes(4000), short + 2) };
}

/** `--garbage-child`: warms up one workload of one variant, then runs it between the markers. */
function garbageChild(variant: Variant, workload: Workload, size: number, runs: number): void {
  const p = prepare(workload, variant, size, false);
  for (let i = 0, n = garbageRuns(workload, size).warm; i < n; i++) p.run();
  start();
  for (let i = 0; i < runs; i++) p.run();
  stop();
}

/** JavaScript-heap bytes per run of each workload of each variant, in steady state. */
async function measureGarbage(plan: Plan): Promise<Record<Variant, Record<Workload, number>>> {
  const out = {} as Record<Variant, Record<Workload, number>>;
  for (const variant of VARIANTS) {
    out[variant] = {} as Record<Workload, number>;
    for (const workload of WORKLOADS) {
      const size = workload === "cnn" ? plan.images : plan.n;
      Deno.stderr.writeSync(
        new TextEncoder().encode(`\rgarbage: ${workload}, ${LABELS[variant]}…`.padEnd(70)),
      );
      const { short, long } = garbageRuns(workload, size);
      const g = await garbagePerIteration(
        import.meta.filename!,
        ["--garbage-child", variant, workload, String(size)],
        { short, long, repeat: 1 },
      );
      out[variant][workload] = g.bytesPerIteration;
    }
  }
  Deno.stderr.writeSync(new TextEncoder().encode("\r".padEnd(71) + "\r"));
  return out;
}

async function main(args: string[]): Promise<void> {
  if (args[0] === "--child") {
    child(args[1] as Variant, JSON.parse(args[2]) as Plan);
    return;
  }
  if (args[0] === "--garbage-child") {
    garbageChild(args[1] as Variant, args[2] as Workload, Number(args[3]), Number(args[4]));
    return;
  }
  if (args.includes("--help")) {
    console.log(HELP);
    return;
  }
  checkArgs(args);
  const meta = runMeta(); // when and where, saved with the --json figures
  const quick = args.includes("--quick");
  const plan: Plan = {
    n: option(args, "--n", 100_000),
    iterations: option(args, "--iterations", quick ? 5 : 30),
    images: option(args, "--images", quick ? 64 : 256),
    passes: option(args, "--passes", 1),
    rounds: option(args, "--rounds", quick ? 1 : 3),
  };
  const json = args.includes("--json");
  const started = performance.now();
  if (!json) {
    console.log("allocarrays demo: the same code on heap arrays and under a BumperAllocator");
    console.log(
      `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} CPUs, load average ${loadAverage()}`,
    );
    console.log(
      `${plan.rounds} round${
        plan.rounds === 1 ? "" : "s"
      } of one subprocess per variant (order rotating): basicReduction on ${plan.n} Float64 values (${plan.iterations} calls each), CNN inference over ${plan.images} images (${plan.passes} pass${
        plan.passes === 1 ? "" : "es"
      } each)\n`,
    );
  }
  // samples[variant][round]
  const samples: Record<Variant, Record<Workload, Sample>[]> = { heap: [], alloc: [], checked: [] };
  const total = plan.rounds * VARIANTS.length;
  let step = 0;
  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(k + round) % VARIANTS.length];
      step++;
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `\r[${step}/${total}] round ${round + 1}: ${LABELS[variant]}…`.padEnd(70),
        ),
      );
      samples[variant].push(await subprocess(variant, plan));
    }
  }
  Deno.stderr.writeSync(new TextEncoder().encode("\r".padEnd(71) + "\r"));
  const garbage = args.includes("--garbage") ? await measureGarbage(plan) : undefined;

  const titles: Record<Workload, string> = { reduction: "basicReduction", cnn: "CNN inference" };
  const runs: Record<Workload, string> = {
    reduction: `one basicReduction call on ${plan.n} Float64`,
    cnn: `one inference pass over ${plan.images} images`,
  };
  const workloads = WORKLOADS.map((w) => {
    const heap = samples.heap.map((s) => s[w].msPerRun);
    const cases = VARIANTS.map((variant) => {
      const ss = samples[variant].map((s) => s[w]);
      const times = ss.map((s) => s.msPerRun);
      const vsHeap = times.map((t, r) => heap[r] / t);
      const faults = ss.map((s) => s.faultsPerRun);
      return {
        id: variant,
        label: LABELS[variant],
        runs: (w === "cnn" ? plan.passes : plan.iterations) * plan.rounds,
        rounds: plan.rounds,
        msPerRun: median(times),
        msPerRunRange: [Math.min(...times), Math.max(...times)],
        vsHeap: { median: median(vsHeap), min: Math.min(...vsHeap), max: Math.max(...vsHeap) },
        bytesPerRun: median(ss.map((s) => s.bytesPerRun)),
        faultsPerRun: faults.includes(null) ? null : median(faults as number[]),
        gcMajor: median(ss.map((s) => s.gcMajor)),
        gcMinor: median(ss.map((s) => s.gcMinor)),
        ...(garbage ? { heapBytesPerRun: garbage[variant][w] } : {}),
        result: ss[0].result,
      };
    });
    return { id: w, title: titles[w], run: runs[w], cases };
  });
  const method = `${plan.rounds} rounds of one subprocess per variant, the order rotating; each ` +
    `warms up (${warmUpRuns("reduction", plan.n)} reductions, ${
      warmUpRuns("cnn", plan.images)
    } CNN passes), collects garbage, then measures. time: mean per run in a subprocess, median ` +
    "and range over rounds; vs heap: the heap's time / this one, per round; bytes: ArrayBuffer " +
    "bytes of fresh buffers per run (heap: every array requested; bump: buffers not seen in " +
    "warm-up); GC: --trace-gc lines (Mark-Compact major, Scavenge minor) of the measured runs, " +
    "median over rounds; page faults: minor faults per run (/proc/self/stat)" +
    (garbage
      ? "; JS heap: bytes allocated on the JavaScript heap per run in steady state (V8's " +
        '--trace-gc-nvp "allocated" between forced collections, runs of two lengths after a ' +
        "long warm-up, the difference divided out)"
      : "");
  const command =
    `deno task demo --n ${plan.n} --iterations ${plan.iterations} --images ${plan.images} --passes ${plan.passes} --rounds ${plan.rounds}${
      garbage ? " --garbage" : ""
    }`;
  if (json) {
    console.log(JSON.stringify({ command, method, meta, workloads }, null, 2));
    return;
  }
  const rows = [[
    "workload",
    "variant",
    "time/run",
    "vs heap",
    "bytes/run",
    ...(garbage ? ["JS heap/run"] : []),
    "GCs major/minor",
    "page faults/run",
  ]];
  for (const w of workloads) {
    for (const c of w.cases) {
      rows.push([
        w.title,
        c.label,
        `${num(c.msPerRun)} ms` +
        (plan.rounds > 1 ? ` (${range(c.msPerRunRange[0], c.msPerRunRange[1], "")})` : ""),
        c.id === "heap" ? "—" : `${num(c.vsHeap.median)}×` +
          (plan.rounds > 1 ? ` (${range(c.vsHeap.min, c.vsHeap.max, "")})` : ""),
        bytes(c.bytesPerRun),
        ...(garbage ? [bytes(c.heapBytesPerRun ?? NaN)] : []),
        `${c.gcMajor} / ${c.gcMinor}`,
        c.faultsPerRun === null ? "—" : c.faultsPerRun.toFixed(0),
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [k, r] of rows.entries()) {
    console.log(r.map((s, i) => s.padEnd(widths[i])).join("  ").trimEnd());
    if (k === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  console.log(
    `\ntime: median (range) over rounds of the mean per run; vs heap: per round. ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s in all.\n`,
  );
  const spread = `over ${plan.rounds} round${plan.rounds === 1 ? "" : "s"}`;
  for (const w of workloads) {
    const [heap, alloc, checked] = w.cases;
    const unit = w.id === "cnn" ? `per pass of ${plan.images} images` : "per call";
    const name = w.id === "cnn" ? "CNN" : "basicReduction";
    const spreadText = plan.rounds === 1
      ? "one round: no spread"
      : `${range(alloc.vsHeap.min, alloc.vsHeap.max, "×")} ${spread}`;
    console.log(
      `${name}: ${faster(alloc.vsHeap.median)} (${spreadText}), ${bytes(alloc.bytesPerRun)} vs ${
        bytes(heap.bytesPerRun)
      } ${unit}${
        garbage
          ? ` (JavaScript-heap garbage ${bytes(alloc.heapBytesPerRun ?? NaN)} vs ${
            bytes(heap.heapBytesPerRun ?? NaN)
          })`
          : ""
      }, ${alloc.gcMajor} vs ${heap.gcMajor} major GCs; CheckedAllocArray ${
        faster(checked.vsHeap.median)
      }`,
    );
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
