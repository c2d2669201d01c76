// `node:test` for the browser bundle of the test suite (scripts/test_browser.ts maps the import
// here): `describe`/`it` (with `{ skip }`) and the four hooks register tests, which
// {@linkcode runRegistered} runs one after another, as Node does within a file. Browsers have no
// `node:test`.

type Body = () => unknown;

/** What an `it` may be given as options. */
export interface TestOptions {
  skip?: boolean | string;
}

interface Suite {
  name: string;
  tests: (Suite | Test)[];
  before: Body[];
  after: Body[];
  beforeEach: Body[];
  afterEach: Body[];
}

interface Test {
  name: string;
  fn: Body;
  skip: boolean | string;
}

/** One test's outcome, as the browser runner reports it. */
export interface TestResult {
  /** The suite names and the test name, joined by " > ". */
  name: string;
  status: "pass" | "fail" | "skip";
  /** The error of a failed test (name, message and stack), or the reason for a skip. */
  detail?: string;
  ms: number;
}

const root: Suite = { name: "", tests: [], before: [], after: [], beforeEach: [], afterEach: [] };
let current: Suite = root;

function args(a: TestOptions | Body | undefined, b: Body | undefined): [TestOptions, Body] {
  if (typeof a === "function") return [{}, a];
  return [a ?? {}, b ?? (() => {})];
}

/** Registers a group of tests: `fn` runs now and registers them. */
export function describe(name: string, a?: TestOptions | Body, b?: Body): void {
  const [, fn] = args(a, b);
  const suite: Suite = { name, tests: [], before: [], after: [], beforeEach: [], afterEach: [] };
  current.tests.push(suite);
  const parent = current;
  current = suite;
  try {
    fn();
  } finally {
    current = parent;
  }
}

/** Registers a test. */
export function it(name: string, a?: TestOptions | Body, b?: Body): void {
  const [options, fn] = args(a, b);
  current.tests.push({ name, fn, skip: options.skip ?? false });
}

export { describe as suite, it as test };

/** Runs `fn` once before the tests of the enclosing `describe`. */
export function before(fn: Body): void {
  current.before.push(fn);
}

/** Runs `fn` once after the tests of the enclosing `describe`. */
export function after(fn: Body): void {
  current.after.push(fn);
}

/** Runs `fn` before each test of the enclosing `describe` (and its nested ones). */
export function beforeEach(fn: Body): void {
  current.beforeEach.push(fn);
}

/** Runs `fn` after each test of the enclosing `describe` (and its nested ones). */
export function afterEach(fn: Body): void {
  current.afterEach.push(fn);
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const head = `${e.name}: ${e.message}`;
    return e.stack?.startsWith(head) ? e.stack : `${head}\n${e.stack ?? ""}`;
  }
  return String(e);
}

async function runSuite(
  suite: Suite,
  path: string[],
  eachBefore: Body[],
  eachAfter: Body[],
  out: TestResult[],
): Promise<void> {
  const be = [...eachBefore, ...suite.beforeEach];
  const ae = [...suite.afterEach, ...eachAfter];
  const names = suite.name ? [...path, suite.name] : path;
  try {
    for (const h of suite.before) await h();
  } catch (e) {
    out.push({
      name: [...names, "(before)"].join(" > "),
      status: "fail",
      detail: describeError(e),
      ms: 0,
    });
    return;
  }
  for (const t of suite.tests) {
    if ("tests" in t) {
      await runSuite(t, names, be, ae, out);
      continue;
    }
    const name = [...names, t.name].join(" > ");
    if (t.skip) {
      out.push({
        name,
        status: "skip",
        detail: typeof t.skip === "string" ? t.skip : undefined,
        ms: 0,
      });
      continue;
    }
    const started = performance.now();
    let error: unknown;
    let failed = false;
    try {
      for (const h of be) await h();
      await t.fn();
    } catch (e) {
      failed = true;
      error = e;
    }
    for (const h of ae) {
      try {
        await h();
      } catch (e) {
        if (!failed) [failed, error] = [true, e];
      }
    }
    out.push({
      name,
      status: failed ? "fail" : "pass",
      detail: failed ? describeError(error) : undefined,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  }
  try {
    for (const h of suite.after) await h();
  } catch (e) {
    out.push({
      name: [...names, "(after)"].join(" > "),
      status: "fail",
      detail: describeError(e),
      ms: 0,
    });
  }
}

/** Runs every registered test, in order, and returns their outcomes. */
export async function runRegistered(): Promise<TestResult[]> {
  const out: TestResult[] = [];
  await runSuite(root, [], [], [], out);
  return out;
}
