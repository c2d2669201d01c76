// Package smoke test: uses the npm build the way a user does.
//
// 1. (re)builds npm/ if needed, then `npm pack`s it and checks the tarball's file list;
// 2. installs the tarball (plus @types/node 20) into a fresh scratch project, npm/.smoke/consumer;
// 3. type-checks a TypeScript consumer, the JavaScript demo and a CommonJS script with
//    `tsc --noEmit` (npm `typescript`, pinned in deno.json), declarations included
//    (`skipLibCheck: false`), under three configurations: NodeNext resolution, bundler
//    resolution with TypeScript's default `lib`, and a browser's `lib: ES2022 + DOM` without
//    @types/node;
// 4. runs the demo with node: ESM imports of every entry point, a region on an AllocBuffer, the
//    user-written allocator of examples/my_alloc_buffer.ts (transpiled into the consumer,
//    importing the package), and AllocArrays.jl's `basic_reduction` demo;
// 5. runs the CommonJS script with node: `require` of every entry point (Node >= 20.19);
// 6. runs a user's test file with `node --test`: allocarrays/testing's conformance suite and
//    FailingAllocator against the README's example allocator (examples/my_alloc_buffer.ts).
//
// Every demo part must run: a name a part needs that the package does not export fails the
// smoke test, naming the part and the name.
//
//   deno task smoke

import ts from "typescript";
import * as path from "node:path";
import { buildNpm } from "./build_npm.ts";
import {
  buildIsFresh,
  type DenoConfig,
  exportStem,
  formatDiagnostics,
  NPM,
  NPM_DIR,
  NPM_INSTALL_FLAGS,
  npmPin,
  PACKAGE_NAME,
  readDenoConfig,
  removeIfExists,
  ROOT,
  run,
  SMOKE_DIR,
  TYPES_NODE_VERSION,
} from "./_npm.ts";

const CONSUMER_DIR = path.join(SMOKE_DIR, "consumer");

/**
 * One part of the demo. `needs` are the runtime names it imports from the package root (each
 * must be exported, or the smoke test fails), `types` the type-only names, `example` the names it imports
 * from examples/my_alloc_buffer.ts; `js` runs under node and is type-checked (`checkJs`), `ts`
 * is type-checked only.
 */
interface Part {
  name: string;
  needs: string[];
  types?: string[];
  example?: string[];
  js?: string;
  ts?: string;
}

