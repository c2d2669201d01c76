// Package-private: the boundary of every array operation (arrays/ops and arrays/nn): reading
// operands once (`viewOf`, `operandOf`), checking element kinds, broadcasting shapes, validating
// or allocating the result (`output`), and the aliasing hazards (an `out` that overlaps an input
// in another layout gets a copy of that input).

import { allocIn } from "./alloc_in.ts";
import { BUFFER } from "./array_slots.ts";
import { coreOf } from "./bump.ts";
import { describeValue, detachedError, fmtShape, isBigIntData } from "./describe.ts";
import { isRowMajor, sameShape, sizeOf } from "./layout.ts";
import { newHeapArray } from "./memory.ts";
import { COPY_ROW, copyStridedToContiguous, type Data, walk } from "./loops.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import { AllocArray } from "../arrays/alloc_array.ts";
import { CheckedAllocArray } from "../arrays/checked_alloc_array.ts";
import { isTypedArray, NDArray } from "../arrays/ndarray.ts";
import { similar } from "../arrays/similar.ts";
import { currentAllocator } from "../scope/with_allocator.ts";

/**
 * An array operand as the operations read it: its storage and layout. An n-d array is its own
 * view (its getters are these fields), so reading one allocates nothing; a typed array operand
 * gets a small record, as does a layout an operation derives (a permuted or partial view),
 * whose `src` is the array temporaries copying it are allocated like.
 */
export interface View {
  readonly data: Data;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;
  /** For a record: the typed array or n-d array it views (see {@linkcode originOf}). */
  readonly src?: TypedArray | NDArray;
}

/** The array temporaries copying `v` are allocated like: `v` itself when it is an n-d array. */
export function originOf(v: View): TypedArray | NDArray {
  return v instanceof NDArray ? v : v.src ?? v.data;
}

const ONE: readonly number[] = Object.freeze([1]);

/**
 * The elements of `v`'s data laid out as `shape`/`strides` from `offset` (default `v`'s): a
 * view record that operations derive (permuted, promoted, partial), trusted to stay inside the
 * data.
 */
export function relayout(
  v: View,
  shape: readonly number[],
  strides: readonly number[],
  offset: number = v.offset,
): View {
  return { data: v.data, shape, strides, offset, size: sizeOf(shape), src: originOf(v) };
}

/**
 * Reads an array argument: an n-d array (reading its `data` is where a `CheckedAllocArray`
 * checks that its memory is still valid) or a typed array as a 1-d array.
 */
