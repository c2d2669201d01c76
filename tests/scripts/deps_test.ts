// The rules of scripts/deps/ (see its README.md): deno.json names no npm package directly, so
// `deno task` installs nothing before a task runs, and the demo downloads nothing.

import { describe, it } from "node:test";
import assert from "node:assert/strict";

const DENO_ONLY = typeof Deno === "undefined" && "reads deno.json and runs deno task";
const ROOT = new URL("../../", import.meta.url);

describe("scripts/deps", () => {
  it("deno.json maps every npm package to a scripts/deps file that re-exports one exact version", {
    skip: DENO_ONLY,
  }, () => {
    const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)));
    assert.equal(
      config.lock,
      false,
      "deno task installs every npm package of the lock file it finds: tasks that use npm pass --lock=deno.lock",
    );
    const imports = Object.entries(config.imports as Record<string, string>);
    assert.ok(imports.length > 0);
    for (const [name, target] of imports) {
      assert.ok(
        !target.startsWith("npm:"),
        `deno.json imports ${name} from ${target}: deno task would install it before every task; re-export it from scripts/deps/ instead`,
      );
      assert.match(target, /^\.\/scripts\/deps\/[a-z0-9_]+\.ts$/, name);
      const text = Deno.readTextFileSync(new URL(target, ROOT));
      const specs = [...text.matchAll(/["'](npm:[^"']+)["']/g)].map((m) => m[1]);
      assert.ok(specs.length > 0, `${target} re-exports no npm package`);
      for (const spec of specs) {
        const m = /^npm:((?:@[^/@]+\/)?[^/@]+)@(\d+\.\d+\.\d+)(\/.*)?$/.exec(spec);
        assert.ok(m, `${target}: ${spec} is not npm:<name>@<exact version>`);
        if (m[1] === `@types/${name}`) continue; // its types, for a package without its own
        assert.equal(`${m[1]}${m[3] ?? ""}`, name, `${target} re-exports ${spec} for ${name}`);
      }
    }
  });

  it("deno task demo downloads no npm package on a machine with an empty Deno cache", {
    skip: DENO_ONLY,
  }, async () => {
    const denoDir = Deno.makeTempDirSync({ prefix: "allocarrays-deno-dir-" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["task", "demo", "--help"],
        cwd: ROOT,
        env: { DENO_DIR: denoDir, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.ok(out.success, stderr);
      assert.match(new TextDecoder().decode(out.stdout), /deno task demo/);
      assert.doesNotMatch(stderr, /Download/);
      let packages: string[] = [];
      try {
        packages = [...Deno.readDirSync(`${denoDir}/npm/registry.npmjs.org`)].map((e) => e.name);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      assert.deepEqual(packages, []);
    } finally {
      Deno.removeSync(denoDir, { recursive: true });
    }
  });
});
