// The rotated-round harness of the `*_ratios.ts` measurement scripts: the cases of a group
// interleaved in one process, each ratio taken within a round. Each round times every case of
// a group once, in a rotating order (a batch of calls sized to ~1 ms of CPU time), and takes
// the ratio of each case to its group's baseline within the round; the result is the median
// of the rounds' ratios with their quartiles. Times are the process's CPU time (a descheduled
// batch costs nothing), measured after a warm-up that lasts until V8 has settled (see below).
//
// `deno bench` runs the cases of a group one after the other, so a machine whose speed drifts
// while it runs (another job, the other hardware thread of the core) moves a ratio by as much
// as the drift: on this project's 2-core machine a hand-written bump has measured 40 ns in
// some runs of benches/alloc_bench.ts and 66 ns in others, beside library cases at the same
// speed in both. Within a round, the cases run within milliseconds of each other.

import process from "node:process";
import type { MeasurementJson } from "../scripts/_bench_report.ts";

/**
 * One benchmark case: `run(reps)` calls what is measured `reps` times, in a loop of its own (as
 * a program's loop calls an operation: one call site that sees one thing).
 */
export interface RoundCase {
  group: string;
  name: string;
  baseline?: boolean;
  run: (reps: number) => void;
}

/** What the harness measured for one case. */
export interface RoundRow {
  group: string;
  name: string;
  baseline: boolean;
  /** The median time per call, in nanoseconds. */
  nsPerCall: number;
  /** The median of the rounds' ratios to the group's baseline. */
  ratio: number;
  /** The quartiles of the per-round ratios: their spread. */
  ratioLo: number;
  ratioHi: number;
  /** Each round's time per call (ns) and ratio to the baseline. */
  samples: { ns: number[]; ratios: number[] };
}

// V8's steady state is its optimising tier (TurboFan). Its middle tier (Maglev) runs some of
// these loops several times slower, and a loop inlined into a caller can stay there for tens
// of thousands of calls on a loaded machine, which measured hand-written loops and
// ndarray-ops at 5× their speed. So the measurement runs in a child process without the
// middle tier: the same optimised code, reached sooner.
const V8_FLAGS = "--no-maglev";

/**
 * Unless this process is the child, runs `script` again as the child (with {@linkcode V8_FLAGS}
 * and the same arguments) and exits with its code.
 */
