// Internal: the live-checkpoint bookkeeping shared by the built-in buffers.
//
// A checkpoint is a number, unique across all buffers of the program (no object is made: a
// checkpoint is saved on every region's path). The live checkpoints of one buffer form a stack in
// the order they were saved, and the buffer keeps each one's state in its own arrays at the same
// depth. Restoring one pops it and every checkpoint above it, so "restoring a checkpoint
// invalidates every checkpoint taken after it". The usual restore is of the top entry: one
// compare. A small ring of recently invalidated checkpoints (and the entries above the depth,
// until overwritten) lets the error path say why a checkpoint is not live.

import { describeValue } from "./describe.ts";
import type { Allocator } from "../allocators/allocator.ts";
import type { Checkpoint } from "../allocators/checkpoint.ts";
import { CheckpointError } from "../allocators/errors.ts";

let lastId = 0;
/** How many recent invalidations each buffer remembers, to explain a failed restore. */
const LOG_SIZE = 32;

/** The live checkpoints of one buffer. */
export class CheckpointIds {
  #ids: number[] = [];
  #depth = 0;
  // Recently invalidated checkpoints: +id restored, -id made stale (a ring).
  #log: number[] = [];
  #logPos = 0;

  /** How many checkpoints are live; the next one saved gets this depth. */
  get depth(): number {
    return this.#depth;
  }

  /** Saves a new checkpoint at depth {@linkcode CheckpointIds.depth} and returns it. */
  push(): Checkpoint {
    const id = lastId === Number.MAX_SAFE_INTEGER ? (lastId = 1) : ++lastId;
    this.#ids[this.#depth++] = id;
    return id as Checkpoint;
  }

  /**
   * Pops `cp` and every checkpoint saved after it and returns `cp`'s depth, or throws (changing
   * nothing) when `cp` is not a live checkpoint.
   */
  pop(owner: Allocator, cp: Checkpoint): number {
    let d = this.#depth - 1;
    if (d < 0 || this.#ids[d] !== cp) {
      d = this.#find(owner, cp);
      for (let i = d + 1; i < this.#depth; i++) this.#note(-this.#ids[i]);
    }
    this.#log[this.#logPos++ & (LOG_SIZE - 1)] = cp;
    this.#depth = d;
    return d;
  }

  /** The depth of the live checkpoint `cp`, or -1. */
  depthOf(cp: Checkpoint): number {
    const d = this.#depth - 1;
    if (d >= 0 && this.#ids[d] === cp) return d;
    return d < 0 ? -1 : this.#ids.lastIndexOf(cp, d);
  }

  /** Invalidates every checkpoint (the buffer was reset). */
  clear(): void {
    for (let i = Math.max(0, this.#depth - LOG_SIZE); i < this.#depth; i++) {
      this.#note(-this.#ids[i]);
    }
    this.#depth = 0;
  }

  #note(entry: number): void {
    this.#log[this.#logPos++ & (LOG_SIZE - 1)] = entry;
  }

  #find(owner: Allocator, cp: Checkpoint): number {
    const d = this.depthOf(cp);
    if (d >= 0) return d;
    throw this.#fault(owner, cp);
  }

  #fault(owner: Allocator, cp: unknown): Error {
    const name = describeValue(owner).replace(/^an? /, "");
    if (typeof cp !== "number" || !Number.isSafeInteger(cp) || cp <= 0) {
      return new TypeError(
        `Cannot restore checkpoint: expected a checkpoint from ${name}.checkpointSave(), got ${
          describeValue(cp)
        }`,
      );
    }
    const restored = this.#log.includes(cp);
    if (restored) {
      return new CheckpointError(`Cannot restore checkpoint ${cp}: it was already restored`);
    }
    if (this.#log.includes(-cp) || this.#ids.indexOf(cp, this.#depth) >= 0) {
      return new CheckpointError(
        `Cannot restore checkpoint ${cp}: it is stale (an earlier checkpoint was restored, or the ${name} was reset, since it was saved)`,
      );
    }
    return new CheckpointError(
      `Cannot restore checkpoint ${cp}: it is not a live checkpoint of this ${name} (it was saved by another allocator, or invalidated long ago)`,
    );
  }
}
