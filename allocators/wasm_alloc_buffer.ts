/**
 * {@linkcode WasmAllocBuffer}: a bump allocator inside WebAssembly memory, whose allocations
 * are wasm addresses.
 *
 * @module
 */

import type { Allocator, Ptr } from "./allocator.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "./dtype.ts";
import { OutOfMemoryError } from "./errors.ts";
import { CheckpointIds } from "../_internal/checkpoint_ids.ts";
import { describeValue } from "../_internal/describe.ts";
import {
  alignUp,
  checkByteLength,
  checkLength,
  elementSize,
  validateAlignment,
  validateSize,
} from "../_internal/validate.ts";
import { registerWasmBuffer } from "../_internal/wasm.ts";
import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { newMemory } from "../_internal/memory.ts";
import { allocViewUnchecked } from "./_unchecked.ts";

/** Bytes in a WebAssembly page. */
const PAGE = 65_536;
/** The most bytes a 32-bit WebAssembly memory can hold: 65 536 pages, 4 GiB. */
const MAX_MEMORY = 65_536 * PAGE;
/** The default size of a buffer that makes its own memory: 1 MiB (16 pages). */
const DEFAULT_SIZE = 1_048_576;
/** The declared maximum of a shared memory the buffer makes (shared memories need one): 1 GiB. */
const SHARED_MAX = 16_384 * PAGE;

/**
 * A `WebAssembly.Memory`, as far as a {@linkcode WasmAllocBuffer} uses it: its current
 * `buffer` and `grow`. (Declared here so that the package's types need no DOM library.)
 */
export interface WasmMemory {
  /** The memory's bytes: an `ArrayBuffer`, or a `SharedArrayBuffer` for a shared memory. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Adds `delta` pages of 64 KiB and returns the previous size in pages. */
  grow(delta: number): number;
}

/** Options of a {@linkcode WasmAllocBuffer}. */
export interface WasmAllocBufferOptions {
  /**
   * With a given memory: the address where the buffer's range starts (default 0), e.g. a block
   * the module's own allocator reserved.
   */
  byteOffset?: number;
  /**
   * With a given memory: the bytes of the range (default: from `byteOffset` to the memory's
   * current end).
   */
  byteLength?: number;
  /**
   * Whether the buffer may grow the memory when its range is full (default `true` for a memory
   * it makes, `false` for a given one). Only a range that ends where the memory ends can grow.
   * A non-shared memory grows only while none of the buffer's allocations is live (see
   * {@linkcode WasmAllocBuffer}); a shared memory grows whenever needed.
   */
  grow?: boolean;
  /**
   * The most bytes the memory may grow to (default: the runtime's limit, 4 GiB; for a shared
   * memory the buffer makes, 1 GiB, its declared maximum).
   */
  maxByteLength?: number;
  /**
   * Whether an allocation that does not fit, and cannot grow the memory, goes to an overflow
   * `ArrayBuffer` on the JavaScript heap instead of throwing an {@linkcode OutOfMemoryError}
   * (default `true` for a memory the buffer makes, `false` for a given one). Overflow
   * allocations are not in WebAssembly memory: {@linkcode WasmAllocBuffer.addressOf} refuses
   * them, and array operations run their JavaScript kernels on them. Once the buffer is empty
   * again, it grows the memory to the peak, so the next run of the same work fits.
   */
  overflow?: boolean;
  /**
   * For a memory the buffer makes: a shared memory (default `false`), whose growth never
   * detaches the views of it, so it can grow while allocations are live. Needs
   * `SharedArrayBuffer` (in browsers, a cross-origin isolated page).
   */
  shared?: boolean;
}

interface WasmGlobal {
  WebAssembly?: {
    Memory: new (
      descriptor: { initial: number; maximum?: number; shared?: boolean },
    ) => WasmMemory;
  };
}

function isSharedBuffer(b: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === "function" && b instanceof SharedArrayBuffer;
}

