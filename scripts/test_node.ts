// Runs the test suite under Node against the npm build:
//
// 1. (re)builds npm/ if it is missing or older than the source (scripts/build_npm.ts);
// 2. installs the tests' npm dependencies, pinned as in deno.json, into npm/.test/ (only
//    there: they are not dependencies of the package), plus @types/node 20 for type-checking;
// 3. type-checks and compiles tests/**/*_test.ts with tsc into npm/.test/tests/, where their
//    relative imports of library code (`../../allocators/mod.ts`) land on links to the built
//    npm/esm/ modules, so the tests exercise the JavaScript that npm users get (anything else
//    they import, such as examples/, is compiled alongside);
// 4. does the same with every runnable doc example, the code blocks `deno test --doc` runs
//    (JSDoc examples of the library, README.md, docs/*.md): each becomes a module of its own
//    in npm/.test/__doc_examples__/ importing the build (`@x/allocarrays` and relative imports
//    rewritten), and one test per example imports it (one test file per documented file);
// 5. runs them all with `node --test` (TAP reporter: its closing `# pass N` / `# fail N` lines
//    are the summary CI reads) and exits with node's exit code.
//
//   deno task test:node [--test-name-pattern=SlabBuffer] [--enable-source-maps]   (args go to node)

import ts from "typescript";
import * as path from "node:path";
import { availableParallelism } from "node:os";
import { buildNpm } from "./build_npm.ts";
import { documentedFiles } from "./check_examples.ts";
import { codeBlocks, rewriteImportSpecifiers } from "./_doc_examples.ts";
import {
  addVirtualFile,
  addVirtualFiles,
  buildIsFresh,
  type DenoConfig,
  ESM_DIR,
  formatDiagnostics,
  JSR_NAME,
  libraryCompilerOptions,
  NPM,
  NPM_INSTALL_FLAGS,
  readDenoConfig,
  removeIfExists,
  ROOT,
  run,
  TEST_DIR,
  testDependencies,
  walkFiles,
} from "./_npm.ts";

const TESTS_DIR = path.join(ROOT, "tests");
/**
 * Where the doc examples' modules and their test files live for the compiler (not on disk:
 * virtual files at the root's level, so their relative imports reach the library and
 * examples/ as the tests' do); they are written to npm/.test/__doc_examples__/.
 */
const DOC_DIR = path.join(ROOT, "__doc_examples__");
const TEST_FILE = /(^|[_.])test\.m?ts$/;
/** Records which dependency set npm/.test/node_modules holds. */
const DEPS_STAMP = path.join(TEST_DIR, "node_modules", ".allocarrays-test-deps.json");
/**
 * Ambient declarations for the test build only. `Deno` exists at run time only under Deno, so
 * a test that uses it must guard (`typeof Deno !== "undefined"`) or skip on Node with a reason.
 */
const GLOBALS_FILE = path.join(TEST_DIR, "__test_globals__.d.ts");
const GLOBALS_TEXT = "declare var Deno: any;\n";

/** Installs the test-only npm dependencies into npm/.test/ unless already there. */
async function installTestDependencies(config: DenoConfig): Promise<void> {
  const deps = testDependencies(config);
  const pkg = { private: true, type: "module", devDependencies: deps };
  const want = JSON.stringify(pkg, null, 2) + "\n";
  Deno.mkdirSync(TEST_DIR, { recursive: true });
  let have = "";
  try {
    have = Deno.readTextFileSync(DEPS_STAMP);
  } catch {
    // not installed yet
  }
  if (have === want) return;
  Deno.writeTextFileSync(path.join(TEST_DIR, "package.json"), want);
  const list = Object.entries(deps).map(([n, v]) => `${n}@${v}`).join(", ");
  console.log(`Installing test dependencies into npm/.test: ${list}`);
  await run(NPM, ["install", "--no-package-lock", ...NPM_INSTALL_FLAGS], { cwd: TEST_DIR });
  Deno.writeTextFileSync(DEPS_STAMP, want);
}

