import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  basicReduction,
  countGcs,
  garbageRuns,
  prepare,
  VARIANTS,
  warmUpRuns,
} from "../examples/demo.ts";
import { NDArray } from "../arrays/mod.ts";
import { assertAlmostEquals } from "./_helpers.ts";

describe("examples/demo.ts", () => {
  it("basicReduction() of plain heap values is the sum of 2·a", () => {
    const a = new NDArray(Float64Array.from([1, 2, 3.5, -4]), [4]);
    assert.equal(basicReduction(a), 2 * (1 + 2 + 3.5 - 4));
  });

  it("prepare('reduction') gives 2n under every variant, run after run", () => {
    for (const v of VARIANTS) {
      const p = prepare("reduction", v, 1000);
      assert.equal(p.run(), 2000, v);
      assert.equal(p.run(), 2000, v);
    }
  });

  it("prepare('cnn') predictions agree across heap, AllocArray and CheckedAllocArray", () => {
    const results = VARIANTS.map((v) => prepare("cnn", v, 40).run());
    assert.ok(Number.isFinite(results[0]) && results[0] !== 0);
    for (const r of results.slice(1)) assertAlmostEquals(r, results[0], 1e-9);
  });

  it("prepare() counts a heap run's bytes and no fresh bump bytes once warm", () => {
    const heap = prepare("cnn", "heap", 8);
    heap.run();
    heap.takeBytes();
    heap.run();
    assert.ok(heap.takeBytes() > 0);
    const bump = prepare("cnn", "alloc", 8);
    bump.run(); // grows past the allocator's first 1 MiB, then takes one buffer of its size
    bump.run();
    bump.takeBytes();
    bump.run();
    assert.equal(bump.takeBytes(), 0);
  });

  it("prepare(…, false) runs the same workload on the bare allocator and counts nothing", () => {
    for (const v of VARIANTS) {
      const counted = prepare("cnn", v, 40), bare = prepare("cnn", v, 40, false);
      assertAlmostEquals(bare.run(), counted.run(), 1e-9);
      assert.ok(counted.takeBytes() > 0, v);
      assert.equal(bare.takeBytes(), 0, v);
      assert.equal(prepare("reduction", v, 100, false).run(), 200, v);
    }
  });

  it("garbageRuns() warms up on about 6000 images or 100 reductions and runs two lengths", () => {
    assert.deepEqual(garbageRuns("reduction", 100_000), { warm: 100, short: 100, long: 400 });
    assert.deepEqual(garbageRuns("cnn", 256), { warm: 24, short: 4, long: 16 });
    assert.deepEqual(garbageRuns("cnn", 1000), { warm: 6, short: 1, long: 4 });
    // Two lengths that differ, whatever the size.
    assert.deepEqual(garbageRuns("cnn", 10_000), { warm: 1, short: 1, long: 3 });
  });

  it("warmUpRuns() settles the arena: no fresh bump bytes afterwards, from one batch a pass to several", () => {
    for (const images of [8, 40, 100, 256]) {
      const p = prepare("cnn", "alloc", images);
      for (let i = 0; i < warmUpRuns("cnn", images); i++) p.run();
      p.takeBytes();
      p.run();
      assert.equal(p.takeBytes(), 0, `${images} images`);
    }
    assert.equal(warmUpRuns("cnn", 1000), 1);
    assert.equal(warmUpRuns("cnn", 256), 1);
    assert.equal(warmUpRuns("cnn", 40), 4);
  });

  it("countGcs() counts the collections between each pair of forced ones, major and minor apart", () => {
    const line = (what: string, reason = "allocation failure") =>
      `[1:0x1]   12 ms: ${what} 3.4 (4.4) -> 3.0 (5.2) MB, 1.1 / 0.0 ms ${reason}`;
    const trace = [
      line("Scavenge"), // warm-up: not counted
      line("Mark-Compact", "testing; GC in old space requested"),
      line("Scavenge"),
      line("Scavenge"),
      line("Mark-Compact", "finalize incremental marking"),
      line("Mark-Compact", "testing; GC in old space requested"),
      "RESULT {}",
      line("Scavenge"), // the CNN's warm-up
      line("Mark-Compact", "testing; GC in old space requested"),
      line("Mark-Compact", "testing; GC in old space requested"),
    ].join("\n");
    assert.deepEqual(countGcs(trace), [{ major: 1, minor: 2 }, { major: 0, minor: 0 }]);
    assert.deepEqual(countGcs("no trace"), []);
  });
});
