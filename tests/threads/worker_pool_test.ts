// The worker-pool example (examples/worker_pool.ts): the parallel map/reduce over N Workers
// equals the single-threaded run exactly, output array included.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AllocArray, BumperAllocator, SharedAllocBuffer } from "../../mod.ts";
import {
  BLOCK,
  makeData,
  mapReduceSerial,
  ranges,
  WorkerPool,
} from "../../examples/worker_pool.ts";

describe("WorkerPool (examples/worker_pool.ts)", () => {
  it("ranges() splits into whole blocks that cover every element once", () => {
    for (const [n, parts] of [[10 * BLOCK + 5, 4], [BLOCK, 3], [0, 2], [3 * BLOCK, 3]]) {
      const rs = ranges(n, parts);
      assert.equal(rs.length, parts);
      let next = 0;
      for (const [lo, hi] of rs) {
        assert.equal(lo, next);
        assert.ok(hi >= lo && (hi === n || hi % BLOCK === 0));
        next = hi;
      }
      assert.equal(next, n);
    }
  });

  for (const workers of [2, 4]) {
    it(`WorkerPool.mapReduce() on ${workers} Workers equals the single-threaded run exactly`, async () => {
      const n = 100_003;
      const data = new SharedAllocBuffer(2 * n * 8 + 64);
      const { x, out } = makeData(data, n, 7);
      const scratch = new SharedAllocBuffer(workers * 512 * 1024);

      const serialOut = new AllocArray(new Float64Array(n));
      const serial = mapReduceSerial(new BumperAllocator(scratch), x, serialOut, workers);
      assert.equal(scratch.used, 0); // every block's region freed its temporaries
      assert.ok(Number.isFinite(serial) && serial > 0);

      const pool = await WorkerPool.start(workers, scratch);
      try {
        assert.equal(scratch.openRegions, workers); // one sub-arena each
        for (let run = 0; run < 2; run++) {
          out.data.fill(NaN);
          assert.equal(await pool.mapReduce(x, out), serial);
          assert.deepEqual(out.data, serialOut.data);
        }
      } finally {
        await pool.close();
      }
      assert.equal(scratch.openRegions, 0);
      scratch.resetBuffer();
      assert.equal(scratch.used, 0);
    });
  }
});
