// Runs the benchmark suite and the demo's measurements, and writes the results report:
//
// - benches/README.md: the command, machine, runtime versions and date, every target of the
//   design's figures table with its measured ratio (met or missed), the demo's table of time,
//   ArrayBuffer bytes and GC counts, and every bench's result;
// - benches/chart.svg: the allocation group as a bar chart (log scale, grouped by size);
// - the key-ratio table in docs/performance.md (between its bench:key-ratios markers): the
//   measured ratios only, without the targets.
//
// Everything is generated from the one run; never edit the outputs by hand.
//
//   deno task bench:report                        the whole suite (several minutes)
//   deno task bench:report --quick                the demo with few iterations, written to
//                                                 benches/.scratch/ (checks the machinery)
//   deno task bench:report benches/alloc_bench.ts only these bench files
//   deno task bench:report --from benches/.scratch/bench.json --demo-from benches/.scratch/demo.json
//                                                 rewrite the report from saved raw results

import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  allocationChart,
  allocationGroups,
  type BenchCase,
  type DemoJson,
  type DenoBenchJson,
  evaluateTargets,
  formatBytes,
  keyRatiosMarkdown,
  parseBenchJson,
  reportMarkdown,
  type RunInfo,
  verdict,
} from "./_bench_report.ts";

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const BENCHES = path.join(ROOT, "benches");
const SCRATCH = path.join(BENCHES, ".scratch");
const README = path.join(ROOT, "docs", "performance.md");
const KEY_START = "<!-- bench:key-ratios:start -->";
const KEY_END = "<!-- bench:key-ratios:end -->";

const HELP = `deno task bench:report [options] [bench files...]

Runs the benchmarks (deno bench --json) and the demo's measurements (examples/demo.ts --json),
then writes benches/README.md, benches/chart.svg and the key ratios in docs/performance.md.

Options:
  --quick              demo with few iterations; output to benches/.scratch/ (not for citing)
  --no-demo            skip the demo's measurements (bytes and GC targets are then not measured)
  --from FILE          read deno bench --json output from FILE instead of running the benches
  --demo-from FILE     read the demo's --json output from FILE instead of running it
  --out DIR            where to write README.md and chart.svg (default benches/)
  -h, --help           this text

Bench files default to every benches/*_bench.ts. The raw results are saved to
benches/.scratch/bench.json and benches/.scratch/demo.json (git-ignored).`;

interface Options {
  quick: boolean;
  demo: boolean;
  from?: string;
  demoFrom?: string;
  out?: string;
  files: string[];
}

function parseArgs(args: string[]): Options | undefined {
  const o: Options = { quick: false, demo: true, files: [] };
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
    else if (a === "--from") o.from = value();
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

function cpuModel(fallback: string): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return fallback;
}

function updateReadme(keyRatios: string, chartPath: string): boolean {
  const text = Deno.readTextFileSync(README);
  const start = text.indexOf(KEY_START);
  const end = text.indexOf(KEY_END);
  if (start < 0 || end < start) return false;
  const body = `${KEY_START}\n\n${keyRatios}\n\n${KEY_END}`;
  const next = text.slice(0, start) + body + text.slice(end + KEY_END.length);
  if (next !== text) Deno.writeTextFileSync(README, next);
  void chartPath;
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

async function main(args: string[]): Promise<number> {
  const o = parseArgs(args);
  if (!o) {
    console.log(HELP);
    return 0;
  }
  const outDir = o.out ? path.resolve(o.out) : o.quick ? SCRATCH : BENCHES;
  Deno.mkdirSync(SCRATCH, { recursive: true });
  const loadBefore = Deno.loadavg()[0];
  const commands: string[] = [];

  // 1. The benchmarks.
  let benchText: string;
  if (o.from) {
    benchText = Deno.readTextFileSync(o.from);
    commands.push(`deno bench -A --json (read from ${o.from})`);
  } else {
    const files = o.files.length > 0 ? o.files : benchFiles();
    const args = ["bench", "-A", "--json", ...files];
    commands.push(`deno ${args.join(" ")}`);
    console.error(`Running deno bench on ${files.length} files (${files.join(", ")})…`);
    benchText = await runJson(args, "run the benchmarks");
    Deno.writeTextFileSync(path.join(SCRATCH, "bench.json"), benchText);
  }
  const benchJson = JSON.parse(benchText) as DenoBenchJson;
  const rootUrl = new URL("..", import.meta.url).href;
  const cases: BenchCase[] = parseBenchJson(benchJson, rootUrl);

  // 2. The demo's bytes and GC counts.
  let demo: DemoJson | undefined;
  if (o.demoFrom) {
    demo = JSON.parse(Deno.readTextFileSync(o.demoFrom)) as DemoJson;
  } else if (o.demo) {
    // The full CNN pass of the figures (1000 images); the demo's own default is shorter.
    const size = o.quick ? ["--quick"] : ["--images", "1000"];
    const args = ["run", "-A", "examples/demo.ts", "--json", ...size];
    console.error("Running the demo's measurements…");
    const text = await runJson(args, "run the demo's measurements");
    Deno.writeTextFileSync(path.join(SCRATCH, "demo.json"), text);
    demo = JSON.parse(text) as DemoJson;
  }
  if (demo) commands.push(demo.command);
  const loadAfter = Deno.loadavg()[0];

  // 3. The report.
  const targets = evaluateTargets(cases, demo);
  const info: RunInfo = {
    commands,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpuModel(benchJson.cpu),
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${Deno.build.arch} (kernel ${Deno.osRelease()})`,
    memory: formatBytes(Deno.systemMemoryInfo().total),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    // Rewritten from saved results, the load now says nothing about the run's.
    loadBefore: o.from ? NaN : loadBefore,
    loadAfter: o.from ? NaN : loadAfter,
    quick: o.quick,
  };
  Deno.mkdirSync(outDir, { recursive: true });
  const mdPath = path.join(outDir, "README.md");
  const svgPath = path.join(outDir, "chart.svg");
  Deno.writeTextFileSync(mdPath, reportMarkdown(info, cases, demo, targets));
  const groups = allocationGroups(cases);
  if (groups.length > 0) {
    Deno.writeTextFileSync(
      svgPath,
      allocationChart(
        groups,
        `deno bench means, ${info.cpu} (${info.cores} cores), Deno ${info.deno}, ${
          info.date.slice(0, 10)
        }`,
      ),
    );
  } else {
    console.error("No allocation group in this run: chart.svg not written");
  }
  console.error(`Wrote ${path.relative(ROOT, mdPath)} and ${path.relative(ROOT, svgPath)}`);
  if (outDir === BENCHES && !o.quick) {
    const ok = updateReadme(await fmtMarkdown(keyRatiosMarkdown(targets)), svgPath);
    console.error(
      ok
        ? "Updated the key ratios in docs/performance.md"
        : `docs/performance.md has no ${KEY_START} … ${KEY_END} markers: key ratios not written`,
    );
  }
  for (const t of targets) {
    console.log(`${verdict(t.met).replaceAll("*", "")}\t${t.what}: ${t.measured}`);
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
