// Allocation from Workers: throughput of one shared arena (SharedAllocBuffer, an atomic
// compare-and-swap per allocation) against each Worker on its own AllocBuffer and each Worker on
// a sub-arena of the shared one; and the speed-up of the worker-pool example's parallel
// map/reduce over one thread; on one thread, what the atomics cost a region, and what the
// shared validity costs a checked read.
//
//   deno bench -A benches/threads_bench.ts
//
// Every case of the first group makes the same 400 000 allocations (Float64Arrays of 1–32
// elements, each touched), split evenly across its Workers, so times compare directly: lower
// is more throughput. Worker messaging is included (~0.1 ms per request). This machine has 2
// cores, so 4 Workers cannot beat 2. Compare ratios within one run.

import {
  alloc,
  AllocArray,
  AllocBuffer,
  BumperAllocator,
  CheckedAllocArray,
  noEscape,
  SharedAllocBuffer,
  similar,
  withAllocator,
} from "../mod.ts";
import { siblingUrl, spawn } from "../examples/_threads.ts";
import { makeData, mapReduceSerial, WorkerPool } from "../examples/worker_pool.ts";
import { allocLoop, type BenchRequest, type Where } from "./_threads_worker.ts";

const TOTAL = 400_000;
const PER_WORKER = 32 * 1024 * 1024; // room for all 400 000 allocations (~29 MB)
const WORKERS = [1, 2, 4];

// The shared arena, and another one the Workers carve their sub-arenas from (open sub-arenas
// count as regions of their parent, which could then not be reset between iterations).
const arena = new SharedAllocBuffer(PER_WORKER);
const parentOfSubArenas = new SharedAllocBuffer(PER_WORKER * 4);
const url = siblingUrl("_threads_worker", import.meta.url);
const threads = await Promise.all(
  WORKERS.slice(-1).flatMap((n) => Array.from({ length: n }, () => spawn(url))),
);
const init: BenchRequest = {
  type: "init",
  arena: arena.descriptor(),
  parent: parentOfSubArenas.descriptor(),
  bytes: PER_WORKER,
};
await Promise.all(threads.map((t) => t.request(init)));

let sink = 0;
const group = `${TOTAL} allocations`;

const local = new AllocBuffer(PER_WORKER);
Deno.bench({
  name: "this thread, own AllocBuffer (no Worker)",
  group,
  fn() {
    local.resetBuffer();
    sink += allocLoop(local, TOTAL);
  },
});

const names: Record<Where, string> = {
  shared: "one shared SharedAllocBuffer",
  sub: "a sub-arena each",
  own: "own AllocBuffer each",
};
for (const where of ["own", "sub", "shared"] as const) {
  for (const n of WORKERS) {
    Deno.bench({
      name: `${n} Worker${n > 1 ? "s" : ""}, ${names[where]}`,
      group,
      baseline: where === "own" && n === 1,
      async fn() {
        const run: BenchRequest = { type: "run", where, count: TOTAL / n };
        const sums = await Promise.all(threads.slice(0, n).map((t) => t.request<number>(run)));
        sink += sums.reduce((a, b) => a + b, 0);
        if (where === "shared") arena.resetBuffer(); // the Workers are done
      },
    });
  }
}

// The worker-pool example: map/reduce of 2 000 000 Float64 on 1 thread and on pools.
const N = 2_000_000;
const data = new SharedAllocBuffer(2 * N * 8 + 64);
const { x, out } = makeData(data, N);
const serialAllocator = new BumperAllocator(new AllocBuffer(1 << 20));
const serialOut = new AllocArray(new Float64Array(N));
const expected = mapReduceSerial(serialAllocator, x, serialOut, 1);
const pools = new Map<number, WorkerPool>();
for (const n of WORKERS) pools.set(n, await WorkerPool.start(n, new SharedAllocBuffer(n << 20)));

const mapGroup = `map/reduce of ${N} elements`;
Deno.bench({
  name: "this thread",
  group: mapGroup,
  baseline: true,
  fn() {
    sink += mapReduceSerial(serialAllocator, x, serialOut, 1);
  },
});
for (const n of WORKERS) {
  Deno.bench({
    name: `${n} Worker${n > 1 ? "s" : ""}`,
    group: mapGroup,
    async fn() {
      const r = await pools.get(n)!.mapReduce(x, out);
      if (Math.abs(r - expected) > 1e-6 * Math.abs(expected)) throw new Error(`wrong sum ${r}`);
      sink += r;
    },
  });
}

// One thread, one region with one allocation: what the atomics cost. An arena not yet handed
// out (a fresh one, or a sub-arena) bumps a plain field; a published one an atomic offset; a
// Worker's handle also counts itself into and out of its outermost region.
{
  const published = new SharedAllocBuffer(1 << 20);
  const cases: [string, AllocBuffer | SharedAllocBuffer][] = [
    ["AllocBuffer", new AllocBuffer(1 << 20)],
    ["SharedAllocBuffer, not handed out (or a sub-arena)", new SharedAllocBuffer(1 << 20)],
    ["SharedAllocBuffer, handed out, its owner", published],
    [
      "SharedAllocBuffer, a Worker's handle",
      SharedAllocBuffer.fromDescriptor(published.descriptor()),
    ],
  ];
  for (const [name, buf] of cases) {
    Deno.bench({
      name,
      group: "noEscape + alloc(Float64Array, 30) on one thread",
      baseline: name === "AllocBuffer",
      fn() {
        sink += noEscape(buf, () => {
          const y = alloc(buf, Float64Array, 30);
          y[0] = 1;
          return y[0];
        });
      },
    });
  }
}

// The cost of the shared validity: element reads through get(), each one checked, of a
// CheckedAllocArray from a BumperAllocator over an AllocBuffer (validity: one field) and over a
// SharedAllocBuffer (validity: one field and an atomic load of the arena's generation).
const ELEMENTS = 1000;
const template = new CheckedAllocArray(new Float64Array(ELEMENTS));
const checkedLocal = withAllocator(new BumperAllocator(1 << 16), () => similar(template));
const checkedShared = withAllocator(
  new BumperAllocator(new SharedAllocBuffer(1 << 16)),
  () => similar(template),
);
const plain = AllocArray.from(new Float64Array(ELEMENTS));
const getGroup = `${ELEMENTS} reads with get()`;
const cases: [string, AllocArray<Float64Array>][] = [
  ["AllocArray", plain],
  ["CheckedAllocArray, BumperAllocator over an AllocBuffer", checkedLocal],
  ["CheckedAllocArray, BumperAllocator over a SharedAllocBuffer", checkedShared],
];
for (const [name, a] of cases) {
  a.data.fill(1);
  Deno.bench({
    name,
    group: getGroup,
    baseline: name === "AllocArray",
    fn() {
      let s = 0;
      for (let i = 0; i < ELEMENTS; i++) s += a.get(i) as number;
      sink += s;
    },
  });
}

globalThis.addEventListener("unload", () => {
  if (sink === 42) console.log(sink); // keep the results alive
});
