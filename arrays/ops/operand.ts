/**
 * The types the array operations are written with: what they accept ({@linkcode ArrayInput},
 * {@linkcode Operand}) and what they return ({@linkcode ResultArray}, {@linkcode Returned}).
 *
 * Every operation takes n-d arrays and plain typed arrays (a typed array is a 1-d array over
 * itself); the element-wise ones also take numbers. Its result is an array of the strongest
 * input's kind, allocated with `similarOf`: an `AllocArray` anywhere among the inputs makes
 * the result an `AllocArray` from the current allocator, a `CheckedAllocArray` a
 * `CheckedAllocArray`. Every operation also takes an `out` array to write into instead, in its
 * options ({@linkcode OutOptions}) or in their place, and then returns `out`
 * ({@linkcode OutOf}).
 *
 * @module
 */

import type { Float16ArrayIfPresent, TypedArray } from "../../allocators/dtype.ts";
import type { AllocArray } from "../alloc_array.ts";
import type { CheckedAllocArray } from "../checked_alloc_array.ts";
import type { NDArray } from "../ndarray.ts";

/**
 * An array argument of an operation: an n-d array of any kind, or a typed array (viewed as a
 * 1-d array over itself, without copying).
 *
 * @typeParam T The typed array holding the elements.
 */
export type ArrayInput<T extends TypedArray = TypedArray> = T | NDArray<T>;

/**
 * An argument of an element-wise operation: an array, or a number used as a 0-d array (a
 * scalar broadcast against the other operand).
 */
export type Operand = ArrayInput | number;

/**
 * The typed array of the elements of `X`: `T` for an `NDArray<T>` or a typed array `T`,
 * `never` for a number.
 *
 * @typeParam X An {@linkcode Operand} type.
 */
export type ElementsOf<X> = X extends NDArray<infer T> ? T : X extends TypedArray ? X : never;

/**
 * The element type of the first array among the operands `A` and `B`, the result element type
 * of the arithmetic operations.
 *
 * @typeParam A The first operand's type.
 * @typeParam B The second operand's type.
 */
export type FirstElements<A, B> = [ElementsOf<A>] extends [never] ? ElementsOf<B>
  : ElementsOf<A>;

/**
 * The result element type of floating-point math on elements `T`: `T` itself for
 * `Float32Array` and `Float16Array`, else `Float64Array` (integers are computed in double
 * precision).
 *
 * @typeParam T The input's typed array type.
 */
export type FloatElements<T> = [T] extends [Float32Array] ? Float32Array
  : [T] extends [Float16ArrayIfPresent] ? Float16ArrayIfPresent
  : Float64Array;

/**
 * The array an operation allocates for inputs of types `I` (a union) and result elements `T`:
 * a `CheckedAllocArray<T>` when some input is a `CheckedAllocArray`, else an `AllocArray<T>`
 * when some input is an `AllocArray`, else an `NDArray<T>` (the rule of `similarOf`).
 *
 * @typeParam I The union of the input types.
 * @typeParam T The result's typed array type.
 */
export type ResultArray<I, T extends TypedArray> = [Extract<I, CheckedAllocArray>] extends [never]
  ? [Extract<I, AllocArray>] extends [never] ? NDArray<T> : AllocArray<T>
  : CheckedAllocArray<T>;

/**
 * How the element type of an operation's result follows from its input's (or first array
 * operand's) element type `T` ({@linkcode ResultElements}):
 *
 * - `"same"`: `T` itself;
 * - `"float"`: `T` for the float types, `Float64Array` for integers ({@linkcode FloatElements});
 * - `"bool"`: `Uint8Array`, 1 or 0 (comparisons);
 * - `"index"`: `Int32Array` (positions, as `argmax` returns).
 */
export type ElementRule = "same" | "float" | "bool" | "index";

/**
 * The result element type that {@linkcode ElementRule} `R` gives for input elements `T`.
 *
 * @typeParam R The rule.
 * @typeParam T The input's typed array type.
 */
export type ResultElements<R extends ElementRule, T> = R extends "float" ? FloatElements<T>
  : R extends "bool" ? Uint8Array
  : R extends "index" ? Int32Array
  : T;

/**
 * The options of an operation whose only option is `out`, and the `out` option of every other
 * one. Where `out` is the only option given, the array itself may stand in for the options
 * object: `add(a, b, out)` is `add(a, b, { out })` (the conventions are in the `./arrays/ops`
 * module documentation).
 */
export interface OutOptions {
  /**
   * Where to write the result instead of allocating it: an array of the result's shape (its
   * element type may differ: elements are converted by the typed-array store). Omitted or
   * `null` to allocate the result.
   */
  out?: ArrayInput | null;
}

/** The options of an operation along one axis: the axis and `out` ({@linkcode OutOptions}). */
export interface AxisOptions extends OutOptions {
  /**
   * The axis (negative counts from the end). Each operation says what omitting it (or `null`)
   * means.
   */
  axis?: number | null;
}

/**
 * The type of the `out` array given in options `P`: `P` itself when it is an array (the
 * shorthand, see {@linkcode OutOptions}), its `out` property when it has one, else `undefined`.
 *
 * @typeParam P The type of an operation's options argument.
 */
export type OutOf<P> = P extends ArrayInput ? P
  : "out" extends keyof P ? P["out" & keyof P]
  : undefined;

/**
 * The type of the `axis` given in options `P` (`undefined` when absent).
 *
 * @typeParam P The type of an operation's options argument.
 */
export type AxisOf<P> = P extends ArrayInput ? undefined
  : "axis" extends keyof P ? P["axis" & keyof P]
  : undefined;

/**
 * What an operation returns: `out` itself when one was given (type `O`), else the freshly
 * allocated result `R`; either of them when `O` may be `undefined` or `null`.
 *
 * @typeParam O The type of the `out` given ({@linkcode OutOf} the options; `undefined` when
 * none).
 * @typeParam R The type of the allocated result.
 */
export type Returned<O, R> = [O] extends [undefined | null] ? R
  : [O] extends [Exclude<O, undefined | null>] ? O
  : R | Exclude<O, undefined | null>;

/**
 * The type of one element of operand `X`, as a callback sees it: `number` for number-element
 * arrays and numbers, `bigint` for `BigInt64Array`/`BigUint64Array` data and bigints.
 *
 * @typeParam X An operand type: an array, a number or a bigint.
 */
export type ScalarOf<X> = X extends number ? number
  : X extends bigint ? bigint
  : ElementsOf<X>[number];

/**
 * What a reduction returns: a number when no axis is given (type `A` is `undefined` or
 * `null`), else {@linkcode Returned}: `out`, or the allocated array `R`.
 *
 * @typeParam A The type of the `axis` option ({@linkcode AxisOf}).
 * @typeParam O The type of the `out` option ({@linkcode OutOf}).
 * @typeParam R The type of the allocated per-axis result.
 */
export type Reduced<A, O, R> = [A] extends [number] ? Returned<O, R> : number;
