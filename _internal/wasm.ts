// Package-private: the WebAssembly kernels' plumbing, shared by the allocators (which say which
// buffers are WebAssembly memory), the operations and the layers (which run their kernels in it).
//
// - The memory registry: WasmAllocBuffer records every buffer object of its memory it sees, so
//   that an operation can tell from a typed array's buffer which memory it lies in.
// - KernelModule: a kernel module assembled from a .wat source (base64, from
//   scripts/build_wasm.ts), compiled once when first needed and instantiated once per memory.
//   Without WebAssembly SIMD, or where the runtime refuses to compile synchronously (a
//   browser's main thread limits synchronous compilation of larger modules), it gives nothing
//   and the JavaScript kernels run; in the latter case it compiles asynchronously meanwhile.
// - inMemory: the address of an operand's elements in a memory, copying them there (into a
//   temporary the caller allocates, normally from the current allocator) when they are not.
//
// The kernels take addresses as signed 32-bit integers: memories above 2 GiB use the
// JavaScript kernels.

import { copyStridedToContiguous } from "./loops.ts";
import { isRowMajor } from "./layout.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";

/** A WebAssembly memory, as far as the kernels use it. */
interface Memory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: object }>;
  validate(bytes: Uint8Array): boolean;
}

const W = (globalThis as { WebAssembly?: Wasm }).WebAssembly;

// Which memory each buffer object belongs to.
const memories = new WeakMap<ArrayBufferLike, Memory>();
let anyMemory = false;

/** Records that `buffer` is (one of the buffer objects of) WebAssembly memory `memory`. */
export function registerWasmBuffer(buffer: ArrayBufferLike, memory: Memory): void {
  memories.set(buffer, memory);
  anyMemory = true;
}

// Kernel calls made, for the tests (that the operations ran on the WebAssembly kernels).
let calls = 0;

/** Counts one operation run on WebAssembly kernels. */
export function countWasmCall(): void {
  calls++;
}

/** How many operations ran on WebAssembly kernels so far (for the tests). */
export function wasmCalls(): number {
  return calls;
}

/** Whether any WebAssembly memory was registered (one load: the operations' first test). */
export function anyWasmMemory(): boolean {
  return anyMemory;
}

/** The largest buffer whose addresses all fit the kernels' signed 32-bit address parameters. */
const MAX_ADDRESS = 0x7fffffff;

/**
 * `(module (func (result v128) (v128.const i64x2 0 0)))`, base64: valid where SIMD is supported.
 */
const SIMD_PROBE = "AGFzbQEAAAABBQFgAAF7AwIBAAoWARQA/QwAAAAAAAAAAAAAAAAAAAAACw==";

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** Whether this runtime runs WebAssembly with SIMD (128-bit vectors). */
export const WASM_SIMD: boolean = W !== undefined && W.validate(decode(SIMD_PROBE));

// Whether the kernels may run: WASM_SIMD, unless a test turned them off.
let kernelsOn = WASM_SIMD;

/**
 * Test hook: turns the WebAssembly kernels off (as on a runtime without SIMD), so that every
 * operation runs its JavaScript kernels, or back on where SIMD exists.
 */
export function setWasmKernelsForTesting(enabled: boolean): void {
  kernelsOn = enabled && WASM_SIMD;
}

/**
 * One kernel module: its exports over a given memory, `E` (functions taking addresses).
 * Instances are made lazily, one per memory, and kept as long as the memory lives.
 */
export class KernelModule<E extends object> {
  #sources: [string, string];
  // [non-shared, shared]: undefined until needed, null when it cannot be had (yet).
  #modules: [object | null | undefined, object | null | undefined] = [undefined, undefined];
  #instances = new WeakMap<Memory, E | null>();
  // The last buffer asked about and its kernels: an operation's operands share one buffer.
  #lastBuffer: ArrayBufferLike | undefined;
  #lastKernels: E | undefined;

  /**
   * @param plain The module for a non-shared memory, base64.
   * @param shared The same module importing a shared memory, base64.
   */
  constructor(plain: string, shared: string) {
    this.#sources = [plain, shared];
  }

  /**
   * The kernels over the memory `buffer` lies in, or `undefined` when it is no registered
   * WebAssembly memory's current, attached buffer, or the kernels cannot run here.
   */
  of(buffer: ArrayBufferLike): E | undefined {
    if (buffer === this.#lastBuffer && buffer.byteLength !== 0 && kernelsOn) {
      return this.#lastKernels;
    }
    return anyMemory && kernelsOn ? this.#lookup(buffer) : undefined;
  }

  #lookup(buffer: ArrayBufferLike): E | undefined {
    const size = buffer.byteLength;
    if (size === 0 || size > MAX_ADDRESS) return undefined;
    const memory = memories.get(buffer);
    if (memory === undefined) return undefined;
    let kernels = this.#instances.get(memory);
    if (kernels === undefined) {
      const shared = typeof SharedArrayBuffer === "function" &&
        buffer instanceof SharedArrayBuffer;
      const module = this.#module(shared ? 1 : 0);
      if (module === null) return undefined;
      const imports = { env: { memory } };
      try {
        kernels = new W!.Instance(module, imports).exports as E;
      } catch {
        // Refused synchronously (a browser's main thread): the JavaScript kernels run until
        // the asynchronous instantiation completes.
        this.#instances.set(memory, null);
        W!.instantiate(module, imports).then(
          (instance) => this.#instances.set(memory, instance.exports as E),
          () => {},
        );
        return undefined;
      }
      this.#instances.set(memory, kernels);
    }
    if (kernels === null) return undefined;
    this.#lastBuffer = buffer;
    this.#lastKernels = kernels;
    return kernels;
  }

  #module(which: 0 | 1): object | null {
    const known = this.#modules[which];
    if (known !== undefined) return known;
    const bytes = decode(this.#sources[which]);
    try {
      return this.#modules[which] = new W!.Module(bytes);
    } catch {
      // Refused synchronously (a browser's main thread): use the JavaScript kernels until it
      // compiles.
      this.#modules[which] = null;
      W!.compile(bytes).then((m) => this.#modules[which] = m, () => {});
      return null;
    }
  }
}

/** Makes a temporary of `n` elements of `type` (from the current allocator). */
export type Temp = (type: TypedArrayConstructor, n: number) => TypedArray;

/** An operand's storage and layout (what `View` of operands.ts has). */
export interface Operand {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/**
 * The address in `buffer` of `v`'s elements as a contiguous row-major block of `type`: where
 * they are, when they already are that, else of a copy in a temporary from `temp`; -1 when the
 * temporary is not in `buffer` (the allocator gave heap memory).
 */
export function inMemory(
  buffer: ArrayBufferLike,
  type: TypedArrayConstructor,
  v: Operand,
  temp: Temp,
): number {
  const d = v.data;
  if (d.buffer === buffer && d.constructor === type && isRowMajor(v.shape, v.strides)) {
    return d.byteOffset + v.offset * type.BYTES_PER_ELEMENT;
  }
  const t = temp(type, v.size);
  if (t.buffer !== buffer) return -1;
  copyStridedToContiguous(d, v.shape, v.strides, v.offset, t, 0);
  return t.byteOffset;
}

/** `"f32"` or `"f64"` for Float32Array or Float64Array data, else `undefined`. */
export function floatKind(data: TypedArray): "f32" | "f64" | undefined {
  return data instanceof Float32Array ? "f32" : data instanceof Float64Array ? "f64" : undefined;
}
