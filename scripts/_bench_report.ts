// Internal: the pure part of `deno task bench:report` (scripts/bench_report.ts): reading
// `deno bench --json` output, the demo's and the measurement scripts' `--json` output, over
// several runs; checking the figures of the design's table against them with the spread over
// the runs; and writing benches/README.md, the README's key-ratio table and the allocation
// chart (a hand-written SVG). No I/O and no `Deno` here, so tests run it under Deno and Node.
//
// The report finds what it shows by convention, so a new bench file appears without edits here:
//
// - every `Deno.bench` group is a table, its `baseline: true` case the reference of its ratios;
// - a case's name says what it is (caseKind): a hand-written limit starts with "hand" ("hand
//   loop", "hand-written bump", "hand-preallocated …"), plain heap code with "heap" or
//   "new Float64Array(", a peer names its package (typedarray-pool, @thi.ng/malloc, ndarray-ops,
//   tfjs, …); everything else is the library. Every group with library cases and at least one
//   other kind is shown side by side in "Against peers and hand-written limits";
// - a script in benches/ that is not a bench file and documents a `deno run … --json` command in
//   its header comment is a measurement script: the report runs that command and shows its
//   MeasurementJson (garbage bytes, page faults, …) with the spread over the runs.
//
// The design's figures, the one list that names particular benches, is TARGETS below.

// ---------------------------------------------------------------------------------------------
// Inputs

/** One benchmark of one `deno bench --json` run, flattened. Times are nanoseconds per call. */
export interface BenchCase {
  /** The bench file, relative to the repository root (`benches/alloc_bench.ts`). */
  file: string;
  group: string | null;
  name: string;
  baseline: boolean;
  /** Mean, 75th and 99th percentile, fastest and slowest sample, in ns; NaN when it failed. */
  avg: number;
  p75: number;
  p99: number;
  min: number;
  max: number;
  /** Number of samples. */
  n: number;
  /** Which run of the report it comes from (0-based). */
  run: number;
  /** Set when the bench threw. */
  error?: string;
}

/** The shape of `deno bench --json` (version 1) that the report reads. */
export interface DenoBenchJson {
  version: number;
  /** `Deno/2.9.6 x86_64-unknown-linux-gnu`. */
  runtime: string;
  cpu: string;
  benches: {
    origin: string;
    group: string | null;
    name: string;
    baseline: boolean;
    results: ({ ok: Record<string, number> } | { failed: unknown })[];
  }[];
}

/**
 * Flattens `deno bench --json` output of run `run`; `root` is the repository's file URL (with
 * a trailing `/`).
 */
export function parseBenchJson(json: DenoBenchJson, root: string, run = 0): BenchCase[] {
  if (json?.version !== 1 || !Array.isArray(json.benches)) {
    throw new TypeError(
      `Cannot read the benchmark results: expected deno bench --json version 1, got version ${
        String(json?.version)
      }`,
    );
  }
  const cases: BenchCase[] = [];
  for (const b of json.benches) {
    const file = b.origin.startsWith(root) ? b.origin.slice(root.length) : b.origin;
    const r = b.results[0];
    const base = { file, group: b.group ?? null, name: b.name, baseline: b.baseline, run };
    if (r && "ok" in r) {
      const ok = r.ok;
      cases.push({
        ...base,
        avg: ok.avg,
        p75: ok.p75,
        p99: ok.p99,
        min: ok.min,
        max: ok.max,
        n: ok.n,
      });
    } else {
      const failed = r && "failed" in r ? r.failed : "no result";
      cases.push({
        ...base,
        avg: NaN,
        p75: NaN,
        p99: NaN,
        min: NaN,
        max: NaN,
        n: 0,
        error: typeof failed === "string" ? failed : JSON.stringify(failed),
      });
    }
  }
  return cases;
}

/** When, where and with what a measurement ran; saved with it and shown with its numbers. */
export interface RunMeta {
  /** ISO date and time the measurement started, or `"unknown"`. */
  date: string;
  cpu: string;
  cores: number | null;
  os: string;
  memory: string;
  /** `Deno 2.9.6, V8 15.0.245.2-rusty, TypeScript 6.0.3` (or what a saved file says). */
  runtime: string;
  /** The git commit measured (`1a2b3c4`, `1a2b3c4 with uncommitted changes`), if known. */
  commit?: string;
  /** 1-minute load average before and after, if recorded. */
  load?: [number, number];
}

/** One row of the demo's measurements (examples/demo.ts `--json`). */
export interface DemoCase {
  /** `heap`, `alloc` or `checked`. */
  id: string;
  /** What the row measures, e.g. `AllocArray, BumperAllocator`. */
  label: string;
  /** Measured runs (after warm-up). */
  runs: number;
  /** Mean wall time per run, ms. */
  msPerRun: number;
  /** ArrayBuffer bytes allocated per run (V8 external memory allocated, see the demo). */
  bytesPerRun: number;
  /** Garbage collections during all measured runs. */
  gcMajor: number;
  gcMinor: number;
  /** Minor page faults per measured run (Linux), `null` elsewhere; absent in older output. */
  faultsPerRun?: number | null;
  /** The workload's result (all rows of a workload must agree). */
  result: number;
}

/** One workload of the demo: the same computation under each allocator / array kind. */
export interface DemoWorkload {
  /** `reduction` or `cnn`. */
  id: string;
  title: string;
  /** What one run is, e.g. `one basicReduction call on 100 000 Float64`. */
  run: string;
  cases: DemoCase[];
}

/** The demo's `--json` output. */
export interface DemoJson {
  command: string;
  /** How bytes and GCs were counted. */
  method: string;
  /** When and where it ran (absent in output of older demos). */
  meta?: RunMeta;
  workloads: DemoWorkload[];
}

/**
 * The `--json` output of a measurement script in benches/ (figures `deno bench` cannot take:
 * garbage bytes from V8's GC trace, page faults, …). Each metric of a row holds one value or
 * the samples of several repetitions; the report shows their median and range, and merges the
 * samples of its runs.
 */
export interface MeasurementJson {
  /** The command that produced it (what a reader runs to reproduce it). */
  command: string;
  /** How the figures were measured, shown under their table. */
  method: string;
  /** When and where (the report fills it in when the script leaves it out). */
  meta?: RunMeta;
  groups: {
    /** Says what the rows compare, as a bench group does. */
    name: string;
    rows: {
      /** Named by the bench convention (caseKind). */
      name: string;
      baseline?: boolean;
      /**
       * Metric → value(s). The name carries the unit: `JS heap bytes/iteration` and other
       * names with "bytes" are bytes, names ending in `(ns)` or `(ms)` are times, the rest counts.
       */
      values: Record<string, number | number[]>;
    }[];
  }[];
}

/** The results file bench:report saves (benches/.scratch/results.json) and `--from` reads. */
export interface SavedResults {
  format: "allocarrays bench:report results 1";
  /** The bench:report command line that measured them. */
  command: string;
  quick: boolean;
  /** When and where the measurement ran. */
  meta: RunMeta;
  /** Each run's `deno bench --json` output and the command that printed it. */
  benchRuns: { command: string; json: DenoBenchJson }[];
  /** Each run's demo output (`--json`). */
  demoRuns: DemoJson[];
  /** Each run's output of each measurement script. */
  measurementRuns: MeasurementJson[];
}

/** Whether `x` is a {@linkcode SavedResults} (else, for `--from`, raw `deno bench --json`). */
export function isSavedResults(x: unknown): x is SavedResults {
  return (x as SavedResults)?.format === "allocarrays bench:report results 1";
}

/**
 * What can be said about a raw `deno bench --json` file's run: its runtime and CPU (which the
 * file records), but not when it ran.
 */
