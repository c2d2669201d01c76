// Builds the npm package into npm/ (git-ignored) from the same source JSR publishes:
//
//   npm/package.json   name `allocarrays`, version from deno.json, ESM, exports one for one with
//                      deno.json's (`types` and `default` conditions: `import` and, on Node
//                      >= 20.19, `require`), repository links, no dependencies
//   npm/esm/**         JavaScript (ES2022: `using` lowered for Node 20) + .d.ts + source maps,
//                      compiled by tsc from npm `typescript` (pinned in deno.json); the
//                      declarations compile under `lib: ["ES2022", "DOM"]` without @types/node
//   npm/README.md      README.md for npm users (scripts/_npm_readme.ts): repo-only parts left
//                      out, links absolute
//   npm/LICENSE
//
// then checks the result with publint (pinned in deno.json); any message fails the build.
//
//   deno task build:npm

import ts from "typescript";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import * as path from "node:path";
import {
  addVirtualFile,
  BUILD_STAMP,
  type DenoConfig,
  ESM_DIR,
  exportStem,
  formatDiagnostics,
  JSR_NAME,
  libraryCompilerOptions,
  NPM_DIR,
  PACKAGE_NAME,
  readDenoConfig,
  removeIfExists,
  REPOSITORY_URL,
  rewriteSelfImports,
  ROOT,
  walkFiles,
} from "./_npm.ts";
import { npmReadme } from "./_npm_readme.ts";

const DESCRIPTION =
  "Bump/arena allocation for typed-array code: a port of Julia's Bumper.jl and AllocArrays.jl";
const KEYWORDS = [
  "allocator",
  "arena",
  "bump-allocator",
  "typed-array",
  "ndarray",
  "memory",
  "bumper",
];

/** `./x.ts` → `./x.js` for relative specifiers; others unchanged. */
function jsSpecifier(specifier: string): string {
  return /^\.\.?\//.test(specifier) ? specifier.replace(/\.(m?)ts$/, ".$1js") : specifier;
}

/**
 * A declaration transformer doing for `.d.ts` files what `rewriteRelativeImportExtensions` does
 * for JavaScript (tsc leaves `./x.ts` in declarations, which TypeScript before 5.0 and other
 * tools cannot resolve).
 */
const rewriteDeclarationImports: ts.TransformerFactory<ts.SourceFile | ts.Bundle> = (ctx) => {
  const f = ctx.factory;
  const literal = (node: ts.Expression | undefined) =>
    node && ts.isStringLiteral(node) && jsSpecifier(node.text) !== node.text
      ? f.createStringLiteral(jsSpecifier(node.text))
      : undefined;
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node)) {
      const s = literal(node.moduleSpecifier);
      if (s) {
        return f.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          s,
          node.attributes,
        );
      }
    } else if (ts.isExportDeclaration(node)) {
      const s = literal(node.moduleSpecifier);
      if (s) {
        return f.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          s,
          node.attributes,
        );
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const s = literal(node.argument.literal as ts.Expression);
      if (s) {
        return f.updateImportTypeNode(
          node,
          f.updateLiteralTypeNode(node.argument, s),
          node.attributes,
          node.qualifier,
          node.typeArguments?.map((t) => ts.visitNode(t, visit) as ts.TypeNode),
          node.isTypeOf,
        );
      }
    }
    return ts.visitEachChild(node, visit, ctx);
  };
  return (root) => ts.visitNode(root, visit) as ts.SourceFile | ts.Bundle;
};

/**
 * The explicit-resource-management types the declarations use (`Region` and sub-arenas are
 * `Disposable`), for TypeScript programs whose `lib` lacks them (ES2022, no esnext.disposable,
 * no @types/node). They are @types/node's own declarations, which merge with TypeScript's
 * `lib.esnext.disposable` where a program has it.
 */
