import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  DefaultAllocator,
  isAllocator,
  MemoryValidity,
  OutOfMemoryError,
} from "../../allocators/mod.ts";

describe("DefaultAllocator", () => {
  it("DefaultAllocator implements the Allocator protocol with allocView", () => {
    const heap = new DefaultAllocator();
    assert.ok(isAllocator(heap));
    assert.ok(isAllocator(DefaultAllocator.shared));
  });

  it("DefaultAllocator.allocPtr() returns a fresh buffer per call", () => {
    const heap = new DefaultAllocator();
    const p = heap.allocPtr(24, 8);
    const q = heap.allocPtr(24, 8);
    assert.notEqual(p.buffer, q.buffer);
    assert.equal(p.byteOffset, 0);
    assert.equal(p.buffer.byteLength, 24);
    assert.equal(heap.allocPtr(0, 1).buffer.byteLength, 0);
  });

  it("DefaultAllocator.allocView() returns zero-filled heap typed arrays", () => {
    const a = DefaultAllocator.shared.allocView(Float32Array, 5);
    assert.ok(a instanceof Float32Array);
    assert.deepEqual([...a], [0, 0, 0, 0, 0]);
    assert.equal(DefaultAllocator.shared.allocView(BigInt64Array, 2)[1], 0n);
  });

  it("DefaultAllocator.trackChecked() hands out a fresh validity that nothing invalidates", () => {
    const heap = new DefaultAllocator();
    const v = heap.trackChecked();
    const w = heap.trackChecked();
    assert.ok(v instanceof MemoryValidity && w instanceof MemoryValidity);
    assert.notEqual(v, w); // one array's validity, invalidated by hand, is not another's
    const cp = heap.checkpointSave();
    heap.checkpointRestore(cp);
    heap.resetBuffer();
    DefaultAllocator.shared.resetBuffer();
    assert.ok(v.valid && w.valid);
    v.invalidate();
    assert.ok(w.valid);
  });

  it("DefaultAllocator checkpoints and resets leave earlier allocations intact", () => {
    const heap = new DefaultAllocator();
    const cp = heap.checkpointSave();
    const a = heap.allocView(Float64Array, 2);
    a[1] = 3;
    heap.checkpointRestore(cp);
    heap.resetBuffer();
    assert.equal(a[1], 3);
  });

  it("DefaultAllocator rejects bad sizes, alignments and element types", () => {
    const heap = new DefaultAllocator();
    assert.throws(() => heap.allocPtr(-1, 8), {
      name: "RangeError",
      message: /byteLength must be a non-negative safe integer, got -1/,
    });
    assert.throws(() => heap.allocPtr(8, 3), {
      name: "RangeError",
      message: /alignment must be a power of two, got 3/,
    });
    assert.throws(() => heap.allocPtr("8" as never, 8), TypeError);
    assert.throws(() => heap.allocView(Array as never, 2), {
      name: "TypeError",
      message: /element type must be a typed-array constructor.*got Array/,
    });
    assert.throws(() => heap.allocView(Float64Array, 1.5), /length must be a non-negative/);
  });

  it("DefaultAllocator refuses more memory than the runtime gives with an OutOfMemoryError naming the size", () => {
    const heap = DefaultAllocator.shared;
    assert.throws(
      () => heap.allocView(Float64Array, 2 ** 40),
      (e) =>
        e instanceof OutOfMemoryError && e.requested === 2 ** 43 &&
        /^Cannot allocate 8796093022208 bytes \(1099511627776 Float64Array elements\): the runtime refused a new heap typed array of that size/
          .test(e.message),
    );
    assert.throws(
      () => heap.allocPtr(2 ** 40, 8),
      /Cannot allocate 1099511627776 bytes: the runtime refused a new heap ArrayBuffer/,
    );
  });

  it("DefaultAllocator prints as the heap", () => {
    assert.equal(inspect(DefaultAllocator.shared), "DefaultAllocator (heap)");
    assert.equal(
      Object.prototype.toString.call(DefaultAllocator.shared),
      "[object DefaultAllocator]",
    );
  });
});
