// Publish readiness for JSR, the part of `deno task check` after formatting, lint and types:
//
// 1. every exported function, class and variable has an `@example`, and every runnable JSDoc
//    example asserts its results (check_examples.ts);
// 2. `deno publish --dry-run` passes (it fails on slow types itself) and prints no warning
//    (it only prints those, e.g. `warning[unanalyzable-dynamic-import]`, and still succeeds).
//
//   deno run -A scripts/publish_check.ts

import { examplesWithoutAssertions, symbolsWithoutExamples } from "./check_examples.ts";
import { ROOT } from "./_npm.ts";

const WARNING = /^\s*warning(\[[\w-]+\])?:/im;

async function main(): Promise<void> {
  const missing = await symbolsWithoutExamples();
  if (missing.length > 0) {
    throw new Error(
      `Cannot publish: ${missing.length} exported functions, classes or variables have no @example\n  ${
        missing.join("\n  ")
      }`,
    );
  }
  console.log("Every exported function, class and variable has an @example");
  const silent = examplesWithoutAssertions();
  if (silent.length > 0) {
    throw new Error(
      `Cannot publish: ${silent.length} JSDoc examples assert nothing (state results with assert, not in comments)\n  ${
        silent.join("\n  ")
      }`,
    );
  }
  console.log("Every JSDoc example asserts its results");

  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  console.log(text.trimEnd());
  if (code !== 0) throw new Error(`Cannot publish: deno publish --dry-run exited with ${code}`);
  const warning = text.match(WARNING);
  if (warning) {
    throw new Error(`Cannot publish: deno publish --dry-run warns (${warning[0].trim()} …)`);
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
