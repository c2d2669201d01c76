// arrayDescriptor / arrayFromDescriptor and shared CheckedAllocArray validity, on one thread:
// structuredClone does to a descriptor what postMessage does (the SharedArrayBuffer arrives as
// a new object over the same memory).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  AllocArray,
  type ArrayDescriptor,
  arrayDescriptor,
  arrayFromDescriptor,
  BumperAllocator,
  CheckedAllocArray,
  InvalidMemoryError,
  MemoryValidity,
  NDArray,
  noEscape,
  reset,
  SharedAllocBuffer,
  similar,
  withAllocator,
} from "../../mod.ts";
import { CONTROL_BYTES } from "../../_internal/shared_control.ts";

/** What a Worker receives: the descriptor after a structured clone. */
function send(a: NDArray): NDArray {
  return arrayFromDescriptor(structuredClone(arrayDescriptor(a)));
}

/** `n` elements of `type` counting from 1, in shared memory. */
function sharedRange<T extends Float64Array | Int32Array | BigInt64Array>(
  type: { new (b: SharedArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number },
  n: number,
): T {
  const data = new type(new SharedArrayBuffer(n * type.BYTES_PER_ELEMENT + 16), 16, n);
  for (let i = 0; i < n; i++) {
    (data as unknown as (number | bigint)[])[i] = data instanceof BigInt64Array
      ? BigInt(i + 1)
      : i + 1;
  }
  return data;
}

const checked = new CheckedAllocArray(new Float64Array(1));

describe("arrayDescriptor() and arrayFromDescriptor()", () => {
  it("arrayFromDescriptor() rebuilds NDArray, AllocArray and views of them over the same memory", () => {
    const data = sharedRange(Float64Array, 12);
    const m = new NDArray(data, [3, 4]);
    const cases: NDArray[] = [
      m,
      m.transpose(),
      m.slice([1, 3], [null, null, -2]),
      m.pick(null, 2),
      new AllocArray(data, [2, 2, 3]).permute(2, 0, 1),
      new NDArray(data, [], [], 5), // 0-d
      new NDArray(data, [0, 4]), // empty
    ];
    for (const a of cases) {
      const b = send(a);
      assert.equal(b.constructor, a.constructor);
      assert.deepEqual(b.shape, a.shape);
      assert.deepEqual(b.strides, a.strides);
      assert.equal(b.offset, a.offset);
      assert.deepEqual(b.toNested(), a.toNested());
      assert.equal(b.data.byteOffset, data.byteOffset);
    }
    const t = send(m.transpose());
    t.set(3, 0, -1); // element [0, 3] of m: shared, not copied
    assert.equal(m.get(0, 3), -1);
  });

  it("arrayFromDescriptor() keeps every element type", () => {
    for (const a of [sharedRange(Int32Array, 5), sharedRange(BigInt64Array, 5)]) {
      const b = send(new AllocArray(a));
      assert.equal(b.dtype, a.constructor);
      assert.deepEqual([...b], [...a]);
    }
  });

  it("arrayDescriptor() is small plain data plus the SharedArrayBuffer", () => {
    const data = sharedRange(Float64Array, 6);
    const d = arrayDescriptor(new AllocArray(data, [2, 3]).transpose());
    assert.deepEqual({ ...d, buffer: undefined }, {
      kind: "AllocArray",
      buffer: undefined,
      byteOffset: 16,
      length: 6,
      dtype: "Float64Array",
      shape: [3, 2],
      strides: [1, 3],
      offset: 0,
    });
    assert.equal(d.buffer, data.buffer);
  });

  it("arrayDescriptor() of a CheckedAllocArray from a BumperAllocator over a SharedAllocBuffer shares its validity", () => {
    const arena = new SharedAllocBuffer(1 << 12);
    const b = new BumperAllocator(arena);
    const c = withAllocator(b, () => similar(checked, null, [2, 2]));
    c.data.set([1, 2, 3, 4]);
    const d = arrayDescriptor(c.transpose());
    assert.equal(d.kind, "CheckedAllocArray");
    assert.equal(d.validity?.generation, arena.generation);
    const r = arrayFromDescriptor(structuredClone(d));
    assert.ok(r instanceof CheckedAllocArray);
    assert.deepEqual(r.toNested(), [[1, 3], [2, 4]]);
    reset(b);
    assert.equal(r.isValid, false);
    assert.throws(() => r.get(0, 0), InvalidMemoryError);
    assert.throws(() => arrayDescriptor(r), InvalidMemoryError);
  });

  it("arrayFromDescriptor() refuses a descriptor whose generation was changed to make a freed array look valid", () => {
    const arena = new SharedAllocBuffer(1 << 12);
    const b = new BumperAllocator(arena);
    const c = withAllocator(b, () => similar(checked, null, [2]));
    const d = structuredClone(arrayDescriptor(c));
    reset(b); // frees c
    assert.equal((arrayFromDescriptor(d) as CheckedAllocArray).isValid, false);
    const forged = { ...d, validity: { ...d.validity!, generation: arena.generation } };
    assert.throws(
      () => arrayFromDescriptor(forged),
      (e) =>
        e instanceof TypeError &&
        /validity\.nonce \d+ is not the arena's nonce of generation 1/.test(e.message),
    );
    const future = { ...d, validity: { ...d.validity!, generation: arena.generation + 1 } };
    assert.throws(() => arrayFromDescriptor(future), /at most 1\), got 2/);
  });

  it("arrayDescriptor() refuses memory that is not shared, naming it", () => {
    for (const a of [new NDArray(new Float64Array(3)), AllocArray.from(new Int8Array(2))]) {
      assert.throws(
        () => arrayDescriptor(a),
        (e) =>
          e instanceof TypeError &&
          /its memory is an ArrayBuffer, not a SharedArrayBuffer/.test(e.message),
      );
    }
    assert.throws(
      () => arrayDescriptor(new Float64Array(2) as never),
      /expected an n-d array, got a Float64Array/,
    );
    assert.throws(() => arrayDescriptor(null as never), TypeError);
  });

  it("arrayDescriptor() refuses a CheckedAllocArray whose validity other threads could not see end", () => {
    const shared = sharedRange(Float64Array, 4);
    // Always-valid validity, local to this thread.
    assert.throws(
      () => arrayDescriptor(new CheckedAllocArray(shared)),
      (e) => e instanceof TypeError && /validity is local to this thread/.test(e.message),
    );
    // A BumperAllocator over an AllocBuffer of shared memory: local generations.
    const local = new BumperAllocator(new SharedAllocBuffer(1024).memory.byteLength);
    const c = withAllocator(local, () => similar(checked));
    assert.throws(() => arrayDescriptor(c), /local to this thread/);
    // Allocated inside a region of the allocator: the region's end frees it.
    const b = new BumperAllocator(new SharedAllocBuffer(1024));
    noEscape(b, () => {
      const inner = withAllocator(b, () => similar(checked));
      assert.throws(
        () => arrayDescriptor(inner),
        (e) => e instanceof TypeError && /inside a region/.test(e.message),
      );
    });
  });

  it("arrayFromDescriptor() rejects malformed descriptors, naming the bad field", () => {
    const arena = new SharedAllocBuffer(256);
    const b = new BumperAllocator(arena);
    const good = arrayDescriptor(withAllocator(b, () => similar(checked, null, [4])));
    const bad: [unknown, ErrorConstructor | RangeErrorConstructor, RegExp][] = [
      [null, TypeError, /expected the result of arrayDescriptor\(\), got null/],
      [{ ...good, kind: "Matrix" }, TypeError, /kind must be .*, got "Matrix"/],
      [
        { ...good, buffer: new ArrayBuffer(256) },
        TypeError,
        /buffer must be a SharedArrayBuffer, got an ArrayBuffer/,
      ],
      [{ ...good, dtype: "Array" }, TypeError, /dtype must name an element type .*, got "Array"/],
      [
        { ...good, byteOffset: -8 },
        RangeError,
        /byteOffset must be a non-negative safe integer, got -8/,
      ],
      [{ ...good, length: 1.5 }, RangeError, /length must be .*, got 1\.5/],
      [{ ...good, byteOffset: 4 }, RangeError, /at byte offset 4 .*multiple of 8/],
      [
        { ...good, length: 40 },
        RangeError,
        /40 Float64Array elements at byte offset 0 do not fit a 256-byte buffer/,
      ],
      [{ ...good, shape: [5] }, RangeError, /outside data of length 4/],
      [{ ...good, validity: undefined }, TypeError, /needs its validity, got undefined/],
      [
        { ...good, validity: { ...good.validity, control: new SharedArrayBuffer(CONTROL_BYTES) } },
        TypeError,
        /validity.control must be the control block/,
      ],
      [
        {
          ...good,
          validity: { ...good.validity, control: new SharedAllocBuffer(512).descriptor().control },
        },
        TypeError,
        /validity.control must be the control block/,
      ],
      [
        { ...good, validity: { ...good.validity, generation: -1 } },
        TypeError,
        /generation must be .*, got -1/,
      ],
    ];
    for (const [d, type, message] of bad) {
      assert.throws(
        () => arrayFromDescriptor(d as ArrayDescriptor),
        (e) => e instanceof type && message.test((e as Error).message),
        String(message),
      );
    }
    assert.ok(arrayFromDescriptor(good) instanceof CheckedAllocArray); // the good one is good
  });

  it("add() with an out array rebuilt from another message detects the overlap with its input", () => {
    // Two messages deliver two SharedArrayBuffer objects for one memory.
    const data = sharedRange(Float64Array, 6); // 1 … 6
    const x = new AllocArray(data);
    const input = send(x.slice([0, 5]));
    const out = send(x.slice([1, 6]));
    assert.notEqual(input.data.buffer, out.data.buffer);
    add(input, 0, out); // out[i] = input[i]: x[i + 1] = x[i], reading before writing
    assert.deepEqual([...data], [1, 1, 2, 3, 4, 5]);
  });
});

