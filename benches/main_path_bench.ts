// The path allocator-agnostic array code takes, against plain heap code and the hand-written
// limit, at n = 30 Float64 values:
// - "main path": a region on a BumperAllocator (inside withAllocator) with 2 × similar(a) and
//   add(b, c), against the same work on `new Float64Array`s and against a bump over one
//   ArrayBuffer with a plain wrapper object per array (the hand-written limit);
// - similar(a) inside withAllocator(BumperAllocator), against a hand bump: a view and a plain
//   wrapper object;
// - a region (noEscape) on a BumperAllocator around one similar(a), against saving and restoring
//   an offset around a view and a wrapper;
// - reset(BumperAllocator) after one similar(a), against setting an offset back to 0.
// Each case runs its iteration 1000 times per call (so that entering the allocator's scope,
// once per call, costs < 1 ns per iteration): divide the times by 1000; the ratios are per
// iteration. Every result goes to a sink. Region bodies are functions defined once, as a hot
// loop has them.
//
//   deno bench -A benches/main_path_bench.ts
//
// Compare ratios within one run (the machine is noisy); the group summaries print them.

import { AllocBuffer, noEscape } from "../allocators/mod.ts";
import { AllocArray, BumperAllocator, reset, similar } from "../arrays/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { handIteration, heapIteration, mainPathIteration, N, sink, source } from "./_main_path.ts";

const REPS = 1000;
const a = AllocArray.from(source.slice());

// The hand-written limit: a bump over one ArrayBuffer, a view and a plain wrapper per array.
const arena = new ArrayBuffer(4 * N * 8);
let offset = 0;
function handArray(): { data: Float64Array; shape: number[] } {
  const data = new Float64Array(arena, offset, N);
  offset += N * 8;
  return { data, shape: [N] };
}

// ---- the main path ------------------------------------------------------------------------
{
  const group = `region + 2 × similar + add, Float64 × ${N} (×${REPS})`;

  Deno.bench({
    name: "plain heap code: 3 × new Float64Array(n) + a loop",
    group,
    baseline: true,
    fn() {
      for (let r = 0; r < REPS; r++) heapIteration();
    },
  });

  const hand = handIteration();
  Deno.bench({
    name: "hand-written limit: bump over one ArrayBuffer + plain wrapper objects",
    group,
    fn() {
      for (let r = 0; r < REPS; r++) hand();
    },
  });

  const bumper = new BumperAllocator();
  const iteration = mainPathIteration(bumper);
  const loop = () => {
    for (let r = 0; r < REPS; r++) iteration();
  };
  Deno.bench({
    name: "allocarrays: noEscape + 2 × similar + add in withAllocator(new BumperAllocator())",
    group,
    fn() {
      withAllocator(bumper, loop);
    },
  });
}

// ---- similar ----------------------------------------------------------------------------
{
  const group = `similar(a) of a Float64 × ${N} AllocArray, BumperAllocator (×${REPS}, then reset)`;

  Deno.bench({
    name: "hand-written: bump + view + plain wrapper object",
    group,
    baseline: true,
    fn() {
      for (let r = 0; r < REPS; r++) {
        const d = new Float64Array(arena, offset, N);
        offset = (offset + N * 8) % (4 * N * 8);
        const w = { data: d, shape: [N] };
        w.data[0] = r;
        sink.value += w.data[0];
      }
      offset = 0;
    },
  });

  const loop = () => {
    for (let r = 0; r < REPS; r++) {
      const s = similar(a);
      s.data[0] = r;
      sink.value += s.data[0];
    }
  };
  for (
    const [name, bumper] of [
      ["BumperAllocator(AllocBuffer)", new BumperAllocator(new AllocBuffer(REPS * N * 8 + 64))],
      ["new BumperAllocator()", new BumperAllocator()],
    ] as const
  ) {
    Deno.bench({
      name: `allocarrays: similar(a) in withAllocator(${name})`,
      group,
      fn() {
        withAllocator(bumper, loop);
        reset(bumper);
      },
    });
  }
}

// ---- regions ----------------------------------------------------------------------------
{
  const group = `a region around one similar(a), Float64 × ${N} (×${REPS})`;

  Deno.bench({
    name: "hand-written: save an offset, bump + view + plain wrapper, restore",
    group,
    baseline: true,
    fn() {
      for (let r = 0; r < REPS; r++) {
        const saved = offset;
        const w = handArray();
        w.data[0] = r;
        sink.value += w.data[0];
        offset = saved;
      }
    },
  });

  const bumper = new BumperAllocator();
  const body = () => {
    const s = similar(a);
    s.data[0] = 1;
    return s.data[0];
  };
  const loop = () => {
    for (let r = 0; r < REPS; r++) sink.value += noEscape(bumper, body);
  };
  Deno.bench({
    name: "allocarrays: noEscape(bumper, body) in withAllocator(new BumperAllocator())",
    group,
    fn() {
      withAllocator(bumper, loop);
    },
  });
}

// ---- reset ------------------------------------------------------------------------------
{
  const group = `similar(a) then reset, Float64 × ${N} (×${REPS})`;

  Deno.bench({
    name: "hand-written: bump + view + plain wrapper, then offset = 0",
    group,
    baseline: true,
    fn() {
      for (let r = 0; r < REPS; r++) {
        const w = handArray();
        w.data[0] = r;
        sink.value += w.data[0];
        offset = 0;
      }
    },
  });

  for (
    const [name, bumper] of [
      ["BumperAllocator(AllocBuffer)", new BumperAllocator(new AllocBuffer())],
      ["new BumperAllocator() (AutoscalingAllocBuffer)", new BumperAllocator()],
    ] as const
  ) {
    const loop = () => {
      for (let r = 0; r < REPS; r++) {
        const s = similar(a);
        s.data[0] = r;
        sink.value += s.data[0];
        reset(bumper);
      }
    };
    Deno.bench({
      name: `allocarrays: similar(a) then reset(${name})`,
      group,
      fn() {
        withAllocator(bumper, loop);
      },
    });
  }
}

addEventListener("unload", () => {
  if (sink.value === -1) console.log(sink);
});
