// Internal: what the npm build (build_npm.ts), the Node test run (test_node.ts) and the package
// smoke test (smoke_test.ts) share: paths, the pins read from deno.json, the tsc options that
// mirror Deno's, and a command runner. The build is tsc from npm `typescript` (the role
// `@deno/dnt` plays elsewhere); nothing here is part of the published package.

import ts from "typescript";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
/** The npm build (git-ignored): the package itself. */
export const NPM_DIR: string = path.join(ROOT, "npm");
/** The compiled library inside the package. */
export const ESM_DIR: string = path.join(NPM_DIR, "esm");
/** The Node test build: compiled tests, test-only npm dependencies, links to `esm/`. */
export const TEST_DIR: string = path.join(NPM_DIR, ".test");
/** The smoke test's scratch space: the packed tarball and a consumer project. */
export const SMOKE_DIR: string = path.join(NPM_DIR, ".smoke");
/** Written last by a successful build; its mtime tells whether the build is stale. */
export const BUILD_STAMP: string = path.join(NPM_DIR, ".build-stamp");

/** The npm package name (JSR's is `@x/allocarrays`). */
export const PACKAGE_NAME = "allocarrays";
/**
 * The repository's address, for the npm package's `repository`, `homepage` and `bugs` and the
 * npm README's links. A placeholder until the repository is published: change it here only.
 */
export const REPOSITORY_URL = "https://github.com/allocarrays/allocarrays";
/** The JSR name that doc examples import; rewritten to {@linkcode PACKAGE_NAME} for npm. */
export const JSR_NAME = "@x/allocarrays";
/**
 * `@types/node` for type-checking the tests and the smoke consumer (never the library): the
 * newest 20.x, matching the oldest Node the package supports.
 */
export const TYPES_NODE_VERSION = "20.19.43";
/**
 * deno.json imports that are build, browser-test or benchmark-only tools, not dependencies of the
 * tests (wabt assembles the WebAssembly kernels; tfjs is what benches/cnn_wasm_bench.ts compares
 * with).
 */
const TOOL_IMPORTS: ReadonlySet<string> = new Set([
  "typescript",
  "publint",
  "esbuild",
  "playwright-core",
  "wabt",
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
]);

/** The parts of deno.json the build reads. */
export interface DenoConfig {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  imports: Record<string, string>;
  compilerOptions: Record<string, unknown>;
}

/** Reads and checks deno.json. */
export function readDenoConfig(): DenoConfig {
  const file = path.join(ROOT, "deno.json");
  const json = JSON.parse(Deno.readTextFileSync(file));
  for (const key of ["name", "version", "license"]) {
    if (typeof json[key] !== "string") {
      throw new Error(`Cannot read ${file}: "${key}" must be a string, got ${json[key]}`);
    }
  }
  const exports = typeof json.exports === "string" ? { ".": json.exports } : json.exports;
  if (typeof exports !== "object" || exports === null) {
    throw new Error(`Cannot read ${file}: "exports" must be a string or an object`);
  }
  return {
    name: json.name,
    version: json.version,
    license: json.license,
    exports,
    imports: json.imports ?? {},
    compilerOptions: json.compilerOptions ?? {},
  };
}

/** The package of an import name: `publint/utils` → `publint`, `@scope/name/x` → `@scope/name`. */
function packageOf(name: string): string {
  return name.split("/").slice(0, name.startsWith("@") ? 2 : 1).join("/");
}

/**
 * The `npm:` specifier deno.json's import `name` stands for: the import itself
 * (`"npm:name@1.2.3"`), or the one the file it maps to re-exports (`scripts/deps/*.ts`; see
 * `scripts/deps/README.md`); `undefined` for an import of something else.
 */
