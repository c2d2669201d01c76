// Small assertions that node:assert lacks. Test-only; not part of the package.
import assert from "node:assert/strict";

/** Asserts `|actual - expected| <= tolerance` (absolute) or within relative `tolerance`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  message?: string,
): void {
  const diff = Math.abs(actual - expected);
  const scale = Math.max(1, Math.abs(expected));
  if (!(diff <= tolerance * scale)) {
    assert.fail(
      message ?? `Expected ${actual} to be within ${tolerance} (relative) of ${expected}`,
    );
  }
}

/** Asserts two numeric sequences have equal length and are element-wise almost equal. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-7,
): void {
  assert.equal(actual.length, expected.length, "lengths differ");
  for (let i = 0; i < expected.length; i++) {
    assertAlmostEquals(
      actual[i],
      expected[i],
      tolerance,
      `index ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}
