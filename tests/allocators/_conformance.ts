// The shared conformance suite of the Allocator protocol: every allocator (built-in buffers,
// the user-written MyAllocBuffer, and any new one) runs it. It uses only the four required
// members plus the optional `allocView`, `allocatedSince` and `trackChecked` when present, and
// the library's `alloc`/`noEscape`, so it says nothing about an allocator's statistics or
// checkpoint checks.
//
//   conformanceSuite("SlabBuffer", () => new SlabBuffer(256));
//
// Test-only; not part of the package.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  type Allocator,
  EscapeError,
  MemoryValidity,
  noEscape,
  OutOfMemoryError,
  type Ptr,
  type TypedArray,
  type TypedArrayConstructor,
} from "../../allocators/mod.ts";
import { mulberry32 } from "../../examples/_prng.ts";

/** What the suite may assume of an allocator. */
export interface ConformanceOptions {
  /**
   * Bytes a fresh allocator surely provides, alignment padding included (default 4096). The
   * suite's allocations stay within it, so fixed-size allocators need at least this much.
   */
  capacity?: number;
  /**
   * Whether the allocations of one region follow each other in one memory block, each at the
   * next aligned offset after the previous one, while they fit (bump allocators: default true).
   */
  contiguous?: boolean;
}

/** The placement of an allocation: which memory, which bytes. */
interface Placement {
  buffer: ArrayBuffer | SharedArrayBuffer;
  start: number;
  end: number;
}

function place(ptr: Ptr, byteLength: number): Placement {
  return { buffer: ptr.buffer, start: ptr.byteOffset, end: ptr.byteOffset + byteLength };
}

/** A deterministic list of `[byteLength, alignment]` requests totalling at most `budget` bytes. */
export function requests(seed: number, budget: number): [number, number][] {
  const rand = mulberry32(seed);
  const out: [number, number][] = [];
  let total = 0;
  for (;;) {
    const align = 2 ** Math.floor(rand() * 7); // 1 … 64
    const size = Math.floor(rand() * 200);
    if (total + size + align > budget) return out;
    total += size + align;
    out.push([size, align]);
  }
}

/**
 * Wraps an allocator and makes its allocations fail with an `OutOfMemoryError` once `failAfter`
 * of them succeeded (never reaching the wrapped allocator), to drive out-of-memory paths.
 * Checkpoints and reset pass through.
 */
export class FailingAllocator<C> implements Allocator<C> {
  readonly inner: Allocator<C>;
  /** Allocations that may still succeed. */
  remaining: number;

  constructor(inner: Allocator<C>, failAfter: number) {
    this.inner = inner;
    this.remaining = failAfter;
  }

  allocPtr(byteLength: number, alignment: number): Ptr {
    if (this.remaining <= 0) throw new OutOfMemoryError(byteLength, 0);
    const ptr = this.inner.allocPtr(byteLength, alignment);
    this.remaining--;
    return ptr;
  }

  checkpointSave(): C {
    return this.inner.checkpointSave();
  }

  checkpointRestore(checkpoint: C): void {
    this.inner.checkpointRestore(checkpoint);
  }

  resetBuffer(): void {
    this.inner.resetBuffer();
  }
}

/** Asserts that `a` and `b` do not share a byte (empty ranges never overlap). */
function assertDisjoint(a: Placement, b: Placement, what: string): void {
  if (a.buffer !== b.buffer || a.start === a.end || b.start === b.end) return;
  assert.ok(
    a.end <= b.start || b.end <= a.start,
    `${what}: [${a.start}, ${a.end}) overlaps [${b.start}, ${b.end})`,
  );
}

/** Where the next `byteLength`-byte allocation aligned to `alignment` lands, without keeping it. */
function probe(buf: Allocator, byteLength = 8, alignment = 8): Placement {
  const cp = buf.checkpointSave();
  const p = place(buf.allocPtr(byteLength, alignment), byteLength);
  buf.checkpointRestore(cp);
  return p;
}

/**
 * Registers the conformance tests of the allocator made by `make` (a fresh one per test).
 *
 * @param name Shown in the test names.
 * @param make Makes a fresh allocator.
 * @param options What the suite may assume.
 */