export async function runAsChild(script: string): Promise<void> {
  if (Deno.args.includes("--child")) return;
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--v8-flags=${V8_FLAGS}`, script, "--child", ...Deno.args],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  Deno.exit(code);
}

/** The value after `name` on the command line. */
export function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

/** How the rounds run (from the command line: `--rounds`, `--batch-ms`, `--warm-ms`, …). */
export interface RoundOptions {
  rounds: number;
  batchMs: number;
  warmMs: number;
  warmRounds: number;
}

/** The options given on the command line, with their defaults. */
export function roundOptions(): RoundOptions {
  return {
    rounds: Number(arg("--rounds") ?? 31),
    batchMs: Number(arg("--batch-ms") ?? 1),
    warmMs: Number(arg("--warm-ms") ?? 300),
    warmRounds: Number(arg("--warm-rounds") ?? 100),
  };
}

/** The process's CPU time in milliseconds (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** How many calls each `run` of a case makes within a batch. */
const INNER = 8;

/**
 * Milliseconds of CPU time per call of case `c` over a batch of about `reps` calls, made as
 * `run(INNER)` repeatedly (as a program calls a function with a loop in it: often, which is
 * what gets that function to V8's optimising tier). CPU time, not wall time: on a shared
 * machine a batch is often descheduled, which wall time would count.
 */
function timeBatch(c: RoundCase, reps: number): number {
  const runs = Math.max(1, Math.round(reps / INNER)), inner = reps < INNER ? reps : INNER;
  const t = cpuMs();
  for (let k = 0; k < runs; k++) c.run(inner);
  return (cpuMs() - t) / (runs * inner);
}

/** Calls per batch so that one batch of case `c` takes about `ms` milliseconds. */
function calibrate(c: RoundCase, ms: number): number {
  let reps = 1;
  for (;;) {
    const t = timeBatch(c, reps) * reps;
    if (t >= ms / 4) return Math.max(1, Math.round(reps * ms / t));
    reps *= 4;
  }
}

/** The `q` quantile of `v` (nearest rank). */
const quantile = (v: number[], q: number) => {
  const s = v.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (v: number[]) => quantile(v, 0.5);

/** Measures every group of `cases` (each with one baseline case) in rotated rounds. */
export function measureRounds(cases: RoundCase[], o: RoundOptions): RoundRow[] {
  const groups = new Map<string, RoundCase[]>();
  for (const c of cases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const rows: RoundRow[] = [];
  for (const [group, cases] of groups) {
    const reps = cases.map((c) => calibrate(c, o.batchMs));
    // Warm-up: interleaved rounds as measured (at least `warmRounds` of them and `warmMs` of
    // CPU time), then on until no case has got more than 5% faster for 10 rounds (at most
    // 10 s). V8 moves a case's loop through several tiers (on-stack replacement, a middle
    // tier, the optimising compiler, each for the loop alone and for its whole function),
    // some several times slower than the last; a case can spend tens of calls of its batch in
    // a slow one.
    {
      const best = cases.map(() => Infinity);
      let spent = 0, quiet = 0, rounds = 0;
      while (spent < 10_000 && (spent < o.warmMs || rounds++ < o.warmRounds || quiet < 10)) {
        let improved = false;
        for (let i = 0; i < cases.length; i++) {
          const t = timeBatch(cases[i], reps[i]);
          spent += t * reps[i];
          if (t < 0.95 * best[i]) improved = true;
          best[i] = Math.min(best[i], t);
        }
        quiet = improved ? 0 : quiet + 1;
      }
      // Re-size the batches for the optimised code.
      cases.forEach((c, i) => (reps[i] = calibrate(c, o.batchMs)));
    }
    const times = cases.map(() => [] as number[]);
    for (let r = 0; r < o.rounds; r++) {
      for (let k = 0; k < cases.length; k++) {
        const i = (k + r) % cases.length;
        times[i].push(timeBatch(cases[i], reps[i]));
      }
    }
    const base = cases.findIndex((c) => c.baseline);
    if (base < 0) throw new Error(`Group "${group}" has no baseline case`);
    cases.forEach((c, i) => {
      const ratios = times[i].map((t, r) => t / times[base][r]);
      rows.push({
        group,
        name: c.name,
        baseline: c.baseline ?? false,
        nsPerCall: median(times[i]) * 1e6,
        ratio: median(ratios),
        ratioLo: quantile(ratios, 0.25),
        ratioHi: quantile(ratios, 0.75),
        samples: { ns: times[i].map((t) => t * 1e6), ratios },
      });
    });
  }
  return rows;
}

/**
 * Prints `rows`: as the report's measurement JSON (`json`, with `command` and a description
 * of what the cases are, `what`), or as a table.
 */
export function printRounds(
  rows: RoundRow[],
  o: RoundOptions,
  json: boolean,
  command: string,
  what: string,
): void {
  if (json) {
    const out: MeasurementJson = {
      command,
      method:
        `${what} interleaved in one process (V8 flags ${V8_FLAGS}: its optimising tier without the middle one), ${o.rounds} rounds of one ~${o.batchMs} ms batch per case in a rotating order after a warm-up until no case gets faster; CPU time per call, one sample per round, and each case's time over its group's baseline in the same round`,
      groups: [...new Set(rows.map((r) => r.group))].map((group) => ({
        name: group,
        rows: rows.filter((r) => r.group === group).map((r) => ({
          name: r.name,
          baseline: r.baseline,
          values: { "time/call (ns)": r.samples.ns, "time / baseline": r.samples.ratios },
        })),
      })),
    };
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  console.log(
    `${o.rounds} interleaved rounds per group, batches of ~${o.batchMs} ms CPU time, V8 flags ${V8_FLAGS}; ratio = time / the group's baseline in the same round: median (quartiles)`,
  );
  let last = "";
  for (const r of rows) {
    if (r.group !== last) console.log(`\n${r.group}`);
    last = r.group;
    const ns = r.nsPerCall < 1000
      ? `${r.nsPerCall.toFixed(1)} ns`
      : `${(r.nsPerCall / 1000).toFixed(2)} µs`;
    const ratio = r.baseline
      ? "(baseline)"
      : `${r.ratio.toFixed(2)}× (${r.ratioLo.toFixed(2)}–${r.ratioHi.toFixed(2)})`;
    console.log(`  ${r.name.padEnd(52)} ${ns.padStart(10)}  ${ratio}`);
  }
}