describe("BumperAllocator over a SharedAllocBuffer", () => {
  it("BumperAllocator over a SharedAllocBuffer handle: the owner's reset invalidates its CheckedAllocArrays, later ones are valid", () => {
    const owner = new SharedAllocBuffer(1 << 12);
    const handle = SharedAllocBuffer.fromDescriptor(owner.descriptor()); // a Worker's
    const b = new BumperAllocator(handle);
    const before = withAllocator(b, () => similar(checked));
    assert.equal(b.tracked, 1);
    owner.resetBuffer();
    assert.equal(before.isValid, false);
    assert.throws(() => before.data, InvalidMemoryError);
    const after = withAllocator(b, () => similar(checked));
    assert.ok(after.isValid);
    assert.equal(b.tracked, 1);
    assert.notEqual(after.validity, before.validity);
  });

  it("BumperAllocator over a SharedAllocBuffer still invalidates a region's arrays at the region's end", () => {
    const b = new BumperAllocator(new SharedAllocBuffer(1 << 12));
    const outer = withAllocator(b, () => similar(checked));
    let inner: CheckedAllocArray | undefined;
    noEscape(b, () => {
      inner = withAllocator(b, () => similar(checked));
      assert.ok(inner.isValid);
    });
    assert.equal(inner!.isValid, false);
    assert.ok(outer.isValid);
  });

  it("BumperAllocator over a SharedAllocBuffer handle cannot reset: only the owner may", () => {
    const owner = new SharedAllocBuffer(1 << 12);
    const b = new BumperAllocator(SharedAllocBuffer.fromDescriptor(owner.descriptor()));
    const c = withAllocator(b, () => similar(checked));
    assert.throws(() => reset(b), /only its owner/);
    assert.ok(c.isValid); // nothing changed
  });

  it("CheckedAllocArray over other allocators keeps a plain MemoryValidity", () => {
    const b = new BumperAllocator(1024);
    const c = withAllocator(b, () => similar(checked));
    assert.equal(Object.getPrototypeOf(c.validity), MemoryValidity.prototype);
  });
});
