// Publish readiness: every function, class and variable an entry point exports has at least
// one `@example` in its JSDoc (on any of its declarations, e.g. one overload), so
// `deno test --doc` runs an example of each. `deno doc --lint` checks that docs exist; this
// checks that examples do. Types and interfaces are exempt, as in denoland/std's doc checker
// (they are shown in use by the examples of the values that take them).
//
// And every example that runs asserts what it claims: each runnable code block of a JSDoc
// comment in the library, of README.md and of docs/*.md (```ts, ```js or ```typescript without
// `ignore`) calls `assert` at least once, so a wrong result fails `deno test --doc` instead of
// contradicting a `// 9` comment unseen.
//
//   deno run -A scripts/check_examples.ts      (part of `deno task check`)

import * as path from "node:path";
import { blocksWithoutAssertions } from "./_doc_examples.ts";
import { readDenoConfig, ROOT, run } from "./_npm.ts";

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

/** The library's sources (JSDoc examples), README.md and docs/*.md. */
function documentedFiles(): string[] {
  const out = ["README.md"];
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(path.join(ROOT, dir))];
    } catch {
      return; // no such folder (docs/ before it exists)
    }
    for (const e of entries) {
      const rel = dir === "." ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory) {
        if (!(dir === "." && SKIPPED_DIRS.has(e.name)) && !e.name.startsWith(".")) walk(rel);
      } else if (e.isFile && (/\.ts$/.test(e.name) || dir === "docs" && /\.md$/.test(e.name))) {
        out.push(rel);
      }
    }
  };
  walk(".");
  return out.sort();
}

/** Top-level folders that hold no library code or docs. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  "tests",
  "benches",
  "scripts",
  "examples",
  "npm",
  "node_modules",
]);

/** `file:line` of every runnable example (JSDoc, README.md, docs/*.md) that asserts nothing. */
export function examplesWithoutAssertions(): string[] {
  return documentedFiles().flatMap((f) =>
    blocksWithoutAssertions(Deno.readTextFileSync(path.join(ROOT, f)), f)
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
        `Cannot publish: ${silent.length} runnable examples assert nothing (state results with assert, not in comments)\n  ${
          silent.join("\n  ")
        }`,
      );
      Deno.exit(1);
    }
    console.log("Every runnable example asserts its results");
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
