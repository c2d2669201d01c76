// The operation benchmarks' cases (benches/ops_bench.ts runs them under `deno bench`,
// benches/ops_ratios.ts interleaved in one process with the spread of each ratio): `add` into
// `out` and `sum` against a hand-written loop over the same typed arrays and against scijs
// `ndarray` + `ndarray-ops`, and element access (`get`/`set`) against `data[i]`.
//
// Every case leaves its results in a sink, so nothing can be optimised away. The hand-written
// loops are written inside each case's loop, not in helper functions: a small helper inlined
// into the case can stay for thousands of calls in V8's middle tier, several times slower.
// Before any case runs, `warmOtherTypes()` calls the same operations on Float32 and Int32
// arrays, as a program that uses several element types does: the figures are those of kernels
// that have seen more than one element type.

import ndarray from "ndarray";
import ops from "ndarray-ops";
import { AllocArray, CheckedAllocArray, NDArray } from "../arrays/mod.ts";
import { add, sub, sum } from "../arrays/ops/mod.ts";
import type { RoundCase } from "./_rounds.ts";

/** One benchmark case (see {@linkcode RoundCase}). */
export type OpsCase = RoundCase;

// Where results go, so the work cannot be optimised away.
let sink = 0;

/** The value of the sink (read it once at the end, so the work is observable). */
export function sinkValue(): number {
  return sink;
}

function ramp(n: number, scale: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = (i % 17) * scale + 0.25;
  return v;
}

/** The `add` group at size `n`. */
function addCases(n: number): OpsCase[] {
  const group = `add(a, b, out), Float64 × ${n}`;
  const a = ramp(n, 0.5), b = ramp(n, 0.25), o = new Float64Array(n);
  const A = new NDArray(a), B = new NDArray(b), O = new NDArray(o);
  const AA = AllocArray.from(a), AB = AllocArray.from(b), AO = AllocArray.from(o);
  const na = ndarray(a), nb = ndarray(b), no = ndarray(o);
  return [
    {
      group,
      name: "hand-written loop over the typed arrays",
      baseline: true,
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < n; i++) o[i] = a[i] + b[i];
          sink += o[n - 1];
        }
      },
    },
    {
      group,
      name: "allocarrays add(a, b, out) on typed arrays",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          add(a, b, o);
          sink += o[n - 1];
        }
      },
    },
    {
      group,
      name: "allocarrays add(a, b, out) on NDArrays",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          add(A, B, O);
          sink += o[n - 1];
        }
      },
    },
    {
      group,
      name: "allocarrays add(a, b, out) on AllocArrays",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          add(AA, AB, AO);
          sink += o[n - 1];
        }
      },
    },
    {
      group,
      name: "ndarray-ops add(out, a, b) on scijs ndarrays",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          ops.add(no, na, nb);
          sink += o[n - 1];
        }
      },
    },
  ];
}

/** The `sum` group at size `n`. */
function sumCases(n: number): OpsCase[] {
  const group = `sum(x), Float64 × ${n}`;
  const x = ramp(n, 0.5), X = new NDArray(x), nx = ndarray(x);
  return [
    {
      group,
      name: "hand-written loop",
      baseline: true,
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += x[i];
          sink += s;
        }
      },
    },
    {
      group,
      name: "unrolled loop (@stdlib dsumors: 6 per step)",
      run: (reps) => {
        // @stdlib/blas/ext/base/dsumors: ordinary recursive summation, unrolled by 6.
        const m = n % 6;
        for (let r = 0; r < reps; r++) {
          let s = 0, i = 0;
          for (; i < m; i++) s += x[i];
          for (; i < n; i += 6) s += x[i] + x[i + 1] + x[i + 2] + x[i + 3] + x[i + 4] + x[i + 5];
          sink += s;
        }
      },
    },
    {
      group,
      name: "allocarrays sum(x) on a typed array",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          sink += sum(x);
        }
      },
    },
    {
      group,
      name: "allocarrays sum(x) on an NDArray",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          sink += sum(X);
        }
      },
    },
    {
      group,
      name: "ndarray-ops sum(x) on a scijs ndarray",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          sink += ops.sum(nx);
        }
      },
    },
  ];
}

/**
 * Element access: `get`/`set` against `data[i]` and scijs ndarray's `get`/`set`, 1-d (1000) and
 * 2-d (25 × 40). Each case has its own loop, as user code has: one call site, one kind of array.
 */
