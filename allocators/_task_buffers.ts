// Internal: the pool of reset SlabBuffers that async default-buffer regions borrow, so that
// concurrent async tasks never share memory (Julia's task-local default buffers).

import { SlabBuffer } from "./slab_buffer.ts";

/** Buffers kept for reuse; more are created when more tasks run at once. */
const MAX_POOLED = 8;
const pool: SlabBuffer[] = [];

/** A reset `SlabBuffer` for one async task. */
export function borrowTaskBuffer(): SlabBuffer {
  return pool.pop() ?? new SlabBuffer();
}

/**
 * Takes back a task's buffer once its region settled: reset and pooled, unless `reusable` is
 * `false` (something may still use it), in which case it is left to the garbage collector.
 */
export function returnTaskBuffer(buf: SlabBuffer, reusable: boolean): void {
  if (!reusable || pool.length >= MAX_POOLED) return;
  buf.resetBuffer();
  pool.push(buf);
}

/** How many buffers are pooled (for tests). */
export function pooledTaskBufferCount(): number {
  return pool.length;
}
