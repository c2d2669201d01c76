// Package-private: which ArrayBuffers are allocators' memory (an arena), so that wrapping a view
// of one in a CheckedAllocArray that would always be valid can be refused: the allocator frees
// that memory whenever a region ends or it is reset, and nothing would tell the array.
//
// The built-in buffers note every ArrayBuffer they allocate from (their main memory, slabs,
// additional and overflow buffers, and the fresh memory poison mode swaps in); the memory of an
// allocator written by a user is noted when the library first sees one of its allocations. A
// WeakSet: noting memory never keeps it alive.

const arenas = new WeakSet<ArrayBuffer | SharedArrayBuffer>();
// A one-entry cache: the memory noted last, so that an allocator written by a user, whose memory
// is noted on every allocation the library makes from it, costs one compare instead of a set
// update (tens of nanoseconds). Why it is safe: it only skips adding what the set already holds.
// It is cleared at the end of the current job (a microtask queued when it is set), so it never
// keeps memory alive longer than the code that is using it (a WeakRef's deref would cost as much
// as the set update).
let last: ArrayBuffer | SharedArrayBuffer | undefined;
const forgetLast = () => {
  last = undefined;
};

/** Notes `memory` as an allocator's (returns it, for use in expressions). */
export function noteArenaMemory<M extends ArrayBuffer | SharedArrayBuffer>(memory: M): M {
  if (memory !== last) {
    arenas.add(memory);
    if (last === undefined) queueMicrotask(forgetLast);
    last = memory;
  }
  return memory;
}

/** Whether `memory` is (or was) an allocator's memory. */
export function isArenaMemory(memory: ArrayBufferLike): boolean {
  return arenas.has(memory);
}
