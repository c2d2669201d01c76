// Checks the README and docs/*.md (scripts/_docs.ts says what): links and anchors, code blocks
// that assert, no words from the project's history.
//
//   deno run -A scripts/check_docs.ts      (part of `deno task check`)

import { docProblems, existsIn, readPages } from "./_docs.ts";

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const exists = existsIn(root);
  const pages = readPages(root);
  const problems = docProblems(pages, exists);
  if (problems.length > 0) {
    console.error(
      `Cannot accept the docs: ${problems.length} problems\n  ${problems.join("\n  ")}`,
    );
    Deno.exit(1);
  }
  console.log(
    `README.md and ${pages.length - 1} docs pages: links, anchors and code blocks are fine`,
  );
}
