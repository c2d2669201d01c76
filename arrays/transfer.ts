/**
 * Moving arrays between threads without copying: {@linkcode arrayDescriptor} turns an n-d array
 * over shared memory into a small structured-clonable descriptor, and
 * {@linkcode arrayFromDescriptor} rebuilds the array from it in the receiving thread, over the
 * same memory.
 *
 * @module
 */

import { describeValue } from "../_internal/describe.ts";
import { CONTROL_BYTES, controlFits, generationOf, nonceOf } from "../_internal/shared_control.ts";
import { ELEMENT_TYPES, type TypedArray } from "../allocators/dtype.ts";
import { SharedMemoryValidity } from "./_shared_validity.ts";
import { AllocArray } from "./alloc_array.ts";
import { CheckedAllocArray } from "./checked_alloc_array.ts";
import { NDArray } from "./ndarray.ts";

/** The array classes a descriptor can rebuild. */
export type ArrayKind = "NDArray" | "AllocArray" | "CheckedAllocArray";

/**
 * The shared validity of a `CheckedAllocArray` in an {@linkcode ArrayDescriptor}: the control
 * block of the `SharedAllocBuffer` its memory came from and the reset generation the array
 * belongs to. The rebuilt array is valid while the arena's generation is still that one.
 */
export interface SharedValidityDescriptor {
  /** The arena's control block (`SharedAllocBuffer.descriptor().control`). */
  readonly control: SharedArrayBuffer;
  /** The reset generation the array was allocated in. */
  readonly generation: number;
  /**
   * The arena's nonce of that generation, which `arrayFromDescriptor` checks: a descriptor
   * whose generation was changed (to make a freed array look valid) is refused.
   */
  readonly nonce: number;
}

/**
 * An n-d array over shared memory, described for `postMessage`: plain data and the
 * `SharedArrayBuffer` itself, which structured cloning shares instead of copying. Made by
 * {@linkcode arrayDescriptor}, turned back into an array by {@linkcode arrayFromDescriptor}.
 */
export interface ArrayDescriptor {
  /** Which class to rebuild. */
  readonly kind: ArrayKind;
  /** The memory of the elements. */
  readonly buffer: SharedArrayBuffer;
  /** Byte offset of the storage (`data.byteOffset`) in `buffer`. */
  readonly byteOffset: number;
  /** Element count of the storage (`data.length`). */
  readonly length: number;
  /** The element type's name, e.g. `"Float64Array"`. */
  readonly dtype: string;
  /** The array's shape. */
  readonly shape: readonly number[];
  /** The array's strides, in elements. */
  readonly strides: readonly number[];
  /** Index in the storage of element `[0, 0, …]`. */
  readonly offset: number;
  /** For a `CheckedAllocArray`: the validity shared with the other threads. */
  readonly validity?: SharedValidityDescriptor;
}

const ACTION = "describe the array for another thread";

/**
 * A structured-clonable description of `array`, whose memory must be a `SharedArrayBuffer`
 * (allocated from a `SharedAllocBuffer`, or any typed array over shared memory): post it to a
 * Worker and rebuild the array there with {@linkcode arrayFromDescriptor}, over the same
 * memory, without copying. The class is kept: `NDArray`, `AllocArray` or `CheckedAllocArray`
 * (other subclasses of `NDArray` come back as `NDArray`s).
 *
 * A `CheckedAllocArray` can be sent when its validity is shared: it was allocated through a
 * `BumperAllocator` over a `SharedAllocBuffer`, outside any region of that allocator. The
 * rebuilt array then throws `InvalidMemoryError` once the arena's owner resets the arena, like
 * the original. (Memory allocated inside a region is freed when the region ends on the
 * allocating thread, which the receiver could not see; copy such results into memory allocated
 * outside the region to send them.)
 *
 * @param array The array to describe.
 * @returns The descriptor: shape, strides, offset, dtype name, and the shared memory.
 * @throws {TypeError} When `array` is not an n-d array, its memory is not a
 * `SharedArrayBuffer`, or it is a `CheckedAllocArray` whose validity is not shared (see above).
 * @throws {InvalidMemoryError} When `array` is a `CheckedAllocArray` whose memory was freed.
 *
 * @example A round trip (`postMessage` clones the descriptor the way `structuredClone` does)
 * ```ts
 * import { AllocArray, arrayDescriptor, arrayFromDescriptor, SharedAllocBuffer, similar, withAllocator } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const arena = new SharedAllocBuffer(1 << 16);
 * const input = AllocArray.from(new Float64Array(6));
 * const a = withAllocator(arena, () => similar(input, null, [2, 3])); // from the arena
 * a.data.set([1, 2, 3, 4, 5, 6]);
 *
 * const message = structuredClone(arrayDescriptor(a.transpose())); // in the Worker:
 * const t = arrayFromDescriptor(message);
 * assert.ok(t instanceof AllocArray);
 * assert.deepEqual(t.toNested(), [[1, 4], [2, 5], [3, 6]]);
 * t.set(0, 1, 40); // same memory: the sender sees it
 * assert.equal(a.get(1, 0), 40);
 * ```
 */
