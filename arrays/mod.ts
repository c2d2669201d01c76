/**
 * The arrays (a port of AllocArrays.jl): n-d arrays whose `similar` allocates from the current
 * allocator, checked arrays that refuse use after free, the array allocators
 * (`BumperAllocator`, `UncheckedBumperAllocator`), `empty`/`zeros`/`full` from the current
 * allocator, `adapt` and descriptors for other threads.
 * The operations on them are in `./arrays/ops`, the CNN layers in `./arrays/nn`.
 *
 * @module
 */

export * from "./ndarray.ts";
export * from "./alloc_array.ts";
export * from "./similar.ts";
export * from "./create.ts";
export * from "./checked_alloc_array.ts";
export * from "./bumper_allocator.ts";
export * from "./adapt.ts";
export * from "./transfer.ts";
