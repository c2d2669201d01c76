/**
 * The conformance suite of the {@linkcode Allocator} protocol, which every built-in buffer
 * passes: {@linkcode conformanceSuite} registers it as `node:test` tests (for `deno test` and
 * `node --test`), {@linkcode conformanceCases} hands out its cases for any other test runner.
 *
 * @module
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeValue } from "../_internal/describe.ts";
import { alloc } from "../allocators/alloc.ts";
import { type Allocator, isAllocator, type Ptr } from "../allocators/allocator.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { EscapeError, OutOfMemoryError } from "../allocators/errors.ts";
import { MemoryValidity } from "../allocators/memory_validity.ts";
import { noEscape } from "../allocators/region.ts";
import { FailingAllocator } from "./failing_allocator.ts";

/** What the conformance suite may assume of an allocator. */
export interface ConformanceOptions {
  /**
   * Bytes a fresh allocator surely provides, alignment padding included (default 4096). The
   * suite's allocations stay within it, so fixed-size allocators need at least this much.
   */
  capacity?: number;
  /**
   * Whether the allocations of one region follow each other in one memory block, each at the
   * next aligned offset after the previous one, while they fit (bump allocators over one
   * block: default `true`; say `false` for allocators that may start a new block).
   */
  contiguous?: boolean;
}

/** One rule of the protocol, checked against fresh allocators: `run()` throws when it is broken. */
export interface ConformanceCase {
  /** What the rule says, e.g. "allocPtr() hands out live allocations that never overlap". */
  readonly name: string;
  /** Checks the rule (throws an `AssertionError` naming what went wrong). */
  readonly run: () => void;
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

/**
 * A fixed list of `[byteLength, alignment]` requests totalling at most `budget` bytes:
 * sizes 0–199 and alignments 1–64 in an order that differs with `seed` (a deterministic
 * spread, the same on every run and runtime).
 */
function requests(seed: number, budget: number): [number, number][] {
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0;; i++) {
    const align = 2 ** ((i * 5 + seed * 3) % 7); // 1 … 64
    const size = (i * 73 + seed * 41) % 200;
    if (total + size + align > budget) return out;
    total += size + align;
    out.push([size, align]);
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

function viewPlacement(v: TypedArray): Placement {
  return { buffer: v.buffer, start: v.byteOffset, end: v.byteOffset + v.byteLength };
}

/** Makes a fresh allocator, checking that it is one. */
function fresh<C>(make: () => Allocator<C>): Allocator<C> {
  const buf = make();
  assert.ok(
    isAllocator(buf),
    `make() must return an allocator (with allocPtr, checkpointSave, checkpointRestore and resetBuffer), got ${
      describeValue(buf)
    }`,
  );
  return buf;
}

/**
 * The rules of the {@linkcode Allocator} protocol as cases to run: aligned pointers into an
 * `ArrayBuffer` or `SharedArrayBuffer`, live allocations that never overlap or change, zero-byte
 * allocations, exact restores (also of nested checkpoints), contiguous nested regions and
 * sibling regions that reuse memory, resets that start over, a failed allocation that changes
 * nothing, `alloc` and `noEscape` on the allocator (views aligned to their element size, placed
 * where `allocPtr` would place them; regions freed on return and on throw; escapes reported when
 * the allocator has `allocatedSince`), and a region that frees everything when an allocation
 * inside it fails. Each case makes the allocators it needs with `make`.
 *
 * {@linkcode conformanceSuite} registers these as `node:test` tests; use this function with
 * other test runners.
 *
 * @typeParam C The allocator's checkpoint type.
 * @param make Makes a fresh allocator (called several times per case).
 * @param options What the cases may assume of the allocator.
 * @returns The cases, in a fixed order.
 * @throws {TypeError} When `make` is not a function or `options` not an object.
 * @throws {RangeError} When `options.capacity` is not an integer of at least 1024.
 *
 * @example Running every case, as any test runner would
 * ```ts
 * import { AllocBuffer } from "@x/allocarrays";
 * import { conformanceCases } from "@x/allocarrays/testing";
 * import assert from "node:assert/strict";
 *
 * const cases = conformanceCases(() => new AllocBuffer(8192));
 * for (const c of cases) c.run(); // throws an AssertionError when a rule is broken
 * assert.ok(cases.length > 10);
 * ```
 *
 * @example A broken allocator fails
 * ```ts
 * import { type Allocator, AllocBuffer } from "@x/allocarrays";
 * import { conformanceCases } from "@x/allocarrays/testing";
 * import assert from "node:assert/strict";
 *
 * // Forgets to free: restoring a checkpoint does nothing.
 * const leaky = (): Allocator<number> => {
 *   const inner = new AllocBuffer(8192);
 *   return {
 *     allocPtr: (n, a) => inner.allocPtr(n, a),
 *     checkpointSave: () => inner.checkpointSave(),
 *     checkpointRestore: () => {},
 *     resetBuffer: () => inner.resetBuffer(),
 *   };
 * };
 * const failed = conformanceCases(leaky).filter((c) => {
 *   try {
 *     c.run();
 *     return false;
 *   } catch {
 *     return true;
 *   }
 * });
 * assert.ok(failed.some((c) => c.name.startsWith("checkpointRestore() returns the exact state")));
 * ```
 */
export function conformanceCases<C>(
  make: () => Allocator<C>,
  options: ConformanceOptions = {},
): ConformanceCase[] {
  if (typeof make !== "function") {
    throw new TypeError(
      `Cannot make the conformance cases: make must be a function returning a fresh allocator, got ${
        describeValue(make)
      }`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Cannot make the conformance cases: options must be an object, got ${describeValue(options)}`,
    );
  }
  const capacity = options.capacity ?? 4096;
  if (!Number.isSafeInteger(capacity) || capacity < 1024) {
    throw new RangeError(
      `Cannot make the conformance cases: capacity must be an integer of at least 1024 bytes, got ${
        describeValue(capacity)
      }`,
    );
  }
  const contiguous = options.contiguous ?? true;
  // Where an allocation landed, comparable with deepEqual: the memory block itself for
  // allocators that keep to one block, else its size (a block freed by a restore or reset may
  // come back as a new one of the same size).
  const ids = new Map<ArrayBuffer | SharedArrayBuffer, number>();
  const where = (p: Placement): [number, number, number] => {
    let block = p.buffer.byteLength;
    if (contiguous) {
      block = ids.get(p.buffer) ?? ids.size;
      ids.set(p.buffer, block);
    }
    return [block, p.start, p.end];
  };
  /** Where the next 8-byte allocation aligned to 8 lands, without keeping it. */
  const probe = (buf: Allocator<C>): [number, number, number] => {
    const cp = buf.checkpointSave();
    const p = where(place(buf.allocPtr(8, 8), 8));
    buf.checkpointRestore(cp);
    return p;
  };

  const cases: [string, () => void][] = [
    ["allocPtr() returns aligned pointers into an ArrayBuffer or SharedArrayBuffer", () => {
      const buf = fresh(make);
      for (const [size, align] of requests(1, capacity)) {
        const ptr = buf.allocPtr(size, align);
        assert.ok(
          ptr.buffer instanceof ArrayBuffer ||
            (typeof SharedArrayBuffer === "function" && ptr.buffer instanceof SharedArrayBuffer),
          `allocPtr(${size}, ${align}) returned buffer ${describeValue(ptr.buffer)}`,
        );
        assert.ok(
          Number.isSafeInteger(ptr.byteOffset) && ptr.byteOffset >= 0,
          `allocPtr(${size}, ${align}) returned byteOffset ${ptr.byteOffset}`,
        );
        assert.equal(ptr.byteOffset % align, 0, `offset ${ptr.byteOffset} not aligned to ${align}`);
        assert.ok(
          ptr.byteOffset + size <= ptr.buffer.byteLength,
          `allocPtr(${size}, ${align}) at ${ptr.byteOffset} ends past the buffer's ${ptr.buffer.byteLength} bytes`,
        );
      }
    }],

