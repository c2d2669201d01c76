import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { blocksWithoutAssertions } from "../../scripts/_doc_examples.ts";

const FENCE = "```";

describe("scripts/_doc_examples.ts", () => {
  it("blocksWithoutAssertions() names Markdown blocks that only state results in comments", () => {
    const md = [
      "# Title",
      `${FENCE}ts`,
      "f([1, 2, 3]); // 9",
      FENCE,
      "text",
      `${FENCE}ts`,
      'import assert from "node:assert/strict";',
      "assert.equal(f([1, 2, 3]), 9);",
      FENCE,
      `${FENCE}ts ignore`,
      "worker.postMessage(x); // not run",
      FENCE,
      `${FENCE}sh`,
      "deno task test",
      FENCE,
      `${FENCE}js`,
      "assert.ok(true)",
      FENCE,
      `${FENCE}typescript`,
      "const asserted = 1; // the word alone is no call",
      FENCE,
    ].join("\n");
    assert.deepEqual(blocksWithoutAssertions(md, "README.md"), ["README.md:2", "README.md:19"]);
  });

  it("blocksWithoutAssertions() reads JSDoc examples, whose lines start with *", () => {
    const ts = [
      "/**",
      " * Does nothing.",
      " *",
      " * @example Restoring is a no-op",
      ` * ${FENCE}ts`,
      ' * import { DefaultAllocator } from "@x/allocarrays";',
      " *",
      " * DefaultAllocator.shared.resetBuffer();",
      ` * ${FENCE}`,
      " *",
      " * @example Asserted",
      ` * ${FENCE}ts`,
      " * assert.deepEqual([...a], [7, 7]);",
      ` * ${FENCE}`,
      " */",
    ].join("\n");
    assert.deepEqual(blocksWithoutAssertions(ts, "x.ts"), ["x.ts:5"]);
  });
});