const PARTS: Part[] = [
  {
    name: "the user-written allocator of examples/my_alloc_buffer.ts through the protocol",
    needs: ["isAllocator", "alloc", "noEscape", "OutOfMemoryError"],
    types: ["Allocator"],
    example: ["MyAllocBuffer", "f"],
    ts: `
const mine: Allocator<number> = new MyAllocBuffer(64);
const ok: boolean = isAllocator(mine);
const nine: number = f([1, 2, 3], new MyAllocBuffer(100));
console.log(ok, nine);
`,
    js: `
const mine = new MyAllocBuffer(100);
assert.ok(isAllocator(mine));
assert.ok(!isAllocator({ allocPtr() {} }));
assert.equal(f([1, 2, 3], mine), 9);
assert.equal(mine.offset, 0);
assert.throws(() => noEscape(mine, () => alloc(mine, Float64Array, 100)), OutOfMemoryError);
assert.equal(mine.offset, 0);
`,
  },
  {
    name: "alloc in a noEscape region on an AllocBuffer (restored on exit)",
    needs: ["AllocBuffer", "alloc", "noEscape", "OutOfMemoryError"],
    ts: `
const abuf = new AllocBuffer(1024);
const total: number = noEscape(abuf, () => {
  const y: Float64Array = alloc(abuf, Float64Array, 3);
  y.set([2, 3, 4]);
  return y[0] + y[1] + y[2];
});
console.log(total);
`,
    js: `
const buf = new AllocBuffer(1024);
const sum = noEscape(buf, () => {
  const y = alloc(buf, Float64Array, 3);
  y.set([2, 3, 4]);
  const z = alloc(buf, Int32Array, 5);
  z.fill(1);
  assert.equal(y.byteOffset % 8, 0);
  return y.reduce((a, b) => a + b, 0) + z.reduce((a, b) => a + b, 0);
});
assert.equal(sum, 14);
assert.equal(buf.used, 0);
assert.throws(() => alloc(buf, Float64Array, 1000), OutOfMemoryError);
assert.equal(buf.used, 0);
`,
  },
  {
    name: "AllocArray: similar allocates from the allocator withAllocator makes current",
    needs: ["AllocArray", "similar", "withAllocator", "currentAllocator"],
    types: ["Allocator"],
    example: ["MyAllocBuffer"],
    ts: `
const arena = new MyAllocBuffer(4096);
const a: AllocArray<Float64Array> = new AllocArray(new Float64Array(16), [4, 4]);
const b: AllocArray<Float64Array> = withAllocator(arena, () => similar(a));
const c: AllocArray<Int32Array> = withAllocator(arena, () => similar(a, Int32Array, [2]));
const current: Allocator = currentAllocator();
console.log(b.shape, c.dtype, current);
`,
    js: `
const arena = new MyAllocBuffer(4096);
const a = new AllocArray(new Float64Array(16).fill(1), [4, 4]);
const outside = currentAllocator();
const b = withAllocator(arena, () => {
  assert.equal(currentAllocator(), arena);
  return similar(a);
});
assert.ok(b instanceof AllocArray);
assert.deepEqual(b.shape, [4, 4]);
assert.equal(b.data.buffer, arena.buf);
assert.equal(arena.offset, 16 * 8);
assert.equal(currentAllocator(), outside);
assert.notEqual(similar(a).data.buffer, arena.buf);
`,
  },
  {
    name: "AllocArrays.jl's basic_reduction through similar, heap vs BumperAllocator",
    needs: [
      "AllocArray",
      "BumperAllocator",
      "add",
      "copyTo",
      "reset",
      "similar",
      "sum",
      "withAllocator",
    ],
    types: ["NDArray"],
    ts: `
function someAllocatingFunction(a: NDArray<Float64Array>) {
  const b = similar(a);
  copyTo(a, b);
  const c = similar(a);
  copyTo(a, c);
  return { b, c };
}
function basicReduction(a: NDArray<Float64Array>): number {
  const { b, c } = someAllocatingFunction(a);
  return sum(add(b, c));
}
const bumper = new BumperAllocator(1 << 23);
const s: number = withAllocator(bumper, () => basicReduction(new AllocArray(new Float64Array(8))));
reset(bumper);
console.log(s);
`,
    js: `
// AllocArrays.jl's README demo: code that only allocates through similar.
/** @param {import("${PACKAGE_NAME}").NDArray<Float64Array>} a */
function someAllocatingFunction(a) {
  const b = similar(a);
  copyTo(a, b);
  const c = similar(a);
  copyTo(a, c);
  return { b, c };
}
/** @param {import("${PACKAGE_NAME}").NDArray<Float64Array>} a */
function basicReduction(a) {
  const { b, c } = someAllocatingFunction(a);
  return sum(add(b, c));
}
const arr = new Float64Array(100_000).fill(1);
const a = new AllocArray(arr);
const heap = basicReduction(a);
const bumper = new BumperAllocator(1 << 23);
const bumped = withAllocator(bumper, () => basicReduction(a));
assert.equal(heap, 200_000);
assert.equal(bumped, heap);
const used = /** @type {{ used: number }} */ (/** @type {unknown} */ (bumper.buffer)).used;
assert.ok(used >= 3 * 800_000, "b, c and b + c come from the bumper: " + used + " bytes");
reset(bumper);
assert.equal(/** @type {{ used: number }} */ (/** @type {unknown} */ (bumper.buffer)).used, 0);
`,
  },
];

/** Entry points that the root does not re-export. */
const SEPARATE_ENTRIES: ReadonlySet<string> = new Set(["./testing"]);

/**
 * The README's example allocator (examples/my_alloc_buffer.ts) as a user's JavaScript module
 * in the consumer project: transpiled, its imports of the library turned into the package's
 * entry points.
 */