    ["allocPtr() hands out live allocations that never overlap and keep their contents", () => {
      const buf = fresh(make);
      const live: Placement[] = [];
      const reqs = requests(2, capacity);
      for (let i = 0; i < reqs.length; i++) {
        const [size, align] = reqs[i];
        const p = place(buf.allocPtr(size, align), size);
        new Uint8Array(p.buffer, p.start, size).fill(i & 0xff);
        for (const q of live) assertDisjoint(q, p, `allocation ${i}`);
        live.push(p);
      }
      for (let i = 0; i < live.length; i++) {
        const p = live[i];
        for (const byte of new Uint8Array(p.buffer, p.start, p.end - p.start)) {
          assert.equal(byte, i & 0xff, `allocation ${i} was overwritten`);
        }
      }
    }],

    ["allocPtr() accepts zero bytes", () => {
      const buf = fresh(make);
      const a = buf.allocPtr(0, 8);
      assert.equal(a.byteOffset % 8, 0);
      assert.ok(a.byteOffset <= a.buffer.byteLength);
      const b = buf.allocPtr(16, 8);
      assert.equal(new Float64Array(b.buffer, b.byteOffset, 2).length, 2);
    }],

    ["allocPtr() that fails changes nothing: later allocations land where they would have", () => {
      const buf = fresh(make);
      buf.allocPtr(24, 8);
      const next = probe(buf);
      // More bytes than any machine has: every allocator must refuse it.
      assert.throws(() => buf.allocPtr(2 ** 50, 8), "allocPtr(2 ** 50, 8) did not throw");
      assert.deepEqual(probe(buf), next);
    }],

    ["checkpointRestore() returns the exact state: later allocations land where they did", () => {
      const buf = fresh(make);
      for (const [size, align] of requests(3, capacity / 4)) buf.allocPtr(size, align);
      const cp = buf.checkpointSave();
      const after = requests(4, capacity / 2);
      const first = after.map(([size, align]) => where(place(buf.allocPtr(size, align), size)));
      buf.checkpointRestore(cp);
      const second = after.map(([size, align]) => where(place(buf.allocPtr(size, align), size)));
      assert.deepEqual(second, first);
    }],

