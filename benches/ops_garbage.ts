// JavaScript-heap garbage per call of the operations, in steady state (from V8's GC trace; see
// scripts/_gc_trace.ts): the fast path (contiguous operands of one element type into `out`) and the
// general engine (broadcasting, strided layouts, reductions along an axis, matrix products).
// Arrays are NDArrays of Float64 over heap memory; every case writes into a preallocated `out`
// except the reductions to a number and along an axis (whose result is the one allocation).
//
//   deno run -A benches/ops_garbage.ts            (a table)
//   deno run -A benches/ops_garbage.ts --json     (machine-readable)

import { NDArray } from "../arrays/mod.ts";
import { add, matmul, mul, relu, sum } from "../arrays/ops/mod.ts";
import { garbagePerIteration, gcTraceMethod, start, stop } from "../scripts/_gc_trace.ts";
import type { MeasurementJson } from "../scripts/_bench_report.ts";

let sink = 0;
const m = new NDArray(new Float64Array(900).fill(1), [30, 30]);
const row = new NDArray(new Float64Array(30).fill(2));
const out = new NDArray(new Float64Array(900), [30, 30]);
const mt = m.transpose();
const a30 = new NDArray(new Float64Array(30).fill(1)), o30 = new NDArray(new Float64Array(30));
const t30 = new Float64Array(30), u30 = new Float64Array(30);
const a1k = new NDArray(new Float64Array(1000).fill(1));
const mm = new NDArray(new Float64Array(64).fill(1), [8, 8]);
const mo = new NDArray(new Float64Array(64), [8, 8]);

/** The cases: what one call does. */
export const CASES: Record<string, () => void> = {
  "add(a, b, out), 30 elements, NDArrays (fast path)": () => void add(a30, a30, o30),
  "add(a, b, out), 30 elements, typed arrays (fast path)": () => void add(t30, u30, t30),
  "mul(a, 2, out), 30 elements (fast path, a scalar)": () => void mul(a30, 2, o30),
  "relu(x, out), 30 elements (fast path)": () => void relu(a30, o30),
  "sum(x), 1000 elements (fast path; the number is the result)": () => void (sink += sum(a1k)),
  "add(matrix, row, out), 30 × 30 + 30 (broadcast)": () => void add(m, row, out),
  "add(matrixᵀ, matrix, out), 30 × 30 (strided)": () => void add(mt, m, out),
  "sum(matrixᵀ), 30 × 30 (strided, to a number)": () => void (sink += sum(mt)),
  "sum(matrix, { axis: 0 }), 30 × 30 (the result is allocated)": () =>
    void (sink += sum(m, { axis: 0 }).data[0]),
  "matmul(a, b, out), 8 × 8": () => void matmul(mm, mm, mo),
};

const WARM = 20_000, SHORT = 20_000, LONG = 60_000;

if (import.meta.main) {
  if (Deno.args[0] === "--child") {
    const f = CASES[Deno.args[1]];
    for (let i = 0; i < WARM; i++) f();
    start();
    for (let i = 0, n = Number(Deno.args[2]); i < n; i++) f();
    stop();
    if (sink === -1) console.log(sink);
  } else {
    const rows = [];
    for (const name of Object.keys(CASES)) {
      const g = await garbagePerIteration(import.meta.filename!, ["--child", name], {
        short: SHORT,
        long: LONG,
      });
      rows.push({ name, ...g });
    }
    if (Deno.args.includes("--json")) {
      const json: MeasurementJson = {
        command: "deno run -A benches/ops_garbage.ts --json",
        method: gcTraceMethod("calls", { warm: WARM, short: SHORT, long: LONG, pairs: 3 }),
        groups: [{
          name: "JavaScript-heap garbage per call of the operations",
          rows: rows.map((r) => ({ name: r.name, values: { "JS heap bytes/call": r.samples } })),
        }],
      };
      console.log(JSON.stringify(json));
    } else {
      console.log(
        `JavaScript-heap bytes per call after ${WARM} warm-up calls; runs of ${SHORT} and ${LONG} calls, 3 times (median, range)`,
      );
      for (const r of rows) {
        const lo = Math.min(...r.samples), hi = Math.max(...r.samples);
        console.log(
          `  ${r.name.padEnd(62)} ${r.bytesPerIteration.toFixed(1).padStart(7)} B  (${
            lo.toFixed(1)
          }–${hi.toFixed(1)})`,
        );
      }
    }
  }
}
