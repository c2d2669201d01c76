// Internal: GUARD, a zero-filled typed array (1 MiB, made once) that fast paths read to check
// a value instead of comparing it. A read of GUARD is in range exactly when the value passes
// (an index of an axis: see NDArray.set; a validity: VALID_AT), and V8 compiles a read of a
// typed array that has never been out of range as a bounds check that leaves optimised code
// when it fails, not as a branch. So a loop of calls that check this way keeps the caller's
// reads of an array's layout out of the loop, as a loop over the data itself does; with a
// comparison (a branch to the slow path) V8 reads the layout again on every call. When a read
// fails, the slow path decides, and V8 compiles the reads as comparisons from then on: still
// correct, and as fast as comparing.

/** GUARD's length: reads at 0 to GUARD_LEN - 1 are in range. */
export const GUARD_LEN = 1 << 20;

/** The guard array (see above). */
export const GUARD: Uint8Array = new Uint8Array(GUARD_LEN);

/**
 * The property of a `MemoryValidity` that says where a fast check reads GUARD: 0 while the
 * validity is valid and its `valid` is the base class's flag, GUARD_LEN (out of range) once it
 * is invalidated and for subclasses (whose `valid` says more: those checks take the slow path,
 * which asks `valid`).
 */
export const VALID_AT: unique symbol = Symbol("allocarrays.validAt");

/** A `MemoryValidity` as the library's fast checks see it. */
export interface Guarded {
  [VALID_AT]: number;
}