    ["checkpointRestore() frees the memory of nested checkpoints too", () => {
      const buf = fresh(make);
      const outer = buf.checkpointSave();
      const first = probe(buf);
      buf.allocPtr(100, 8);
      buf.checkpointSave();
      buf.allocPtr(100, 8);
      buf.checkpointRestore(outer);
      assert.deepEqual(probe(buf), first);
    }],

    ["nested regions are contiguous and sibling regions reuse memory", () => {
      const buf = fresh(make);
      noEscape(buf, () => {
        const a = place(buf.allocPtr(24, 8), 24);
        let inner1: Placement | undefined;
        noEscape(buf, () => {
          inner1 = place(buf.allocPtr(40, 16), 40);
          if (contiguous) {
            assert.equal(inner1.buffer, a.buffer, "a nested region moved to another buffer");
            assert.equal(inner1.start, Math.ceil(a.end / 16) * 16);
          }
          assertDisjoint(a, inner1, "inner region");
        });
        noEscape(buf, () => {
          assert.deepEqual(where(place(buf.allocPtr(40, 16), 40)), where(inner1!));
        });
        const b = place(buf.allocPtr(8, 8), 8);
        if (contiguous) assert.equal(b.start, Math.ceil(a.end / 8) * 8);
      });
    }],

    ["resetBuffer() frees everything: allocations start over and repeat exactly", () => {
      const firstFresh = place(fresh(make).allocPtr(8, 8), 8).start;
      const buf = fresh(make);
      buf.checkpointSave();
      for (const [size, align] of requests(6, capacity / 2)) buf.allocPtr(size, align);
      buf.resetBuffer();
      assert.equal(probe(buf)[1], firstFresh);
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
    }],

    ["alloc() gives views of its memory aligned to the element size", () => {
      const buf = fresh(make);
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
        assert.ok(v instanceof type, `alloc(${type.name}, 3) gave ${describeValue(v)}`);
        assert.equal(v.length, 3);
        assert.equal(v.byteOffset % type.BYTES_PER_ELEMENT, 0);
        views.push(v);
      }
      for (let i = 0; i < views.length; i++) {
        for (let j = 0; j < i; j++) {
          assertDisjoint(viewPlacement(views[i]), viewPlacement(views[j]), `alloc ${i}`);
        }
      }
    }],

    ["alloc() places views where allocPtr() would (allocView agrees with allocPtr)", () => {
      const a = fresh(make);
      const b = fresh(make);
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
    }],

    ["noEscape() frees the region's memory on return and on throw", () => {
      const buf = fresh(make);
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
    }],

    ["noEscape() reports an escaping view when the allocator can tell (allocatedSince)", () => {
      const buf = fresh(make);
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
    }],

    ["trackChecked(), when present, ends a validity exactly when its memory is freed", () => {
      const buf = fresh(make);
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
    }],

    ["a region in which an allocation fails leaves nothing allocated", () => {
      const inner = fresh(make);
      const first = probe(inner);
      const buf = new FailingAllocator(inner, { failAt: 3 });
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
      assert.throws(() => alloc(buf, Float64Array, 1), OutOfMemoryError);
      assert.deepEqual(probe(inner), first);
    }],
  ];
  return cases.map(([name, run]) => ({ name, run }));
}

/**
 * Registers the conformance suite of the {@linkcode Allocator} protocol for the allocator
 * `make` makes, as `node:test` tests: one `describe` block named `${name} conformance` with
 * one test per rule (see {@linkcode conformanceCases} for the rules, and to run them with
 * another test runner). Call it at the top level of a test file; `deno test` and
 * `node --test` both run it. Every built-in buffer passes it.
 *
 * @typeParam C The allocator's checkpoint type.
 * @param name Shown in the test names.
 * @param make Makes a fresh allocator (several per test).
 * @param options What the suite may assume of the allocator.
 * @throws {TypeError} When `name` is not a string, `make` not a function or `options` not an
 * object.
 * @throws {RangeError} When `options.capacity` is not an integer of at least 1024.
 *
 * @example A test file for your allocator (`deno test` or `node --test` runs it; registering tests inside a running test is not possible, so this example is not run itself)
 * ```ts ignore
 * // my_alloc_buffer_test.ts
 * import { conformanceSuite } from "@x/allocarrays/testing";
 * import { MyAllocBuffer } from "./my_alloc_buffer.ts";
 *
 * conformanceSuite("MyAllocBuffer", () => new MyAllocBuffer(8192));
 * // An allocator that may start a new memory block when one is full:
 * conformanceSuite("MySlabs", () => new MySlabs(256), { contiguous: false });
 * ```
 */
export function conformanceSuite<C>(
  name: string,
  make: () => Allocator<C>,
  options: ConformanceOptions = {},
): void {
  if (typeof name !== "string") {
    throw new TypeError(
      `Cannot register the conformance suite: name must be a string, got ${describeValue(name)}`,
    );
  }
  const cases = conformanceCases(make, options);
  describe(`${name} conformance`, () => {
    for (const c of cases) it(`${name}: ${c.name}`, c.run);
  });
}
