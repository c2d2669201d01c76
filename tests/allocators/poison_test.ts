// Poison mode ({ poison: true }): memory a buffer frees entirely is detached, so views kept past
// a reset or a region's end become empty instead of aliasing later allocations. The fuzzing
// (tests/fuzz/) checks the same in random programs; these are the cases one by one.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  AutoscalingAllocBuffer,
  noEscape,
  ResizeBuffer,
  SlabBuffer,
} from "../../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  reset,
  similar,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";

type Poisonable = AllocBuffer | SlabBuffer | ResizeBuffer | AutoscalingAllocBuffer;

const MAKERS: [string, (poison: boolean) => Poisonable][] = [
  ["AllocBuffer", (poison) => new AllocBuffer(4096, { poison })],
  ["SlabBuffer", (poison) => new SlabBuffer(256, { poison })],
  ["ResizeBuffer", (poison) => new ResizeBuffer(256, { poison })],
  ["AutoscalingAllocBuffer", (poison) => new AutoscalingAllocBuffer(256, { poison })],
];

/** Views of several sizes (some past a 256-byte slab or main buffer), filled with `value`. */
function fill(buf: Allocator, value: number): Float64Array[] {
  return [4, 40, 3].map((n) => alloc(buf, Float64Array, n).fill(value));
}

