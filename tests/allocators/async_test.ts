// Interleaved async tasks under fast-check's scheduler, which explores the orders in which
// their awaits resume.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { alloc, AllocBuffer, CheckpointError, noEscape } from "../../allocators/mod.ts";

describe("async regions", () => {
  it("noEscape(async fn) isolates concurrent tasks on default buffers in any interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 })), {
          minLength: 2,
          maxLength: 6,
        }),
        async (s, tasks) => {
          const results = tasks.map(([n, rounds], id) =>
            noEscape(async () => {
              const mine = alloc(Float64Array, n).fill(id);
              for (let r = 0; r < rounds; r++) {
                await s.schedule(Promise.resolve(), `task ${id} round ${r}`);
                const tmp = noEscape(() => alloc(Float64Array, n).fill(-1 - id).length);
                assert.equal(tmp, n);
                const more = alloc(Int32Array, n).fill(id); // allocating after await is fine here
                await s.schedule(Promise.resolve(), `task ${id} check ${r}`);
                assert.ok(more.every((v) => v === id), `task ${id}: its memory was overwritten`);
              }
              assert.ok(mine.every((v) => v === id), `task ${id}: its memory was overwritten`);
              return id;
            })
          );
          await s.waitAll();
          assert.deepEqual(await Promise.all(results), tasks.map((_, id) => id));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("noEscape(buf, async fn) on one buffer: exactly the out-of-order ends throw, nothing is corrupted", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 6 }),
        async (s, sizes) => {
          const buf = new AllocBuffer(64 * 1024);
          const open = new Set<number>(); // task ids whose regions are open, opened in id order
          const expectError: boolean[] = [];
          const results = sizes.map((n, id) => {
            open.add(id);
            return noEscape(buf, async () => {
              // Each task allocates before its first await (see noEscape's documentation:
              // an older region must not allocate while a newer one on the buffer is open).
              const mine = alloc(buf, Float64Array, n).fill(id);
              await s.schedule(Promise.resolve(), `task ${id}`);
              assert.ok(mine.every((v) => v === id), `task ${id}: its memory was overwritten`);
              // The region ends when this body returns: it must throw iff a region opened
              // after it is still open.
              open.delete(id);
              expectError[id] = [...open].some((other) => other > id);
              return id;
            }).then(
              (v) => ({ ok: true, v }),
              (e) => ({ ok: false, e }),
            );
          });
          await s.waitAll();
          const settled = await Promise.all(results);
          settled.forEach((r, id) => {
            if (expectError[id]) {
              assert.ok(!r.ok && (r as { e: unknown }).e instanceof CheckpointError, `task ${id}`);
            } else {
              assert.deepEqual(r, { ok: true, v: id }, `task ${id}`);
            }
          });
          // When every region ended in order, everything was freed.
          if (!expectError.some(Boolean)) assert.equal(buf.used, 0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