export function metaOfRawBench(json: DenoBenchJson): RunMeta {
  return {
    date: "unknown",
    cpu: json.cpu ?? "unknown",
    cores: null,
    os: /\S+-(\w+)-\w+$/.exec(json.runtime ?? "")?.[1] ?? "unknown",
    memory: "unknown",
    runtime: (json.runtime ?? "unknown").replace(/^Deno\//, "Deno ").replace(/ \S+$/, ""),
  };
}

// ---------------------------------------------------------------------------------------------
// Several runs: spreads and kinds

/** The median and range of a figure over the runs that measured it. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many values (runs) it is made of. */
  n: number;
}

/** The spread of the finite values of `values`, or `undefined` when there are none. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/** What a case is, from its name (the bench naming convention). */
export type CaseKind = "library" | "hand" | "heap" | "peer";

/**
 * How a case's name says what it is: the one place the report classifies cases. A hand-written
 * limit starts with "hand" or says "hand-written", "by hand", "plain loop" (`hand loop`,
 * `hand-written bump (…)`, `every intermediate preallocated by hand`), plain heap code starts
 * with "heap" or a typed-array constructor call or says "plain heap", a peer names its package.
 */
export const KIND_RULES: readonly (readonly [CaseKind, RegExp])[] = [
  ["hand", /^hand\b|^hand-|\bhand-written\b|\bby hand\b|\bplain loop\b/i],
  ["heap", /^heap\b|^new (Float|Int|Uint|BigInt|BigUint)\d*(Clamped)?Array\(|\bplain heap\b/i],
  [
    "peer",
    /typedarray-pool|@?thi\.ng|MemPool|ndarray-ops|scijs|tfjs|tensorflow|@stdlib|stdlib\//i,
  ],
  // scijs's package in lower case; the library's own NDArray is not a peer.
  ["peer", /^ndarray\b/],
];

/** The kind of a case named `name`. */
export function caseKind(name: string): CaseKind {
  for (const [kind, re] of KIND_RULES) if (re.test(name)) return kind;
  return "library";
}

/** One case over all runs: its mean time in each run (NaN where it failed or was absent). */
export interface CaseSeries {
  file: string;
  group: string | null;
  name: string;
  baseline: boolean;
  kind: CaseKind;
  /** Mean time per call in each run, ns. */
  avg: number[];
  /** 75th and 99th percentile of each run, ns. */
  p75: number[];
  p99: number[];
  /** The first error, if the case failed in any run. */
  error?: string;
}

/** The cases of `runs` runs, one series each, in the order they first appear. */
export function seriesOf(cases: readonly BenchCase[], runs: number): CaseSeries[] {
  const byKey = new Map<string, CaseSeries>();
  for (const c of cases) {
    const key = `${c.file}\u0000${c.group}\u0000${c.name}`;
    let s = byKey.get(key);
    if (s === undefined) {
      const nan = () => new Array<number>(runs).fill(NaN);
      s = {
        file: c.file,
        group: c.group,
        name: c.name,
        baseline: c.baseline,
        kind: caseKind(c.name),
        avg: nan(),
        p75: nan(),
        p99: nan(),
      };
      byKey.set(key, s);
    }
    s.avg[c.run] = c.avg;
    s.p75[c.run] = c.p75;
    s.p99[c.run] = c.p99;
    if (c.error !== undefined && s.error === undefined) s.error = c.error;
  }
  return [...byKey.values()];
}

/** `a / b` in each run where both were measured (NaN elsewhere). */
export function runRatios(a: CaseSeries, b: CaseSeries): number[] {
  return a.avg.map((x, r) => x / b.avg[r]);
}

/** One group's cases, merged across files by group name (a file may add cases to a group). */
export interface GroupSeries {
  group: string;
  files: string[];
  cases: CaseSeries[];
}

/**
 * The named groups, each merged across the files that use the name; a case name already seen
 * in the group (another file's copy of a reference case) is kept once, from the first file.
 */
export function groupsOf(series: readonly CaseSeries[]): GroupSeries[] {
  const out = new Map<string, GroupSeries>();
  for (const s of series) {
    if (s.group === null) continue;
    let g = out.get(s.group);
    if (g === undefined) out.set(s.group, g = { group: s.group, files: [], cases: [] });
    if (!g.files.includes(s.file)) g.files.push(s.file);
    if (!g.cases.some((c) => c.name === s.name)) g.cases.push(s);
  }
  return [...out.values()];
}

/** The number in a group name after `×` or `=` (`Float64 × 100 000` → 100000), if any. */
export function groupSize(group: string): number | undefined {
  const m = /(?:×|=)\s*(\d{1,3}(?:[ ,\u202f]\d{3})+|\d+)(?!\d)/.exec(group);
  return m ? Number(m[1].replace(/[ ,\u202f]/g, "")) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** A duration in nanoseconds, with three significant digits and a unit (`28.3 ns`, `1.52 µs`). */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  const units: [number, string][] = [[1e9, "s"], [1e6, "ms"], [1e3, "µs"], [1, "ns"]];
  for (const [scale, unit] of units) {
    if (Math.abs(ns) >= scale || unit === "ns") return `${sig3(ns / scale)} ${unit}`;
  }
  return `${ns} ns`;
}

/** A byte count in binary units with three significant digits (`800 B`, `2.29 MiB`). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  const units: [number, string][] = [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]];
  for (const [scale, unit] of units) {
    if (Math.abs(bytes) >= scale) return `${sig3(bytes / scale)} ${unit}`;
  }
  return `${Math.round(bytes)} B`;
}

/** A ratio such as `16.1×`; `∞×` when the denominator is zero. */
export function formatRatio(r: number): string {
  if (Number.isNaN(r)) return "—";
  if (r === Infinity) return "∞×";
  return `${sig3(r)}×`;
}

function sig3(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** `faster`/`slower` wording of `time / baseline` (`16.1× faster`, `2.30× slower`). */
export function formatVsBaseline(time: number, baseline: number): string {
  if (!Number.isFinite(time) || !Number.isFinite(baseline) || time <= 0 || baseline <= 0) {
    return "—";
  }
  const r = baseline / time;
  if (Math.abs(r - 1) < 0.005) return "same";
  return r >= 1 ? `${formatRatio(r)} faster` : `${formatRatio(1 / r)} slower`;
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** A Markdown table. */
export function markdownTable(head: string[], rows: string[][], align?: string[]): string {
  const sep = head.map((_, i) => align?.[i] === "r" ? "---:" : "---");
  return [head, sep, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(cell)).join(" | ")} |`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// Measurement scripts

/** A measurement script's rows merged over the runs: group → row → metric → samples. */
export interface MergedMeasurement {
  group: string;
  command: string;
  method: string;
  rows: {
    name: string;
    kind: CaseKind;
    baseline: boolean;
    values: Map<string, number[]>;
    /** For each metric, how many of its samples each run gave, in the order of `values`. */
    runLengths: Map<string, number[]>;
  }[];
}

/** Merges each run's MeasurementJson by group, row and metric (the samples concatenated). */
export function mergeMeasurements(runs: readonly MeasurementJson[]): MergedMeasurement[] {
  const out: MergedMeasurement[] = [];
  for (const m of runs) {
    for (const g of m.groups ?? []) {
      let mg = out.find((x) => x.group === g.name && x.command === m.command);
      if (!mg) out.push(mg = { group: g.name, command: m.command, method: m.method, rows: [] });
      for (const r of g.rows) {
        let row = mg.rows.find((x) => x.name === r.name);
        if (!row) {
          mg.rows.push(
            row = {
              name: r.name,
              kind: caseKind(r.name),
              baseline: r.baseline ?? false,
              values: new Map(),
              runLengths: new Map(),
            },
          );
        }
        for (const [metric, v] of Object.entries(r.values)) {
          const list = row.values.get(metric) ?? [], samples = Array.isArray(v) ? v : [v];
          list.push(...samples);
          row.values.set(metric, list);
          row.runLengths.set(metric, [...(row.runLengths.get(metric) ?? []), samples.length]);
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The design's figures

/** Everything a report is made of. */
export interface ReportData {
  /** Every bench case over the runs. */
  series: CaseSeries[];
  /** How many bench runs. */
  runs: number;
  /** Each run's demo output. */
  demos: DemoJson[];
  /** The measurement scripts' output, merged over the runs. */
  measurements: MergedMeasurement[];
}

/** One measurement of a figure: a value per run (a ratio or an amount). */
export interface Measure {
  /** Where the values come from: a bench group, the demo, a measurement script. */
  source: string;
  /** One per run (NaN where a run did not measure it), or one per `samples`. */
  values: number[];
  /** What each value is when not a run: `rounds` of a script that pairs its samples. */
  samples?: string;
  /** What was compared, as medians (`72.2 ns vs 873 ns`). */
  detail?: string;
  /** For samples pooled from several runs: the median of each run's samples, in run order. */
  runMedians?: number[];
  /**
   * Why a measurement is shown beside the figure's others but not judged against its target
   * (e.g. a harness less suited to the comparison than another shown); judged when absent.
   */
  notJudged?: string;
}

/**
 * How a figure's values read: `faster` (their time / ours), `time` (ours / theirs), `fewer`
 * (their bytes / ours), `bytes` or `count` (amounts), `percent` (a difference).
 */
export type Unit = "faster" | "time" | "fewer" | "bytes" | "count" | "percent";

/** One figure of the report: what it compares, its target (if any) and how it is measured. */
export interface FigureSpec {
  what: string;
  /** The design's target, or `undefined` for a figure shown for comparison only. */
  target?: string;
  unit: Unit;
  /** Whether a value meets the target. */
  ok?: (v: number) => boolean;
  /** Judge every run's value instead of the median (e.g. GCs that must never happen). */
  every?: boolean;
  /** Its measurements; several when two ways of measuring it exist (each is shown). */
  measure(d: ReportData): Measure[];
}

/** A figure as measured: each measurement's text, its verdict and the figure's verdict. */
export interface FigureResult {
  what: string;
  target?: string;
  measures: (Measure & { spread?: Spread; text: string; met: boolean | undefined })[];
  /** Met by every measurement; `undefined` when nothing measured it or it has no target. */
  met: boolean | undefined;
}

/** Which cases a figure compares. */
interface Query {
  file?: RegExp;
  group: (group: string) => boolean;
  name?: RegExp;
  kind?: CaseKind;
}

const has = (...res: RegExp[]) => (g: string) => res.every((re) => re.test(g));
const sized = (n: number, ...res: RegExp[]) => (g: string) =>
  groupSize(g) === n && res.every((re) => re.test(g));

function find(d: ReportData, q: Query): CaseSeries | undefined {
  return d.series.find((s) =>
    s.group !== null && q.group(s.group) && (q.file === undefined || q.file.test(s.file)) &&
    (q.name === undefined || q.name.test(s.name)) && (q.kind === undefined || s.kind === q.kind) &&
    s.avg.some(Number.isFinite)
  );
}

/** A time comparison of two cases, run by run: `faster` = b / a, `time` = a / b. */
function compare(a: CaseSeries | undefined, b: CaseSeries | undefined, unit: Unit): Measure[] {
  if (!a || !b) return [];
  const medianOf = (s: CaseSeries) => spreadOf(s.avg)?.median ?? NaN;
  return [{
    source: a.file === b.file ? `${a.file} "${a.group}"` : `${a.file}, ${b.file} "${a.group}"`,
    values: unit === "faster" ? runRatios(b, a) : runRatios(a, b),
    detail: `${a.name}: ${formatNs(medianOf(a))} vs ${b.name}: ${formatNs(medianOf(b))}`,
  }];
}

/** The group's first library case (named `name`, if given) against its first case of `kind`. */
function libraryVs(
  d: ReportData,
  group: (g: string) => boolean,
  kind: CaseKind,
  unit: Unit,
  name?: RegExp,
): Measure[] {
  return compare(find(d, { group, kind: "library", name }), find(d, { group, kind }), unit);
}

function demoCaseOf(demo: DemoJson, workload: string, id: string): DemoCase | undefined {
  return demo.workloads.find((w) => w.id === workload)?.cases.find((c) => c.id === id);
}

/** A demo run's rows of one workload. */
interface DemoRows {
  heap: DemoCase;
  alloc: DemoCase;
  checked?: DemoCase;
}

/** A figure from each demo run: `f` of the workload's heap, alloc and checked rows. */
function fromDemo(
  d: ReportData,
  workload: string,
  f: (c: DemoRows) => number,
  detail: (c: DemoRows) => string,
): Measure[] {
  const rows: DemoRows[] = [];
  for (const demo of d.demos) {
    const heap = demoCaseOf(demo, workload, "heap");
    const alloc = demoCaseOf(demo, workload, "alloc");
    if (heap && alloc) rows.push({ heap, alloc, checked: demoCaseOf(demo, workload, "checked") });
  }
  if (rows.length === 0) return [];
  return [{
    source: `examples/demo.ts (${d.demos[0].command})`,
    values: rows.map(f),
    detail: detail(rows[Math.floor(rows.length / 2)]),
  }];
}

/** Which row of a measurement script's group: by kind and name, either optional. */
interface RowQuery {
  kind?: CaseKind;
  name?: RegExp;
}

/** The first row of `m` that `q` describes. */
function rowOf(m: MergedMeasurement, q: RowQuery): MergedMeasurement["rows"][number] | undefined {
  return m.rows.find((x) =>
    (q.kind === undefined || x.kind === q.kind) && (q.name === undefined || q.name.test(x.name))
  );
}

/** The name of the first metric of `row` that `metric` matches, if any. */
function metricKey(
  row: MergedMeasurement["rows"][number] | undefined,
  metric: RegExp,
): string | undefined {
  return row && [...row.values.keys()].find((k) => metric.test(k));
}

/** A metric of a measurement script's row: the samples of the first group and row matching. */
function fromMeasurement(
  d: ReportData,
  group: (g: string) => boolean,
  row: RowQuery,
  metric: RegExp,
): Measure[] {
  for (const m of d.measurements) {
    if (!group(m.group)) continue;
    const r = rowOf(m, row);
    const key = metricKey(r, metric);
    if (r && key) {
      return [{
        source: `${m.command} "${m.group}"`,
        values: r.values.get(key)!,
        samples: "samples",
        detail: `${r.name}: ${key}`,
      }];
    }
  }
  return [];
}

/**
 * Two rows of a measurement script's group compared sample by sample on `metric` (`faster` =
 * b / a, `time` = a / b): for scripts whose i-th samples of every row come from the same round
 * (benches/cnn_ratios.ts, benches/ops_ratios.ts), so each ratio is taken within one round.
 */
function pairedRatio(
  d: ReportData,
  group: (g: string) => boolean,
  a: RowQuery,
  b: RowQuery,
  metric: RegExp,
  unit: Unit,
): Measure[] {
  for (const m of d.measurements) {
    if (!group(m.group)) continue;
    const ra = rowOf(m, a), rb = rowOf(m, b);
    const key = metricKey(ra, metric);
    const va = key ? ra!.values.get(key) : undefined, vb = key ? rb?.values.get(key) : undefined;
    if (!va || !vb || va.length !== vb.length) continue;
    const mid = (v: number[]) => formatMetric(key!, spreadOf(v)?.median ?? NaN);
    const values = va.map((x, i) => unit === "faster" ? vb[i] / x : x / vb[i]);
    return [{
      source: `${m.command} "${m.group}"`,
      values,
      samples: "rounds",
      detail: `${ra!.name}: ${mid(va)} vs ${rb!.name}: ${mid(vb)} (${key}, medians)`,
      ...runMediansOf(values, ra!.runLengths.get(key!)),
    }];
  }
  return [];
}

/**
 * Each run's median of per-round `values` (`lengths`: how many rounds each run gave, in order),
 * when there was more than one run.
 */
function runMediansOf(values: number[], lengths?: number[]): { runMedians?: number[] } {
  let start = 0;
  const runMedians = (lengths ?? [values.length]).map((n) =>
    spreadOf(values.slice(start, start += n))?.median ?? NaN
  );
  return runMedians.length > 1 ? { runMedians } : {};
}

/**
 * The slowest of a measurement script's library rows named by `name` against its hand-written
 * row, in each round (`metric` is a time: slowest = largest ratio), for scripts whose i-th
 * samples of every row come from the same round (benches/alloc_ratios.ts).
 */
function slowestPaired(
  d: ReportData,
  group: (g: string) => boolean,
  name: RegExp,
  metric: RegExp,
): Measure[] {
  for (const m of d.measurements) {
    if (!group(m.group)) continue;
    const hand = rowOf(m, { kind: "hand" });
    const key = metricKey(hand, metric);
    const lib = m.rows.filter((r) => r.kind === "library" && name.test(r.name));
    const h = key ? hand!.values.get(key) : undefined;
    const vs = lib.map((r) => r.values.get(key!));
    if (!h || lib.length < 2 || vs.some((v) => v?.length !== h.length)) continue;
    const values = h.map((x, i) => Math.max(...vs.map((v) => v![i] / x)));
    return [{
      source: `${m.command} "${m.group}"`,
      values,
      samples: "rounds",
      detail: `the slowest of ${lib.length} buffer classes in each round vs ${hand!.name}`,
      ...runMediansOf(values, hand!.runLengths.get(key!)),
    }];
  }
  return [];
}

/**
 * Marks a `deno bench` measurement of the CNN as shown but not judged: the rotated-round
 * subprocess harness (benches/cnn_ratios.ts) is the one suited to these ratios.
 */
function oneProcess(ms: Measure[]): Measure[] {
  return shownOnly(
    ms,
    "every variant in one process, one after another, so each runs code compiled for all of them and pays for the garbage of the ones before",
  );
}

/** Marks measurements as shown beside a figure but not judged, saying why. */
function shownOnly(ms: Measure[], why: string): Measure[] {
  return ms.map((m) => ({ ...m, notJudged: why }));
}

/**
 * How far apart a rotated-round ratio's separate runs are: `|a / b − 1|` in percent for every
 * two runs' medians (a measurement with a single run gives none).
 */
function runAgreement(ms: Measure[], what: string): Measure[] {
  return ms.flatMap((m) => {
    const r = m.runMedians;
    if (!r || r.length < 2) return [];
    const values: number[] = [];
    for (let i = 0; i < r.length; i++) {
      for (let j = i + 1; j < r.length; j++) {
        values.push(Math.abs(Math.max(r[i], r[j]) / Math.min(r[i], r[j]) - 1) * 100);
      }
    }
    return [{
      source: m.source,
      values,
      samples: "pairs of runs",
      detail: `${what}, each run's median: ${r.map((v) => formatRatio(v)).join(", ")}`,
    }];
  });
}

