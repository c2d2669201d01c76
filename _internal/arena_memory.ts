// Package-private: which ArrayBuffers are allocators' memory (an arena), so that wrapping a view
// of one in a CheckedAllocArray that would always be valid can be refused: the allocator frees
// that memory whenever a region ends or it is reset, and nothing would tell the array.
//
// The built-in buffers note every ArrayBuffer they allocate from (their main memory, slabs,
// additional and overflow buffers, and the fresh memory poison mode swaps in); the memory of an
// allocator written by a user is noted when the library first sees one of its allocations. A
// WeakSet: noting memory never keeps it alive.

const arenas = new WeakSet<ArrayBuffer | SharedArrayBuffer>();

/** Notes `memory` as an allocator's (returns it, for use in expressions). */
export function noteArenaMemory<M extends ArrayBuffer | SharedArrayBuffer>(memory: M): M {
  arenas.add(memory);
  return memory;
}

/** Whether `memory` is (or was) an allocator's memory. */
export function isArenaMemory(memory: ArrayBufferLike): boolean {
  return arenas.has(memory);
}
