// Internal: the live-checkpoint bookkeeping shared by the built-in buffers. The live checkpoints
// of one buffer form a stack (in the order they were saved); restoring one pops it and every
// checkpoint above it, so "restoring a checkpoint invalidates every checkpoint taken after it".
// A checkpoint is live exactly when it still sits at its own depth below the top. The checks are
// two compares; working out *why* a checkpoint is not live happens only on the error path.

import type { Allocator } from "./allocator.ts";
import { Checkpoint } from "./checkpoint.ts";
import { CheckpointError } from "./errors.ts";
import { describeValue } from "./_validate.ts";

/** The live checkpoints of one buffer. */
export class CheckpointStack {
  #live: Checkpoint[] = [];
  #depth = 0;

  /** The depth the next saved checkpoint gets. */
  get depth(): number {
    return this.#depth;
  }

  /** Records `cp` (made with depth {@linkcode CheckpointStack.depth}) as the newest live one. */
  push<C extends Checkpoint>(cp: C): C {
    this.#live[this.#depth++] = cp;
    return cp;
  }

  /**
   * Pops `cp` and every checkpoint saved after it, or throws (changing nothing) when `cp` is not
   * a live checkpoint of `owner`.
   */
  pop(owner: Allocator, cp: Checkpoint): void {
    const d = cp?.depth;
    if (d < this.#depth && this.#live[d] === cp) {
      this.#depth = d;
      cp.restored = true;
      return;
    }
    throw checkpointFault(owner, cp);
  }

  /** Invalidates every checkpoint (the buffer was reset). */
  clear(): void {
    this.#depth = 0;
    this.#live.length = 0;
  }
}

function checkpointFault(owner: Allocator, cp: unknown): Error {
  const name = describeValue(owner).replace(/^an? /, "");
  if (!(cp instanceof Checkpoint)) {
    return new TypeError(
      `Cannot restore checkpoint: expected a checkpoint from ${name}.checkpointSave(), got ${
        describeValue(cp)
      }`,
    );
  }
  if (cp.owner !== owner) {
    return new CheckpointError(
      `Cannot restore checkpoint: it was saved by another allocator (${
        describeValue(cp.owner)
      }), not this ${name}`,
    );
  }
  if (cp.restored) {
    return new CheckpointError(`Cannot restore checkpoint: it was already restored`);
  }
  return new CheckpointError(
    `Cannot restore checkpoint: it is stale (an earlier checkpoint was restored or the ${name} was reset since it was saved)`,
  );
}
