// The cost of poison mode ({ poison: true }): the same work on each buffer with and without it.
// Poison mode detaches memory when a restore or reset frees it entirely, so it costs per
// emptying region end and per reset, nothing per allocation. Every case allocates, writes one
// element and passes the array to a sink, so nothing can be optimised away.
//
//   deno bench -A benches/poison_bench.ts
//
// Compare ratios within one run (the machine is noisy); the group summary prints them.

import {
  alloc,
  type Allocator,
  AllocBuffer,
  AutoscalingAllocBuffer,
  noEscape,
  ResizeBuffer,
  SlabBuffer,
} from "../allocators/mod.ts";

// Where results go, so the work cannot be optimised away.
let sink: unknown;

const MAKERS: [string, (poison: boolean) => Allocator][] = [
  ["AllocBuffer", (poison) => new AllocBuffer(1 << 20, { poison })],
  ["SlabBuffer", (poison) => new SlabBuffer(1 << 20, { poison })],
  ["ResizeBuffer", (poison) => new ResizeBuffer(1 << 20, { poison })],
  ["AutoscalingAllocBuffer", (poison) => new AutoscalingAllocBuffer(1 << 20, { poison })],
];

for (const [name, make] of MAKERS) {
  // An outermost region: its end empties the buffer, so poison mode detaches the memory.
  for (const poison of [false, true]) {
    const buf = make(poison);
    Deno.bench({
      name: `${name}${poison ? " (poison)" : ""}: outermost noEscape + alloc(Float64Array, 30)`,
      group: `${name}: outermost region`,
      baseline: !poison,
      fn() {
        sink = noEscape(buf, () => {
          const a = alloc(buf, Float64Array, 30);
          a[0] = 1;
          return a[0];
        });
      },
    });
  }

  // A nested region: its end leaves the buffer in use, so poison mode does nothing extra.
  for (const poison of [false, true]) {
    const buf = make(poison);
    alloc(buf, Float64Array, 4); // kept: the buffer never becomes empty
    Deno.bench({
      name: `${name}${poison ? " (poison)" : ""}: nested noEscape + alloc(Float64Array, 30)`,
      group: `${name}: nested region`,
      baseline: !poison,
      fn() {
        sink = noEscape(buf, () => {
          const a = alloc(buf, Float64Array, 30);
          a[0] = 1;
          return a[0];
        });
      },
    });
  }

  // A batch: 20 allocations, then a reset (what reset(allocator) after each batch does).
  for (const poison of [false, true]) {
    const buf = make(poison);
    Deno.bench({
      name: `${name}${poison ? " (poison)" : ""}: 20 × alloc(Float64Array, 30) + resetBuffer()`,
      group: `${name}: batch and reset`,
      baseline: !poison,
      fn() {
        let s = 0;
        for (let i = 0; i < 20; i++) {
          const a = alloc(buf, Float64Array, 30);
          a[0] = i;
          s += a[0];
        }
        buf.resetBuffer();
        sink = s;
      },
    });
  }
}

globalThis.addEventListener("unload", () => {
  if (sink === Symbol.for("never")) console.log(sink);
});
