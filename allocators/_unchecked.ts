// Internal: the key of the built-in buffers' allocation fast path without argument checks.
// `alloc` validates its arguments and then calls `buf[allocViewUnchecked](type, n)` when the
// buffer has it (saving the second validation in `allocView`), else `buf.allocView(type, n)`.

/** Key of `(type, n) => view`, like `allocView` but trusting a validated `type` and `n`. */
export const allocViewUnchecked: unique symbol = Symbol("allocarrays.allocViewUnchecked");
