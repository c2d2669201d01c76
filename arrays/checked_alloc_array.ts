/**
 * {@linkcode CheckedAllocArray}: the "slow but safe" `AllocArray` that throws
 * {@linkcode InvalidMemoryError} when used after its memory was freed.
 *
 * @module
 */

import { isArenaMemory } from "../_internal/arena_memory.ts";
import {
  GUARD as SHARED_GUARD,
  type Guarded,
  VALID_AT as SHARED_VALID_AT,
} from "../_internal/guard.ts";
import { describeHead, describeValue } from "../_internal/describe.ts";
import type { Allocator } from "../allocators/allocator.ts";
import { MemoryValidity } from "../allocators/memory_validity.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import {
  allocationSite,
  copySite,
  TRUSTED,
  type Trusted,
  type TrustedArgs,
  WRAP,
} from "./_core.ts";
import { AllocArray } from "./alloc_array.ts";
import { type ElementOf, NDArray, type Nested } from "./ndarray.ts";

// Constants of this module (V8 reads an imported binding from its module on every use).
const GUARD = SHARED_GUARD;
const VALID_AT: typeof SHARED_VALID_AT = SHARED_VALID_AT;

/**
 * A `CheckedAllocArray` was used after the allocator that handed out its memory freed it
 * (`reset(allocator)` or the end of a region): the memory may already hold other arrays'
 * elements, so the access is refused instead of reading or corrupting them.
 *
 * @example Reading after a reset
 * ```ts
 * import { BumperAllocator, CheckedAllocArray, InvalidMemoryError, reset, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const b = new BumperAllocator(1 << 16);
 * const input = new CheckedAllocArray(new Float64Array([1]));
 * const y = withAllocator(b, () => similar(input));
 * reset(b);
 * assert.throws(() => y.get(0), InvalidMemoryError);
 * ```
 */
export class InvalidMemoryError extends Error {
  /**
   * Where the array's memory was allocated, when allocation sites are recorded
   * ({@linkcode CheckedAllocArray.recordAllocationSites}); otherwise `undefined`.
   */
  readonly allocationSite: string | undefined;

  /**
   * Makes the error. The message says what freed the memory and includes `allocationSite`
   * when given, or else how to have it recorded.
   *
   * @param allocationSite The stack trace of the allocation, if recorded.
   * @param detached `true` when the memory was not freed but detached: its `ArrayBuffer`
   * transferred, or the WebAssembly memory it lies in grown, which empties every view of it.
   */
  constructor(allocationSite?: string, detached = false) {
    super(
      (detached
        ? "Array accessed after its memory was detached (its ArrayBuffer was transferred, or the WebAssembly.Memory it lies in grew, which empties every view of a non-shared memory)"
        : "Array accessed after its memory has been deallocated (by a reset of its allocator or the end of the region it was allocated in)") +
        (allocationSite
          ? `; it was allocated at:\n${allocationSite}`
          : "; set CheckedAllocArray.recordAllocationSites = true before allocating it to see where it was allocated"),
    );
    this.name = "InvalidMemoryError";
    this.allocationSite = allocationSite;
  }
}

export { MemoryValidity } from "../allocators/memory_validity.ts";

/**
 * An allocator that can hand out memory for `CheckedAllocArray`s: an {@linkcode Allocator}
 * whose optional {@linkcode Allocator.trackChecked} is present, saying which
 * {@linkcode MemoryValidity} the arrays it allocates now share (it invalidates it when it frees
 * that memory). `BumperAllocator` and the heap (`DefaultAllocator`) implement it; `similar` of a
 * `CheckedAllocArray` under an allocator without it throws a `TypeError`, since nothing would
 * invalidate the array when its memory is freed.
 *
 * @typeParam C The checkpoint type.
 *
 * @example Checking for support
 * ```ts
 * import { BumperAllocator, UncheckedBumperAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof new BumperAllocator(64).trackChecked, "function");
 * assert.equal("trackChecked" in new UncheckedBumperAllocator(64), false);
 * ```
 */
export interface CheckedArrayAllocator<C = unknown> extends Allocator<C> {
  /**
   * Called once for each `CheckedAllocArray` allocated, right after its memory: returns the
   * validity it must share, which the allocator invalidates when it frees that memory.
   */
  trackChecked(): MemoryValidity;
}

