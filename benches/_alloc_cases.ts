// The allocation benchmarks' cases (benches/alloc_bench.ts runs them under `deno bench` at
// several sizes, benches/alloc_ratios.ts interleaved in one process with the spread of each
// ratio): `noEscape` + `alloc` on every buffer class and on the default buffer, and the
// region forms, against `new Float64Array(n)`, pooled allocators (typedarray-pool,
// @thi.ng/malloc) and a hand-written bump (the floor, and the baseline).
//
// Every case does the same work: it allocates n Float64 values, writes every one of them (as
// code that allocates an array then fills it does), passes the array to a sink so nothing can
// be optimised away, and frees it. What differs is what the allocation costs: the heap's
// constructor zero-fills the n values (and, for large n, maps fresh pages in), a pool or a bump
// hands out memory as it is. Each case is a function of its own, as each call site of a
// program is: cases that shared one function would share V8's feedback, and measure a call
// site that sees every buffer class at once.

import pool from "typedarray-pool";
import { MemPool } from "@thi.ng/malloc";
import {
  alloc,
  AllocBuffer,
  AutoscalingAllocBuffer,
  noEscape,
  region,
  ResizeBuffer,
  SlabBuffer,
} from "../allocators/mod.ts";
import { BumperAllocator } from "../arrays/mod.ts";
import { mulberry32 } from "../examples/_prng.ts";
import type { RoundCase } from "./_rounds.ts";

// Where results go, so the work cannot be optimised away.
let sink: unknown;
let total = 0;

/** Whether the sinks hold what they should (read it once at the end: the work is observable). */
export function sinksHold(): boolean {
  return total > 0 && sink !== null;
}

/**
 * One array of `n` Float64 values per call, freed at once (a pool's best case: the same size
 * freed and taken back every call), by every allocator; the group `Float64 × n`.
 */
export function allocCases(n: number): RoundCase[] {
  const group = `Float64 × ${n}`;
  const bytes = n * 8;
  const mem = new MemPool({ size: 4 * bytes + 4096 });
  const arena = new ArrayBuffer(bytes + 64);
  let offset = 0;
  const allocBuf = new AllocBuffer(Math.max(1_048_576, bytes));
  const slabBuf = new SlabBuffer();
  const resizeBuf = new ResizeBuffer();
  const autoBuf = new AutoscalingAllocBuffer();
  const bumper = new BumperAllocator();
  const regionBuf = new AllocBuffer(Math.max(1_048_576, bytes));
  const usingBuf = new AllocBuffer(Math.max(1_048_576, bytes));
  return [
    {
      group,
      name: "hand-written bump (new Float64Array(arena, offset, n) + reset)",
      baseline: true,
      run(reps) {
        for (let r = 0; r < reps; r++) {
          const a = new Float64Array(arena, offset, n);
          offset += bytes;
          a.fill(1);
          sink = a;
          offset = 0;
        }
      },
    },
    {
      group,
      name: "new Float64Array(n)",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          const a = new Float64Array(n);
          a.fill(1);
          sink = a;
        }
      },
    },
    {
      group,
      name: "typedarray-pool mallocDouble + freeDouble",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          const a = pool.mallocDouble(n);
          a.fill(1);
          sink = a;
          pool.freeDouble(a);
        }
      },
    },
    {
      group,
      name: "@thi.ng/malloc MemPool mallocAs + free",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          const a = mem.mallocAs("f64", n)!;
          a.fill(1);
          sink = a;
          mem.free(a);
        }
      },
    },
    {
      group,
      name: "AllocBuffer noEscape + alloc",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(allocBuf, () => {
            const a = alloc(allocBuf, Float64Array, n);
            a.fill(1);
            sink = a;
            return a.length;
          });
        }
      },
    },
    {
      group,
      name: "SlabBuffer noEscape + alloc",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(slabBuf, () => {
            const a = alloc(slabBuf, Float64Array, n);
            a.fill(1);
            sink = a;
            return a.length;
          });
        }
      },
    },
    {
      group,
      name: "ResizeBuffer noEscape + alloc",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(resizeBuf, () => {
            const a = alloc(resizeBuf, Float64Array, n);
            a.fill(1);
            sink = a;
            return a.length;
          });
        }
      },
    },
    {
      group,
      name: "AutoscalingAllocBuffer noEscape + alloc",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(autoBuf, () => {
            const a = alloc(autoBuf, Float64Array, n);
            a.fill(1);
            sink = a;
            return a.length;
          });
        }
      },
    },
    {
      // What `similar` allocates from inside `withAllocator(new BumperAllocator(), …)`.
      group,
      name: "BumperAllocator (AutoscalingAllocBuffer) noEscape + alloc",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(bumper, () => {
            const a = alloc(bumper, Float64Array, n);
            a.fill(1);
            sink = a;
            return a.length;
          });
        }
      },
    },
    {
      group,
      name: "default buffer noEscape(fn) + alloc(Float64Array, n)",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(() => {
            const a = alloc(Float64Array, n);
            a.fill(1);
            sink = a;
            return a.length;
          });
        }
      },
    },
    {
      group,
      name: "AllocBuffer region() + r.alloc + close() in finally",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          const reg = region(regionBuf);
          try {
            const a = reg.alloc(Float64Array, n);
            a.fill(1);
            sink = a;
            total += a.length;
          } finally {
            reg.close();
          }
        }
      },
    },
    {
      group,
      name: "AllocBuffer using region + r.alloc",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          using reg = region(usingBuf);
          const a = reg.alloc(Float64Array, n);
          a.fill(1);
          sink = a;
          total += a.length;
        }
      },
    },
  ];
}

