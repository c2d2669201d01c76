// What scripts/check_docs.ts checks of the README and docs/*.md, beyond what `deno check --doc-only` and `deno test --doc` check of
// their code blocks:
//
// - every relative link points to a file of the repository, and every `#anchor` (in the same
//   page or another page) to one of that page's headings, as GitHub makes them;
// - every TypeScript block asserts what it claims (imports `node:assert`), or is marked
//   `ignore`; only the README may print instead (its quick start, which
//   tests/scripts/check_docs_test.ts runs and whose output it checks);
// - no words from the project's history ("the seed", MISSED, "the design's targets").

/** A Markdown page: its path from the repository root and its text. */
export interface Page {
  path: string;
  text: string;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces made hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

/** The anchors of a page's headings (outside code blocks). */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  for (const { line, inCode } of lines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m && !inCode) out.add(slug(m[1]));
  }
  return out;
}

/** Each line with whether it is inside a fenced code block, and the block's info string. */
function* lines(text: string): Generator<{ line: string; n: number; inCode: boolean }> {
  let fence: string | null = null;
  const all = text.split("\n");
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (m && (fence === null || line.trim().startsWith(fence))) {
      fence = fence === null ? m[1] : null;
      yield { line, n: i + 1, inCode: true };
      continue;
    }
    yield { line, n: i + 1, inCode: fence !== null };
  }
}

/** The fenced blocks of a page: info string, first line number and body. */
function blocks(text: string): { info: string; n: number; body: string }[] {
  const out: { info: string; n: number; body: string }[] = [];
  const all = text.split("\n");
  for (let i = 0; i < all.length; i++) {
    const m = /^\s{0,3}(`{3,}|~{3,})\s*(.*)$/.exec(all[i]);
    if (!m) continue;
    const end = all.findIndex((l, j) => j > i && l.trim().startsWith(m[1]) && l.trim() === m[1]);
    const stop = end < 0 ? all.length : end;
    out.push({ info: m[2].trim(), n: i + 1, body: all.slice(i + 1, stop).join("\n") });
    i = stop;
  }
  return out;
}

function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : p.slice(0, i);
}

/** `target` relative to the page at `from`, normalised (`docs/../x` → `x`); null if outside. */
function resolve(from: string, target: string): string | null {
  const parts = (dirname(from) ? dirname(from) + "/" : "").concat(target).split("/");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(p);
  }
  return out.join("/");
}

const HISTORY = /\bthe seed\b|\bseed \d{3}\b|\bMISSED\b|design's targets/i;

/**
 * The problems of `pages`, one message each naming the page and line. `exists` says whether a
 * path of the repository exists (the pages themselves are passed in `pages`).
 */
export function docProblems(pages: Page[], exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    let a = anchorCache.get(path);
    if (a === undefined) anchorCache.set(path, a = anchors(byPath.get(path)!.text));
    return a;
  };
  for (const page of pages) {
    for (const { line, n, inCode } of lines(page.text)) {
      if (inCode) continue;
      const prose = line.replace(/`[^`]*`/g, "");
      if (HISTORY.test(prose)) problems.push(`${page.path}:${n}: speaks of the project's history`);
      for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // a URL
        const [file, anchor] = target.split("#", 2);
        const path = file === "" ? page.path : resolve(page.path, file);
        if (path === null || !(byPath.has(path) || exists(path))) {
          problems.push(`${page.path}:${n}: link to ${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && path.endsWith(".md")) {
          if (!byPath.has(path)) continue; // a page not checked here
          if (!anchorsOf(path).has(anchor)) {
            problems.push(`${page.path}:${n}: link to ${target}: no heading #${anchor} in ${path}`);
          }
        }
      }
    }
    for (const b of blocks(page.text)) {
      const [lang, ...flags] = b.info.split(/\s+/);
      if (!["ts", "typescript", "js", "javascript"].includes(lang) || flags.includes("ignore")) {
        continue;
      }
      if (b.body.includes("node:assert")) continue;
      if (page.path === "README.md" && b.body.includes("console.log(")) continue;
      problems.push(
        `${page.path}:${b.n}: the code block asserts nothing (import node:assert/strict and assert what it claims, or mark it ignore)`,
      );
    }
  }
  return problems;
}

/** README.md and every docs/*.md of the repository at `root`. */
export function readPages(root: URL): Page[] {
  const pages: Page[] = [{
    path: "README.md",
    text: Deno.readTextFileSync(new URL("README.md", root)),
  }];
  for (
    const e of [...Deno.readDirSync(new URL("docs/", root))].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    if (e.isFile && e.name.endsWith(".md")) {
      pages.push({
        path: `docs/${e.name}`,
        text: Deno.readTextFileSync(new URL(`docs/${e.name}`, root)),
      });
    }
  }
  return pages;
}

/** Whether a path of the repository at `root` exists (for {@linkcode docProblems}). */
export function existsIn(root: URL): (path: string) => boolean {
  return (path) => {
    try {
      Deno.statSync(new URL(path, root));
      return true;
    } catch {
      return false;
    }
  };
}
