// The worker the thread tests start (tests/threads/workers_test.ts): each request names a job.
// Test-only; not part of the package.

import {
  alloc,
  type ArrayDescriptor,
  arrayDescriptor,
  arrayFromDescriptor,
  BumperAllocator,
  CheckedAllocArray,
  type NDArray,
  noEscape,
  SharedAllocBuffer,
  type SharedAllocBufferDescriptor,
  similar,
  withAllocator,
} from "../../mod.ts";
import { mulberry32 } from "../../examples/_prng.ts";
import { serve, withTransfer } from "../../examples/_threads.ts";
import { signature } from "./_signature.ts";

/** The jobs, by name. */
export type Job =
  | {
    job: "stress";
    arena: SharedAllocBufferDescriptor;
    gate: SharedArrayBuffer;
    id: number;
    count: number;
    seed: number;
    maxSize: number;
  }
  | {
    job: "regions";
    arena: SharedAllocBufferDescriptor;
    gate: SharedArrayBuffer;
    id: number;
    rounds: number;
    seed: number;
  }
  | { job: "hold"; arena: SharedAllocBufferDescriptor; gate: SharedArrayBuffer }
  | { job: "checkedAlloc"; arena: SharedAllocBufferDescriptor; key: string; values: number[] }
  | { job: "keep"; key: string; array: ArrayDescriptor }
  | { job: "sum"; key: string }
  | { job: "resetOwn"; arena: SharedAllocBufferDescriptor };

/** What "stress" returns: every allocation's placement, and the signature checks. */
export interface StressResult {
  starts: Uint32Array;
  sizes: Uint32Array;
  aligns: Uint32Array;
  requested: number;
  mismatches: number;
}

// Gate words: [0] workers arrived, [1] open (0 closed, 1 open).
function arriveAndWait(gate: Int32Array): void {
  Atomics.add(gate, 0, 1);
  Atomics.wait(gate, 1, 0);
}

const arrays = new Map<string, NDArray>();

// A handle of the arena for this job. (Every message delivers new SharedArrayBuffer objects, so
// a handle cannot be looked up by them; a handle per job is as correct, just a little slower
// for its first region.)
function handleOf(d: SharedAllocBufferDescriptor): SharedAllocBuffer {
  return SharedAllocBuffer.fromDescriptor(d);
}

function stress(m: Extract<Job, { job: "stress" }>): unknown {
  const buf = handleOf(m.arena);
  const rand = mulberry32(m.seed);
  const starts = new Uint32Array(m.count);
  const sizes = new Uint32Array(m.count);
  const aligns = new Uint32Array(m.count);
  let requested = 0;
  const mem = buf.memory;
  arriveAndWait(new Int32Array(m.gate));
  for (let i = 0; i < m.count; i++) {
    const size = 1 + Math.floor(rand() * m.maxSize);
    const align = 2 ** Math.floor(rand() * 5); // 1 … 16
    const p = buf.allocPtr(size, align);
    new Uint8Array(mem, p.byteOffset, size).fill(signature(m.id, i));
    starts[i] = p.byteOffset;
    sizes[i] = size;
    aligns[i] = align;
    requested += size;
  }
  // Everything written is still there: nobody else was handed these bytes.
  let mismatches = 0;
  for (let i = 0; i < m.count; i++) {
    const sig = signature(m.id, i);
    for (const byte of new Uint8Array(mem, starts[i], sizes[i])) if (byte !== sig) mismatches++;
  }
  const result: StressResult = { starts, sizes, aligns, requested, mismatches };
  return withTransfer(result, [starts.buffer, sizes.buffer, aligns.buffer]);
}

// Regions under contention: each round allocates inside nested regions, writes signatures,
// and checks them all before the region ends. A restore that freed memory still in use by
// another thread would let that thread's allocations overwrite these (or these theirs).
function regions(m: Extract<Job, { job: "regions" }>): { mismatches: number; allocations: number } {
  const buf = handleOf(m.arena);
  const rand = mulberry32(m.seed);
  const mem = buf.memory;
  let mismatches = 0;
  let allocations = 0;
  const live: [number, number, number][] = [];
  const check = (from: number) => {
    for (let k = from; k < live.length; k++) {
      const [start, size, sig] = live[k];
      for (const byte of new Uint8Array(mem, start, size)) if (byte !== sig) mismatches++;
    }
  };
  const fill = (n: number) => {
    for (let j = 0; j < n; j++) {
      const size = 1 + Math.floor(rand() * 48);
      const p = buf.allocPtr(size, 2 ** Math.floor(rand() * 4));
      const sig = signature(m.id, allocations++);
      new Uint8Array(mem, p.byteOffset, size).fill(sig);
      live.push([p.byteOffset, size, sig]);
    }
  };
  arriveAndWait(new Int32Array(m.gate));
  for (let r = 0; r < m.rounds; r++) {
    const outer = live.length;
    noEscape(buf, () => {
      fill(1 + Math.floor(rand() * 4));
      const inner = live.length;
      noEscape(buf, () => {
        fill(1 + Math.floor(rand() * 4));
        check(outer);
      });
      live.length = inner; // freed by the inner region's end
      check(outer);
      fill(1 + Math.floor(rand() * 2));
      check(outer);
    });
    live.length = outer;
  }
  return { mismatches, allocations };
}

// Opens a region, tells the main thread (gate[0] = 1) and stays inside until gate[1] = 1.
function hold(m: Extract<Job, { job: "hold" }>): { usedInside: number } {
  const buf = handleOf(m.arena);
  const gate = new Int32Array(m.gate);
  return noEscape(buf, () => {
    alloc(buf, Float64Array, 8).fill(1);
    const usedInside = buf.used;
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    Atomics.wait(gate, 1, 0);
    return { usedInside };
  });
}

serve((m: Job) => {
  switch (m.job) {
    case "stress":
      return stress(m);
    case "regions":
      return regions(m);
    case "hold":
      return hold(m);
    case "checkedAlloc": {
      // A CheckedAllocArray from this thread's BumperAllocator over the arena, outside regions.
      const b = new BumperAllocator(handleOf(m.arena));
      const template = new CheckedAllocArray(new Float64Array(m.values.length));
      const c = withAllocator(b, () => similar(template));
      c.data.set(m.values);
      arrays.set(m.key, c);
      return arrayDescriptor(c);
    }
    case "keep": {
      const a = arrayFromDescriptor(m.array);
      arrays.set(m.key, a);
      return a[Symbol.toStringTag];
    }
    case "sum": {
      const a = arrays.get(m.key);
      if (a === undefined) throw new Error(`no array ${m.key}`);
      let s = 0;
      for (const v of a as NDArray<Float64Array>) s += v;
      return s;
    }
    case "resetOwn":
      handleOf(m.arena).resetBuffer(); // not the owner: throws
      return "reset";
  }
});
