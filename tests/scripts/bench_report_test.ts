import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  allocationChart,
  allocationGroups,
  allocKind,
  type BenchCase,
  caseKind,
  chartLabel,
  type DemoJson,
  type DenoBenchJson,
  describeMeta,
  evaluateFigures,
  FIGURES,
  figuresTable,
  formatBytes,
  formatNs,
  formatSpread,
  formatVsBaseline,
  groupSize,
  groupsOf,
  isSavedResults,
  keyRatiosMarkdown,
  type MeasurementJson,
  mergeMeasurements,
  metaOfRawBench,
  parseBenchJson,
  peersSection,
  type RenderInfo,
  type ReportData,
  reportMarkdown,
  type RunMeta,
  seriesOf,
  spreadOf,
} from "../../scripts/_bench_report.ts";

const ROOT = "file:///repo/";

function bench(file: string, group: string, name: string, avg: number, baseline = false) {
  return {
    origin: ROOT + file,
    group,
    name,
    baseline,
    results: [{ ok: { n: 100, min: avg, max: avg, avg, p75: avg, p99: avg } }],
  };
}

/** The cases of several runs, each run's benches given as a list. */
function runs(...each: DenoBenchJson["benches"][]): BenchCase[] {
  return each.flatMap((benches, r) =>
    parseBenchJson({ version: 1, runtime: "Deno/2", cpu: "cpu", benches }, ROOT, r)
  );
}

/** Report data from the bench runs (and a demo, measurements). */
function data(
  each: DenoBenchJson["benches"][],
  demos: DemoJson[] = [],
  measurements: MeasurementJson[] = [],
): ReportData {
  return {
    series: seriesOf(runs(...each), each.length),
    runs: each.length,
    demos,
    measurements: mergeMeasurements(measurements),
  };
}

/** The allocation group for 30 values with the given times (ns). */
function allocGroup30(t: { heap: number; pool: number; bump: number; ours: number }) {
  const f = "benches/alloc_bench.ts", g = "Float64 × 30";
  return [
    bench(f, g, "new Float64Array(n)", t.heap, true),
    bench(f, g, "typedarray-pool mallocDouble + freeDouble", t.pool),
    bench(f, g, "hand-written bump (new Float64Array(arena, offset, n) + reset)", t.bump),
    bench(f, g, "AllocBuffer noEscape + alloc", t.ours - 1),
    bench(f, g, "default buffer noEscape(fn) + alloc(Float64Array, n)", t.ours),
  ];
}

function demo(heapBytes: number, allocBytes: number, allocMajor: number, heapMs = 300): DemoJson {
  const row = (id: string, bytesPerRun: number, gcMajor: number, msPerRun: number) => ({
    id,
    label: id,
    runs: 3,
    msPerRun,
    bytesPerRun,
    gcMajor,
    gcMinor: 1,
    faultsPerRun: 10,
    result: 1,
  });
  return {
    command: "deno task demo",
    method: "test",
    workloads: ["reduction", "cnn"].map((id) => ({
      id,
      title: id,
      run: "one run",
      cases: [
        row("heap", heapBytes, 2, heapMs),
        row("alloc", allocBytes, allocMajor, 200),
        row("checked", allocBytes, 0, 700),
      ],
    })),
  };
}

const META: RunMeta = {
  date: "2026-01-01T00:00:00Z",
  cpu: "Test CPU",
  cores: 2,
  os: "linux",
  memory: "1 GiB",
  runtime: "Deno 2.9.6, V8 15, TypeScript 6",
  commit: "abc1234",
  load: [0.1, 0.2],
};

const INFO: RenderInfo = {
  meta: META,
  commands: ["deno task bench:report"],
  runs: 3,
  quick: false,
};

const figure = (d: ReportData, re: RegExp) => evaluateFigures(d).find((x) => re.test(x.what))!;