export function npmSpecifier(config: DenoConfig, name: string): string | undefined {
  const target = config.imports[name];
  if (target === undefined) return undefined;
  if (target.startsWith("npm:")) return target;
  if (!target.startsWith("./") || !target.endsWith(".ts")) return undefined;
  const text = Deno.readTextFileSync(path.join(ROOT, target));
  // The package itself, not its types (`npm:@types/name@…` in a @ts-types comment).
  const specs = [...text.matchAll(/["'](npm:[^"']+)["']/g)].map((m) => m[1]);
  const base = packageOf(name);
  return specs.find((s) => s.startsWith(`npm:${base}@`)) ?? specs[0];
}

/** The exact version deno.json pins for npm package `name` (`npm:name@1.2.3`, maybe through a file). */
export function npmPin(config: DenoConfig, name: string): string {
  const spec = npmSpecifier(config, name);
  const m = spec?.match(/^npm:(@?[^@]+)@(\d[^/]*)$/);
  if (!m || m[1] !== name) {
    throw new Error(
      `Cannot find the pinned version of npm package ${name}: deno.json imports has ${
        JSON.stringify(config.imports[name])
      }, which stands for ${JSON.stringify(spec)}, expected "npm:${name}@<version>"`,
    );
  }
  return m[2];
}

/**
 * The npm packages the tests use, with their deno.json pins: every npm import but the build
 * tools (and subpath imports such as `publint/utils`), plus `@types/node` for type-checking
 * `node:test` and `node:assert`.
 */
export function testDependencies(config: DenoConfig): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const name of Object.keys(config.imports).sort()) {
    if (TOOL_IMPORTS.has(packageOf(name))) continue;
    if (npmSpecifier(config, name) === undefined) continue;
    deps[name] = npmPin(config, name);
  }
  deps["@types/node"] = TYPES_NODE_VERSION;
  return deps;
}

/** `./allocators/mod.ts` → `allocators/mod` (the path inside `esm/`, without extension). */
export function exportStem(target: string): string {
  return path.posix.normalize(target).replace(/\.(m?ts|tsx)$/, "");
}

/**
 * Compiler options matching Deno's checking of the source, for the library build: ES2022
 * output (lowers `using`, which Node 20 lacks), ESM, `.ts` import specifiers rewritten to
 * `.js`, declarations and source maps. No `@types/*`: the library uses no Node types. The
 * smoke test's NodeNext consumer (lib ESNext and @types/node, no DOM) checks that the
 * declarations need no DOM-only type.
 */
export function libraryCompilerOptions(config: DenoConfig): ts.CompilerOptions {
  const converted = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  if (converted.errors.length > 0) throw new Error(formatDiagnostics(converted.errors));
  return {
    ...converted.options,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // The web platform's globals (URL, console, import.meta.url, …) that Deno and Node share;
    // Deno's own type check of the source keeps out what Node lacks (document, window, …).
    lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
    types: [],
    rewriteRelativeImportExtensions: true,
    isolatedModules: true,
    declaration: true,
    sourceMap: true,
    inlineSources: true,
    rootDir: ROOT,
    outDir: ESM_DIR,
    newLine: ts.NewLineKind.LineFeed,
    noEmitOnError: true,
    skipLibCheck: false,
    forceConsistentCasingInFileNames: true,
  };
}

/** Makes `host` serve `text` as the file `fileName`, which need not exist on disk. */
export function addVirtualFile(host: ts.CompilerHost, fileName: string, text: string): void {
  addVirtualFiles(host, new Map([[fileName, text]]));
}

/**
 * Makes `host` serve each file of `files` (absolute path → text), which need not exist on
 * disk, nor need their folders.
 */
export function addVirtualFiles(host: ts.CompilerHost, files: ReadonlyMap<string, string>): void {
  const dirs = new Set([...files.keys()].map((f) => path.dirname(f)));
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const text = files.get(name);
    return text !== undefined
      ? ts.createSourceFile(name, text, languageVersion)
      : getSourceFile.call(host, name, languageVersion, ...rest);
  };
  const fileExists = host.fileExists;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  const directoryExists = host.directoryExists;
  host.directoryExists = (d) => dirs.has(d) || (directoryExists?.call(host, d) ?? true);
}

