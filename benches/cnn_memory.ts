// ArrayBuffer bytes, GC counts and time of CNN inference over 1000 images (AllocArrays' Flux
// test), in steady state: each variant runs in its own subprocess with `--trace-gc`, does one
// warm-up pass over the 1000 images, then measures `RUNS` more passes.
//
//   deno run -A benches/cnn_memory.ts              (all variants: a table, then rotated times)
//   deno run -A benches/cnn_memory.ts heap 5       (one variant, raw lines; used by the above;
//                                                  variants: heap, bumper, unchecked, checked,
//                                                  wasm = BumperAllocator(WasmAllocBuffer()))
//   deno run -A benches/cnn_memory.ts rotated 3    (the times only: 3 rounds of subprocesses)
//   deno run -A benches/cnn_memory.ts interleaved  (the times in one process, pass by pass)
//   deno run -A benches/cnn_memory.ts --float32    (any of the above with the Float32 model,
//                                                  Flux's type; Float64 is the default)
//
// The times that compare the variants are "rotated": each round starts one subprocess per
// variant (in a rotating order, so that a change in the machine's load hits them alike), which
// times 4 passes after 2 warm-up passes, as an application using only that variant would run.
// "interleaved" takes turns pass by pass in one process instead; there a pass also pays for
// collecting and freeing the previous passes' garbage (the heap's 400 MiB of ArrayBuffers),
// which moves part of the heap's cost onto the bump variants (about 0.1× of the ratio here).
//
// What is counted, per pass over the 1000 images:
// - "requested": bytes of every array the operations allocate (outputs and temporaries), as
//   seen by a counting allocator in front of the real one. For the heap variant each request is
//   a fresh ArrayBuffer: this is the heap's ArrayBuffer traffic. (The heap variant runs
//   AllocArray input under that counting heap allocator: the same allocations as plain arrays,
//   which allocate through `new Float32Array(n)` without an allocator to count them.)
// - "new ArrayBuffer bytes": for the bump variants, the bytes of every ArrayBuffer behind an
//   array handed out during the measured passes that was not behind one in the warm-up pass
//   (an arena that grows or is replaced shows up here); for the heap it equals "requested".
// - "external +": sum of the increases of `Deno.memoryUsage().external` sampled after every
//   batch (a lower bound of fresh external memory: frees in between hide some).
// - GC: `--trace-gc` lines printed during the measured passes, Mark-Compact (major) and
//   Scavenge (minor).

import { Counting } from "../examples/_counting.ts";
import { type Allocator, DefaultAllocator, WasmAllocBuffer } from "../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  UncheckedBumperAllocator,
} from "../arrays/mod.ts";
import { copyTo } from "../arrays/ops/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import {
  inferBatches,
  makeCnn,
  makeImageBatches,
  makePredictions,
  type ModelType,
  predict,
} from "../examples/models.ts";

const VARIANTS = ["heap", "bumper", "unchecked", "checked", "wasm"] as const;
type Variant = typeof VARIANTS[number];

/** The model's element type: Float64Array (the default), or Float32Array with `--float32`. */
const FLOAT32 = Deno.args.includes("--float32");
const DTYPE: ModelType = FLOAT32 ? Float32Array : Float64Array;
const ARGS = Deno.args.filter((a) => !a.startsWith("--"));