const ALLOC = /(^|\/)alloc_bench\.ts$/;
const TIME = /^time\/call/;
const CNN_BENCH = /(^|\/)cnn_bench\.ts$/;
const allocGroup = (n: number) => (g: string) => /^Float64 ×/.test(g) && groupSize(g) === n;
const MIXED = has(/mixed sizes/i);
const DEFAULT_BUFFER = /^default buffer/;
const faster = (min: number) => (v: number) => v >= min;
const atMost = (max: number) => (v: number) => v <= max;

/**
 * The figures of the design's table, each with the benches that measure it, plus the peers'
 * figures the README shows. A figure whose benches are missing is "not measured".
 */
export const FIGURES: readonly FigureSpec[] = [
  {
    what:
      "`noEscape` + `alloc(Float64Array, 30)` vs `new Float64Array(30)` (every element written)",
    target: "≥ 12× faster",
    unit: "faster",
    ok: faster(12),
    measure: (d) =>
      compare(
        find(d, { file: ALLOC, group: allocGroup(30), name: DEFAULT_BUFFER }),
        find(d, { file: ALLOC, group: allocGroup(30), kind: "heap" }),
        "faster",
      ),
  },
  {
    what: "same vs a hand-written bump over one `ArrayBuffer` (and the slowest buffer class)",
    target: "≤ 1.6× its time",
    unit: "time",
    ok: atMost(1.6),
    measure: (d) => {
      const hand = find(d, { file: ALLOC, group: allocGroup(30), kind: "hand" });
      const own = compare(
        find(d, { file: ALLOC, group: allocGroup(30), name: DEFAULT_BUFFER }),
        hand,
        "time",
      );
      // Every buffer class and form of the group (all files), the slowest in each run.
      const lib = d.series.filter((s) =>
        s.group !== null && allocGroup(30)(s.group) && s.kind === "library" &&
        /noEscape/.test(s.name)
      );
      const rounds = [
        ...pairedRatio(d, allocGroup(30), { name: DEFAULT_BUFFER }, { kind: "hand" }, TIME, "time"),
        ...slowestPaired(d, allocGroup(30), /noEscape/, TIME),
      ];
      if (!hand || lib.length < 2) return [...own, ...rounds];
      // (The noEscape cases: one per buffer class, the region forms aside.)
      const worst = hand.avg.map((h, r) => Math.max(...lib.map((s) => s.avg[r] / h)));
      return [...own, {
        source: `${[...new Set(lib.map((s) => s.file))].join(", ")} "${hand.group}"`,
        values: worst,
        detail: `the slowest of ${lib.length} buffer classes in each run vs ${hand.name}`,
      }, ...rounds];
    },
  },
  {
    what: "a mix of sizes: default buffer vs typedarray-pool, @thi.ng/malloc",
    target: "faster",
    unit: "faster",
    ok: faster(1),
    measure: (d) => {
      const ours = find(d, { group: MIXED, name: DEFAULT_BUFFER });
      return [
        ...compare(ours, find(d, { group: MIXED, name: /typedarray-pool/ }), "faster"),
        ...compare(ours, find(d, { group: MIXED, name: /thi\.ng/ }), "faster"),
        ...pairedRatio(
          d,
          MIXED,
          { name: DEFAULT_BUFFER },
          { name: /typedarray-pool/ },
          TIME,
          "faster",
        ),
        ...pairedRatio(d, MIXED, { name: DEFAULT_BUFFER }, { name: /thi\.ng/ }, TIME, "faster"),
      ];
    },
  },
  {
    what: "region + 2 × `similar` + `add`, n = 30, `withAllocator(BumperAllocator)` vs a hand bump",
    target: "≤ 2× its time",
    unit: "time",
    ok: atMost(2),
    measure: (d) => {
      const g = sized(30, /similar/i, /\badd\b/);
      return libraryVs(d, g, "hand", "time");
    },
  },
  {
    what: "same vs `new Float64Array` code",
    target: "≥ 5× faster",
    unit: "faster",
    ok: faster(5),
    measure: (d) => {
      const g = sized(30, /similar/i, /\badd\b/);
      return libraryVs(d, g, "heap", "faster");
    },
  },
  {
    what: "JavaScript-heap garbage per such iteration, steady state",
    target: "≤ 100 B",
    unit: "bytes",
    ok: atMost(100),
    measure: (d) => fromMeasurement(d, has(/similar/i, /\badd\b/), { kind: "library" }, /JS heap/i),
  },
  ...[30, 1000, 100_000].map((n): FigureSpec => ({
    what: `\`add(a, b, out)\` vs a hand loop, n = ${n === 100_000 ? "100 000" : n}`,
    target: n === 30 ? "≤ 4× its time" : "≤ 1.3× its time",
    unit: "time",
    ok: atMost(n === 30 ? 4 : 1.3),
    measure: (d) => {
      const g = sized(n, /\badd\b/, /\bout\b/);
      return [
        ...libraryVs(d, g, "hand", "time"),
        ...pairedRatio(d, g, { kind: "library" }, { kind: "hand" }, TIME, "time"),
      ];
    },
  })),
  {
    what: "`add(a, b, out)` vs scijs `ndarray-ops` (each size)",
    target: "faster",
    unit: "faster",
    ok: faster(1),
    measure: (d) =>
      [...new Set(d.series.map((s) => s.group))].filter((g): g is string =>
        g !== null && /\badd\b/.test(g) && /\bout\b/.test(g)
      ).flatMap((g) =>
        compare(
          find(d, { group: (x) => x === g, kind: "library" }),
          find(d, { group: (x) => x === g, name: /ndarray-ops/ }),
          "faster",
        )
      ),
  },
  {
    what: "`sum` vs a plain loop, n = 1000",
    target: "≤ 1.3× its time",
    unit: "time",
    ok: atMost(1.3),
    measure: (d) => {
      const g = sized(1000, /\bsum\b/);
      return [
        ...libraryVs(d, g, "hand", "time"),
        ...pairedRatio(d, g, { kind: "library" }, { kind: "hand" }, TIME, "time"),
      ];
    },
  },
  {
    what: "`get` / `set` of an `NDArray` (1-d and 2-d) vs `data[i]`",
    target: "≤ 3× its time",
    unit: "time",
    ok: atMost(3),
    measure: (d) =>
      [/^get, 1-d/, /^get, 2-d/, /^set, 1-d/, /^set, 2-d/].flatMap((re) => {
        const g = has(re), lib = { kind: "library" as const, name: /^NDArray (get|set)\(/ };
        return [
          ...compare(find(d, { group: g, ...lib }), find(d, { group: g, kind: "hand" }), "time"),
          ...pairedRatio(d, g, lib, { kind: "hand" }, TIME, "time"),
        ];
      }),
  },
  {
    what: "`similar` / `noEscape` on a `BumperAllocator` vs a hand bump",
    target: "≤ 2× its time",
    unit: "time",
    ok: atMost(2),
    measure: (d) => {
      // Every group of `similar`, regions and resets (not the main path's, which adds), each of
      // its BumperAllocator cases against its hand-written case.
      const groups = [...new Set(d.series.map((s) => s.group))].filter((g): g is string =>
        g !== null && /\bsimilar\b|\bnoEscape\b|\bregion\b/.test(g) && !/\badd\b/.test(g)
      );
      return groups.flatMap((g) => {
        const hand = find(d, { group: (x) => x === g, kind: "hand" });
        return d.series.filter((s) =>
          s.group === g && s.kind === "library" && /BumperAllocator/.test(s.name)
        ).flatMap((s) => compare(s, hand, "time"));
      });
    },
  },
  {
    what: "`basic_reduction` on 100 000 Float64: bumper vs heap, time",
    target: "≥ 1.3× faster",
    unit: "faster",
    ok: faster(1.3),
    measure: (d) => [
      ...compare(
        find(d, { group: has(/^basic_reduction/), name: /^AllocArray.*BumperAllocator/ }),
        find(d, { group: has(/^basic_reduction/), kind: "heap" }),
        "faster",
      ),
      ...fromDemo(
        d,
        "reduction",
        (c) => c.heap.msPerRun / c.alloc.msPerRun,
        (c) => `${formatNs(c.alloc.msPerRun * 1e6)} vs ${formatNs(c.heap.msPerRun * 1e6)} per run`,
      ),
    ],
  },
  {
    what: "`basic_reduction`: bumper vs heap, ArrayBuffer bytes",
    target: "≥ 1000× fewer",
    unit: "fewer",
    ok: faster(1000),
    measure: (d) =>
      fromDemo(
        d,
        "reduction",
        (c) => c.alloc.bytesPerRun === 0 ? Infinity : c.heap.bytesPerRun / c.alloc.bytesPerRun,
        (c) => `${formatBytes(c.alloc.bytesPerRun)} vs ${formatBytes(c.heap.bytesPerRun)} per run`,
      ),
  },
  {
    what: "CNN inference: bumper vs every intermediate preallocated by hand",
    target: "≤ 1.05× its time",
    unit: "time",
    ok: atMost(1.05),
    measure: (d) => {
      const g = has(/\bCNN\b/);
      return [
        ...pairedRatio(d, g, { kind: "library" }, { kind: "hand" }, /^CPU time/, "time"),
        ...oneProcess(compare(
          find(d, { group: g, name: /BumperAllocator\(\)$/, kind: "library" }) ??
            find(d, { group: g, kind: "library" }),
          find(d, { group: g, kind: "hand" }),
          "time",
        )),
      ];
    },
  },
  {
    what: "CNN inference: bumper vs heap, ArrayBuffer bytes",
    target: "≥ 500× fewer",
    unit: "fewer",
    ok: faster(500),
    measure: (d) =>
      fromDemo(
        d,
        "cnn",
        (c) => c.alloc.bytesPerRun === 0 ? Infinity : c.heap.bytesPerRun / c.alloc.bytesPerRun,
        (c) => `${formatBytes(c.alloc.bytesPerRun)} vs ${formatBytes(c.heap.bytesPerRun)} per pass`,
      ),
  },
  {
    what: "CNN inference: bumper vs heap, time",
    target: "≥ 1.3× faster",
    unit: "faster",
    ok: faster(1.3),
    measure: (d) => [
      ...pairedRatio(
        d,
        has(/\bCNN\b/),
        { kind: "library" },
        { kind: "heap" },
        /^CPU time/,
        "faster",
      ),
      ...shownOnly(
        pairedRatio(d, has(/\bCNN\b/), { kind: "hand" }, { kind: "heap" }, /^CPU time/, "faster"),
        "the pass with every intermediate preallocated by hand, which allocates nothing, against heap arrays: as far as any allocator can get ahead of the heap on this pass, since only allocation differs",
      ),
      ...oneProcess(compare(
        find(d, { file: CNN_BENCH, group: has(/./), name: /^AllocArray \+ BumperAllocator\(\)$/ }),
        find(d, { file: CNN_BENCH, group: has(/./), kind: "heap" }),
        "faster",
      )),
      ...fromDemo(
        d,
        "cnn",
        (c) => c.heap.msPerRun / c.alloc.msPerRun,
        (c) => `${formatNs(c.alloc.msPerRun * 1e6)} vs ${formatNs(c.heap.msPerRun * 1e6)} per pass`,
      ),
    ],
  },
  {
    what: "CNN time ratios: how far apart separate runs' medians are (rotated rounds)",
    target: "≤ 5%",
    unit: "percent",
    ok: atMost(5),
    every: true,
    measure: (d) => {
      const g = has(/\bCNN\b/);
      return [
        ...runAgreement(
          pairedRatio(d, g, { kind: "library" }, { kind: "hand" }, /^CPU time/, "time"),
          "bumper / preallocated by hand",
        ),
        ...runAgreement(
          pairedRatio(d, g, { kind: "library" }, { kind: "heap" }, /^CPU time/, "faster"),
          "heap / bumper",
        ),
      ];
    },
  },
  {
    what: "CNN inference: bumper, major GCs during the measured passes",
    target: "none",
    unit: "count",
    ok: (v) => v === 0,
    every: true,
    measure: (d) => fromDemo(d, "cnn", (c) => c.alloc.gcMajor, (c) => `${c.alloc.gcMinor} minor`),
  },
  {
    what: "CNN inference: JavaScript-heap garbage per pass",
    target: "≤ 100 KiB",
    unit: "bytes",
    ok: atMost(100 * 1024),
    measure: (d) =>
      fromMeasurement(d, has(/\bCNN\b/), { kind: "library", name: /Bumper/ }, /JS heap/i),
  },
  {
    what: "CNN inference on WebAssembly memory vs tfjs-backend-wasm (SIMD, one thread)",
    target: "≤ 1.0× its time",
    unit: "time",
    ok: atMost(1),
    measure: (d) => {
      const tf = find(d, { group: has(/\bCNN\b/), name: /^tfjs-backend-wasm/ });
      const same = (g: string) => g === tf?.group;
      return compare(find(d, { group: same, name: /WebAssembly memory/ }), tf, "time");
    },
  },
  {
    what: "CNN inference (Float32) vs tfjs-core + tfjs-backend-cpu in `tf.tidy`, same weights",
    unit: "faster",
    measure: (d) => {
      // The library's JavaScript-heap case of the group that has the tfjs case.
      const tf = find(d, { group: has(/\bCNN\b/), name: /tfjs-backend-cpu/ });
      const same = (g: string) => g === tf?.group;
      const ours = find(d, {
        group: same,
        name: /JavaScript heap|BumperAllocator/,
        kind: "library",
      });
      return compare(ours, tf, "faster");
    },
  },
  {
    what: "CheckedAllocArray vs AllocArray on the CNN",
    target: "≤ 3× the time",
    unit: "time",
    ok: atMost(3),
    measure: (d) => [
      ...compare(
        find(d, { file: CNN_BENCH, group: has(/./), name: /^CheckedAllocArray/ }),
        find(d, { file: CNN_BENCH, group: has(/./), name: /^AllocArray \+ BumperAllocator\(\)$/ }),
        "time",
      ),
      ...fromDemo(
        d,
        "cnn",
        (c) => c.checked ? c.checked.msPerRun / c.alloc.msPerRun : NaN,
        (c) =>
          `${formatNs((c.checked?.msPerRun ?? NaN) * 1e6)} vs ${formatNs(c.alloc.msPerRun * 1e6)}`,
      ),
    ],
  },
];

/** `value` in `unit`'s words (`12.1× faster`, `2.71× the time`, `∞× fewer`, `2.29 MiB`). */
export function formatValue(value: number, unit: Unit): string {
  if (Number.isNaN(value)) return "—";
  switch (unit) {
    case "faster":
      if (Math.abs(value - 1) < 0.005) return "same speed";
      return value >= 1 ? `${formatRatio(value)} faster` : `${formatRatio(1 / value)} slower`;
    case "time":
      return `${formatRatio(value)} the time`;
    case "fewer":
      return `${formatRatio(value)} fewer`;
    case "bytes":
      return formatBytes(value);
    case "count":
      return String(Math.round(value * 100) / 100);
    case "percent":
      return `${value.toFixed(1)}%`;
  }
}

/**
 * A spread in `unit`'s words: the median, then the range over the runs with a shared word
 * said once (`12.1× faster (11.8–12.5× over 3 runs)`); one run has no range.
 */
export function formatSpread(s: Spread, unit: Unit, samples = "runs"): string {
  const mid = formatValue(s.median, unit);
  if (s.n < 2) return `${mid} (one ${samples.replace(/^(\w+)s\b/, "$1")})`;
  const lo = formatValue(s.min, unit), hi = formatValue(s.max, unit);
  if (lo === hi) return `${mid} (all ${s.n} ${samples})`;
  // `11.8× faster` and `12.5× faster` → `11.8–12.5×`: the shared words are the median's.
  const ratio = /^([\d.]+|∞)× (.+)$/;
  const [l, h] = [ratio.exec(lo), ratio.exec(hi)];
  // (Slower: the smaller value reads as the larger number, so the numbers go in order.)
  const [from, to] = l && h && Number(l[1]) > Number(h[1]) ? [h, l] : [l, h];
  const range = from && to && from[2] === to[2] ? `${from[1]}–${to[1]}×` : `${lo} to ${hi}`;
  return `${mid} (${range} over ${s.n} ${samples})`;
}

/** Each figure measured: the spread of every measurement and the verdicts. */
export function evaluateFigures(
  d: ReportData,
  figures: readonly FigureSpec[] = FIGURES,
): FigureResult[] {
  return figures.map((f) => {
    const measures = f.measure(d).map((m) => {
      const spread = spreadOf(m.values);
      const met = spread === undefined || f.ok === undefined || m.notJudged !== undefined
        ? undefined
        : f.every
        ? m.values.filter((v) => !Number.isNaN(v)).every(f.ok)
        : f.ok(spread.median);
      const text = !spread ? "not measured" : formatSpread(spread, f.unit, m.samples) +
        (m.runMedians ? `; each run's median: ${m.runMedians.map(formatRatio).join(", ")}` : "");
      return { ...m, spread, met, text };
    });
    const judged = measures.filter((m) => m.met !== undefined);
    return {
      what: f.what,
      target: f.target,
      measures,
      met: judged.length === 0 ? undefined : judged.every((m) => m.met),
    };
  });
}

/** `met`, `MISSED`, `not measured`, or `—` for a figure without a target. */
export function verdict(r: { met: boolean | undefined; target?: string }): string {
  if (r.target === undefined) return "—";
  return r.met === undefined ? "not measured" : r.met ? "met" : "**MISSED**";
}

// ---------------------------------------------------------------------------------------------
// The chart

/** What kind of allocation a case is; each kind has its colour in the chart. */
export type AllocKind = "heap" | "pool" | "floor" | "library";

/** The kind of an allocation case, from its name (caseKind: peers are the pools). */
export function allocKind(name: string): AllocKind {
  const kinds = { heap: "heap", hand: "floor", peer: "pool", library: "library" } as const;
  return kinds[caseKind(name)];
}

const KIND_STYLE: Record<AllocKind, { color: string; legend: string }> = {
  heap: { color: "#d9534f", legend: "heap: new Float64Array(n)" },
  pool: { color: "#f0ad4e", legend: "pooled allocators (npm)" },
  floor: { color: "#8c8c8c", legend: "hand-written bump (the floor)" },
  library: { color: "#337ab7", legend: "allocarrays" },
};

/** One bar group of the chart. */
export interface ChartGroup {
  title: string;
  rows: { label: string; ns: number; kind: AllocKind }[];
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The chart's label for a case: its name without a trailing parenthetical explanation. */
export function chartLabel(name: string): string {
  return name.replace(/\s+\([^()]*(\([^()]*\)[^()]*)*\)$/, "");
}

/**
 * The allocation chart: one horizontal bar per case, grouped by size, on a logarithmic time
 * axis with a gridline per decade, coloured by kind, each bar labelled with its time.
 */
export function allocationChart(groups: readonly ChartGroup[], subtitle: string): string {
  const all = groups.flatMap((g) => g.rows.map((r) => r.ns)).filter((v) => v > 0);
  if (all.length === 0) {
    throw new RangeError("Cannot draw the allocation chart: no allocation results");
  }
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const charW = 6.6;
  const labelW = Math.ceil(
    Math.max(...groups.flatMap((g) => g.rows.map((r) => r.label.length))) * charW,
  ) + 16;
  const plotW = 440;
  const valueW = 70;
  const left = labelW;
  const width = left + plotW + valueW;
  const rowH = 17;
  const barH = 12;
  const groupGap = 26;
  const top = 62;
  const x = (ns: number) =>
    left + plotW * (Math.log10(Math.max(ns, lo)) - Math.log10(lo)) /
      (Math.log10(hi) - Math.log10(lo));
  const parts: string[] = [];
  let y = top;
  for (const g of groups) {
    y += groupGap;
    parts.push(
      `<text x="8" y="${y - 8}" class="group">${xml(g.title)}</text>`,
    );
    for (const r of g.rows) {
      const w = Math.max(1, x(r.ns) - left);
      parts.push(
        `<text x="${left - 8}" y="${y + barH - 2}" class="label" text-anchor="end">${
          xml(r.label)
        }</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${
          KIND_STYLE[r.kind].color
        }"><title>${xml(`${r.label}: ${formatNs(r.ns)}`)}</title></rect>`,
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 2}" class="value">${
          xml(formatNs(r.ns))
        }</text>`,
      );
      y += rowH;
    }
  }
  const bottom = y + 8;
  const grid: string[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const gx = x(v).toFixed(1);
    grid.push(
      `<line x1="${gx}" y1="${top}" x2="${gx}" y2="${bottom}" class="grid"/>`,
      `<text x="${gx}" y="${top - 4}" class="axis" text-anchor="middle">${
        xml(formatNs(v).replace(/\.0+ /, " ").replace(/\.00 /, " "))
      }</text>`,
      `<text x="${gx}" y="${bottom + 14}" class="axis" text-anchor="middle">${
        xml(formatNs(v).replace(/\.0+ /, " ").replace(/\.00 /, " "))
      }</text>`,
    );
  }
  const legendY = bottom + 34;
  let lx = 8;
  const legend = (Object.keys(KIND_STYLE) as AllocKind[]).map((k) => {
    const x0 = lx;
    lx += 17 + Math.ceil(KIND_STYLE[k].legend.length * charW) + 24;
    return `<rect x="${x0}" y="${legendY - 10}" width="12" height="12" fill="${
      KIND_STYLE[k].color
    }"/><text x="${x0 + 17}" y="${legendY}" class="label">${xml(KIND_STYLE[k].legend)}</text>`;
  });
  const height = legendY + 14;
  const title = "Allocating n Float64 values: time per allocation (log scale, lower is better)";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${
      xml(title)
    }">`,
    `<title>${xml(title)}</title>`,
    `<style>text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11px;fill:#222}.title{font-size:14px;font-weight:bold}.group{font-weight:bold;font-size:12px}.axis{fill:#666;font-size:10px}.grid{stroke:#ddd;stroke-width:1}.value{fill:#444}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" class="title">${xml(title)}</text>`,
    `<text x="8" y="38" class="axis">${xml(subtitle)}</text>`,
    ...grid,
    ...parts,
    ...legend,
    `</svg>`,
    "",
  ].join("\n");
}

