// Internal: the pure part of `deno task bench:report` (scripts/bench_report.ts): reading
// `deno bench --json` output and the demo's `--json` output, checking the figures of
// ../shared/DESIGN.md against them, and writing benches/README.md and the allocation chart
// (a hand-written SVG). No I/O and no `Deno` here, so tests run it under Deno and Node alike.

// ---------------------------------------------------------------------------------------------
// Inputs

/** One benchmark of `deno bench --json`, flattened. Times are nanoseconds per call. */
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
  /** Set when the bench threw. */
  error?: string;
}

/** The shape of `deno bench --json` (version 1) that the report reads. */
export interface DenoBenchJson {
  version: number;
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

/** Flattens `deno bench --json` output; `root` is the repository's file URL (with `/`). */
export function parseBenchJson(json: DenoBenchJson, root: string): BenchCase[] {
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
    const base = { file, group: b.group ?? null, name: b.name, baseline: b.baseline };
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
  workloads: DemoWorkload[];
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
// Targets (the figures table of ../shared/DESIGN.md)

/** One checked target. `met` is `undefined` when it could not be measured. */
export interface TargetResult {
  what: string;
  target: string;
  measured: string;
  met: boolean | undefined;
  /** Where the numbers come from. */
  source: string;
}

/** What selects one bench case. */
interface CaseQuery {
  file?: RegExp;
  group: RegExp;
  name: RegExp;
}

/** The first case matching `q` that has a result. */
export function findCase(cases: readonly BenchCase[], q: CaseQuery): BenchCase | undefined {
  return cases.find((c) =>
    (q.file === undefined || q.file.test(c.file)) && q.group.test(c.group ?? "") &&
    q.name.test(c.name) && Number.isFinite(c.avg)
  );
}

/** The group of the allocation benchmark for `n` Float64 values. */
export const ALLOC_GROUP = (n: number): RegExp => new RegExp(`^Float64 × ${n}$`);
/** The allocation cases: the heap, the pools and the hand-written bump (the floor). */
export const HEAP_CASE = /^new Float64Array\(n\)$/;
export const POOL_CASE = /^typedarray-pool/;
export const BUMP_CASE = /^hand-written bump/;
/**
 * The file of the allocation group's reference cases (heap, pools, hand bump). Other files may
 * add cases to the same groups (benches/autoscaling_alloc_bench.ts); they are compared with
 * these references from the same run.
 */
export const ALLOC_FILE = /(^|\/)alloc_bench\.ts$/;
/** The design's headline form: `noEscape(fn)` + `alloc(Float64Array, n)` on the default buffer. */
export const DEFAULT_BUFFER_CASE = /^default buffer/;
/** The other allocation cases of the library (one per buffer and form). */
const OTHER_CASES = [HEAP_CASE, POOL_CASE, BUMP_CASE, /thi\.ng|MemPool/];

/**
 * The library's cases of the allocation group for `n` values (every buffer and form, from
 * every file).
 */
export function libraryAllocCases(cases: readonly BenchCase[], n: number): BenchCase[] {
  const g = ALLOC_GROUP(n);
  return cases.filter((c) =>
    g.test(c.group ?? "") && Number.isFinite(c.avg) && !OTHER_CASES.some((re) => re.test(c.name))
  );
}

/** How the report finds the other targets' benches (set by the files that hold them). */
export const QUERIES = {
  reductionHeap: { group: /^basic_reduction/, name: /^heap/ },
  reductionAlloc: { group: /^basic_reduction/, name: /^AllocArray.*BumperAllocator/ },
  cnnHeap: { file: /cnn_bench/, group: /./, name: /heap|plain|Array input$/i },
  cnnAlloc: { file: /cnn_bench/, group: /./, name: /^AllocArray \+ BumperAllocator\(\)$/ },
  cnnChecked: { file: /cnn_bench/, group: /./, name: /^CheckedAllocArray/ },
  similarScoped: { file: /scope_bench/, group: /similar/i, name: /similar.*withAllocator/ },
  /** The same allocation and wrap as `similar`, written by hand without the scope. */
  similarByHand: { file: /scope_bench/, group: /similar/i, name: /new AllocArray\(view\)/ },
  /** The CNN (Float32) on a WasmAllocBuffer and with tfjs's wasm backend, one thread. */
  cnnWasm: { file: /cnn_wasm_bench/, group: /./, name: /^allocarrays, WebAssembly memory/ },
  cnnTfjsWasm: { file: /cnn_wasm_bench/, group: /./, name: /^tfjs-backend-wasm/ },
  /** The bare allocation, without creating an array object. */
  similarDirect: { file: /scope_bench/, group: /similar/i, name: /allocation only/i },
} satisfies Record<string, CaseQuery>;

function demoCase(demo: DemoJson | undefined, workload: string, id: string) {
  return demo?.workloads.find((w) => w.id === workload)?.cases.find((c) => c.id === id);
}

function check(
  what: string,
  target: string,
  ratio: number | undefined,
  ok: (r: number) => boolean,
  measured: (r: number) => string,
  source: string,
): TargetResult {
  if (ratio === undefined || Number.isNaN(ratio)) {
    return { what, target, measured: "not measured", met: undefined, source };
  }
  return { what, target, measured: measured(ratio), met: ok(ratio), source };
}

const faster = (r: number) =>
  Math.abs(r - 1) < 0.005
    ? "same speed"
    : r >= 1
    ? `${formatRatio(r)} faster`
    : `${formatRatio(1 / r)} slower`;
const ofTime = (r: number) => `${formatRatio(r)} the time`;
const fewer = (r: number) => `${formatRatio(r)} fewer`;

/**
 * Checks every target of the design's figures table against one run's results. Each target
 * gives one row; a target whose bench is missing is `not measured` (met `undefined`).
 */
export function evaluateTargets(
  cases: readonly BenchCase[],
  demo: DemoJson | undefined,
): TargetResult[] {
  const out: TargetResult[] = [];
  const g30 = ALLOC_GROUP(30);
  const ours = findCase(cases, { file: ALLOC_FILE, group: g30, name: DEFAULT_BUFFER_CASE });
  const heap = findCase(cases, { file: ALLOC_FILE, group: g30, name: HEAP_CASE });
  const pool = findCase(cases, { file: ALLOC_FILE, group: g30, name: POOL_CASE });
  const bump = findCase(cases, { file: ALLOC_FILE, group: g30, name: BUMP_CASE });
  const src30 = (other: BenchCase | undefined) =>
    ours && other
      ? `${ours.file} "Float64 × 30": ${formatNs(ours.avg)} vs ${formatNs(other.avg)}`
      : "benches/alloc_bench.ts: case missing";
  out.push(check(
    "`noEscape` + `alloc(Float64Array, 30)` vs `new Float64Array(30)`",
    "≥ 12× faster",
    ours && heap ? heap.avg / ours.avg : undefined,
    (r) => r >= 12,
    faster,
    src30(heap),
  ));
  out.push(check(
    "same vs typedarray-pool malloc/free",
    "≥ 2× faster",
    ours && pool ? pool.avg / ours.avg : undefined,
    (r) => r >= 2,
    faster,
    src30(pool),
  ));
  out.push(check(
    "same vs a hand-written bump over one `ArrayBuffer`",
    "≤ 1.6× its time",
    ours && bump ? ours.avg / bump.avg : undefined,
    (r) => r <= 1.6,
    ofTime,
    src30(bump),
  ));

  const rh = findCase(cases, QUERIES.reductionHeap);
  const ra = findCase(cases, QUERIES.reductionAlloc);
  out.push(check(
    "`basic_reduction` on 100 000 Float64: bumper vs heap, time",
    "≥ 1.3× faster",
    rh && ra ? rh.avg / ra.avg : undefined,
    (r) => r >= 1.3,
    faster,
    rh && ra
      ? `${ra.file} "${ra.group}": ${formatNs(ra.avg)} vs ${formatNs(rh.avg)}`
      : "benches/reduction_bench.ts: case missing",
  ));
  out.push(
    bytesTarget(demo, "reduction", "`basic_reduction`: bumper vs heap, ArrayBuffer bytes", 1000),
  );

  const ch = findCase(cases, QUERIES.cnnHeap);
  const ca = findCase(cases, QUERIES.cnnAlloc);
  const cc = findCase(cases, QUERIES.cnnChecked);
  out.push(bytesTarget(demo, "cnn", "CNN inference: bumper vs heap, ArrayBuffer bytes", 500));
  out.push(timeTarget(
    "CNN inference: bumper vs heap, time",
    "≥ 1.2× faster",
    ch,
    ca,
    (r) => r >= 1.2,
    faster,
    demo,
    "heap",
    "alloc",
  ));
  const dAlloc = demoCase(demo, "cnn", "alloc");
  out.push({
    what: "CNN inference: bumper, major GCs",
    target: "none",
    measured: dAlloc ? `${dAlloc.gcMajor} major, ${dAlloc.gcMinor} minor` : "not measured",
    met: dAlloc ? dAlloc.gcMajor === 0 : undefined,
    source: dAlloc ? `examples/demo.ts: ${dAlloc.runs} measured runs` : "examples/demo.ts missing",
  });
  out.push(timeTarget(
    "CheckedAllocArray vs AllocArray on the CNN",
    "≤ 3× the time",
    cc,
    ca,
    (r) => r <= 3,
    ofTime,
    demo,
    "checked",
    "alloc",
  ));

  const cw = findCase(cases, QUERIES.cnnWasm);
  const ct = findCase(cases, QUERIES.cnnTfjsWasm);
  out.push(check(
    "CNN inference on WebAssembly memory vs tfjs-backend-wasm (SIMD, one thread), same weights",
    "≤ 1.0× its time",
    cw && ct ? cw.avg / ct.avg : undefined,
    (r) => r <= 1,
    ofTime,
    cw && ct
      ? `${cw.file} "${cw.group}": ${formatNs(cw.avg)} vs ${formatNs(ct.avg)}`
      : "benches/cnn_wasm_bench.ts: case missing",
  ));

  const ss = findCase(cases, QUERIES.similarScoped);
  const sh = findCase(cases, QUERIES.similarByHand);
  const sd = findCase(cases, QUERIES.similarDirect);
  // The group times a batch of calls ("(×1000, then reset)"): the target is per call. The
  // dispatch is what `similar` adds to the same allocation and AllocArray wrap done by hand;
  // the cost over a bare allocation (which includes creating the array object) is shown too.
  const reps = Number(/×(\d+)/.exec(ss?.group ?? "")?.[1] ?? 1);
  out.push(check(
    "`similar` dispatch through the scope",
    "≤ 30 ns",
    ss && sh ? (ss.avg - sh.avg) / reps : undefined,
    (r) => r <= 30,
    (r) =>
      `${formatNs(r)} over allocView + new AllocArray by hand${
        sd ? ` (${formatNs((ss!.avg - sd.avg) / reps)} over a bare allocView)` : ""
      }`,
    ss && sh
      ? `${ss.file} "${ss.group}": (${formatNs(ss.avg)} − ${formatNs(sh.avg)}) / ${reps}`
      : "benches/scope_bench.ts: case missing",
  ));
  return out;
}

function bytesTarget(
  demo: DemoJson | undefined,
  workload: string,
  what: string,
  factor: number,
): TargetResult {
  const h = demoCase(demo, workload, "heap");
  const a = demoCase(demo, workload, "alloc");
  return check(
    what,
    `≥ ${factor}× fewer`,
    h && a ? (a.bytesPerRun === 0 ? Infinity : h.bytesPerRun / a.bytesPerRun) : undefined,
    (r) => r >= factor,
    (r) => `${fewer(r)} (${formatBytes(a!.bytesPerRun)} vs ${formatBytes(h!.bytesPerRun)} per run)`,
    h && a ? `examples/demo.ts: ${a.runs} measured runs each` : "examples/demo.ts missing",
  );
}

/**
 * The time ratio A / B from a bench when both cases exist, else from the demo's CNN timings.
 */
function timeTarget(
  what: string,
  target: string,
  benchA: BenchCase | undefined,
  benchB: BenchCase | undefined,
  ok: (r: number) => boolean,
  measured: (r: number) => string,
  demo: DemoJson | undefined,
  demoA: string,
  demoB: string,
): TargetResult {
  if (benchA && benchB) {
    return check(
      what,
      target,
      benchA.avg / benchB.avg,
      ok,
      measured,
      `${benchB.file} "${benchB.group}": ${formatNs(benchA.avg)} vs ${formatNs(benchB.avg)}`,
    );
  }
  const a = demoCase(demo, "cnn", demoA);
  const b = demoCase(demo, "cnn", demoB);
  return check(
    what,
    target,
    a && b ? a.msPerRun / b.msPerRun : undefined,
    ok,
    measured,
    a && b
      ? `examples/demo.ts: ${formatNs(a.msPerRun * 1e6)} vs ${formatNs(b.msPerRun * 1e6)} per run`
      : "benches/cnn_bench.ts and examples/demo.ts missing",
  );
}

/** `met`, `MISSED` or `not measured`. */
export function verdict(met: boolean | undefined): string {
  return met === undefined ? "not measured" : met ? "met" : "**MISSED**";
}

// ---------------------------------------------------------------------------------------------
// The chart

/** What kind of allocation a case is; each kind has its colour in the chart. */
export type AllocKind = "heap" | "pool" | "floor" | "library";

/** The kind of an allocation case, from its name. */
export function allocKind(name: string): AllocKind {
  if (HEAP_CASE.test(name)) return "heap";
  if (BUMP_CASE.test(name)) return "floor";
  if (/typedarray-pool|thi\.ng|MemPool/.test(name)) return "pool";
  return "library";
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

/** The chart's groups: the allocation benchmark's cases for each size, in bench order. */
export function allocationGroups(cases: readonly BenchCase[]): ChartGroup[] {
  const sizes: number[] = [];
  for (const c of cases) {
    const m = /^Float64 × (\d+)$/.exec(c.group ?? "");
    if (m && !sizes.includes(Number(m[1]))) sizes.push(Number(m[1]));
  }
  sizes.sort((a, b) => a - b);
  return sizes.map((n) => ({
    title: `${n.toLocaleString("en-US")} Float64 (${formatBytes(n * 8)})`,
    // A case name seen in an earlier file (another file's own baseline) is drawn once.
    rows: cases.filter((c, i) =>
      ALLOC_GROUP(n).test(c.group ?? "") && Number.isFinite(c.avg) &&
      cases.findIndex((d) => d.group === c.group && d.name === c.name) === i
    ).map((c) => ({ label: chartLabel(c.name), ns: c.avg, kind: allocKind(c.name) })),
  }));
}

// ---------------------------------------------------------------------------------------------
// The report

/** Where and how the run happened. */
export interface RunInfo {
  /** The commands that produced the numbers. */
  commands: string[];
  date: string;
  cpu: string;
  cores: number;
  os: string;
  memory: string;
  deno: string;
  v8: string;
  typescript: string;
  /** 1-minute load average before and after the run; NaN when rewritten from saved results. */
  loadBefore: number;
  loadAfter: number;
  /** `true` for a `--quick` run (a subset, not for citing). */
  quick: boolean;
}

/** The per-bench tables: one per file and group, with the ratio to the group's baseline. */
export function resultTables(cases: readonly BenchCase[]): string {
  const out: string[] = [];
  const files = [...new Set(cases.map((c) => c.file))];
  for (const file of files) {
    out.push(`### \`${file}\``, "");
    const inFile = cases.filter((c) => c.file === file);
    const groups = [...new Set(inFile.map((c) => c.group))];
    for (const group of groups) {
      const rows = inFile.filter((c) => c.group === group);
      const base = rows.find((c) => c.baseline);
      if (group !== null) out.push(`**${group}**`, "");
      out.push(
        markdownTable(
          [
            "case",
            "time/call (avg)",
            "p75",
            "p99",
            base ? `vs ${chartLabel(base.name)}` : "vs baseline",
          ],
          rows.map((c) => [
            c.baseline ? `${c.name} (baseline)` : c.name,
            c.error ? `failed: ${c.error.slice(0, 80)}` : formatNs(c.avg),
            formatNs(c.p75),
            formatNs(c.p99),
            c.baseline ? "—" : base ? formatVsBaseline(c.avg, base.avg) : "—",
          ]),
          ["l", "r", "r", "r", "r"],
        ),
        "",
      );
    }
  }
  return out.join("\n");
}

/** The demo's table: time, ArrayBuffer bytes and GCs per workload and array kind. */
export function demoTable(demo: DemoJson): string {
  const rows: string[][] = [];
  for (const w of demo.workloads) {
    const heap = w.cases.find((c) => c.id === "heap");
    for (const c of w.cases) {
      rows.push([
        c === w.cases[0] ? `${w.title} (${w.run})` : "",
        c.label,
        formatNs(c.msPerRun * 1e6),
        heap && c !== heap ? formatVsBaseline(c.msPerRun, heap.msPerRun) : "—",
        formatBytes(c.bytesPerRun),
        heap && c !== heap
          ? (c.bytesPerRun === 0
            ? "∞× fewer"
            : `${formatRatio(heap.bytesPerRun / c.bytesPerRun)} fewer`)
          : "—",
        typeof c.faultsPerRun === "number" ? c.faultsPerRun.toFixed(0) : "—",
        `${c.gcMajor} / ${c.gcMinor}`,
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
      "runs",
    ],
    rows,
    ["l", "l", "r", "r", "r", "r", "r", "r", "r"],
  );
}

/** The targets table. */
export function targetsTable(targets: readonly TargetResult[]): string {
  return markdownTable(
    ["what", "target", "measured", "verdict", "from"],
    targets.map((t) => [t.what, t.target, t.measured, verdict(t.met), t.source]),
  );
}

/** For each of the library's allocation cases of 30 values, the three allocation ratios. */
export function perBufferTable(cases: readonly BenchCase[]): string {
  const g = ALLOC_GROUP(30);
  const heap = findCase(cases, { file: ALLOC_FILE, group: g, name: HEAP_CASE });
  const pool = findCase(cases, { file: ALLOC_FILE, group: g, name: POOL_CASE });
  const bump = findCase(cases, { file: ALLOC_FILE, group: g, name: BUMP_CASE });
  const rows = libraryAllocCases(cases, 30).map((c) => [
    c.name,
    formatNs(c.avg),
    heap ? `${formatRatio(heap.avg / c.avg)}${heap.avg / c.avg >= 12 ? "" : " (missed)"}` : "—",
    pool ? `${formatRatio(pool.avg / c.avg)}${pool.avg / c.avg >= 2 ? "" : " (missed)"}` : "—",
    bump ? `${formatRatio(c.avg / bump.avg)}${c.avg / bump.avg <= 1.6 ? "" : " (missed)"}` : "—",
  ]);
  return markdownTable(
    [
      "case (30 Float64)",
      "time",
      "faster than `new Float64Array` (≥ 12×)",
      "faster than typedarray-pool (≥ 2×)",
      "time of hand bump (≤ 1.6×)",
    ],
    rows,
    ["l", "r", "r", "r", "r"],
  );
}

/** The whole benches/README.md. */
export function reportMarkdown(
  info: RunInfo,
  cases: readonly BenchCase[],
  demo: DemoJson | undefined,
  targets: readonly TargetResult[],
): string {
  const missed = targets.filter((t) => t.met === false);
  const unmeasured = targets.filter((t) => t.met === undefined);
  const lines = [
    "# Benchmark results",
    "",
    "<!-- Generated by `deno task bench:report` (scripts/bench_report.ts) from one run. Do not edit by hand: re-run the command. -->",
    "",
    info.quick
      ? "> **Quick run**: a subset with few iterations, for checking the report machinery only. Do not cite these numbers.\n"
      : "",
    `Generated by \`deno task bench:report\` on ${info.date}. Every number below comes from that one run; compare ratios within it, not absolute times across machines.`,
    "",
    "## How it was run",
    "",
    ...info.commands.map((c) => `- \`${c}\``),
    `- Machine: ${info.cpu}, ${info.cores} cores, ${info.memory} RAM, ${info.os}`,
    Number.isNaN(info.loadBefore)
      ? "- Load average: not recorded (this report was rewritten from saved results)"
      : `- Load average (1 min) before / after the run: ${info.loadBefore.toFixed(2)} / ${
        info.loadAfter.toFixed(2)
      }${info.loadBefore > 0.5 * info.cores ? " (the machine was busy: expect noise)" : ""}`,
    `- Runtime: Deno ${info.deno}, V8 ${info.v8}, TypeScript ${info.typescript}`,
    "- Times are `deno bench` means per call (each bench's `p75`/`p99` are in the tables below).",
    "",
    "## Targets",
    "",
    `The figures table of the design contract, each target with the ratio measured in this run. ${
      missed.length === 0
        ? "No target was missed."
        : `Missed: ${missed.length} of ${targets.length} (${missed.map((t) => t.what).join("; ")}).`
    }${
      unmeasured.length > 0
        ? ` Not measured: ${unmeasured.length} (their benches were not found in this run).`
        : ""
    }`,
    "",
    targetsTable(targets),
    "",
    "Every allocarrays allocation form against the three allocation targets (30 Float64 values):",
    "",
    perBufferTable(cases),
    "",
    "## Allocation",
    "",
    "![Time per allocation of n Float64 values, per allocator, log scale](chart.svg)",
    "",
  ];
  if (demo) {
    lines.push(
      "## Demo workloads: time, ArrayBuffer bytes and garbage collections",
      "",
      `From \`${demo.command}\`. ${demo.method}`,
      "",
      demoTable(demo),
      "",
    );
  }
  lines.push("## All results", "", resultTables(cases));
  return lines.filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n").trimEnd() + "\n";
}

/**
 * The key ratios for the README's performance section (one short table): each comparison with
 * what users would use instead and its measured ratio. The targets and verdicts stay in the
 * benches' own report.
 */
export function keyRatiosMarkdown(targets: readonly TargetResult[]): string {
  return markdownTable(["what", "measured"], targets.map((t) => [t.what, t.measured]));
}
