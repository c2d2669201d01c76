// Internal: the pure part of the doc-example tooling: finding the runnable code blocks of
// JSDoc comments and Markdown (scripts/check_examples.ts checks that each asserts something;
// scripts/test_node.ts runs them under Node) and rewriting their import specifiers. No I/O and
// no `Deno` here, so tests run it under Deno and Node alike.

/** A ts/js code block's opening fence: its indentation (or JSDoc `*`), language, the rest. */
const FENCE = /^(\s*(?:\*\s?)?)```(ts|typescript|js|javascript)\b([^\n]*)$/;
const CLOSE = /^\s*(?:\*\s?)?```\s*$/;
const ASSERTS = /\bassert(?:\.\w+)?\s*\(/;

/** One TypeScript or JavaScript code block of a file. */
export interface CodeBlock {
  /** The 1-based line of its opening fence. */
  line: number;
  /** Its code, without the fence's indentation or JSDoc's leading `*`. */
  code: string;
  /** Whether `deno test --doc` runs it (its fence does not say `ignore`). */
  runnable: boolean;
}

/**
 * The TypeScript and JavaScript code blocks of `text`: Markdown, or a source file's JSDoc,
 * whose lines start with `*`.
 */
export function codeBlocks(text: string): CodeBlock[] {
  const lines = text.split("\n");
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const line = i + 1;
    const jsdoc = open[1].includes("*");
    const indent = open[1].length;
    const body: string[] = [];
    for (i++; i < lines.length && !CLOSE.test(lines[i]); i++) {
      const l = lines[i];
      body.push(
        jsdoc ? l.replace(/^\s*\*( |$)/, "") : l.slice(Math.min(indent, /^\s*/.exec(l)![0].length)),
      );
    }
    out.push({ line, code: body.join("\n") + "\n", runnable: !/\bignore\b/.test(open[3]) });
  }
  return out;
}

/**
 * The runnable code blocks of `text` that never call `assert`, as `file:line` of their opening
 * fence: examples that state their results in comments (`// 9`) instead of checking them.
 */
export function blocksWithoutAssertions(text: string, file: string): string[] {
  return codeBlocks(text)
    .filter((b) => b.runnable && !ASSERTS.test(b.code))
    .map((b) => `${file}:${b.line}`);
}

/**
 * Rewrites the module specifiers of `code`'s static imports, re-exports, side-effect imports
 * and literal dynamic imports through `map` (a specifier it returns `undefined` for is kept).
 */
export function rewriteImportSpecifiers(
  code: string,
  map: (specifier: string) => string | undefined,
): string {
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(?\s*)(["'])([^"'\n]+)\2/g,
    (m, lead: string, q: string, spec: string) => {
      const to = map(spec);
      return to === undefined ? m : `${lead}${q}${to}${q}`;
    },
  );
}