/**
 * The chart's groups: the allocation groups (`Float64 × n`, every file's cases merged) by size,
 * each case's median time over the runs.
 */
export function allocationGroups(series: readonly CaseSeries[]): ChartGroup[] {
  return groupsOf(series)
    .filter((g) => /^Float64 × \d+$/.test(g.group))
    .sort((a, b) => groupSize(a.group)! - groupSize(b.group)!)
    .map((g) => {
      const n = groupSize(g.group)!;
      return {
        title: `${n.toLocaleString("en-US")} Float64 (${formatBytes(n * 8)})`,
        rows: g.cases.filter((c) => c.avg.some(Number.isFinite)).map((c) => ({
          label: chartLabel(c.name),
          ns: spreadOf(c.avg)!.median,
          kind: allocKind(c.name),
        })),
      };
    });
}

// ---------------------------------------------------------------------------------------------
// The report

/** Where, when and how the numbers of a report were measured, and how it was rendered. */
export interface RenderInfo {
  /** When and where the benches ran. */
  meta: RunMeta;
  /** The commands that produced the numbers. */
  commands: string[];
  /** How many bench runs. */
  runs: number;
  /** `true` for a `--quick` run (not for citing). */
  quick: boolean;
  /** When the report is rendered from saved results: the render's date and the files. */
  rerendered?: { date: string; from: string[] };
  /** The demo's own when and where, when it differs from `meta` (another file, another run). */
  demoMeta?: RunMeta;
}

