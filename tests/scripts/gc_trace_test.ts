import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allocatedOf, gcTraceMethod } from "../../scripts/_gc_trace.ts";

/** One `--trace-gc-nvp` line. */
const line = (gc: string, reason: string, allocated: number) =>
  `[1:0x1]    9 ms: GC: {"pause":0.1,"gc":"${gc}","reason":"${reason}","allocated":${allocated}}`;

describe("scripts/_gc_trace.ts", () => {
  it("allocatedOf() sums the collections after start()'s minor one up to stop()'s", () => {
    const trace = [
      line("s", "allocation failure", 1000), // warm-up
      line("mc", "testing", 500), // start(): full
      line("s", "testing", 70), // start(): minor, the marker
      line("s", "allocation failure", 40),
      line("mc", "finalize incremental marking", 7),
      line("s", "testing", 3), // stop()
      "other output",
    ].join("\n");
    assert.equal(allocatedOf(trace), 40 + 7 + 3);
  });

  it("allocatedOf() refuses a trace without the three forced collections", () => {
    assert.throws(
      () => allocatedOf(line("mc", "testing", 1)),
      /expected 3 forced collections, got 1/,
    );
  });

  it("gcTraceMethod() says the run lengths, the warm-up and the pairs", () => {
    const m = gcTraceMethod("passes", { warm: 12, short: 2, long: 8, pairs: 1 });
    assert.match(m, /over 8 and 2 passes after 12 warm-up passes/);
    assert.match(m, /divided by 6; 1 pair of runs/);
  });
});
