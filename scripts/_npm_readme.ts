// The npm package's README, made by the npm build (build_npm.ts) from the repository's
// README.md, so that it follows it automatically:
//
//   <!-- repo-only -->          lines between these markers (each on a line of its own) are
//   …                           left out of the npm README: set-up for a clone of the
//   <!-- /repo-only -->         repository, how the package itself is built and tested
//
//   <!-- npm-only               the lines inside this comment are shown only in the npm
//   …                           README (GitHub hides the comment)
//   -->                         ({{repository}} there is the repository's address)
//
// Imports of the JSR name (`"@x/allocarrays"`) become the npm name's, and relative links and
// images become absolute links to the repository (npm renders the README away from it).
// Markdown only: no file system, so the Node test build can compile its test.

/** What {@linkcode npmReadme} needs to know. */
export interface NpmReadmeOptions {
  /** The repository's web address, without a trailing slash: `https://github.com/o/r`. */
  repository: string;
  /** The branch relative links point into (default `main`). */
  branch?: string;
  /** Rewrites the JSR name in code to the npm name (build_npm.ts passes `rewriteSelfImports`). */
  rewriteImports?: (text: string) => string;
}

const REPO_ONLY = "<!-- repo-only -->";
const REPO_ONLY_END = "<!-- /repo-only -->";
const NPM_ONLY = "<!-- npm-only";
const COMMENT_END = "-->";

/** A fenced code block's opening line: up to 3 spaces, 3+ backticks or tildes, an info string. */
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w-]*)/;
/** Whether `line` closes a code block opened with `marker` (the same character, at least as many). */
function closesFence(line: string, marker: string): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return m !== null && m[1][0] === marker[0] && m[1].length >= marker.length;
}

/** Shell languages whose lines are commands. */
const SHELL = new Set(["sh", "bash", "shell", "console", "zsh"]);
/**
 * A command for a clone of the repository: `deno task|run|test|bench|…`, also through
 * `npx [--yes] deno@x.y.z` (`deno add jsr:…`, installing the package for Deno, is not one).
 */
const DENO_COMMAND =
  /^\s*(?:\$\s*)?(?:npx\s+(?:--yes\s+|-y\s+)?)?deno(?:@\S*)?\s+(?:task|run|test|bench|check|fmt|lint|doc|publish)\b/;

/** Whether `target` is relative to the README (not a URL, an anchor or a root path). */
function isRelative(target: string): boolean {
  return target !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#") &&
    !target.startsWith("/");
}

