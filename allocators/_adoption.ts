// Internal: what a `SharedAllocBuffer` made by `fromDescriptor` or `subArena` adopts instead of
// creating an arena of its own. It reaches the constructor as an argument (a hidden overload),
// never through module state. Only this package makes instances, and it passes them straight
// to the constructor, so user code cannot obtain one: `new SharedAllocBuffer(…)` from outside
// always makes a fresh arena that the caller owns.

import type { ThreadArena } from "./_thread_arenas.ts";

/** A handle's arena, taken over from elsewhere. */
export class Adoption {
  /**
   * @param control The control block of a published arena, for a new non-owner handle of it;
   * `undefined` for a new sub-arena.
   * @param base A sub-arena's first byte in the memory.
   * @param capacity A sub-arena's size in bytes.
   * @param thread What this thread knows of the adopted arena (a non-owner handle's).
   */
  constructor(
    readonly control: Uint32Array | undefined,
    readonly base: number,
    readonly capacity: number,
    readonly thread?: ThreadArena,
  ) {}
}
