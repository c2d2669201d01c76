// A user-written allocator: Bumper.jl README's `MyAllocBuffer`, with alignment. Implementing
// the four members of `Allocator` is all it takes for `alloc`, `noEscape`, `region` and
// `withBuffer` to work with it (tests/allocators/conformance_test.ts runs it through the same
// conformance suite as the built-in buffers). It is the one user-written allocator of the
// repository: the tests run the library on it (tests/_helpers.ts's TestBump counts its
// allocations), and the smoke test runs it against the npm package.
//
//   deno run examples/my_alloc_buffer.ts

import { alloc, type Allocator, noEscape, OutOfMemoryError, type Ptr } from "../allocators/mod.ts";

/** A fixed bump allocator over one ArrayBuffer; its checkpoint is the offset. */
export class MyAllocBuffer implements Allocator<number> {
  readonly buf: ArrayBuffer;
  offset = 0;
  constructor(n = 16_000) {
    this.buf = new ArrayBuffer(n);
  }
  allocPtr(n: number, alignment: number): Ptr {
    const start = Math.ceil(this.offset / alignment) * alignment;
    if (start + n > this.buf.byteLength) {
      throw new OutOfMemoryError(n, Math.max(0, this.buf.byteLength - start));
    }
    this.offset = start + n;
    return { buffer: this.buf, byteOffset: start };
  }
  checkpointSave(): number {
    return this.offset;
  }
  checkpointRestore(offset: number): void {
    this.offset = offset;
  }
  resetBuffer(): void {
    this.offset = 0;
  }
}

/** Bumper's `f(x, buf)`: the sum of `x .+ 1`, computed in a region of `buf`. */
export function f(x: ArrayLike<number>, buf: Allocator): number {
  return noEscape(buf, () => {
    const y = alloc(buf, Int32Array, x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + 1;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    return sum;
  });
}

if ((import.meta as { main?: boolean }).main) {
  const buf = new MyAllocBuffer(100);
  console.log(`f([1, 2, 3], new MyAllocBuffer(100)) = ${f([1, 2, 3], buf)}`); // 9
  console.log(`offset after the region: ${buf.offset}`); // 0
}