/** A RunMeta as a sentence: `2026-11-22T05:56:05Z on AMD EPYC (2 cores, …), Deno 2.9.6, …`. */
export function describeMeta(m: RunMeta): string {
  const machine = [
    m.cores === null ? undefined : `${m.cores} cores`,
    m.memory === "unknown" ? undefined : `${m.memory} RAM`,
    m.os === "unknown" ? undefined : m.os,
  ].filter((x) => x !== undefined).join(", ");
  if (m.date === "unknown" && m.cpu === "unknown" && m.runtime === "unknown") {
    return "at an unknown date, machine and runtime (the saved results carry no metadata)";
  }
  const when = m.date === "unknown" ? "at an unknown date (the saved results do not say)" : m.date;
  return `${when} on ${m.cpu}${machine ? ` (${machine})` : ""}, ${m.runtime}${
    m.commit ? `, commit ${m.commit}` : ""
  }`;
}

/** The report's "How it was run" lines. */
export function provenance(info: RenderInfo): string[] {
  const m = info.meta;
  const lines = [
    `- Measured ${describeMeta(m)}.`,
    ...info.commands.map((c) => `- \`${c}\``),
    m.load
      ? `- Load average (1 min) before / after: ${m.load[0].toFixed(2)} / ${m.load[1].toFixed(2)}${
        m.cores !== null && m.load[0] > 0.5 * m.cores ? " (the machine was busy: expect noise)" : ""
      }`
      : "- Load average: not recorded",
    `- ${info.runs} bench run${info.runs === 1 ? "" : "s"}${
      info.runs > 1
        ? ", the files in a rotated order each time; every figure is the median over the runs with the range of the runs' values (each a ratio within one run)"
        : "; one run shows no spread"
    }. Times are \`deno bench\` means per call.`,
  ];
  if (info.demoMeta) lines.push(`- The demo's figures: measured ${describeMeta(info.demoMeta)}.`);
  if (info.rerendered) {
    lines.push(
      `- Rendered ${info.rerendered.date} from saved results (${
        info.rerendered.from.map((f) => `\`${f}\``).join(", ")
      }); the numbers are those of the run above.`,
    );
  }
  return lines;
}

/** The figures table: each figure, its target, every measurement with its spread and source. */
export function figuresTable(results: readonly FigureResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    const ms = r.measures.length > 0 ? r.measures : [undefined];
    ms.forEach((m, i) =>
      rows.push([
        i === 0 ? r.what : "",
        i === 0 ? r.target ?? "—" : "",
        m ? m.text + (m.notJudged ? ` (shown, not judged: ${m.notJudged})` : "") : "not measured",
        i === 0 ? verdict(r) : "",
        m ? `${m.source}${m.detail ? `: ${m.detail}` : ""}` : "its benches did not run",
      ])
    );
  }
  return markdownTable(["what", "target", "measured", "verdict", "from"], rows);
}

/** `a / b` run by run as a spread, in words: `0.41× (0.40–0.43× over 3 runs)`, or `0.41×`. */
function timeRatioText(a: CaseSeries, b: CaseSeries): string {
  const s = spreadOf(runRatios(a, b));
  if (!s) return "—";
  return s.n < 2 ? formatRatio(s.median) : formatSpread(s, "time").replaceAll(" the time", "");
}

/**
 * Every group with library cases and at least one hand-written, heap or peer case, side by
 * side: each library case's time as a multiple of each reference's, in the same run.
 */
export function peersSection(series: readonly CaseSeries[]): string {
  const out: string[] = [];
  for (const g of groupsOf(series)) {
    const lib = g.cases.filter((c) => c.kind === "library" && c.avg.some(Number.isFinite));
    const refs = g.cases.filter((c) => c.kind !== "library" && c.avg.some(Number.isFinite));
    if (lib.length === 0 || refs.length === 0) continue;
    out.push(`**${g.group}** (${g.files.map((f) => `\`${f}\``).join(", ")})`, "");
    out.push(
      markdownTable(
        [
          "allocarrays",
          "time",
          ...refs.map((r) =>
            `÷ ${chartLabel(r.name)} (${r.kind}, ${formatNs(spreadOf(r.avg)?.median ?? NaN)})`
          ),
        ],
        [
          ...lib.map((c) => [
            c.name,
            formatNs(spreadOf(c.avg)?.median ?? NaN),
            ...refs.map((r) => timeRatioText(c, r)),
          ]),
        ],
        ["l", "r", ...refs.map(() => "r")],
      ),
      "",
    );
  }
  return out.join("\n");
}

/** How a metric's values read, from its name. */
function formatMetric(metric: string, v: number): string {
  if (/bytes/i.test(metric)) return formatBytes(v);
  if (/\(ns\)/.test(metric)) return formatNs(v);
  if (/\(ms\)/.test(metric)) return formatNs(v * 1e6);
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

/** The measurement scripts' tables: each metric's median and range over the samples. */
export function measurementTables(merged: readonly MergedMeasurement[]): string {
  const out: string[] = [];
  for (const m of merged) {
    const metrics = [...new Set(m.rows.flatMap((r) => [...r.values.keys()]))];
    out.push(`**${m.group}** (\`${m.command}\`)`, "", m.method, "");
    out.push(
      markdownTable(
        ["case", ...metrics],
        m.rows.map((r) => [
          r.baseline ? `${r.name} (baseline)` : r.name,
          ...metrics.map((k) => {
            const s = spreadOf(r.values.get(k) ?? []);
            if (!s) return "—";
            const mid = formatMetric(k, s.median);
            return s.n < 2 || s.min === s.max
              ? mid
              : `${mid} (${formatMetric(k, s.min)} to ${formatMetric(k, s.max)}, ${s.n} samples)`;
          }),
        ]),
        ["l", ...metrics.map(() => "r")],
      ),
      "",
    );
  }
  return out.join("\n");
}

