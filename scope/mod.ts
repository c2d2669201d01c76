/**
 * Layer 2, the scope (a port of ScopedValues): `withAllocator` makes an allocator current for
 * everything a function does, across `await`.
 *
 * @module
 */

export * from "./with_allocator.ts";