/** Resolves bare specifiers (`"fast-check"`) from npm/.test/node_modules, as Node will. */
function testResolutionHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const bareFrom = path.join(TEST_DIR, "__resolve__.ts");
  addVirtualFile(host, GLOBALS_FILE, GLOBALS_TEXT);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, sf) =>
    literals.map((lit) => {
      const name = lit.text;
      const from = name.startsWith(".") || path.isAbsolute(name) ? containingFile : bareFrom;
      const mode = ts.getModeForUsageLocation(sf, lit, opts);
      return ts.resolveModuleName(name, from, opts, host, undefined, redirected, mode);
    });
  return host;
}

/**
 * The doc examples as virtual modules (path → text) and one test file per documented file
 * that imports each of its examples in a test named `file:line`. Imports of
 * `@x/allocarrays[/entry]` go to the entry point's module, relative ones to the file they
 * name relative to the documented file.
 */
export function docExampleModules(config: DenoConfig): Map<string, string> {
  const modules = new Map<string, string>();
  const entry = (spec: string) => {
    const sub = spec === JSR_NAME ? "." : `.${spec.slice(JSR_NAME.length)}`;
    return config.exports[sub];
  };
  for (const file of documentedFiles()) {
    const blocks = codeBlocks(Deno.readTextFileSync(path.join(ROOT, file)))
      .filter((b) => b.runnable);
    if (blocks.length === 0) continue;
    const stem = file.replace(/[^\w]+/g, "_");
    const tests = ['import { it } from "node:test";', ""];
    for (const b of blocks) {
      const name = `${stem}_L${b.line}.ts`;
      const code = rewriteImportSpecifiers(b.code, (spec) => {
        let target: string | undefined;
        if (spec === JSR_NAME || spec.startsWith(`${JSR_NAME}/`)) {
          const e = entry(spec);
          if (e === undefined) {
            throw new Error(`Cannot run ${file}:${b.line} under Node: ${spec} is no entry point`);
          }
          target = path.join(ROOT, e);
        } else if (spec.startsWith("./") || spec.startsWith("../")) {
          target = path.resolve(path.dirname(path.join(ROOT, file)), spec);
        }
        if (target === undefined) return undefined;
        const rel = path.relative(DOC_DIR, target).split(path.sep).join("/");
        return rel.startsWith(".") ? rel : `./${rel}`;
      });
      // `export {}` keeps a block without imports a module (top-level await, own scope).
      modules.set(path.join(DOC_DIR, name), `${code}\nexport {};\n`);
      tests.push(
        `it(${JSON.stringify(`doc example ${file}:${b.line}`)}, async () => {`,
        `  await import(${JSON.stringify(`./${name}`)});`,
        "});",
      );
    }
    modules.set(path.join(DOC_DIR, `${stem}_examples_test.ts`), tests.join("\n") + "\n");
  }
  return modules;
}

/**
 * Type-checks the tests (and the doc examples' modules) and writes their JavaScript to
 * npm/.test/. Library modules they import are not written: links to npm/esm/ stand in for them.
 */
