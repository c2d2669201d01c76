import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { inspect } from "node:util";
import { alloc, noEscape, ResizeBuffer } from "../../allocators/mod.ts";

describe("ResizeBuffer", () => {
  it("ResizeBuffer() starts with a 1 MiB main buffer", () => {
    const buf = new ResizeBuffer();
    assert.deepEqual([buf.capacity, buf.used, buf.overflowCount, buf.peak], [1_048_576, 0, 0, 0]);
  });

  it("ResizeBuffer.allocPtr() overflows into separate buffers when the main one is full", () => {
    const buf = new ResizeBuffer(64);
    const a = alloc(buf, Float64Array, 6);
    const b = alloc(buf, Float64Array, 4);
    assert.notEqual(a.buffer, b.buffer);
    assert.equal(b.buffer.byteLength, 32);
    assert.deepEqual([buf.overflowCount, buf.overflowBytes, buf.used], [1, 32, 80]);
    // Allocations that still fit go to the main buffer.
    const c = alloc(buf, Float64Array, 2);
    assert.equal(c.buffer, a.buffer);
    assert.equal(c.byteOffset, 48);
  });

  it("ResizeBuffer regrows its main buffer to the peak when it becomes empty", () => {
    const buf = new ResizeBuffer(64);
    const work = () =>
      noEscape(buf, () => {
        alloc(buf, Uint8Array, 3);
        alloc(buf, Float64Array, 6); // 8 + 48 = 56
        alloc(buf, Float64Array, 4); // overflow: 32 more
        return buf.overflowCount;
      });
    assert.equal(work(), 1);
    assert.equal(buf.peak, 88);
    assert.equal(buf.capacity, 88);
    assert.equal(work(), 0);
    assert.equal(buf.used, 0);
  });

  it("ResizeBuffer does not regrow while allocations are live", () => {
    const buf = new ResizeBuffer(64);
    alloc(buf, Float64Array, 4);
    noEscape(buf, () => alloc(buf, Float64Array, 10).length);
    assert.equal(buf.capacity, 64);
    assert.equal(buf.overflowCount, 0);
    buf.resetBuffer();
    assert.equal(buf.capacity, 112);
  });

  it("ResizeBuffer runs any sequence without overflow after regrowing to its peak", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(300), fc.constantFrom(1, 2, 4, 8, 16, 64)), { maxLength: 30 }),
        (reqs) => {
          const buf = new ResizeBuffer(100);
          const run = () =>
            noEscape(buf, () => {
              for (const [size, align] of reqs) buf.allocPtr(size, align);
              return buf.overflowCount;
            });
          run();
          assert.equal(run(), 0);
          assert.ok(buf.capacity >= 100);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("ResizeBuffer.allocatedSince() covers the main buffer and overflow", () => {
    const buf = new ResizeBuffer(64);
    const old = alloc(buf, Float64Array, 2);
    const cp = buf.checkpointSave();
    const main = alloc(buf, Float64Array, 2);
    const over = alloc(buf, Float64Array, 100);
    assert.equal(buf.allocatedSince(cp, main), true);
    assert.equal(buf.allocatedSince(cp, over), true);
    assert.equal(buf.allocatedSince(cp, old), false);
  });

  it("ResizeBuffer prints its state through inspect and toString", () => {
    const buf = new ResizeBuffer(64);
    alloc(buf, Float64Array, 6);
    alloc(buf, Float64Array, 4);
    const expected = "ResizeBuffer(used 80 of 64 bytes, 1 overflow allocation (32 bytes), peak 80)";
    assert.equal(String(buf), expected);
    assert.equal(inspect(buf), expected);
    assert.equal(Object.prototype.toString.call(buf), "[object ResizeBuffer]");
  });
});
