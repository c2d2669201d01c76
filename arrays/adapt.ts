/**
 * {@linkcode adapt}: turn every array inside a model into an `AllocArray` (AllocArrays.jl's
 * Adapt.jl extension).
 *
 * @module
 */

import { describeValue } from "../_internal/describe.ts";
import type { TypedArray } from "../allocators/dtype.ts";
import { AllocArray } from "./alloc_array.ts";
import { CheckedAllocArray } from "./checked_alloc_array.ts";
import { isTypedArray, NDArray } from "./ndarray.ts";

/**
 * The type of `adapt(value)`: `value`'s type with every typed array and n-d array replaced by
 * an `AllocArray` (a `CheckedAllocArray` when `C` is `true`) of the same element type.
 *
 * @typeParam T The adapted value's type.
 * @typeParam C Whether arrays become `CheckedAllocArray`s.
 */
export type Adapted<T, C extends boolean = false> = T extends NDArray<infer A>
  ? (C extends true ? CheckedAllocArray<A> : AllocArray<A>)
  : T extends TypedArray ? (C extends true ? CheckedAllocArray<T> : AllocArray<T>)
  : T extends ReadonlyMap<infer K, infer V> ? Map<K, Adapted<V, C>>
  : T extends (...args: never[]) => unknown ? T
  : T extends object ? { [P in keyof T]: Adapted<T[P], C> }
  : T;

// Built-in objects that are values, not containers: left as they are.
const OPAQUE: (abstract new (...args: never[]) => unknown)[] = [
  Date,
  RegExp,
  Error,
  Promise,
  WeakMap,
  WeakSet,
  Set,
  ArrayBuffer,
  DataView,
  ...(typeof SharedArrayBuffer === "function" ? [SharedArrayBuffer] : []),
];

function isOpaque(value: object): boolean {
  for (let i = 0; i < OPAQUE.length; i++) if (value instanceof OPAQUE[i]) return true;
  return false;
}

/**
 * A copy of `value` in which every typed array and n-d array is wrapped in an `AllocArray`
 * (or, with `kind` `CheckedAllocArray`, a `CheckedAllocArray`), **without copying the
 * arrays' elements**: so a model's weights become `AllocArray`s and everything computed from
 * them allocates from the current allocator (AllocArrays.jl's `adapt(AllocArray, model)`).
 *
 * Walks arrays, `Map` values and objects (plain objects and class instances, copied with
 * their prototype and own enumerable properties; methods keep working, `#private` fields are
 * not copied). Other values (primitives, functions, `Date`, `Set`, `ArrayBuffer`, …) are kept
 * as they are. Shared references stay shared and cycles are preserved. An array that already
 * is of the requested kind is kept as is. `value` itself is not modified.
 *
 * @typeParam T The type of `value`.
 * @param value The model or any value.
 * @param kind `AllocArray` (default) or `CheckedAllocArray`.
 * @returns The adapted copy.
 * @throws {TypeError} When `kind` is neither, or (with `CheckedAllocArray`) an array inside is
 * an unchecked `AllocArray`, whose memory lifetime is unknown.
 *
 * @example Adapting a model's weights
 * ```ts
 * import { adapt, AllocArray, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const weights = new Float32Array([1, 2, 3, 4]);
 * const model = {
 *   name: "dense",
 *   layers: [{ w: new NDArray(weights, [2, 2]), bias: new Float32Array(2) }],
 *   extra: new Map([["scale", new Float64Array([0.5])]]),
 * };
 * const m = adapt(model);
 * assert.ok(m.layers[0].w instanceof AllocArray);
 * assert.equal(m.layers[0].w.data, weights); // not copied
 * assert.ok(m.layers[0].bias instanceof AllocArray);
 * assert.ok(m.extra.get("scale") instanceof AllocArray);
 * assert.equal(m.name, "dense");
 * assert.ok(!(model.layers[0].w instanceof AllocArray)); // the original is unchanged
 * ```
 */
export function adapt<T>(value: T, kind?: typeof AllocArray): Adapted<T>;
/**
 * {@linkcode adapt} to `CheckedAllocArray`s: every typed array and plain n-d array inside
 * `value` becomes an (always valid) `CheckedAllocArray` over the same memory.
 *
 * @typeParam T The type of `value`.
 * @param value The model or any value.
 * @param kind `CheckedAllocArray`.
 * @returns The adapted copy.
 * @throws {TypeError} When an array inside is an unchecked `AllocArray`.
 *
 * @example Checked weights
 * ```ts
 * import { adapt, CheckedAllocArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const m = adapt({ w: new Float64Array(3) }, CheckedAllocArray);
 * assert.ok(m.w instanceof CheckedAllocArray);
 * ```
 */
export function adapt<T>(value: T, kind: typeof CheckedAllocArray): Adapted<T, true>;
export function adapt(
  value: unknown,
  kind: typeof AllocArray | typeof CheckedAllocArray = AllocArray,
): unknown {
  if (kind !== AllocArray && kind !== CheckedAllocArray) {
    throw new TypeError(
      `Cannot adapt: kind must be AllocArray or CheckedAllocArray, got ${describeValue(kind)}`,
    );
  }
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (v instanceof kind) return v;
    if (v instanceof NDArray || isTypedArray(v)) return kind.from(v as TypedArray | NDArray);
    const done = seen.get(v);
    if (done !== undefined || seen.has(v)) return done;
    if (isOpaque(v)) return v;
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      seen.set(v, out);
      for (let i = 0; i < v.length; i++) out[i] = walk(v[i]);
      return out;
    }
    if (v instanceof Map) {
      const out = new Map();
      seen.set(v, out);
      for (const [k, x] of v) out.set(k, walk(x));
      return out;
    }
    const out = Object.create(Object.getPrototypeOf(v));
    seen.set(v, out);
    for (const key of Reflect.ownKeys(v)) {
      const desc = Object.getOwnPropertyDescriptor(v, key)!;
      if (!desc.enumerable) continue;
      if ("value" in desc) desc.value = walk(desc.value);
      Object.defineProperty(out, key, desc);
    }
    return out;
  };
  return walk(value);
}
