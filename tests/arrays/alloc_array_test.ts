import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { AllocArray, NDArray } from "../../arrays/mod.ts";

describe("AllocArray", () => {
  it("AllocArray constructor wraps a typed array without copying", () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const a = new AllocArray(data, [2, 3]);
    assert.equal(a.data, data);
    assert.ok(a instanceof NDArray);
    data[5] = 60;
    assert.equal(a.get(1, 2), 60);
    assert.deepEqual(new AllocArray(data).shape, [6]);
  });

  it("AllocArray constructor wraps an n-d array's layout without copying", () => {
    const base = new NDArray(Float64Array.from({ length: 12 }, (_, i) => i), [3, 4]).transpose();
    const a = new AllocArray(base);
    assert.equal(a.data, base.data);
    assert.deepEqual(a.shape, base.shape);
    assert.deepEqual(a.strides, base.strides);
    assert.equal(a.offset, base.offset);
    assert.deepEqual([...a], [...base]);
  });

  it("AllocArray constructor takes an n-d array's real layout, whatever its getters say", () => {
    // A subclass may override the public getters; wrapping reads the array's own fields, so it
    // cannot make an AllocArray reach past its data.
    class Boastful extends NDArray<Float64Array> {
      override get shape(): readonly number[] {
        return [1000];
      }
      override get strides(): readonly number[] {
        return [1];
      }
    }
    const data = Float64Array.from({ length: 6 }, (_, i) => i);
    const a = new AllocArray(new Boastful(data, [2, 3]));
    assert.equal(a.data, data);
    assert.deepEqual(a.shape, [2, 3]);
    assert.deepEqual(a.strides, [3, 1]);
    assert.deepEqual(a.toNested(), [[0, 1, 2], [3, 4, 5]]);
  });

  it("AllocArray constructor validates whatever follows the layout: trusted construction cannot be forged", () => {
    const Loose = AllocArray as unknown as new (...args: unknown[]) => AllocArray;
    for (const t of [Symbol("allocarrays.trusted"), Symbol("allocarrays.wrap"), true, {}]) {
      assert.throws(() => new Loose(new Float64Array(2), [10], [1], 0, t), {
        name: "RangeError",
        message: /outside data of length 2/,
      });
    }
  });

  it("AllocArray constructor returns the same object for an AllocArray", () => {
    const a = new AllocArray(new Float32Array(4));
    assert.equal(new AllocArray(a), a);
    assert.equal(AllocArray.from(a), a);
  });

  it("AllocArray constructor rejects non-arrays and layouts given with an n-d array", () => {
    assert.throws(() => new AllocArray([1, 2] as never), {
      name: "TypeError",
      message: /data must be a typed array, got an Array of length 2/,
    });
    assert.throws(() => new AllocArray({} as never), TypeError);
    const nd = new NDArray(new Float64Array(4));
    assert.throws(() => new AllocArray(nd, [2, 2]), {
      name: "TypeError",
      message: /shape, strides and offset apply to a typed-array source only, got a NDArray/,
    });
    assert.throws(() => new AllocArray(new Float64Array(4), [5]), RangeError);
  });

  it("AllocArray views, reshapes, transposes and picks stay AllocArrays", () => {
    const a = new AllocArray(new Float64Array(24), [2, 3, 4]);
    for (
      const v of [
        a.slice([1]),
        a.reshape(6, 4),
        a.transpose(),
        a.permute(1, 0, 2),
        a.pick(0),
        a.pick(0, 0, 0),
        a.broadcastTo(5, 2, 3, 4),
      ]
    ) {
      assert.ok(v instanceof AllocArray, `${v.describe()} is an AllocArray`);
      assert.equal(v.data, a.data);
    }
  });

  it("AllocArray.from() wraps typed arrays (usable as a map callback)", () => {
    const batch = [new Float32Array(2), new Int8Array(3)].map(AllocArray.from);
    assert.ok(batch.every((x) => x instanceof AllocArray));
    assert.deepEqual(batch.map((x) => x.size), [2, 3]);
  });

  it("AllocArray.fromNested() builds an AllocArray", () => {
    const a = AllocArray.fromNested([[1, 2], [3, 4]], Int32Array);
    assert.ok(a instanceof AllocArray);
    assert.equal(a.dtype, Int32Array);
    assert.deepEqual(a.toNested(), [[1, 2], [3, 4]]);
  });

  it("AllocArray prints as an AllocArray", () => {
    const a = AllocArray.fromNested([1, 2]);
    assert.equal(inspect(a), "AllocArray<Float64Array 2> [1, 2]");
    assert.equal(Object.prototype.toString.call(a), "[object AllocArray]");
  });
});
