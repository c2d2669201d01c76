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

/**
 * A minimal user-written bump allocator (the four protocol members only, no `allocView` fast
 * path) over one ArrayBuffer, counting its allocations. Used to check that code works with any
 * `Allocator`, not just the library's buffers.
 */
export class TestBump {
  readonly buffer: ArrayBuffer;
  offset = 0;
  allocations = 0;
  constructor(byteLength: number) {
    this.buffer = new ArrayBuffer(byteLength);
  }
  allocPtr(n: number, alignment: number): { buffer: ArrayBuffer; byteOffset: number } {
    const start = Math.ceil(this.offset / alignment) * alignment;
    if (start + n > this.buffer.byteLength) throw new RangeError("TestBump: out of memory");
    this.offset = start + n;
    this.allocations++;
    return { buffer: this.buffer, byteOffset: start };
  }
  checkpointSave(): number {
    return this.offset;
  }
  checkpointRestore(offset: number): void {
    this.offset = offset;
  }
  resetBuffer(): void {
    this.offset = 0;
  }
}
