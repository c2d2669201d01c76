// Internal: the pure part of the examples check (scripts/check_examples.ts): finding runnable
// code blocks that assert nothing. No I/O and no `Deno` here, so tests run it under Deno and
// Node alike.

/** A runnable code block's opening fence: its language and the rest of the line. */
const FENCE = /^(\s*(?:\*\s?)?)```(ts|typescript|js|javascript)\b([^\n]*)$/;
const CLOSE = /^\s*(?:\*\s?)?```\s*$/;
const ASSERTS = /\bassert(?:\.\w+)?\s*\(/;

/**
 * The runnable code blocks of `text` (Markdown, or a source file's JSDoc, whose lines start
 * with `*`) that never call `assert`, as `file:line` of their opening fence. A block whose fence
 * says `ignore` does not run and is skipped.
 */
export function blocksWithoutAssertions(text: string, file: string): string[] {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !CLOSE.test(lines[i]); i++) body.push(lines[i]);
    if (/\bignore\b/.test(open[3])) continue;
    if (!ASSERTS.test(body.join("\n"))) out.push(`${file}:${start + 1}`);
  }
  return out;
}
