// Internal: the buffers that async default-buffer regions (`noEscape(async () => …)`) run with,
// so that concurrent async tasks never share memory (Julia's task-local default buffers).
//
// Each task gets a TaskBuffer of its own: a handle on a reset SlabBuffer borrowed from a small
// pool. When the task settles, its handle is retired and the SlabBuffer goes back to the pool,
// where another task may get it. Work the task left running (a promise it did not await, a
// timer) still holds the retired handle, through the task's default buffer or a reference it
// kept: every allocation, region or reset through it throws a ReferenceError, so it can never
// take memory that now belongs to another task. Only a task that settles while a region on its
// buffer is still open (work it left running inside `noEscape(buf, async …)`) keeps its handle
// live; that buffer is then never pooled, so its work keeps memory no other task gets.

import { BUMP, Bump, coreOf, forgetCore } from "../_internal/bump.ts";
import { allocViewUnchecked } from "./_unchecked.ts";
import type { Allocator, Ptr } from "./allocator.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { SlabBuffer } from "./slab_buffer.ts";

/** Buffers kept for reuse; more are created when more tasks run at once. */
const MAX_POOLED = 8;
const pool: SlabBuffer[] = [];

const RETIRED =
  "this is the default buffer of a noEscape(async) task that has settled, and its memory may now serve another task (work the task started without awaiting it, such as a promise or a timer, must not allocate after the task settles: await that work inside the task, or give it a buffer of its own)";

/**
 * One async task's default buffer: forwards to the pooled buffer until the task settles, then
 * refuses every use. It publishes the pooled buffer's bump core (so the fast paths apply) as a
 * configurable property, which retiring replaces with a retired core.
 */
class TaskBuffer implements Allocator {
  #buf: SlabBuffer | undefined;

  constructor(buf: SlabBuffer) {
    this.#buf = buf;
    Object.defineProperty(this, BUMP, { value: coreOf(buf), configurable: true });
  }

  #live(action: string): SlabBuffer {
    const buf = this.#buf;
    if (buf === undefined) {
      throw new ReferenceError(`Cannot ${action}: ${RETIRED}`);
    }
    return buf;
  }

  /** Bytes in use (0 once retired). */
  get used(): number {
    return this.#buf?.used ?? 0;
  }

  /** The pooled buffer, taken back: from now on every use of this handle throws. */
  retire(): SlabBuffer {
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
  return new TaskBuffer(pool.pop() ?? new SlabBuffer());
}

/**
 * Takes back a task's buffer once its region settled: the handle is retired and the buffer reset
 * and pooled, unless `reusable` is `false` (a region on it is still open: something may still
 * use it), in which case the handle stays live and the buffer is never pooled.
 */
export function returnTaskBuffer(task: Allocator, reusable: boolean): void {
  if (!reusable) return;
  const buf = (task as TaskBuffer).retire();
  if (pool.length >= MAX_POOLED) return;
  buf.resetBuffer();
  pool.push(buf);
}

/** How many buffers are pooled (for tests). */
export function pooledTaskBufferCount(): number {
  return pool.length;
}