/** tsc diagnostics as text, with file positions and code frames. */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => "\n",
  };
  return Deno.noColor
    ? ts.formatDiagnostics(diagnostics, host)
    : ts.formatDiagnosticsWithColorAndContext(diagnostics, host);
}

/**
 * Rewrites imports of `"@x/allocarrays"` and `"@x/allocarrays/sub"` (in doc examples and the
 * README's code) to npm's name: `from "…"`, `import "…"` and `import("…")`; prose is kept.
 */
export function rewriteSelfImports(text: string): string {
  return text.replace(
    /(\bfrom\s*|\bimport\s*\(?\s*)(["'])@x\/allocarrays(\/[\w-]+)?\2/g,
    (_m, lead: string, q: string, sub: string | undefined) =>
      `${lead}${q}${PACKAGE_NAME}${sub ?? ""}${q}`,
  );
}

/** Options for {@linkcode run}. */
export interface RunOptions {
  cwd?: string;
  /** Capture stdout and return it instead of passing it through. */
  capture?: boolean;
  env?: Record<string, string>;
}

/**
 * Runs a command, streaming its output (or capturing stdout), and throws naming the command
 * when it fails.
 */
export async function run(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  const command = new Deno.Command(cmd, {
    args,
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdin: "null",
    stdout: options.capture ? "piped" : "inherit",
    stderr: "inherit",
  });
  const output = await command.output();
  const code = output.code;
  if (code !== 0) {
    throw new Error(
      `Cannot run ${[cmd, ...args].join(" ")} (in ${options.cwd ?? ROOT}): exit code ${code}`,
    );
  }
  return options.capture ? new TextDecoder().decode(output.stdout) : "";
}

/** `npm` (`npm.cmd` on Windows). */
export const NPM: string = Deno.build.os === "windows" ? "npm.cmd" : "npm";

/** Common `npm install` flags: quiet, no audit or funding calls. */
export const NPM_INSTALL_FLAGS: readonly string[] = [
  "--no-audit",
  "--no-fund",
  "--loglevel=error",
];

/** Every file under `dir` (recursively), as absolute paths, sorted. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory) out.push(...walkFiles(p));
    else if (entry.isFile) out.push(p);
  }
  return out.sort();
}

/** Removes `p` if it exists. */
export function removeIfExists(p: string): void {
  try {
    Deno.removeSync(p, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Top-level folders that hold no library code (the build never compiles them). */
const NOT_LIBRARY: ReadonlySet<string> = new Set([
  "tests",
  "benches",
  "examples",
  "scripts",
  "docs",
  "npm",
  "node_modules",
  "coverage",
]);

/** Every `.ts` file of the library (`_internal/` included), as absolute paths, sorted. */
export function librarySourceFiles(): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(ROOT)) {
    const p = path.join(ROOT, e.name);
    if (e.isFile && /\.ts$/.test(e.name)) out.push(p);
    else if (e.isDirectory && !e.name.startsWith(".") && !NOT_LIBRARY.has(e.name)) {
      for (const f of walkFiles(p)) if (f.endsWith(".ts")) out.push(f);
    }
  }
  return out.sort();
}

/**
 * The newest mtime (ms) of the files the npm build is made from: deno.json, README.md,
 * LICENSE, the build scripts, and every `.ts` file of the library.
 */
function newestSourceTime(): number {
  let newest = 0;
  const consider = (file: string) => {
    const t = Deno.statSync(file).mtime?.getTime() ?? Infinity;
    if (t > newest) newest = t;
  };
  for (const f of ["deno.json", "README.md", "LICENSE"]) consider(path.join(ROOT, f));
  for (const f of walkFiles(path.join(ROOT, "scripts"))) consider(f);
  for (const f of librarySourceFiles()) consider(f);
  return newest;
}

/** Whether `npm/` holds a build at least as new as every source file. */
export function buildIsFresh(): boolean {
  let stamp: number;
  try {
    stamp = Deno.statSync(BUILD_STAMP).mtime?.getTime() ?? 0;
  } catch {
    return false;
  }
  return stamp >= newestSourceTime();
}