// A CheckedAllocArray made without a validity is always valid: refused over an allocator's
// memory, which the allocator frees whenever a region ends or it is reset.
function refuseArenaMemory(data: unknown): void {
  if (!ArrayBuffer.isView(data) || !isArenaMemory(data.buffer)) return;
  throw new TypeError(
    `Cannot create a CheckedAllocArray over ${
      describeValue(data)
    } in an allocator's memory: nothing would tell the array when the allocator frees it; allocate it with similar() under a BumperAllocator, or pass the MemoryValidity the allocator invalidates`,
  );
}

/**
 * The "slow but safe" {@linkcode AllocArray} (AllocArrays.jl's `CheckedAllocArray`): it knows
 * whether its memory is still valid, and every access to its elements throws
 * {@linkcode InvalidMemoryError} ("Array accessed after its memory has been deallocated") once
 * the `BumperAllocator` that allocated it was reset or the region it was allocated in ended.
 *
 * Every access path checks: `data`, `get`/`set`, `fill`, views (`slice`, `reshape`, `transpose`,
 * `permute`, `pick`, `broadcastTo`), iteration (at every step), `toNested`, `similar`, `copy` and
 * every operation (they read `data`). Shape, strides, offset and `dtype` are metadata and stay
 * readable. Views share their parent's validity.
 *
 * The check is one field load and a branch: all arrays of one allocator generation share one
 * {@linkcode MemoryValidity}, so neither access nor reset takes a lock (Julia's version locks on
 * every access and costs ~46× an `AllocArray`; `benches/scope_bench.ts` measures this one
 * against `AllocArray`). JavaScript runs one task at a time, so a reset can never land in the
 * middle of an access.
 *
 * A `CheckedAllocArray` wraps heap memory (a typed array or plain n-d array, always valid), or
 * is allocated by `similar` under an allocator that says how it invalidates it
 * (`Allocator.trackChecked`: a `BumperAllocator`, the heap, or one you write). Wrapping an
 * `AllocArray` is a `TypeError`: the lifetime of its memory is unknown.
 *
 * @typeParam T The typed array holding the elements.
 *
 * @example Use after reset fails loudly
 * ```ts
 * import { BumperAllocator, CheckedAllocArray, InvalidMemoryError, reset, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const input = new CheckedAllocArray(new Float64Array([1, 2, 3]));
 * const b = new BumperAllocator(1 << 20);
 * const escaped = withAllocator(b, () => {
 *   const y = similar(input);
 *   y.fill(2);
 *   reset(b);
 *   return y; // wrong: y's memory was just freed
 * });
 * assert.throws(() => escaped.get(0), InvalidMemoryError);
 * assert.throws(() => [...escaped], /deallocated/);
 * ```
 */
export class CheckedAllocArray<T extends TypedArray = TypedArray> extends AllocArray<T> {
  /**
   * When `true`, every `CheckedAllocArray` allocated by `similar` records the stack of its
   * allocation, and {@linkcode InvalidMemoryError} messages include it. Off by default: a stack
   * trace costs microseconds per allocation.
   */
  static recordAllocationSites = false;

  #validity!: MemoryValidity;

