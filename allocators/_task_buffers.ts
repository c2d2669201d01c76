// Internal: the buffers that async default-buffer regions (`noEscape(async () => …)`) run with,
// so that concurrent async tasks never share memory (Julia's task-local default buffers).
//
// A task buffer is an AutoscalingAllocBuffer that starts at TASK_BUFFER_SIZE bytes and grows to
// what its task allocates; the reset when the task settles resizes it to the task's use. So a
// task costs about what it allocates (4 KiB at least), and 2000 concurrent tasks that allocate
// little hold a few MiB, not a slab each. Buffers go back to the pool, up to MAX_POOLED of
// them and only up to MAX_POOLED_BYTES each, so the memory kept idle stays bounded.
//
// Each task gets a TaskBuffer of its own: a handle on a buffer borrowed from the pool. When the
// task settles, its handle is retired and the buffer goes back to the pool, where another task
// may get it. Work the task left running (a promise it did not await, a timer) still holds the
// retired handle, through the task's default buffer or a reference it kept: every allocation,
// region or reset through it throws a ReferenceError, so it can never take memory that now
// belongs to another task. Only a task that settles while a region on its buffer is still open
// (work it left running inside `noEscape(buf, async …)`) keeps its handle live; that buffer is
// then never pooled, so its work keeps memory no other task gets.

import { BUMP, Bump, coreOf, forgetCore } from "../_internal/bump.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import { AutoscalingAllocBuffer } from "./autoscaling_alloc_buffer.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";

/** The main buffer a new task buffer starts with: 4 KiB. */
export const TASK_BUFFER_SIZE = 4096;
/** Buffers kept for reuse; more are created when more tasks run at once. */
const MAX_POOLED = 8;
/** The largest buffer kept for reuse: 4 MiB (larger ones are left to the garbage collector). */
const MAX_POOLED_BYTES = 4 * 1_048_576;
const pool: AutoscalingAllocBuffer[] = [];

const RETIRED =
  "this is the default buffer of a noEscape(async) task that has settled, and its memory may now serve another task (work the task started without awaiting it, such as a promise or a timer, must not allocate after the task settles: await that work inside the task, or give it a buffer of its own)";

/**
 * One async task's default buffer: forwards to the pooled buffer until the task settles, then
 * refuses every use. It publishes the pooled buffer's bump core (so the fast paths apply) as a
 * configurable property, which retiring replaces with a retired core.
 */
class TaskBuffer implements Allocator {
  #buf: AutoscalingAllocBuffer | undefined;

  constructor(buf: AutoscalingAllocBuffer) {
    this.#buf = buf;
    Object.defineProperty(this, BUMP, { value: coreOf(buf), configurable: true });
  }

  #live(action: string): AutoscalingAllocBuffer {
    const buf = this.#buf;
    if (buf === undefined) throw new ReferenceError(`Cannot ${action}: ${RETIRED}`);
    return buf;
  }

  /** Bytes in use (0 once retired). */
  get used(): number {
    return this.#buf?.used ?? 0;
  }

  /** Bytes of memory the buffer holds (0 once retired). */
  get capacity(): number {
    return this.#buf?.capacity ?? 0;
  }

  /** The pooled buffer, taken back: from now on every use of this handle throws. */
  retire(): AutoscalingAllocBuffer {
    const buf = this.#live("retire the buffer");
    this.#buf = undefined;
    const dead = new Bump(this, new ArrayBuffer(0), -1, {
      alloc: () => {
        throw new Error("unreachable");
      },
      save: () => {},
      restore: () => {},
    });
    dead.retire(RETIRED);
    Object.defineProperty(this, BUMP, { value: dead });
    forgetCore(this);
    return buf;
  }

  allocPtr(byteLength: number, alignment: number): Ptr {
    return this.#live("allocate").allocPtr(byteLength, alignment);
  }

  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    return this.#live("allocate").allocView(type, length);
  }

  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    return this.#live("allocate")[allocViewUnchecked](type, n);
  }

  checkpointSave(): unknown {
    return this.#live("open a region").checkpointSave();
  }

  checkpointRestore(checkpoint: unknown): void {
    this.#live("end a region").checkpointRestore(checkpoint as never);
  }

  resetBuffer(): void {
    this.#live("reset").resetBuffer();
  }

  allocatedSince(checkpoint: unknown, view: ArrayBufferView): boolean {
    const buf = this.#buf;
    return buf !== undefined && buf.allocatedSince(checkpoint as never, view);
  }

  toString(): string {
    const buf = this.#buf;
    return `TaskBuffer(${buf === undefined ? "retired" : String(buf)})`;
  }

  get [Symbol.toStringTag](): string {
    return "TaskBuffer";
  }
}

/** A handle on a reset buffer, for one async task. */
export function borrowTaskBuffer(): Allocator {
  return new TaskBuffer(pool.pop() ?? new AutoscalingAllocBuffer(TASK_BUFFER_SIZE));
}

/**
 * Takes back a task's buffer once its region settled: the handle is retired and the buffer reset
 * and pooled (if the pool has room and it is not too large), unless `reusable` is `false` (a
 * region on it is still open: something may still use it), in which case the handle stays live
 * and the buffer is never pooled.
 */
export function returnTaskBuffer(task: Allocator, reusable: boolean): void {
  if (!reusable) return;
  const buf = (task as TaskBuffer).retire();
  if (pool.length >= MAX_POOLED) return;
  buf.resetBuffer();
  if (buf.capacity <= MAX_POOLED_BYTES) pool.push(buf);
}

/** How many buffers are pooled (for tests). */
export function pooledTaskBufferCount(): number {
  return pool.length;
}