export function arrayDescriptor(array: NDArray): ArrayDescriptor {
  if (!(array instanceof NDArray)) {
    throw new TypeError(`Cannot ${ACTION}: expected an n-d array, got ${describeValue(array)}`);
  }
  let kind: ArrayKind = "NDArray";
  let validity: SharedValidityDescriptor | undefined;
  if (array instanceof CheckedAllocArray) {
    kind = "CheckedAllocArray";
    const v = array.validity;
    if (!v.valid) void array.data; // throws InvalidMemoryError (with the allocation site, if recorded)
    if (!(v instanceof SharedMemoryValidity)) {
      throw new TypeError(
        `Cannot ${ACTION}: the CheckedAllocArray's validity is local to this thread, so another thread could not see its memory being freed (allocate it with a BumperAllocator over a SharedAllocBuffer, or send it as an AllocArray)`,
      );
    }
    if (v.regional) {
      throw new TypeError(
        `Cannot ${ACTION}: the CheckedAllocArray was allocated inside a region of its allocator, whose end on this thread frees it without other threads knowing (allocate it outside the region to send it)`,
      );
    }
    validity = {
      control: v.words.buffer as SharedArrayBuffer,
      generation: v.generation,
      nonce: nonceOf(v.words, v.generation),
    };
  } else if (array instanceof AllocArray) {
    kind = "AllocArray";
  }
  const data = array.data;
  if (!(data.buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `Cannot ${ACTION}: its memory is ${
        describeValue(data.buffer)
      }, not a SharedArrayBuffer, so another thread would get a copy (allocate it from a SharedAllocBuffer)`,
    );
  }
  const descriptor: ArrayDescriptor = {
    kind,
    buffer: data.buffer,
    byteOffset: data.byteOffset,
    length: data.length,
    dtype: data.constructor.name,
    shape: array.shape.slice(),
    strides: array.strides.slice(),
    offset: array.offset,
  };
  return validity === undefined ? descriptor : { ...descriptor, validity };
}

const FROM = "rebuild an array from its descriptor";
const KINDS: ReadonlySet<unknown> = new Set(["NDArray", "AllocArray", "CheckedAllocArray"]);

function checkIndex(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot ${FROM}: ${what} must be a non-negative safe integer, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Rebuilds the array that `descriptor` describes ({@linkcode arrayDescriptor}, made in any
 * thread), over the same shared memory: nothing is copied, and writes on either side are seen
 * by the other. The result is an instance of the descriptor's `kind`; a `CheckedAllocArray`
 * shares its validity with the sender's (both throw `InvalidMemoryError` after the arena is
 * reset).
 *
 * The layout is validated as in the `NDArray` constructor, since a descriptor is plain data.
 * Each message delivers its own `SharedArrayBuffer` object for the same memory, so arrays
 * rebuilt from different messages have different `data.buffer` objects; the array operations
 * treat two `SharedArrayBuffer`s of one size as possibly the same memory when they check an
 * output for overlap with an input.
 *
 * @typeParam T The typed array holding the elements.
 * @param descriptor What `arrayDescriptor` returned, received through `postMessage`.
 * @returns A new `NDArray`, `AllocArray` or `CheckedAllocArray` over the shared memory.
 * @throws {TypeError} When `descriptor` is not an object, its `kind` or `dtype` is unknown, its
 * `buffer` is not a `SharedArrayBuffer`, or a checked array's `validity` is missing or not a
 * `SharedAllocBuffer` control block of that memory.
 * @throws {RangeError} When `byteOffset`, `length` or the layout do not fit `buffer`.
 *
 * @example Writes are shared, nothing is copied
 * ```ts
 * import { arrayDescriptor, arrayFromDescriptor, NDArray } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * const data = new Int32Array(new SharedArrayBuffer(16));
 * const d = structuredClone(arrayDescriptor(new NDArray(data, [2, 2])));
 * const m = arrayFromDescriptor<Int32Array>(d);
 * m.set(1, 1, 7);
 * assert.equal(data[3], 7);
 * ```
 */
