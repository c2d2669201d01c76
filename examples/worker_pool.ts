/**
 * A parallel map/reduce over a large array, split across N Workers that share one
 * `SharedAllocBuffer` for their temporaries, checked against the single-threaded run.
 *
 * The input and output live in shared memory (a `SharedAllocBuffer` of their own, `data`), so
 * every Worker sees them without a copy: the main thread posts each Worker an
 * `arrayDescriptor` of them and a range. Each Worker maps its range block by block with
 * ordinary array operations ({@linkcode mapBlock} knows nothing about allocators); inside
 * `withAllocator`, their temporaries come from the Worker's `BumperAllocator` over a sub-arena
 * it carved out of the shared temporaries arena (`scratch`), and a `noEscape` region per block
 * gives them back. (With the Workers' regions all on `scratch` itself, a region's end could only
 * free its memory when no other Worker had allocated since, which with several Workers is
 * almost never: the temporaries of a whole job would pile up until the owner's reset. A
 * sub-arena is one thread's, so its regions always free exactly.) The main thread owns
 * `scratch`; it can reset it once the Workers have released their sub-arenas.
 *
 * Blocks, ranges and the order of the partial sums are the same in both runs, so the parallel
 * result equals the single-threaded one exactly, not just approximately.
 *
 *   deno run -A examples/worker_pool.ts [workers=2] [length=2000000]
 *
 * It times both sides warm, in interleaved rounds, and prints the speed-up's median and range.
 *
 * Used by `tests/threads/worker_pool_test.ts` and `benches/threads_bench.ts`; not part of the
 * package. Runs on Deno and Node (through `_threads.ts`).
 *
 * @module
 */

import {
  add,
  AllocArray,
  type Allocator,
  AllocBuffer,
  arrayDescriptor,
  BumperAllocator,
  div,
  mul,
  noEscape,
  SharedAllocBuffer,
  type SharedAllocBufferDescriptor,
  square,
  sum,
  tanh,
  withAllocator,
} from "../mod.ts";
import { mulberry32 } from "./_prng.ts";
import { siblingUrl, spawn, type Thread } from "./_threads.ts";
import type { PoolRequest } from "./_pool_worker.ts";

/** Elements per block: each block's temporaries are made and freed in one region. */
export const BLOCK = 4096;

/**
 * The map, on one block: `out = tanh(x)·x + x²/(1 + x²)`, written with array operations whose
 * temporaries come from the current allocator; returns `sum(out)`, the block's part of the
 * reduction.
 *
 * @param x A block of the input.
 * @param out The same block of the output.
 * @returns The sum of the block's outputs.
 */
export function mapBlock(x: AllocArray<Float64Array>, out: AllocArray<Float64Array>): number {
  const x2 = square(x);
  add(mul(tanh(x), x), div(x2, add(x2, 1)), out);
  return sum(out);
}

/**
 * Maps `x[lo, hi)` into `out[lo, hi)` block by block, each block's temporaries allocated from
 * `allocator` in a region of its own, and returns the sum of the block sums, in order.
 *
 * @param allocator Where temporaries come from.
 * @param x The whole input.
 * @param out The whole output.
 * @param lo First element of the range.
 * @param hi End of the range.
 * @returns The range's part of the reduction.
 */
export function mapRange(
  allocator: Allocator,
  x: AllocArray<Float64Array>,
  out: AllocArray<Float64Array>,
  lo: number,
  hi: number,
): number {
  return withAllocator(allocator, () => {
    let total = 0;
    for (let s = lo; s < hi; s += BLOCK) {
      const e = Math.min(hi, s + BLOCK);
      total += noEscape(allocator, () => mapBlock(x.slice([s, e]), out.slice([s, e])));
    }
    return total;
  });
}

/** `n` elements split into `parts` ranges of whole blocks (the last ones may be shorter). */
export function ranges(n: number, parts: number): [number, number][] {
  const blocks = Math.ceil(n / BLOCK);
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const lo = Math.min(n, Math.floor((blocks * p) / parts) * BLOCK);
    const hi = Math.min(n, Math.floor((blocks * (p + 1)) / parts) * BLOCK);
    out.push([lo, hi]);
  }
  return out;
}

/** Input and output arrays of `n` elements in the shared `data` arena; the input is random. */
export function makeData(
  data: SharedAllocBuffer,
  n: number,
  seed = 1,
): { x: AllocArray<Float64Array>; out: AllocArray<Float64Array> } {
  const x = new AllocArray(data.allocView(Float64Array, n));
  const out = new AllocArray(data.allocView(Float64Array, n));
  const rand = mulberry32(seed);
  for (let i = 0; i < n; i++) x.data[i] = 4 * rand() - 2;
  return { x, out };
}

/**
 * The single-threaded run: the same ranges, one after the other, on this thread.
 *
 * @param allocator Where temporaries come from.
 * @param x The input.
 * @param out The output.
 * @param parts How many ranges (as many as the parallel run has Workers).
 * @returns The reduction.
 */
export function mapReduceSerial(
  allocator: Allocator,
  x: AllocArray<Float64Array>,
  out: AllocArray<Float64Array>,
  parts: number,
): number {
  let total = 0;
  for (const [lo, hi] of ranges(x.size, parts)) total += mapRange(allocator, x, out, lo, hi);
  return total;
}

