// The Worker of examples/worker_pool.ts: a BumperAllocator over a sub-arena it carves out of the
// shared temporaries arena, and `mapRange` on the ranges the main thread sends.

import {
  type AllocArray,
  type ArrayDescriptor,
  arrayFromDescriptor,
  BumperAllocator,
  SharedAllocBuffer,
  type SharedAllocBufferDescriptor,
} from "../mod.ts";
import { serve } from "./_threads.ts";
import { mapRange } from "./worker_pool.ts";

/** What the pool sends its Workers. */
export type PoolRequest =
  | { type: "init"; arena: SharedAllocBufferDescriptor; bytes: number }
  | { type: "map"; x: ArrayDescriptor; out: ArrayDescriptor; lo: number; hi: number }
  | { type: "close" };

let arena: SharedAllocBuffer | undefined;
let allocator: BumperAllocator | undefined;

serve((m: PoolRequest) => {
  if (m.type === "init") {
    // This thread's own part of the shared arena: its regions always free exactly.
    arena = SharedAllocBuffer.fromDescriptor(m.arena).subArena(m.bytes);
    allocator = new BumperAllocator(arena);
    return true;
  }
  if (m.type === "close") {
    arena?.release(); // so that the main thread can reset the shared arena
    arena = allocator = undefined;
    return true;
  }
  if (allocator === undefined) throw new Error("The pool Worker got work before its arena");
  const x = arrayFromDescriptor<Float64Array>(m.x) as AllocArray<Float64Array>;
  const out = arrayFromDescriptor<Float64Array>(m.out) as AllocArray<Float64Array>;
  return mapRange(allocator, x, out, m.lo, m.hi);
});
