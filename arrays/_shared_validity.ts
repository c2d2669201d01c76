// Internal: the validity of CheckedAllocArrays over a SharedAllocBuffer, which every thread
// sees. It is valid while its local flag is (a region on the allocating thread ends it) and
// the arena's reset generation, two words in shared memory read with `Atomics.load`, is still
// the one it was made in (a reset by the arena's owner, on any thread, ends it). The
// generation is 64 bits, so it never comes round to an old array's again.
//
// Only arrays over a SharedAllocBuffer pay for the atomic loads: every other CheckedAllocArray
// keeps a plain MemoryValidity, and their check stays one field load.

import { controlOf, GENERATION, GENERATION_HI, generationOf } from "../_internal/shared_control.ts";
import { MemoryValidity } from "../allocators/memory_validity.ts";

/** A {@linkcode MemoryValidity} that also ends when the shared arena is reset. */
export class SharedMemoryValidity extends MemoryValidity {
  #words: Uint32Array;
  #lo: number;
  #hi: number;
  #regional: boolean;

  /**
   * @param words The arena's control block.
   * @param generation The reset generation it is valid in (below 2^53).
   * @param regional Whether it belongs to a region of the allocating thread, whose end frees
   * the memory without other threads knowing: such arrays cannot be sent to other threads.
   */
  constructor(words: Uint32Array, generation: number, regional: boolean) {
    super();
    this.#words = words;
    this.#lo = generation >>> 0;
    this.#hi = Math.floor(generation / 2 ** 32);
    this.#regional = regional;
  }

  /** A validity for the current generation of the arena whose control block is `words`. */
  static current(words: Uint32Array, regional: boolean): SharedMemoryValidity {
    return new SharedMemoryValidity(words, generationOf(words), regional);
  }

  /** `true` until invalidated here or the arena is reset (on any thread). */
  override get valid(): boolean {
    // The high word is read plainly, after the atomic load of the low one: the owner writes it
    // before the low word, so a low word read here is never paired with an older high word.
    // (An atomic load of both costs several nanoseconds more per check.)
    const words = this.#words;
    return super.valid && Atomics.load(words, GENERATION) === this.#lo &&
      words[GENERATION_HI] === this.#hi;
  }

  /** The arena's control block. */
  get words(): Uint32Array {
    return this.#words;
  }

  /** The reset generation this validity belongs to. */
  get generation(): number {
    return this.#hi * 2 ** 32 + this.#lo;
  }

  /** Whether a region on the allocating thread frees the memory (see the constructor). */
  get regional(): boolean {
    return this.#regional;
  }

  override get [Symbol.toStringTag](): string {
    return "SharedMemoryValidity";
  }
}

/** The control block of `buf` when it is a SharedAllocBuffer, else `undefined`. */
export function sharedControlOf(buf: object): Uint32Array | undefined {
  return controlOf(buf);
}
