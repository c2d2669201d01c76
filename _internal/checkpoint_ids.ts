// Internal: the live-checkpoint bookkeeping shared by the built-in buffers.
//
// A checkpoint is a number, unique across all buffers of the program (no object is made: a
// checkpoint is saved on every region's path). The live checkpoints of one buffer form a stack in
// the order they were saved, and the buffer keeps each one's state in its own arrays at the same
// depth. Restoring one pops it and every checkpoint above it, so "restoring a checkpoint
// invalidates every checkpoint taken after it". The usual restore is of the top entry: one
// compare and nothing recorded. A small ring of checkpoints invalidated by the other paths
// (restores below the top, resets), and the entries above the depth until overwritten, let the
// error path say why a checkpoint is not live.

import { describeValue } from "./describe.ts";
import type { Allocator } from "../allocators/allocator.ts";
import type { Checkpoint } from "../allocators/checkpoint.ts";
import { CheckpointError } from "../allocators/errors.ts";

// The last number drawn, in a field (a module-level `let` compared with a double constant is
// stored as a boxed number, and each increment allocated one).
const sequence = { last: 0 };

/**
 * The next number of the program's one increasing sequence: checkpoints are numbered from it,
 * and so are regions (`nextRegionSeq`), so that a region whose checkpoint is a number from it
 * can use that as its sequence number.
 */
export function nextId(): number {
  const last = sequence.last;
  return sequence.last = last === Number.MAX_SAFE_INTEGER ? 1 : last + 1;
}
/** How many recent invalidations each buffer remembers, to explain a failed restore. */
const LOG_SIZE = 32;

/** The live checkpoints of one buffer. */
export class CheckpointIds {
  /**
   * The live checkpoints, by depth (below `depth`; the entries above it are popped ones, kept
   * until overwritten to explain a failed restore). Only this class and the bump core, which
   * extends it, write it.
   */
  readonly ids: number[] = [];
  /** How many checkpoints are live; the next one saved gets this depth. */
  depth = 0;
  // Recently invalidated checkpoints: +id restored, -id made stale (a ring).
  #log: number[] = [];
  #logPos = 0;

  /** Saves a new checkpoint at depth {@linkcode CheckpointIds.depth} and returns it. */
  push(): Checkpoint {
    const id = nextId();
    this.ids[this.depth++] = id;
    return id as Checkpoint;
  }

  /**
   * Pops `cp` and every checkpoint saved after it and returns `cp`'s depth, or throws (changing
   * nothing) when `cp` is not a live checkpoint.
   */
  pop(owner: Allocator, cp: Checkpoint): number {
    // The usual restore, of the newest checkpoint: one compare. Its entry stays in `#ids` above
    // the depth until a later save overwrites it, which tells a second restore of it why it
    // fails ("already restored"): entries above the depth that no log entry calls stale.
    const d = this.depth - 1;
    if (d >= 0 && this.ids[d] === cp) {
      this.depth = d;
      return d;
    }
    return this.popSlow(owner, cp);
  }

  /** {@linkcode CheckpointIds.pop} of a checkpoint that is not the newest (or not live). */
  popSlow(owner: Allocator, cp: Checkpoint): number {
    const d = this.#find(owner, cp);
    this.#invalidate(d + 1);
    this.#note(cp);
    this.depth = d;
    return d;
  }

  /** The depth of the live checkpoint `cp`, or -1. */
  depthOf(cp: Checkpoint): number {
    const d = this.depth - 1;
    if (d >= 0 && this.ids[d] === cp) return d;
    return d < 0 ? -1 : this.ids.lastIndexOf(cp, d);
  }

  /** Invalidates every checkpoint (the buffer was reset). */
  clear(): void {
    this.#invalidate(0);
    this.depth = 0;
  }

  // Notes the live checkpoints from depth `from` up as stale; the log keeps the last LOG_SIZE,
  // and the entries of older ones are erased (they are then "not live", never "restored").
  #invalidate(from: number): void {
    const ids = this.ids, depth = this.depth;
    const logged = Math.max(from, depth - LOG_SIZE);
    for (let i = from; i < logged; i++) ids[i] = 0;
    for (let i = logged; i < depth; i++) this.#note(-ids[i]);
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
    const stale = this.#log.includes(-cp);
    if (!stale && (this.#log.includes(cp) || this.ids.indexOf(cp, this.depth) >= 0)) {
      return new CheckpointError(`Cannot restore checkpoint ${cp}: it was already restored`);
    }
    if (stale) {
      return new CheckpointError(
        `Cannot restore checkpoint ${cp}: it is stale (an earlier checkpoint was restored, or the ${name} was reset, since it was saved)`,
      );
    }
    return new CheckpointError(
      `Cannot restore checkpoint ${cp}: it is not a live checkpoint of this ${name} (it was saved by another allocator, or invalidated long ago)`,
    );
  }
}