  /**
   * Wraps heap memory (a typed array or a plain n-d array) without copying; with `validity`, the
   * array shares that validity instead of being always valid (for allocators implementing
   * {@linkcode CheckedArrayAllocator}). A `CheckedAllocArray` source is returned as is.
   *
   * @param source A typed array or a plain (non-`AllocArray`) n-d array.
   * @param shape Length of each axis (typed-array source only; default `[length]`).
   * @param strides Element step of each axis (typed-array source only; default row-major).
   * @param offset Index of element `[0, …]` (typed-array source only; default 0).
   * @param validity The validity to share (default a new, always valid one).
   * @throws {TypeError} When `source` is an `AllocArray` (its memory's lifetime is unknown), not
   * an array, layout arguments come with an n-d array, or `validity` is not a
   * {@linkcode MemoryValidity}; or when, without `validity`, `source` is a view of an
   * allocator's memory (an arena, which frees it when a region ends or it is reset: allocate the
   * array with `similar` under a `BumperAllocator`, or pass the validity the allocator
   * invalidates).
   * @throws {RangeError} When the layout is invalid (see {@linkcode NDArray}).
   *
   * @example Wrapping heap memory
   * ```ts
   * import { AllocArray, CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const c = new CheckedAllocArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
   * assert.equal(c.get(1, 0), 3);
   * assert.equal(new CheckedAllocArray(c), c);
   * assert.throws(() => new CheckedAllocArray(AllocArray.from(new Float64Array(1))), TypeError);
   * ```
   */
  constructor(
    source: T | NDArray<T>,
    shape?: readonly number[],
    strides?: readonly number[],
    offset?: number,
    validity?: MemoryValidity,
  );
  /**
   * The library's own construction, sharing `validity` (not validated again; see
   * {@linkcode NDArray}).
   *
   * @ignore
   */
  constructor(...args: TrustedArgs<T | NDArray<T>, [validity: MemoryValidity]>);
  constructor(
    source: T | NDArray<T>,
    shape?: readonly number[],
    strides?: readonly number[],
    offset?: number,
    validity?: MemoryValidity,
    trusted?: Trusted,
  ) {
    if (trusted === TRUSTED) {
      super(source, shape, strides, offset, TRUSTED);
      this.#validity = validity!;
      return;
    }
    if (validity !== undefined && !(validity instanceof MemoryValidity)) {
      throw new TypeError(
        `Cannot create a CheckedAllocArray: validity must be a MemoryValidity, got ${
          describeValue(validity)
        }`,
      );
    }
    if (!(source instanceof NDArray)) {
      if (validity === undefined) refuseArenaMemory(source);
      super(source, shape, strides, offset);
      this.#validity = validity ?? new MemoryValidity();
      return;
    }
    if (
      source instanceof CheckedAllocArray && shape === undefined && strides === undefined &&
      offset === undefined && validity === undefined
    ) {
      return source;
    }
    if (source instanceof AllocArray) {
      throw new TypeError(
        `Cannot create a CheckedAllocArray from ${
          describeValue(source)
        }: the lifetime of an AllocArray's memory is unknown; wrap the heap array it came from, or allocate with similar() under a BumperAllocator`,
      );
    }
    if (shape !== undefined || strides !== undefined || offset !== undefined) {
      throw new TypeError(
        `Cannot create a CheckedAllocArray: shape, strides and offset apply to a typed-array source only, got ${
          describeValue(source)
        } with a layout`,
      );
    }
    if (validity === undefined) refuseArenaMemory(source.data);
    // The layout of an n-d array is valid already.
    super(source, undefined, undefined, undefined, WRAP);
    this.#validity = validity ?? new MemoryValidity();
  }

  /**
   * Wraps heap memory (same as the constructor).
   *
   * @typeParam T The typed array type.
   * @param source A typed array or a plain n-d array.
   * @returns `source` itself when it is a `CheckedAllocArray`, else a new one over it.
   * @throws {TypeError} When `source` is an `AllocArray` or not an array.
   *
   * @example Wrapping a batch
   * ```ts
   * import { CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const batch = [new Float32Array(3), new Float32Array(3)].map(CheckedAllocArray.from);
   * assert.ok(batch.every((c) => c.isValid));
   * ```
   */
  static override from<T extends TypedArray>(source: T | NDArray<T>): CheckedAllocArray<T> {
    return new CheckedAllocArray(source);
  }

  /**
   * A `CheckedAllocArray` built from nested JavaScript arrays (copied into a new heap typed
   * array).
   *
   * @typeParam T The typed array type.
   * @param nested Nested arrays of equal lengths at each depth, or a single element (0-d).
   * @param dtype The element type (default `Float64Array`).
   * @returns A new, always valid `CheckedAllocArray`.
   * @throws {TypeError} When `dtype` is not a typed-array constructor or an element has the
   * wrong type.
   * @throws {RangeError} When the nesting is ragged.
   *
   * @example From nested arrays
   * ```ts
   * import { CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const c = CheckedAllocArray.fromNested([[1, 2], [3, 4]]);
   * assert.equal(c.get(1, 1), 4);
   * ```
   */
  static override fromNested<T extends TypedArray = Float64Array>(
    nested: Nested<ElementOf<T>>,
    dtype?: TypedArrayConstructor<T>,
  ): CheckedAllocArray<T> {
    return new CheckedAllocArray(NDArray.fromNested(nested, dtype));
  }

