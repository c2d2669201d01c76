// The browser stand-in for node:test runs what is registered with it in order, with hooks,
// skips and failures reported as the browser runner reads them.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as shim from "./_test_shim.ts";

describe("the browser stand-in for node:test", () => {
  it("runs registered tests in order, with their hooks, and reports each outcome", async () => {
    const log: string[] = [];
    shim.describe("outer", () => {
      shim.before(() => void log.push("before"));
      shim.beforeEach(() => void log.push("beforeEach"));
      shim.afterEach(() => void log.push("afterEach"));
      shim.after(() => void log.push("after"));
      shim.it("passes", () => void log.push("passes"));
      shim.it("fails", () => {
        log.push("fails");
        throw new TypeError("broken");
      });
      shim.describe("inner", () => {
        shim.it("awaits", async () => {
          await new Promise((r) => setTimeout(r, 1));
          log.push("awaits");
        });
        shim.it("is skipped", { skip: "not here" }, () => void log.push("never"));
      });
      shim.it("rejects", () => Promise.reject(new RangeError("late")));
    });
    const results = await shim.runRegistered();
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [
        ["outer > passes", "pass"],
        ["outer > fails", "fail"],
        ["outer > inner > awaits", "pass"],
        ["outer > inner > is skipped", "skip"],
        ["outer > rejects", "fail"],
      ],
    );
    assert.match(results[1].detail ?? "", /^TypeError: broken/);
    assert.match(results[4].detail ?? "", /^RangeError: late/);
    assert.equal(results[3].detail, "not here");
    assert.deepEqual(log, [
      "before",
      "beforeEach",
      "passes",
      "afterEach",
      "beforeEach",
      "fails",
      "afterEach",
      "beforeEach",
      "awaits",
      "afterEach",
      "beforeEach",
      "afterEach",
      "after",
    ]);
  });
});
