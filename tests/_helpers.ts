// Small assertions that node:assert lacks. Test-only; not part of the package.
import assert from "node:assert/strict";
import { WasmAllocBuffer } from "../allocators/mod.ts";
import { AllocArray, BumperAllocator, copy, NDArray, reset } from "../arrays/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { WASM_SIMD, wasmCalls } from "../_internal/wasm.ts";

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

/**
 * A `BumperAllocator` over a `WasmAllocBuffer`: `inWasm(fn)` runs `fn` with it current and
 * resets it after; `resident(data, shape)` is an AllocArray copy of `data` in the memory (inside
 * `inWasm`).
 */
export function wasmArena(): {
  buf: WasmAllocBuffer;
  inWasm<R>(fn: () => R): R;
  resident<T extends Float32Array | Float64Array>(data: T, shape?: number[]): AllocArray<T>;
} {
  const buf = new WasmAllocBuffer();
  const allocator = new BumperAllocator(buf);
  return {
    buf,
    inWasm<R>(fn: () => R): R {
      try {
        return withAllocator(allocator, fn);
      } finally {
        reset(allocator);
      }
    },
    resident<T extends Float32Array | Float64Array>(data: T, shape = [data.length]) {
      return copy(AllocArray.from(new NDArray(data, shape))) as AllocArray<T>;
    },
  };
}

/** Asserts that `fn` ran `n` operations on the WebAssembly kernels (none without SIMD). */
export function runsOnWasm<R>(n: number, fn: () => R): R {
  const before = wasmCalls();
  const result = fn();
  assert.equal(wasmCalls() - before, WASM_SIMD ? n : 0);
  return result;
}
