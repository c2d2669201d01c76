// Checks the library's import graph against its layers, and prints the graph between folders:
//
//   allocators → scope → arrays → arrays/ops → arrays/nn → testing   (each imports only leftwards)
//
// - A file may import files of its own folder, and the public (not `_`-prefixed) files of the
//   folders before it. Another folder's `_` file is private to that folder.
// - `_internal/` holds the package-private code several folders share. An `_internal/` file sits
//   at the layer of the highest folder it imports (transitively), and only that layer and the
//   ones after it may import it.
// - Library code never imports tests, examples, benches or scripts, and no import cycle exists.
// - `mod.ts` at the root re-exports the folders' `mod.ts` files and is checked like a file of
//   the last layer.
//
//   deno task check:layers          exits 1 and lists every violation
//   deno task check:layers --graph  also prints the folder graph (Mermaid)

import * as path from "node:path";
import { folderGraph, folderOf, LAYERS, layerViolations, readTree } from "./_layers.ts";

const root = path.join(import.meta.dirname!, "..");
const files = readTree(root);
const problems = layerViolations(files);
if (Deno.args.includes("--graph")) {
  console.log("flowchart LR");
  for (const [edge, n] of [...folderGraph(files)].sort()) {
    const [a, b] = edge.split(" → ");
    console.log(`  ${JSON.stringify(a)} -->|${n}| ${JSON.stringify(b)}`);
  }
}
if (problems.length > 0) {
  console.error(
    `Layer check failed (${problems.length}):\n` + problems.map((p) => `  ${p}`).join("\n"),
  );
  Deno.exit(1);
} else {
  console.log(
    `Layer check: ${
      [...files.keys()].filter((f) => folderOf(f) !== null).length
    } library files, imports follow ${LAYERS.join(" → ")}`,
  );
}