function writeExampleAllocator(config: DenoConfig): void {
  const file = path.join(ROOT, "examples", "my_alloc_buffer.ts");
  const entries = new Map(
    Object.entries(config.exports).map(([k, t]) => [path.join(ROOT, t), PACKAGE_NAME + k.slice(1)]),
  );
  const source = Deno.readTextFileSync(file).replace(
    /(from\s*)(["'])(\.\.?\/[^"']+)\2/g,
    (_m, lead: string, q: string, spec: string) => {
      const entry = entries.get(path.resolve(path.dirname(file), spec));
      if (entry === undefined) {
        throw new Error(
          `Cannot use ${file} in the smoke test: it imports ${spec}, which is no entry point of the package`,
        );
      }
      return `${lead}${q}${entry}${q}`;
    },
  );
  const compilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };
  const js = ts.transpileModule(source, { compilerOptions, fileName: file });
  const dts = ts.transpileDeclaration(source, { compilerOptions, fileName: file });
  if (dts.diagnostics?.length) {
    throw new Error(`Cannot declare ${file}:\n${formatDiagnostics(dts.diagnostics)}`);
  }
  Deno.writeTextFileSync(path.join(CONSUMER_DIR, "my_alloc_buffer.mjs"), js.outputText);
  Deno.writeTextFileSync(path.join(CONSUMER_DIR, "my_alloc_buffer.d.mts"), dts.outputText);
}

/**
 * A user's test file for the example allocator with the testing kit: the conformance suite,
 * and its out-of-memory path driven by a FailingAllocator. `node --test` runs it.
 */
const ALLOCATOR_TEST =
  `// Generated by scripts/smoke_test.ts: allocarrays/testing used as an allocator's author would.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { alloc, noEscape, OutOfMemoryError } from "${PACKAGE_NAME}";
import { conformanceSuite, FailingAllocator } from "${PACKAGE_NAME}/testing";
import { MyAllocBuffer } from "./my_alloc_buffer.mjs";

conformanceSuite("MyAllocBuffer", () => new MyAllocBuffer(8192));

describe("MyAllocBuffer out of memory", () => {
  it("a region whose second allocation fails frees the first", () => {
    const inner = new MyAllocBuffer(1024);
    const buf = new FailingAllocator(inner, { failAt: 2 });
    assert.throws(
      () =>
        noEscape(buf, () => {
          alloc(buf, Float64Array, 4);
          alloc(buf, Float64Array, 4);
        }),
      OutOfMemoryError,
    );
    assert.equal(inner.offset, 0);
    assert.equal(buf.failures, 1);
  });
});
`;

/** The packed tarball's name and files, checked against what the package must contain. */
async function pack(config: DenoConfig): Promise<string> {
  removeIfExists(SMOKE_DIR);
  Deno.mkdirSync(SMOKE_DIR, { recursive: true });
  const out = await run(NPM, ["pack", "--json", "--pack-destination", SMOKE_DIR], {
    cwd: NPM_DIR,
    capture: true,
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  const files = new Set(info.files.map((f) => f.path));
  const required = ["package.json", "README.md", "LICENSE"];
  for (const target of Object.values(config.exports)) {
    const stem = exportStem(target);
    required.push(`esm/${stem}.js`, `esm/${stem}.d.ts`, `esm/${stem}.js.map`);
  }
  const absent = required.filter((f) => !files.has(f));
  const listed: string[] = JSON.parse(
    Deno.readTextFileSync(path.join(NPM_DIR, "package.json")),
  ).files;
  const stray = [...files].filter((f) =>
    !required.includes(f) && !f.startsWith("esm/") && !listed.includes(f)
  );
  if (absent.length > 0 || stray.length > 0) {
    throw new Error(
      `Cannot accept the packed tarball ${info.filename}: missing [${
        absent.join(", ")
      }], unexpected [${stray.join(", ")}]`,
    );
  }
  console.log(`smoke: packed ${info.filename} (${files.size} files)`);
  return path.join(SMOKE_DIR, info.filename);
}

/** A fresh consumer project with the tarball installed. */
async function install(tarball: string): Promise<void> {
  Deno.mkdirSync(CONSUMER_DIR, { recursive: true });
  const pkg = {
    name: "allocarrays-smoke-consumer",
    private: true,
    type: "module",
    dependencies: { [PACKAGE_NAME]: `file:${path.relative(CONSUMER_DIR, tarball)}` },
    devDependencies: { "@types/node": TYPES_NODE_VERSION },
  };
  writeJson(path.join(CONSUMER_DIR, "package.json"), pkg);
  await run(NPM, ["install", ...NPM_INSTALL_FLAGS], { cwd: CONSUMER_DIR });
}

/** The names the installed package's root exports at run time, as node sees them. */
async function runtimeExports(): Promise<Set<string>> {
  const script = `const m = await import(${
    JSON.stringify(PACKAGE_NAME)
  }); console.log(JSON.stringify(Object.keys(m)));`;
  const out = await run("node", ["--input-type=module", "-e", script], {
    cwd: CONSUMER_DIR,
    capture: true,
  });
  return new Set(JSON.parse(out) as string[]);
}

/**
 * The demo parts' names the package does not export at run time, as `"part": name, …` lines;
 * empty when every part can run.
 */
function missingExports(parts: readonly Part[], names: ReadonlySet<string>): string[] {
  return parts.flatMap((p) => {
    const missing = p.needs.filter((n) => !names.has(n));
    return missing.length > 0 ? [`"${p.name}": ${missing.join(", ")}`] : [];
  });
}

/** Writes demo.mjs and consumer.ts from every part; throws when the package lacks a name. */
function writeSources(config: DenoConfig, names: Set<string>): Part[] {
  const missing = missingExports(PARTS, names);
  if (missing.length > 0) {
    throw new Error(
      `Cannot run the smoke demo: the package does not export what its parts import\n  ${
        missing.join("\n  ")
      }`,
    );
  }
  const used = PARTS;
  const runtime = [...new Set(used.flatMap((p) => p.needs))].sort();
  const types = [...new Set(used.flatMap((p) => p.types ?? []))].sort();
  const subpaths = Object.keys(config.exports).filter((k) => k !== ".");
  // Every entry point but the separate ones re-exports names of the root.
  const reexported = subpaths.filter((k) => !SEPARATE_ENTRIES.has(k));
  const subImports = reexported.map((k, i) =>
    `import * as sub${i} from ${JSON.stringify(PACKAGE_NAME + k.slice(1))};`
  );
  const importLine = (names: string[]) =>
    names.length > 0 ? `import { ${names.join(", ")} } from "${PACKAGE_NAME}";` : "";
  const example = [...new Set(used.flatMap((p) => p.example ?? []))].sort();
  const exampleLine = example.length > 0
    ? `import { ${example.join(", ")} } from "./my_alloc_buffer.mjs";`
    : "";

  const js = [
    "// @ts-check",
    "// Generated by scripts/smoke_test.ts: the package used as a plain ESM user would.",
    'import assert from "node:assert/strict";',
    `import * as root from "${PACKAGE_NAME}";`,
    ...subImports,
    importLine(runtime),
    exampleLine,
    "",
    "// Every subpath's names are the root's, the same objects.",
    ...reexported.map((k, i) =>
      `for (const [k, v] of Object.entries(sub${i})) assert.equal(/** @type {Record<string, unknown>} */ (root)[k], v, ${
        JSON.stringify(k)
      } + " export " + k + " differs from the root's");`
    ),
    ...used.filter((p) => p.js).map((p) => `\n// ${p.name}\n{${p.js}}`),
    `console.log(${JSON.stringify(`smoke demo passed: ${used.map((p) => p.name).join("; ")}`)});`,
    "",
  ].join("\n");
  const ts = [
    "// Generated by scripts/smoke_test.ts: the package used from TypeScript.",
    importLine(runtime),
    exampleLine,
    types.length > 0 ? `import type { ${types.join(", ")} } from "${PACKAGE_NAME}";` : "",
    ...subpaths.map((k) =>
      `import type * as _${k.slice(2).replaceAll("/", "_")} from "${PACKAGE_NAME + k.slice(1)}";`
    ),
    ...used.filter((p) => p.ts).map((p) => `\n// ${p.name}\n{${p.ts}}`),
    "export {};",
    "",
  ].join("\n");
  Deno.writeTextFileSync(path.join(CONSUMER_DIR, "demo.mjs"), js);
  Deno.writeTextFileSync(path.join(CONSUMER_DIR, "consumer.ts"), ts);
  return used;
}

/**
 * The package used from CommonJS: `require` of every entry point (Node >= 20.19 loads the ES
 * modules synchronously) gives the very objects `import` gives.
 */
function writeRequireDemo(config: DenoConfig): void {
  const entries = Object.keys(config.exports).map((k) => PACKAGE_NAME + k.slice(1));
  const cjs = [
    "// @ts-check",
    "// Generated by scripts/smoke_test.ts: the package used from CommonJS (require(esm)).",
    '"use strict";',
    'const assert = require("node:assert/strict");',
    `const { alloc, AllocBuffer, noEscape } = require(${JSON.stringify(PACKAGE_NAME)});`,
    "",
    "const buf = new AllocBuffer(1024);",
    "const sum = noEscape(buf, () => {",
    "  const y = alloc(buf, Float64Array, 3);",
    "  y.set([2, 3, 4]);",
    "  return y[0] + y[1] + y[2];",
    "});",
    "assert.equal(sum, 9);",
    "assert.equal(buf.used, 0);",
    "",
    `const entries = ${JSON.stringify(entries)};`,
    "Promise.all(entries.map(async (entry) => {",
    "  /** @type {Record<string, unknown>} */",
    "  const required = require(entry);",
    "  /** @type {Record<string, unknown>} */",
    "  const imported = await import(entry);",
    "  assert.ok(Object.keys(imported).length > 0, entry + ' exports nothing');",
    "  assert.deepEqual(Object.keys(required).sort(), Object.keys(imported).sort());",
    "  for (const k of Object.keys(imported)) {",
    "    assert.equal(required[k], imported[k], entry + ': ' + k + ' differs between require and import');",
    "  }",
    "})).then(() => {",
    "  console.log('smoke: require() of ' + entries.length + ' entry points gives what import() gives');",
    "});",
    "",
  ].join("\n");
  Deno.writeTextFileSync(path.join(CONSUMER_DIR, "require.cjs"), cjs);
}

/** One configuration a user might have: compiler options and the files it checks. */
interface TsConfig {
  compilerOptions: Record<string, unknown>;
  files: string[];
}

/**
 * tsconfigs a user might have; each must type-check its files against the package, and the
 * package's declarations themselves (`skipLibCheck: false`). NodeNext checks against
 * `lib: ESNext` with @types/node, the CommonJS consumer included; bundler resolution uses
 * TypeScript's default `lib` for ES2022, which has no `Float16Array` (the declarations use
 * `Float16ArrayIfPresent` for that); the browser configuration has `lib: ES2022 + DOM` and no
 * @types/node, so neither Node's types nor explicit resource management's are there.
 */
const TSCONFIGS: Record<string, TsConfig> = {
  "tsconfig.nodenext.json": {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ESNext"],
      types: ["node"],
    },
    files: ["consumer.ts", "demo.mjs", "require.cjs", "allocator.test.mjs"],
  },
  "tsconfig.bundler.json": {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      types: ["node"],
    },
    files: ["consumer.ts", "demo.mjs"],
  },
  "tsconfig.browser.json": {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2022", "DOM"],
      types: [],
    },
    files: ["consumer.ts"],
  },
};

