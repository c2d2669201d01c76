import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  alloc,
  AllocBuffer,
  noEscape,
  OutOfMemoryError,
  type TypedArrayConstructor,
} from "../../allocators/mod.ts";

describe("AllocBuffer", () => {
  it("AllocBuffer() holds 1 MiB by default and starts empty", () => {
    const buf = new AllocBuffer();
    assert.equal(buf.capacity, 1_048_576);
    assert.equal(buf.memory.byteLength, 1_048_576);
    assert.equal(buf.used, 0);
    assert.equal(buf.peak, 0);
  });

  it("AllocBuffer(memory) allocates views of the caller's ArrayBuffer", () => {
    const memory = new ArrayBuffer(64);
    const buf = new AllocBuffer(memory);
    const y = alloc(buf, Uint8Array, 4);
    y.set([1, 2, 3, 4]);
    assert.equal(y.buffer, memory);
    assert.deepEqual([...new Uint8Array(memory, 0, 4)], [1, 2, 3, 4]);
    assert.equal(buf.capacity, 64);
  });

  it("AllocBuffer(memory) accepts a SharedArrayBuffer", () => {
    const memory = new SharedArrayBuffer(64);
    const buf = new AllocBuffer(memory);
    const y = alloc(buf, Int32Array, 2);
    assert.equal(y.buffer, memory);
    assert.equal(buf.memory, memory);
  });

  it("AllocBuffer.allocPtr() pads to the alignment and counts the padding as used", () => {
    const buf = new AllocBuffer(256);
    assert.equal(buf.allocPtr(3, 1).byteOffset, 0);
    assert.equal(buf.allocPtr(8, 8).byteOffset, 8);
    assert.equal(buf.used, 16);
    assert.equal(buf.allocPtr(1, 64).byteOffset, 64);
    assert.equal(buf.used, 65);
  });

  it("AllocBuffer.allocView() aligns views to the element size", () => {
    const buf = new AllocBuffer(256);
    alloc(buf, Uint8Array, 1);
    const f = alloc(buf, Float64Array, 2);
    assert.equal(f.byteOffset, 8);
    alloc(buf, Uint8Array, 1);
    const i = alloc(buf, Int16Array, 1);
    assert.equal(i.byteOffset, 26);
  });

  it("AllocBuffer throws OutOfMemoryError naming the bytes and leaves its state unchanged", () => {
    const buf = new AllocBuffer(100);
    alloc(buf, Uint8Array, 61);
    const before = { used: buf.used, peak: buf.peak };
    assert.throws(
      () => alloc(buf, Float64Array, 10),
      (e: unknown) => e instanceof OutOfMemoryError && e.requested === 80 && e.available === 36,
    );
    assert.throws(() => buf.allocPtr(40, 4), /Cannot allocate 40 bytes: 36 bytes available/);
    assert.deepEqual({ used: buf.used, peak: buf.peak }, before);
    // The next allocation lands where it would have without the failures.
    assert.equal(alloc(buf, Float64Array, 4).byteOffset, 64);
    assert.equal(buf.used, 96);
  });

  it("AllocBuffer over a caller's ArrayBuffer that was detached: allocations fail clearly and change nothing", () => {
    const memory = new ArrayBuffer(1024);
    const buf = new AllocBuffer(memory);
    alloc(buf, Float64Array, 2);
    structuredClone(memory, { transfer: [memory] }); // as when sent to a Worker
    for (
      const act of [
        () => alloc(buf, Float64Array, 4),
        () => buf.allocView(Uint8Array, 0),
        () => buf.allocPtr(8, 8),
      ]
    ) {
      assert.throws(act, (e) =>
        e instanceof OutOfMemoryError && e.available === 0 &&
        /^Cannot allocate \d+ bytes: the AllocBuffer's memory was detached/.test(e.message));
      assert.equal(buf.used, 16);
    }
  });

  it("AllocBuffer over a detached ArrayBuffer refuses even an empty view at offset 0", () => {
    const memory = new ArrayBuffer(64);
    const buf = new AllocBuffer(memory);
    structuredClone(memory, { transfer: [memory] });
    for (const type of [Uint8Array, Float64Array] as TypedArrayConstructor[]) {
      assert.throws(() => alloc(buf, type, 0), (e) =>
        e instanceof OutOfMemoryError &&
        /^Cannot allocate 0 bytes: the AllocBuffer's memory was detached/.test(e.message));
      assert.equal(buf.used, 0);
    }
  });

  it("AllocBuffer allocates up to its last byte, and empty views at its end", () => {
    const buf = new AllocBuffer(64);
    const a = alloc(buf, Float64Array, 8).fill(2);
    assert.equal(a.length, 8);
    assert.equal(buf.used, 64);
    for (const type of [Uint8Array, Float64Array] as TypedArrayConstructor[]) {
      const empty = alloc(buf, type, 0);
      assert.equal(empty.length, 0);
      assert.equal(empty.byteOffset, 64);
    }
    assert.equal(buf.used, 64);
    assert.throws(() => alloc(buf, Uint8Array, 1), OutOfMemoryError);
    assert.equal(noEscape(buf, () => alloc(buf, Uint8Array, 0).byteOffset), 64);
    assert.ok(a.every((v) => v === 2));
  });

  it("AllocBuffer over a WebAssembly.Memory's buffer that grow() replaced: allocations fail clearly and change nothing", () => {
    const wasm = new WebAssembly.Memory({ initial: 1 });
    const buf = new AllocBuffer(wasm.buffer);
    const a = alloc(buf, Float64Array, 2).fill(1);
    wasm.grow(1);
    assert.equal(a.length, 0); // the runtime detached the old buffer
    assert.throws(
      () => alloc(buf, Float64Array, 4),
      (e) =>
        e instanceof OutOfMemoryError && /WebAssembly\.Memory\.prototype\.grow/.test(e.message),
    );
    assert.equal(buf.used, 16);
  });

  it("AllocBuffer over a resizable ArrayBuffer that shrank: what still fits is allocated, the rest fails clearly", () => {
    const memory = new ArrayBuffer(1024, { maxByteLength: 4096 });
    const buf = new AllocBuffer(memory);
    assert.equal(buf.capacity, 1024);
    alloc(buf, Float64Array, 2);
    memory.resize(100);
    assert.equal(alloc(buf, Float64Array, 4).byteOffset, 16); // bytes 16..48 are still there
    assert.throws(
      () => alloc(buf, Float64Array, 10),
      (e) =>
        e instanceof OutOfMemoryError && e.available === 52 &&
        /^Cannot allocate 80 bytes: the AllocBuffer's memory shrank to 100 of its 1024 bytes, leaving 52 at offset 48$/
          .test(e.message),
    );
    assert.throws(() => buf.allocPtr(64, 8), OutOfMemoryError);
    assert.equal(buf.used, 48);
    memory.resize(4096); // grown back: the capacity is still 1024
    assert.equal(alloc(buf, Float64Array, 10).length, 10);
    assert.throws(() => alloc(buf, Uint8Array, 1000), /1000 bytes: \d+ bytes available/);
  });

  it("new AllocBuffer() of more bytes than the runtime gives is an OutOfMemoryError naming the size", () => {
    assert.throws(
      () => new AllocBuffer(2 ** 40),
      (e) =>
        e instanceof OutOfMemoryError && e.requested === 2 ** 40 &&
        /^Cannot allocate 1099511627776 bytes: the runtime refused a new AllocBuffer of that size/
          .test(e.message),
    );
  });

  it("AllocBuffer.peak is the high-water mark across regions and resets", () => {
    const buf = new AllocBuffer(1024);
    noEscape(buf, () => alloc(buf, Float64Array, 30).length);
    assert.equal(buf.peak, 240);
    noEscape(buf, () => alloc(buf, Float64Array, 10).length);
    assert.equal(buf.peak, 240);
    alloc(buf, Float64Array, 60);
    assert.equal(buf.peak, 480);
    buf.resetBuffer();
    assert.equal(buf.used, 0);
    assert.equal(buf.peak, 480);
  });

  it("AllocBuffer.allocatedSince() tells views allocated after a checkpoint from older ones", () => {
    const buf = new AllocBuffer(1024);
    const before = alloc(buf, Float64Array, 2);
    const cp = buf.checkpointSave();
    const after = alloc(buf, Float64Array, 2);
    assert.equal(buf.allocatedSince(cp, after), true);
    assert.equal(buf.allocatedSince(cp, after.subarray(1)), true);
    assert.equal(buf.allocatedSince(cp, before), false);
    assert.equal(buf.allocatedSince(cp, new Float64Array(2)), false);
    buf.checkpointRestore(cp);
    assert.equal(buf.allocatedSince(cp, after), false, "a restored checkpoint is not live");
  });

  it("AllocBuffer prints its state through inspect and toString", () => {
    const buf = new AllocBuffer(1_048_576);
    noEscape(buf, () => alloc(buf, Float64Array, 60).length);
    alloc(buf, Float64Array, 30);
    const expected = "AllocBuffer(used 240 of 1048576 bytes, peak 480)";
    assert.equal(String(buf), expected);
    assert.equal(inspect(buf), expected);
    if (typeof Deno !== "undefined") assert.equal(Deno.inspect(buf), expected); // Deno only
    assert.equal(Object.prototype.toString.call(buf), "[object AllocBuffer]");
  });
});
