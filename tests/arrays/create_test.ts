import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AllocBuffer, noEscape } from "../../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  empty,
  full,
  InvalidMemoryError,
  NDArray,
  reset,
  zeros,
} from "../../arrays/mod.ts";
import { add } from "../../arrays/ops/mod.ts";
import { withAllocator } from "../../scope/mod.ts";

describe("empty, zeros, full", () => {
  it("empty/zeros/full() outside any scope give heap AllocArrays of the type and shape asked", () => {
    const e = empty(Float32Array, [2, 3]);
    const z = zeros(Int32Array, 4);
    const f = full(Float64Array, [], { value: 2.5 });
    for (const a of [e, z, f]) {
      assert.ok(a instanceof AllocArray && !(a instanceof CheckedAllocArray));
      assert.equal(a.data.byteOffset, 0);
      assert.equal(a.data.length, a.size, "a fresh array of its own");
    }
    assert.equal(e.dtype, Float32Array);
    assert.deepEqual(e.shape, [2, 3]);
    assert.deepEqual(e.strides, [3, 1]);
    assert.deepEqual(z.shape, [4]);
    assert.deepEqual([...z], [0, 0, 0, 0]);
    assert.deepEqual(f.shape, []);
    assert.equal(f.get(), 2.5);
  });

  it("empty/zeros/full() inside withAllocator take their memory from the current allocator", () => {
    const buf = new AllocBuffer(1024);
    const [e, z, f] = withAllocator(buf, () => [
      empty(Float64Array, 3),
      zeros(Float64Array, [2, 2]),
      full(Uint8Array, 5, { value: 9 }),
    ]);
    for (const a of [e, z, f]) assert.equal(a.data.buffer, buf.memory);
    assert.equal(buf.used, 24 + 32 + 5);
    assert.deepEqual(z.toNested(), [[0, 0], [0, 0]]);
    assert.deepEqual([...f], [9, 9, 9, 9, 9]);
  });

  it("zeros() zeroes bump memory that an earlier array left dirty; empty() does not promise to", () => {
    const buf = new AllocBuffer(1024);
    withAllocator(buf, () => {
      noEscape(buf, () => void full(Float64Array, 8, { value: 7 }));
      const z = noEscape(buf, () => [...zeros(Float64Array, 8)]);
      assert.deepEqual(z, new Array(8).fill(0));
      const e = noEscape(buf, () => [...empty(Float64Array, 8)]);
      assert.deepEqual(e, new Array(8).fill(0), "the memory zeros() left");
    });
  });

  it("full() and zeros() handle BigInt element types", () => {
    assert.deepEqual([...zeros(BigUint64Array, 2)], [0n, 0n]);
    assert.deepEqual([...full(BigInt64Array, [1, 2], { value: -3n })], [-3n, -3n]);
  });

  it("operations on their results allocate like similar of an AllocArray: from the current allocator", () => {
    const buf = new AllocBuffer(4096);
    const bumper = new BumperAllocator(buf);
    const sum = withAllocator(bumper, () => add(zeros(Float64Array, 3), 1));
    assert.ok(sum instanceof AllocArray);
    assert.equal(sum.data.buffer, buf.memory);
    assert.deepEqual([...sum], [1, 1, 1]);
    const heap = add(zeros(Float64Array, 3), 1);
    assert.ok(heap instanceof AllocArray);
    assert.notEqual(heap.data.buffer, buf.memory);
  });

  it("{ checked: true } gives CheckedAllocArrays that a reset of their allocator invalidates", () => {
    const bumper = new BumperAllocator();
    const [e, z, f] = withAllocator(bumper, () => [
      empty(Float64Array, 2, { checked: true }),
      zeros(Float64Array, 2, { checked: true }),
      full(Float64Array, 2, { value: 1, checked: true }),
    ]);
    for (const a of [e, z, f]) assert.ok(a instanceof CheckedAllocArray);
    assert.deepEqual([...f], [1, 1]);
    reset(bumper);
    for (const a of [e, z, f]) assert.throws(() => a.get(0), InvalidMemoryError);
    const heap = zeros(Float64Array, 2, { checked: true });
    assert.ok(heap instanceof CheckedAllocArray && heap.isValid);
  });

  it("{ checked: true } under an allocator that cannot invalidate is a TypeError that allocates nothing", () => {
    const buf = new AllocBuffer(1024);
    withAllocator(buf, () => {
      assert.throws(() => zeros(Float64Array, 4, { checked: true }), {
        name: "TypeError",
        message: /^Cannot allocate a CheckedAllocArray from an AllocBuffer: .*trackChecked/,
      });
    });
    assert.equal(buf.used, 0);
  });

  it("empty/zeros/full() refuse bad arguments with messages naming them, allocating nothing", () => {
    const buf = new AllocBuffer(1024);
    const cases: [() => unknown, string, RegExp][] = [
      [
        () => empty("f64" as never, 2),
        "TypeError",
        /^Cannot create an array with empty\(\): element type must be a typed-array constructor .*, got "f64"$/,
      ],
      [
        () => zeros(Array as never, 2),
        "TypeError",
        /^Cannot create an array with zeros\(\): .*got Array$/,
      ],
      [
        () => zeros(Float64Array, [2, -1]),
        "RangeError",
        /^Cannot create an array with zeros\(\): dimension 1 must be a non-negative safe integer, got -1$/,
      ],
      [() => zeros(Float64Array, 1.5), "RangeError", /dimension 0 .*got 1\.5$/],
      [
        () => zeros(Float64Array, "2" as never),
        "TypeError",
        /shape must be a number or an array of dimensions, got "2"$/,
      ],
      [
        () => zeros(Float64Array, [2 ** 40, 2 ** 40]),
        "RangeError",
        /exceed Number\.MAX_SAFE_INTEGER$/,
      ],
      [
        () => zeros(Float64Array, 2, null as never),
        "TypeError",
        /options must be an object, got null$/,
      ],
      [
        () => zeros(Float64Array, 2, { chekced: true } as never),
        "TypeError",
        /unknown option "chekced"$/,
      ],
      [
        () => zeros(Float64Array, 2, { checked: 1 } as never),
        "TypeError",
        /checked must be a boolean, got 1$/,
      ],
      [
        () => full(Float64Array, 2, undefined as never),
        "TypeError",
        /^Cannot create an array with full\(\): options must be an object, got undefined$/,
      ],
      [
        () => full(Float64Array, 2, {} as never),
        "TypeError",
        /value must be a number for Float64Array, got undefined$/,
      ],
      [
        () => full(Float64Array, 2, { value: 1n } as never),
        "TypeError",
        /value must be a number for Float64Array, got 1n$/,
      ],
      [
        () => full(BigInt64Array, 2, { value: 1 } as never),
        "TypeError",
        /value must be a bigint for BigInt64Array, got 1$/,
      ],
      [() => empty(Float64Array, 2, { value: 1 } as never), "TypeError", /unknown option "value"$/],
    ];
    withAllocator(buf, () => {
      for (const [act, name, message] of cases) {
        assert.throws(act, (e: Error) => {
          assert.equal(e.name, name, String(e));
          assert.match(e.message, message);
          return true;
        });
      }
    });
    assert.equal(buf.used, 0);
  });

  it("their results print like any n-d array", () => {
    assert.equal(
      String(full(Int8Array, [2, 2], { value: 1 })),
      "AllocArray<Int8Array 2×2> [[1, 1], [1, 1]]",
    );
    assert.ok(zeros(Float64Array, 1) instanceof NDArray);
  });
});