function booleanOption(value: unknown, fallback: boolean, what: string, action: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot ${action}: ${what} must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * A bump allocator inside a `WebAssembly.Memory`, or inside a byte range of one: every
 * allocation is a view of the memory's buffer whose `byteOffset` is its wasm address, so a
 * WebAssembly module reads and writes it in place, with no copy in or out. Regions
 * (`noEscape`), `alloc`, `withAllocator`, `BumperAllocator`, `AllocArray` and
 * `CheckedAllocArray` all work with it as with any buffer.
 *
 * Two ways to make one:
 * - `new WasmAllocBuffer(bytes?)` makes its own memory (default 1 MiB, rounded up to whole
 *   64 KiB pages) that the buffer grows as needed; give it to the modules you instantiate
 *   (`{ env: { memory: buf.memory } }`).
 * - `new WasmAllocBuffer(memory, { byteOffset, byteLength })` allocates in a block of a
 *   module's memory, typically one the module's own allocator reserved
 *   (`byteOffset = exports.malloc(byteLength)`), so the two allocators never overlap. It does
 *   not grow, and throws an {@linkcode OutOfMemoryError} when full (state unchanged).
 *
 * **Growth policy.** Growing a non-shared memory detaches its old `ArrayBuffer`: every view of
 * it, in the module's glue code as here, becomes empty. So the buffer never grows a non-shared
 * memory while any of its allocations is live. When full with allocations live, it puts the
 * allocation in an overflow `ArrayBuffer` on the JavaScript heap (its own memory, by default)
 * or throws (a given memory, by default), and grows the memory to fit once it is empty
 * again (reset, or its outermost region ended). A shared memory never detaches, so the buffer
 * grows it whenever needed. A module may still grow the memory itself (its `malloc`, or
 * `memory.grow`) while arrays are live: their views are then detached. Their bytes are intact
 * in the memory, but the views are empty: `CheckedAllocArray`s and the array operations refuse
 * them with an error saying so, and {@linkcode WasmAllocBuffer.addressOf} throws. Use a shared
 * memory, or a block large enough that the module need not grow during a run, to avoid it.
 *
 * | operation | cost |
 * |---|---|
 * | allocation in the memory (`alloc`, `allocPtr`) | O(1): a few compares and an add |
 * | overflow allocation | O(1) plus creating an `ArrayBuffer` |
 * | `checkpointSave` / `checkpointRestore` / `resetBuffer` | O(1), plus a `memory.grow` when growing |
 *
 * @example Arrays a module reads in place
 * ```ts
 * import { alloc, noEscape, WasmAllocBuffer } from "@x/allocarrays";
 * import assert from "node:assert/strict";
 *
 * // A module exporting sum(ptr, n): the sum of n f64 at ptr, over an imported memory.
 * const wasm = Uint8Array.from(atob(
 *   "AGFzbQEAAAABBwFgAn9/AXwCDwEDZW52Bm1lbW9yeQIAAQMCAQAHBwEDc3VtAAAKLQErAQF8AkADQCABRQ0BIAIgACsDAKAhAiAAQQhqIQAgAUEBayEBDAALCyACCw==",
 * ), (c) => c.charCodeAt(0));
 * const buf = new WasmAllocBuffer(1 << 16);
 * const { exports } = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
 *   env: { memory: buf.memory },
 * });
 * const sum = exports.sum as (ptr: number, n: number) => number;
 * const total = noEscape(buf, () => {
 *   const x = alloc(buf, Float64Array, 4);
 *   x.set([1, 2, 3, 4]);
 *   return sum(buf.addressOf(x), x.length); // no copy: the module reads x where it is
 * });
 * assert.equal(total, 10);
 * assert.equal(buf.used, 0);
 * ```
 */
export class WasmAllocBuffer implements Allocator<Checkpoint> {
  #memory: WasmMemory;
  // The memory's buffer as last seen (a module growing the memory replaces it).
  #buffer: ArrayBuffer | SharedArrayBuffer;
  #shared: boolean;
  // The range, as addresses: [#start, #end).
  #start: number;
  #end: number;
  #offset: number;
  // The end of the fast path: #end, or -1 while overflow allocations exist (every allocation
  // then takes the slow path, which keeps the extent exact).
  #limit: number;
  #grow: boolean;
  #maxEnd: number;
  #overflowAllowed: boolean;
  #overflow: ArrayBuffer[] = [];
  #overflowBytes = 0;
  // While overflow exists: the address the allocations would have reached in an unbounded
  // range. Otherwise the offset itself is that.
  #extent = 0;
  // The most bytes in use at once (relative to #start), as of the last restore or reset.
  #peak = 0;
  // The most bytes a run needed that did not fit and could not overflow (an allocation threw).
  #demand = 0;
  #checkpoints = new CheckpointIds();
  // The state saved with each live checkpoint, by depth.
  #savedOffsets: number[] = [];
  #savedOverflowCounts: number[] = [];
  #savedExtents: number[] = [];
  // Every buffer object of a shared memory seen so far (each growth makes a new one, and the
  // old ones stay valid, shorter views of the same memory).
  #sharedBuffers = new WeakSet<ArrayBufferLike>();

  /**
   * Makes a buffer over a new memory of at least `size` bytes, or over a range of `memory`.
   *
   * @param memory The size in bytes of a new memory (default 1 MiB; rounded up to whole
   * 64 KiB pages), or a `WebAssembly.Memory` to allocate in.
   * @param options See {@linkcode WasmAllocBufferOptions}.
   * @throws {TypeError} When `memory` is neither a size nor a memory, `options` is not an
   * object or an option has the wrong type, a range is asked for with a new memory or
   * `shared` with a given one, or `grow` with a range that does not end at the memory's end.
   * @throws {RangeError} When a size, offset or length is negative, fractional or unsafe, the
   * range does not lie inside the memory, or the size exceeds `maxByteLength`.
   * @throws {OutOfMemoryError} When the runtime refuses to make the memory.
   *
   * @example A block of a module's memory
   * ```ts
   * import { alloc, OutOfMemoryError, WasmAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const memory = new WebAssembly.Memory({ initial: 2 }); // say, a module's
   * const reserved = 4096; // what the module's malloc(1024) returned
   * const buf = new WasmAllocBuffer(memory, { byteOffset: reserved, byteLength: 1024 });
   * const x = alloc(buf, Float32Array, 16);
   * assert.equal(x.buffer, memory.buffer);
   * assert.equal(x.byteOffset, 4096); // its wasm address
   * assert.throws(() => alloc(buf, Float64Array, 1000), OutOfMemoryError);
   * ```
   */
  constructor(memory: number | WasmMemory = DEFAULT_SIZE, options: WasmAllocBufferOptions = {}) {
    const action = "create WasmAllocBuffer";
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot ${action}: options must be an object, got ${describeValue(options)}`,
      );
    }
    const own = typeof memory === "number";
    const shared = booleanOption(options.shared, false, "shared", action);
    let maxBytes = options.maxByteLength;
    if (maxBytes !== undefined) {
      validateSize(maxBytes, "maxByteLength", action);
      maxBytes = Math.min(maxBytes, MAX_MEMORY);
    }
    if (own) {
      validateSize(memory, "size", action);
      if (options.byteOffset !== undefined || options.byteLength !== undefined) {
        throw new TypeError(
          `Cannot ${action}: byteOffset and byteLength apply to a given WebAssembly.Memory, not to a size`,
        );
      }
      this.#memory = makeMemory(memory, shared, maxBytes, action);
    } else if (isMemory(memory)) {
      if (options.shared !== undefined) {
        throw new TypeError(
          `Cannot ${action}: shared applies to a memory the buffer makes (a given memory is shared or not already)`,
        );
      }
      this.#memory = memory;
    } else {
      throw new TypeError(
        `Cannot ${action}: expected a size in bytes or a WebAssembly.Memory, got ${
          describeValue(memory)
        }`,
      );
    }
    this.#shared = isSharedBuffer(this.#memory.buffer);
    this.#buffer = this.#refresh();
    const size = this.#buffer.byteLength;
    const start = options.byteOffset === undefined
      ? 0
      : validateSize(options.byteOffset, "byteOffset", action);
    const length = options.byteLength === undefined
      ? Math.max(0, size - start)
      : validateSize(options.byteLength, "byteLength", action);
    if (start + length > size) {
      throw new RangeError(
        `Cannot ${action}: the range [${start}, ${
          start + length
        }) does not lie inside the memory's ${size} bytes`,
      );
    }
    this.#start = this.#offset = start;
    this.#end = this.#limit = start + length;
    this.#grow = booleanOption(options.grow, own, "grow", action);
    if (this.#grow && this.#end !== size) {
      throw new TypeError(
        `Cannot ${action}: grow needs a range that ends where the memory ends (${size}), got one ending at ${this.#end}`,
      );
    }
    this.#maxEnd = maxBytes ?? (own && shared ? SHARED_MAX : MAX_MEMORY);
    if (this.#end > this.#maxEnd) {
      throw new RangeError(
        `Cannot ${action}: the memory's ${this.#end} bytes exceed maxByteLength ${this.#maxEnd}`,
      );
    }
    this.#overflowAllowed = booleanOption(options.overflow, own, "overflow", action);
  }

  /** The `WebAssembly.Memory` the buffer allocates in. */
  get memory(): WasmMemory {
    return this.#memory;
  }

  /** Whether the memory is shared (its buffer a `SharedArrayBuffer`, which never detaches). */
  get shared(): boolean {
    return this.#shared;
  }

  /** The address of the range's first byte. */
  get byteOffset(): number {
    return this.#start;
  }

  /** Bytes of the range in the memory (it grows when the buffer grows the memory). */
  get capacity(): number {
    return this.#end - this.#start;
  }

  /** Bytes in use: the range's bump offset (alignment padding included) plus any overflow. */
  get used(): number {
    return this.#offset - this.#start + this.#overflowBytes;
  }

  /** Overflow allocations (on the JavaScript heap) in use. */
  get overflowCount(): number {
    return this.#overflow.length;
  }

  /** Bytes of the overflow allocations in use. */
  get overflowBytes(): number {
    return this.#overflowBytes;
  }

  /** The most bytes ever in use at once, measured as if the range were unbounded. */
  get peak(): number {
    const extent = this.#currentExtent() - this.#start;
    return extent > this.#peak ? extent : this.#peak;
  }

  /**
   * The wasm address of `view`'s first byte (its `byteOffset`), after checking that it is a
   * view of this buffer's memory that can still be read: pass it to the module's functions.
   *
   * @param view A typed array or `DataView`.
   * @returns The address.
   * @throws {TypeError} When `view` is not a view, is not in this memory (an overflow
   * allocation, or another buffer's), or its memory was detached by a growth of the memory.
   *
   * @example Addresses of allocations
   * ```ts
   * import { alloc, WasmAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new WasmAllocBuffer(1 << 16);
   * const a = alloc(buf, Uint8Array, 3);
   * const b = alloc(buf, Float64Array, 2);
   * assert.equal(buf.addressOf(a), 0);
   * assert.equal(buf.addressOf(b), 8);
   * assert.throws(() => buf.addressOf(new Float64Array(2)), TypeError);
   * ```
   */
  addressOf(view: ArrayBufferView): number {
    if (!ArrayBuffer.isView(view)) {
      throw new TypeError(
        `Cannot take the wasm address: expected a typed array or DataView, got ${
          describeValue(view)
        }`,
      );
    }
    if (this.holds(view)) return view.byteOffset;
    const b = view.buffer;
    if (b.byteLength === 0 && !isSharedBuffer(b) && this.#buffer !== b) {
      throw new TypeError(
        `Cannot take the wasm address: the view's ArrayBuffer is detached (the WebAssembly.Memory grew since the view was made, which empties every view of a non-shared memory; its bytes are still in the memory, but this view can no longer reach them)`,
      );
    }
    throw new TypeError(
      `Cannot take the wasm address: ${
        describeValue(view)
      } of ${b.byteLength} bytes is not a view of this buffer's WebAssembly memory${
        this.#overflow.indexOf(b as ArrayBuffer) >= 0
          ? " (it is an overflow allocation on the JavaScript heap: make the buffer larger, or let it grow)"
          : ""
      }`,
    );
  }

  /**
   * Whether `view` is a readable view of this buffer's memory (not detached, not an overflow
   * allocation), so that its `byteOffset` is a valid wasm address.
   *
   * @param view Any view.
   * @returns `true` when the module can read `view` at its `byteOffset`.
   *
   * @example Heap arrays are not in the memory
   * ```ts
   * import { alloc, WasmAllocBuffer } from "@x/allocarrays";
   * import assert from "node:assert/strict";
   *
   * const buf = new WasmAllocBuffer(1 << 16);
   * assert.ok(buf.holds(alloc(buf, Float64Array, 2)));
   * assert.ok(!buf.holds(new Float64Array(2)));
   * ```
   */
  holds(view: ArrayBufferView): boolean {
    const b = view.buffer;
    if (b === this.#current()) return true;
    if (!this.#shared) return false;
    // A shared memory's earlier buffer objects (from before it grew) stay views of it.
    return this.#sharedBuffers.has(b) || b === this.#refresh();
  }

  /**
   * Reserves `byteLength` bytes at an address that is a multiple of `alignment`.
   *
   * @param byteLength How many bytes (zero is allowed).
   * @param alignment A power of two the address is a multiple of.
   * @returns The memory's buffer and the allocation's address (or an overflow buffer and 0).
   * @throws {RangeError} When `byteLength` is not a non-negative safe integer or `alignment` is
   * not a power of two.
   * @throws {OutOfMemoryError} When the bytes fit neither the range nor a growth of the memory,
   * and overflow is off (the buffer is unchanged).
   */
  allocPtr(byteLength: number, alignment: number): Ptr {
    validateSize(byteLength, "byteLength", "allocate");
    validateAlignment(alignment, "allocate");
    const start = this.#offset + (-this.#offset & (alignment - 1));
    const end = start + byteLength;
    if (end > this.#limit) return this.#allocSlow(byteLength, alignment);
    this.#offset = end;
    return { buffer: this.#current(), byteOffset: start };
  }

  /**
   * The fast path of `alloc`: a view of `length` uninitialised elements of `type`, aligned to
   * the element size.
   *
   * @typeParam T The typed array made.
   * @param type The element type, a typed-array constructor.
   * @param length How many elements (zero gives an empty view).
   * @returns A view of the memory (or of an overflow buffer).
   * @throws {TypeError} When `type` is not a typed-array constructor.
   * @throws {RangeError} When `length` is not a non-negative safe integer.
   * @throws {OutOfMemoryError} When the elements do not fit and overflow is off (the buffer is
   * unchanged).
   */
  allocView<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    elementSize(type, "allocate");
    return this[allocViewUnchecked](type, checkLength(length, "allocate"));
  }

  /**
   * {@linkcode WasmAllocBuffer.allocView} without the argument checks, for `alloc`, which made
   * them.
   *
   * @ignore
   */
  [allocViewUnchecked]<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    const size = type.BYTES_PER_ELEMENT;
    const start = this.#offset + (-this.#offset & (size - 1));
    const end = start + n * size;
    if (end > this.#limit) return this.#viewSlow(type, n);
    let view: T;
    try {
      view = new type(this.#buffer, start, n);
    } catch {
      return this.#viewSlow(type, n); // the memory grew: its old buffer is detached
    }
    this.#offset = end;
    return view;
  }

  #viewSlow<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    const size = type.BYTES_PER_ELEMENT;
    const ptr = this.#allocSlow(checkByteLength(n, size, "allocate"), size);
    return new type(ptr.buffer, ptr.byteOffset, n);
  }

  // The memory's current buffer (a module may have grown the memory since it was last seen).
  #current(): ArrayBuffer | SharedArrayBuffer {
    const b = this.#buffer;
    return b.byteLength >= this.#end ? b : this.#refresh();
  }

  // Takes the memory's current buffer object, recording it as this memory's for the kernels.
  #refresh(): ArrayBuffer | SharedArrayBuffer {
    const b = this.#buffer = noteArenaMemory(this.#memory.buffer);
    registerWasmBuffer(b, this.#memory);
    if (this.#shared) this.#sharedBuffers.add(b);
    return b;
  }

  #currentExtent(): number {
    return this.#overflow.length === 0 ? this.#offset : this.#extent;
  }

  #empty(): boolean {
    return this.#offset === this.#start && this.#overflow.length === 0;
  }

  #allocSlow(byteLength: number, alignment: number): Ptr {
    const start = alignUp(this.#offset, alignment);
    const end = start + byteLength;
    const extent = alignUp(this.#currentExtent(), alignment) + byteLength;
    if (end <= this.#end || ((this.#shared || this.#empty()) && this.#growTo(end, true))) {
      this.#offset = end;
      if (this.#overflow.length !== 0) this.#noteExtent(extent);
      return { buffer: this.#current(), byteOffset: start };
    }
    if (!this.#overflowAllowed) {
      // Remembered, so that the memory grows to fit the same work once the buffer is empty.
      if (extent - this.#start > this.#demand) this.#demand = extent - this.#start;
      throw this.#outOfMemory(byteLength, start);
    }
    const memory = noteArenaMemory(newMemory(byteLength, "overflow buffer"));
    this.#overflow.push(memory);
    this.#overflowBytes += byteLength;
    this.#noteExtent(extent);
    this.#limit = -1;
    return { buffer: memory, byteOffset: 0 };
  }

  #noteExtent(extent: number): void {
    this.#extent = extent;
    if (extent - this.#start > this.#peak) this.#peak = extent - this.#start;
  }

  /**
   * Grows the memory so that the range reaches `end` (at least doubling it when `eager`),
   * if the buffer may: returns whether it did. Only called when growing detaches nothing of
   * this buffer's (it is empty, or the memory is shared).
   */
  #growTo(end: number, eager: boolean): boolean {
    if (!this.#grow || end > this.#maxEnd) return false;
    const size = this.#memory.buffer.byteLength;
    if (size !== this.#end) return false; // another user grew the memory past the range
    let target = end;
    if (eager) target = Math.max(end, Math.min(this.#maxEnd, 2 * this.#end - this.#start));
    const pages = Math.ceil((target - size) / PAGE);
    try {
      this.#memory.grow(pages);
    } catch {
      if (target === end) return false;
      try {
        this.#memory.grow(Math.ceil((end - size) / PAGE));
      } catch {
        return false;
      }
    }
    this.#end = this.#refresh().byteLength;
    if (this.#overflow.length === 0) this.#limit = this.#end;
    return true;
  }

  #outOfMemory(requested: number, start: number): OutOfMemoryError {
    const available = Math.max(0, this.#end - start);
    const why = !this.#grow
      ? "make the range larger, or free memory with noEscape regions or resetBuffer"
      : this.#shared || this.#empty()
      ? `the memory cannot grow past ${this.#maxEnd} bytes`
      : "a non-shared memory only grows while none of the buffer's allocations is live, since growing detaches their views; it grows to the peak once the buffer is empty: make it larger, use a shared memory, or allow overflow";
    return new OutOfMemoryError(
      requested,
      available,
      `Cannot allocate ${requested} bytes: ${available} bytes available, of the WasmAllocBuffer's ${this.capacity} (${why})`,
    );
  }

  /**
   * Saves the current state.
   *
   * @returns A checkpoint for {@linkcode WasmAllocBuffer.checkpointRestore}.
   */
  checkpointSave(): Checkpoint {
    const depth = this.#checkpoints.depth;
    this.#savedOffsets[depth] = this.#offset;
    this.#savedOverflowCounts[depth] = this.#overflow.length;
    this.#savedExtents[depth] = this.#extent;
    return this.#checkpoints.push();
  }

  /**
   * Frees everything allocated after `checkpoint` was saved, dropping the overflow buffers
   * added since. When that empties the buffer and the peak did not fit, the memory grows to fit
   * it (if the buffer may grow it). Invalidates `checkpoint` and every checkpoint saved after
   * it.
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @throws {CheckpointError} When `checkpoint` belongs to another buffer, was already restored,
   * or is stale (the buffer is unchanged).
   * @throws {TypeError} When `checkpoint` is not a checkpoint.
   */
  checkpointRestore(checkpoint: Checkpoint): void {
    const depth = this.#checkpoints.pop(this, checkpoint);
    const offset = this.#savedOffsets[depth];
    if (this.#overflow.length === 0) {
      if (this.#offset - this.#start > this.#peak) this.#peak = this.#offset - this.#start;
      this.#offset = offset;
      if (offset === this.#start) this.#regrow();
      return;
    }
    const overflowCount = this.#savedOverflowCounts[depth];
    this.#releaseOverflow(overflowCount);
    this.#offset = offset;
    this.#extent = this.#savedExtents[depth];
    if (overflowCount === 0) {
      this.#limit = this.#end;
      if (offset === this.#start) this.#regrow();
    }
  }

  /**
   * Frees everything, drops the overflow buffers, grows the memory to the peak if the peak did
   * not fit (and the buffer may grow it), and invalidates every checkpoint.
   */
  resetBuffer(): void {
    this.#checkpoints.clear();
    const extent = this.#currentExtent() - this.#start;
    if (extent > this.#peak) this.#peak = extent;
    this.#releaseOverflow(0);
    this.#offset = this.#start;
    this.#extent = 0;
    this.#limit = this.#end;
    this.#regrow();
  }

  #releaseOverflow(keep: number): void {
    const overflow = this.#overflow;
    for (let i = keep; i < overflow.length; i++) this.#overflowBytes -= overflow[i].byteLength;
    overflow.length = keep;
  }

  // Called only when empty: growing detaches no allocation of this buffer.
  #regrow(): void {
    const need = this.#start + Math.max(this.#peak, this.#demand);
    if (need > this.#end) this.#growTo(need, false);
  }

  /**
   * Whether `view` lies in memory this buffer handed out after `checkpoint` was saved (the
   * escape check of `noEscape`).
   *
   * @param checkpoint A live checkpoint of this buffer.
   * @param view Any view.
   * @returns `true` when `view` overlaps bytes allocated since `checkpoint` (`false` when
   * `checkpoint` is not live).
   */
  allocatedSince(checkpoint: Checkpoint, view: ArrayBufferView): boolean {
    const depth = this.#checkpoints.depthOf(checkpoint);
    if (depth < 0) return false;
    if (this.holds(view)) {
      return view.byteOffset + view.byteLength > this.#savedOffsets[depth] &&
        view.byteOffset < this.#end;
    }
    return this.#overflow.indexOf(view.buffer as ArrayBuffer) >= this.#savedOverflowCounts[depth];
  }

  /**
   * A one-line summary of the buffer's state.
   *
   * @returns For example `WasmAllocBuffer(used 240 of 65536 bytes at 0, peak 480)`, with the
   * overflow allocations when there are some.
   */
  toString(): string {
    const n = this.#overflow.length;
    return `WasmAllocBuffer(used ${this.used} of ${this.capacity} bytes at ${this.#start}${
      n === 0
        ? ""
        : `, ${n} overflow allocation${n === 1 ? "" : "s"} (${this.#overflowBytes} bytes)`
    }, peak ${this.peak}${this.#shared ? ", shared" : ""})`;
  }

  /** The name shown by `Object.prototype.toString`. */
  readonly [Symbol.toStringTag] = "WasmAllocBuffer";

  /**
   * The inspect string for `Deno.inspect` and `console.log` in Deno.
   *
   * @returns The same as {@linkcode WasmAllocBuffer.toString}.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * The inspect string for Node's `util.inspect` and `console.log`.
   *
   * @returns The same as {@linkcode WasmAllocBuffer.toString}.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function isMemory(value: unknown): value is WasmMemory {
  const W = (globalThis as WasmGlobal).WebAssembly;
  return W !== undefined && value instanceof W.Memory;
}

function makeMemory(
  size: number,
  shared: boolean,
  maxBytes: number | undefined,
  action: string,
): WasmMemory {
  const W = (globalThis as WasmGlobal).WebAssembly;
  if (W === undefined) {
    throw new TypeError(`Cannot ${action}: this runtime has no WebAssembly`);
  }
  const max = maxBytes ?? (shared ? SHARED_MAX : undefined);
  if (max !== undefined && size > max) {
    throw new RangeError(
      `Cannot ${action}: size ${size} exceeds maxByteLength ${max}`,
    );
  }
  if (size > MAX_MEMORY) {
    throw new RangeError(
      `Cannot ${action}: size ${size} exceeds the ${MAX_MEMORY} bytes a WebAssembly memory can hold`,
    );
  }
  if (shared && typeof SharedArrayBuffer !== "function") {
    throw new TypeError(
      `Cannot ${action}: a shared memory needs SharedArrayBuffer, which this runtime (or page, when not cross-origin isolated) lacks`,
    );
  }
  const initial = Math.ceil(size / PAGE);
  const descriptor = max === undefined
    ? { initial }
    : { initial, maximum: Math.floor(max / PAGE), shared };
  try {
    return new W.Memory(descriptor);
  } catch (cause) {
    const err = new OutOfMemoryError(
      initial * PAGE,
      0,
      `Cannot allocate ${
        initial * PAGE
      } bytes: the runtime refused a WebAssembly.Memory of that size (${
        (cause as Error)?.message ?? cause
      })`,
    );
    (err as { cause?: unknown }).cause = cause;
    throw err;
  }
}
