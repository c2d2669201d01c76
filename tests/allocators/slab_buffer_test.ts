import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { alloc, noEscape, SlabBuffer } from "../../allocators/mod.ts";

describe("SlabBuffer", () => {
  it("SlabBuffer() uses 1 MiB slabs and creates the first one on the first allocation", () => {
    const buf = new SlabBuffer();
    assert.equal(buf.slabSize, 1_048_576);
    assert.equal(buf.capacity, 0);
    assert.equal(buf.slabCount, 0);
    alloc(buf, Uint8Array, 10);
    assert.equal(buf.slabCount, 1);
    assert.equal(buf.capacity, 1_048_576);
    assert.equal(buf.used, 10);
  });

  it("SlabBuffer.allocPtr() moves to a new slab when the request does not fit", () => {
    const buf = new SlabBuffer(1024);
    const a = alloc(buf, Uint8Array, 1000);
    const b = alloc(buf, Uint8Array, 100);
    assert.notEqual(a.buffer, b.buffer);
    assert.equal(b.byteOffset, 0);
    assert.equal(buf.slabCount, 2);
    assert.equal(buf.used, 1024 + 100);
    assert.equal(buf.capacity, 2048);
  });

  it("SlabBuffer.allocPtr() gives a request of at least a slab its own custom slab of that size", () => {
    const buf = new SlabBuffer(1024);
    alloc(buf, Uint8Array, 10);
    const big = alloc(buf, Uint8Array, 1024);
    assert.equal(big.buffer.byteLength, 1024);
    const bigger = alloc(buf, Float64Array, 500);
    assert.equal(bigger.buffer.byteLength, 4000);
    assert.equal(buf.customSlabCount, 2);
    assert.equal(buf.slabCount, 1);
    // The current slab goes on where it was.
    assert.equal(alloc(buf, Uint8Array, 1).byteOffset, 10);
    assert.equal(buf.used, 11 + 1024 + 4000);
  });

  it("SlabBuffer.checkpointRestore() releases slabs and custom slabs added after the checkpoint", () => {
    const buf = new SlabBuffer(1024, { maxSpareSlabs: 0 });
    alloc(buf, Uint8Array, 1000);
    const cp = buf.checkpointSave();
    alloc(buf, Uint8Array, 500); // slab 2
    alloc(buf, Uint8Array, 900); // slab 3
    alloc(buf, Uint8Array, 5000); // custom
    assert.deepEqual([buf.slabCount, buf.customSlabCount], [3, 1]);
    buf.checkpointRestore(cp);
    assert.deepEqual([buf.slabCount, buf.customSlabCount, buf.spareSlabCount], [1, 0, 0]);
    assert.equal(buf.used, 1000);
    assert.equal(buf.capacity, 1024);
  });

  it("SlabBuffer keeps up to maxSpareSlabs released slabs and reuses them", () => {
    const buf = new SlabBuffer(1024); // default: 2 spare slabs
    alloc(buf, Uint8Array, 1000);
    const cp = buf.checkpointSave();
    const second = alloc(buf, Uint8Array, 500);
    alloc(buf, Uint8Array, 900);
    alloc(buf, Uint8Array, 900);
    assert.equal(buf.slabCount, 4);
    buf.checkpointRestore(cp);
    assert.equal(buf.slabCount, 1);
    assert.equal(buf.spareSlabCount, 2);
    assert.equal(buf.capacity, 3 * 1024);
    assert.equal(alloc(buf, Uint8Array, 500).buffer, second.buffer, "the spare slab is reused");
  });

  it("SlabBuffer.resetBuffer() frees everything and keeps only the first slab", () => {
    const buf = new SlabBuffer(1024);
    const first = alloc(buf, Uint8Array, 1000);
    alloc(buf, Uint8Array, 500);
    alloc(buf, Uint8Array, 4096);
    buf.resetBuffer();
    assert.deepEqual(
      [buf.used, buf.slabCount, buf.customSlabCount, buf.spareSlabCount, buf.capacity],
      [0, 1, 0, 0, 1024],
    );
    const again = alloc(buf, Uint8Array, 8);
    assert.equal(again.buffer, first.buffer);
    assert.equal(again.byteOffset, 0);
  });

  it("SlabBuffer.allocatedSince() looks at slabs, offsets and custom slabs", () => {
    const buf = new SlabBuffer(1024);
    const old = alloc(buf, Uint8Array, 100);
    const cp = buf.checkpointSave();
    const sameSlab = alloc(buf, Uint8Array, 100);
    const nextSlab = alloc(buf, Uint8Array, 1000);
    const custom = alloc(buf, Uint8Array, 2000);
    for (const v of [sameSlab, nextSlab, custom]) assert.equal(buf.allocatedSince(cp, v), true);
    assert.equal(buf.allocatedSince(cp, old), false);
    assert.equal(buf.allocatedSince(cp, new Uint8Array(4)), false);
  });

  it("SlabBuffer prints its state through inspect and toString", () => {
    const buf = new SlabBuffer(1024);
    noEscape(buf, () => {
      alloc(buf, Uint8Array, 1000);
      alloc(buf, Uint8Array, 100);
      alloc(buf, Uint8Array, 2000);
      const expected =
        "SlabBuffer(used 3124 bytes, 2 slabs of 1024 bytes, 1 custom slab (2000 bytes), 0 spare slabs)";
      assert.equal(String(buf), expected);
      assert.equal(inspect(buf), expected);
      return 0;
    });
    assert.equal(
      String(buf),
      "SlabBuffer(used 0 bytes, 1 slab of 1024 bytes, 0 custom slabs (0 bytes), 1 spare slab)",
    );
    assert.equal(Object.prototype.toString.call(buf), "[object SlabBuffer]");
  });
});
