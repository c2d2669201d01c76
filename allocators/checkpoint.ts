/**
 * The checkpoints of the built-in buffers.
 *
 * @module
 */

import type { Allocator } from "./allocator.ts";

/**
 * A saved state of one of the built-in buffers ({@linkcode AllocBuffer}, {@linkcode SlabBuffer},
 * {@linkcode ResizeBuffer}): pass it back to the same buffer's `checkpointRestore` to free
 * everything allocated after it was saved. Treat it as opaque.
 *
 * The rule, checked on every restore: a checkpoint can be restored once, on the buffer that
 * saved it, and restoring a checkpoint (or resetting the buffer) invalidates every checkpoint
 * saved after it. Breaking the rule throws a {@linkcode CheckpointError} and leaves the buffer
 * unchanged.
 *
 * @example Restoring a checkpoint
 * ```ts
 * import { AllocBuffer, Checkpoint } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const cp = buf.checkpointSave();
 * assert.ok(cp instanceof Checkpoint);
 * buf.allocPtr(100, 8);
 * buf.checkpointRestore(cp);
 * assert.equal(buf.used, 0);
 * assert.ok(cp.restored);
 * ```
 */
export class Checkpoint {
  /** The buffer that saved this checkpoint. */
  readonly owner: Allocator;
  /** How many of the owner's checkpoints were live when this one was saved. */
  readonly depth: number;
  /** `true` once this checkpoint has been restored. */
  restored = false;

  /**
   * Checkpoints are made by the buffers' `checkpointSave()`; there is no reason to make one.
   *
   * @param owner The buffer saving it.
   * @param depth Its position among the owner's live checkpoints.
   */
  constructor(owner: Allocator, depth: number) {
    this.owner = owner;
    this.depth = depth;
  }

  /** The name shown by `Object.prototype.toString` (a prototype getter: checkpoints stay small). */
  get [Symbol.toStringTag](): string {
    return "Checkpoint";
  }
}