/** The demo's table over its runs: time, ArrayBuffer bytes, page faults and GCs per variant. */
export function demoTable(demos: readonly DemoJson[]): string {
  const rows: string[][] = [];
  const first = demos[0];
  const range = (values: number[], f: (v: number) => string) => {
    const s = spreadOf(values);
    if (!s) return "—";
    return s.n < 2 || f(s.min) === f(s.max)
      ? f(s.median)
      : `${f(s.median)} (${f(s.min)} to ${f(s.max)})`;
  };
  for (const w of first.workloads) {
    for (const c of w.cases) {
      const all = demos.map((d) => demoCaseOf(d, w.id, c.id)).filter((x) => x !== undefined);
      const heaps = demos.map((d) => demoCaseOf(d, w.id, "heap"));
      const speed = all.map((x, i) => (heaps[i]?.msPerRun ?? NaN) / x.msPerRun);
      const fewer = all.map((x, i) =>
        x.bytesPerRun === 0 ? Infinity : (heaps[i]?.bytesPerRun ?? NaN) / x.bytesPerRun
      );
      const s = spreadOf(speed);
      rows.push([
        c === w.cases[0] ? `${w.title} (${w.run})` : "",
        c.label,
        range(all.map((x) => x.msPerRun * 1e6), formatNs),
        c.id === "heap" || !s ? "—" : formatSpread(s, "faster"),
        range(all.map((x) => x.bytesPerRun), formatBytes),
        c.id === "heap" ? "—" : range(fewer, (v) => formatValue(v, "fewer")),
        range(all.map((x) => x.faultsPerRun ?? NaN), (v) => v.toFixed(0)),
        `${range(all.map((x) => x.gcMajor), String)} / ${range(all.map((x) => x.gcMinor), String)}`,
        String(c.runs),
      ]);
    }
  }
  return markdownTable(
    [
      "workload",
      "arrays",
      "time/run",
      "vs heap",
      "ArrayBuffer bytes/run",
      "vs heap",
      "page faults/run",
      "GCs major / minor",
      "runs each",
    ],
    rows,
    ["l", "l", "r", "r", "r", "r", "r", "r", "r"],
  );
}