/**
 * 16 arrays of 1 to 1000 values (a fixed sequence, log-uniform) per call, all live together,
 * then all freed, as the temporaries of one computation are.
 */
export function mixedCases(): RoundCase[] {
  const rand = mulberry32(16);
  const MIX = Array.from({ length: 16 }, () => Math.max(1, Math.round(1000 ** rand())));
  const mixBytes = MIX.reduce((s, n) => s + n * 8, 0);
  const group = `mixed sizes: 16 Float64 arrays of 1 to 1000 values (${MIX.join(", ")})`;
  const live: Float64Array[] = new Array(MIX.length);
  const mem = new MemPool({ size: 2 * mixBytes + 64 * MIX.length + 4096 });
  const arena = new ArrayBuffer(mixBytes + 64);
  const allocBuf = new AllocBuffer();
  const slabBuf = new SlabBuffer();
  return [
    {
      group,
      name: "hand-written bump (views of one ArrayBuffer, then offset = 0)",
      baseline: true,
      run(reps) {
        for (let r = 0; r < reps; r++) {
          let offset = 0;
          for (let i = 0; i < MIX.length; i++) {
            (live[i] = new Float64Array(arena, offset, MIX[i])).fill(1);
            offset += MIX[i] * 8;
          }
          sink = live[7];
        }
      },
    },
    {
      group,
      name: "new Float64Array(n) each",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < MIX.length; i++) (live[i] = new Float64Array(MIX[i])).fill(1);
          sink = live[7];
        }
      },
    },
    {
      group,
      name: "typedarray-pool mallocDouble each, then freeDouble each",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < MIX.length; i++) (live[i] = pool.mallocDouble(MIX[i])).fill(1);
          sink = live[7];
          for (let i = 0; i < MIX.length; i++) pool.freeDouble(live[i]);
        }
      },
    },
    {
      group,
      name: "@thi.ng/malloc MemPool mallocAs each, then free each",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          for (let i = 0; i < MIX.length; i++) (live[i] = mem.mallocAs("f64", MIX[i])!).fill(1);
          sink = live[7];
          for (let i = 0; i < MIX.length; i++) mem.free(live[i]);
        }
      },
    },
    {
      group,
      name: "AllocBuffer noEscape + alloc each",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(allocBuf, () => {
            for (let i = 0; i < MIX.length; i++) {
              (live[i] = alloc(allocBuf, Float64Array, MIX[i])).fill(1);
            }
            sink = live[7];
            return live[7].length;
          });
        }
      },
    },
    {
      group,
      name: "SlabBuffer noEscape + alloc each",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(slabBuf, () => {
            for (let i = 0; i < MIX.length; i++) {
              (live[i] = alloc(slabBuf, Float64Array, MIX[i])).fill(1);
            }
            sink = live[7];
            return live[7].length;
          });
        }
      },
    },
    {
      group,
      name: "default buffer noEscape(fn) + alloc(Float64Array, n) each",
      run(reps) {
        for (let r = 0; r < reps; r++) {
          total += noEscape(() => {
            for (let i = 0; i < MIX.length; i++) (live[i] = alloc(Float64Array, MIX[i])).fill(1);
            sink = live[7];
            return live[7].length;
          });
        }
      },
    },
  ];
}