async function child(variant: Variant, runs: number): Promise<void> {
  const model = makeCnn(1, DTYPE);
  const plain = makeImageBatches(2, 1000, 32, DTYPE);
  const batches = variant === "checked"
    ? plain.map((x) => new CheckedAllocArray(x))
    : plain.map((x) => AllocArray.from(x));
  const inner: Allocator = variant === "heap"
    ? new DefaultAllocator()
    : variant === "unchecked"
    ? new UncheckedBumperAllocator()
    : variant === "wasm"
    ? new BumperAllocator(new WasmAllocBuffer())
    : new BumperAllocator();
  const counting = new Counting(inner, variant !== "heap");
  const predictions = makePredictions(1000, DTYPE);
  let samples: number[] = [];
  const pass = () => {
    let row = 0;
    for (const x of batches) {
      const n = x.shape[0];
      withAllocator(counting, () => copyTo(predict(model, x), predictions.slice([row, row + n])));
      counting.resetBuffer();
      row += n;
      samples.push(Deno.memoryUsage().external);
    }
  };
  pass(); // warm-up: compiles the code, sizes the buffers
  counting.bytes = 0;
  counting.newBufferBytes = 0;
  counting.arrays = 0;
  samples = [Deno.memoryUsage().external];
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    pass();
    times.push(performance.now() - t);
  }
  let grown = 0;
  for (let i = 1; i < samples.length; i++) grown += Math.max(0, samples[i] - samples[i - 1]);
  times.sort((a, b) => a - b);
  console.log(
    "RESULT " +
      JSON.stringify({
        variant,
        runs,
        requestedPerPass: counting.bytes / runs,
        arraysPerPass: counting.arrays / runs,
        // Every heap allocation is a new ArrayBuffer.
        newBufferBytesPerPass: (variant === "heap" ? counting.bytes : counting.newBufferBytes) /
          runs,
        externalGrowthPerPass: grown / runs,
        medianMs: times.length ? times[Math.floor(times.length / 2)] : NaN,
        allocator: Deno.inspect(inner),
      }),
  );
  await Promise.resolve();
}

interface Result {
  variant: Variant;
  requestedPerPass: number;
  arraysPerPass: number;
  newBufferBytesPerPass: number;
  externalGrowthPerPass: number;
  medianMs: number;
  allocator: string;
  majorGc: number;
  minorGc: number;
}

async function runChild(
  variant: Variant,
  runs: number,
): Promise<{ result: Result; majorGc: number; minorGc: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--trace-gc",
      import.meta.filename!,
      variant,
      String(runs),
      ...(FLOAT32 ? ["--float32"] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = /RESULT (\{.*\})/.exec(text)?.[1];
  if (!out.success || line === undefined) throw new Error(`${variant} failed`);
  return {
    result: JSON.parse(line),
    majorGc: text.split("Mark-Compact").length - 1,
    minorGc: text.split("Scavenge").length - 1,
  };
}

async function parent(runs: number): Promise<void> {
  const results: Result[] = [];
  for (const variant of VARIANTS) {
    // V8 prints GC traces through its own buffered stdout, so their order against ours is
    // not reliable: the measured passes' GCs are those of a run with them minus those of a
    // run with the warm-up pass only.
    const all = await runChild(variant, runs);
    const warmup = await runChild(variant, 0);
    results.push({
      ...all.result,
      majorGc: all.majorGc - warmup.majorGc,
      minorGc: all.minorGc - warmup.minorGc,
    });
  }
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  const heap = results[0];
  console.log(
    `CNN inference (${DTYPE.name}), 1000 images per pass, ${runs} measured passes after a warm-up pass`,
  );
  console.log(
    "| variant | median time | vs heap | arrays | requested | new ArrayBuffer bytes | heap / this | external + | major GC | minor GC |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    const fewer = r.newBufferBytesPerPass === 0
      ? "∞"
      : (heap.newBufferBytesPerPass / r.newBufferBytesPerPass).toFixed(0) + "×";
    console.log(
      `| ${r.variant} | ${r.medianMs.toFixed(0)} ms | ${
        (heap.medianMs / r.medianMs).toFixed(2)
      }× | ${r.arraysPerPass} | ${mib(r.requestedPerPass)} | ${
        mib(r.newBufferBytesPerPass)
      } | ${fewer} | ${mib(r.externalGrowthPerPass)} | ${r.majorGc} | ${r.minorGc} |`,
    );
  }
  for (const r of results) console.log(`${r.variant}: ${r.allocator}`);
}

/** The variants as `inferBatches` runs them (no counting): name and one pass. */
function cases(): [string, () => unknown][] {
  const model = makeCnn(1, DTYPE);
  const plain = makeImageBatches(2, 1000, 32, DTYPE);
  const wrapped = plain.map((x) => AllocArray.from(x));
  const checked = plain.map((x) => new CheckedAllocArray(x));
  const predictions = makePredictions(1000, DTYPE);
  const bumper = new BumperAllocator();
  const unchecked = new UncheckedBumperAllocator();
  const wasm = new BumperAllocator(new WasmAllocBuffer());
  return [
    ["heap: plain arrays", () => inferBatches(DefaultAllocator.shared, model, plain, predictions)],
    ["AllocArray + BumperAllocator()", () => inferBatches(bumper, model, wrapped, predictions)],
    [
      "AllocArray + UncheckedBumperAllocator()",
      () => inferBatches(unchecked, model, wrapped, predictions),
    ],
    [
      "CheckedAllocArray + BumperAllocator()",
      () => inferBatches(bumper, model, checked, predictions),
    ],
    [
      "AllocArray + BumperAllocator(WasmAllocBuffer())",
      () => inferBatches(wasm, model, wrapped, predictions),
    ],
  ];
}

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];