describe("scripts/_bench_report.ts", () => {
  it("formatNs() and formatBytes() give three significant digits and a unit", () => {
    assert.equal(formatNs(28.26), "28.3 ns");
    assert.equal(formatNs(1520), "1.52 µs");
    assert.equal(formatNs(125_000), "125 µs");
    assert.equal(formatNs(2.5e9), "2.50 s");
    assert.equal(formatNs(NaN), "—");
    assert.equal(formatBytes(800), "800 B");
    assert.equal(formatBytes(2_400_000), "2.29 MiB");
    assert.equal(formatBytes(0), "0 B");
  });

  it("formatVsBaseline() says faster or slower by the ratio", () => {
    assert.equal(formatVsBaseline(50, 800), "16.0× faster");
    assert.equal(formatVsBaseline(230, 100), "2.30× slower");
    assert.equal(formatVsBaseline(100, 100), "same");
    assert.equal(formatVsBaseline(0, 100), "—");
  });

  it("parseBenchJson() strips the root from origins, numbers the run and keeps failed benches as NaN", () => {
    const parsed = parseBenchJson(
      {
        version: 1,
        runtime: "Deno/2",
        cpu: "cpu",
        benches: [
          bench("benches/a_bench.ts", "g", "ok case", 12),
          {
            origin: ROOT + "benches/a_bench.ts",
            group: null,
            name: "thrower",
            baseline: false,
            results: [{ failed: "boom" }],
          },
        ],
      },
      ROOT,
      2,
    );
    assert.equal(parsed[0].file, "benches/a_bench.ts");
    assert.equal(parsed[0].avg, 12);
    assert.equal(parsed[0].run, 2);
    assert.ok(Number.isNaN(parsed[1].avg));
    assert.equal(parsed[1].error, "boom");
  });

  it("parseBenchJson() rejects output of another format, naming its version", () => {
    assert.throws(
      () => parseBenchJson({ version: 2 } as unknown as DenoBenchJson, ROOT),
      (e: unknown) => e instanceof TypeError && /got version 2/.test(e.message),
    );
  });

  it("spreadOf() gives the median and range of the values it has, NaN left out", () => {
    assert.deepEqual(spreadOf([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
    assert.deepEqual(spreadOf([4, NaN, 1, 2, 3]), { median: 2.5, min: 1, max: 4, n: 4 });
    assert.deepEqual(spreadOf([Infinity, 5]), { median: Infinity, min: 5, max: Infinity, n: 2 });
    assert.equal(spreadOf([NaN]), undefined);
  });

  it("formatSpread() says the median, then the range over the runs with the shared words once", () => {
    const s = (median: number, min: number, max: number, n = 3) => ({ median, min, max, n });
    assert.equal(
      formatSpread(s(12.1, 11.8, 12.5), "faster"),
      "12.1× faster (11.8–12.5× over 3 runs)",
    );
    assert.equal(
      formatSpread(s(2.71, 2.6, 2.8), "time"),
      "2.71× the time (2.60–2.80× over 3 runs)",
    );
    assert.equal(
      formatSpread(s(1.02, 1 / 1.05, 1.1), "faster"),
      "1.02× faster (1.05× slower to 1.10× faster over 3 runs)",
    );
    assert.equal(
      formatSpread(s(1 / 2.12, 1 / 2.51, 1 / 2.05), "faster"),
      "2.12× slower (2.05–2.51× over 3 runs)",
    );
    assert.equal(formatSpread(s(12.1, 12.1, 12.1, 1), "faster"), "12.1× faster (one run)");
    assert.equal(formatSpread(s(Infinity, Infinity, Infinity), "fewer"), "∞× fewer (all 3 runs)");
    assert.equal(formatSpread(s(64, 0, 200), "bytes"), "64 B (0 B to 200 B over 3 runs)");
  });

  it("caseKind() reads what a case is from its name: hand-written limits, heap code, peers, the library", () => {
    for (
      const name of [
        "hand-written bump (new Float64Array(arena, offset, n) + reset)",
        "hand loop over data",
        "hand-preallocated intermediates",
        "every intermediate preallocated by hand",
        "sum: plain loop over data",
      ]
    ) assert.equal(caseKind(name), "hand", name);
    for (
      const name of [
        "new Float64Array(n)",
        "heap: plain arrays",
        "heap (new Float64Array per array)",
      ]
    ) assert.equal(caseKind(name), "heap", name);
    for (
      const name of [
        "typedarray-pool mallocDouble + freeDouble",
        "@thi.ng/malloc MemPool mallocAs + free",
        "ndarray-ops addeq",
        "scijs ndarray + ndarray-ops",
        "ndarray get(i)",
        "tfjs-backend-cpu",
      ]
    ) assert.equal(caseKind(name), "peer", name);
    for (
      const name of [
        "AllocBuffer noEscape + alloc",
        "allocarrays, JavaScript heap (JavaScript kernels)",
        "allocView + new NDArray(view, [n]) (public constructor, validates)",
        "NDArray get(i)",
      ]
    ) assert.equal(caseKind(name), "library", name);
  });

  it("seriesOf() collects each case over the runs; groupsOf() merges a group across files, once per name", () => {
    const a = "benches/alloc_bench.ts", b = "benches/autoscaling_alloc_bench.ts";
    const series = seriesOf(
      runs(
        [
          bench(a, "Float64 × 8", "new Float64Array(n)", 500, true),
          bench(a, "Float64 × 8", "x", 50),
        ],
        [
          bench(a, "Float64 × 8", "new Float64Array(n)", 600, true),
          bench(a, "Float64 × 8", "x", 60),
          bench(b, "Float64 × 8", "new Float64Array(n)", 900, true),
          bench(b, "Float64 × 8", "y", 70),
        ],
      ),
      2,
    );
    const x = series.find((s) => s.name === "x")!;
    assert.deepEqual(x.avg, [50, 60]);
    const y = series.find((s) => s.name === "y")!;
    assert.ok(Number.isNaN(y.avg[0]) && y.avg[1] === 70, "absent from the first run");
    const [g] = groupsOf(series);
    assert.deepEqual(g.files, [a, b]);
    assert.deepEqual(g.cases.map((c) => [c.file, c.name]), [
      [a, "new Float64Array(n)"],
      [a, "x"],
      [b, "y"],
    ]);
  });

  it("groupSize() reads the size a group names", () => {
    assert.equal(groupSize("Float64 × 30"), 30);
    assert.equal(groupSize("Float64 × 100 000"), 100_000);
    assert.equal(groupSize("add(a, b, out), n = 1000"), 1000);
    assert.equal(groupSize("region + 2 × similar + add, n = 30"), 30);
    assert.equal(groupSize("basic_reduction"), undefined);
  });

  it("evaluateFigures() checks the allocation figures run by run and gives the median and range", () => {
    const d = data([
      allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 }),
      allocGroup30({ heap: 660, pool: 70, bump: 30, ours: 40 }),
      allocGroup30({ heap: 480, pool: 70, bump: 30, ours: 40 }),
    ]);
    const heap = figure(d, /vs `new Float64Array\(30\)`/);
    assert.equal(heap.met, true); // median 600 / 40 = 15 ≥ 12
    assert.equal(heap.measures[0].text, "15.0× faster (12.0–16.5× over 3 runs)");
    assert.match(heap.measures[0].source, /^benches\/alloc_bench\.ts "Float64 × 30"$/);
    const bump = figure(d, /hand-written bump/);
    assert.equal(bump.met, true); // 40 / 30 = 1.33 ≤ 1.6
    assert.equal(bump.measures[0].text, "1.33× the time (all 3 runs)");
    // Every buffer class of the group, the slowest per run: the default buffer (40 vs 39).
    assert.equal(bump.measures.length, 2);
    assert.match(bump.measures[1].detail!, /the slowest of 2 buffer classes/);
  });

  it("the allocation figures take alloc_ratios' rounds too: the default buffer, the slowest class and the pools, each round", () => {
    const g = "Float64 × 30";
    const mix = "mixed sizes: 16 Float64 arrays of 1 to 1000 values (78, 3)";
    const rounds: MeasurementJson = {
      command: "deno run -A benches/alloc_ratios.ts --rounds 3 --json",
      method: "rotated rounds",
      groups: [{
        name: g,
        rows: [
          {
            name: "hand-written bump (new Float64Array(arena, offset, n) + reset)",
            baseline: true,
            values: { "time/call (ns)": [40, 80, 50] },
          },
          { name: "AllocBuffer noEscape + alloc", values: { "time/call (ns)": [56, 100, 60] } },
          { name: "SlabBuffer noEscape + alloc", values: { "time/call (ns)": [60, 96, 90] } },
          {
            name: "default buffer noEscape(fn) + alloc(Float64Array, n)",
            values: { "time/call (ns)": [58, 104, 70] },
          },
          {
            name: "AllocBuffer region() + r.alloc + close() in finally",
            values: { "time/call (ns)": [400, 400, 400] },
          },
        ],
      }, {
        name: mix,
        rows: [
          {
            name: "hand-written bump (views of one ArrayBuffer, then offset = 0)",
            baseline: true,
            values: { "time/call (ns)": [800, 800, 800] },
          },
          {
            name: "typedarray-pool mallocDouble each, then freeDouble each",
            values: { "time/call (ns)": [1500, 3000, 1200] },
          },
          {
            name: "@thi.ng/malloc MemPool mallocAs each, then free each",
            values: { "time/call (ns)": [700, 1100, 900] },
          },
          {
            name: "default buffer noEscape(fn) + alloc(Float64Array, n) each",
            values: { "time/call (ns)": [1000, 1000, 1000] },
          },
        ],
      }],
    };
    const d = data([allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 })], [], [rounds]);
    const bump = figure(d, /hand-written bump/);
    // The bench's two measures, then the rounds': default buffer 58/40, 104/80, 70/50.
    assert.equal(bump.measures.length, 4);
    assert.equal(bump.measures[2].text, "1.40× the time (1.30–1.45× over 3 rounds)");
    assert.match(bump.measures[2].source, /alloc_ratios\.ts/);
    // The slowest noEscape class in each round (not the region form): 1.50, 1.30, 1.80.
    assert.equal(bump.measures[3].text, "1.50× the time (1.30–1.80× over 3 rounds)");
    assert.match(bump.measures[3].detail!, /the slowest of 3 buffer classes in each round/);
    assert.equal(bump.met, true); // every measure's median is ≤ 1.6
    // Rounds whose median is over 1.6 miss the figure, whatever the bench says.
    const slow = structuredClone(rounds);
    slow.groups[0].rows[2].values["time/call (ns)"] = [80, 160, 100];
    const missed = figure(
      data([allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 })], [], [
        slow,
      ]),
      /hand-written bump/,
    );
    assert.equal(missed.measures[3].text, "2.00× the time (all 3 rounds)");
    assert.equal(missed.met, false);
    const pools = figure(d, /a mix of sizes/);
    // typedarray-pool: 1.5, 3.0, 1.2 → median 1.5; @thi.ng/malloc: 0.7, 1.1, 0.9 → 0.9.
    assert.deepEqual(pools.measures.map((m) => m.text), [
      "1.50× faster (1.20–3.00× over 3 rounds)",
      "1.11× slower (1.43× slower to 1.10× faster over 3 rounds)",
    ]);
    assert.equal(pools.met, false); // slower than @thi.ng/malloc in the median round
  });

  it("evaluateFigures() misses a figure on its median and says when nothing measured it", () => {
    const slow = data([allocGroup30({ heap: 300, pool: 70, bump: 30, ours: 40 })]);
    const heap = figure(slow, /vs `new Float64Array\(30\)`/);
    assert.equal(heap.met, false);
    assert.equal(heap.measures[0].text, "7.50× faster (one run)");
    const none = evaluateFigures(data([]));
    assert.equal(none.length, FIGURES.length);
    assert.ok(none.every((x) => x.met === undefined && x.measures.length === 0));
  });

  it("evaluateFigures() shows both measurements where a bench and the demo measure one figure", () => {
    const f = "benches/cnn_bench.ts", g = "CNN, 1000 images in batches of 32";
    const d = data(
      [[
        bench(f, g, "heap: plain arrays", 460, true),
        bench(f, g, "AllocArray + BumperAllocator()", 330),
      ]],
      [demo(392 * 2 ** 20, 0, 0, 234), demo(392 * 2 ** 20, 0, 0, 238)],
    );
    const time = figure(d, /^CNN inference: bumper vs heap, time$/);
    assert.deepEqual(time.measures.map((m) => m.text), [
      "1.39× faster (one run)",
      "1.18× faster (1.17–1.19× over 2 runs)",
    ]);
    assert.match(time.measures[1].source, /^examples\/demo\.ts/);
    assert.equal(time.met, false, "one of the two misses ≥ 1.3×");
    const bytes = figure(d, /^CNN inference: bumper vs heap, ArrayBuffer bytes$/);
    assert.equal(bytes.met, true);
    assert.equal(bytes.measures[0].text, "∞× fewer (all 2 runs)");
    assert.equal(bytes.measures[0].detail, "0 B vs 392 MiB per pass");
  });

  it("evaluateFigures() judges GC counts in every run, not only the median", () => {
    const d = data([], [demo(1, 0, 0), demo(1, 0, 1), demo(1, 0, 0)]);
    const gc = figure(d, /major GCs/);
    assert.equal(gc.measures[0].spread!.median, 0);
    assert.equal(gc.met, false);
  });

  it("a new bench group named by the convention is picked up by the figures and the peers without edits", () => {
    // What engineers write for the issue's targets: group names that say what they compare,
    // case names that say who runs it.
    const f = "benches/region_path_bench.ts", g = "region + 2 × similar + add, n = 30";
    const ops = "benches/ops_bench.ts";
    const d = data([[
      bench(f, g, "allocarrays: withAllocator(BumperAllocator) + similar + add", 500, true),
      bench(f, g, "hand-written bump + plain wrapper", 250),
      bench(f, g, "heap: new Float64Array code", 2500),
      bench(ops, "add(a, b, out), Float64 × 1000", "add(a, b, out)", 400, true),
      bench(ops, "add(a, b, out), Float64 × 1000", "hand loop", 364),
      bench(ops, "add(a, b, out), Float64 × 1000", "ndarray-ops addeq", 600),
    ]]);
    assert.equal(figure(d, /vs a hand bump$/).measures[0].text, "2.00× the time (one run)");
    assert.equal(
      figure(d, /^same vs `new Float64Array` code$/).measures[0].text,
      "5.00× faster (one run)",
    );
    const add = figure(d, /hand loop, n = 1000$/);
    assert.equal(add.measures[0].text, "1.10× the time (one run)");
    assert.equal(add.met, true);
    assert.equal(figure(d, /ndarray-ops/).measures[0].text, "1.50× faster (one run)");
    const peers = peersSection(d.series);
    assert.match(peers, /\*\*region \+ 2 × similar \+ add, n = 30\*\*/);
    assert.match(peers, /÷ hand-written bump \+ plain wrapper \(hand, 250 ns\)/);
    assert.match(
      peers,
      /\| allocarrays: withAllocator\(BumperAllocator\) \+ similar \+ add \| 500 ns \| 2\.00× \| 0\.20× \|/,
    );
    assert.match(peers, /÷ ndarray-ops addeq \(peer, 600 ns\)/);
  });

  it("the tfjs figures compare the library case of the tfjs case's own group (not another CNN group)", () => {
    const f64 = "CNN, 1000 images in batches of 32", f32 = "CNN (Float32), 1000 images, one thread";
    const d = data([[
      bench("benches/cnn_bench.ts", f64, "heap: plain arrays", 460, true),
      bench("benches/cnn_bench.ts", f64, "AllocArray + BumperAllocator()", 330),
      bench("benches/cnn_wasm_bench.ts", f32, "tfjs-backend-wasm (SIMD)", 100, true),
      bench("benches/cnn_wasm_bench.ts", f32, "allocarrays, WebAssembly memory (SIMD kernels)", 90),
      bench(
        "benches/cnn_wasm_bench.ts",
        f32,
        "allocarrays, JavaScript heap (JavaScript kernels)",
        350,
      ),
      bench("benches/cnn_wasm_bench.ts", f32, "tfjs-backend-cpu", 2100),
    ]]);
    const cpu = figure(d, /tfjs-backend-cpu/);
    assert.equal(cpu.measures[0].text, "6.00× faster (one run)");
    assert.equal(cpu.met, undefined, "shown without a target");
    assert.equal(figure(d, /tfjs-backend-wasm/).measures[0].text, "0.90× the time (one run)");
  });

  it("measurement scripts' samples merge over the runs and feed the garbage figures", () => {
    const run = (heap: number): MeasurementJson => ({
      command: "deno run -A benches/garbage.ts --json",
      method: "V8 --trace-gc-nvp allocated bytes, difference of two run lengths",
      groups: [{
        name: "region + 2 × similar + add, n = 30",
        rows: [
          { name: "allocarrays", values: { "JS heap bytes/iteration": [heap, heap + 8] } },
          { name: "heap: new Float64Array code", values: { "JS heap bytes/iteration": 600 } },
        ],
      }],
    });
    const merged = mergeMeasurements([run(40), run(60)]);
    assert.deepEqual(merged[0].rows[0].values.get("JS heap bytes/iteration"), [40, 48, 60, 68]);
    assert.equal(merged[0].rows[1].kind, "heap");
    const g = figure(data([], [], [run(40), run(60)]), /garbage per such iteration/);
    assert.equal(g.measures[0].text, "54 B (40 B to 68 B over 4 samples)");
    assert.equal(g.met, true);
  });

  it("rotated-round scripts' figures are ratios within each round, before the bench's", () => {
    const f = "CNN inference, 1000 images in batches of 32, Float64Array: rotated rounds";
    const rounds: MeasurementJson = {
      command: "deno run -A benches/cnn_ratios.ts --rounds 3 --json",
      method: "one subprocess per variant, rotated rounds",
      groups: [{
        name: f,
        rows: [
          {
            name: "every intermediate preallocated by hand (predictInto)",
            baseline: true,
            values: { "CPU time/pass (ms)": [100, 200, 300] },
          },
          {
            name: "AllocArray + BumperAllocator (predict)",
            values: { "CPU time/pass (ms)": [102, 210, 303] },
          },
          {
            name: "plain heap arrays (predict)",
            values: { "CPU time/pass (ms)": [153, 420, 390] },
          },
        ],
      }],
    };
    const d = data(
      [[
        bench("benches/cnn_bench.ts", "CNN, 1000 images", "heap: plain arrays", 460, true),
        bench("benches/cnn_bench.ts", "CNN, 1000 images", "AllocArray + BumperAllocator()", 330),
        bench(
          "benches/cnn_bench.ts",
          "CNN, 1000 images",
          "every intermediate preallocated by hand",
          300,
        ),
      ]],
      [],
      [rounds],
    );
    const limit = figure(d, /preallocated by hand$/);
    // 102/100, 210/200, 303/300: the median round is 1.02, although the times drift 3×.
    assert.equal(limit.measures[0].text, "1.02× the time (1.01–1.05× over 3 rounds)");
    assert.equal(limit.measures[0].values.length, 3);
    assert.match(limit.measures[0].source, /cnn_ratios\.ts/);
    // The one-process bench is shown with its reason, not judged: the rounds' 1.02× decides.
    assert.equal(limit.measures[1].text, "1.10× the time (one run)");
    assert.match(limit.measures[1].notJudged!, /one process/);
    assert.equal(limit.measures[1].met, undefined);
    assert.equal(limit.met, true);
    assert.match(figuresTable([limit]), /1\.10× the time \(one run\) \(shown, not judged: every/);
    const heap = figure(d, /^CNN inference: bumper vs heap, time$/);
    assert.equal(heap.measures[0].text, "1.50× faster (1.29–2.00× over 3 rounds)");
    assert.equal(heap.met, true);
    // Beside it, the most any allocator could gain: the pass that allocates nothing vs heap
    // (153/100, 420/200, 390/300), shown with its reason and not judged.
    assert.equal(heap.measures[1].text, "1.53× faster (1.30–2.10× over 3 rounds)");
    assert.match(heap.measures[1].notJudged!, /preallocated by hand, which allocates nothing/);
    assert.equal(heap.measures[1].met, undefined);
    // The key ratios say so too, as the figures table does.
    assert.match(
      keyRatiosMarkdown([heap], INFO),
      /1\.53× faster \(1\.30–2\.10× over 3 rounds\) \(shown beside it: the pass with every intermediate preallocated by hand/,
    );
    // With rounds that miss, the figure misses whatever the one-process bench says.
    const slow = structuredClone(rounds);
    slow.groups![0].rows[1].values["CPU time/pass (ms)"] = [110, 220, 330];
    assert.equal(figure(data([], [], [slow]), /preallocated by hand$/).met, false);
  });

  it("the get/set figure compares NDArray with the hand-written loop in each access group", () => {
    const f = "benches/ops_bench.ts";
    const group = (g: string, hand: number, nd: number) => [
      bench(f, g, "data[i] (a hand-written loop over the typed array)", hand, true),
      bench(f, g, "NDArray get(i)", nd),
      bench(f, g, "CheckedAllocArray get(i)", nd * 3),
    ];
    const d = (set2: number) =>
      data([[
        ...group("get, 1-d Float64 × 1000 (one pass)", 800, 1700),
        ...group("get, 2-d Float64 25 × 40 (one pass)", 800, 2100),
        ...group("set, 1-d Float64 × 1000 (one pass)", 560, 1540),
        ...group("set, 2-d Float64 25 × 40 (one pass)", 560, set2),
      ]]);
    const met = figure(d(1680), /^`get` \/ `set`/);
    assert.deepEqual(met.measures.map((m) => m.text), [
      "2.13× the time (one run)",
      "2.63× the time (one run)",
      "2.75× the time (one run)",
      "3.00× the time (one run)",
    ]);
    assert.equal(met.met, true);
    assert.equal(figure(d(2030), /^`get` \/ `set`/).met, false, "set 2-d at 3.63× misses");
  });

  it("rotated-round ratios from several runs give each run's median, and how far apart they are", () => {
    const group = "CNN inference, 1000 images in batches of 32, Float64Array: rotated rounds";
    const run = (bumper: number[]): MeasurementJson => ({
      command: "deno run -A benches/cnn_ratios.ts --rounds 3 --json",
      method: "rotated rounds",
      groups: [{
        name: group,
        rows: [
          {
            name: "every intermediate preallocated by hand (predictInto)",
            baseline: true,
            values: { "CPU time/pass (ms)": [100, 100, 100] },
          },
          {
            name: "AllocArray + BumperAllocator (predict)",
            values: { "CPU time/pass (ms)": bumper },
          },
          {
            name: "plain heap arrays (predict)",
            values: { "CPU time/pass (ms)": [200, 200, 200] },
          },
        ],
      }],
    });
    const d = data([], [], [run([100, 101, 102]), run([104, 105, 106])]);
    assert.deepEqual(d.measurements[0].rows[1].runLengths.get("CPU time/pass (ms)"), [3, 3]);
    const limit = figure(d, /preallocated by hand$/);
    assert.deepEqual(limit.measures[0].runMedians, [1.01, 1.05]);
    assert.match(limit.measures[0].text, /; each run's median: 1\.01×, 1\.05×$/);
    const agree = figure(d, /separate runs' medians/);
    // 1.05 / 1.01 − 1 = 3.96%; heap / bumper: 200/101 and 200/105, 3.96% too.
    assert.deepEqual(agree.measures.map((m) => m.text), [
      "4.0% (one pair of runs)",
      "4.0% (one pair of runs)",
    ]);
    assert.equal(agree.met, true);
    const far = data([], [], [run([100, 101, 102]), run([110, 111, 112])]);
    assert.equal(figure(far, /separate runs' medians/).met, false, "1.11 / 1.01: 9.9% apart");
    // One run has nothing to compare.
    assert.equal(
      figure(data([], [], [run([100, 101, 102])]), /separate runs' medians/).met,
      undefined,
    );
  });

  it("reportMarkdown() says when, where and with what the numbers were measured, and marks a quick run", () => {
    const d = data([allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 })], [
      demo(2_400_000, 0, 0),
    ]);
    const results = evaluateFigures(d);
    const md = reportMarkdown({ ...INFO, quick: true }, d.series, d.demos, d.measurements, results);
    assert.match(md, /\*\*Quick run\*\*/);
    assert.match(
      md,
      /Measured 2026-01-01T00:00:00Z on Test CPU \(2 cores, 1 GiB RAM, linux\), Deno 2\.9\.6, V8 15, TypeScript 6, commit abc1234\./,
    );
    assert.match(md, /Load average \(1 min\) before \/ after: 0\.10 \/ 0\.20/);
    assert.match(md, /3 bench runs, the files in a rotated order each time/);
    assert.match(md, /!\[[^\]]*\]\(chart\.svg\)/);
    assert.doesNotMatch(reportMarkdown(INFO, d.series, d.demos, [], results), /Quick run/);
    assert.doesNotMatch(md, /Rendered /);
  });

  it("reportMarkdown() rendered from saved results keeps the measurement's date and machine and says it was re-rendered", () => {
    const d = data([allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 })]);
    const results = evaluateFigures(d);
    const md = reportMarkdown(
      { ...INFO, rerendered: { date: "2026-02-02T00:00:00Z", from: ["results.json"] } },
      d.series,
      [],
      [],
      results,
    );
    assert.match(md, /Measured 2026-01-01T00:00:00Z on Test CPU/);
    assert.match(
      md,
      /Rendered 2026-02-02T00:00:00Z from saved results \(`results\.json`\); the numbers are those of the run above/,
    );
    const raw = metaOfRawBench({
      version: 1,
      runtime: "Deno/2.9.6 x86_64-unknown-linux-gnu",
      cpu: "AMD EPYC",
      benches: [],
    });
    assert.equal(raw.date, "unknown");
    assert.equal(raw.runtime, "Deno 2.9.6");
    assert.match(
      describeMeta(raw),
      /^at an unknown date \(the saved results do not say\) on AMD EPYC/,
    );
    const demoMeta: RunMeta = { ...raw, cpu: "unknown", runtime: "unknown" };
    const md2 = reportMarkdown({ ...INFO, meta: raw, demoMeta }, d.series, [], [], results);
    assert.match(md2, /The demo's figures: measured at an unknown date, machine and runtime/);
    assert.equal(isSavedResults({ format: "allocarrays bench:report results 1" }), true);
    assert.equal(isSavedResults({ version: 1 }), false);
  });

  it("keyRatiosMarkdown() shows the measured figures with their spread and source, under when and where", () => {
    const d = data(
      [
        allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 }),
        allocGroup30({ heap: 640, pool: 70, bump: 30, ours: 40 }),
      ],
      [demo(2_400_000, 0, 0)],
    );
    const md = keyRatiosMarkdown(evaluateFigures(d), { ...INFO, runs: 2 });
    assert.match(
      md,
      /^Measured 2026-01-01T00:00:00Z on Test CPU .*, by `deno task bench:report` \(2 runs: the median, and the range over the runs\)/,
    );
    assert.match(md, /\| what +\| measured +\| from +\|/);
    assert.match(
      md,
      /15\.5× faster \(15\.0–16\.0× over 2 runs\) +\| benches\/alloc_bench\.ts "Float64 × 30"/,
    );
    assert.doesNotMatch(md, /target|verdict|MISSED|not measured/);
  });

  it("chartLabel() drops a trailing explanation in parentheses only", () => {
    assert.equal(
      chartLabel("hand-written bump (new Float64Array(arena, offset, n) + reset)"),
      "hand-written bump",
    );
    assert.equal(chartLabel("new Float64Array(n)"), "new Float64Array(n)");
    assert.equal(chartLabel("AllocBuffer noEscape + alloc"), "AllocBuffer noEscape + alloc");
  });

  it("allocKind() tells the heap, pools, the floor and the library apart", () => {
    assert.equal(allocKind("new Float64Array(n)"), "heap");
    assert.equal(allocKind("typedarray-pool mallocDouble + freeDouble"), "pool");
    assert.equal(allocKind("@thi.ng/malloc MemPool mallocAs + free"), "pool");
    assert.equal(allocKind("hand-written bump (x)"), "floor");
    assert.equal(allocKind("SlabBuffer noEscape + alloc"), "library");
  });

  it("allocationGroups() orders the sizes, merges the files and draws each case's median", () => {
    const f = "benches/alloc_bench.ts";
    const groups = allocationGroups(seriesOf(
      runs(
        [
          bench(f, "Float64 × 1000", "new Float64Array(n)", 3000, true),
          bench(f, "Float64 × 8", "new Float64Array(n)", 500, true),
          bench(f, "Float64 × 8", "AllocBuffer noEscape + alloc", 50),
          bench(f, "other group", "x", 1),
          bench(
            "benches/autoscaling_alloc_bench.ts",
            "Float64 × 8",
            "new Float64Array(n)",
            900,
            true,
          ),
          bench(
            "benches/autoscaling_alloc_bench.ts",
            "Float64 × 8",
            "AutoscalingAllocBuffer x",
            60,
          ),
        ],
        [bench(f, "Float64 × 8", "AllocBuffer noEscape + alloc", 70)],
        [bench(f, "Float64 × 8", "AllocBuffer noEscape + alloc", 52)],
      ),
      3,
    ));
    assert.deepEqual(groups.map((g) => g.title), ["8 Float64 (64 B)", "1,000 Float64 (7.81 KiB)"]);
    // Another file's cases join the group; its own baseline is not drawn twice.
    assert.deepEqual(groups[0].rows.map((r) => [r.label, r.ns]), [
      ["new Float64Array(n)", 500],
      ["AllocBuffer noEscape + alloc", 52],
      ["AutoscalingAllocBuffer x", 60],
    ]);
  });

  it("allocationChart() draws bars on a log scale: ten times the time, one decade longer", () => {
    const svg = allocationChart([{
      title: "8 <values>",
      rows: [
        { label: "a & b", ns: 20, kind: "library" },
        { label: "c", ns: 200, kind: "heap" },
        { label: "d", ns: 2000, kind: "floor" },
      ],
    }], "subtitle");
    const widths = [
      ...svg.matchAll(
        /<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="12" fill="[^"]+"><title>/g,
      ),
    ]
      .map((m) => Number(m[1]));
    assert.equal(widths.length, 3);
    // The axis spans 10 ns … 10 µs; each bar is one decade longer than the one before.
    assert.ok(Math.abs(widths[2] - widths[1] - (widths[1] - widths[0])) < 0.2);
    assert.ok(widths[2] > widths[1] && widths[1] > widths[0]);
    assert.match(svg, /8 &lt;values&gt;/);
    assert.match(svg, /a &amp; b/);
    assert.doesNotMatch(svg, /a & b/);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it("allocationChart() refuses to draw without results", () => {
    assert.throws(
      () => allocationChart([{ title: "t", rows: [] }], "s"),
      (e: unknown) => e instanceof RangeError && /no allocation results/.test(e.message),
    );
  });
});
