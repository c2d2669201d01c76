// Package-private: the boundary of every array operation (arrays/ops and arrays/nn): reading
// operands once (`viewOf`, `operandOf`), checking element kinds, broadcasting shapes, validating
// or allocating the result (`output`), and the aliasing hazards (an `out` that overlaps an input
// in another layout gets a copy of that input).

import { describeValue, detachedError, fmtShape, isBigIntData } from "./describe.ts";
import { isRowMajor, rowMajorStrides, sameShape } from "./layout.ts";
import { COPY_ROW, type Data, walk } from "./loops.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { isTypedArray, NDArray } from "../arrays/ndarray.ts";
import { copy, similarOf } from "../arrays/similar.ts";

/** An array operand read once at the boundary: its storage and layout. */
export interface View {
  /** What the caller passed (an n-d array or a typed array). */
  readonly src: TypedArray | NDArray;
  readonly data: Data;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/**
 * Reads an array argument: an n-d array (its `data` getter is where a `CheckedAllocArray`
 * checks that its memory is still valid) or a typed array as a 1-d array.
 */
export function viewOf(x: unknown, action: string, name: string): View {
  if (x instanceof NDArray) {
    const data = x.data as Data;
    if (data.length === 0 && x.size !== 0) throw detachedError(action, name);
    return {
      src: x,
      data,
      shape: x.shape,
      strides: x.strides,
      offset: x.offset,
      size: x.size,
    };
  }
  if (isTypedArray(x)) {
    return { src: x, data: x as Data, shape: [x.length], strides: [1], offset: 0, size: x.length };
  }
  throw new TypeError(
    `Cannot ${action}: ${name} must be a typed array or NDArray, got ${describeValue(x)}`,
  );
}

/** {@linkcode viewOf} for operations on number elements: BigInt arrays are a TypeError. */
export function numericView(x: unknown, action: string, name: string): View {
  const v = viewOf(x, action, name);
  if (isBigIntData(v.data)) {
    throw new TypeError(
      `Cannot ${action}: ${name} holds ${v.data.constructor.name} elements; this operation needs number elements (use map or zip for bigints)`,
    );
  }
  return v;
}

/** An element-wise operand: a number (scalar) or a number-element array. */
export function operandOf(x: unknown, action: string, name: string): View | number {
  if (typeof x === "number") return x;
  if (x instanceof NDArray || isTypedArray(x)) return numericView(x, action, name);
  throw new TypeError(
    `Cannot ${action}: ${name} must be a number, typed array or NDArray, got ${describeValue(x)}`,
  );
}

/** The options an operation reads when it is given none, or only its `out` array. */
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Reads an operation's options argument: an options object whose keys are all among `keys`,
 * the `out` array itself (the shorthand for `{ out }`), or nothing. Returns the options object
 * (an empty one for the shorthand and for nothing); {@linkcode outOf} gives the `out` array.
 */
export function optionsOf(
  options: unknown,
  keys: readonly string[],
  action: string,
): Readonly<Record<string, unknown>> {
  if (
    options === undefined || options === null || options instanceof NDArray ||
    isTypedArray(options)
  ) return NO_OPTIONS;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(
      `Cannot ${action}: options must be an options object or the out array, got ${
        describeValue(options)
      }`,
    );
  }
  for (const key in options) {
    if (!keys.includes(key)) {
      throw new TypeError(
        `Cannot ${action}: unknown option ${JSON.stringify(key)}; the options are ${
          keys.join(", ")
        }`,
      );
    }
  }
  return options as Readonly<Record<string, unknown>>;
}

/** The `out` array of `options` as {@linkcode optionsOf} read it into `opts`. */
export function outOf(options: unknown, opts: Readonly<Record<string, unknown>>): unknown {
  return opts === NO_OPTIONS ? options : opts.out;
}

/** The keys of an operation whose only option is `out`. */
export const OUT_KEYS: readonly string[] = ["out"];

/** The keys of an operation along an axis. */
export const AXIS_KEYS: readonly string[] = ["axis", "out"];

/** Checks that `axis` is an axis of an `ndim`-d array (negative counts from the end). */
export function normalizeAxis(axis: unknown, ndim: number, action: string): number {
  if (typeof axis !== "number") {
    throw new TypeError(`Cannot ${action}: axis must be a number, got ${describeValue(axis)}`);
  }
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(
      `Cannot ${action}: axis ${axis} is out of range for an array of ${ndim} axes`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** NumPy's broadcast of two shapes (trailing axes aligned; a length 1 repeats). */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
  action: string,
): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let k = 0; k < nd; k++) {
    const x = a[a.length - nd + k] ?? 1, y = b[b.length - nd + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `Cannot ${action}: shapes ${fmtShape(a)} and ${
          fmtShape(b)
        } do not broadcast (axis ${k}: ${x} vs ${y})`,
      );
    }
    out[k] = x === 1 ? y : x;
  }
  return out;
}

/** Strides that walk `v` as if it had `shape` (which it broadcasts to): 0 on repeated axes. */
export function broadcastStrides(v: View, shape: readonly number[]): number[] {
  const nd = shape.length, lead = nd - v.shape.length;
  const out = new Array<number>(nd).fill(0);
  for (let k = 0; k < v.shape.length; k++) {
    if (v.shape[k] !== 1) out[lead + k] = v.strides[k];
  }
  return out;
}

/** The element type floating-point math on `type` produces (integers → Float64Array). */
export function floatType(type: TypedArrayConstructor): TypedArrayConstructor {
  return type === Float32Array || type === Float64Array || type.name === "Float16Array"
    ? type
    : Float64Array;
}

