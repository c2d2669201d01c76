// Shared by the demo and benches/cnn_memory.ts: an allocator wrapper that counts what passes
// through it, so ArrayBuffer bytes are counted the same way everywhere.
import type {
  Allocator,
  MemoryValidity,
  Ptr,
  TypedArray,
  TypedArrayConstructor,
} from "../allocators/mod.ts";

/**
 * Counts the bytes and arrays requested through it, and the bytes of every ArrayBuffer behind
 * what it hands out that it has not seen before. `trackBuffers` is false for the heap: every
 * request is a fresh buffer, and remembering them would keep them alive.
 */
export class Counting implements Allocator {
  bytes = 0;
  arrays = 0;
  newBufferBytes = 0;
  readonly #seen = new Set<ArrayBufferLike>();
  // CheckedAllocArrays need their allocator to say how it invalidates them: passed through
  // when the inner allocator says it (a wrapper cannot invalidate anything on its own).
  readonly trackChecked?: () => MemoryValidity;
  constructor(readonly inner: Allocator, readonly trackBuffers: boolean) {
    if (inner.trackChecked) this.trackChecked = () => inner.trackChecked!();
  }
  #saw(buffer: ArrayBufferLike): void {
    if (!this.trackBuffers || this.#seen.has(buffer)) return;
    this.#seen.add(buffer);
    this.newBufferBytes += buffer.byteLength;
  }
  allocPtr(byteLength: number, alignment: number): Ptr {
    this.bytes += byteLength;
    this.arrays++;
    const p = this.inner.allocPtr(byteLength, alignment);
    this.#saw(p.buffer);
    return p;
  }
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    const bpe = type.BYTES_PER_ELEMENT;
    this.bytes += length * bpe;
    this.arrays++;
    let view: T;
    if (this.inner.allocView) view = this.inner.allocView(type, length);
    else {
      const p = this.inner.allocPtr(length * bpe, bpe);
      view = new type(p.buffer, p.byteOffset, length);
    }
    this.#saw(view.buffer);
    return view;
  }
  checkpointSave(): unknown {
    return this.inner.checkpointSave();
  }
  checkpointRestore(c: unknown): void {
    this.inner.checkpointRestore(c);
  }
  resetBuffer(): void {
    this.inner.resetBuffer();
  }
}
