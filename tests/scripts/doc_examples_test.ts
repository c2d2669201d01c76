import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  blocksWithoutAssertions,
  codeBlocks,
  rewriteImportSpecifiers,
} from "../../scripts/_doc_examples.ts";

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

  it("codeBlocks() strips JSDoc's * and a Markdown list's indentation, and marks ignored blocks", () => {
    const ts = [
      " * @example",
      ` * ${FENCE}ts`,
      " * const a = 1;",
      " *",
      " *   nested();",
      ` * ${FENCE}`,
    ]
      .join("\n");
    assert.deepEqual(codeBlocks(ts), [
      { line: 2, code: "const a = 1;\n\n  nested();\n", runnable: true },
    ]);
    const md = ["- item:", "", `  ${FENCE}ts ignore`, "  const b = 2;", "    more();", `  ${FENCE}`]
      .join("\n");
    assert.deepEqual(codeBlocks(md), [
      { line: 3, code: "const b = 2;\n  more();\n", runnable: false },
    ]);
  });

  it("rewriteImportSpecifiers() maps static, side-effect and dynamic imports, keeping the rest", () => {
    const code = [
      'import { a } from "@x/allocarrays";',
      "import assert from 'node:assert/strict';",
      'export { b } from "./b.ts";',
      'import "./side.ts";',
      'const m = await import("@x/allocarrays/testing");',
      'const text = "from @x/allocarrays";',
    ].join("\n");
    const map = (s: string) => s.startsWith("@x/") || s.startsWith("./") ? `<${s}>` : undefined;
    assert.equal(
      rewriteImportSpecifiers(code, map),
      [
        'import { a } from "<@x/allocarrays>";',
        "import assert from 'node:assert/strict';",
        'export { b } from "<./b.ts>";',
        'import "<./side.ts>";',
        'const m = await import("<@x/allocarrays/testing>");',
        'const text = "from @x/allocarrays";',
      ].join("\n"),
    );
  });
});
