// Internal: the regions that can close out of LIFO order (async `noEscape` bodies and `using`
// regions), per allocator. Synchronous `noEscape` regions are LIFO by construction and are not
// recorded; they only draw a sequence number and, while any recorded region is open anywhere,
// look here before restoring.
//
// The rule: a region may restore only if no region opened after it on the same allocator is
// still open. Otherwise restoring would free memory that region still uses, so the closing
// region throws a CheckpointError instead and leaks its memory (until an enclosing region ends
// or the buffer is reset): leak rather than corrupt.

import { describeValue } from "../_internal/describe.ts";
import type { Allocator } from "./allocator.ts";
import { CheckpointError } from "./errors.ts";

let lastSeq = 0;
let openCount = 0;
// Per allocator, the sequence numbers of its open recorded regions, ascending.
const open = new WeakMap<Allocator, number[]>();

/** A new region's sequence number: regions opened later get larger ones. */
export function nextRegionSeq(): number {
  return ++lastSeq;
}

/** Whether any recorded region is open on any allocator (one compare on the sync path). */
export function anyOpenRegion(): boolean {
  return openCount !== 0;
}

/** Records an open region on `buf`, keeping the list in opening order. */
export function recordOpen(buf: Allocator, seq: number): void {
  let list = open.get(buf);
  if (list === undefined) open.set(buf, list = []); // kept when empty: no WeakMap churn
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
  const list = open.get(buf);
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
  const list = open.get(buf);
  return list !== undefined && list[list.length - 1] > seq;
}

/** Whether any recorded region is open on `buf`. */
export function hasOpenRegion(buf: Allocator): boolean {
  const list = open.get(buf);
  return list !== undefined && list.length > 0;
}

/** The error for a region that closes while a region opened after it is still open. */
export function outOfOrderError(buf: Allocator): CheckpointError {
  return new CheckpointError(
    `Cannot close region on ${
      describeValue(buf)
    }: a region opened after it on the same allocator is still open (async tasks interleaving on one buffer); its memory stays allocated until an enclosing region ends or the buffer is reset`,
  );
}