function accessCases(): OpsCase[] {
  const n = 1000, rows = 25, cols = 40;
  const d = ramp(n, 0.5);
  const v = new NDArray(d), m = new NDArray(d, [rows, cols]);
  const av = AllocArray.from(d), cv = new CheckedAllocArray(d.slice());
  const cm = new CheckedAllocArray(d.slice(), [rows, cols]);
  // scijs ndarray's own get/set, on the same memory (its classes are generated per element
  // type and dimension, so each of these call sites sees one class).
  const nv = ndarray(d), nm = ndarray(d, [rows, cols]);
  const get1 = "get, 1-d Float64 × 1000 (one pass)", get2 = "get, 2-d Float64 25 × 40 (one pass)";
  const set1 = "set, 1-d Float64 × 1000 (one pass)", set2 = "set, 2-d Float64 25 × 40 (one pass)";
  return [
    {
      group: get1,
      name: "data[i] (a hand-written loop over the typed array)",
      baseline: true,
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += d[i];
          sink += s;
        }
      },
    },
    {
      group: get1,
      name: "NDArray get(i)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += v.get(i);
          sink += s;
        }
      },
    },
    {
      group: get1,
      name: "AllocArray get(i)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += av.get(i);
          sink += s;
        }
      },
    },
    {
      group: get1,
      name: "CheckedAllocArray get(i)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += cv.get(i);
          sink += s;
        }
      },
    },
    {
      group: get1,
      name: "scijs ndarray get(i)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += nv.get(i);
          sink += s;
        }
      },
    },
    {
      group: get2,
      name: "data[i * 40 + j] (a hand-written loop over the typed array)",
      baseline: true,
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s += d[i * cols + j];
          sink += s;
        }
      },
    },
    {
      group: get2,
      name: "NDArray get(i, j)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s += m.get(i, j);
          sink += s;
        }
      },
    },
    {
      group: get2,
      name: "CheckedAllocArray get(i, j)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s += cm.get(i, j);
          sink += s;
        }
      },
    },
    {
      group: get2,
      name: "scijs ndarray get(i, j)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          let s = 0;
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s += nm.get(i, j);
          sink += s;
        }
      },
    },
    {
      group: set1,
      name: "data[i] = v (a hand-written loop over the typed array)",
      baseline: true,
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < n; i++) d[i] = i + r;
          sink += d[7];
        }
      },
    },
    {
      group: set1,
      name: "NDArray set(i, v)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < n; i++) v.set(i, i + r);
          sink += d[7];
        }
      },
    },
    {
      group: set1,
      name: "CheckedAllocArray set(i, v)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < n; i++) cv.set(i, i + r);
          sink += d[7];
        }
      },
    },
    {
      group: set1,
      name: "scijs ndarray set(i, v)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < n; i++) nv.set(i, i + r);
          sink += d[7];
        }
      },
    },
    {
      group: set2,
      name: "data[i * 40 + j] = v (a hand-written loop over the typed array)",
      baseline: true,
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = j + r;
          sink += d[7];
        }
      },
    },
    {
      group: set2,
      name: "NDArray set(i, j, v)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, j + r);
          sink += d[7];
        }
      },
    },
    {
      group: set2,
      name: "CheckedAllocArray set(i, j, v)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) cm.set(i, j, j + r);
          sink += d[7];
        }
      },
    },
    {
      group: set2,
      name: "scijs ndarray set(i, j, v)",
      run: (reps) => {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) nm.set(i, j, j + r);
          sink += d[7];
        }
      },
    },
  ];
}

/**
 * Calls the operations the cases measure on Float32 and Int32 arrays (and NDArrays of them),
 * as a program that uses several element types does, so that no kernel is measured having
 * seen Float64 only.
 */
export function warmOtherTypes(): void {
  for (const T of [Float32Array, Int32Array]) {
    for (const n of [30, 1000]) {
      const a = new T(n).fill(3), b = new T(n).fill(2), o = new T(n);
      const A = new NDArray(a), M = new NDArray(a, [n / 10, 10]);
      for (let r = 0; r < 200; r++) {
        add(a, b, o);
        add(A, new NDArray(b), new NDArray(o));
        sub(a, 1, o);
        sink += sum(a) + sum(A) + A.get(3) + M.get(1, 2);
        A.set(3, 3);
        M.set(1, 2, 2);
      }
    }
  }
}

/** Every case, in groups. */
export function opsCases(): OpsCase[] {
  return [
    ...addCases(30),
    ...addCases(1000),
    ...addCases(100_000),
    ...sumCases(1000),
    ...sumCases(100_000),
    ...accessCases(),
  ];
}