export function conformanceSuite<C>(
  name: string,
  make: () => Allocator<C>,
  options: ConformanceOptions = {},
): void {
  const capacity = options.capacity ?? 4096;
  const contiguous = options.contiguous ?? true;

  describe(`${name} conformance`, () => {
    it(`${name}.allocPtr() returns aligned pointers into an ArrayBuffer or SharedArrayBuffer`, () => {
      const buf = make();
      for (const [size, align] of requests(1, capacity)) {
        const ptr = buf.allocPtr(size, align);
        assert.ok(
          ptr.buffer instanceof ArrayBuffer ||
            (typeof SharedArrayBuffer === "function" && ptr.buffer instanceof SharedArrayBuffer),
        );
        assert.ok(Number.isSafeInteger(ptr.byteOffset) && ptr.byteOffset >= 0);
        assert.equal(ptr.byteOffset % align, 0, `offset ${ptr.byteOffset} not aligned to ${align}`);
        assert.ok(ptr.byteOffset + size <= ptr.buffer.byteLength);
      }
    });

    it(`${name}.allocPtr() hands out live allocations that never overlap`, () => {
      const buf = make();
      const live: Placement[] = [];
      const reqs = requests(2, capacity);
      for (let i = 0; i < reqs.length; i++) {
        const [size, align] = reqs[i];
        const p = place(buf.allocPtr(size, align), size);
        new Uint8Array(p.buffer, p.start, size).fill(i & 0xff);
        for (const q of live) assertDisjoint(q, p, `allocation ${i}`);
        live.push(p);
      }
      // Every allocation still holds what was written into it.
      for (let i = 0; i < live.length; i++) {
        const p = live[i];
        for (const byte of new Uint8Array(p.buffer, p.start, p.end - p.start)) {
          assert.equal(byte, i & 0xff, `allocation ${i} was overwritten`);
        }
      }
    });

    it(`${name}.allocPtr() accepts zero bytes`, () => {
      const buf = make();
      const a = buf.allocPtr(0, 8);
      assert.equal(a.byteOffset % 8, 0);
      assert.ok(a.byteOffset <= a.buffer.byteLength);
      const b = buf.allocPtr(16, 8);
      assert.equal(new Float64Array(b.buffer, b.byteOffset, 2).length, 2);
    });

    it(`${name}.checkpointRestore() returns the exact state: later allocations land where they did`, () => {
      const buf = make();
      const before = requests(3, capacity / 4);
      for (const [size, align] of before) buf.allocPtr(size, align);
      const cp = buf.checkpointSave();
      const after = requests(4, capacity / 2);
      const first = after.map(([size, align]) => place(buf.allocPtr(size, align), size));
      buf.checkpointRestore(cp);
      const second = after.map(([size, align]) => place(buf.allocPtr(size, align), size));
      assert.deepEqual(second, first);
    });

    it(`${name}.checkpointRestore() frees the memory of nested checkpoints too`, () => {
      const buf = make();
      const outer = buf.checkpointSave();
      const first = probe(buf);
      buf.allocPtr(100, 8);
      buf.checkpointSave();
      buf.allocPtr(100, 8);
      buf.checkpointRestore(outer);
      assert.deepEqual(probe(buf), first);
    });

    it(`${name}: nested regions are contiguous and siblings reuse memory`, () => {
      const buf = make();
      noEscape(buf, () => {
        const a = place(buf.allocPtr(24, 8), 24);
        let inner1: Placement | undefined;
        noEscape(buf, () => {
          inner1 = place(buf.allocPtr(40, 16), 40);
          if (contiguous) {
            assert.equal(inner1.buffer, a.buffer);
            assert.equal(inner1.start, Math.ceil(a.end / 16) * 16);
          }
          assertDisjoint(a, inner1, "inner region");
        });
        noEscape(buf, () => {
          assert.deepEqual(place(buf.allocPtr(40, 16), 40), inner1);
        });
        const b = place(buf.allocPtr(8, 8), 8);
        if (contiguous) assert.equal(b.start, Math.ceil(a.end / 8) * 8);
      });
    });

    it(`${name}.resetBuffer() frees everything: allocations start over and repeat exactly`, () => {
      const fresh = make();
      const firstFresh = place(fresh.allocPtr(8, 8), 8).start;
      const buf = make();
      buf.checkpointSave();
      for (const [size, align] of requests(6, capacity / 2)) buf.allocPtr(size, align);
      buf.resetBuffer();
      assert.equal(probe(buf).start, firstFresh);
      // A growing allocator may resize itself on reset, so compare a steady state: the same
      // work after each reset lands in the same places.
      const reqs = requests(5, capacity / 2);
      const run = () => {
        buf.resetBuffer();
        return reqs.map(([size, align]) => place(buf.allocPtr(size, align), size).start);
      };
      run();
      const second = run();
      assert.deepEqual(run(), second);
      const live = reqs.map(([size, align]) => place(buf.allocPtr(size, align), size));
      for (let i = 0; i < live.length; i++) {
        for (let j = 0; j < i; j++) assertDisjoint(live[j], live[i], `after reset ${i}`);
      }
    });

    it(`alloc() on ${name} gives views of its memory aligned to the element size`, () => {
      const buf = make();
      const types: TypedArrayConstructor[] = [
        Uint8Array,
        Float64Array,
        Int16Array,
        Float32Array,
        BigInt64Array,
        Uint8Array,
        Int32Array,
      ];
      const views: TypedArray[] = [];
      for (const type of types) {
        const v = alloc(buf, type, 3);
        assert.ok(v instanceof type);
        assert.equal(v.length, 3);
        assert.equal(v.byteOffset % type.BYTES_PER_ELEMENT, 0);
        views.push(v);
      }
      for (let i = 0; i < views.length; i++) {
        for (let j = 0; j < i; j++) {
          assertDisjoint(
            {
              buffer: views[i].buffer,
              start: views[i].byteOffset,
              end: views[i].byteOffset + 3 * views[i].BYTES_PER_ELEMENT,
            },
            {
              buffer: views[j].buffer,
              start: views[j].byteOffset,
              end: views[j].byteOffset + 3 * views[j].BYTES_PER_ELEMENT,
            },
            `alloc ${i}`,
          );
        }
      }
    });

    it(`alloc() on ${name} places views where allocPtr() would (allocView agrees with allocPtr)`, () => {
      const a = make();
      const b = make();
      const cases: [number, TypedArrayConstructor][] = [
        [3, Uint8Array],
        [5, Float64Array],
        [0, Int32Array],
        [7, Float32Array],
      ];
      for (const [n, type] of cases) {
        const view = alloc(a, type, n);
        const ptr = b.allocPtr(n * type.BYTES_PER_ELEMENT, type.BYTES_PER_ELEMENT);
        assert.equal(view.byteOffset, ptr.byteOffset);
        assert.equal(view.byteLength, n * type.BYTES_PER_ELEMENT);
      }
    });

    it(`noEscape() on ${name} frees the region's memory on return and on throw`, () => {
      const buf = make();
      const first = probe(buf);
      const sum = noEscape(buf, () => {
        const y = alloc(buf, Float64Array, 3);
        y.set([2, 3, 4]);
        return y[0] + y[1] + y[2];
      });
      assert.equal(sum, 9);
      assert.deepEqual(probe(buf), first);
      assert.throws(
        () =>
          noEscape(buf, () => {
            alloc(buf, Float64Array, 10);
            throw new Error("boom");
          }),
        /boom/,
      );
      assert.deepEqual(probe(buf), first);
    });

    it(`noEscape() on ${name} reports an escaping view when the allocator can tell`, () => {
      const buf = make();
      const first = probe(buf);
      if (buf.allocatedSince === undefined) {
        // Without allocatedSince escapes are not detected; the region still frees its memory.
        noEscape(buf, () => alloc(buf, Float64Array, 4));
      } else {
        assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 4)), EscapeError);
        const outside = alloc(buf, Float64Array, 2);
        assert.equal(noEscape(buf, () => outside), outside);
        assert.equal(noEscape(buf, () => ({ data: outside })).data, outside);
        buf.resetBuffer();
      }
      assert.deepEqual(probe(buf), first);
    });

    it(`${name}.trackChecked(), when present, ends a validity exactly when its memory is freed`, () => {
      const buf = make();
      if (buf.trackChecked === undefined) return; // it cannot tell: similar() refuses checked arrays
      buf.allocPtr(16, 8);
      const outer = buf.trackChecked();
      assert.ok(outer instanceof MemoryValidity);
      const cp = buf.checkpointSave();
      buf.allocPtr(16, 8);
      const inner = buf.trackChecked();
      assert.ok(inner instanceof MemoryValidity);
      assert.ok(outer.valid && inner.valid);
      buf.checkpointRestore(cp);
      assert.equal(inner.valid, false, "the region's memory was freed");
      assert.ok(outer.valid, "memory allocated before the checkpoint is still live");
      buf.allocPtr(16, 8);
      const again = buf.trackChecked();
      assert.ok(again.valid, "a validity handed out after the restore is valid");
      buf.resetBuffer();
      assert.equal(outer.valid, false, "a reset frees everything");
      assert.equal(again.valid, false, "a reset frees everything");
    });

    it(`${name} behind a failing allocator: out of memory inside a region leaves nothing allocated`, () => {
      const inner = make();
      const first = probe(inner);
      const buf = new FailingAllocator(inner, 2);
      assert.throws(
        () =>
          noEscape(buf, () => {
            alloc(buf, Float64Array, 4);
            alloc(buf, Uint8Array, 3);
            alloc(buf, Float64Array, 4); // the third fails
          }),
        OutOfMemoryError,
      );
      assert.deepEqual(probe(inner), first);
      buf.remaining = 0;
      assert.throws(() => alloc(buf, Float64Array, 1), OutOfMemoryError);
      assert.deepEqual(probe(inner), first);
    });
  });
}
