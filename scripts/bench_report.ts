// Runs the benchmark suite, the demo's measurements and the measurement scripts of benches/
// several times, and writes the results report:
//
// - benches/README.md: when, where and with which versions (and commit) the numbers were
//   measured and by which commands; every figure of the design's table with the median over
//   the runs and their range (both measurements where two benches measure one figure); every
//   group with a peer, heap or hand-written case side by side; the measurement scripts'
//   figures (garbage, bytes); the demo's table; every bench's result;
// - benches/chart.svg: the allocation groups as a bar chart (log scale, grouped by size);
// - the key-ratio table in docs/performance.md (between its bench:key-ratios markers): the
//   measured figures with their spread, under a line saying when, where and by which command
//   they were measured.
//
// Everything is generated from one invocation; never edit the outputs by hand. The raw results
// and their metadata are saved to benches/.scratch/results.json, from which `--from` renders
// the report again, saying so and keeping the measurement's date, machine and versions.
//
//   deno task bench:report                        3 runs of everything (many minutes)
//   deno task bench:report --quick                one run, the demo and the measurement
//                                                 scripts with few iterations, written to
//                                                 benches/.scratch/ (checks the machinery)
//   deno task bench:report --runs 5 benches/alloc_bench.ts   5 runs of these bench files only
//   deno task bench:report --from benches/.scratch/results.json   render the saved results again
//   deno task bench:report --from bench.json --demo-from demo.json   raw deno bench / demo output

import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  allocationChart,
  allocationGroups,
  type BenchCase,
  type DemoJson,
  type DenoBenchJson,
  evaluateFigures,
  isSavedResults,
  keyRatiosMarkdown,
  type MeasurementJson,
  mergeMeasurements,
  metaOfRawBench,
  parseBenchJson,
  type RenderInfo,
  reportMarkdown,
  type RunMeta,
  type SavedResults,
  seriesOf,
  verdict,
} from "./_bench_report.ts";
import { runMeta } from "./_run_meta.ts";

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const BENCHES = path.join(ROOT, "benches");
const SCRATCH = path.join(BENCHES, ".scratch");
const RESULTS = path.join(SCRATCH, "results.json");
const KEY_PAGE = path.join(ROOT, "docs", "performance.md");
const KEY_START = "<!-- bench:key-ratios:start -->";
const KEY_END = "<!-- bench:key-ratios:end -->";

const HELP = `deno task bench:report [options] [bench files...]

Runs the benchmarks (deno bench --json), the demo's measurements (examples/demo.ts --json) and
the measurement scripts of benches/ (each one's documented \`deno run … --json\` command) once
per run, then writes benches/README.md, benches/chart.svg and the key ratios in
docs/performance.md.

Options:
  --runs N             how many runs (default 3; 1 with --quick); bench files rotate each run
  --quick              one run; demo and measurement scripts with --quick; output to
                       benches/.scratch/ (not for citing)
  --no-demo            skip the demo (its bytes and GC figures are then not measured)
  --no-measure         skip the measurement scripts
  --from FILE          render from saved results (benches/.scratch/results.json) or from raw
                       deno bench --json output, instead of running anything
  --demo-from FILE     read the demo's --json output from FILE instead of running it
  --out DIR            where to write README.md and chart.svg (default benches/)
  -h, --help           this text

Bench files default to every benches/*_bench.ts. Measured results, with when and where they
were measured, are saved to ${path.relative(ROOT, RESULTS)} (git-ignored).`;

interface Options {
  quick: boolean;
  runs?: number;
  demo: boolean;
  measure: boolean;
  from?: string;
  demoFrom?: string;
  out?: string;
  files: string[];
}

function parseArgs(args: string[]): Options | undefined {
  const o: Options = { quick: false, demo: true, measure: true, files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`Cannot read option ${a}: it needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") return undefined;
    else if (a === "--quick") o.quick = true;
    else if (a === "--no-demo") o.demo = false;
    else if (a === "--no-measure") o.measure = false;
    else if (a === "--runs") {
      const v = value();
      o.runs = Number(v);
      if (!Number.isInteger(o.runs) || o.runs < 1) {
        throw new RangeError(`Cannot read option --runs: expected a positive integer, got ${v}`);
      }
    } else if (a === "--from") o.from = value();
    else if (a === "--demo-from") o.demoFrom = value();
    else if (a === "--out") o.out = value();
    else if (a.startsWith("-")) throw new TypeError(`Cannot read option ${a}: unknown option`);
    else o.files.push(a);
  }
  return o;
}

function benchFiles(): string[] {
  return [...Deno.readDirSync(BENCHES)]
    .filter((e) => e.isFile && /_bench\.ts$/.test(e.name))
    .map((e) => path.join("benches", e.name))
    .sort();
}

/**
 * The measurement scripts: benches/*.ts files that are neither bench files nor private, whose
 * header documents a `deno run … benches/<file> … --json` command; that command (with
 * `--quick` when asked and the header mentions it) is what the report runs.
 */
function measurementCommands(quick: boolean): string[][] {
  const out: string[][] = [];
  for (const e of [...Deno.readDirSync(BENCHES)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!e.isFile || !/\.ts$/.test(e.name) || /^_|_bench\.ts$/.test(e.name)) continue;
    const text = Deno.readTextFileSync(path.join(BENCHES, e.name));
    const line = new RegExp(
      `^//\\s+deno (run [^\\n(]*benches/${e.name.replace(".", "\\.")}[^\\n(]*--json)`,
      "m",
    ).exec(text);
    if (!line) continue;
    const args = line[1].trim().split(/\s+/);
    if (quick && text.includes("--quick") && !args.includes("--quick")) args.push("--quick");
    out.push(args);
  }
  return out;
}

