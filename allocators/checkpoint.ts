/**
 * The checkpoints of the built-in buffers.
 *
 * @module
 */

/**
 * A saved state of one of the built-in buffers ({@linkcode AllocBuffer}, {@linkcode SlabBuffer},
 * {@linkcode ResizeBuffer}): pass it back to the same buffer's `checkpointRestore` to free
 * everything allocated after it was saved. It is an opaque number, unique across all buffers
 * (saving one allocates nothing: it is on every region's path).
 *
 * The rule, checked on every restore: a checkpoint can be restored once, on the buffer that
 * saved it, and restoring a checkpoint (or resetting the buffer) invalidates every checkpoint
 * saved after it. Breaking the rule throws a {@linkcode CheckpointError} and leaves the buffer
 * unchanged.
 *
 * @example Restoring a checkpoint
 * ```ts
 * import { AllocBuffer, type Checkpoint, CheckpointError } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const buf = new AllocBuffer(1024);
 * const outer: Checkpoint = buf.checkpointSave();
 * buf.allocPtr(100, 8);
 * const inner = buf.checkpointSave();
 * buf.allocPtr(100, 8);
 * buf.checkpointRestore(outer); // frees both allocations, invalidates `inner`
 * assert.equal(buf.used, 0);
 * assert.throws(() => buf.checkpointRestore(inner), CheckpointError);
 * assert.throws(() => buf.checkpointRestore(outer), CheckpointError);
 * ```
 */
export type Checkpoint = number & { readonly __checkpoint: never };
