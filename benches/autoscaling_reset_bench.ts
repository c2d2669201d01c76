// AutoscalingAllocBuffer.resetBuffer() with a long usage history: a run (one allocation) and a
// reset, remembering the default 5 runs against 65 536 (the most allowed, filled before timing).
// Each reset records the run in O(1), so the long history costs what the short one does.
//
//   deno bench -A benches/autoscaling_reset_bench.ts

import { AutoscalingAllocBuffer } from "../allocators/mod.ts";

const group = "AutoscalingAllocBuffer allocPtr + resetBuffer, by history length";
let i = 0;

for (const maxHistorySize of [5, 65_536]) {
  const buf = new AutoscalingAllocBuffer(1 << 16, { maxHistorySize });
  for (let k = 0; k < maxHistorySize; k++) {
    buf.allocPtr(1000 + (k % 7) * 100, 8);
    buf.resetBuffer();
  }
  Deno.bench({
    name: `maxHistorySize ${maxHistorySize}`,
    group,
    baseline: maxHistorySize === 5,
    fn() {
      buf.allocPtr(1000 + (i++ % 7) * 100, 8);
      buf.resetBuffer();
    },
  });
}
