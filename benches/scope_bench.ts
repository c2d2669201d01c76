// The scope and array layer's costs:
// - `similar`: `similar(a)` of an AllocArray inside `withAllocator` (scope lookup, allocation,
//   the AllocArray, built without re-validating its layout) against the allocation alone
//   (`allocView`) and the same allocation wrapped through the public constructors
//   (`new NDArray(view, [n])`, `new AllocArray(view)`, which validate their arguments). These
//   are full costs per call, not differences: the constructors do work `similar` skips, so
//   subtracting one from the other would not isolate the dispatch. Each case runs 1000 times
//   per iteration: divide by 1000.
// - `withAllocator` entry: one scope around a trivial function (AsyncLocalStorage.run).
// - CheckedAllocArray against AllocArray on element access (`get`), a sum over `data`, and a
//   broadcast-style sum (c = a + b through `similar`, then sum).
// Every result goes to a sink so nothing can be optimised away.
//
//   deno bench -A benches/scope_bench.ts
//
// Compare ratios within one run (the machine is noisy); the group summaries print them.

import { AllocBuffer } from "../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  NDArray,
  reset,
  similar,
} from "../arrays/mod.ts";
import { currentAllocator, withAllocator } from "../scope/mod.ts";

let sink: unknown;
let total = 0;

// ---- similar dispatch --------------------------------------------------------------------
{
  const n = 30;
  const REPS = 1000;
  const group = `similar of a Float64 × ${n} AllocArray (×${REPS}, then reset)`;
  const buf = new AllocBuffer(REPS * n * 8 + 64);
  const a = AllocArray.from(new Float64Array(n));

  Deno.bench({
    name: "buf.allocView(Float64Array, n) (allocation only)",
    group,
    baseline: true,
    fn() {
      for (let i = 0; i < REPS; i++) {
        const d = buf.allocView(Float64Array, n);
        d[0] = i;
        sink = d;
      }
      buf.resetBuffer();
    },
  });

  Deno.bench({
    name: "allocView + new NDArray(view, [n]) (public constructor, validates)",
    group,
    fn() {
      for (let i = 0; i < REPS; i++) {
        const d = buf.allocView(Float64Array, n);
        d[0] = i;
        sink = new NDArray(d, [n]);
      }
      buf.resetBuffer();
    },
  });

  Deno.bench({
    name: "allocView + new AllocArray(view) (public constructor, validates)",
    group,
    fn() {
      for (let i = 0; i < REPS; i++) {
        const d = buf.allocView(Float64Array, n);
        d[0] = i;
        sink = new AllocArray(d);
      }
      buf.resetBuffer();
    },
  });

  Deno.bench({
    name: "similar(a) inside withAllocator(buf)",
    group,
    fn() {
      withAllocator(buf, () => {
        for (let i = 0; i < REPS; i++) {
          const s = similar(a);
          s.data[0] = i;
          sink = s;
        }
      });
      buf.resetBuffer();
    },
  });

  const bumper = new BumperAllocator(buf);
  Deno.bench({
    name: "similar(a) inside withAllocator(BumperAllocator(buf))",
    group,
    fn() {
      withAllocator(bumper, () => {
        for (let i = 0; i < REPS; i++) {
          const s = similar(a);
          s.data[0] = i;
          sink = s;
        }
      });
      reset(bumper);
    },
  });

  const c = CheckedAllocArray.from(new Float64Array(n));
  Deno.bench({
    name: "similar(checked) inside withAllocator(BumperAllocator(buf))",
    group,
    fn() {
      withAllocator(bumper, () => {
        for (let i = 0; i < REPS; i++) {
          const s = similar(c);
          s.data[0] = i;
          sink = s;
        }
      });
      reset(bumper);
    },
  });

  Deno.bench({
    name: "currentAllocator() inside a scope",
    group,
    fn() {
      withAllocator(buf, () => {
        for (let i = 0; i < REPS; i++) sink = currentAllocator();
      });
    },
  });
}

