import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { docProblems, existsIn, type Page, readPages, slug } from "../../scripts/_docs.ts";

const DENO_ONLY = typeof Deno === "undefined" && "reads the repository's pages and runs deno";

/** A small repository: two pages and the files `exists` knows. */
function check(readme: string, page = "# Page\n\n## A `code` heading: yes\n"): string[] {
  const pages: Page[] = [{ path: "README.md", text: readme }, { path: "docs/a.md", text: page }];
  return docProblems(pages, (p) => ["examples/x.ts", "benches/README.md"].includes(p));
}

describe("check_docs", () => {
  it("slug() makes GitHub's anchors", () => {
    assert.equal(
      slug("Creating arrays: `empty`, `zeros`, `full`"),
      "creating-arrays-empty-zeros-full",
    );
    assert.equal(
      slug("AllocArrays.jl's examples of improper usage"),
      "allocarraysjls-examples-of-improper-usage",
    );
    assert.equal(slug("`basic_reduction`"), "basic_reduction");
    assert.equal(
      slug("Sub-arenas for a Worker's temporaries"),
      "sub-arenas-for-a-workers-temporaries",
    );
  });

  it("docProblems() accepts links to files, pages and their headings", () => {
    assert.deepEqual(
      check(
        "# T\n\n## Here\n\n[x](examples/x.ts) [a](docs/a.md#a-code-heading-yes) [h](#here) " +
          "[w](https://example.com/#nowhere) `[no](link)`\n",
      ),
      [],
    );
    assert.deepEqual(
      docProblems(
        [
          { path: "docs/a.md", text: "# A\n\n[r](../README.md#t) [b](../benches/README.md#any)\n" },
          {
            path: "README.md",
            text: "# T\n",
          },
        ],
        (p) => p === "benches/README.md",
      ),
      [],
    );
  });

  it("docProblems() names missing files, missing headings and links out of the repository", () => {
    assert.deepEqual(
      check("# T\n\n[x](examples/y.ts)\n[a](docs/a.md#nope)\n[h](#nope)\n[o](../x.md)\n"),
      [
        "README.md:3: link to examples/y.ts: no such file",
        "README.md:4: link to docs/a.md#nope: no heading #nope in docs/a.md",
        "README.md:5: link to #nope: no heading #nope in README.md",
        "README.md:6: link to ../x.md: no such file",
      ],
    );
  });

  it("docProblems() wants code blocks that assert, except ignored ones and the README's printing", () => {
    const ok = '```ts\nimport assert from "node:assert/strict";\nassert.ok(1);\n```\n';
    const prints = "```ts\nconsole.log(1 + 1); // 2\n```\n";
    const ignored = "```ts ignore\nconst x = 1;\n```\n";
    assert.deepEqual(check(`# T\n\n${ok}${prints}${ignored}`, `# P\n\n${ok}${ignored}`), []);
    assert.deepEqual(check("# T\n", `# P\n\n${prints}\n\`\`\`sh\nls\n\`\`\`\n`), [
      "docs/a.md:3: the code block asserts nothing (import node:assert/strict and assert what it claims, or mark it ignore)",
    ]);
  });

  it("docProblems() flags words from the project's history outside code", () => {
    assert.deepEqual(
      check("# T\n\nAs the seed says.\n\nTarget MISSED.\n\n`MISSED` in code is fine\n"),
      [
        "README.md:3: speaks of the project's history",
        "README.md:5: speaks of the project's history",
      ],
    );
  });

  it("the repository's README.md and docs/*.md pass", { skip: DENO_ONLY }, () => {
    const root = new URL("../../", import.meta.url);
    const exists = existsIn(root);
    const pages = readPages(root);
    assert.ok(pages.length >= 7, pages.map((p) => p.path).join(", "));
    assert.deepEqual(docProblems(pages, exists), []);
  });

  it("the README's quick start prints what its comment says", { skip: DENO_ONLY }, async () => {
    const root = new URL("../../", import.meta.url);
    const readme = Deno.readTextFileSync(new URL("README.md", root));
    const start = readme.indexOf("## Quick start");
    const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))![1];
    const claimed = /console\.log\([^)]*\); \/\/ ([^:]+)/.exec(code)![1].trim();
    assert.ok(code.split("\n").length <= 11, "ten lines");
    const file = Deno.makeTempFileSync({ suffix: ".ts" });
    try {
      Deno.writeTextFileSync(
        file,
        code.replace('"@x/allocarrays"', JSON.stringify(new URL("mod.ts", root).href)),
      );
      const out = await new Deno.Command(Deno.execPath(), { args: ["run", file], stdout: "piped" })
        .output();
      assert.ok(out.success);
      assert.equal(new TextDecoder().decode(out.stdout).trim(), claimed);
    } finally {
      Deno.removeSync(file);
    }
  });
});
