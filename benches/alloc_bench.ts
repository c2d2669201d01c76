// Allocation cost: `noEscape` + `alloc` on each buffer against `new Float64Array(n)`, pooled
// allocators and a hand-written bump (the floor). Every case allocates n Float64 elements,
// writes one element and passes the array to a sink, so nothing can be optimised away.
//
//   deno bench -A benches/alloc_bench.ts
//   ALLOC_BENCH_SIZES=30 deno bench -A benches/alloc_bench.ts   (one group)
//
// Compare ratios within one run (the machine is noisy); the group summary prints them.

import pool from "typedarray-pool";
import { MemPool } from "@thi.ng/malloc";
import {
  alloc,
  AllocBuffer,
  defaultBuffer,
  noEscape,
  region,
  ResizeBuffer,
  SlabBuffer,
} from "../allocators/mod.ts";

// ALLOC_BENCH_SIZES=30 runs one group only.
const SIZES = (Deno.env.get("ALLOC_BENCH_SIZES") ?? "8,30,1000,100000").split(",").map(Number);

// Where results go, so the work cannot be optimised away.
let sink: unknown;
let total = 0;

for (const n of SIZES) {
  const group = `Float64 × ${n}`;
  const bytes = n * 8;

  Deno.bench({
    name: "new Float64Array(n)",
    group,
    baseline: true,
    fn() {
      const a = new Float64Array(n);
      a[0] = 1;
      sink = a;
    },
  });

  Deno.bench({
    name: "typedarray-pool mallocDouble + freeDouble",
    group,
    fn() {
      const a = pool.mallocDouble(n);
      a[0] = 1;
      sink = a;
      pool.freeDouble(a);
    },
  });

  const mem = new MemPool({ size: 4 * bytes + 4096 });
  Deno.bench({
    name: "@thi.ng/malloc MemPool mallocAs + free",
    group,
    fn() {
      const a = mem.mallocAs("f64", n)!;
      a[0] = 1;
      sink = a;
      mem.free(a);
    },
  });

  const arena = new ArrayBuffer(bytes + 64);
  let offset = 0;
  Deno.bench({
    name: "hand-written bump (new Float64Array(arena, offset, n) + reset)",
    group,
    fn() {
      const a = new Float64Array(arena, offset, n);
      offset += bytes;
      a[0] = 1;
      sink = a;
      offset = 0;
    },
  });

  const allocBuf = new AllocBuffer(Math.max(1_048_576, bytes));
  Deno.bench({
    name: "AllocBuffer noEscape + alloc",
    group,
    fn() {
      total += noEscape(allocBuf, () => {
        const a = alloc(allocBuf, Float64Array, n);
        a[0] = 1;
        sink = a;
        return a.length;
      });
    },
  });

  const slabBuf = new SlabBuffer();
  Deno.bench({
    name: "SlabBuffer noEscape + alloc",
    group,
    fn() {
      total += noEscape(slabBuf, () => {
        const a = alloc(slabBuf, Float64Array, n);
        a[0] = 1;
        sink = a;
        return a.length;
      });
    },
  });

  const resizeBuf = new ResizeBuffer();
  Deno.bench({
    name: "ResizeBuffer noEscape + alloc",
    group,
    fn() {
      total += noEscape(resizeBuf, () => {
        const a = alloc(resizeBuf, Float64Array, n);
        a[0] = 1;
        sink = a;
        return a.length;
      });
    },
  });

  Deno.bench({
    name: "default buffer noEscape(fn) + alloc(Float64Array, n)",
    group,
    fn() {
      total += noEscape(() => {
        const a = alloc(Float64Array, n);
        a[0] = 1;
        sink = a;
        return a.length;
      });
    },
  });

  const regionBuf = new AllocBuffer(Math.max(1_048_576, bytes));
  Deno.bench({
    name: "AllocBuffer region() + r.alloc + close() in finally",
    group,
    fn() {
      const r = region(regionBuf);
      try {
        const a = r.alloc(Float64Array, n);
        a[0] = 1;
        sink = a;
        total += a.length;
      } finally {
        r.close();
      }
    },
  });

  const usingBuf = new AllocBuffer(Math.max(1_048_576, bytes));
  Deno.bench({
    name: "AllocBuffer using region + r.alloc",
    group,
    fn() {
      using r = region(usingBuf);
      const a = r.alloc(Float64Array, n);
      a[0] = 1;
      sink = a;
      total += a.length;
    },
  });
}

globalThis.addEventListener("unload", () => {
  // Touch the sinks so the work counts as observable.
  if (total < 0 || sink === null) console.log(total, defaultBuffer());
});