describe("poison mode", () => {
  for (const [name, make] of MAKERS) {
    it(`${name}({ poison: true }).resetBuffer() empties every view handed out before`, () => {
      const buf = make(true);
      assert.equal(buf.poison, true);
      const old = fill(buf, 1);
      buf.resetBuffer();
      for (const v of old) assert.equal(v.length, 0);
      const fresh = fill(buf, 2);
      for (const v of old) v[0] = 99; // writes through escaped views do nothing
      for (const v of fresh) assert.ok(v.every((x) => x === 2));
    });

    it(`${name}({ poison: true }): a view kept past its outermost region is empty`, () => {
      const buf = make(true);
      let kept: Float64Array[] = [];
      noEscape(buf, () => {
        kept = fill(buf, 1);
      });
      assert.equal(buf.used, 0);
      for (const v of kept) assert.equal(v.length, 0);
      const sums = noEscape(buf, () => fill(buf, 3).map((v) => v.reduce((a, b) => a + b)));
      assert.deepEqual(sums, [12, 120, 9]);
    });

    it(`${name} without poison mode leaves freed views aliasing new allocations`, () => {
      const buf = make(false);
      assert.equal(buf.poison, false);
      let kept: Float64Array | undefined;
      noEscape(buf, () => {
        kept = alloc(buf, Float64Array, 4).fill(1);
      });
      assert.equal(kept!.length, 4, "not detached");
      const next = noEscape(buf, () => {
        const v = alloc(buf, Float64Array, 4).fill(2);
        return kept![0] === v[0];
      });
      assert.ok(
        next,
        "the kept view sees the next allocation's values (the bug poison mode shows)",
      );
    });

    it(`${name}({ poison: true }): a partial restore keeps the memory still in use attached`, () => {
      const buf = make(true);
      const outer = alloc(buf, Float64Array, 2).fill(7);
      let inner: Float64Array | undefined;
      noEscape(buf, () => {
        inner = alloc(buf, Float64Array, 2).fill(1);
      });
      assert.deepEqual([...outer], [7, 7]);
      // The inner view shares memory with the live outer allocation: not detached.
      assert.equal(inner!.length, 2);
    });
  }

  it("SlabBuffer({ poison: true }) detaches the slabs and custom slabs a restore releases", () => {
    const buf = new SlabBuffer(256, { poison: true });
    const first = alloc(buf, Float64Array, 8).fill(1); // stays live
    let inSecondSlab: Float64Array | undefined, custom: Float64Array | undefined;
    noEscape(buf, () => {
      alloc(buf, Float64Array, 20); // fills the first slab
      inSecondSlab = alloc(buf, Float64Array, 20); // the next slab
      custom = alloc(buf, Float64Array, 40); // 320 bytes: a custom slab
      assert.equal(buf.slabCount, 2);
      assert.equal(buf.customSlabCount, 1);
    });
    assert.equal(inSecondSlab!.length, 0);
    assert.equal(custom!.length, 0);
    assert.deepEqual([...first], Array(8).fill(1));
    assert.equal(buf.spareSlabCount, 1, "the released slab is kept for reuse, detached");
    noEscape(buf, () => {
      alloc(buf, Float64Array, 20);
      assert.equal(alloc(buf, Float64Array, 20).length, 20, "the spare slab is usable");
    });
  });

  it("ResizeBuffer({ poison: true }) detaches overflow buffers and regrows as before", () => {
    const buf = new ResizeBuffer(64, { poison: true });
    let overflow: Float64Array | undefined;
    noEscape(buf, () => {
      alloc(buf, Float64Array, 6);
      overflow = alloc(buf, Float64Array, 4);
      assert.equal(buf.overflowCount, 1);
    });
    assert.equal(overflow!.length, 0);
    assert.equal(buf.capacity, 80, "regrown to the peak");
  });

  it("AutoscalingAllocBuffer({ poison: true }) detaches additional buffers a restore empties and reuses them", () => {
    const buf = new AutoscalingAllocBuffer(64, { poison: true });
    const run = () => {
      let extra: Float64Array | undefined;
      noEscape(buf, () => {
        extra = alloc(buf, Float64Array, 100);
      });
      return extra!;
    };
    assert.equal(run().length, 0);
    const capacity = buf.capacity;
    assert.equal(run().length, 0);
    assert.equal(buf.capacity, capacity, "the emptied buffer is reused, not replaced");
  });

  it("AllocBuffer({ poison: true }) over a caller's ArrayBuffer takes it over at construction and moves on", () => {
    const memory = new ArrayBuffer(64);
    const callerView = new Uint8Array(memory).fill(3);
    const buf = new AllocBuffer(memory, { poison: true });
    assert.equal(memory.byteLength, 0, "the caller's buffer is detached");
    assert.equal(callerView.length, 0);
    assert.notEqual(buf.memory, memory);
    assert.equal(buf.memory.byteLength, 64);
    assert.equal(new Uint8Array(buf.memory)[0], 3, "its bytes moved, not copied away");
    const kept = alloc(buf, Uint8Array, 8).fill(5);
    buf.resetBuffer();
    assert.equal(kept.length, 0);
    assert.equal(alloc(buf, Uint8Array, 8).buffer, buf.memory);
  });

  it("AllocBuffer({ poison: true }) refuses a WebAssembly.Memory's buffer up front, which cannot be detached", () => {
    const wasm = new WebAssembly.Memory({ initial: 1 });
    assert.throws(
      () => new AllocBuffer(wasm.buffer, { poison: true }),
      (e) =>
        e instanceof TypeError &&
        /^Cannot create AllocBuffer: poison mode detaches the memory on reset, and this ArrayBuffer cannot be detached \(a WebAssembly\.Memory's buffer/
          .test(e.message),
    );
    assert.equal(wasm.buffer.byteLength, 65536, "untouched");
    // Without poison mode it is fine.
    const buf = new AllocBuffer(wasm.buffer);
    assert.equal(noEscape(buf, () => alloc(buf, Float64Array, 2).fill(1)[1]), 1);
  });

  it("BumperAllocator over a poisoned buffer: an AllocArray kept past reset() cannot be read and writes nowhere", () => {
    const b = new BumperAllocator(new AllocBuffer(1 << 12, { poison: true }));
    const input = AllocArray.from(new Float64Array([1, 2, 3]));
    const kept = withAllocator(b, () => similar(input).fill(1));
    const checked = withAllocator(b, () => similar(new CheckedAllocArray(new Float64Array(2))));
    reset(b);
    assert.equal(kept.data.length, 0);
    assert.throws(() => kept.get(0), /Cannot read element \[0\]: the array's memory was detached/);
    assert.equal(checked.isValid, false);
    const next = withAllocator(b, () => similar(input).fill(4));
    kept.data[0] = 99;
    assert.deepEqual([...next], [4, 4, 4]);
  });
});
