/**
 * {@linkcode FailingAllocator}: wraps an allocator and makes chosen allocations fail, so that
 * tests reach the out-of-memory paths of code that allocates.
 *
 * @module
 */

import { describeValue } from "../_internal/describe.ts";
import { type Allocator, isAllocator, type Ptr } from "../allocators/allocator.ts";
import { OutOfMemoryError } from "../allocators/errors.ts";
import type { MemoryValidity } from "../allocators/memory_validity.ts";

/** One allocation request, as {@linkcode FailingAllocatorOptions} `when` and `error` see it. */
export interface AllocationRequest {
  /** 1 for the wrapper's first allocation, 2 for the second, … (failed ones count too). */
  readonly index: number;
  /** Bytes requested. */
  readonly byteLength: number;
  /** Alignment requested (a power of two). */
  readonly alignment: number;
}

/** Which allocations a {@linkcode FailingAllocator} fails, and how. */
export interface FailingAllocatorOptions {
  /**
   * The first allocation that fails: 1 for the first, `n` for the nth (default: none, unless
   * `when` is given).
   */
  failAt?: number;
  /**
   * How many allocations fail from `failAt` on: `Infinity` (the default) for every one, as when
   * memory ran out; 1 for only the `failAt`th, a passing failure.
   */
  count?: number;
  /**
   * Fails the allocations for which it returns `true` (as well as those `failAt` and `count`
   * choose): for example the large ones, `(r) => r.byteLength > 4096`.
   */
  when?: (request: AllocationRequest) => boolean;
  /**
   * The error a failing allocation throws (default: an {@linkcode OutOfMemoryError} of the
   * requested bytes with 0 available, as a full buffer throws).
   */
  error?: (request: AllocationRequest) => Error;
}

