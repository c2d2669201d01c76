import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  AllocBuffer,
  EscapeError,
  noEscape,
  OutOfMemoryError,
  SlabBuffer,
} from "../../allocators/mod.ts";
import { AllocArray, BumperAllocator, similar } from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { type AllocationRequest, FailingAllocator } from "../../testing/mod.ts";

/** Which of `n` allocations through `buf` fail (1-based), allocating 8 bytes each. */
function failedIndices(buf: FailingAllocator, n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) {
    try {
      buf.allocPtr(8, 8);
    } catch (e) {
      assert.ok(e instanceof OutOfMemoryError);
      out.push(i);
    }
  }
  return out;
}

describe("FailingAllocator", () => {
  it("FailingAllocator fails from the failAt-th allocation on, or count of them", () => {
    const inner = () => new AllocBuffer(1024);
    assert.deepEqual(failedIndices(new FailingAllocator(inner(), { failAt: 3 }), 6), [3, 4, 5, 6]);
    assert.deepEqual(
      failedIndices(new FailingAllocator(inner(), { failAt: 3, count: 1 }), 6),
      [3],
    );
    assert.deepEqual(
      failedIndices(new FailingAllocator(inner(), { failAt: 2, count: 2 }), 6),
      [2, 3],
    );
    assert.deepEqual(failedIndices(new FailingAllocator(inner(), { failAt: 1 }), 2), [1, 2]);
    assert.deepEqual(failedIndices(new FailingAllocator(inner(), { failAt: 2, count: 0 }), 4), []);
    assert.deepEqual(failedIndices(new FailingAllocator(inner()), 6), []);
  });

  it("FailingAllocator's failed allocation never reaches the inner allocator", () => {
    const inner = new AllocBuffer(1024);
    const buf = new FailingAllocator(inner, { failAt: 2, count: 1 });
    const a = buf.allocPtr(16, 8);
    assert.equal(inner.used, 16);
    assert.throws(() => buf.allocPtr(100, 8), OutOfMemoryError);
    assert.equal(inner.used, 16);
    const b = buf.allocPtr(8, 8);
    assert.equal(b.byteOffset, a.byteOffset + 16);
    assert.equal(buf.allocations, 3);
    assert.equal(buf.failures, 1);
  });

  it("FailingAllocator's default error is an OutOfMemoryError naming the request", () => {
    const buf = new FailingAllocator(new AllocBuffer(64), { failAt: 1 });
    assert.throws(() => buf.allocPtr(40, 8), (e: unknown) => {
      assert.ok(e instanceof OutOfMemoryError);
      assert.equal(e.requested, 40);
      assert.equal(e.available, 0);
      assert.equal(
        e.message,
        "Cannot allocate 40 bytes: FailingAllocator fails allocation 1 on purpose",
      );
      return true;
    });
  });

  it("FailingAllocator's when and error choose the failures and what they throw", () => {
    const seen: AllocationRequest[] = [];
    const buf = new FailingAllocator(new AllocBuffer(1 << 16), {
      when: (r) => {
        seen.push(r);
        return r.byteLength > 100 || r.alignment === 2;
      },
      error: (r) => new TypeError(`no ${r.index}`),
    });
    buf.allocPtr(100, 8);
    assert.throws(() => buf.allocPtr(101, 8), { name: "TypeError", message: "no 2" });
    assert.throws(() => buf.allocPtr(4, 2), { name: "TypeError", message: "no 3" });
    buf.allocPtr(4, 4);
    assert.deepEqual(seen, [
      { index: 1, byteLength: 100, alignment: 8 },
      { index: 2, byteLength: 101, alignment: 8 },
      { index: 3, byteLength: 4, alignment: 2 },
      { index: 4, byteLength: 4, alignment: 4 },
    ]);
    // failAt and when together: either fails it.
    const both = new FailingAllocator(new AllocBuffer(1024), {
      failAt: 4,
      count: 1,
      when: (r) => r.index === 2,
    });
    assert.deepEqual(failedIndices(both, 5), [2, 4]);
  });

  it("FailingAllocator drives the out-of-memory path of a region: nothing leaks", () => {
    const inner = new SlabBuffer(256);
    const before = inner.checkpointSave();
    for (let failAt = 1; failAt <= 3; failAt++) {
      const buf = new FailingAllocator(inner, { failAt });
      assert.throws(
        () =>
          noEscape(buf, () => {
            for (let i = 0; i < 5; i++) alloc(buf, Float64Array, 40); // 320 bytes: new slabs
          }),
        OutOfMemoryError,
      );
      assert.equal(inner.used, 0, `after failing allocation ${failAt}`);
    }
    inner.checkpointRestore(before);
  });

  it("FailingAllocator counts the allocations of arrays made under withAllocator", () => {
    const buf = new FailingAllocator(new BumperAllocator(new AllocBuffer(4096)), { failAt: 3 });
    const x = AllocArray.from(new Float64Array(4));
    const made = withAllocator(buf, () => [similar(x), similar(x)]);
    assert.equal(made.length, 2);
    assert.throws(() => withAllocator(buf, () => similar(x)), OutOfMemoryError);
    assert.equal(buf.allocations, 3);
  });

  it("FailingAllocator passes checkpoints, reset and the escape check to the inner allocator", () => {
    const inner = new AllocBuffer(1024);
    const buf = new FailingAllocator(inner);
    const cp = buf.checkpointSave();
    buf.allocPtr(24, 8);
    assert.equal(inner.used, 24);
    buf.checkpointRestore(cp);
    assert.equal(inner.used, 0);
    buf.allocPtr(24, 8);
    buf.resetBuffer();
    assert.equal(inner.used, 0);
    // Escapes are reported as on the inner buffer.
    assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 2)), EscapeError);
    // Without allocatedSince on the inner allocator: false, so no escape is reported.
    const plain = new FailingAllocator({
      allocPtr: (n: number) => ({ buffer: new ArrayBuffer(n), byteOffset: 0 }),
      checkpointSave: () => 0,
      checkpointRestore: () => {},
      resetBuffer: () => {},
    });
    const v = alloc(plain, Float64Array, 2);
    assert.equal(plain.allocatedSince(0, v), false);
    assert.equal(Object.prototype.toString.call(buf), "[object FailingAllocator]");
  });

  it("FailingAllocator refuses bad arguments with the value named, and is not created", () => {
    const inner = new AllocBuffer(64);
    const cases: [unknown, unknown, string, RegExp][] = [
      [{}, {}, "TypeError", /inner must be an allocator .* got an Object/],
      [inner, null, "TypeError", /options must be an object, got null/],
      [
        inner,
        { failAt: 0 },
        "RangeError",
        /failAt must be an integer of at least 1 or Infinity, got 0/,
      ],
      [inner, { failAt: 1.5 }, "RangeError", /failAt .* got 1\.5/],
      [inner, { failAt: "2" }, "TypeError", /failAt must be a number, got "2"/],
      [
        inner,
        { count: -1 },
        "RangeError",
        /count must be an integer of at least 0 or Infinity, got -1/,
      ],
      [inner, { count: NaN }, "RangeError", /count .* got NaN/],
      [inner, { when: true }, "TypeError", /when must be a function, got true/],
      [inner, { error: "boom" }, "TypeError", /error must be a function, got "boom"/],
    ];
    for (const [i, options, name, message] of cases) {
      assert.throws(
        () => new FailingAllocator(i as AllocBuffer, options as object),
        { name, message },
        `${JSON.stringify(options)}`,
      );
    }
    assert.equal(inner.used, 0);
  });
});
