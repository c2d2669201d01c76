import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { folderGraph, layerViolations, readTree } from "../../scripts/_layers.ts";

/** A small library that follows the layers; tests plant one bad import at a time into it. */
function tree(extra: Record<string, string> = {}): Map<string, string> {
  return new Map(Object.entries({
    "mod.ts": 'export * from "./allocators/mod.ts";\nexport * from "./arrays/nn/mod.ts";\n',
    "allocators/mod.ts": 'export * from "./alloc.ts";\n',
    "allocators/alloc.ts":
      'import { describe } from "../_internal/describe.ts";\nimport { x } from "./_fast.ts";\n',
    "allocators/_fast.ts": "export const x = 1;\n",
    "scope/with.ts": 'import { x } from "../allocators/alloc.ts";\n',
    "arrays/ndarray.ts": 'import { w } from "../scope/with.ts";\nimport { c } from "./_core.ts";\n',
    "arrays/_core.ts": "export const c = 1;\n",
    "arrays/ops/add.ts":
      'import { v } from "../../_internal/operands.ts";\nimport { k } from "./_kernels.ts";\n',
    "arrays/ops/_kernels.ts": "export const k = 1;\n",
    "arrays/nn/mod.ts": 'export * from "./conv.ts";\n',
    "arrays/nn/conv.ts":
      'import { add } from "../ops/add.ts";\nimport { v } from "../../_internal/operands.ts";\n',
    "_internal/describe.ts": "export const d = 1;\n",
    "_internal/operands.ts": 'import { NDArray } from "../arrays/ndarray.ts";\n',
    ...extra,
  }));
}

describe("layerViolations()", () => {
  it("layerViolations() accepts imports that follow allocators → scope → arrays → arrays/ops → arrays/nn", () => {
    assert.deepEqual(layerViolations(tree()), []);
  });

  it("layerViolations() reports an import of another folder's private file", () => {
    const problems = layerViolations(tree({
      "arrays/ops/add.ts": 'import { c } from "../_core.ts";\n',
    }));
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /arrays\/ops\/add\.ts imports arrays\/_core\.ts, a private file of arrays\//,
    );
  });

  it("layerViolations() reports an import against the layer direction", () => {
    const problems = layerViolations(tree({
      "arrays/ops/_kernels.ts": 'import { conv } from "../nn/conv.ts";\n',
    }));
    assert.ok(
      problems.some((p) =>
        /arrays\/ops\/_kernels\.ts imports arrays\/nn\/ against the layer order/.test(p)
      ),
    );
    const up = layerViolations(
      tree({ "allocators/_fast.ts": 'import { w } from "../scope/with.ts";\n' }),
    );
    assert.match(up.join("\n"), /allocators\/_fast\.ts imports scope\/ against the layer order/);
  });

  it("layerViolations() places an _internal file at the highest layer it imports", () => {
    // _internal/operands.ts imports arrays/, so scope/ may not use it.
    const problems = layerViolations(tree({
      "scope/with.ts": 'import { v } from "../_internal/operands.ts";\n',
    }));
    assert.ok(
      problems.some((p) =>
        /scope\/with\.ts imports _internal\/operands\.ts \(which imports arrays\/\) against/.test(p)
      ),
      problems.join("\n"),
    );
  });

  it("layerViolations() reports import cycles, imports of tests and missing files", () => {
    const problems = layerViolations(tree({
      "_internal/describe.ts": 'import { x } from "../allocators/alloc.ts";\n',
      "arrays/_core.ts":
        'import { h } from "../tests/_helpers.ts";\nimport { z } from "./gone.ts";\n',
      "tests/_helpers.ts": "export const h = 1;\n",
    }));
    const text = problems.join("\n");
    assert.match(
      text,
      /import cycle: _internal\/describe\.ts → allocators\/alloc\.ts → _internal\/describe\.ts/,
    );
    assert.match(
      text,
      /arrays\/_core\.ts imports tests\/_helpers\.ts: library code may not import tests/,
    );
    assert.match(text, /arrays\/_core\.ts imports arrays\/gone\.ts, which does not exist/);
  });
});

describe("folderGraph()", () => {
  it("folderGraph() counts the imports between folders", () => {
    const g = folderGraph(tree());
    assert.equal(g.get("arrays/nn → arrays/ops"), 1);
    assert.equal(g.get("arrays/nn → _internal"), 1);
    assert.equal(g.has("arrays/ops → arrays/nn"), false);
  });
});

describe("the library's own import graph", () => {
  it(
    "follows the layers",
    { skip: typeof Deno === "undefined" && "reads the TypeScript sources" },
    () => {
      const root = path.join(import.meta.dirname!, "..", "..");
      assert.deepEqual(layerViolations(readTree(root)), []);
    },
  );
});