/** N Workers mapping ranges of shared arrays, with one shared arena for their temporaries. */
export class WorkerPool {
  readonly #threads: Thread[];
  /** The temporaries arena; this thread owns it. */
  readonly scratch: SharedAllocBuffer;

  private constructor(threads: Thread[], scratch: SharedAllocBuffer) {
    this.#threads = threads;
    this.scratch = scratch;
  }

  /**
   * Starts `workers` Workers, each with a `BumperAllocator` over a sub-arena of `scratch` of
   * `bytesPerWorker` bytes.
   *
   * @param workers How many.
   * @param scratch The temporaries arena (owned by this thread).
   * @param bytesPerWorker Each Worker's part of `scratch` (default: an equal share).
   * @returns The pool.
   */
  static async start(
    workers: number,
    scratch: SharedAllocBuffer,
    bytesPerWorker = Math.floor(scratch.capacity / workers / 64) * 64,
  ): Promise<WorkerPool> {
    const url = siblingUrl("_pool_worker", import.meta.url);
    const threads = await Promise.all(Array.from({ length: workers }, () => spawn(url)));
    const arena: SharedAllocBufferDescriptor = scratch.descriptor();
    const init: PoolRequest = { type: "init", arena, bytes: bytesPerWorker };
    await Promise.all(threads.map((t) => t.request(init)));
    return new WorkerPool(threads, scratch);
  }

  /** How many Workers. */
  get size(): number {
    return this.#threads.length;
  }

  /**
   * Maps `x` into `out` on the Workers, one range each, and returns the sum of the range sums
   * in range order.
   *
   * @param x The input, in shared memory.
   * @param out The output, in shared memory.
   * @returns The reduction.
   */
  async mapReduce(x: AllocArray<Float64Array>, out: AllocArray<Float64Array>): Promise<number> {
    const xd = arrayDescriptor(x), od = arrayDescriptor(out);
    const parts = await Promise.all(
      ranges(x.size, this.size).map(([lo, hi], i) =>
        this.#threads[i].request<number>({ type: "map", x: xd, out: od, lo, hi } as PoolRequest)
      ),
    );
    return parts.reduce((a, b) => a + b, 0);
  }

  /** Stops the Workers, after they released their sub-arenas (so `scratch` can be reset). */
  async close(): Promise<void> {
    const close: PoolRequest = { type: "close" };
    try {
      await Promise.all(this.#threads.map((t) => t.request(close)));
    } finally {
      await Promise.all(this.#threads.map((t) => t.terminate()));
    }
  }
}

/** The median of `xs` (not empty). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(workers: number, n: number, rounds = 5): Promise<void> {
  const data = new SharedAllocBuffer(2 * n * 8 + 64);
  const { x, out } = makeData(data, n);
  const scratch = new SharedAllocBuffer(workers * 1024 * 1024); // 1 MiB per Worker
  const serialOut = new AllocArray(new Float64Array(n));
  // This thread's temporaries: a buffer of its own (the Workers carve all of scratch).
  const temporaries = new AllocBuffer(1 << 20);
  const bumper = new BumperAllocator(temporaries);

  // Both sides warm before anything is timed: one single-threaded run compiles the code on
  // this thread (a cold first run would flatter the Workers), one parallel run on theirs.
  const serial = mapReduceSerial(bumper, x, serialOut, workers);
  const serialPeak = temporaries.peak;
  const pool = await WorkerPool.start(workers, scratch);
  try {
    const parallel = await pool.mapReduce(x, out);
    const same = parallel === serial && out.data.every((v, i) => v === serialOut.data[i]);
    if (!same) throw new Error("the parallel result differs from the single-threaded one");

    // Then rounds of one timed run each, interleaved, so both see the same machine load.
    const serialMs: number[] = [], parallelMs: number[] = [], speedUps: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      mapReduceSerial(bumper, x, serialOut, workers);
      serialMs.push(performance.now() - t);
      t = performance.now();
      await pool.mapReduce(x, out);
      parallelMs.push(performance.now() - t);
      speedUps.push(serialMs[r] / parallelMs[r]);
    }
    const f = (xs: number[], unit: string) =>
      `${median(xs).toFixed(1)}${unit} (${Math.min(...xs).toFixed(1)}–${
        Math.max(...xs).toFixed(1)
      }${unit})`;
    console.log(`map/reduce of ${n} elements in blocks of ${BLOCK}, ${rounds} warm rounds:`);
    console.log(`  1 thread:    ${f(serialMs, " ms")}`);
    console.log(`  ${workers} Workers:   ${f(parallelMs, " ms")}`);
    console.log(`  speed-up:    ${f(speedUps, "×")}, median (range) over the rounds`);
    console.log(
      `  result ${serial}, equal on both: ${same}; temporaries: peak ${serialPeak} bytes`,
    );
  } finally {
    await pool.close();
  }
  scratch.resetBuffer(); // the Workers released their sub-arenas: allowed
}

if ((import.meta as { main?: boolean }).main) { // Deno's main module
  const [workers = "2", n = "2000000"] = Deno.args;
  await main(Number(workers), Number(n));
}
