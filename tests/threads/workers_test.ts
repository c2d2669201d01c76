// SharedAllocBuffer and shared CheckedAllocArrays used from real Workers (Deno: module workers;
// Node: worker_threads, through examples/_threads.ts). The workers run tests/threads/_worker.ts.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  arrayDescriptor,
  arrayFromDescriptor,
  BumperAllocator,
  CheckedAllocArray,
  CheckpointError,
  InvalidMemoryError,
  reset,
  SharedAllocBuffer,
  similar,
  withAllocator,
} from "../../mod.ts";
import { siblingUrl, sleep, spawn, type Thread } from "../../examples/_threads.ts";
import type { Job, StressResult } from "./_worker.ts";
import { signature } from "./_signature.ts";

const WORKERS = 4;

/** Waits until `n` workers arrived at the gate, then lets them all go at once. */
async function openGate(gate: SharedArrayBuffer, n: number): Promise<void> {
  const g = new Int32Array(gate);
  while (Atomics.load(g, 0) < n) await sleep(1);
  Atomics.store(g, 1, 1);
  Atomics.notify(g, 1);
}

/** A rejected request's error (errors cross threads as name + message). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected the request to fail");
}

describe("SharedAllocBuffer across Workers", () => {
  let threads: Thread[] = [];
  const request = <R>(i: number, job: Job) => threads[i].request<R>(job);

  before(async () => {
    const url = siblingUrl("_worker", import.meta.url);
    threads = await Promise.all(Array.from({ length: WORKERS }, () => spawn(url)));
  });

  after(async () => {
    await Promise.all(threads.map((t) => t.terminate()));
  });

  it("SharedAllocBuffer.allocPtr() from 4 Workers × 100 000 random sizes at once: no two ranges overlap, the total is requests plus padding", async () => {
    const COUNT = 100_000;
    const arena = new SharedAllocBuffer(32 * 1024 * 1024);
    const gate = new SharedArrayBuffer(8);
    const pending = threads.map((_, id) =>
      request<StressResult>(id, {
        job: "stress",
        arena: arena.descriptor(),
        gate,
        id,
        count: COUNT,
        seed: 1000 + id,
        maxSize: 64,
      })
    );
    await openGate(gate, WORKERS);
    const results = await Promise.all(pending);

    // Each worker found all its signatures intact after all its allocations.
    for (const r of results) assert.equal(r.mismatches, 0);

    // All ranges, in address order, tile the used bytes: each starts at the previous end
    // rounded up to its alignment, so the only gaps are alignment padding. (Plain compares in
    // the loops: 400 000 assert calls would take seconds.)
    const n = WORKERS * COUNT;
    const starts = new Float64Array(n);
    results.forEach((r, id) => {
      assert.equal(r.starts.length, COUNT);
      starts.set(r.starts, id * COUNT);
    });
    const order = new Uint32Array(n).map((_, k) => k).sort((a, b) => starts[a] - starts[b]);
    const at = (k: number) => {
      const id = Math.floor(order[k] / COUNT), i = order[k] % COUNT, r = results[id];
      return { id, i, start: r.starts[i], size: r.sizes[i], align: r.aligns[i] };
    };
    let end = 0;
    let padding = 0;
    let switches = 0;
    let previousId = -1;
    for (let k = 0; k < n; k++) {
      const a = at(k);
      const expected = Math.ceil(end / a.align) * a.align;
      if (a.start !== expected) {
        assert.fail(
          `allocation ${a.i} of worker ${a.id} (${a.size} bytes aligned to ${a.align}) is at ${a.start}: expected ${expected}, after the range ending at ${end}`,
        );
      }
      padding += a.start - end;
      end = a.start + a.size;
      if (a.id !== previousId) switches++;
      previousId = a.id;
    }
    const requested = results.reduce((s, r) => s + r.requested, 0);
    assert.equal(end, arena.used);
    assert.equal(arena.used, requested + padding);
    // The workers did interleave (otherwise this test would not test concurrency).
    assert.ok(switches > WORKERS, `the workers' allocations interleaved only ${switches} times`);

    // And every byte still holds its owner's signature, seen from this thread.
    const bytes = new Uint8Array(arena.memory);
    for (let k = 0; k < n; k++) {
      const a = at(k);
      const sig = signature(a.id, a.i);
      for (let b = a.start; b < a.start + a.size; b++) {
        if (bytes[b] !== sig) assert.fail(`byte ${b} of allocation ${a.i} (worker ${a.id})`);
      }
    }
  });

  it("SharedAllocBuffer regions on 4 Workers at once never free memory another Worker still uses", async () => {
    const arena = new SharedAllocBuffer(16 * 1024 * 1024);
    const gate = new SharedArrayBuffer(8);
    const pending = threads.map((_, id) =>
      request<{ mismatches: number; allocations: number }>(id, {
        job: "regions",
        arena: arena.descriptor(),
        gate,
        id,
        rounds: 10_000,
        seed: 7 + id,
      })
    );
    await openGate(gate, WORKERS);
    const results = await Promise.all(pending);
    for (const r of results) {
      assert.equal(r.mismatches, 0);
      assert.ok(r.allocations > 10_000);
    }
    assert.equal(arena.openRegions, 0);
    arena.resetBuffer();
    assert.equal(arena.used, 0);
  });

  it("SharedAllocBuffer.resetBuffer() throws while a Worker is inside a region and changes nothing", async () => {
    const arena = new SharedAllocBuffer(4096);
    const gate = new SharedArrayBuffer(8);
    const g = new Int32Array(gate);
    arena.allocPtr(100, 8);
    const done = request<{ usedInside: number }>(0, {
      job: "hold",
      arena: arena.descriptor(),
      gate,
    });
    while (Atomics.load(g, 0) !== 1) await sleep(1);
    const leave = () => {
      Atomics.store(g, 1, 1);
      Atomics.notify(g, 1);
    };
    let used: number;
    let generation: number;
    try {
      assert.equal(arena.openRegions, 1);
      used = arena.used;
      generation = arena.generation;
      assert.equal(used, 104 + 64);
      assert.throws(
        () => arena.resetBuffer(),
        (e) => e instanceof CheckpointError && /1 region is open on it/.test(e.message),
      );
      assert.equal(arena.used, used);
      assert.equal(arena.generation, generation);
      assert.match(String(arena), /, owner, 1 region open\)$/);
    } finally {
      leave(); // never leave the worker waiting, even when an assertion failed
    }
    assert.deepEqual(await done, { usedInside: used });
    // The worker's region freed its memory, padding included (nothing was allocated after
    // it), and left.
    assert.equal(arena.openRegions, 0);
    assert.equal(arena.used, 100);
    arena.resetBuffer();
    assert.equal(arena.used, 0);
    assert.equal(arena.generation, generation + 1);
  });

  it("SharedAllocBuffer.resetBuffer() on a Worker's handle throws: only the owner resets", async () => {
    const arena = new SharedAllocBuffer(4096);
    arena.allocPtr(8, 8);
    const e = await rejection(request(1, { job: "resetOwn", arena: arena.descriptor() }));
    assert.equal(e.name, "CheckpointError");
    assert.match(e.message, /only its owner/);
    assert.equal(arena.used, 8);
  });

  it("CheckedAllocArray allocated on a Worker throws InvalidMemoryError on every thread after the owner's reset", async () => {
    const arena = new SharedAllocBuffer(1 << 16);
    const values = [1, 2, 3, 4, 5];
    const d = await request<ReturnType<typeof arrayDescriptor>>(0, {
      job: "checkedAlloc",
      arena: arena.descriptor(),
      key: "a",
      values,
    });
    assert.equal(d.kind, "CheckedAllocArray");
    const here = arrayFromDescriptor<Float64Array>(d);
    assert.ok(here instanceof CheckedAllocArray);
    assert.deepEqual([...here], values);
    assert.equal(await request(1, { job: "keep", key: "a", array: d }), "CheckedAllocArray");
    assert.equal(await request(1, { job: "sum", key: "a" }), 15);
    assert.equal(await request(0, { job: "sum", key: "a" }), 15);

    arena.resetBuffer();

    assert.throws(() => here.get(0), InvalidMemoryError);
    for (const worker of [0, 1]) {
      const e = await rejection(request(worker, { job: "sum", key: "a" }));
      assert.equal(e.name, "InvalidMemoryError", `worker ${worker}`);
    }
  });

  it("CheckedAllocArray from the owner's BumperAllocator, sent to a Worker, throws there after reset(allocator)", async () => {
    const arena = new SharedAllocBuffer(1 << 16);
    const b = new BumperAllocator(arena);
    const template = new CheckedAllocArray(new Float64Array(3));
    const c = withAllocator(b, () => similar(template));
    c.data.set([10, 20, 30]);
    assert.equal(
      await request(2, { job: "keep", key: "c", array: arrayDescriptor(c) }),
      "CheckedAllocArray",
    );
    assert.equal(await request(2, { job: "sum", key: "c" }), 60);
    c.set(0, 40); // one memory
    assert.equal(await request(2, { job: "sum", key: "c" }), 90);

    reset(b);

    assert.equal(c.isValid, false);
    const e = await rejection(request(2, { job: "sum", key: "c" }));
    assert.equal(e.name, "InvalidMemoryError");
    assert.match(e.message, /deallocated/);
  });
});
