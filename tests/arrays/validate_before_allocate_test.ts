import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AllocArray, NDArray } from "../../arrays/mod.ts";
import * as ops from "../../mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

describe("bad input leaves the allocator untouched", () => {
  it("every operation validates before it allocates: a failing call takes no memory", () => {
    const x = AllocArray.from(new NDArray(new Float64Array(2 * 3 * 4 * 4), [2, 3, 4, 4]));
    const v = AllocArray.from(new Float64Array(3));
    const calls: [string, () => unknown][] = [
      ["add", () => ops.add(x, new Float64Array(5))],
      ["relu", () => ops.relu(x, new Float64Array(1))],
      ["map", () => ops.map(x, 1 as never)],
      ["add with an unknown option", () => ops.add(x, x, { ot: v } as never)],
      ["sum", () => ops.sum(x, { axis: 4 })],
      [
        "max",
        () => ops.max(AllocArray.from(new NDArray(new Float64Array(0), [2, 0])), { axis: 1 }),
      ],
      ["matmul", () => ops.matmul(x, v)],
      ["transpose", () => ops.transpose(x, { axes: [0, 1] })],
      ["reshape", () => ops.reshape(x.transpose(), [5, -1])],
      ["concat", () => ops.concat([x, v])],
      ["stack", () => ops.stack([v, x])],
      ["conv2d", () => ops.conv2d(x, v)],
      ["maxPool2d", () => ops.maxPool2d(x, { window: 5 })],
      ["conv2d with a bad option", () => ops.conv2d(x, x, { stride: -1 })],
      ["batchNorm", () => ops.batchNorm(x, { mean: v, variance: new Float64Array(2) })],
      ["dense", () => ops.dense(x, v)],
      ["softmax", () => ops.softmax(x, { axis: 4 })],
    ];
    for (const [name, call] of calls) {
      const bump = new TestBump(1 << 16);
      assert.throws(() => withAllocator(bump, call), /Cannot compute/, name);
      assert.equal(bump.allocations, 0, `${name} allocated before failing`);
    }
  });
});