function checkCount(value: unknown, name: string, min: number): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot create FailingAllocator: ${name} must be a number, got ${describeValue(value)}`,
    );
  }
  if (!(value === Infinity || (Number.isSafeInteger(value) && value >= min))) {
    throw new RangeError(
      `Cannot create FailingAllocator: ${name} must be an integer of at least ${min} or Infinity, got ${value}`,
    );
  }
  return value;
}

function checkFunction<F>(value: unknown, name: string): F {
  if (typeof value !== "function") {
    throw new TypeError(
      `Cannot create FailingAllocator: ${name} must be a function, got ${describeValue(value)}`,
    );
  }
  return value as F;
}

/**
 * An allocator that forwards to `inner` but fails chosen allocations: the `failAt`th and the
 * `count - 1` after it, and those `when` picks. A failing allocation throws (an
 * {@linkcode OutOfMemoryError} unless `error` says otherwise) without reaching `inner`, so
 * `inner` is exactly as it was; every other call (checkpoints, reset, the escape check)
 * reaches `inner` unchanged. Use it to test that code which allocates cleans up after an
 * allocation fails: run the code with `failAt` 1, 2, 3, … until it no longer fails, checking
 * each time that nothing leaked.
 *
 * The wrapper allocates only through `inner.allocPtr`, so every allocation made through it
 * (`alloc`, `AllocArray`s under `withAllocator`, …) is counted, also where `inner` has a
 * faster `allocView`.
 *
 * @typeParam C The checkpoint type of `inner`.
 *
 * @example The third allocation fails; the region frees the first two
 * ```ts
 * import { alloc, AllocBuffer, noEscape, OutOfMemoryError } from "@x/allocarrays";
 * import { FailingAllocator } from "@x/allocarrays/testing";
 * import assert from "node:assert/strict";
 *
 * const inner = new AllocBuffer(1024);
 * const buf = new FailingAllocator(inner, { failAt: 3 });
 * assert.throws(
 *   () =>
 *     noEscape(buf, () => {
 *       alloc(buf, Float64Array, 4);
 *       alloc(buf, Float64Array, 4);
 *       alloc(buf, Float64Array, 4); // throws
 *     }),
 *   OutOfMemoryError,
 * );
 * assert.equal(inner.used, 0);
 * assert.equal(buf.allocations, 3);
 * assert.equal(buf.failures, 1);
 * ```
 *
 * @example Every allocation point of a function, one after another
 * ```ts
 * import { alloc, AllocBuffer, noEscape, OutOfMemoryError } from "@x/allocarrays";
 * import { FailingAllocator } from "@x/allocarrays/testing";
 * import assert from "node:assert/strict";
 *
 * function work(buf: FailingAllocator<number>): number {
 *   return noEscape(buf, () => {
 *     const a = alloc(buf, Float64Array, 8).fill(1);
 *     const b = alloc(buf, Float64Array, 8).fill(2);
 *     return a[0] + b[0];
 *   });
 * }
 * const inner = new AllocBuffer(1024);
 * let n = 1;
 * for (;; n++) {
 *   const buf = new FailingAllocator(inner, { failAt: n, count: 1 });
 *   try {
 *     assert.equal(work(buf), 3);
 *     break; // no allocation failed: every point was tried
 *   } catch (e) {
 *     assert.ok(e instanceof OutOfMemoryError);
 *   }
 *   assert.equal(inner.used, 0); // nothing leaked after the nth allocation failed
 * }
 * assert.equal(n, 3);
 * ```
 *
 * @example Other failure modes: large requests, and an error of your choosing
 * ```ts
 * import { alloc, AllocBuffer } from "@x/allocarrays";
 * import { FailingAllocator } from "@x/allocarrays/testing";
 * import assert from "node:assert/strict";
 *
 * const buf = new FailingAllocator(new AllocBuffer(1 << 16), {
 *   when: (r) => r.byteLength > 1024,
 *   error: (r) => new RangeError(`allocation ${r.index} refused: ${r.byteLength} bytes`),
 * });
 * assert.equal(alloc(buf, Uint8Array, 1024).length, 1024);
 * assert.throws(() => alloc(buf, Uint8Array, 1025), /allocation 2 refused: 1025 bytes/);
 * ```
 */
export class FailingAllocator<C = unknown> implements Allocator<C> {
  /** The allocator that the allocations which do not fail come from. */
  readonly inner: Allocator<C>;
  /**
   * Forwards to `inner.trackChecked` (present only when `inner` has it), so `similar` of a
   * `CheckedAllocArray` works under the wrapper exactly when it works under `inner`.
   */
  readonly trackChecked?: () => MemoryValidity;
  #failAt: number;
  #failUntil: number;
  #when: ((request: AllocationRequest) => boolean) | undefined;
  #error: ((request: AllocationRequest) => Error) | undefined;
  #allocations = 0;
  #failures = 0;

  /**
   * Wraps `inner`.
   *
   * @param inner The allocator to forward to.
   * @param options Which allocations fail, and with what error.
   * @throws {TypeError} When `inner` is not an allocator, or an option has the wrong type.
   * @throws {RangeError} When `failAt` is not a positive integer or `count` not a non-negative
   * integer (either may be `Infinity`).
   */
  constructor(inner: Allocator<C>, options: FailingAllocatorOptions = {}) {
    if (!isAllocator(inner)) {
      throw new TypeError(
        `Cannot create FailingAllocator: inner must be an allocator (with allocPtr, checkpointSave, checkpointRestore and resetBuffer), got ${
          describeValue(inner)
        }`,
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot create FailingAllocator: options must be an object, got ${describeValue(options)}`,
      );
    }
    const failAt = options.failAt === undefined
      ? Infinity
      : checkCount(options.failAt, "failAt", 1);
    const count = options.count === undefined ? Infinity : checkCount(options.count, "count", 0);
    this.inner = inner;
    if (typeof inner.trackChecked === "function") {
      this.trackChecked = () => inner.trackChecked!();
    }
    this.#failAt = failAt;
    this.#failUntil = failAt + count; // Infinity when either is
    this.#when = options.when === undefined
      ? undefined
      : checkFunction<(r: AllocationRequest) => boolean>(options.when, "when");
    this.#error = options.error === undefined
      ? undefined
      : checkFunction<(r: AllocationRequest) => Error>(options.error, "error");
  }

  /** Allocations asked of this wrapper so far, the failed ones included. */
  get allocations(): number {
    return this.#allocations;
  }

  /** Allocations that failed so far. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Forwards to `inner.allocPtr`, unless this allocation is one that fails.
   *
   * @param byteLength Bytes requested.
   * @param alignment Alignment requested.
   * @returns Where `inner` put the bytes.
   * @throws {OutOfMemoryError} When this allocation fails (or the error `options.error` makes),
   * and whatever `inner` throws.
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    const index = ++this.#allocations;
    const chosen = index >= this.#failAt && index < this.#failUntil;
    if (chosen || (this.#when !== undefined && this.#when({ index, byteLength, alignment }))) {
      this.#failures++;
      const request = { index, byteLength, alignment };
      throw this.#error === undefined
        ? new OutOfMemoryError(
          byteLength,
          0,
          `Cannot allocate ${byteLength} bytes: FailingAllocator fails allocation ${index} on purpose`,
        )
        : this.#error(request);
    }
    return this.inner.allocPtr(byteLength, alignment);
  }

  /**
   * Forwards to `inner.checkpointSave`.
   *
   * @returns `inner`'s checkpoint.
   */
  checkpointSave(): C {
    return this.inner.checkpointSave();
  }

  /**
   * Forwards to `inner.checkpointRestore`.
   *
   * @param checkpoint A checkpoint of `inner`.
   */
  checkpointRestore(checkpoint: C): void {
    this.inner.checkpointRestore(checkpoint);
  }

  /** Forwards to `inner.resetBuffer` (the allocation count goes on). */
  resetBuffer(): void {
    this.inner.resetBuffer();
  }

  /**
   * Forwards to `inner.allocatedSince`, so regions on the wrapper report escapes as regions on
   * `inner` do; `false` when `inner` cannot tell.
   *
   * @param checkpoint A checkpoint of `inner`.
   * @param view A view that may have been allocated since.
   * @returns Whether `inner` allocated `view` after `checkpoint`.
   */
  allocatedSince(checkpoint: C, view: ArrayBufferView): boolean {
    return this.inner.allocatedSince?.(checkpoint, view) ?? false;
  }

  /** The name shown by `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return "FailingAllocator";
  }
}
