// Package-private: the generations of CheckedAllocArrays of one buffer, by level, as the bump
// core and a BumperAllocator over a buffer without a core keep them.
//
// A level is the checkpoint depth when an array's memory was allocated: restoring the
// checkpoint saved at depth d frees the memory of every level above d, a reset frees every
// level. All arrays of one level share one MemoryValidity, made when the first of them is
// tracked (so saving a checkpoint makes nothing: no object per region while no checked array
// is live), and invalidated in O(1) when its memory is freed.

import { MemoryValidity } from "../allocators/memory_validity.ts";

/** The CheckedAllocArray validities of one buffer, by level. */
export class Generations {
  /** The highest level with a live generation, or -1 (the restore fast path's one compare). */
  top = -1;
  /** How many tracked arrays are valid. */
  tracked = 0;
  #gens: (MemoryValidity | undefined)[] = [];
  #counts: number[] = [];
  readonly #make: (level: number) => MemoryValidity;
  readonly #expires: boolean;

  /**
   * @param make Makes the validity of a new generation at `level` (default: a plain
   * `MemoryValidity`).
   * @param expires Whether a generation can become invalid by itself (a shared arena reset from
   * another thread): then a new one replaces it when the next array is tracked.
   */
  constructor(
    make: (level: number) => MemoryValidity = () => new MemoryValidity(),
    expires = false,
  ) {
    this.#make = make;
    this.#expires = expires;
  }

  /** The validity an array allocated now, at `level`, shares (counted as tracked). */
  track(level: number): MemoryValidity {
    let v = this.#gens[level];
    if (v === undefined || (this.#expires && !v.valid)) {
      if (v !== undefined) this.tracked -= this.#counts[level];
      v = this.#gens[level] = this.#make(level);
      this.#counts[level] = 0;
      if (level > this.top) this.top = level;
    }
    this.#counts[level]++;
    this.tracked++;
    return v;
  }

  /** Invalidates and forgets the generations at `level` and above (their memory was freed). */
  invalidateFrom(level: number): void {
    const gens = this.#gens;
    let top = this.top;
    for (; top >= level; top--) {
      const v = gens[top];
      if (v !== undefined) {
        v.invalidate();
        gens[top] = undefined;
        this.tracked -= this.#counts[top];
      }
    }
    while (top >= 0 && gens[top] === undefined) top--;
    this.top = top;
  }
}