  /**
   * Whether the memory is still valid (never throws).
   *
   * @example Checking validity
   * ```ts
   * import { CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new CheckedAllocArray(new Float64Array(2)).isValid);
   * ```
   */
  get isValid(): boolean {
    return this.#validity.valid && !(super.data.length === 0 && this.size !== 0);
  }

  /**
   * The {@linkcode MemoryValidity} this array shares with its views and with the other arrays
   * of its allocator generation.
   *
   * @example Views share their parent's validity
   * ```ts
   * import { CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const c = new CheckedAllocArray(new Float64Array(4));
   * assert.equal(c.slice([1, 3]).validity, c.validity);
   * ```
   */
  get validity(): MemoryValidity {
    return this.#validity;
  }

  /**
   * The typed array holding the elements, after checking that the memory is still valid.
   *
   * @throws {InvalidMemoryError} When the memory was freed.
   *
   * @example Reading the storage
   * ```ts
   * import { CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const data = new Float64Array(2);
   * assert.equal(new CheckedAllocArray(data).data, data);
   * ```
   */
  override get data(): T {
    // Two reads that are in range when the array may be used: GUARD at its validity's index
    // (see _internal/guard.ts), and its first element (out of range once its memory is
    // detached; an empty array has none, and then the slow path decides). V8 compiles them as
    // bounds checks, not branches, so a loop of `get`/`set` keeps the layout in registers.
    const data = super.data;
    if (
      GUARD[(this.#validity as unknown as Guarded)[VALID_AT]] === undefined ||
      data[this.offset] === undefined
    ) {
      return this.#checkedData(data);
    }
    return data;
  }

  // `data` where a read of the fast check failed: the checks that name what is wrong.
  #checkedData(data: T): T {
    if (!this.#validity.valid) throw this.#invalid();
    // A valid layout of a non-empty array never has empty data: it was detached.
    if (data.length === 0 && this.size !== 0) {
      throw new InvalidMemoryError(allocationSite(this), true);
    }
    return data;
  }

  #invalid(): InvalidMemoryError {
    return new InvalidMemoryError(allocationSite(this));
  }

  /**
   * Creates views as `CheckedAllocArray`s sharing this array's validity, after checking it (see
   * {@linkcode NDArray.makeView}).
   *
   * @param shape The view's shape.
   * @param strides The view's strides.
   * @param offset The view's offset.
   * @returns A `CheckedAllocArray` over the same memory.
   * @throws {InvalidMemoryError} When the memory was freed.
   *
   * @example Views share validity
   * ```ts
   * import { CheckedAllocArray } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const c = new CheckedAllocArray(new Float64Array(6), [2, 3]);
   * assert.ok(c.transpose() instanceof CheckedAllocArray);
   * ```
   */
  protected override makeView(
    shape: number[],
    strides: number[],
    offset: number,
  ): CheckedAllocArray<T> {
    const view = new CheckedAllocArray(this.data, shape, strides, offset, this.#validity, TRUSTED);
    copySite(this, view);
    return view;
  }

  /** `"CheckedAllocArray"`. */
  override get [Symbol.toStringTag](): string {
    return "CheckedAllocArray";
  }

  /**
   * A one-line description (see {@linkcode NDArray.describe}); says so instead of throwing when
   * the memory was freed.
   *
   * @returns For example `CheckedAllocArray<Float64Array 2> [1, 2]`, or
   * `CheckedAllocArray<Float64Array 2> (memory deallocated)`.
   *
   * @example Describing a freed array
   * ```ts
   * import { CheckedAllocArray, MemoryValidity } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const v = new MemoryValidity();
   * const c = new CheckedAllocArray(new Float64Array(2), undefined, undefined, undefined, v);
   * v.invalidate();
   * assert.equal(c.describe(), "CheckedAllocArray<Float64Array 2> (memory deallocated)");
   * ```
   */
  override describe(): string {
    if (this.isValid) return super.describe();
    return `${describeHead("CheckedAllocArray", this.dtype.name, this.shape)} (memory ${
      this.#validity.valid ? "detached" : "deallocated"
    })`;
  }
}
