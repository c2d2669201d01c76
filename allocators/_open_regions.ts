// Internal: the regions that can close out of LIFO order (async `noEscape` bodies and `using`
// regions), per underlying buffer. Synchronous `noEscape` regions are LIFO by construction and
// are not recorded; they only draw a sequence number and, while any recorded region is open
// anywhere, look here before restoring.
//
// The rule: a region may restore only if no region opened after it on the same memory is still
// open. Otherwise restoring would free memory that region still uses, so the closing region
// throws a CheckpointError instead and leaks its memory (until an enclosing region ends or the
// buffer is reset): leak rather than corrupt.
//
// "The same memory": regions are recorded against `regionKey(buf)`, the buffer's bump core for
// the built-in buffers and every allocator over one (`new BumperAllocator(buf)`,
// `UncheckedBumperAllocator`, a second BumperAllocator over `buf`), else the allocator a
// wrapper forwards to, else the allocator itself. So a region on a wrapper and a newer one on
// the buffer it wraps are ordered against each other like two regions on the buffer.

import { coreOf, regionKey } from "../_internal/bump.ts";
import { nextId } from "../_internal/checkpoint_ids.ts";
import { describeValue } from "../_internal/describe.ts";
import type { Allocator } from "./allocator.ts";
import { CheckpointError } from "./errors.ts";

let openCount = 0;
// Per region key without a core, the sequence numbers of its open recorded regions, ascending
// (a core keeps its own list: `Bump.regions`).
const open = new WeakMap<object, number[]>();

// The list of `buf`'s region key (created when `create`).
function listOf(buf: Allocator, create: boolean): number[] | undefined {
  const core = coreOf(buf);
  if (core !== undefined) return core.regions;
  const key = regionKey(buf);
  let list = open.get(key);
  if (list === undefined && create) open.set(key, list = []); // kept when empty: no churn
  return list;
}

/**
 * A new region's sequence number: regions opened later get larger ones. It comes from the
 * sequence checkpoints of the built-in buffers are numbered from, so a region on one of them
 * uses its checkpoint as its sequence number.
 */
export function nextRegionSeq(): number {
  return nextId();
}

/** Whether any recorded region is open on any allocator (one compare on the sync path). */
export function anyOpenRegion(): boolean {
  return openCount !== 0;
}

/** Records an open region on `buf`, keeping the list in opening order. */
export function recordOpen(buf: Allocator, seq: number): void {
  const list = listOf(buf, true)!;
  const last = list.length - 1;
  if (last < 0 || list[last] < seq) {
    list.push(seq);
  } else {
    let i = last;
    while (i > 0 && list[i - 1] > seq) i--;
    list.splice(i, 0, seq);
  }
  openCount++;
}

/**
 * Forgets the recorded region `seq` on `buf` and returns whether it may restore, i.e. no
 * region opened after it is still open.
 */
export function recordClose(buf: Allocator, seq: number): boolean {
  const list = listOf(buf, false);
  if (list === undefined) return true;
  const last = list.length - 1;
  if (last >= 0 && list[last] === seq) {
    list.pop();
    openCount--;
    return true;
  }
  const i = list.lastIndexOf(seq);
  if (i < 0) return true;
  list.splice(i, 1);
  openCount--;
  return false;
}

/** Whether a recorded region opened after `seq` is open on `buf`. */
export function openedAfter(buf: Allocator, seq: number): boolean {
  const list = listOf(buf, false);
  return list !== undefined && list[list.length - 1] > seq;
}

/** Whether any recorded region is open on `buf`. */
export function hasOpenRegion(buf: Allocator): boolean {
  const list = listOf(buf, false);
  return list !== undefined && list.length > 0;
}

/** The error for a region that closes while a region opened after it is still open. */
export function outOfOrderError(buf: Allocator): CheckpointError {
  return new CheckpointError(
    `Cannot close region on ${
      describeValue(buf)
    }: a region opened after it on the same allocator (or another allocator over the same buffer) is still open (async tasks interleaving on one buffer); its memory stays allocated until an enclosing region ends or the buffer is reset`,
  );
}