function compileTests(config: DenoConfig, files: string[], virtual: Map<string, string>): void {
  const options: ts.CompilerOptions = {
    ...libraryCompilerOptions(config),
    outDir: TEST_DIR,
    declaration: false,
    inlineSources: false,
    types: ["node"],
    typeRoots: [path.join(TEST_DIR, "node_modules", "@types")],
    skipLibCheck: true,
    // Errors stop the run before emitting (below), except the doc examples' (shown only).
    noEmitOnError: false,
  };
  const host = testResolutionHost(options);
  addVirtualFiles(host, virtual);
  const program = ts.createProgram({
    rootNames: [...files, ...virtual.keys(), GLOBALS_FILE],
    options,
    host,
  });
  // The doc examples are type-checked by `deno test --doc` against Deno's types; here they
  // only need to run. What tsc with @types/node and TypeScript's own lib says of them is
  // shown, not fatal (their types differ in places, e.g. WebAssembly's).
  const all = ts.getPreEmitDiagnostics(program);
  const inDocs = (d: ts.Diagnostic) =>
    d.file !== undefined && virtual.has(path.resolve(d.file.fileName));
  const diagnostics = all.filter((d) => !inDocs(d));
  const docDiagnostics = all.filter(inDocs);
  if (docDiagnostics.length > 0) {
    console.warn(
      `Warning: ${docDiagnostics.length} type errors in doc examples under tsc (they still run):\n${
        formatDiagnostics(docDiagnostics)
      }`,
    );
  }
  if (diagnostics.length > 0) {
    throw new Error(`Cannot compile the tests for Node:\n${formatDiagnostics(diagnostics)}`);
  }

  // Everything but the installed dependencies is rewritten.
  for (const entry of Deno.readDirSync(TEST_DIR)) {
    if (entry.name !== "node_modules" && entry.name !== "package.json") {
      removeIfExists(path.join(TEST_DIR, entry.name));
    }
  }
  const built = new Set([...Deno.readDirSync(ESM_DIR)].map((e) => e.name));
  const missing: string[] = [];
  const writeFile: ts.WriteFileCallback = (fileName, text, bom) => {
    const rel = path.relative(TEST_DIR, path.resolve(fileName));
    if (!built.has(rel.split(path.sep)[0])) {
      // tests/ and whatever else they import that is not library code (examples/, benches/)
      ts.sys.writeFile(path.join(TEST_DIR, rel), text, bom);
    } else if (rel.endsWith(".js")) {
      // library code: the build's copy is used; it must be there
      try {
        Deno.statSync(path.join(ESM_DIR, rel));
      } catch {
        missing.push(rel);
      }
    }
  };
  const result = program.emit(undefined, writeFile);
  if (result.emitSkipped || result.diagnostics.length > 0) {
    throw new Error(`Cannot emit the tests for Node:\n${formatDiagnostics(result.diagnostics)}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Cannot run the tests against the npm build: they import modules the package does not contain (${
        missing.join(", ")
      }); tests may import only modules reachable from deno.json's exports`,
    );
  }
}

/** Links npm/.test/{mod.js,allocators,...} to npm/esm/ so compiled tests import the build. */
function linkBuild(): void {
  for (const entry of Deno.readDirSync(ESM_DIR)) {
    Deno.symlinkSync(path.join("..", "esm", entry.name), path.join(TEST_DIR, entry.name), {
      type: entry.isDirectory ? "dir" : "file",
    });
  }
}

async function main(nodeArgs: string[]): Promise<number> {
  const config = readDenoConfig();
  if (!buildIsFresh()) await buildNpm();
  const files = walkFiles(TESTS_DIR).filter((f) => TEST_FILE.test(path.basename(f)));
  if (files.length === 0) {
    throw new Error(`Cannot run the Node tests: no test files under ${TESTS_DIR}`);
  }
  await installTestDependencies(config);
  const started = performance.now();
  const docs = docExampleModules(config);
  const docTests = [...docs.keys()].filter((f) => TEST_FILE.test(path.basename(f)));
  compileTests(config, files, docs);
  linkBuild();
  console.log(
    `Compiled ${files.length} test files and ${
      docs.size - docTests.length
    } doc examples (${docTests.length} files) for Node in ${
      Math.round(performance.now() - started)
    } ms; running them with ${await nodeVersion()}`,
  );

  const compiled = [...files, ...docTests].map((f) =>
    path.relative(ROOT, f).replace(/\.(m?)ts$/, ".$1js")
  );
  const { code } = await new Deno.Command("node", {
    args: [
      // No --enable-source-maps by default: run as a user's Node does (pass it to see failures
      // at TypeScript lines; it also changes the paths in stack traces the library reads).
      "--test",
      "--test-reporter=tap",
      `--test-concurrency=${Math.max(1, availableParallelism())}`,
      "--test-timeout=300000",
      ...nodeArgs,
      ...compiled,
    ],
    cwd: TEST_DIR,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

async function nodeVersion(): Promise<string> {
  const out = await run("node", ["--version"], { capture: true });
  return `Node ${out.trim()}`;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