// ---- withAllocator entry -----------------------------------------------------------------
{
  const group = "withAllocator entry";
  const buf = new AllocBuffer(64);
  const fn = () => 1;
  Deno.bench({
    name: "direct call fn()",
    group,
    baseline: true,
    fn() {
      total += fn();
    },
  });
  Deno.bench({
    name: "withAllocator(buf, fn)",
    group,
    fn() {
      total += withAllocator(buf, fn);
    },
  });
  Deno.bench({
    name: "nested: withAllocator(buf, () => withAllocator(buf, fn))",
    group,
    fn() {
      total += withAllocator(buf, () => withAllocator(buf, fn));
    },
  });
}

// ---- CheckedAllocArray vs AllocArray -----------------------------------------------------
{
  const n = 1000;
  const src = Float64Array.from({ length: n }, (_, i) => i);
  const plain = AllocArray.from(src.slice());
  const checked = CheckedAllocArray.from(src.slice());
  const plain2 = new AllocArray(src.slice(), [25, 40]);
  const checked2 = new CheckedAllocArray(src.slice(), [25, 40]);

  const getSum = (a: NDArray<Float64Array>) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a.get(i) as number;
    return s;
  };
  const getSum2 = (a: NDArray<Float64Array>) => {
    let s = 0;
    for (let i = 0; i < 25; i++) for (let j = 0; j < 40; j++) s += a.get(i, j) as number;
    return s;
  };
  const dataSum = (a: NDArray<Float64Array>) => {
    const d = a.data;
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i];
    return s;
  };
  // c = a + b through similar (what an element-wise op does), then sum(c)
  const broadcastSum = (a: NDArray<Float64Array>, b: NDArray<Float64Array>) => {
    const c = similar(a);
    const x = a.data, y = b.data, z = c.data;
    for (let i = 0; i < z.length; i++) z[i] = x[i] + y[i];
    return dataSum(c);
  };

  Deno.bench({
    name: "AllocArray: get(i) × 1000",
    group: "element access (1-d get)",
    baseline: true,
    fn() {
      total += getSum(plain);
    },
  });
  Deno.bench({
    name: "CheckedAllocArray: get(i) × 1000",
    group: "element access (1-d get)",
    fn() {
      total += getSum(checked);
    },
  });
  Deno.bench({
    name: "AllocArray: get(i, j) × 1000",
    group: "element access (2-d get)",
    baseline: true,
    fn() {
      total += getSum2(plain2);
    },
  });
  Deno.bench({
    name: "CheckedAllocArray: get(i, j) × 1000",
    group: "element access (2-d get)",
    fn() {
      total += getSum2(checked2);
    },
  });
  Deno.bench({
    name: "AllocArray: sum over data",
    group: "sum loop",
    baseline: true,
    fn() {
      total += dataSum(plain);
    },
  });
  Deno.bench({
    name: "CheckedAllocArray: sum over data",
    group: "sum loop",
    fn() {
      total += dataSum(checked);
    },
  });

  const bumper = new BumperAllocator(1 << 20);
  const plainB = AllocArray.from(src.slice());
  const checkedB = CheckedAllocArray.from(src.slice());
  Deno.bench({
    name: "AllocArray: sum(a .+ b) under a BumperAllocator",
    group: "broadcast sum",
    baseline: true,
    fn() {
      total += withAllocator(bumper, () => broadcastSum(plain, plainB));
      reset(bumper);
    },
  });
  Deno.bench({
    name: "CheckedAllocArray: sum(a .+ b) under a BumperAllocator",
    group: "broadcast sum",
    fn() {
      total += withAllocator(bumper, () => broadcastSum(checked, checkedB));
      reset(bumper);
    },
  });
}

// Keep the sinks observable.
globalThis.addEventListener("unload", () => {
  if (total === -1) console.log(sink);
});