async function runJson(args: string[], what: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`Cannot ${what}: \`deno ${args.join(" ")}\` exited with code ${out.code}`);
  }
  return text;
}

/** The commit measured: `git rev-parse --short HEAD`, and whether the tree had changes. */
async function gitCommit(): Promise<string | undefined> {
  try {
    const git = (args: string[]) =>
      new Deno.Command("git", { args, cwd: ROOT, stdout: "piped", stderr: "null" }).output();
    const head = await git(["rev-parse", "--short", "HEAD"]);
    if (!head.success) return undefined;
    const status = await git(["status", "--porcelain", "--untracked-files=no"]);
    const dirty = new TextDecoder().decode(status.stdout).trim() !== "";
    return new TextDecoder().decode(head.stdout).trim() +
      (dirty ? " with uncommitted changes" : "");
  } catch {
    return undefined;
  }
}

const UNKNOWN_META: RunMeta = {
  date: "unknown",
  cpu: "unknown",
  cores: null,
  os: "unknown",
  memory: "unknown",
  runtime: "unknown",
};

function updateKeyPage(keyRatios: string): boolean {
  const text = Deno.readTextFileSync(KEY_PAGE);
  const start = text.indexOf(KEY_START);
  const end = text.indexOf(KEY_END);
  if (start < 0 || end < start) return false;
  const body = `${KEY_START}\n\n${keyRatios}\n\n${KEY_END}`;
  const next = text.slice(0, start) + body + text.slice(end + KEY_END.length);
  if (next !== text) Deno.writeTextFileSync(KEY_PAGE, next);
  return true;
}

/** Formats Markdown the way `deno fmt` would, so generated text passes `deno fmt --check`. */
async function fmtMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error("Cannot format the key-ratio table: deno fmt failed");
  return new TextDecoder().decode(out.stdout).trimEnd();
}

/** Runs everything `runs` times and returns the results with when and where they ran. */
async function measure(o: Options, command: string): Promise<SavedResults> {
  const meta = runMeta();
  meta.commit = await gitCommit();
  const loadBefore = Deno.loadavg()[0];
  const runs = o.runs ?? (o.quick ? 1 : 3);
  const files = o.files.length > 0 ? o.files : benchFiles();
  const scripts = o.measure && !o.from ? measurementCommands(o.quick) : [];
  const saved: SavedResults = {
    format: "allocarrays bench:report results 1",
    command,
    quick: o.quick,
    meta,
    benchRuns: [],
    demoRuns: [],
    measurementRuns: [],
  };
  for (let r = 0; r < runs; r++) {
    // Rotate the files, so a change in the machine's load does not always hit the same ones.
    const order = files.map((_, i) => files[(i + r) % files.length]);
    const args = ["bench", "-A", "--json", ...order];
    console.error(`Run ${r + 1}/${runs}: deno bench on ${order.length} files…`);
    const json = JSON.parse(await runJson(args, "run the benchmarks")) as DenoBenchJson;
    saved.benchRuns.push({ command: `deno ${args.join(" ")}`, json });
    if (o.demo && !o.demoFrom) {
      // The full CNN pass of the figures (1000 images); the demo's own default is shorter.
      const size = o.quick ? ["--quick"] : ["--images", "1000"];
      const demoArgs = ["run", "-A", "examples/demo.ts", "--json", ...size];
      console.error(`Run ${r + 1}/${runs}: the demo's measurements…`);
      const demo = JSON.parse(await runJson(demoArgs, "run the demo's measurements")) as DemoJson;
      demo.meta ??= runMeta();
      saved.demoRuns.push(demo);
    }
    for (const s of scripts) {
      console.error(`Run ${r + 1}/${runs}: deno ${s.join(" ")}…`);
      const m = JSON.parse(await runJson(s, `run ${s[2] ?? s[1]}`)) as MeasurementJson;
      m.command ??= `deno ${s.join(" ")}`;
      m.meta ??= runMeta();
      saved.measurementRuns.push(m);
    }
    Deno.writeTextFileSync(RESULTS, JSON.stringify(saved)); // what is done so far
  }
  meta.load = [loadBefore, Deno.loadavg()[0]];
  Deno.writeTextFileSync(RESULTS, JSON.stringify(saved));
  return saved;
}

