// The Worker of benches/threads_bench.ts: allocation loops on one of three allocators.

import { alloc, type Allocator, AllocBuffer, SharedAllocBuffer } from "../mod.ts";
import type { SharedAllocBufferDescriptor } from "../mod.ts";
import { serve } from "../examples/_threads.ts";

/** Where a Worker allocates from. */
export type Where = "shared" | "sub" | "own";

/** What the bench sends its Workers. */
export type BenchRequest =
  | {
    type: "init";
    arena: SharedAllocBufferDescriptor;
    parent: SharedAllocBufferDescriptor;
    bytes: number;
  }
  | { type: "run"; where: Where; count: number };

// Element counts cycled through: small arrays, as temporaries mostly are.
const SIZES = [1, 2, 4, 8, 16, 32, 3, 6]; // 72 bytes on average

let buffers: Record<Where, Allocator> | undefined;

/** `count` Float64Array allocations from `buf`, each touched, returning a checksum. */
export function allocLoop(buf: Allocator, count: number): number {
  let sink = 0;
  for (let i = 0; i < count; i++) {
    const v = alloc(buf, Float64Array, SIZES[i & 7]);
    v[0] = i;
    sink += v.length;
  }
  return sink;
}

serve((m: BenchRequest) => {
  if (m.type === "init") {
    buffers = {
      shared: SharedAllocBuffer.fromDescriptor(m.arena),
      sub: SharedAllocBuffer.fromDescriptor(m.parent).subArena(m.bytes),
      own: new AllocBuffer(m.bytes),
    };
    return true;
  }
  const buf = buffers![m.where];
  if (m.where !== "shared") buf.resetBuffer(); // the shared arena is reset by its owner
  return allocLoop(buf, m.count);
});