/** The per-bench tables: one per file and group, medians over the runs and their range. */
export function resultTables(series: readonly CaseSeries[]): string {
  const out: string[] = [];
  const files = [...new Set(series.map((c) => c.file))];
  for (const file of files) {
    out.push(`### \`${file}\``, "");
    const inFile = series.filter((c) => c.file === file);
    const groups = [...new Set(inFile.map((c) => c.group))];
    for (const group of groups) {
      const rows = inFile.filter((c) => c.group === group);
      const base = rows.find((c) => c.baseline);
      if (group !== null) out.push(`**${group}**`, "");
      out.push(
        markdownTable(
          [
            "case",
            "time/call (median)",
            "range of the runs",
            "p99 (median)",
            base ? `vs ${chartLabel(base.name)}` : "vs baseline",
          ],
          rows.map((c) => {
            const s = spreadOf(c.avg);
            const vs = base && !c.baseline ? spreadOf(runRatios(base, c)) : undefined;
            return [
              c.baseline ? `${c.name} (baseline)` : c.name,
              c.error && !s ? `failed: ${c.error.slice(0, 80)}` : formatNs(s?.median ?? NaN),
              s && s.n > 1 ? `${formatNs(s.min)} to ${formatNs(s.max)}` : "—",
              formatNs(spreadOf(c.p99)?.median ?? NaN),
              c.baseline ? "—" : vs ? formatSpread(vs, "faster") : "—",
            ];
          }),
          ["l", "r", "r", "r", "r"],
        ),
        "",
      );
    }
  }
  return out.join("\n");
}

