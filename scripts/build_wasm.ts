// Assembles the WebAssembly text sources of the repository (every `*.wat` outside npm/ and
// node_modules/) with the npm `wabt` package (pinned in deno.json) and writes each one's
// compiled bytes, base64, into a TypeScript module beside it (`x.wat` → `x_wat.ts`), so that
// users of the package need no toolchain.
//
//   deno task build:wasm           regenerate the modules
//   deno task build:wasm --check   fail (exit 1) when a committed module differs from its source
//
// Two small conveniences on top of plain WebAssembly text, both expanded before assembly:
//
// - Element-type templates. The lines between `;; @each-type f32 f64` and `;; @end` are
//   repeated once per listed type with `{{t}}` (f32 or f64), `{{v}}` (the SIMD shape, f32x4
//   or f64x2), `{{b}}` (bytes per element, 4 or 8), `{{l}}` (lanes per vector, 4 or 2),
//   `{{splat}}` (v128.load32_splat or v128.load64_splat), `{{even}}` and `{{odd}}` (the
//   i8x16.shuffle lanes picking the even or odd elements of two vectors) replaced, and `{{…}}` holding
//   arithmetic on `b` and `l` (`{{3*b}}`, `{{2*l}}`) replaced by its value.
// - A shared-memory variant. A module whose memory import is `(import "env" "memory"
//   (memory N))` is assembled a second time importing `(memory N 65536 shared)` (a shared
//   memory can only be given to a module that declares it shared); the TypeScript module
//   exports both, `WASM` and `WASM_SHARED`.

import wabtInit from "wabt";
import * as path from "node:path";
import { npmPin, readDenoConfig, ROOT } from "./_npm.ts";

/** The wabt version, from its pin (scripts/deps/wabt.ts), named in the generated modules. */
const WABT_VERSION = npmPin(readDenoConfig(), "wabt");

const TYPES: Record<string, Record<string, string | number>> = {
  f32: {
    t: "f32",
    v: "f32x4",
    b: 4,
    l: 4,
    splat: "v128.load32_splat",
    even: "0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27",
    odd: "4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31",
  },
  f64: {
    t: "f64",
    v: "f64x2",
    b: 8,
    l: 2,
    splat: "v128.load64_splat",
    even: "0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23",
    odd: "8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31",
  },
};

const MEMORY_IMPORT = /\(import "env" "memory" \(memory (\d+)\)\)/;

/** Evaluates `+ - * /` and parentheses over integers (the templates' offsets). */
function evaluate(expr: string, where: string): number {
  const tokens = expr.match(/\d+|[-+*/()]/g) ?? [];
  if (tokens.join("") !== expr.replace(/\s+/g, "")) {
    throw new Error(`Cannot expand ${where}: {{${expr}}} is not arithmetic on b and l`);
  }
  let i = 0;
  const primary = (): number => {
    const tok = tokens[i++];
    if (tok === "(") {
      const v = sum();
      i++; // ")"
      return v;
    }
    if (tok === "-") return -primary();
    return Number(tok);
  };
  const product = (): number => {
    let v = primary();
    while (tokens[i] === "*" || tokens[i] === "/") {
      v = tokens[i++] === "*" ? v * primary() : v / primary();
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[i] === "+" || tokens[i] === "-") {
      v = tokens[i++] === "+" ? v + product() : v - product();
    }
    return v;
  };
  const value = sum();
  if (!Number.isInteger(value)) throw new Error(`Cannot expand ${where}: {{${expr}}} = ${value}`);
  return value;
}

/** Expands the `;; @each-type` blocks of `text`. */
export function expandTemplates(text: string, where: string): string {
  return text.replace(
    /^[ \t]*;; @each-type ([^\n]+)\n([\s\S]*?)^[ \t]*;; @end\n/gm,
    (_, list: string, body: string) =>
      list.trim().split(/\s+/).map((t) => {
        const vars = TYPES[t];
        if (vars === undefined) throw new Error(`Cannot expand ${where}: unknown type ${t}`);
        return body.replace(/\{\{([^}]+)\}\}/g, (_m, key: string) => {
          const k = key.trim();
          if (k in vars) return String(vars[k]);
          return String(
            evaluate(k.replace(/\bb\b/g, `${vars.b}`).replace(/\bl\b/g, `${vars.l}`), where),
          );
        });
      }).join(""),
  );
}

/** Assembles WebAssembly text into a module's bytes. */
async function assemble(text: string, file: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const features = { simd: true, threads: true };
  const mod = wabt.parseWat(file, text, features);
  try {
    mod.resolveNames();
    // validate() takes the features too, although wabt's typings omit the parameter.
    (mod.validate as (features: object) => void)(features);
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** The TypeScript module for the source `file` (relative to the root). */
export async function moduleText(file: string): Promise<string> {
  const source = Deno.readTextFileSync(path.join(ROOT, file));
  const text = expandTemplates(source, file);
  const plain = await assemble(text, file);
  const name = path.basename(file);
  const lines = [
    `// Generated by \`deno task build:wasm\` from ${name} (wabt ${WABT_VERSION}): edit the source, not`,
    "// this file. `deno task check` fails when the two disagree.",
    "",
    `/** The module assembled from ${name} (${plain.length} bytes), base64. */`,
    `export const WASM =\n  "${base64(plain)}";`,
  ];
  const m = text.match(MEMORY_IMPORT);
  if (m !== null) {
    const shared = await assemble(
      text.replace(MEMORY_IMPORT, `(import "env" "memory" (memory ${m[1]} 65536 shared))`),
      file,
    );
    lines.push(
      "",
      `/** The same module importing a shared memory (${shared.length} bytes), base64. */`,
      `export const WASM_SHARED =\n  "${base64(shared)}";`,
    );
  }
  return lines.join("\n") + "\n";
}

/** `x.wat` → `x_wat.ts`. */
export function outputOf(file: string): string {
  return file.replace(/\.wat$/, "_wat.ts");
}

/** The `.wat` sources under `dir` (default the root), relative to the root, sorted. */
export function sources(dir = ROOT): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.startsWith(".") || entry.name === "npm" || entry.name === "node_modules") {
      continue;
    }
    const p = path.join(dir, entry.name);
    if (entry.isDirectory) out.push(...sources(p));
    else if (entry.isFile && entry.name.endsWith(".wat")) {
      out.push(path.relative(ROOT, p).split(path.sep).join("/"));
    }
  }
  return out.sort();
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  let stale = 0;
  for (const file of sources()) {
    const out = outputOf(file);
    const want = await moduleText(file);
    let have = "";
    try {
      have = Deno.readTextFileSync(path.join(ROOT, out));
    } catch {
      // not generated yet
    }
    if (have === want) continue;
    if (check) {
      console.error(`${out} does not match ${file}: run deno task build:wasm`);
      stale++;
    } else {
      Deno.writeTextFileSync(path.join(ROOT, out), want);
      console.log(`wrote ${out}`);
    }
  }
  if (stale > 0) Deno.exit(1);
}
