// Internal: the pool of reset buffers that async default-buffer regions borrow, so that
// concurrent async tasks never share memory (Julia's task-local default buffers).
//
// A task buffer is an AutoscalingAllocBuffer that starts at TASK_BUFFER_SIZE bytes and grows to
// what its task allocates; the reset when the task settles resizes it to the task's use. So a
// task costs about what it allocates (4 KiB at least), and 2000 concurrent tasks that allocate
// little hold a few MiB, not a slab each. Buffers go back to the pool, up to MAX_POOLED of
// them and only up to MAX_POOLED_BYTES each, so the memory kept idle stays bounded.

import { AutoscalingAllocBuffer } from "./autoscaling_alloc_buffer.ts";

/** The main buffer a new task buffer starts with: 4 KiB. */
export const TASK_BUFFER_SIZE = 4096;
/** Buffers kept for reuse; more are created when more tasks run at once. */
const MAX_POOLED = 8;
/** The largest buffer kept for reuse: 4 MiB (larger ones are left to the garbage collector). */
const MAX_POOLED_BYTES = 4 * 1_048_576;
const pool: AutoscalingAllocBuffer[] = [];

/** A reset buffer for one async task. */
export function borrowTaskBuffer(): AutoscalingAllocBuffer {
  return pool.pop() ?? new AutoscalingAllocBuffer(TASK_BUFFER_SIZE);
}

/**
 * Takes back a task's buffer once its region settled: reset and pooled, unless `reusable` is
 * `false` (something may still use it), in which case it is left to the garbage collector.
 */
export function returnTaskBuffer(buf: AutoscalingAllocBuffer, reusable: boolean): void {
  if (!reusable || pool.length >= MAX_POOLED) return;
  buf.resetBuffer();
  if (buf.capacity <= MAX_POOLED_BYTES) pool.push(buf);
}

/** How many buffers are pooled (for tests). */
export function pooledTaskBufferCount(): number {
  return pool.length;
}
