// `node:assert/strict` for the browser bundle of the test suite (scripts/test_browser.ts maps
// the import here): the assertions the suites use, with Node's strict semantics. Browsers have
// no `node:assert`; tests/browser/assert_shim_test.ts checks that this one agrees with Node's.

/** Thrown by a failed assertion (Node's class has the same name and fields). */
export class AssertionError extends Error {
  readonly actual: unknown;
  readonly expected: unknown;
  readonly operator: string;
  readonly code = "ERR_ASSERTION";
  constructor(message: string, actual: unknown, expected: unknown, operator: string) {
    super(message);
    this.name = "AssertionError";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[Function: ${value.name || "anonymous"}]`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<unknown>).slice(0, 20).map(show);
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length}) [${
      items.join(", ")
    }]`;
  }
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

function fail(
  message: string | Error | undefined,
  fallback: string,
  actual: unknown,
  expected: unknown,
  operator: string,
): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback, actual, expected, operator);
}

/** Node's `isDeepStrictEqual`, for the values tests compare. */
function deepStrictEqual(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Error && (a.message !== (b as Error).message || a.name !== (b as Error).name)) {
    return false;
  }
  if (
    a instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && a instanceof SharedArrayBuffer)
  ) {
    const x = new Uint8Array(a as ArrayBuffer), y = new Uint8Array(b as ArrayBuffer);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) if (!m.has(k) || !deepStrictEqual(v, m.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    return a.size === s.size && [...a].every((v) => s.has(v));
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (
      !deepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen)
    ) {
      return false;
    }
  }
  return true;
}

type Expected =
  | RegExp
  | (new (...args: never[]) => unknown)
  | ((error: unknown) => unknown)
  | Record<string, unknown>;

/** Whether `error` matches `expected` as `assert.throws` checks it; a validation function may throw. */
function matches(error: unknown, expected: Expected): boolean {
  if (expected instanceof RegExp) return expected.test(String(error));
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) {
      return true;
    }
    if (expected === Error || expected.prototype instanceof Error) return false;
    return (expected as (e: unknown) => unknown).call(undefined, error) === true;
  }
  if (typeof error !== "object" || error === null) return false;
  for (const [k, want] of Object.entries(expected)) {
    const got = (error as Record<string, unknown>)[k];
    if (want instanceof RegExp && typeof got === "string") {
      if (!want.test(got)) return false;
    } else if (!deepStrictEqual(got, want)) return false;
  }
  return true;
}

function checkThrown(error: unknown, expected: Expected | undefined, message?: string): void {
  if (expected === undefined || matches(error, expected)) return;
  fail(
    message,
    `The error did not match the expected one: ${show(error)}`,
    error,
    expected,
    "throws",
  );
}

interface Assert {
  (value: unknown, message?: string | Error): asserts value;
  ok(value: unknown, message?: string | Error): asserts value;
  equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
  strictEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
  notEqual(actual: unknown, expected: unknown, message?: string | Error): void;
  notStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void;
  deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
  deepStrictEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T;
  notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void;
  notDeepStrictEqual(actual: unknown, expected: unknown, message?: string | Error): void;
  match(value: string, re: RegExp, message?: string | Error): void;
  doesNotMatch(value: string, re: RegExp, message?: string | Error): void;
  throws(fn: () => unknown, expected?: Expected | string, message?: string): void;
  doesNotThrow(fn: () => unknown, message?: string): void;
  rejects(
    promise: Promise<unknown> | (() => Promise<unknown>),
    expected?: Expected | string,
    message?: string,
  ): Promise<void>;
  fail(message?: string | Error): never;
  AssertionError: typeof AssertionError;
  strict: Assert;
}

const ok = (value: unknown, message?: string | Error): void => {
  if (!value) {
    fail(message, `The expression evaluated to a falsy value: ${show(value)}`, value, true, "==");
  }
};

const assert = ok as Assert;
assert.ok = ok;
assert.equal = assert.strictEqual = (actual, expected, message) => {
  if (!Object.is(actual, expected)) {
    fail(
      message,
      `Expected values to be strictly equal: ${show(actual)} !== ${show(expected)}`,
      actual,
      expected,
      "strictEqual",
    );
  }
};
assert.notEqual = assert.notStrictEqual = (actual, expected, message) => {
  if (Object.is(actual, expected)) {
    fail(
      message,
      `Expected "actual" to be strictly unequal to: ${show(expected)}`,
      actual,
      expected,
      "notStrictEqual",
    );
  }
};
assert.deepEqual = assert.deepStrictEqual = (actual, expected, message) => {
  if (!deepStrictEqual(actual, expected)) {
    fail(
      message,
      `Expected values to be strictly deep-equal: ${show(actual)} vs ${show(expected)}`,
      actual,
      expected,
      "deepStrictEqual",
    );
  }
};
assert.notDeepEqual = assert.notDeepStrictEqual = (actual, expected, message) => {
  if (deepStrictEqual(actual, expected)) {
    fail(
      message,
      `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`,
      actual,
      expected,
      "notDeepStrictEqual",
    );
  }
};
assert.match = (value, re, message) => {
  if (typeof value !== "string" || !re.test(value)) {
    fail(
      message,
      `The input did not match the regular expression ${re}. Input: ${show(value)}`,
      value,
      re,
      "match",
    );
  }
};
assert.doesNotMatch = (value, re, message) => {
  if (typeof value !== "string" || re.test(value)) {
    fail(
      message,
      `The input was expected to not match the regular expression ${re}. Input: ${show(value)}`,
      value,
      re,
      "doesNotMatch",
    );
  }
};
assert.throws = (fn, expected, message) => {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  try {
    fn();
  } catch (error) {
    checkThrown(error, expected, message);
    return;
  }
  fail(message, "Missing expected exception.", undefined, expected, "throws");
};
assert.doesNotThrow = (fn, message) => {
  try {
    fn();
  } catch (error) {
    fail(message, `Got unwanted exception: ${show(error)}`, error, undefined, "doesNotThrow");
  }
};
assert.rejects = async (promise, expected, message) => {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    checkThrown(error, expected, message);
    return;
  }
  fail(message, "Missing expected rejection.", undefined, expected, "rejects");
};
assert.fail = (message) => fail(message, "Failed", undefined, undefined, "fail");
assert.AssertionError = AssertionError;
assert.strict = assert;

export default assert;
