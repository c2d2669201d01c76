// The browser stand-in for node:assert/strict agrees with Node's on what passes and what fails,
// so the browser suite means in Chromium what it means under Deno and Node.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import shim, { AssertionError } from "./_assert_shim.ts";

type Assert = typeof assert;

class MyError extends Error {
  code = 7;
}

/** Calls on an assert function; each must pass or fail alike with Node's and the shim. */
const CALLS: [string, (a: Assert) => unknown][] = [
  ["ok(1)", (a) => a.ok(1)],
  ["ok(0)", (a) => a.ok(0)],
  ["ok('')", (a) => a.ok("")],
  ["assert(true)", (a) => a(true)],
  ["assert(null)", (a) => a(null)],
  ["equal(1, 1)", (a) => a.equal(1, 1)],
  ["equal(1, '1')", (a) => a.equal(1, "1")],
  ["equal(NaN, NaN)", (a) => a.equal(NaN, NaN)],
  ["equal(0, -0)", (a) => a.equal(0, -0)],
  ["equal({}, {})", (a) => a.equal({}, {})],
  ["notEqual(1, 2)", (a) => a.notEqual(1, 2)],
  ["notEqual(1, 1)", (a) => a.notEqual(1, 1)],
  ["deepEqual([1, [2]], [1, [2]])", (a) => a.deepEqual([1, [2]], [1, [2]])],
  ["deepEqual([1], ['1'])", (a) => a.deepEqual([1], ["1"])],
  ["deepEqual({a: 1}, {a: 1, b: undefined})", (a) => a.deepEqual({ a: 1 }, { a: 1, b: undefined })],
  ["deepEqual({a: 1, b: 2}, {b: 2, a: 1})", (a) => a.deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })],
  [
    "deepEqual(Float64Array, same)",
    (a) => a.deepEqual(new Float64Array([1, 2]), new Float64Array([1, 2])),
  ],
  [
    "deepEqual(Float64Array, other values)",
    (a) => a.deepEqual(new Float64Array([1, 2]), new Float64Array([1, 3])),
  ],
  [
    "deepEqual(Float64Array, Float32Array)",
    (a) => a.deepEqual(new Float64Array([1]), new Float32Array([1])),
  ],
  ["deepEqual([1], Float64Array)", (a) => a.deepEqual([1], new Float64Array([1]))],
  ["deepEqual([NaN], [NaN])", (a) => a.deepEqual([NaN], [NaN])],
  ["deepEqual([0], [-0])", (a) => a.deepEqual([0], [-0])],
  [
    "deepEqual(new Map, same)",
    (a) => a.deepEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])),
  ],
  ["deepEqual(new Map, other)", (a) => a.deepEqual(new Map([[1, 1]]), new Map([[1, 2]]))],
  ["deepEqual(new Set, same)", (a) => a.deepEqual(new Set([1, 2]), new Set([2, 1]))],
  ["deepEqual(ArrayBuffer, same)", (a) => a.deepEqual(new ArrayBuffer(4), new ArrayBuffer(4))],
  ["deepEqual(ArrayBuffer, longer)", (a) => a.deepEqual(new ArrayBuffer(4), new ArrayBuffer(8))],
  ["deepEqual(class instance, plain)", (a) => a.deepEqual(new MyError("x"), { code: 7 })],
  ["deepEqual(nested tuples)", (a) => a.deepEqual([[0, 8, 16]], [[0, 8, 16]])],
  ["notDeepEqual([1], [2])", (a) => a.notDeepEqual([1], [2])],
  ["notDeepEqual([1], [1])", (a) => a.notDeepEqual([1], [1])],
  ["match('abc', /b/)", (a) => a.match("abc", /b/)],
  ["match('abc', /d/)", (a) => a.match("abc", /d/)],
  ["throws(no throw)", (a) => a.throws(() => {})],
  ["throws(any)", (a) =>
    a.throws(() => {
      throw new Error("x");
    })],
  ["throws(class ok)", (a) =>
    a.throws(() => {
      throw new MyError("x");
    }, MyError)],
  ["throws(class wrong)", (a) =>
    a.throws(() => {
      throw new Error("x");
    }, MyError)],
  ["throws(TypeError vs RangeError)", (a) =>
    a.throws(() => {
      throw new RangeError("x");
    }, TypeError)],
  ["throws(regex on name: message)", (a) =>
    a.throws(() => {
      throw new TypeError("bad value");
    }, /^TypeError: bad/)],
  ["throws(regex miss)", (a) =>
    a.throws(() => {
      throw new TypeError("bad value");
    }, /good/)],
  ["throws(object ok)", (a) =>
    a.throws(() => {
      throw new TypeError("bad 42");
    }, { name: "TypeError", message: /42/ })],
  ["throws(object wrong name)", (a) =>
    a.throws(() => {
      throw new TypeError("bad 42");
    }, { name: "RangeError", message: /42/ })],
  ["throws(object exact message)", (a) =>
    a.throws(() => {
      throw new TypeError("bad 42");
    }, { message: "bad 4" })],
  ["throws(validation true)", (a) =>
    a.throws(() => {
      throw new MyError("x");
    }, (e: unknown) => e instanceof MyError)],
  ["throws(validation false)", (a) =>
    a.throws(() => {
      throw new Error("x");
    }, (e: unknown) => e instanceof MyError)],
  ["throws(message string)", (a) =>
    a.throws(() => {
      throw new Error("x");
    }, "a message")],
];

function outcome(call: (a: Assert) => unknown, a: Assert): "pass" | "fail" {
  try {
    call(a);
    return "pass";
  } catch {
    return "fail";
  }
}

describe("the browser stand-in for node:assert/strict", () => {
  it("passes and fails exactly where Node's assert does", () => {
    const differ = CALLS.filter(([, call]) =>
      outcome(call, assert) !== outcome(call, shim as unknown as Assert)
    ).map(([name]) => `${name}: node ${outcome(CALLS.find((c) => c[0] === name)![1], assert)}`);
    assert.deepEqual(differ, []);
    // The table has both outcomes.
    const outcomes = new Set(CALLS.map(([, call]) => outcome(call, assert)));
    assert.deepEqual([...outcomes].sort(), ["fail", "pass"]);
  });

  it("rejects() passes and fails where Node's does", async () => {
    const cases: [() => Promise<unknown>, unknown][] = [
      [() => Promise.reject(new TypeError("x")), TypeError],
      [() => Promise.reject(new TypeError("x")), RangeError],
      [() => Promise.resolve(1), Error],
      [() => Promise.reject(new Error("boom")), /boom/],
    ];
    for (const [make, expected] of cases) {
      const run = async (a: Assert) => {
        try {
          await a.rejects(make(), expected as RegExp);
          return "pass";
        } catch {
          return "fail";
        }
      };
      assert.equal(await run(shim as unknown as Assert), await run(assert));
    }
  });

  it("its failures are AssertionErrors that name both values", () => {
    assert.throws(() => shim.equal(1, 2), (e: unknown) => {
      assert.ok(e instanceof AssertionError);
      assert.equal(e.name, "AssertionError");
      assert.equal(e.code, "ERR_ASSERTION");
      assert.match(e.message, /1 !== 2/);
      return true;
    });
    assert.throws(() => shim.ok(false, "custom"), { message: "custom" });
  });
});
