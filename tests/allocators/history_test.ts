import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { History } from "../../allocators/_history.ts";

// Records from a small set of values, often repeated (runs of one value settle the history),
// with now and then a large one.
const records = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 8, 240) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(8, 240), fc.integer({ min: 1, max: 12 })),
    },
  ),
  { maxLength: 60 },
).map((items) => items.flatMap((x) => typeof x === "number" ? [x] : Array(x[1]).fill(x[0])));

describe("History (the usage history of AutoscalingAllocBuffer)", () => {
  it("keeps the last size records and their maximum, as a naive list does, whatever repeats", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(5000), records, (size, first, values) => {
        const h = new History(size, first);
        const model = [first];
        for (const v of values) {
          h.add(v);
          model.push(v);
          if (model.length > size) model.shift();
          assert.deepEqual(h.toArray(), model);
          assert.equal(h.max, Math.max(...model));
          const settled = model.length === size && model.every((x) => x === v) ? v : NaN;
          assert.ok(Object.is(h.settled, settled), `settled ${h.settled}, expected ${settled}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("settles once size equal records are kept, and unsettles on the next other record", () => {
    const h = new History(3, 1000);
    h.add(8);
    h.add(8);
    assert.ok(Number.isNaN(h.settled), "1000 is still kept");
    h.add(8);
    assert.equal(h.settled, 8);
    for (let i = 0; i < 10; i++) h.add(8);
    assert.deepEqual(h.toArray(), [8, 8, 8]);
    h.add(5);
    assert.ok(Number.isNaN(h.settled));
    assert.deepEqual(h.toArray(), [8, 8, 5]);
    assert.equal(h.max, 8);
    h.add(5);
    h.add(5);
    assert.equal(h.max, 5);
    assert.equal(h.settled, 5);
    const one = new History(1, 7);
    assert.equal(one.settled, 7);
    one.add(9);
    assert.equal(one.settled, 9);
    assert.deepEqual(one.toArray(), [9]);
  });
});
