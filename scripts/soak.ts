// The soak test: long runs under a BumperAllocator that must not grow. Not part of the normal
// test run.
//
// 1. Regions: 1 000 000 iterations of `noEscape(b, …)` under `withAllocator(b, …)`, each making
//    `similar` arrays (plain and checked), an `alloc` view and an array operation's result,
//    with regions nested every 16th iteration, 8 bytes allocated outside the regions each time
//    (kept until the `reset(b)` every 10 000 iterations, i.e. regions / samples). The
//    allocator's buffer is a SlabBuffer of 4 KiB slabs, so regions keep crossing slab ends and
//    the kept bytes fill 20 slabs before each reset. Sampled just before each reset.
// 2. CNN: 10 000 batches of AllocArrays' Flux model (examples/models.ts) under a
//    BumperAllocator over the default AutoscalingAllocBuffer, reset after each batch, as a
//    server would run it. Every prediction is compared with the first pass over the same
//    images: the results never drift.
//
// Sampled as they run: resident memory (`Deno.memoryUsage().rss`, after a GC), the live heap
// (`heapUsed` after the GC: what a leak of objects would grow), the arena's capacity, slabs,
// tracked CheckedAllocArrays. Asserted after the warm-up (the first 10 % of
// the samples): capacity and slab counts never above their warm-up maximum, no tracked array
// left after a reset, resident memory flat (the mean of the last quarter of the samples within
// 8 MiB + 5 % of the mean of the first post-warm-up quarter; V8 may reserve a few MiB more heap
// once) and the live heap flat (within 1 MiB + 2 %). Prints the figures, and last the
// summary the README quotes ("Summary: 1 000 000 region iterations and 10 000 CNN batches of
// 32 images in 2 min 30 s; after warm-up the regions kept 86 016 bytes in 21 slabs …"); exits
// with 1 on any failure.
//
//   deno task soak
//   deno task soak --regions 200000 --batches 2000 --batch-size 8 --samples 40

import { parseArgs } from "node:util";
import { alloc, AutoscalingAllocBuffer, noEscape, SlabBuffer } from "../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  NDArray,
  reset,
  similar,
} from "../arrays/mod.ts";
import { add, copyTo } from "../arrays/ops/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { makeCnn, makeImageBatches, predict } from "../examples/models.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    regions: { type: "string", default: "1000000" },
    batches: { type: "string", default: "10000" },
    "batch-size": { type: "string", default: "32" },
    samples: { type: "string", default: "100" },
  },
});
const REGIONS = Number(values.regions);
const BATCHES = Number(values.batches);
const BATCH_SIZE = Number(values["batch-size"]);
const SAMPLES = Number(values.samples);
for (const [name, n] of Object.entries({ REGIONS, BATCHES, BATCH_SIZE, SAMPLES })) {
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`Cannot run the soak test: ${name} must be a positive integer, got ${n}`);
    Deno.exit(2);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const MiB = 1024 * 1024;

interface Sample {
  at: number;
  rss: number;
  /** Live JavaScript heap after the GC. */
  heap: number;
  capacity: number;
  slabs: number;
  tracked: number;
}

