// The CNN's time ratios (AllocArrays' Flux test, examples/models.ts, 1000 images in batches of
// 32): the allocator-agnostic `predict` with AllocArray input under a BumperAllocator, against
// the allocation-free limit (the same forward pass with every intermediate preallocated once by
// hand and passed as `out`: `predictInto`) and against plain heap arrays.
//
//   deno run -A benches/cnn_ratios.ts                       (21 rounds, a table)
//   deno run -A benches/cnn_ratios.ts --rounds 61 --json    (machine-readable)
//   deno run -A benches/cnn_ratios.ts --float32             (Flux's element type)
//
// Each variant runs in a subprocess of its own, as an application using only that variant
// would (no variant's garbage or heap growth slows another). The subprocesses start together,
// warm up (WARM passes: the code compiled, the arena sized) and then run one pass each when
// told, in turn: a round is one pass of each variant, in an order that rotates from round to
// round. So the variants of a round run within about a second of each other, under the same
// load: on a shared machine the speed of the same pass drifts by ±20% over tens of seconds
// (other processes, and the other hardware thread of the core), which separate runs of each
// variant would turn into their ratios. A pass is timed in CPU time (user + system: the
// process's own work on all its threads, the garbage collector's included; wall time is
// printed beside). Ratios are taken within each round; the table shows their median over the
// rounds and their range.

import process from "node:process";
import type { ModelType } from "../examples/models.ts";
import { cnnPass } from "./_cnn_cases.ts";
import type { MeasurementJson } from "../scripts/_bench_report.ts";

const VARIANTS = ["preallocated", "bumper", "heap"] as const;
type Variant = typeof VARIANTS[number];

const LABELS: Record<Variant, string> = {
  preallocated: "every intermediate preallocated by hand (predictInto)",
  bumper: "AllocArray + BumperAllocator (predict)",
  heap: "plain heap arrays (predict)",
};

const WARM = 3;

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const FLOAT32 = Deno.args.includes("--float32");
const DTYPE: ModelType = FLOAT32 ? Float32Array : Float64Array;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1];

/**
 * The child: sets up and warms up, says READY, then runs and times one pass per line read from
 * stdin, answering each with its CPU and wall time.
 */
async function child(variant: Variant): Promise<void> {
  const run = cnnPass(variant, DTYPE);
  for (let i = 0; i < WARM; i++) run();
  const out = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s + "\n"));
  out("READY");
  for await (const _ of lines(Deno.stdin.readable)) {
    const c = cpuMs(), w = performance.now();
    run();
    out(`PASS ${cpuMs() - c} ${performance.now() - w}`);
  }
}

/** The lines of a byte stream. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let i;
    while ((i = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, i);
      rest = rest.slice(i + 1);
    }
  }
}

/** A running child: `pass()` has it run one pass and gives its CPU and wall time. */
interface Runner {
  pass(): Promise<{ cpuMs: number; wallMs: number }>;
  close(): Promise<void>;
}

async function start(variant: Variant): Promise<Runner> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      import.meta.filename!,
      "--child",
      variant,
      ...(FLOAT32 ? ["--float32"] : []),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = lines(proc.stdout), writer = proc.stdin.getWriter();
  const next = async () => {
    const r = await reader.next();
    if (r.done) throw new Error(`Cannot time ${variant}: its process ended`);
    return r.value;
  };
  if ((await next()) !== "READY") throw new Error(`Cannot time ${variant}: it did not start`);
  return {
    async pass() {
      await writer.write(new TextEncoder().encode("run\n"));
      const [, cpu, wall] = (await next()).split(" ");
      return { cpuMs: Number(cpu), wallMs: Number(wall) };
    },
    async close() {
      await writer.close();
      await proc.status;
    },
  };
}

async function parent(rounds: number): Promise<void> {
  const cpu = VARIANTS.map(() => [] as number[]), wall = VARIANTS.map(() => [] as number[]);
  const runners = await Promise.all(VARIANTS.map(start));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const i = (k + r) % VARIANTS.length;
      const t = await runners[i].pass();
      cpu[i].push(t.cpuMs);
      wall[i].push(t.wallMs);
    }
  }
  await Promise.all(runners.map((r) => r.close()));
  const ratio = (i: number, j: number) => cpu[i].map((t, r) => t / cpu[j][r]);
  const summary = (v: number[]) => ({
    median: median(v),
    min: Math.min(...v),
    max: Math.max(...v),
  });
  const P = VARIANTS.indexOf("preallocated"), B = VARIANTS.indexOf("bumper");
  const H = VARIANTS.indexOf("heap");
  const result = {
    what: `CNN inference, 1000 images in batches of 32, ${DTYPE.name}`,
    rounds,
    warmPasses: WARM,
    variants: VARIANTS.map((v, i) => ({
      variant: v,
      name: LABELS[v],
      cpuMs: summary(cpu[i]),
      wallMs: summary(wall[i]),
    })),
    ratios: {
      bumperOverPreallocated: summary(ratio(B, P)),
      heapOverBumper: summary(ratio(H, B)),
      heapOverPreallocated: summary(ratio(H, P)),
    },
  };
  if (Deno.args.includes("--json")) {
    const json: MeasurementJson = {
      command: `deno run -A benches/cnn_ratios.ts --rounds ${rounds}${
        FLOAT32 ? " --float32" : ""
      } --json`,
      method:
        `one persistent subprocess per variant, ${WARM} warm-up passes, then ${rounds} rounds of one pass of each variant in a rotating order; CPU time per pass (user + system), one sample per round, and each variant's time over the preallocated pass's in the same round`,
      groups: [{
        name: `${result.what}: rotated rounds`,
        rows: VARIANTS.map((v, i) => ({
          name: LABELS[v],
          baseline: v === "preallocated",
          values: {
            "CPU time/pass (ms)": cpu[i],
            "wall time/pass (ms)": wall[i],
            "time / preallocated by hand": ratio(i, P),
          },
        })),
      }],
    };
    console.log(JSON.stringify(json));
    return;
  }
  const x = (s: { median: number; min: number; max: number }) =>
    `${s.median.toFixed(3)}× (${s.min.toFixed(3)}–${s.max.toFixed(3)})`;
  console.log(
    `${result.what}: one subprocess per variant, ${WARM} warm-up passes, then ${rounds} rounds of one pass each (rotated); CPU time per pass: median (range)`,
  );
  result.variants.forEach((v) => {
    console.log(
      `  ${v.name.padEnd(56)} ${v.cpuMs.median.toFixed(0).padStart(5)} ms CPU (${
        v.cpuMs.min.toFixed(0)
      }–${v.cpuMs.max.toFixed(0)}), ${v.wallMs.median.toFixed(0)} ms wall`,
    );
  });
  console.log(`  bumper / preallocated by hand: ${x(result.ratios.bumperOverPreallocated)}`);
  console.log(`  heap / bumper:                 ${x(result.ratios.heapOverBumper)}`);
  console.log(`  heap / preallocated by hand:   ${x(result.ratios.heapOverPreallocated)}`);
}

if (import.meta.main) {
  if (Deno.args[0] === "--child") await child(Deno.args[1] as Variant);
  else await parent(Number(arg("--rounds") ?? 21));
}
