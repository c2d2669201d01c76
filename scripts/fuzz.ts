// The fuzz run: random programs against the reference model of tests/fuzz/_model.ts, for every
// target (each buffer, its poison mode, the shared arena and a sub-arena with one and two
// handles, force-reset by their owner or, for the sub-arena, its parent, a BumperAllocator's
// checked tracking, BumperAllocators and an UncheckedBumperAllocator over one buffer, the
// user-written MyAllocBuffer, one that lies to the library, a ValidatingAllocator; and
// default-buffer tasks that leave work running after they settle), and the figures: programs,
// steps (every operation run, nested ones included, each followed by the model's checks),
// force-resets that ran and time per target. A failure prints the shrunk counterexample program and the seed
// (to replay it) and exits with 1; put the program into tests/fuzz/fuzz_test.ts as a named
// regression test. The last line is the summary the README quotes ("Summary: 18 allocators,
// 180 000 programs, 8.4 million checked steps of which 44 768 force-resets, in 107 s …").
//
//   deno task fuzz                        (10 000 programs per target, a fresh seed)
//   deno task fuzz --runs 50000 --seed 42 --commands 80 --depth 3 --target Slab
//
// Not part of the normal test run, which runs a small fixed-seed sample
// (tests/fuzz/fuzz_test.ts).

import { parseArgs } from "node:util";
import { fuzz, type FuzzFigures, TARGETS } from "../tests/fuzz/_model.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "10000" },
    seed: { type: "string" },
    commands: { type: "string", default: "50" },
    depth: { type: "string", default: "3" },
    target: { type: "string", default: "" },
  },
});

const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const maxCommands = Number(values.commands);
const depth = Number(values.depth);
for (
  const [name, n] of [["runs", runs], ["seed", seed], ["commands", maxCommands], [
    "depth",
    depth,
  ]] as const
) {
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`Cannot run the fuzzer: --${name} must be a non-negative integer, got ${n}`);
    Deno.exit(2);
  }
}
const targets = TARGETS.filter((t) => t.name.includes(values.target));
if (targets.length === 0) {
  console.error(`Cannot run the fuzzer: no target matches ${JSON.stringify(values.target)}`);
  Deno.exit(2);
}

console.log(
  `Fuzzing ${targets.length} targets: ${runs} programs each, up to ${maxCommands} commands, regions nested ${depth} deep, seed ${seed}`,
);
console.log(
  `${"target".padEnd(60)} ${"programs".padStart(9)} ${"steps".padStart(10)} ${
    "force-resets".padStart(12)
  } ${"time".padStart(8)}`,
);
const figures: FuzzFigures[] = [];
let failed = false;
for (const [i, target] of targets.entries()) {
  try {
    const f = await fuzz(target, { numRuns: runs, seed: seed + i, maxCommands, depth });
    figures.push(f);
    console.log(
      `${f.target.padEnd(60)} ${String(f.programs).padStart(9)} ${String(f.steps).padStart(10)} ${
        String(f.forceResets).padStart(12)
      } ${(f.ms / 1000).toFixed(1).padStart(7)}s`,
    );
  } catch (error) {
    failed = true;
    console.log(`${target.name.padEnd(60)} FAILED (seed ${seed + i})`);
    console.error(String(error));
  }
}
const programs = figures.reduce((s, f) => s + f.programs, 0);
const steps = figures.reduce((s, f) => s + f.steps, 0);
const forceResets = figures.reduce((s, f) => s + f.forceResets, 0);
const seconds = figures.reduce((s, f) => s + f.ms, 0) / 1000;
console.log(
  `${"total".padEnd(60)} ${String(programs).padStart(9)} ${String(steps).padStart(10)} ${
    String(forceResets).padStart(12)
  } ${seconds.toFixed(1).padStart(7)}s  (${
    Math.round(steps / seconds)
  } checked steps/s, ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno})`,
);
/** `180000` → `180 000` (the README's spelling of numbers). */
const spaced = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
console.log(
  `Summary: ${targets.length} allocators, ${spaced(programs)} programs, ${
    steps >= 1e6 ? `${(steps / 1e6).toFixed(1)} million` : spaced(steps)
  } checked steps of which ${spaced(forceResets)} force-resets, in ${
    Math.round(seconds)
  } s (seed ${seed}; ${
    new Date().toISOString().slice(0, 10)
  }, ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores)${
    failed ? "; FAILED" : ""
  }`,
);
if (failed) Deno.exit(1);
