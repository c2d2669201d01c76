// The layer rules of the library's import graph (see check_layers.ts, which runs them).

import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The layer folders, in dependency order. `testing/` (the kit for allocator authors, its own
 * entry point) comes last: it may use every layer, and no layer uses it.
 */
export const LAYERS: readonly string[] = [
  "allocators",
  "scope",
  "arrays",
  "arrays/ops",
  "arrays/nn",
  "testing",
];

/** The folder of package-private code shared by several layers. */
export const INTERNAL = "_internal";

/** One relative import of a library file. */
export interface Import {
  /** The importing file, relative to the root, with `/` separators. */
  readonly from: string;
  /** The imported file, relative to the root, with `/` separators. */
  readonly to: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?:[^"';]*?\sfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;

/** The relative imports in `source`, a file at `file` (root-relative). */
export function importsOf(file: string, source: string): Import[] {
  const out: Import[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
    out.push({ from: file, to });
  }
  return out;
}

/** The layer folder a file belongs to: `_internal`, one of {@linkcode LAYERS}, `""` (the root) or `null` (not library code). */
export function folderOf(file: string): string | null {
  const dir = path.posix.dirname(file);
  if (dir === ".") return file === "mod.ts" ? "" : null;
  if (dir === INTERNAL || dir.startsWith(INTERNAL + "/")) return INTERNAL;
  return LAYERS.includes(dir) ? dir : null;
}

function isPrivate(file: string): boolean {
  return path.posix.basename(file).startsWith("_");
}

/**
 * Every violation of the layer rules in `files` (root-relative path → source text), as
 * messages naming the importing file, the imported file and the rule.
 */
export function layerViolations(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const imports = new Map<string, Import[]>();
  for (const [file, source] of files) {
    if (folderOf(file) !== null) imports.set(file, importsOf(file, source));
  }
  // The layer of each file: its folder's, or for `_internal/` files the highest layer imported.
  const rankOf = new Map<string, number>();
  const visiting = new Set<string>();
  const rank = (file: string): number => {
    const known = rankOf.get(file);
    if (known !== undefined) return known;
    const folder = folderOf(file);
    if (folder === "") return LAYERS.length;
    if (folder !== INTERNAL) return folder === null ? -1 : LAYERS.indexOf(folder);
    if (visiting.has(file)) return 0; // a cycle, reported below
    visiting.add(file);
    let r = 0;
    for (const imp of imports.get(file) ?? []) r = Math.max(r, rank(imp.to));
    visiting.delete(file);
    rankOf.set(file, r);
    return r;
  };
  for (const [file, list] of imports) {
    const folder = folderOf(file)!;
    const own = rank(file);
    for (const { to } of list) {
      const target = folderOf(to);
      if (!files.has(to)) {
        problems.push(`${file} imports ${to}, which does not exist`);
        continue;
      }
      if (target === null) {
        problems.push(
          `${file} imports ${to}: library code may not import tests, examples, benches or scripts`,
        );
        continue;
      }
      if (target === folder) continue;
      if (target !== INTERNAL && isPrivate(to) && folder !== "") {
        problems.push(
          `${file} imports ${to}, a private file of ${target}/ (shared private code belongs in ${INTERNAL}/)`,
        );
        continue;
      }
      if (target === "") {
        problems.push(
          `${file} imports the root mod.ts: import the file that defines what it needs`,
        );
        continue;
      }
      const r = rank(to);
      if (folder === INTERNAL ? false : r > own) {
        const where = target === INTERNAL ? `${to} (which imports ${LAYERS[r]}/)` : `${target}/`;
        problems.push(`${file} imports ${where} against the layer order ${LAYERS.join(" → ")}`);
      }
    }
  }
  // Import cycles, file by file.
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 1);
    stack.push(file);
    for (const { to } of imports.get(file) ?? []) {
      if (!imports.has(to)) continue;
      const s = state.get(to);
      if (s === 1) {
        problems.push(`import cycle: ${[...stack.slice(stack.indexOf(to)), to].join(" → ")}`);
      } else if (s === undefined) visit(to);
    }
    stack.pop();
    state.set(file, 2);
  };
  for (const file of [...imports.keys()].sort()) if (!state.has(file)) visit(file);
  return problems;
}

/** The imports between folders, counted: `"arrays/ops → arrays"` → number of imports. */
export function folderGraph(files: ReadonlyMap<string, string>): Map<string, number> {
  const edges = new Map<string, number>();
  for (const [file, source] of files) {
    const from = folderOf(file);
    if (from === null || from === "") continue;
    for (const { to } of importsOf(file, source)) {
      const target = folderOf(to);
      if (target === null || target === from) continue;
      const key = `${from} → ${target}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  return edges;
}

/** The `.ts` files under `root` (root-relative path → source), outside hidden folders, npm/ and node_modules/. */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === "." ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (!e.name.startsWith(".") && e.name !== "node_modules" && e.name !== "npm") walk(rel);
      } else if (e.name.endsWith(".ts")) {
        files.set(rel, fs.readFileSync(path.join(root, rel), "utf8"));
      }
    }
  };
  walk(".");
  return files;
}