/** Reads `--from`: saved results, or raw `deno bench --json` output (wrapped, meta from it). */
function readFrom(file: string): SavedResults {
  const json = JSON.parse(Deno.readTextFileSync(file)) as unknown;
  if (isSavedResults(json)) return json;
  const bench = json as DenoBenchJson;
  return {
    format: "allocarrays bench:report results 1",
    command: `deno bench -A --json (saved output ${file})`,
    quick: false,
    meta: metaOfRawBench(bench),
    benchRuns: [{ command: `deno bench -A --json (read from ${file})`, json: bench }],
    demoRuns: [],
    measurementRuns: [],
  };
}

async function main(args: string[]): Promise<number> {
  const o = parseArgs(args);
  if (!o) {
    console.log(HELP);
    return 0;
  }
  const outDir = o.out ? path.resolve(o.out) : o.quick ? SCRATCH : BENCHES;
  Deno.mkdirSync(SCRATCH, { recursive: true });
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const command = ["deno task bench:report", ...args].join(" ");

  const saved = o.from ? readFrom(o.from) : await measure(o, command);
  // Who measured: this invocation, the bench:report run that saved the results, or (raw
  // deno bench output) nothing more than its bench runs' command says.
  const measuredBy = !o.from
    ? [command]
    : saved.command.startsWith("deno task bench:report")
    ? [`${saved.command} (saved in ${o.from})`]
    : [];
  let demos = saved.demoRuns;
  let demoMeta: RunMeta | undefined;
  if (o.demoFrom) {
    const demo = JSON.parse(Deno.readTextFileSync(o.demoFrom)) as DemoJson;
    demos = [demo];
    demoMeta = demo.meta ?? UNKNOWN_META;
  }
  const rootUrl = new URL("..", import.meta.url).href;
  const cases: BenchCase[] = saved.benchRuns.flatMap((b, r) => parseBenchJson(b.json, rootUrl, r));
  const series = seriesOf(cases, saved.benchRuns.length);
  const measurements = mergeMeasurements(saved.measurementRuns);
  const results = evaluateFigures({
    series,
    runs: saved.benchRuns.length,
    demos,
    measurements,
  });
  const from = [o.from, o.demoFrom].filter((f): f is string => f !== undefined);
  const info: RenderInfo = {
    meta: saved.meta,
    commands: [
      ...measuredBy,
      ...[...new Set(saved.benchRuns.map((b) => b.command.replace(/ benches\/.*$/, " …")))],
      ...[...new Set(demos.map((d) => d.command))],
      ...[...new Set(measurements.map((m) => m.command))],
    ],
    runs: saved.benchRuns.length,
    quick: saved.quick || o.quick,
    rerendered: from.length > 0 ? { date: now, from } : undefined,
    demoMeta,
  };
  Deno.mkdirSync(outDir, { recursive: true });
  const mdPath = path.join(outDir, "README.md");
  const svgPath = path.join(outDir, "chart.svg");
  Deno.writeTextFileSync(mdPath, reportMarkdown(info, series, demos, measurements, results));
  const groups = allocationGroups(series);
  if (groups.length > 0) {
    Deno.writeTextFileSync(
      svgPath,
      allocationChart(
        groups,
        `deno bench, median of ${info.runs} run${info.runs === 1 ? "" : "s"}, ${info.meta.cpu}, ${
          info.meta.runtime.replace(/,.*$/, "")
        }, ${info.meta.date.slice(0, 10)}`,
      ),
    );
  } else {
    console.error("No allocation group in this run: chart.svg not written");
  }
  console.error(`Wrote ${path.relative(ROOT, mdPath)} and ${path.relative(ROOT, svgPath)}`);
  if (outDir === BENCHES && !info.quick) {
    const ok = updateKeyPage(
      await fmtMarkdown(keyRatiosMarkdown(results, info, "../benches/README.md")),
    );
    console.error(
      ok
        ? "Updated the key ratios in docs/performance.md"
        : `docs/performance.md has no ${KEY_START} … ${KEY_END} markers: key ratios not written`,
    );
  }
  for (const t of results) {
    for (const [i, m] of t.measures.entries()) {
      console.log(
        `${i === 0 ? verdict(t).replaceAll("*", "") : ""}\t${t.what}: ${m.text}${
          m.detail ? ` [${m.detail}]` : ""
        }`,
      );
    }
    if (t.measures.length === 0) console.log(`${verdict(t)}\t${t.what}`);
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
