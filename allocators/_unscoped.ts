// Internal: how a default buffer notices memory allocated outside any region. A SlabBuffer
// with this hook calls it from its slow path (when it takes a new slab or a custom slab) while
// none of its checkpoints is live, with the bytes in use: memory that only a reset frees.
// default_buffer.ts sets it on the default buffers it creates, to warn about leaks.

/** Key of `(usedBytes) => void`, called by a SlabBuffer that grows outside any region. */
export const onUnscopedGrowth: unique symbol = Symbol("allocarrays.onUnscopedGrowth");
