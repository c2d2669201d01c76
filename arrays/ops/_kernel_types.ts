// Internal: the signatures of the operations' kernels, and the element kinds that have
// contiguous kernels of their own (./_elementwise_kernels.ts and ./_reduce_kernels.ts, written
// by scripts/gen_kernels.ts).

import type { Data, Row } from "../../_internal/loops.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";

/** `o[oo + i] = f(a[ao + i], b[bo + i])` for `i < n`. */
export type ContiguousBinary = (
  n: number,
  o: Data,
  oo: number,
  a: Data,
  ao: number,
  b: Data,
  bo: number,
) => void;

/**
 * `o[oo + i] = f(a[ao + i], y)` for `i < n`: a scalar second operand. (The kernels of a scalar
 * first operand have this signature too: `(n, o, oo, b, bo, x)` computes `f(x, b[bo + i])`.)
 */
export type ArrayScalarKernel = (
  n: number,
  o: Data,
  oo: number,
  a: Data,
  ao: number,
  y: number,
) => void;

/** `o[oo + i] = f(a[ao + i])` for `i < n`. */
export type ContiguousUnary = (n: number, o: Data, oo: number, a: Data, ao: number) => void;

/** A reduction of `a[ao]` … `a[ao + n - 1]`. */
export type ContiguousReduce = (n: number, a: Data, ao: number) => number;

/**
 * The kernels of one binary operation: the general engine's strided one, and the contiguous
 * ones indexed by element kind ({@linkcode kindOf}).
 */
export interface BinaryKernels {
  readonly strided: Row;
  readonly arrays: readonly ContiguousBinary[];
  readonly arrayScalar: readonly ArrayScalarKernel[];
  /** `f(x, b[i])` for a scalar `x`: called as `(n, o, oo, b, bo, x)`. */
  readonly scalarFirst: readonly ArrayScalarKernel[];
}

/** The kernels of one unary operation (see {@linkcode BinaryKernels}). */
export interface UnaryKernels {
  readonly strided: Row;
  readonly arrays: readonly ContiguousUnary[];
}

/** The contiguous reductions, each indexed by element kind. */
export interface ReduceKernels {
  readonly sum: readonly ContiguousReduce[];
  readonly prod: readonly ContiguousReduce[];
  readonly max: readonly ContiguousReduce[];
  readonly min: readonly ContiguousReduce[];
  readonly argmax: readonly ContiguousReduce[];
  readonly argmin: readonly ContiguousReduce[];
}

const F16 = (globalThis as { Float16Array?: unknown }).Float16Array;

/**
 * The element types with kernels of their own, by kind (the index {@linkcode kindOf} gives):
 * the order of scripts/gen_kernels.ts's table. Float16Array is `undefined` where the runtime
 * lacks it.
 */
export const ELEMENT_KINDS: readonly (TypedArrayConstructor | undefined)[] = [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint32Array,
  Uint8ClampedArray,
  F16 as TypedArrayConstructor | undefined,
];

/**
 * The element kind of `data`'s constructor `type`: its index in {@linkcode ELEMENT_KINDS}, or
 * -1 for the bigint arrays (and anything else), which have no number kernels. The common kinds
 * are compared first.
 */
export function kindOf(type: unknown): number {
  return type === Float64Array
    ? 0
    : type === Float32Array
    ? 1
    : type === Int32Array
    ? 2
    : type === Uint8Array
    ? 3
    : type === Int16Array
    ? 4
    : type === Uint16Array
    ? 5
    : type === Int8Array
    ? 6
    : type === Uint32Array
    ? 7
    : type === Uint8ClampedArray
    ? 8
    : type === F16 && F16 !== undefined
    ? 9
    : -1;
}
