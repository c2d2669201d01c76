// Package-private: what the array classes keep for the operations, under keys only the library
// holds (not part of the API).

/**
 * The key of an n-d array's method that returns the `ArrayBuffer` (or `SharedArrayBuffer`)
 * behind its data, cached on first use: a typed array's `buffer` never changes (a transfer
 * detaches the same object), and its getter costs more than the rest of the fast path's
 * aliasing check.
 */
export const BUFFER: unique symbol = Symbol("allocarrays.buffer");