/** `target` (relative to the repository root) as an absolute address in the repository. */
function absolute(target: string, image: boolean, options: NpmReadmeOptions): string {
  const [pathPart, hash = ""] = target.split(/(?=#)/);
  const clean = pathPart.replace(/^\.\//, "");
  if (clean.split("/").includes("..")) {
    throw new Error(`Cannot rewrite README link ${target}: it points outside the repository`);
  }
  const kind = image ? "raw" : "blob";
  return `${options.repository}/${kind}/${options.branch ?? "main"}/${clean}${hash}`;
}

/** Replaces inline code spans with placeholders (so links inside them are left alone). */
function maskCode(line: string): { masked: string; spans: string[] } {
  const spans: string[] = [];
  const masked = line.replace(/(`+)[^`]*?\1/g, (m) => {
    spans.push(m);
    return `\uE000${spans.length - 1}\uE000`;
  });
  return { masked, spans };
}

function unmask(line: string, spans: string[]): string {
  return line.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => spans[Number(i)]);
}

/** One prose line with its relative links and images made absolute. */
function absoluteLinks(line: string, options: NpmReadmeOptions): string {
  const { masked, spans } = maskCode(line);
  const rewritten = masked
    // ![alt](target "title") and [text](target "title"); targets may be wrapped in <>.
    .replace(
      /(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*(<[^>]*>|[^)\s]+)([^)]*)\)/g,
      (m, bang: string, text: string, rawTarget: string, rest: string) => {
        const target = rawTarget.replace(/^<(.*)>$/, "$1");
        if (!isRelative(target)) return m;
        return `${bang}[${text}](${absolute(target, bang === "!", options)}${rest})`;
      },
    )
    // <img src="…"> and <a href="…">
    .replace(
      /(<(img|source)\b[^>]*?\b(?:src|srcset)=|<a\b[^>]*?\bhref=)(["'])([^"']*)\3/gi,
      (m, lead: string, tag: string | undefined, q: string, target: string) => {
        if (!isRelative(target)) return m;
        return `${lead}${q}${absolute(target, tag !== undefined, options)}${q}`;
      },
    )
    // [label]: target  (a link reference definition)
    .replace(/^( {0,3}\[[^\]]+\]:\s*)(\S+)/, (m, lead: string, target: string) => {
      const t = target.replace(/^<(.*)>$/, "$1");
      return isRelative(t) ? `${lead}${absolute(t, false, options)}` : m;
    });
  return unmask(rewritten, spans);
}

/**
 * The npm README made from the repository's README: markers applied, JSR imports rewritten,
 * relative links made absolute.
 *
 * @throws {Error} When markers are unbalanced, a code block is not closed, a relative link
 * points outside the repository, or a shell block outside repo-only markers runs Deno (set-up
 * for a clone of the repository); messages name the README line.
 */
export function npmReadme(readme: string, options: NpmReadmeOptions): string {
  const lines = readme.split("\n");
  const out: string[] = [];
  let skipping = 0; // line number of the open repo-only marker, or 0
  let revealing = 0; // line number of the open npm-only comment, or 0
  let fence: { marker: string; lang: string; line: number } | null = null;
  const problems: string[] = [];

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const trimmed = lines[i].trim();
    if (fence === null) {
      if (trimmed === REPO_ONLY) {
        if (skipping || revealing) problems.push(`line ${n}: ${REPO_ONLY} inside another block`);
        skipping = n;
        continue;
      }
      if (trimmed === REPO_ONLY_END) {
        if (!skipping) problems.push(`line ${n}: ${REPO_ONLY_END} without ${REPO_ONLY}`);
        skipping = 0;
        continue;
      }
      if (trimmed === NPM_ONLY) {
        if (skipping || revealing) problems.push(`line ${n}: ${NPM_ONLY} inside another block`);
        revealing = n;
        continue;
      }
      if (revealing && trimmed === COMMENT_END) {
        revealing = 0;
        continue;
      }
    }
    const line = revealing ? lines[i].replaceAll("{{repository}}", options.repository) : lines[i];
    if (fence === null) {
      const open = FENCE.exec(line);
      if (open) fence = { marker: open[1], lang: open[2].toLowerCase(), line: n };
      // One blank line where a left-out block leaves two (it renders the same).
      const doubleBlank = trimmed === "" && out.length > 0 && out[out.length - 1].trim() === "";
      if (!skipping && !doubleBlank) out.push(open ? line : absoluteLinks(line, options));
      continue;
    }
    if (closesFence(line, fence.marker)) {
      fence = null;
    } else if (!skipping && SHELL.has(fence.lang) && DENO_COMMAND.test(line)) {
      problems.push(
        `line ${n}: the shell block of line ${fence.line} runs Deno (${trimmed}): set-up for a clone of the repository goes between ${REPO_ONLY} and ${REPO_ONLY_END}`,
      );
    }
    if (!skipping) out.push(line);
  }
  if (skipping) problems.push(`line ${skipping}: ${REPO_ONLY} is never closed`);
  if (revealing) problems.push(`line ${revealing}: ${NPM_ONLY} is never closed`);
  if (fence !== null) problems.push(`line ${fence.line}: a code block is never closed`);
  if (problems.length > 0) {
    throw new Error(`Cannot make the npm README from README.md:\n  ${problems.join("\n  ")}`);
  }
  const text = out.join("\n");
  return options.rewriteImports ? options.rewriteImports(text) : text;
}
