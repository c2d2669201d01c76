import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { npmReadme } from "../../scripts/_npm_readme.ts";

const REPO = "https://github.com/o/r";
const make = (text: string) => npmReadme(text, { repository: REPO });

describe("npmReadme()", () => {
  it("npmReadme() leaves out repo-only blocks and shows npm-only comments", () => {
    const readme = [
      "# lib",
      "<!-- repo-only -->",
      "```sh",
      "deno task test",
      "```",
      "<!-- /repo-only -->",
      "<!-- npm-only",
      "```sh",
      "npm install lib",
      "```",
      "See the [repository]({{repository}}).",
      "-->",
      "end {{repository}}",
    ].join("\n");
    assert.equal(
      make(readme),
      `# lib\n\`\`\`sh\nnpm install lib\n\`\`\`\nSee the [repository](${REPO}).\nend {{repository}}`,
    );
  });

  it("npmReadme() leaves one blank line where a left-out block leaves two", () => {
    const readme = "a\n\n<!-- repo-only -->\n\nx\n\n<!-- /repo-only -->\n\nb\n```\n\n\n```";
    assert.equal(make(readme), "a\n\nb\n```\n\n\n```");
  });

  it("npmReadme() makes relative links and images absolute, blob for links and raw for images", () => {
    const readme = [
      "See [the example](examples/a.ts) and [docs](./docs/x.md#part), [up](#top), [web](https://e.org/y).",
      '![chart](benches/chart.svg) <img src=\'img/b.png\' alt="b"> <a href="LICENSE">MIT</a>',
      "[ref]: docs/ref.md",
    ].join("\n");
    assert.equal(
      make(readme),
      [
        `See [the example](${REPO}/blob/main/examples/a.ts) and [docs](${REPO}/blob/main/docs/x.md#part), [up](#top), [web](https://e.org/y).`,
        `![chart](${REPO}/raw/main/benches/chart.svg) <img src='${REPO}/raw/main/img/b.png' alt="b"> <a href="${REPO}/blob/main/LICENSE">MIT</a>`,
        `[ref]: ${REPO}/blob/main/docs/ref.md`,
      ].join("\n"),
    );
    assert.equal(
      npmReadme("[a](b.md)", { repository: REPO, branch: "dev" }),
      `[a](${REPO}/blob/dev/b.md)`,
    );
  });

  it("npmReadme() leaves code alone: fenced blocks and inline code spans", () => {
    const code = [
      "```ts",
      "const f = fs[0](g); // [not](a-link)",
      "```",
      "~~~",
      "[still](code)",
      "~~~",
    ];
    const readme = ["Use `x[0](y)` here, and [a](a.md).", ...code].join("\n");
    assert.equal(
      make(readme),
      [`Use \`x[0](y)\` here, and [a](${REPO}/blob/main/a.md).`, ...code].join("\n"),
    );
  });

  it("npmReadme() rewrites imports with the given function", () => {
    const out = npmReadme('```ts\nimport { a } from "@x/lib";\n```', {
      repository: REPO,
      rewriteImports: (t) => t.replaceAll("@x/lib", "lib"),
    });
    assert.equal(out, '```ts\nimport { a } from "lib";\n```');
  });

  it("npmReadme() refuses shell blocks that run Deno outside repo-only markers, naming the line", () => {
    for (
      const command of ["deno task demo", "npx --yes deno@2.9.6 task test", "$ deno run -A x.ts"]
    ) {
      assert.throws(
        () => make(`# lib\n\n\`\`\`sh\nnpm i lib\n${command}\n\`\`\``),
        (e: Error) =>
          e.message.includes(`line 5: the shell block of line 3 runs Deno (${command})`) &&
          e.message.includes("<!-- repo-only -->"),
      );
    }
    // Installing for Deno, Deno in TypeScript code and prose mentions are fine.
    const ok = "```sh\ndeno add jsr:@x/lib\n```\n```ts\n// deno task x\n```\nRun `deno task x`.";
    assert.equal(make(ok), ok);
  });

  it("npmReadme() refuses unbalanced markers, unclosed code blocks and links out of the repository", () => {
    const cases: [string, RegExp][] = [
      ["<!-- repo-only -->\nx", /line 1: <!-- repo-only --> is never closed/],
      ["x\n<!-- /repo-only -->", /line 2: <!-- \/repo-only --> without <!-- repo-only -->/],
      ["<!-- npm-only\nx", /line 1: <!-- npm-only is never closed/],
      ["<!-- repo-only -->\n<!-- npm-only\n-->\n<!-- /repo-only -->", /line 2: .* inside another/],
      ["```ts\nx", /line 1: a code block is never closed/],
      ["[up](../x.md)", /Cannot rewrite README link \.\.\/x\.md: it points outside the repository/],
    ];
    for (const [readme, message] of cases) assert.throws(() => make(readme), message);
  });
});