/** Resident memory and live heap, after a GC when `--expose-gc` is on. */
function memory(): { rss: number; heap: number } {
  gc?.();
  const m = Deno.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What a soak part kept after warm-up (its maxima, and the last quarter's means). */
interface Kept {
  capacity: number;
  slabs: number;
  heapMiB: number;
  rssMiB: number;
}

/**
 * Asserts the samples after warm-up are flat and prints them; returns the failures and what
 * was kept after warm-up.
 */
function judge(
  title: string,
  samples: Sample[],
  elapsed: number,
  unit: string,
): { failures: string[]; kept: Kept } {
  const warm = Math.max(1, Math.floor(samples.length / 10));
  const warmup = samples.slice(0, warm);
  const steady = samples.slice(warm);
  const q = Math.max(1, Math.floor(steady.length / 4));
  const early = mean(steady.slice(0, q).map((s) => s.rss));
  const late = mean(steady.slice(-q).map((s) => s.rss));
  const earlyHeap = mean(steady.slice(0, q).map((s) => s.heap));
  const lateHeap = mean(steady.slice(-q).map((s) => s.heap));
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(`${title}: ${what}`);
  };
  const maxOf = (xs: Sample[], key: "capacity" | "slabs") => Math.max(...xs.map((s) => s[key]));
  const minOf = (xs: Sample[], key: "capacity" | "slabs") => Math.min(...xs.map((s) => s[key]));
  check(
    maxOf(steady, "capacity") <= maxOf(warmup, "capacity"),
    `arena capacity grew after warm-up: ${maxOf(warmup, "capacity")} -> ${
      maxOf(steady, "capacity")
    }`,
  );
  check(
    maxOf(steady, "slabs") <= maxOf(warmup, "slabs"),
    `slabs grew after warm-up: ${maxOf(warmup, "slabs")} -> ${maxOf(steady, "slabs")}`,
  );
  check(
    samples.every((s) => s.tracked === 0),
    `tracked CheckedAllocArrays left after a reset: ${samples.map((s) => s.tracked).join(", ")}`,
  );
  check(
    late <= early * 1.05 + 8 * MiB,
    `resident memory grew from ${(early / MiB).toFixed(1)} MiB to ${(late / MiB).toFixed(1)} MiB`,
  );
  if (gc) {
    check(
      lateHeap <= earlyHeap * 1.02 + 1 * MiB,
      `the live heap grew from ${(earlyHeap / MiB).toFixed(2)} MiB to ${
        (lateHeap / MiB).toFixed(2)
      } MiB`,
    );
  }
  const rssAll = samples.map((s) => s.rss / MiB);
  const range = (key: "capacity" | "slabs") => {
    const lo = minOf(steady, key), hi = maxOf(steady, key);
    return lo === hi ? `${lo}` : `${lo}..${hi}`;
  };
  console.log(`\n${title}: ${samples.at(-1)!.at} ${unit} in ${(elapsed / 1000).toFixed(1)} s`);
  console.log(
    `  resident memory: first sample ${rssAll[0].toFixed(1)} MiB, after warm-up ${
      (early / MiB).toFixed(1)
    } MiB (mean of the first quarter) -> ${(late / MiB).toFixed(1)} MiB (last quarter), min ${
      Math.min(...rssAll).toFixed(1)
    }, max ${Math.max(...rssAll).toFixed(1)} MiB`,
  );
  console.log(
    `  live heap after GC: ${(earlyHeap / MiB).toFixed(2)} MiB after warm-up -> ${
      (lateHeap / MiB).toFixed(2)
    } MiB (last quarter)`,
  );
  console.log(
    `  after warm-up: arena capacity ${range("capacity")} bytes, slabs/extra buffers ${
      range("slabs")
    }; tracked arrays at the samples: ${Math.max(...samples.map((s) => s.tracked))} at most`,
  );
  const pick = [0, warm, Math.floor(samples.length / 2), samples.length - 1];
  for (const i of pick) {
    const s = samples[i];
    console.log(
      `  sample ${String(i).padStart(3)} at ${String(s.at).padStart(8)} ${unit}: rss ${
        (s.rss / MiB).toFixed(1)
      } MiB, capacity ${s.capacity}, slabs/extra buffers ${s.slabs}`,
    );
  }
  console.log(
    failures.length === 0 ? "  flat: ok" : failures.map((f) => `  FAILED ${f}`).join("\n"),
  );
  const kept = {
    capacity: maxOf(steady, "capacity"),
    slabs: maxOf(steady, "slabs"),
    heapMiB: lateHeap / MiB,
    rssMiB: late / MiB,
  };
  return { failures, kept };
}

/** `86016` → `86 016` (the README's spelling of numbers). */
const spaced = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");

// --- 1. Regions --------------------------------------------------------------------------------

function soakRegions(): { failures: string[]; summary: string } {
  const slabs = new SlabBuffer(4096);
  const b = new BumperAllocator(slabs);
  const x = AllocArray.from(Float64Array.from({ length: 100 }, (_, i) => i));
  const c = new CheckedAllocArray(Float64Array.from({ length: 50 }, (_, i) => i));
  const period = Math.max(1, Math.floor(REGIONS / SAMPLES));
  const samples: Sample[] = [];
  let checksum = 0;
  const t0 = performance.now();
  withAllocator(b, () => {
    for (let i = 1; i <= REGIONS; i++) {
      checksum += noEscape(b, () => {
        const y = similar(x);
        y.data[0] = i;
        const z = similar(c); // tracked, invalidated when the region ends
        z.data.fill(1);
        const v = alloc(b, Int32Array, 64 + (i & 255)); // a varying size, crossing slab ends
        v[0] = 1;
        const s = add(x, 1); // an operation's result, from the allocator
        const inner = (i & 15) === 0 ? noEscape(b, () => similar(x).data.length) : 0;
        return y.data[0] - i + z.data[0] + v[0] + s.data[99] - 100 + inner;
      });
      alloc(b, Float64Array, 1)[0] = i; // kept until the next reset
      if (i % period === 0) {
        samples.push({
          at: i,
          ...memory(),
          capacity: slabs.capacity,
          slabs: slabs.slabCount + slabs.spareSlabCount + slabs.customSlabCount,
          tracked: b.tracked, // every checked array of the regions is released
        });
        reset(b);
      }
    }
  });
  const elapsed = performance.now() - t0;
  const expected = 2 * REGIONS + Math.floor(REGIONS / 16) * 100;
  const { failures, kept } = judge("regions", samples, elapsed, "iterations");
  if (checksum !== expected) {
    failures.push(`regions: wrong results (checksum ${checksum}, expected ${expected})`);
  }
  const perIteration = `${(elapsed * 1e6 / REGIONS / 1000).toFixed(2)} µs per region iteration`;
  console.log(`  ${perIteration}`);
  const summary = `the regions kept ${spaced(kept.capacity)} bytes in ${kept.slabs} slabs and a ${
    kept.heapMiB.toFixed(1)
  } MiB live heap (${(elapsed * 1e3 / REGIONS).toFixed(1)} µs per iteration)`;
  return { failures, summary };
}

// --- 2. CNN ------------------------------------------------------------------------------------

function soakCnn(): { failures: string[]; summary: string } {
  const model = makeCnn();
  const distinct = 16; // batches of images, reused in turn
  const batches = makeImageBatches(2, distinct * BATCH_SIZE, BATCH_SIZE).map((x) =>
    AllocArray.from(x)
  );
  const arena = new AutoscalingAllocBuffer();
  const b = new BumperAllocator(arena);
  const out = new NDArray(new Float32Array(BATCH_SIZE * 10), [BATCH_SIZE, 10]);
  const first: Float32Array[] = [];
  const every = Math.max(1, Math.floor(BATCHES / SAMPLES));
  const samples: Sample[] = [];
  let mismatches = 0;
  const t0 = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const k = i % distinct;
    withAllocator(b, () => {
      copyTo(predict(model, batches[k]), out);
    });
    reset(b);
    if (i < distinct) first.push(out.data.slice());
    else if (!out.data.every((v, j) => v === first[k][j])) mismatches++;
    if ((i + 1) % every === 0) {
      samples.push({
        at: i + 1,
        ...memory(),
        capacity: arena.capacity,
        slabs: arena.additionalBuffers,
        tracked: b.tracked,
      });
    }
  }
  const elapsed = performance.now() - t0;
  const { failures, kept } = judge(`CNN (batches of ${BATCH_SIZE})`, samples, elapsed, "batches");
  if (mismatches > 0) failures.push(`CNN: ${mismatches} batches differ from the first pass`);
  console.log(
    `  ${(elapsed / BATCHES).toFixed(2)} ms per batch; predictions identical to the first pass: ${
      mismatches === 0 ? "all" : `${BATCHES - distinct - mismatches} of ${BATCHES - distinct}`
    }`,
  );
  const summary = `the CNN (Float64 model) kept a ${spaced(kept.capacity)}-byte arena, a ${
    kept.heapMiB.toFixed(1)
  } MiB live heap and ${Math.round(kept.rssMiB)} MiB resident (${
    (elapsed / BATCHES).toFixed(1)
  } ms per batch), with ${
    mismatches === 0
      ? "every prediction equal to the first pass's"
      : `${mismatches} batches differing`
  }`;
  return { failures, summary };
}

console.log(
  `Soak: ${REGIONS} region iterations, ${BATCHES} CNN batches of ${BATCH_SIZE} images, ${SAMPLES} samples each (${
    gc ? "GC before each sample" : "no --expose-gc: samples without a GC"
  }; Deno ${Deno.version.deno}, ${Deno.build.os} ${Deno.build.arch})`,
);
const t0 = performance.now();
const regions = soakRegions();
const cnn = soakCnn();
const seconds = Math.round((performance.now() - t0) / 1000);
const failures = [...regions.failures, ...cnn.failures];
console.log(
  `\nSummary: ${spaced(REGIONS)} region iterations and ${
    spaced(BATCHES)
  } CNN batches of ${BATCH_SIZE} images in ${
    seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`
  }; after warm-up ${regions.summary}; ${cnn.summary} (${
    new Date().toISOString().slice(0, 10)
  }, ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores)`,
);
if (failures.length > 0) {
  console.error(`\n${failures.length} soak check(s) failed`);
  Deno.exit(1);
}
console.log("\nsoak: ok");
