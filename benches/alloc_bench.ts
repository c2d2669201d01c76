// Allocation cost: `noEscape` + `alloc` on each buffer against `new Float64Array(n)`, pooled
// allocators (typedarray-pool, @thi.ng/malloc) and a hand-written bump (the floor).
//
// Every case does the same work: it allocates n Float64 values, writes every one of them (as
// code that allocates an array then fills it does), passes the array to a sink so nothing can
// be optimised away, and frees it. What differs is what the allocation costs: the heap's
// constructor zero-fills the n values (and, for large n, maps fresh pages in), a pool or a bump
// hands out memory as it is.
//
// - "Float64 × n" groups: one array of n values per call, freed at once (a pool's best case:
//   the same size freed and taken back every call);
// - "mixed sizes" group: 16 arrays of 1 to 1000 values (a fixed sequence, log-uniform) per call,
//   all live together, then all freed, as the temporaries of one computation are.
//
//   deno bench -A benches/alloc_bench.ts
//   ALLOC_BENCH_SIZES=30 deno bench -A benches/alloc_bench.ts   (one size group and the mix)
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
import { mulberry32 } from "../examples/_prng.ts";

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
      a.fill(1);
      sink = a;
    },
  });

  Deno.bench({
    name: "typedarray-pool mallocDouble + freeDouble",
    group,
    fn() {
      const a = pool.mallocDouble(n);
      a.fill(1);
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
      a.fill(1);
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
      a.fill(1);
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
        a.fill(1);
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
        a.fill(1);
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
        a.fill(1);
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
        a.fill(1);
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
        a.fill(1);
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
      a.fill(1);
      sink = a;
      total += a.length;
    },
  });
}

// ---- a mix of sizes ----------------------------------------------------------------------------
{
  // 16 sizes, log-uniform in 1..1000, the same on every run.
  const rand = mulberry32(16);
  const MIX = Array.from({ length: 16 }, () => Math.max(1, Math.round(1000 ** rand())));
  const mixBytes = MIX.reduce((s, n) => s + n * 8, 0);
  const group = `mixed sizes: 16 Float64 arrays of 1 to 1000 values (${MIX.join(", ")})`;
  const live: Float64Array[] = new Array(MIX.length);

  Deno.bench({
    name: "new Float64Array(n) each",
    group,
    baseline: true,
    fn() {
      for (let i = 0; i < MIX.length; i++) (live[i] = new Float64Array(MIX[i])).fill(1);
      sink = live[7];
    },
  });

  Deno.bench({
    name: "typedarray-pool mallocDouble each, then freeDouble each",
    group,
    fn() {
      for (let i = 0; i < MIX.length; i++) (live[i] = pool.mallocDouble(MIX[i])).fill(1);
      sink = live[7];
      for (let i = 0; i < MIX.length; i++) pool.freeDouble(live[i]);
    },
  });

  const mem = new MemPool({ size: 2 * mixBytes + 64 * MIX.length + 4096 });
  Deno.bench({
    name: "@thi.ng/malloc MemPool mallocAs each, then free each",
    group,
    fn() {
      for (let i = 0; i < MIX.length; i++) (live[i] = mem.mallocAs("f64", MIX[i])!).fill(1);
      sink = live[7];
      for (let i = 0; i < MIX.length; i++) mem.free(live[i]);
    },
  });

  const arena = new ArrayBuffer(mixBytes + 64);
  Deno.bench({
    name: "hand-written bump (views of one ArrayBuffer, then offset = 0)",
    group,
    fn() {
      let offset = 0;
      for (let i = 0; i < MIX.length; i++) {
        (live[i] = new Float64Array(arena, offset, MIX[i])).fill(1);
        offset += MIX[i] * 8;
      }
      sink = live[7];
    },
  });

  const allocBuf = new AllocBuffer();
  Deno.bench({
    name: "AllocBuffer noEscape + alloc each",
    group,
    fn() {
      total += noEscape(allocBuf, () => {
        for (let i = 0; i < MIX.length; i++) {
          (live[i] = alloc(allocBuf, Float64Array, MIX[i])).fill(1);
        }
        sink = live[7];
        return live[7].length;
      });
    },
  });

  const slabBuf = new SlabBuffer();
  Deno.bench({
    name: "SlabBuffer noEscape + alloc each",
    group,
    fn() {
      total += noEscape(slabBuf, () => {
        for (let i = 0; i < MIX.length; i++) {
          (live[i] = alloc(slabBuf, Float64Array, MIX[i])).fill(1);
        }
        sink = live[7];
        return live[7].length;
      });
    },
  });

  Deno.bench({
    name: "default buffer noEscape(fn) + alloc(Float64Array, n) each",
    group,
    fn() {
      total += noEscape(() => {
        for (let i = 0; i < MIX.length; i++) (live[i] = alloc(Float64Array, MIX[i])).fill(1);
        sink = live[7];
        return live[7].length;
      });
    },
  });
}

globalThis.addEventListener("unload", () => {
  // Touch the sinks so the work counts as observable.
  if (total < 0 || sink === null) console.log(total, defaultBuffer());
});
