// Publish readiness: every function, class and variable an entry point exports has at least
// one `@example` in its JSDoc (on any of its declarations, e.g. one overload), so
// `deno test --doc` runs an example of each. `deno doc --lint` checks that docs exist; this
// checks that examples do. Types and interfaces are exempt, as in denoland/std's doc checker
// (they are shown in use by the examples of the values that take them).
//
// And every JSDoc example that runs asserts what it claims: each runnable code block of a JSDoc
// comment in the library (```ts, ```js or ```typescript without `ignore`) calls `assert` at
// least once, so a wrong result fails `deno test --doc` instead of contradicting a `// 9`
// comment unseen. (README.md's and docs/*.md's blocks: scripts/check_docs.ts.)
//
//   deno run -A scripts/check_examples.ts      (part of `deno task check`)

import * as path from "node:path";
import { blocksWithoutAssertions } from "./_doc_examples.ts";
import { librarySourceFiles, readDenoConfig, ROOT, run, walkFiles } from "./_npm.ts";

interface DocSymbol {
  name: string;
  declarations: { kind: string; jsDoc?: { tags?: { kind: string }[] } }[];
}
interface DocJson {
  nodes: Record<string, { symbols?: DocSymbol[] }>;
}

const TYPE_KINDS: ReadonlySet<string> = new Set(["interface", "typeAlias"]);
// An entry point re-exporting a symbol another entry point documents (`MemoryValidity`, declared
// in allocators/ and re-exported by arrays/) lists a "reference" to it; the symbol's own
// declaration is checked where it is documented.
const REFERENCE = "reference";

/** `entry point: symbol` for each exported symbol without an `@example`. */
export async function symbolsWithoutExamples(): Promise<string[]> {
  const entries = Object.values(readDenoConfig().exports);
  const out = await run(Deno.execPath(), ["doc", "--json", ...entries], { capture: true });
  const doc = JSON.parse(out) as DocJson;
  const missing: string[] = [];
  for (const [url, node] of Object.entries(doc.nodes)) {
    const entry = url.slice(new URL(`file://${ROOT}/`).href.length);
    for (const symbol of node.symbols ?? []) {
      const own = symbol.declarations.filter((d) => d.kind !== REFERENCE);
      if (own.every((d) => TYPE_KINDS.has(d.kind))) continue;
      const hasExample = own.some((d) => d.jsDoc?.tags?.some((t) => t.kind === "example"));
      if (!hasExample) missing.push(`${entry}: ${symbol.name}`);
    }
  }
  return [...new Set(missing)].sort();
}

/**
 * The files with examples, relative to the root: the library's sources (JSDoc), README.md and
 * docs/*.md.
 */
export function documentedFiles(): string[] {
  const docs = path.join(ROOT, "docs");
  const pages = (() => {
    try {
      return walkFiles(docs).filter((f) => f.endsWith(".md"));
    } catch {
      return []; // no docs/ yet
    }
  })();
  return [...librarySourceFiles(), path.join(ROOT, "README.md"), ...pages]
    .map((f) => path.relative(ROOT, f).split(path.sep).join("/"));
}

/** `file:line` of every runnable JSDoc example of the library that asserts nothing. */
export function examplesWithoutAssertions(): string[] {
  return librarySourceFiles().flatMap((f) =>
    blocksWithoutAssertions(Deno.readTextFileSync(f), path.relative(ROOT, f))
  );
}

if (import.meta.main) {
  try {
    const missing = await symbolsWithoutExamples();
    if (missing.length > 0) {
      console.error(
        `Cannot publish: ${missing.length} exported functions, classes or variables have no @example\n  ${
          missing.join("\n  ")
        }`,
      );
      Deno.exit(1);
    }
    console.log("Every exported function, class and variable has an @example");
    const silent = examplesWithoutAssertions();
    if (silent.length > 0) {
      console.error(
        `Cannot publish: ${silent.length} JSDoc examples assert nothing (state results with assert, not in comments)\n  ${
          silent.join("\n  ")
        }`,
      );
      Deno.exit(1);
    }
    console.log("Every JSDoc example asserts its results");
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