async function typeCheck(config: DenoConfig): Promise<void> {
  const tsc = `npm:typescript@${npmPin(config, "typescript")}/tsc`;
  for (const [file, { compilerOptions, files }] of Object.entries(TSCONFIGS)) {
    writeJson(path.join(CONSUMER_DIR, file), {
      compilerOptions: {
        ...compilerOptions,
        skipLibCheck: false,
        strict: true,
        noEmit: true,
        allowJs: true,
        checkJs: true,
      },
      files,
    });
    await run(Deno.execPath(), ["run", "-A", tsc, "-p", file], { cwd: CONSUMER_DIR });
    console.log(`smoke: tsc --noEmit -p ${file} (${files.join(", ")}): no errors`);
  }
}

function writeJson(file: string, value: unknown): void {
  Deno.writeTextFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

async function main(): Promise<void> {
  const config = readDenoConfig();
  if (!buildIsFresh()) await buildNpm();
  const tarball = await pack(config);
  await install(tarball);
  const names = await runtimeExports();
  const used = writeSources(config, names);
  writeRequireDemo(config);
  writeExampleAllocator(config);
  Deno.writeTextFileSync(path.join(CONSUMER_DIR, "allocator.test.mjs"), ALLOCATOR_TEST);
  await typeCheck(config);
  await run("node", ["demo.mjs"], { cwd: CONSUMER_DIR });
  await run("node", ["require.cjs"], { cwd: CONSUMER_DIR });
  await run("node", ["--test", "--test-reporter=dot", "allocator.test.mjs"], { cwd: CONSUMER_DIR });
  console.log(
    "smoke: node --test allocator.test.mjs: allocarrays/testing's conformance suite and FailingAllocator pass against examples/my_alloc_buffer.ts",
  );
  const relDir = path.relative(ROOT, CONSUMER_DIR);
  console.log(`smoke: all ${used.length} demo parts ran in ${relDir} (${names.size} exports)`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