/** The whole benches/README.md. */
export function reportMarkdown(
  info: RenderInfo,
  series: readonly CaseSeries[],
  demos: readonly DemoJson[],
  measurements: readonly MergedMeasurement[],
  results: readonly FigureResult[],
): string {
  const withTarget = results.filter((t) => t.target !== undefined);
  const missed = withTarget.filter((t) => t.met === false);
  const unmeasured = withTarget.filter((t) => t.met === undefined);
  const lines = [
    "# Benchmark results",
    "",
    "<!-- Generated by `deno task bench:report` (scripts/bench_report.ts). Do not edit by hand: re-run the command. -->",
    "",
    info.quick
      ? "> **Quick run**: few iterations, for checking the report machinery only. Do not cite these numbers.\n"
      : "",
    `Measured ${describeMeta(info.meta)}${
      info.rerendered ? `; rendered ${info.rerendered.date} from the saved results` : ""
    }. Compare ratios within a run, not absolute times across machines.`,
    "",
    "## How it was run",
    "",
    ...provenance(info),
    "",
    "## Targets",
    "",
    `Each target of the library's performance with what measured it in these runs (where two benches measure one figure, both are shown, and a target is met when each of them meets it, leaving out only a measurement marked "shown, not judged", which says why). ${
      missed.length === 0
        ? "No target was missed."
        : `Missed: ${missed.length} of ${withTarget.length} (${
          missed.map((t) => t.what).join("; ")
        }).`
    }${
      unmeasured.length > 0
        ? ` Not measured: ${unmeasured.length} (their benches were not in these runs).`
        : ""
    }`,
    "",
    figuresTable(results),
    "",
    "## Against peers and hand-written limits",
    "",
    "Every bench group with allocarrays cases and a hand-written, heap or peer case: each allocarrays case's time divided by each reference's time in the same run (below 1: allocarrays is faster), the median over the runs and their range.",
    "",
    peersSection(series),
    "",
    "## Allocation",
    "",
    "![Time per allocation of n Float64 values, per allocator, log scale](chart.svg)",
    "",
  ];
  if (measurements.length > 0) {
    lines.push(
      "## Garbage and memory",
      "",
      "From the measurement scripts in benches/ (each run of the report runs each once).",
      "",
      measurementTables(measurements),
      "",
    );
  }
  if (demos.length > 0) {
    lines.push(
      "## Demo workloads: time, ArrayBuffer bytes and garbage collections",
      "",
      `From \`${demos[0].command}\`, ${demos.length} run${
        demos.length === 1 ? "" : "s"
      } (the median, and the range where the runs differ). ${demos[0].method}`,
      "",
      demoTable(demos),
      "",
    );
  }
  lines.push("## All results", "", resultTables(series));
  return lines.filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n").trimEnd() + "\n";
}

/**
 * The key ratios for the README's performance section: each measured figure with its spread,
 * under a line saying when, where and by which command it was measured. The targets and
 * verdicts stay in the benches' own report.
 */
export function keyRatiosMarkdown(
  results: readonly FigureResult[],
  info: RenderInfo,
  reportHref = "benches/README.md",
): string {
  const rows = results.flatMap((r) =>
    r.measures.filter((m) => m.spread !== undefined).map((m, i) => [
      i === 0 ? r.what : "",
      m.text + (m.notJudged ? ` (shown beside it: ${m.notJudged})` : ""),
      m.source.replace(/ \(.*\)$/, ""),
    ])
  );
  const source = `Measured ${
    describeMeta(info.meta)
  }, by \`deno task bench:report\` (${info.runs} run${
    info.runs === 1 ? "" : "s"
  }: the median, and the range over the runs)${
    info.rerendered ? `, rendered ${info.rerendered.date} from the saved results` : ""
  }; every result: [benches/README.md](${reportHref}).`;
  return `${source}\n\n${markdownTable(["what", "measured", "from"], rows)}`;
}
