// Bumper.jl's README examples and test cases, ported (see examples/bumper_basics.ts).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  AllocBuffer,
  defaultBuffer,
  noEscape,
  OutOfMemoryError,
  ResizeBuffer,
  SlabBuffer,
  withBuffer,
} from "../../allocators/mod.ts";
import {
  f,
  fWith,
  g,
  taskBuffersDiffer,
  usingExample,
  withBufferExample,
} from "../../examples/bumper_basics.ts";
import { f as fMine, MyAllocBuffer } from "../../examples/my_alloc_buffer.ts";

describe("Bumper.jl cases", () => {
  it("noEscape() computes the README's f(x) = sum(x .+ 1) = 9 like the heap version g(x)", () => {
    assert.equal(f([1, 2, 3]), 9);
    assert.equal(g([1, 2, 3]), 9);
    const x = Array.from({ length: 30 }, (_, i) => (i * 7) % 10 + 1);
    assert.equal(f(x), g(x));
  });

  it("noEscape() with an explicit buffer computes 9 and leaves the offset at 0", () => {
    for (const buf of [new AllocBuffer(), new SlabBuffer()]) {
      assert.equal(fWith([1, 2, 3], buf), 9);
      assert.equal(buf.used, 0);
    }
    const mine = new MyAllocBuffer(100);
    assert.equal(fMine([1, 2, 3], mine), 9);
    assert.equal(mine.offset, 0);
    assert.equal(usingExample(new AllocBuffer(1024)), 9);
  });

  it("withBuffer() runs Bumper.jl's with_buffer example: 10", () => {
    const root = defaultBuffer();
    assert.equal(withBufferExample(), 10);
    assert.equal(defaultBuffer(), root);
  });

  it("AllocBuffer throws OutOfMemoryError when overfilled, unlike Bumper keeping its offset", () => {
    const buf = new AllocBuffer(100);
    assert.throws(() => noEscape(buf, () => alloc(buf, Int32Array, 26).length), OutOfMemoryError);
    assert.equal(buf.used, 0);
    assert.equal(noEscape(buf, () => alloc(buf, Int32Array, 25).length), 25);
  });

  it("SlabBuffer at a slab's end: 1000 inner regions create at most one extra slab", () => {
    const N = 4096;
    const buf = new SlabBuffer(N);
    const slabs = new Set<ArrayBufferLike>();
    noEscape(buf, () => {
      alloc(buf, Int8Array, N - 1); // almost fill up the first slab
      for (let i = 0; i < 1000; i++) {
        noEscape(buf, () => {
          const y = alloc(buf, Int8Array, 10); // no room: the next slab
          y.fill(1);
          slabs.add(y.buffer);
          assert.equal(buf.slabCount, 2);
          return y[9];
        });
        assert.ok(buf.capacity <= 2 * N, `iteration ${i}: ${buf}`);
      }
    });
    assert.equal(slabs.size, 1, "the released slab is reused, not recreated");
    assert.equal(buf.used, 0);
  });

  it("SlabBuffer keeps slab and custom-slab bookkeeping through nested regions", () => {
    const N = 1024;
    const buf = new SlabBuffer(N);
    noEscape(buf, () => {
      alloc(buf, Int8Array, N / 2);
      assert.deepEqual([buf.slabCount, buf.customSlabCount], [1, 0]);
      noEscape(buf, () => {
        alloc(buf, Int8Array, N); // exactly a slab: custom
        alloc(buf, Int8Array, N / 2); // fills the first slab exactly
        assert.deepEqual([buf.slabCount, buf.customSlabCount], [1, 1]);
        alloc(buf, Int8Array, 1); // next slab
        assert.deepEqual([buf.slabCount, buf.customSlabCount], [2, 1]);
        noEscape(buf, () => {
          alloc(buf, Int8Array, 3 * N);
          assert.deepEqual([buf.slabCount, buf.customSlabCount], [2, 2]);
        });
        assert.deepEqual([buf.slabCount, buf.customSlabCount], [2, 1]);
      });
      assert.deepEqual([buf.slabCount, buf.customSlabCount, buf.used], [1, 0, N / 2]);
    });
  });

  it("ResizeBuffer overflows when full and regrows so that the next run fits", () => {
    const buf = new ResizeBuffer(1000);
    const run = () =>
      noEscape(buf, () => {
        for (let i = 0; i < 10; i++) alloc(buf, Float64Array, 20).fill(i);
        return buf.overflowCount;
      });
    assert.equal(run(), 4); // 6 × 160 bytes fit in 1000, 4 overflow
    assert.equal(buf.capacity, 1600);
    assert.equal(run(), 0);
  });

  it("defaultBuffer() differs between async tasks and is the same within one", async () => {
    assert.equal(await taskBuffersDiffer(), true);
    const b = defaultBuffer();
    const inTask = await noEscape(async () => {
      await Promise.resolve();
      return defaultBuffer();
    });
    assert.notEqual(inTask, b);
    assert.equal(defaultBuffer(), b);
    withBuffer(new AllocBuffer(16), () => assert.notEqual(defaultBuffer(), b));
  });
});
