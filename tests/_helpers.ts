// Small assertions that node:assert lacks, and the user-written allocator the tests run the
// library with. Test-only; not part of the package.
import assert from "node:assert/strict";
import { ELEMENT_TYPES, type Ptr, WasmAllocBuffer } from "../allocators/mod.ts";
import { AllocArray, BumperAllocator, copy, NDArray, reset } from "../arrays/mod.ts";
import { withAllocator } from "../scope/mod.ts";
import { WASM_SIMD, wasmCalls } from "../_internal/wasm.ts";
import { MyAllocBuffer } from "../examples/my_alloc_buffer.ts";

/**
 * Every number element type this runtime has (Float16Array where present): the element types
 * without the bigint ones, typed as Float64Array's constructor for the tests' convenience.
 */
export const NUMBER_TYPES = ELEMENT_TYPES.filter((T) =>
  T !== BigInt64Array && T !== BigUint64Array
) as unknown as Float64ArrayConstructor[];

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
 * The user-written allocator of `examples/my_alloc_buffer.ts` (the four protocol members only,
 * no `allocView` fast path), counting its allocations. Used to check that code works with any
 * `Allocator`, not just the library's buffers.
 */
export class TestBump extends MyAllocBuffer {
  allocations = 0;
  override allocPtr(n: number, alignment: number): Ptr {
    const p = super.allocPtr(n, alignment);
    this.allocations++;
    return p;
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
