/**
 * {@linkcode MemoryValidity}: whether the memory of `CheckedAllocArray`s is still usable, as
 * the allocator that handed it out says (see `Allocator.trackChecked`).
 *
 * @module
 */

import { GUARD_LEN, type Guarded, VALID_AT } from "../_internal/guard.ts";

/**
 * Whether a block of memory is still usable: shared by every `CheckedAllocArray` over that
 * memory (views share their parent's) and switched off once by the allocator that frees it.
 * Allocators hand it out through `Allocator.trackChecked`. A `BumperAllocator` gives
 * all arrays of one generation (everything up to the next reset or checkpoint restore) one
 * `MemoryValidity`, so invalidating them is O(1) however many there are.
 *
 * @example Invalidating memory by hand (what allocators do)
 * ```ts
 * import { CheckedAllocArray, InvalidMemoryError, MemoryValidity } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const validity = new MemoryValidity();
 * const a = new CheckedAllocArray(new Float64Array(4), undefined, undefined, undefined, validity);
 * const view = a.slice([1, 3]);
 * validity.invalidate();
 * assert.ok(!view.isValid);
 * assert.throws(() => view.data, InvalidMemoryError);
 * ```
 */
export class MemoryValidity {
  #valid = true;

  /**
   * A validity that is valid until {@linkcode MemoryValidity.invalidate} is called.
   *
   * @example A validity of your own
   * ```ts
   * import { MemoryValidity } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const v = new MemoryValidity();
   * assert.ok(v.valid);
   * ```
   */
  constructor() {
    // Where CheckedAllocArray's fast check reads GUARD (see _internal/guard.ts): in range only
    // while valid, and only here, where `valid` is the flag alone.
    (this as unknown as Guarded)[VALID_AT] = new.target === MemoryValidity ? 0 : GUARD_LEN;
  }

  /**
   * `true` until {@linkcode MemoryValidity.invalidate} is called.
   *
   * @example A fresh validity is valid
   * ```ts
   * import { MemoryValidity } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new MemoryValidity().valid);
   * ```
   */
  get valid(): boolean {
    return this.#valid;
  }

  /**
   * Marks the memory freed: every `CheckedAllocArray` sharing this validity throws
   * `InvalidMemoryError` from then on. Cannot be undone.
   *
   * @example Invalidating
   * ```ts
   * import { MemoryValidity } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const v = new MemoryValidity();
   * v.invalidate();
   * assert.equal(v.valid, false);
   * ```
   */
  invalidate(): void {
    this.#valid = false;
    (this as unknown as Guarded)[VALID_AT] = GUARD_LEN;
  }

  /** `"MemoryValidity"`. */
  get [Symbol.toStringTag](): string {
    return "MemoryValidity";
  }
}