export function viewOf(x: unknown, action: string, name: string): View {
  if (x instanceof NDArray) {
    // Reading `data` is where a CheckedAllocArray checks its memory.
    if (x.data.length === 0 && x.size !== 0) throw detachedError(action, name);
    return x as unknown as View;
  }
  if (isTypedArray(x)) {
    return { data: x as Data, shape: [x.length], strides: ONE, offset: 0, size: x.length, src: x };
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
 * (an empty one for the shorthand and for nothing); {@linkcode outOf} gives the `out` array. A
 * `DataView` is a TypeError, as it is as `out`.
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
  if (ArrayBuffer.isView(options)) {
    // A DataView where the out array may stand: never read as an (empty) options object.
    throw new TypeError(
      `Cannot ${action}: out must be a typed array or NDArray, got ${describeValue(options)}`,
    );
  }
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

/**
 * Strides that walk `v` as if it had `shape` (which it broadcasts to): 0 on repeated axes; its
 * own strides when `shape` is its shape.
 */
export function broadcastStrides(v: View, shape: readonly number[]): readonly number[] {
  // Not broadcast: its own strides (a length-1 axis is never stepped along).
  if (sameShape(v.shape, shape)) return v.strides;
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

/** How strongly an operand decides the kind of an operation's result (see `similarOf`). */
function rankOf(x: unknown): number {
  return x instanceof CheckedAllocArray
    ? 3
    : x instanceof AllocArray
    ? 2
    : x instanceof NDArray || isTypedArray(x)
    ? 1
    : 0;
}

/**
 * Of two operation inputs, the one whose kind the result takes (the rule of `similarOf`,
 * without an array of inputs): a `CheckedAllocArray`, else an `AllocArray`, else an array; the
 * first on a tie. Chain it for more inputs: `stronger(stronger(x, w), b)`.
 */
export function stronger(a: unknown, b: unknown): unknown {
  return rankOf(b) > rankOf(a) ? b : a;
}

/**
 * Where an operation writes its result, as a view: `out` after checking its shape and element
 * kind, or a new array `similar(like, dtype, shape)` (of `like`'s kind, allocated by the
 * current allocator when that is an `AllocArray`; `like` comes from {@linkcode stronger}, and is
 * used only when `out` is absent). Return {@linkcode resultOf}`(out, view)` to the caller.
 */
export function output(
  like: unknown,
  dtype: TypedArrayConstructor,
  shape: number[],
  out: unknown,
  action: string,
): View {
  if (out === undefined || out === null) {
    if (rankOf(like) === 0) {
      return new NDArray(newHeapArray(dtype, sizeOf(shape)), shape) as unknown as View;
    }
    return similar(like as NDArray, dtype, shape) as unknown as View;
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
  return view;
}

// The shapes outputOf passes on, one per length (see there).
const SHAPES: number[][] = [[], [0], [0, 0], [0, 0, 0], [0, 0, 0, 0]];

/**
 * {@linkcode output} for a result of the shape `[d0, d1, d2, d3]`'s last `nd` (at most 4)
 * dimensions, given as numbers: the shape array is made only when the result is allocated
 * (which keeps it), not to check an `out`.
 */
export function outputOf(
  like: unknown,
  dtype: TypedArrayConstructor,
  out: unknown,
  action: string,
  nd: number,
  d0: number,
  d1: number,
  d2: number,
  d3: number,
): View {
  if (out === undefined || out === null) {
    // The shape goes to `similar` (or the NDArray constructor), which copies a shape it keeps
    // (as it must: a caller may change its array afterwards), so one array per length serves
    // every call.
    const shape = SHAPES[nd];
    if (nd === 4) shape[0] = d0;
    if (nd >= 3) shape[nd - 3] = d1;
    if (nd >= 2) shape[nd - 2] = d2;
    if (nd >= 1) shape[nd - 1] = d3;
    return output(like, dtype, shape, out, action);
  }
  const view = viewOf(out, action, "out"), s = view.shape;
  if (
    s.length !== nd || nd === 4 && s[0] !== d0 || nd >= 3 && s[nd - 3] !== d1 ||
    nd >= 2 && s[nd - 2] !== d2 || nd >= 1 && s[nd - 1] !== d3
  ) return output(like, dtype, [d0, d1, d2, d3].slice(4 - nd), out, action); // the message
  return output(like, dtype, s as number[], out, action);
}

/**
 * `n` elements of `type` for an operation's temporary, from where the operation's result would
 * come: the current allocator when `like` (see {@linkcode stronger}) is an `AllocArray`, else
 * the heap. Only memory, no array object around it: the temporary never leaves the operation.
 * Under a built-in buffer the view is the one `similar` recycles over the same bytes, so a loop
 * of operations makes no view object per temporary either.
 */
export function temporary<T extends TypedArray>(
  like: unknown,
  type: TypedArrayConstructor<T>,
  n: number,
): T {
  if (!(like instanceof AllocArray)) return newHeapArray(type, n);
  const allocator = currentAllocator(), core = coreOf(allocator);
  if (core !== undefined) {
    const e = core.recycle(type, n);
    if (e !== undefined) return e.view as T;
  }
  return allocIn(allocator, type, n);
}

/** What an operation returns: `out` when given, else the array {@linkcode output} allocated. */
export function resultOf(out: unknown, view: View): TypedArray | NDArray {
  return out === undefined || out === null ? view as unknown as NDArray : out as NDArray;
}

export { sameShape };

/** The first byte inside its buffer of the elements `v` reaches. */
function firstByte(v: View): number {
  let lo = v.offset;
  for (let k = 0; k < v.shape.length; k++) {
    const span = (v.shape[k] - 1) * v.strides[k];
    if (span < 0) lo += span;
  }
  return v.data.byteOffset + lo * v.data.BYTES_PER_ELEMENT;
}

/** The byte after the last inside its buffer of the elements `v` reaches. */
function endByte(v: View): number {
  let hi = v.offset;
  for (let k = 0; k < v.shape.length; k++) {
    const span = (v.shape[k] - 1) * v.strides[k];
    if (span > 0) hi += span;
  }
  return v.data.byteOffset + (hi + 1) * v.data.BYTES_PER_ELEMENT;
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
  return firstByte(a) < endByte(b) && firstByte(b) < endByte(a);
}

/**
 * Whether `v` shares no memory with the `n` elements of `d` from `o` (see {@linkcode overlaps}),
 * without a view of them.
 */
export function apartFrom(v: View, d: Data, o: number, n: number): boolean {
  if (v.size === 0 || n === 0) return true;
  const vb = v.data.buffer, db = d.buffer;
  if (vb !== db && !(vb.byteLength === db.byteLength && isShared(vb) && isShared(db))) return true;
  const lo = d.byteOffset + o * d.BYTES_PER_ELEMENT, hi = lo + n * d.BYTES_PER_ELEMENT;
  return !(firstByte(v) < hi && lo < endByte(v));
}

/** Whether `buffer` is a `SharedArrayBuffer`. */
export function isShared(buffer: ArrayBufferLike): boolean {
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
  const c = similar(originOf(v) as NDArray, null, v.shape);
  copyStridedToContiguous(v.data, v.shape, v.strides, v.offset, c.data, 0);
  return c as unknown as View;
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
  if (
    sameShape(src.shape, dst.shape) && isRowMajor(dst.shape, dst.strides) &&
    isRowMajor(src.shape, src.strides) &&
    apart(dst.data, dst.offset, null, src.data, src.offset, null, dst.size)
  ) {
    // One contiguous run into another: a single row, nothing to merge or allocate.
    COPY_ROW(dst.size, dst.data, dst.offset, 1, src.data, src.offset, 1, dst.data, 0, 0);
    return;
  }
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
 * Whether a kernel that writes `out` (row-major) element by element may read `x` while doing
 * so: they share no memory, or (`inPlace`, for kernels that read each element before writing
 * it) `x` is laid out exactly as `out`. An absent `x` is fine.
 */
export function clear(out: View, x: View | undefined, inPlace = false): boolean {
  if (x === undefined || !overlaps(out, x)) return true;
  return inPlace && x.data === out.data && x.offset === out.offset &&
    sameShape(x.strides, out.strides);
}

/**
 * Where a kernel that needs a row-major output writes: `out` itself when it is one and `ok`
 * (the inputs are {@linkcode clear} of it), else a fresh temporary like it (from `similar`)
 * that {@linkcode finish} copies into `out`.
 */
export function writable(out: View, ok: boolean): View {
  if (ok && isRowMajor(out.shape, out.strides)) return out;
  return similar(originOf(out) as NDArray, null, out.shape) as unknown as View;
}

/** Completes {@linkcode writable}: copies the temporary into `out` if one was used. */
export function finish(out: View, written: View): void {
  if (written !== out) assign(out, written);
}

// ---------------------------------------------------------------------------------------------
// The fast path: operands that are each one contiguous run of their `data`. These read an
// operand without allocating anything (no view object, no shape or strides array), so an
// operation on such operands allocates nothing but its result.

/**
 * What {@linkcode fastOut} and the fast paths return when the general path must run: the
 * operands or options are not the simple case (or are wrong, which the general path reports).
 */
export const NOT_FAST: unique symbol = Symbol("allocarrays.notFast");

/**
 * The `out` array an operation's options name, read once for the fast path: `options` itself
 * when it is an array (the shorthand) or any other `ArrayBuffer` view, `undefined` when omitted
 * (or `null`) or when an options object's `out` is, `options.out` of an options object with no
 * other key; else {@linkcode NOT_FAST}. A `DataView` is passed on as it is (telling it from a
 * typed array costs a walk of its prototype chain): the fast paths take only an `out` of the
 * result's typed-array type, and the general path refuses it as it refuses any `out` that is
 * not an array.
 */
export function fastOut(options: unknown): unknown {
  if (options === undefined || options === null) return undefined;
  if (ArrayBuffer.isView(options) || options instanceof NDArray) return options;
  if (typeof options !== "object" || Array.isArray(options)) return NOT_FAST;
  for (const key in options) if (key !== "out") return NOT_FAST;
  const out = (options as { out?: unknown }).out;
  return out === null ? undefined : out;
}

/**
 * The `out` of `options` for the general path of an operation whose fast path was given
 * `fastOutArray` (what {@linkcode fastOut} returned): that, unless it was {@linkcode NOT_FAST},
 * when the options are read (and checked) by {@linkcode optionsOf}. (An `out` that is not an
 * array, a `DataView` included, is refused where the general path reads it.)
 */
export function fastOutOrOptions(
  options: unknown,
  fastOutArray: unknown,
  keys: readonly string[],
  action: string,
): unknown {
  return fastOutArray === NOT_FAST
    ? outOf(options, optionsOf(options, keys, action))
    : fastOutArray;
}

/**
 * Whether writing `n` elements of `o` from `oo` while reading `n` of `x` from `xo`, element `i`
 * after element `i` has been read, is safe: they share no memory, or element `i` of each is the
 * same bytes (in place). `oa` and `xa` are the n-d arrays over `o` and `x` (null for a typed
 * array on its own), asked for their buffer only when the answer depends on it: when the bytes
 * the two would cover in one buffer overlap other than in place. (A typed array's `buffer`
 * getter costs more than the rest of this check; an n-d array caches it.) Two
 * `SharedArrayBuffer` objects of one size may be the same memory (see {@linkcode overlaps}):
 * then it answers false.
 */
export function apart(
  o: Data,
  oo: number,
  oa: NDArray | null,
  x: Data,
  xo: number,
  xa: NDArray | null,
  n: number,
): boolean {
  if (o === x) return oo === xo || oo + n <= xo || xo + n <= oo;
  const ow = o.BYTES_PER_ELEMENT, xw = x.BYTES_PER_ELEMENT;
  const os = o.byteOffset + oo * ow, xs = x.byteOffset + xo * xw;
  // Safe if they are in one buffer, so safe whichever buffers they are in.
  if (os === xs && ow === xw || os + n * ow <= xs || xs + n * xw <= os) return true;
  const ob = oa === null ? o.buffer : oa[BUFFER](), xb = xa === null ? x.buffer : xa[BUFFER]();
  // (Not an ArrayBuffer of this realm: a SharedArrayBuffer, or one of another realm, taken for
  // one. Cheaper on the hot path than `instanceof SharedArrayBuffer`.)
  return ob !== xb &&
    (ob instanceof ArrayBuffer || xb instanceof ArrayBuffer || ob.byteLength !== xb.byteLength);
}