const DISPOSABLE_FILE = "_disposable.d.ts";
const DISPOSABLE_TEXT =
  `// Explicit resource management types for programs whose \`lib\` lacks them (ES2022 and older);
// they merge with TypeScript's lib.esnext.disposable and @types/node's identical declarations.
interface SymbolConstructor {
  readonly dispose: unique symbol;
}
interface Disposable {
  [Symbol.dispose](): void;
}
`;
const USES_DISPOSABLE = /\[Symbol\.dispose\]|\bimplements\b[^{]*\bDisposable\b/;

/** `text` (a declaration file at `fileName`) with a reference to the disposable types if it uses them. */
function withDisposableReference(fileName: string, text: string): string {
  if (!USES_DISPOSABLE.test(text)) return text;
  const rel = path.relative(path.dirname(fileName), path.join(ESM_DIR, DISPOSABLE_FILE));
  const spec = rel.startsWith(".") ? rel : `./${rel}`;
  return `/// <reference path="${spec.split(path.sep).join("/")}" />\n${text}`;
}

/**
 * The Node modules the testing entry point (`./testing`) imports, declared as far as it uses
 * them: the library is compiled without @types/node, which would let the rest of it use Node's
 * APIs unnoticed. Deno's type check and the Node test build check `testing/` against Node's own
 * types; its declarations mention none of these.
 */
const NODE_TEST_TYPES_FILE = path.join(ROOT, "__node_test_modules__.d.ts");
const NODE_TEST_TYPES = `declare module "node:test" {
  export function describe(name: string, fn: () => void): void;
  export function it(name: string, fn: () => void | Promise<void>): void;
}
declare module "node:assert/strict" {
  interface Assert {
    (value: unknown, message?: string): asserts value;
    ok(value: unknown, message?: string): asserts value;
    equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    throws(fn: () => unknown, expected?: unknown, message?: string): void;
  }
  const assert: Assert;
  export default assert;
}
`;

/** Compiles the library's entry points (and what they import) into `npm/esm/`. */
function compileLibrary(config: DenoConfig): void {
  const options = libraryCompilerOptions(config);
  const roots = Object.values(config.exports).map((t) => path.join(ROOT, t));
  const host = ts.createCompilerHost(options);
  addVirtualFile(host, NODE_TEST_TYPES_FILE, NODE_TEST_TYPES);
  const program = ts.createProgram({
    rootNames: [...roots, NODE_TEST_TYPES_FILE],
    options,
    host,
  });

  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(`Cannot compile the library:\n${formatDiagnostics(diagnostics)}`);
  }
  for (const sf of program.getSourceFiles()) {
    if (program.isSourceFileDefaultLibrary(sf) || sf.isDeclarationFile) continue;
    const rel = path.relative(ROOT, sf.fileName);
    if (rel.startsWith("..") || /^(tests|benches|scripts|examples)[\\/]/.test(rel)) {
      throw new Error(
        `Cannot compile the library: it imports ${rel}, which is not library source`,
      );
    }
  }
  // Doc examples import the JSR name; npm users import the npm name.
  const writeFile: ts.WriteFileCallback = (fileName, text, bom) => {
    const out = fileName.endsWith(".d.ts") ? withDisposableReference(fileName, text) : text;
    ts.sys.writeFile(fileName, rewriteSelfImports(out), bom);
  };
  const result = program.emit(undefined, writeFile, undefined, false, {
    afterDeclarations: [rewriteDeclarationImports],
  });
  if (result.emitSkipped || result.diagnostics.length > 0) {
    throw new Error(`Cannot emit the library:\n${formatDiagnostics(result.diagnostics)}`);
  }
  Deno.writeTextFileSync(path.join(ESM_DIR, DISPOSABLE_FILE), DISPOSABLE_TEXT);
}

/** The package.json of the npm package. */
function packageJson(config: DenoConfig): Record<string, unknown> {
  // `default`, not `import`: the same ES module serves `import` and, on Node >= 20.19
  // (require(esm)), `require`.
  const exports: Record<string, { types: string; default: string }> = {};
  for (const [key, target] of Object.entries(config.exports)) {
    const stem = exportStem(target);
    exports[key] = { types: `./esm/${stem}.d.ts`, default: `./esm/${stem}.js` };
  }
  const main = exports["."];
  return {
    name: PACKAGE_NAME,
    version: config.version,
    description: DESCRIPTION,
    keywords: KEYWORDS,
    license: config.license,
    repository: { type: "git", url: `git+${REPOSITORY_URL}.git` },
    homepage: `${REPOSITORY_URL}#readme`,
    bugs: { url: `${REPOSITORY_URL}/issues` },
    type: "module",
    ...(main ? { types: main.types } : {}),
    exports,
    files: ["esm/"],
    sideEffects: false,
    engines: { node: ">=20" },
  };
}

/** Checks that every export target and its declarations exist in the build. */
function checkExports(pkg: Record<string, unknown>): void {
  const exports = pkg.exports as Record<string, Record<string, string>>;
  for (const [key, conditions] of Object.entries(exports)) {
    for (const [condition, target] of Object.entries(conditions)) {
      try {
        Deno.statSync(path.join(NPM_DIR, target));
      } catch {
        throw new Error(
          `Cannot build the npm package: export "${key}" (${condition}) points to ${target}, which was not emitted`,
        );
      }
    }
  }
}

/** Lints the package with publint; any error, warning or suggestion fails the build. */
async function lintPackage(): Promise<void> {
  const { messages, pkg } = await publint({ pkgDir: NPM_DIR, level: "suggestion", pack: "npm" });
  if (messages.length > 0) {
    const lines = messages.map((m) => `  ${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    throw new Error(`Cannot publish npm/: publint reports\n${lines.join("\n")}`);
  }
}

/** Builds npm/ from scratch (keeping the test and smoke folders' installed dependencies). */
export async function buildNpm(): Promise<void> {
  const started = performance.now();
  const config = readDenoConfig();
  if (config.name !== JSR_NAME) {
    throw new Error(
      `Cannot build the npm package: deno.json name is ${config.name}, expected ${JSR_NAME}`,
    );
  }
  Deno.mkdirSync(NPM_DIR, { recursive: true });
  for (const entry of Deno.readDirSync(NPM_DIR)) {
    if (entry.name === ".test" || entry.name === ".smoke") continue;
    removeIfExists(path.join(NPM_DIR, entry.name));
  }

  compileLibrary(config);
  const readme = npmReadme(Deno.readTextFileSync(path.join(ROOT, "README.md")), {
    repository: REPOSITORY_URL,
    rewriteImports: rewriteSelfImports,
  });
  const pkg = packageJson(config);
  Deno.writeTextFileSync(path.join(NPM_DIR, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  Deno.writeTextFileSync(path.join(NPM_DIR, "README.md"), readme);
  Deno.copyFileSync(path.join(ROOT, "LICENSE"), path.join(NPM_DIR, "LICENSE"));
  checkExports(pkg);
  await lintPackage();

  Deno.writeTextFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
  const files = walkFiles(ESM_DIR);
  const js = files.filter((f) => f.endsWith(".js")).length;
  const ms = Math.round(performance.now() - started);
  console.log(
    `npm build: ${PACKAGE_NAME}@${config.version} in ${
      path.relative(ROOT, NPM_DIR)
    }/ (${js} modules, ${files.length} files, publint clean) in ${ms} ms`,
  );
}

if (import.meta.main) {
  try {
    await buildNpm();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