function report(title: string, names: string[], times: number[][]): void {
  const heap = median(times[0]);
  console.log(title);
  names.forEach((name, i) => {
    const m = median(times[i]);
    console.log(`  ${name}: ${m.toFixed(0)} ms, heap / this = ${(heap / m).toFixed(2)}`);
  });
}

/** Subprocess of {@linkcode rotated}: times `passes` passes of case `i` after 2 warm-up passes. */
function timeCase(i: number, passes: number): void {
  const run = cases()[i][1];
  run();
  run();
  const times: number[] = [];
  for (let r = 0; r < passes; r++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  console.log("TIMES " + JSON.stringify(times));
}

/**
 * Times each variant in subprocesses of its own, `rounds` rounds in a rotating order, 4 passes
 * per subprocess after 2 warm-up passes; prints the median pass of each.
 */
async function rotated(rounds: number): Promise<void> {
  const names = cases().map(([name]) => name);
  const times: number[][] = names.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const i = (k + r) % names.length;
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          import.meta.filename!,
          "time-case",
          String(i),
          "4",
          ...(FLOAT32 ? ["--float32"] : []),
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const line = /TIMES (\[.*\])/.exec(new TextDecoder().decode(out.stdout))?.[1];
      if (!out.success || line === undefined) throw new Error(`${names[i]} failed`);
      times[i].push(...JSON.parse(line));
    }
  }
  report(
    `\nTime (${DTYPE.name}), ${rounds} rounds of one subprocess per variant, 4 passes each after 2 warm-up passes (median pass):`,
    names,
    times,
  );
}

/**
 * Times the variants in one process, taking turns pass by pass (see the top of the file for
 * why this favours the heap); prints the median of each.
 */
function interleaved(rounds: number): void {
  const all = cases();
  for (const [, run] of all) run(); // warm-up
  const times: number[][] = all.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < all.length; k++) {
      const i = (k + r) % all.length; // rotate the order
      const t = performance.now();
      all[i][1]();
      times[i].push(performance.now() - t);
    }
  }
  report(
    `\nTime (${DTYPE.name}), ${rounds} interleaved passes each in one process after a warm-up pass (median):`,
    all.map(([name]) => name),
    times,
  );
}

if (import.meta.main) {
  const [variant, runs, passes] = ARGS;
  if (VARIANTS.includes(variant as Variant)) await child(variant as Variant, Number(runs ?? 5));
  else if (variant === "time-case") timeCase(Number(runs), Number(passes ?? 4));
  else if (variant === "rotated") await rotated(Number(runs ?? 3));
  else if (variant === "interleaved") interleaved(Number(runs ?? 9));
  else {
    await parent(Number(variant ?? 5));
    await rotated(3);
  }
}