export function arrayFromDescriptor<T extends TypedArray = TypedArray>(
  descriptor: ArrayDescriptor,
): NDArray<T> {
  const d = descriptor as unknown as Record<string, unknown>;
  if (typeof d !== "object" || d === null) {
    throw new TypeError(
      `Cannot ${FROM}: expected the result of arrayDescriptor(), got ${describeValue(d)}`,
    );
  }
  if (!KINDS.has(d.kind)) {
    throw new TypeError(
      `Cannot ${FROM}: kind must be "NDArray", "AllocArray" or "CheckedAllocArray", got ${
        describeValue(d.kind)
      }`,
    );
  }
  const buffer = d.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `Cannot ${FROM}: buffer must be a SharedArrayBuffer, got ${describeValue(buffer)}`,
    );
  }
  const type = ELEMENT_TYPES.find((t) => t.name === d.dtype);
  if (type === undefined) {
    throw new TypeError(
      `Cannot ${FROM}: dtype must name an element type such as "Float64Array", got ${
        describeValue(d.dtype)
      }`,
    );
  }
  const byteOffset = checkIndex(d.byteOffset, "byteOffset");
  const length = checkIndex(d.length, "length");
  const size = type.BYTES_PER_ELEMENT;
  if (byteOffset % size !== 0 || byteOffset + length * size > buffer.byteLength) {
    throw new RangeError(
      `Cannot ${FROM}: ${length} ${type.name} elements at byte offset ${byteOffset} do not fit a ${buffer.byteLength}-byte buffer${
        byteOffset % size !== 0 ? ` (the offset must be a multiple of ${size})` : ""
      }`,
    );
  }
  const data = new type(buffer, byteOffset, length) as T;
  const shape = d.shape as number[], strides = d.strides as number[];
  const offset = d.offset as number;
  if (d.kind === "NDArray") return new NDArray(data, shape, strides, offset);
  if (d.kind === "AllocArray") return new AllocArray(data, shape, strides, offset);
  return new CheckedAllocArray(data, shape, strides, offset, sharedValidity(d.validity, buffer));
}

function sharedValidity(value: unknown, buffer: SharedArrayBuffer): SharedMemoryValidity {
  const v = value as Record<string, unknown> | undefined;
  if (typeof v !== "object" || v === null) {
    throw new TypeError(
      `Cannot ${FROM}: a CheckedAllocArray's descriptor needs its validity, got ${
        describeValue(v)
      }`,
    );
  }
  const control = v.control;
  const words = control instanceof SharedArrayBuffer && control.byteLength === CONTROL_BYTES
    ? new Uint32Array(control)
    : undefined;
  if (words === undefined || !controlFits(words, buffer.byteLength)) {
    throw new TypeError(
      `Cannot ${FROM}: validity.control must be the control block of the SharedAllocBuffer the memory came from, got ${
        describeValue(control)
      }`,
    );
  }
  const generation = v.generation;
  if (
    typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 0 ||
    generation > generationOf(words)
  ) {
    throw new TypeError(
      `Cannot ${FROM}: validity.generation must be a reset generation the arena has had (at most ${
        generationOf(words)
      }), got ${describeValue(generation)}`,
    );
  }
  if (v.nonce !== nonceOf(words, generation)) {
    throw new TypeError(
      `Cannot ${FROM}: validity.nonce ${
        describeValue(v.nonce)
      } is not the arena's nonce of generation ${generation} (the descriptor was changed after arrayDescriptor() made it)`,
    );
  }
  return new SharedMemoryValidity(words, generation, false);
}
