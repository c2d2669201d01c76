// JavaScript-heap garbage per iteration of a workload, from V8's GC trace: a child process runs
// the workload with `--trace-gc-nvp` (one line of figures per garbage collection, among them
// "allocated": the bytes allocated since the previous collection) and `--expose-gc`. It marks
// the measured iterations with forced collections (`start()`: a full one, then a minor one;
// `stop()`: a minor one, whose line reports the young objects allocated since the last
// collection), and the parent sums "allocated" over the lines after the start marker up to the
// stop marker. Two runs of different lengths are compared, so that what both do besides the
// iterations (compiling code, say) cancels out.
//
// ArrayBuffer contents are not on the JavaScript heap (V8 keeps them outside it): this counts
// the objects (arrays, views, closures, numbers that do not fit in a register) that the garbage
// collector has to clean up.

/** The figures of one measurement. */
export interface Garbage {
  /** Bytes allocated per iteration: (allocated(long) − allocated(short)) / (long − short). */
  bytesPerIteration: number;
  /** The same from each repetition (their spread). */
  samples: number[];
  /** Iterations of the short and the long run. */
  short: number;
  long: number;
}

/**
 * The sum of the "allocated" figures of the `--trace-gc-nvp` lines of `text` after the start
 * marker (the second forced collection, the minor one of {@linkcode start}) up to and including
 * the stop marker (the last forced collection).
 */
export function allocatedOf(text: string): number {
  const lines = [...text.matchAll(/"reason":"([^"]*)"[^\n]*?"allocated":(\d+)/g)];
  const forced = lines.flatMap((m, i) => (m[1] === "testing" ? [i] : []));
  if (forced.length < 3) {
    throw new Error(
      `Cannot read the GC trace: expected 3 forced collections, got ${forced.length}`,
    );
  }
  let total = 0;
  for (let i = forced[1] + 1; i <= forced[forced.length - 1]; i++) total += Number(lines[i][2]);
  return total;
}

/**
 * Runs `file` (a script that, given `args` and then an iteration count, warms up, calls
 * {@linkcode start}, runs that many iterations and calls {@linkcode stop}) with `short` and `long` iterations,
 * `repeat` times each, and returns the bytes allocated per iteration (the median) with the
 * samples.
 */
export async function garbagePerIteration(
  file: string,
  args: readonly string[],
  { short, long, repeat = 3 }: { short: number; long: number; repeat?: number },
): Promise<Garbage> {
  const run = async (iterations: number) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--trace-gc-nvp,--expose-gc",
        file,
        ...args,
        String(iterations),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`Cannot measure ${file} ${args.join(" ")}: it failed`);
    return allocatedOf(new TextDecoder().decode(out.stdout));
  };
  const samples: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const a = await run(short), b = await run(long);
    samples.push((b - a) / (long - short));
  }
  const sorted = samples.slice().sort((x, y) => x - y);
  return { bytesPerIteration: sorted[sorted.length >> 1], samples, short, long };
}

/**
 * How {@linkcode garbagePerIteration} measured, in words for a report: runs of `short` and
 * `long` iterations (`unit`, plural: "passes", "calls") after `warm` warm-up ones, `pairs`
 * times.
 */
export function gcTraceMethod(
  unit: string,
  { warm, short, long, pairs }: { warm: number; short: number; long: number; pairs: number },
): string {
  return `V8's GC trace (--trace-gc-nvp "allocated") over ${long} and ${short} ${unit} after ${warm} warm-up ${unit}, one subprocess each, the difference divided by ${
    long - short
  }; ${pairs} pair${pairs === 1 ? "" : "s"} of runs (median, range)`;
}

type Gc = (options?: { type: "minor" | "major" }) => void;

/** Marks the start of the measured iterations (in the child, run with `--expose-gc`). */
export function start(): void {
  const gc = (globalThis as { gc?: Gc }).gc!;
  gc();
  gc({ type: "minor" });
}

/** Marks the end of the measured iterations. */
export function stop(): void {
  (globalThis as { gc?: Gc }).gc!({ type: "minor" });
}