/** The result of an operation: what to return to the caller, and its layout for the kernel. */
export interface Output {
  readonly result: TypedArray | NDArray;
  readonly view: View;
}

/**
 * The operation's result: `out` after checking its shape and element kind, or a new array from
 * `similarOf(inputs, dtype, shape)`, i.e. of the strongest input's kind, allocated by the
 * current allocator when that is an `AllocArray`.
 */
export function output(
  inputs: readonly unknown[],
  dtype: TypedArrayConstructor,
  shape: number[],
  out: unknown,
  action: string,
): Output {
  if (out === undefined || out === null) {
    const result = similarOf(inputs, dtype, shape);
    return {
      result,
      view: {
        src: result,
        data: result.data as Data,
        shape,
        strides: rowMajorStrides(shape),
        offset: 0,
        size: result.size,
      },
    };
  }
  const view = viewOf(out, action, "out");
  if (!sameShape(view.shape, shape)) {
    throw new RangeError(
      `Cannot ${action}: out has shape ${fmtShape(view.shape)}, expected ${fmtShape(shape)}`,
    );
  }
  const big = dtype === BigInt64Array || dtype === BigUint64Array;
  if (isBigIntData(view.data) !== big) {
    throw new TypeError(
      `Cannot ${action}: out holds ${view.data.constructor.name} elements, the result has ${
        big ? "bigint" : "number"
      } elements (${dtype.name})`,
    );
  }
  return { result: out as NDArray, view };
}

export { sameShape };

/** Byte range `[lo, hi)` inside its buffer of the elements `v` reaches. */
function byteSpan(v: View, strides: readonly number[]): [number, number] {
  let lo = v.offset, hi = v.offset;
  for (let k = 0; k < v.shape.length; k++) {
    const span = (v.shape[k] - 1) * strides[k];
    if (span < 0) lo += span;
    else hi += span;
  }
  const bpe = v.data.BYTES_PER_ELEMENT, base = v.data.byteOffset;
  return [base + lo * bpe, base + (hi + 1) * bpe];
}

/**
 * Whether `a` and `b` (both non-empty) share some bytes of memory. Two `SharedArrayBuffer`
 * objects of one size may be the same memory (each `postMessage` delivers its own object for
 * it), so they count as the same buffer: at worst an input is copied needlessly.
 */
export function overlaps(a: View, b: View): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const ab = a.data.buffer, bb = b.data.buffer;
  if (ab !== bb && !(ab.byteLength === bb.byteLength && isShared(ab) && isShared(bb))) {
    return false;
  }
  const [alo, ahi] = byteSpan(a, a.strides), [blo, bhi] = byteSpan(b, b.strides);
  return alo < bhi && blo < ahi;
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;
}

/**
 * `input` when it is safe to read while writing `out` element by element in the same order:
 * no shared memory, or exactly the same elements at every index (`inStrides` is `input`
 * broadcast to `out`'s shape). Otherwise a contiguous copy of it (from `similar`).
 */
export function unaliased(out: View, input: View, inStrides: readonly number[]): View {
  if (!overlaps(out, input)) return input;
  if (
    input.data.constructor === out.data.constructor &&
    input.data.byteOffset + input.offset * input.data.BYTES_PER_ELEMENT ===
      out.data.byteOffset + out.offset * out.data.BYTES_PER_ELEMENT &&
    sameShape(inStrides, out.strides)
  ) return input;
  return detached(input);
}

/** A contiguous copy of `v` (from `similar`, so from the current allocator for AllocArrays). */
export function detached(v: View): View {
  const c = copy(v.src);
  return {
    src: v.src,
    data: c.data as Data,
    shape: v.shape,
    strides: rowMajorStrides(v.shape as number[]),
    offset: 0,
    size: v.size,
  };
}

/**
 * `v` as a row-major contiguous layout: itself when it is one, else a copy from `similar`
 * (the input's kind, so a bump allocator serves it inside `withAllocator`).
 */
export function contiguous(v: View): View {
  return isRowMajor(v.shape, v.strides) ? v : detached(v);
}

/** Writes the elements of `src` (broadcast to `dst`'s shape) into `dst`. */
export function assign(dst: View, src: View): void {
  if (dst.size === 0) return;
  const st = broadcastStrides(src, dst.shape);
  const s = unaliased(dst, src, st);
  walk(
    COPY_ROW,
    dst.shape,
    dst.data,
    dst.offset,
    dst.strides,
    s.data,
    s.offset,
    s === src ? st : broadcastStrides(s, dst.shape),
  );
}

/**
 * Where a kernel that needs a row-major output writes: `out` itself when it is one and shares
 * no memory with the inputs, else a fresh temporary like it (from `similar`) that
 * {@linkcode finish} copies into `out`. An input laid out exactly as `out` does not count as
 * sharing when the kernel reads each element before writing it (`elementwise`): then `out` may
 * be that input (in place).
 */
export function writable(out: Output, inputs: readonly View[], elementwise = false): View {
  const v = out.view;
  let ok = isRowMajor(v.shape, v.strides);
  for (let i = 0; ok && i < inputs.length; i++) {
    const x = inputs[i];
    ok = !overlaps(v, x) || elementwise && x.data === v.data && x.offset === v.offset &&
        sameShape(x.strides, v.strides);
  }
  if (ok) return v;
  const t = similarOf([v.src], null, v.shape as number[]);
  return {
    src: t,
    data: t.data as Data,
    shape: v.shape,
    strides: rowMajorStrides(v.shape as number[]),
    offset: 0,
    size: v.size,
  };
}

/** Completes {@linkcode writable}: copies the temporary into `out` if one was used. */
export function finish(out: Output, written: View): TypedArray | NDArray {
  if (written !== out.view) assign(out.view, written);
  return out.result;
}
