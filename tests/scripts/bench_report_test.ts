import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  allocationChart,
  allocationGroups,
  allocKind,
  type BenchCase,
  chartLabel,
  type DemoJson,
  type DenoBenchJson,
  evaluateTargets,
  formatBytes,
  formatNs,
  formatVsBaseline,
  keyRatiosMarkdown,
  parseBenchJson,
  reportMarkdown,
  type RunInfo,
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

function cases(benches: DenoBenchJson["benches"]): BenchCase[] {
  return parseBenchJson({ version: 1, runtime: "Deno/2", cpu: "cpu", benches }, ROOT);
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

function demo(heapBytes: number, allocBytes: number, allocMajor: number): DemoJson {
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
        row("heap", heapBytes, 2, 300),
        row("alloc", allocBytes, allocMajor, 200),
        row("checked", allocBytes, 0, 700),
      ],
    })),
  };
}

const INFO: RunInfo = {
  commands: ["deno bench -A --json"],
  date: "2026-01-01T00:00:00Z",
  cpu: "Test CPU",
  cores: 2,
  os: "linux",
  memory: "1 GiB",
  deno: "2.9.6",
  v8: "15",
  typescript: "6",
  loadBefore: 0.1,
  loadAfter: 0.2,
  quick: false,
};

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

  it("parseBenchJson() strips the root from origins and keeps failed benches as NaN", () => {
    const parsed = parseBenchJson({
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
    }, ROOT);
    assert.equal(parsed[0].file, "benches/a_bench.ts");
    assert.equal(parsed[0].avg, 12);
    assert.ok(Number.isNaN(parsed[1].avg));
    assert.equal(parsed[1].error, "boom");
  });

  it("parseBenchJson() rejects output of another format, naming its version", () => {
    assert.throws(
      () => parseBenchJson({ version: 2 } as unknown as DenoBenchJson, ROOT),
      (e: unknown) => e instanceof TypeError && /got version 2/.test(e.message),
    );
  });

  it("evaluateTargets() checks each allocation target on the default-buffer case", () => {
    const t = evaluateTargets(
      cases(allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 })),
      undefined,
    );
    const byWhat = (re: RegExp) => t.find((x) => re.test(x.what))!;
    const heap = byWhat(/vs `new Float64Array\(30\)`/);
    assert.equal(heap.met, true); // 600 / 40 = 15 ≥ 12
    assert.equal(heap.measured, "15.0× faster");
    const pool = byWhat(/typedarray-pool/);
    assert.equal(pool.met, false); // 70 / 40 = 1.75 < 2
    assert.equal(pool.measured, "1.75× faster");
    const bump = byWhat(/hand-written bump/);
    assert.equal(bump.met, true); // 40 / 30 = 1.33 ≤ 1.6
    assert.equal(bump.measured, "1.33× the time");
  });

  it("evaluateTargets() takes the allocation references from alloc_bench.ts only", () => {
    const other = "benches/autoscaling_alloc_bench.ts";
    const t = evaluateTargets(
      cases([
        bench(other, "Float64 × 30", "new Float64Array(n)", 6000, true),
        ...allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 }),
      ]),
      undefined,
    );
    assert.equal(t[0].measured, "15.0× faster");
  });

  it("evaluateTargets() words a ratio below 1 as slower, and misses it", () => {
    const t = evaluateTargets(
      cases(allocGroup30({ heap: 600, pool: 35, bump: 30, ours: 40 })),
      undefined,
    );
    const pool = t.find((x) => /typedarray-pool/.test(x.what))!;
    assert.equal(pool.measured, "1.14× slower");
    assert.equal(pool.met, false);
    const same = evaluateTargets(
      cases(allocGroup30({ heap: 600, pool: 40.1, bump: 30, ours: 40 })),
      undefined,
    );
    assert.equal(same.find((x) => /typedarray-pool/.test(x.what))!.measured, "same speed");
  });

  it("evaluateTargets() reports every target, missing benches as not measured", () => {
    const t = evaluateTargets([], undefined);
    assert.equal(t.length, 11);
    assert.ok(t.every((x) => x.met === undefined && x.measured === "not measured"));
  });

  it("evaluateTargets() compares the CNN on WebAssembly memory with tfjs-backend-wasm", () => {
    const group = "CNN (Float32), 1000 images in batches of 32, one thread";
    const f = "benches/cnn_wasm_bench.ts";
    const run = (ours: number, tfjs: number) =>
      evaluateTargets(
        cases([
          bench(f, group, "tfjs-backend-wasm (SIMD)", tfjs, true),
          bench(f, group, "allocarrays, WebAssembly memory (SIMD kernels)", ours),
        ]),
        undefined,
      ).find((x) => /tfjs-backend-wasm/.test(x.what))!;
    const met = run(90e6, 160e6);
    assert.equal(met.met, true);
    assert.equal(met.target, "≤ 1.0× its time");
    assert.equal(run(200e6, 160e6).met, false);
  });

  it("evaluateTargets() takes bytes and major GCs from the demo, zero bytes as ∞× fewer", () => {
    const t = evaluateTargets([], demo(2_400_000, 0, 1));
    const bytes = t.find((x) =>
      /basic_reduction`: bumper vs heap, ArrayBuffer bytes/.test(x.what)
    )!;
    assert.equal(bytes.met, true);
    assert.match(bytes.measured, /^∞× fewer \(0 B vs 2\.29 MiB per run\)$/);
    const gc = t.find((x) => /major GCs/.test(x.what))!;
    assert.equal(gc.met, false);
    assert.equal(gc.measured, "1 major, 1 minor");
    // Without cnn_bench.ts the CNN times come from the demo: 300 ms heap vs 200 ms bumper.
    const time = t.find((x) => x.what === "CNN inference: bumper vs heap, time")!;
    assert.equal(time.measured, "1.50× faster");
    const checked = t.find((x) => /CheckedAllocArray vs AllocArray/.test(x.what))!;
    assert.equal(checked.measured, "3.50× the time");
    assert.equal(checked.met, false);
  });

  it("evaluateTargets() misses a bytes target when the bumper allocates too much", () => {
    const t = evaluateTargets([], demo(1_000_000, 2_000, 0));
    const bytes = t.find((x) =>
      /basic_reduction`: bumper vs heap, ArrayBuffer bytes/.test(x.what)
    )!;
    assert.equal(bytes.met, false); // 500× < 1000×
    assert.match(bytes.measured, /^500× fewer/);
  });

  it("evaluateTargets() measures similar's dispatch per call against the hand-written wrap", () => {
    const f = "benches/scope_bench.ts",
      g = "similar of a Float64 × 30 AllocArray (×1000, then reset)";
    const t = evaluateTargets(
      cases([
        bench(f, g, "buf.allocView(Float64Array, n) (allocation only)", 31_000, true),
        bench(f, g, "allocView + new AllocArray(view) (wrap without the scope)", 92_000),
        bench(f, g, "similar(a) inside withAllocator(buf)", 117_000),
      ]),
      undefined,
    );
    const s = t.find((x) => /similar/.test(x.what))!;
    assert.equal(s.met, true); // (117 µs − 92 µs) / 1000 = 25 ns
    assert.equal(
      s.measured,
      "25.0 ns over allocView + new AllocArray by hand (86.0 ns over a bare allocView)",
    );
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

  it("allocationGroups() orders the sizes and keeps the bench order within a size", () => {
    const f = "benches/alloc_bench.ts";
    const groups = allocationGroups(cases([
      bench(f, "Float64 × 1000", "new Float64Array(n)", 3000, true),
      bench(f, "Float64 × 8", "new Float64Array(n)", 500, true),
      bench(f, "Float64 × 8", "AllocBuffer noEscape + alloc", 50),
      bench(f, "other group", "x", 1),
      bench("benches/autoscaling_alloc_bench.ts", "Float64 × 8", "new Float64Array(n)", 900, true),
      bench("benches/autoscaling_alloc_bench.ts", "Float64 × 8", "AutoscalingAllocBuffer x", 60),
    ]));
    assert.deepEqual(groups.map((g) => g.title), ["8 Float64 (64 B)", "1,000 Float64 (7.81 KiB)"]);
    // Another file's cases join the group; its own baseline is not drawn twice.
    assert.deepEqual(groups[0].rows.map((r) => [r.label, r.ns]), [
      ["new Float64Array(n)", 500],
      ["AllocBuffer noEscape + alloc", 50],
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

  it("reportMarkdown() names the missed targets and marks a quick run", () => {
    const c = cases(allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 }));
    const d = demo(2_400_000, 0, 0);
    const targets = evaluateTargets(c, d);
    const md = reportMarkdown({ ...INFO, quick: true }, c, d, targets);
    assert.match(md, /\*\*Quick run\*\*/);
    assert.match(md, /Missed: \d+ of 11 \(same vs typedarray-pool malloc\/free/);
    assert.match(
      md,
      /\| same vs typedarray-pool malloc\/free \| ≥ 2× faster \| 1\.75× faster \| \*\*MISSED\*\* \|/,
    );
    assert.match(md, /Machine: Test CPU, 2 cores/);
    assert.match(md, /!\[[^\]]*\]\(chart\.svg\)/);
    assert.doesNotMatch(reportMarkdown(INFO, c, d, targets), /Quick run/);
    assert.match(md, /Load average \(1 min\) before \/ after the run: 0\.10 \/ 0\.20/);
    const rewritten = reportMarkdown({ ...INFO, loadBefore: NaN, loadAfter: NaN }, c, d, targets);
    assert.match(rewritten, /Load average: not recorded/);
  });

  it("keyRatiosMarkdown() shows the measured ratios without targets or verdicts", () => {
    const c = cases(allocGroup30({ heap: 600, pool: 70, bump: 30, ours: 40 }));
    const md = keyRatiosMarkdown(evaluateTargets(c, demo(2_400_000, 0, 0)));
    assert.match(md, /^\| what +\| measured +\|$/m);
    assert.match(md, /\| same vs typedarray-pool malloc\/free +\| 1\.75× faster +\|/);
    assert.doesNotMatch(md, /target|verdict|MISSED|met/);
  });
});
