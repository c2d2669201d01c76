// The bad-input catalogue: every public entry point given bad input, table-driven. Each case
// asserts the error class, a fragment of the message (which names the bad value) and its grammar
// ("Cannot <action>: <details>", no trailing period), and that nothing changed: every buffer's
// printed state, used bytes, capacity and where its next allocation lands; every allocator's
// state and tracked arrays; every array's layout and contents; the current allocator and the
// default buffer.
//
// Two tables: BUFFER_CASES run on each buffer kind in a non-trivial state (live, stale,
// restored and foreign checkpoints at hand); WORLD_CASES run once against a world of buffers,
// allocators and arrays.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  assertElementType,
  AutoscalingAllocBuffer,
  type Checkpoint,
  CheckpointError,
  defaultBuffer,
  EscapeError,
  noEscape,
  OutOfMemoryError,
  type Ptr,
  Region,
  region,
  resetBuffer,
  ResizeBuffer,
  setDefaultBufferWarning,
  SharedAllocBuffer,
  SlabBuffer,
  ValidatingAllocator,
  withBuffer,
} from "../allocators/mod.ts";
import {
  adapt,
  AllocArray,
  arrayDescriptor,
  arrayFromDescriptor,
  BumperAllocator,
  CheckedAllocArray,
  empty,
  full,
  InvalidMemoryError,
  NDArray,
  reset,
  similar,
  similarOf,
  UncheckedBumperAllocator,
  zeros,
  zerosLike,
} from "../arrays/mod.ts";
import {
  add,
  concat,
  copyTo,
  dot,
  map,
  matmul,
  reshape,
  sum,
  transpose,
} from "../arrays/ops/mod.ts";
import { batchNorm, conv2d, dense, maxPool2d, softmax } from "../arrays/nn/mod.ts";
import { currentAllocator, withAllocator } from "../scope/mod.ts";
import { MyAllocBuffer } from "../examples/my_alloc_buffer.ts";
import { ACTIVE, FORCE_RESETS, SUB_ARENA } from "../_internal/shared_control.ts";

type ErrorClass = new (...args: never[]) => Error;

/** One bad call. */
interface Case<C> {
  name: string;
  act: (ctx: C) => unknown;
  error: ErrorClass;
  message: RegExp;
  /** Whether the message has the "Cannot <action>: <details>" shape (default true). */
  grammar?: boolean;
  /** The call allocates and frees before failing, raising only the buffer's peak. */
  allocates?: boolean;
}

/** Asserts that `act` throws (or rejects with) `c.error` whose message matches `c.message`. */
async function assertFails<C>(c: Case<C>, ctx: C): Promise<void> {
  const check = (e: unknown) => {
    assert.ok(e instanceof c.error, `expected ${c.error.name}, got ${e}`);
    assert.match(e.message, c.message);
    if (c.grammar !== false) assert.match(e.message, /^Cannot [^:]+: .*[^.]$/s);
    return true;
  };
  let result: unknown;
  try {
    result = c.act(ctx);
  } catch (e) {
    check(e);
    return;
  }
  if (result instanceof Promise) {
    await assert.rejects(result, check);
    return;
  }
  assert.fail(`expected ${c.error.name}, the call returned ${String(result)}`);
}

/** Where the next 8-byte allocation aligned to 8 lands, leaving the allocator as it was. */
function probe(buf: Allocator): [number, number] {
  const cp = buf.checkpointSave();
  const ptr = buf.allocPtr(8, 8);
  buf.checkpointRestore(cp);
  return [ptr.byteOffset, ptr.buffer.byteLength];
}

// ---------------------------------------------------------------------------------------------
// Buffers: each case on each buffer kind

type Buffer = AllocBuffer | SlabBuffer | ResizeBuffer | AutoscalingAllocBuffer | SharedAllocBuffer;

/** A buffer in a non-trivial state, and checkpoints of every kind. */
interface BufferCtx {
  buf: Buffer;
  /** Live. */
  live: Checkpoint;
  /** Invalidated by restoring an earlier checkpoint. */
  stale: Checkpoint;
  /** Already restored. */
  restored: Checkpoint;
  /** Another buffer's, live there. */
  foreign: Checkpoint;
}

const MAKERS: [string, () => Buffer][] = [
  ["AllocBuffer", () => new AllocBuffer(1000)],
  ["SlabBuffer", () => new SlabBuffer(1000)],
  ["ResizeBuffer", () => new ResizeBuffer(1000)],
  ["AutoscalingAllocBuffer", () => new AutoscalingAllocBuffer(1000)],
  ["SharedAllocBuffer", () => new SharedAllocBuffer(1000)],
];

function setup(make: () => Buffer): BufferCtx {
  const buf = make();
  alloc(buf, Float64Array, 3);
  const live = buf.checkpointSave();
  alloc(buf, Uint8Array, 5);
  const outer = buf.checkpointSave();
  buf.checkpointSave();
  const stale = buf.checkpointSave();
  buf.checkpointRestore(outer); // invalidates `stale`, restores `outer`
  const restored = outer;
  alloc(buf, Int16Array, 2);
  const other = new AllocBuffer(64);
  return { buf, live, stale, restored, foreign: other.checkpointSave() };
}

function bufferSnapshot(
  buf: Buffer,
  ignorePeak = false,
): [string, number, number, [number, number]] {
  const next = probe(buf); // first: the probe itself may raise the peak
  const state = String(buf);
  return [ignorePeak ? state.replace(/peak \d+/, "peak") : state, buf.used, buf.capacity, next];
}

const fn = () => 0;

const BUFFER_CASES: Case<BufferCtx>[] = [
  // Sizes.
  {
    name: "allocPtr() with a negative size",
    act: ({ buf }) => buf.allocPtr(-1, 8),
    error: RangeError,
    message: /byteLength must be a non-negative safe integer, got -1/,
  },
  {
    name: "allocPtr() with a fractional size",
    act: ({ buf }) => buf.allocPtr(1.5, 8),
    error: RangeError,
    message: /got 1\.5/,
  },
  {
    name: "allocPtr() with a NaN size",
    act: ({ buf }) => buf.allocPtr(NaN, 8),
    error: RangeError,
    message: /got NaN/,
  },
  {
    name: "allocPtr() with an infinite size",
    act: ({ buf }) => buf.allocPtr(Infinity, 8),
    error: RangeError,
    message: /got Infinity/,
  },
  {
    name: "allocPtr() with a size above 2^53",
    act: ({ buf }) => buf.allocPtr(2 ** 53 + 2, 8),
    error: RangeError,
    message: /got 9007199254740994/,
  },
  {
    name: "allocPtr() with a string size",
    act: ({ buf }) => buf.allocPtr("8" as never, 8),
    error: TypeError,
    message: /byteLength must be a number, got "8"/,
  },
  {
    name: "allocPtr() with a non-power-of-two alignment",
    act: ({ buf }) => buf.allocPtr(8, 3),
    error: RangeError,
    message: /alignment must be a power of two, got 3/,
  },
  {
    name: "allocPtr() with a zero alignment",
    act: ({ buf }) => buf.allocPtr(8, 0),
    error: RangeError,
    message: /alignment must be a power of two, got 0/,
  },
  {
    name: "allocPtr() with an alignment above 2^30",
    act: ({ buf }) => buf.allocPtr(8, 2 ** 31),
    error: RangeError,
    message: /got 2147483648/,
  },
  {
    name: "allocPtr() with a string alignment",
    act: ({ buf }) => buf.allocPtr(8, "8" as never),
    error: TypeError,
    message: /alignment must be a number, got "8"/,
  },
  // Dimensions.
  {
    name: "alloc() with a negative dimension",
    act: ({ buf }) => alloc(buf, Float64Array, -1),
    error: RangeError,
    message: /dimension 0 must be a non-negative safe integer, got -1/,
  },
  {
    name: "alloc() with a fractional dimension",
    act: ({ buf }) => alloc(buf, Float64Array, 2, 2.5),
    error: RangeError,
    message: /dimension 1 must be a non-negative safe integer, got 2\.5/,
  },
  {
    name: "alloc() with a NaN dimension",
    act: ({ buf }) => alloc(buf, Float64Array, NaN),
    error: RangeError,
    message: /got NaN/,
  },
  {
    name: "alloc() with an infinite dimension",
    act: ({ buf }) => alloc(buf, Float64Array, Infinity),
    error: RangeError,
    message: /got Infinity/,
  },
  {
    name: "alloc() with a dimension above 2^53",
    act: ({ buf }) => alloc(buf, Uint8Array, 2 ** 54),
    error: RangeError,
    message: /got 18014398509481984/,
  },
  {
    name: "alloc() with dimensions whose product exceeds 2^53",
    act: ({ buf }) => alloc(buf, Uint8Array, 2 ** 30, 2 ** 30),
    error: RangeError,
    message: /exceed Number.MAX_SAFE_INTEGER/,
  },
  {
    name: "alloc() with elements whose bytes exceed 2^53",
    act: ({ buf }) => alloc(buf, Float64Array, 2 ** 51),
    error: RangeError,
    message: /exceed Number.MAX_SAFE_INTEGER bytes/,
  },
  {
    name: "alloc() with an undefined dimension",
    act: ({ buf }) => alloc(buf, Float64Array, undefined as never),
    error: TypeError,
    message: /dimension 0 must be a number, got undefined/,
  },
  // Element types.
  {
    name: "alloc() with Array as the element type",
    act: ({ buf }) => alloc(buf, Array as never, 4),
    error: TypeError,
    message: /element type must be a typed-array constructor such as Float64Array, got Array/,
  },
  {
    name: "alloc() with DataView as the element type",
    act: ({ buf }) => alloc(buf, DataView as never, 4),
    error: TypeError,
    message: /got DataView/,
  },
  {
    name: 'alloc() with "f64" as the element type',
    act: ({ buf }) => alloc(buf, "f64" as never, 4),
    error: TypeError,
    message: /got "f64"/,
  },
  {
    name: "alloc() with undefined as the element type",
    act: ({ buf }) => alloc(buf, undefined as never, 4),
    error: TypeError,
    message: /got undefined/,
  },
  {
    name: "alloc() with a subclass of Float64Array as the element type",
    act: ({ buf }) => alloc(buf, class Mine extends Float64Array {} as never, 4),
    error: TypeError,
    message: /got Mine/,
  },
  {
    name: "allocView() with Array as the element type",
    act: ({ buf }) => buf.allocView(Array as never, 4),
    error: TypeError,
    message: /got Array/,
  },
  {
    name: "allocView() with a negative length",
    act: ({ buf }) => buf.allocView(Float64Array, -3),
    error: RangeError,
    message: /length must be a non-negative safe integer, got -3/,
  },
  {
    name: "allocView() with a length above 2^53",
    act: ({ buf }) => buf.allocView(Float64Array, 2 ** 60),
    error: RangeError,
    message: /length must be a non-negative safe integer, got 1152921504606847000/,
  },
  {
    name: "allocView() with a length whose bytes exceed 2^53",
    act: ({ buf }) => buf.allocView(Float64Array, 2 ** 51),
    error: RangeError,
    message: /2251799813685248/,
  },
  {
    name: "alloc() with a number where the allocator goes",
    act: () => alloc(42 as never, Float64Array as never, 4),
    error: TypeError,
    message: /expected an allocator or an element type, got 42/,
  },
  // Checkpoints.
  {
    name: "checkpointRestore() with another buffer's checkpoint",
    act: ({ buf, foreign }) => buf.checkpointRestore(foreign),
    error: CheckpointError,
    message: /saved by another allocator/,
  },
  {
    name: "checkpointRestore() with a stale checkpoint",
    act: ({ buf, stale }) => buf.checkpointRestore(stale),
    error: CheckpointError,
    message: /it is stale \(an earlier checkpoint was restored/,
  },
  {
    name: "checkpointRestore() with a checkpoint restored before",
    act: ({ buf, restored }) => buf.checkpointRestore(restored),
    error: CheckpointError,
    message: /it was already restored/,
  },
  {
    name: "checkpointRestore() with something that is not a checkpoint",
    act: ({ buf }) => buf.checkpointRestore({} as never),
    error: TypeError,
    message: /expected a checkpoint from \w+Buffer\.checkpointSave\(\), got an Object/,
  },
  {
    name: "checkpointRestore() with a string",
    act: ({ buf }) => buf.checkpointRestore("x" as never),
    error: TypeError,
    message: /got "x"/,
  },
  {
    name: "checkpointRestore() with a made-up number",
    act: ({ buf }) => buf.checkpointRestore(123456789 as Checkpoint),
    error: CheckpointError,
    message: /checkpoint 123456789: it is not a live checkpoint/,
  },
  // Regions and default buffers.
  {
    name: "noEscape() with a non-function fn",
    act: ({ buf }) => noEscape(buf, 42 as never),
    error: TypeError,
    message: /Cannot run noEscape: fn must be a function, got 42/,
  },
  {
    name: "noEscape() with only a non-function",
    act: () => noEscape("body" as never),
    error: TypeError,
    message: /fn must be a function, got "body"/,
  },
  {
    name: "noEscape() with a buffer but no fn",
    act: ({ buf }) => noEscape(buf as never),
    error: TypeError,
    message: /fn must be a function, got undefined/,
  },
  {
    name: "noEscape() with a non-allocator buffer",
    act: () => noEscape({ allocPtr() {} } as never, fn),
    error: TypeError,
    message: /buf must be an allocator .*, got an Object/,
  },
  {
    name: "noEscape() returning a view allocated inside (freed first)",
    act: ({ buf }) => noEscape(buf, () => alloc(buf, Float64Array, 4)),
    error: EscapeError,
    message: /the result is a Float64Array of 4 elements allocated inside the region/,
    allocates: true,
  },
  {
    name: "noEscape() with an async fn resolving to a view allocated inside",
    act: ({ buf }) =>
      noEscape(buf, async () => {
        await Promise.resolve();
        return { data: alloc(buf, Int32Array, 2) };
      }),
    error: EscapeError,
    message: /the result's data is an Int32Array of 2 elements/,
    allocates: true,
  },
  {
    name: "noEscape() with a generator function (its body would run after the region)",
    act: ({ buf }) =>
      noEscape(buf, function* () {
        yield alloc(buf, Float64Array, 4);
      }),
    error: TypeError,
    message:
      /^Cannot run noEscape: fn returned a generator, whose body would run after the region ended/,
  },
  {
    name: "noEscape() with an async generator function",
    act: ({ buf }) =>
      noEscape(buf, async function* () {
        await Promise.resolve();
        yield alloc(buf, Float64Array, 4);
      }),
    error: TypeError,
    message: /^Cannot run noEscape: fn returned an async generator/,
  },
  {
    name: "withBuffer() with a non-allocator",
    act: () => withBuffer(new ArrayBuffer(8) as never, fn),
    error: TypeError,
    message: /Cannot run withBuffer: buf must be an allocator .*, got an ArrayBuffer/,
  },
  {
    name: "withBuffer() with a non-function fn",
    act: ({ buf }) => withBuffer(buf, null as never),
    error: TypeError,
    message: /fn must be a function, got null/,
  },
  {
    name: "resetBuffer() with a non-allocator",
    act: () => resetBuffer("buf" as never),
    error: TypeError,
    message: /Cannot reset buffer: buf must be an allocator, got "buf"/,
  },
  {
    name: "region() with a non-allocator",
    act: () => region(7 as never),
    error: TypeError,
    message: /Cannot open region: buf must be an allocator .*, got 7/,
  },
  {
    name: "Region.alloc() after the region was closed",
    act: ({ buf }) => {
      const r = region(buf);
      r.close();
      return r.alloc(Float64Array, 2);
    },
    error: ReferenceError,
    message:
      /Cannot allocate: the region of an? \w+Buffer is closed \(allocate while its using block runs, or open a new region\)/,
  },
];

describe("bad input catalogue: buffers", () => {
  for (const c of BUFFER_CASES) {
    for (const [kind, make] of MAKERS) {
      it(`${c.name} on ${kind}: ${c.error.name} naming the value, buffer unchanged`, async () => {
        const ctx = setup(make);
        const before = bufferSnapshot(ctx.buf, c.allocates);
        await assertFails(c, ctx);
        assert.deepEqual(bufferSnapshot(ctx.buf, c.allocates), before);
        // The live checkpoint still works.
        ctx.buf.checkpointRestore(ctx.live);
        assert.equal(ctx.buf.used, 24);
      });
    }
  }

  it("alloc() with zero-length dimensions is allowed and returns an empty view", () => {
    for (const [, make] of MAKERS) {
      const { buf } = setup(make);
      const used = buf.used;
      const v = alloc(buf, Float64Array, 0);
      assert.equal(v.length, 0);
      assert.equal(v.byteOffset % 8, 0);
      assert.ok(buf.used - used < 8, "at most alignment padding");
      assert.equal(buf.allocPtr(0, 1).byteOffset >= 0, true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Everything else: one world of buffers, allocators and arrays

interface World {
  allocBuffer: AllocBuffer;
  slab: SlabBuffer;
  resize: ResizeBuffer;
  auto: AutoscalingAllocBuffer;
  shared: SharedAllocBuffer;
  /** A second handle of `shared` (not its owner). */
  handle: SharedAllocBuffer;
  mine: MyAllocBuffer;
  /** Over a caller's ArrayBuffer that was detached after 16 bytes were allocated. */
  detached: AllocBuffer;
  /** Over a caller's resizable 1024-byte ArrayBuffer that shrank to 64 bytes (16 in use). */
  shrunk: AllocBuffer;
  /** Over a WebAssembly.Memory's buffer that grow() replaced (16 bytes in use). */
  wasm: AllocBuffer;
  /** An arena force-reset 2^32 - 1 times (as far as its count says). */
  saturated: SharedAllocBuffer;
  bumper: BumperAllocator;
  unchecked: UncheckedBumperAllocator;
  /** A live checkpoint of another buffer. */
  foreign: Checkpoint;
  nd: NDArray<Float64Array>;
  wrapped: AllocArray<Float64Array>;
  /** Allocated by `bumper`, valid. */
  checked: CheckedAllocArray<Float64Array>;
  /** Allocated by a BumperAllocator that was reset since. */
  freed: CheckedAllocArray<Float64Array>;
  big: NDArray<BigInt64Array>;
  /** A [1, 1, 5, 5] image and a [2, 1, 3, 3] kernel. */
  image: NDArray<Float32Array>;
  kernel: NDArray<Float32Array>;
  /** An out array of the wrong shape (3×2) for 2×3 results. */
  out: NDArray<Float64Array>;
  /** A view of `allocBuffer`'s memory (allocated outside any region). */
  arenaView: Float64Array;
}

function makeWorld(): World {
  const filled = (n: number) => Float64Array.from({ length: n }, (_, i) => i + 1);
  const allocBuffer = new AllocBuffer(1000);
  const slab = new SlabBuffer(256);
  const resize = new ResizeBuffer(256);
  const auto = new AutoscalingAllocBuffer(1024);
  const shared = new SharedAllocBuffer(1024);
  const mine = new MyAllocBuffer(1024);
  for (const b of [allocBuffer, slab, resize, auto, shared, mine] as Allocator[]) {
    alloc(b, Float64Array, 3).fill(1);
    b.checkpointSave();
    alloc(b, Uint8Array, 5);
  }
  const callerMemory = new ArrayBuffer(1024);
  const detached = new AllocBuffer(callerMemory);
  alloc(detached, Float64Array, 2);
  structuredClone(callerMemory, { transfer: [callerMemory] });
  const resizable = new ArrayBuffer(1024, { maxByteLength: 1024 });
  const shrunk = new AllocBuffer(resizable);
  alloc(shrunk, Float64Array, 2);
  resizable.resize(64);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasm = new AllocBuffer(memory.buffer);
  alloc(wasm, Float64Array, 2);
  memory.grow(1);
  const saturated = new SharedAllocBuffer(64);
  const words = new Uint32Array(saturated.descriptor().control);
  Atomics.store(words, FORCE_RESETS, 0xffffffff);
  Atomics.store(words, ACTIVE, 0x7fff0000);
  const bumper = new BumperAllocator(new AllocBuffer(4096));
  const unchecked = new UncheckedBumperAllocator(new AllocBuffer(4096));
  const heapChecked = new CheckedAllocArray(filled(6), [2, 3]);
  const checked = withAllocator(bumper, () => copy2(heapChecked));
  withAllocator(unchecked, () => similar(AllocArray.from(filled(4))));
  const other = new BumperAllocator(1024);
  const freed = withAllocator(other, () => copy2(heapChecked));
  reset(other);
  return {
    allocBuffer,
    slab,
    resize,
    auto,
    shared,
    handle: SharedAllocBuffer.fromDescriptor(shared.descriptor()),
    mine,
    detached,
    shrunk,
    wasm,
    saturated,
    bumper,
    unchecked,
    foreign: new AllocBuffer(64).checkpointSave(),
    nd: new NDArray(filled(6), [2, 3]),
    wrapped: new AllocArray(filled(6), [2, 3]),
    checked,
    freed,
    big: new NDArray(BigInt64Array.from([1n, 2n, 3n]), [3]),
    image: new NDArray(Float32Array.from({ length: 25 }, (_, i) => i / 25), [1, 1, 5, 5]),
    kernel: new NDArray(new Float32Array(18).fill(0.5), [2, 1, 3, 3]),
    out: new NDArray(new Float64Array(6).fill(-1), [3, 2]),
    arenaView: alloc(allocBuffer, Float64Array, 2).fill(3),
  };
}

/** A copy of a checked array, allocated from the current allocator. */
function copy2(a: CheckedAllocArray<Float64Array>): CheckedAllocArray<Float64Array> {
  const out = similar(a);
  out.data.set(a.data);
  return out;
}

function arraySnapshot(a: NDArray): unknown {
  const valid = !(a instanceof CheckedAllocArray) || a.isValid;
  return {
    kind: a.constructor.name,
    shape: a.shape,
    strides: a.strides,
    offset: a.offset,
    valid,
    data: valid ? Array.from(a.data as ArrayLike<number | bigint>, String) : null,
  };
}

function worldSnapshot(w: World): unknown {
  const buffers = [w.allocBuffer, w.slab, w.resize, w.auto, w.shared].map((b) => bufferSnapshot(b));
  const allocators = [w.bumper, w.unchecked].map((b) => {
    const next = probe(b);
    return [String(b), next, b instanceof BumperAllocator ? b.tracked : null];
  });
  const arrays = [w.nd, w.wrapped, w.checked, w.freed, w.big, w.image, w.kernel, w.out].map(
    arraySnapshot,
  );
  arrays.push([...w.arenaView]);
  return {
    buffers,
    mine: [probe(w.mine), w.mine.offset],
    shared: [w.shared.generation, String(w.handle)],
    gone: [w.detached, w.shrunk, w.wasm].map((b) => [String(b), b.used]),
    saturated: [String(w.saturated), w.saturated.generation],
    allocators,
    arrays,
    current: String(currentAllocator()),
    defaultBuffer: String(defaultBuffer()),
  };
}

/** A user-written allocator whose allocPtr answers `answer()` (and changes nothing). */
class Liar extends MyAllocBuffer {
  constructor(readonly answer: () => unknown) {
    super(64);
  }
  override allocPtr(): Ptr {
    return this.answer() as Ptr;
  }
}
const liar = (answer: () => unknown) => new Liar(answer);
const SAME = new ArrayBuffer(64);

const WORLD_CASES: Case<World>[] = [
  // Buffer constructors and options.
  {
    name: "new AllocBuffer() with a negative size",
    act: () => new AllocBuffer(-8),
    error: RangeError,
    message: /Cannot create AllocBuffer: size must be a non-negative safe integer, got -8/,
  },
  {
    name: "new AllocBuffer() with a typed array instead of an ArrayBuffer",
    act: () => new AllocBuffer(new Uint8Array(8) as never),
    error: TypeError,
    message: /expected a size in bytes, an ArrayBuffer or a SharedArrayBuffer, got a Uint8Array/,
  },
  {
    name: "new AllocBuffer() with options that are not an object",
    act: () => new AllocBuffer(64, null as never),
    error: TypeError,
    message: /Cannot create AllocBuffer: options must be an object, got null/,
  },
  {
    name: "new AllocBuffer() with a poison option that is not a boolean",
    act: () => new AllocBuffer(64, { poison: "yes" as never }),
    error: TypeError,
    message: /poison must be a boolean, got "yes"/,
  },
  {
    name: "new AllocBuffer() in poison mode over a SharedArrayBuffer",
    act: () => new AllocBuffer(new SharedArrayBuffer(64), { poison: true }),
    error: TypeError,
    message: /a SharedArrayBuffer cannot be detached/,
  },
  {
    name: "new SlabBuffer() with a zero slab size",
    act: () => new SlabBuffer(0),
    error: RangeError,
    message: /slabSize must be positive, got 0/,
  },
  {
    name: "new SlabBuffer() with a negative maxSpareSlabs",
    act: () => new SlabBuffer(1024, { maxSpareSlabs: -1 }),
    error: RangeError,
    message: /maxSpareSlabs must be a non-negative safe integer, got -1/,
  },
  {
    name: "new SlabBuffer() with a poison option that is not a boolean",
    act: () => new SlabBuffer(1024, { poison: 1 as never }),
    error: TypeError,
    message: /Cannot create SlabBuffer: poison must be a boolean, got 1/,
  },
  {
    name: "new ResizeBuffer() with a fractional size",
    act: () => new ResizeBuffer(10.5),
    error: RangeError,
    message: /Cannot create ResizeBuffer: size must be a non-negative safe integer, got 10\.5/,
  },
  {
    name: "new ResizeBuffer() with options that are not an object",
    act: () => new ResizeBuffer(64, 5 as never),
    error: TypeError,
    message: /Cannot create ResizeBuffer: options must be an object, got 5/,
  },
  {
    name: "new AutoscalingAllocBuffer() with a negative size",
    act: () => new AutoscalingAllocBuffer(-1),
    error: RangeError,
    message: /initialSize must be a non-negative safe integer, got -1/,
  },
  {
    name: "new AutoscalingAllocBuffer() with a string size",
    act: () => new AutoscalingAllocBuffer("1" as never),
    error: TypeError,
    message: /initialSize must be a number, got "1"/,
  },
  {
    name: "new AutoscalingAllocBuffer() with null options",
    act: () => new AutoscalingAllocBuffer(8, null as never),
    error: TypeError,
    message: /options must be an object, got null/,
  },
  {
    name: "new AutoscalingAllocBuffer() remembering no runs",
    act: () => new AutoscalingAllocBuffer(8, { maxHistorySize: 0 }),
    error: RangeError,
    message: /maxHistorySize must be from 1 to 65536, got 0/,
  },
  {
    name: "new AutoscalingAllocBuffer() remembering more than 65 536 runs",
    act: () => new AutoscalingAllocBuffer(8, { maxHistorySize: 2 ** 40 }),
    error: RangeError,
    message: /maxHistorySize must be from 1 to 65536, got 1099511627776/,
  },
  // More memory than the runtime gives.
  {
    name: "new AllocBuffer() of 2^40 bytes",
    act: () => new AllocBuffer(2 ** 40),
    error: OutOfMemoryError,
    message:
      /^Cannot allocate 1099511627776 bytes: the runtime refused a new AllocBuffer of that size \(/,
  },
  {
    name: "new ResizeBuffer() of 2^40 bytes",
    act: () => new ResizeBuffer(2 ** 40),
    error: OutOfMemoryError,
    message: /^Cannot allocate 1099511627776 bytes: the runtime refused a new ResizeBuffer/,
  },
  {
    name: "zerosLike() of a 2^20 × 2^20 broadcast view on the heap",
    act: (w) => zerosLike(w.nd.pick(0, 0).broadcastTo(2 ** 20, 2 ** 20)),
    error: OutOfMemoryError,
    message:
      /^Cannot allocate 8796093022208 bytes \(1099511627776 Float64Array elements\): the runtime refused/,
  },
  {
    name: "similar() with a 2^20 × 2^20 shape on the heap",
    act: (w) => similar(w.wrapped, null, [2 ** 20, 2 ** 20]),
    error: OutOfMemoryError,
    message: /^Cannot allocate 8796093022208 bytes \(1099511627776 Float64Array elements\)/,
  },
  {
    name: "add() whose broadcast result is 2^20 × 2^20 on the heap",
    act: (w) => add(w.nd.pick(0, 0).broadcastTo(2 ** 20, 2 ** 20), 1),
    error: OutOfMemoryError,
    message: /^Cannot allocate 8796093022208 bytes \(1099511627776 Float64Array elements\)/,
  },
  // Memory that went away under an AllocBuffer.
  {
    name: "alloc() from an AllocBuffer whose caller ArrayBuffer was detached",
    act: (w) => alloc(w.detached, Float64Array, 4),
    error: OutOfMemoryError,
    message: /^Cannot allocate 32 bytes: the AllocBuffer's memory was detached/,
  },
  {
    name: "allocPtr() from an AllocBuffer whose caller ArrayBuffer was detached",
    act: (w) => w.detached.allocPtr(8, 8),
    error: OutOfMemoryError,
    message: /^Cannot allocate 8 bytes: the AllocBuffer's memory was detached/,
  },
  {
    name: "alloc() from an AllocBuffer whose resizable ArrayBuffer shrank",
    act: (w) => alloc(w.shrunk, Float64Array, 20),
    error: OutOfMemoryError,
    message: /^Cannot allocate 160 bytes: the AllocBuffer's memory shrank to 64 of its 1024 bytes/,
  },
  {
    name: "alloc() from an AllocBuffer over a WebAssembly.Memory that grew",
    act: (w) => alloc(w.wasm, Float64Array, 4),
    error: OutOfMemoryError,
    message: /WebAssembly\.Memory\.prototype\.grow/,
  },
  {
    name: "new AllocBuffer() in poison mode over a WebAssembly.Memory's buffer",
    act: () => new AllocBuffer(new WebAssembly.Memory({ initial: 1 }).buffer, { poison: true }),
    error: TypeError,
    message: /this ArrayBuffer cannot be detached \(a WebAssembly\.Memory's buffer/,
  },
  {
    name: "new SharedAllocBuffer() over an ArrayBuffer",
    act: () => new SharedAllocBuffer(new ArrayBuffer(8) as never),
    error: TypeError,
    message: /got an ArrayBuffer \(an ArrayBuffer cannot be shared: use AllocBuffer\)/,
  },
  {
    name: "new SharedAllocBuffer() larger than 2^32 - 1 bytes",
    act: () => new SharedAllocBuffer(2 ** 32),
    error: RangeError,
    message: /size must be at most 2\^32 - 1 bytes, got 4294967296/,
  },
  {
    name: "SharedAllocBuffer.fromDescriptor() with something else",
    act: () => SharedAllocBuffer.fromDescriptor({} as never),
    error: TypeError,
    message: /expected the result of SharedAllocBuffer\.descriptor\(\)/,
  },
  {
    name: "SharedAllocBuffer.fromDescriptor() with a copy of the control block, offset set to 0",
    act: (w) => {
      const d = w.shared.descriptor();
      const copy = d.control.slice(0);
      Atomics.store(new Uint32Array(copy), 0, 0);
      return SharedAllocBuffer.fromDescriptor({ ...d, control: copy });
    },
    error: TypeError,
    message: /control is a copy of the arena's control block, not the shared one/,
  },
  {
    name: "SharedAllocBuffer.fromDescriptor() with a copied control block whose kind was changed",
    act: (w) => {
      const d = w.shared.descriptor();
      const copy = d.control.slice(0);
      Atomics.store(new Uint32Array(copy), SUB_ARENA, 1);
      return SharedAllocBuffer.fromDescriptor({ ...d, control: copy });
    },
    error: TypeError,
    message: /identity, base, capacity or kind was changed/,
  },
  {
    name: "SharedAllocBuffer.fromDescriptor() with another arena's id",
    act: (w) =>
      SharedAllocBuffer.fromDescriptor({
        ...w.shared.descriptor(),
        id: new SharedAllocBuffer(8).descriptor().id,
      }),
    error: TypeError,
    message: /the descriptor's id "[0-9a-f-]+" is not the id of its control block/,
  },
  {
    name: "SharedAllocBuffer.forceReset() past 2^32 - 1 force-resets",
    act: (w) => w.saturated.forceReset(),
    error: RangeError,
    message: /^Cannot force-reset SharedAllocBuffer: it was force-reset 4294967295 times/,
  },
  {
    name: "arrayFromDescriptor() of a freed array's descriptor with its generation changed",
    act: () => {
      const arena = new SharedAllocBuffer(256);
      const b = new BumperAllocator(arena);
      const d = arrayDescriptor(
        withAllocator(b, () => zerosLike(new CheckedAllocArray(new Float64Array(2)))),
      );
      reset(b);
      return arrayFromDescriptor({ ...d, validity: { ...d.validity!, generation: 1 } });
    },
    error: TypeError,
    message: /validity\.nonce \d+ is not the arena's nonce of generation 1/,
  },
  // Allocation and regions beyond the per-buffer table.
  {
    name: "alloc() beyond an AllocBuffer's capacity",
    act: (w) => alloc(w.allocBuffer, Float64Array, 200),
    error: OutOfMemoryError,
    message: /^Cannot allocate 1600 bytes: 952 bytes available, of the AllocBuffer's 1000 \(/,
  },
  {
    name: "alloc() beyond a SharedAllocBuffer's capacity",
    act: (w) => alloc(w.handle, Float64Array, 200),
    error: OutOfMemoryError,
    message: /^Cannot allocate 1600 bytes: 992 bytes available/,
  },
  {
    name: "alloc() beyond a user-written allocator's capacity",
    act: (w) => alloc(w.mine, Float64Array, 200),
    error: OutOfMemoryError,
    message: /^Cannot allocate 1600 bytes: 992 bytes available/,
  },
  {
    name: "alloc() on the default buffer with a negative dimension",
    act: () => alloc(Float64Array, -1),
    error: RangeError,
    message: /dimension 0 must be a non-negative safe integer, got -1/,
  },
  {
    name: "assertElementType() with Array",
    act: () => assertElementType(Array, "allocate"),
    error: TypeError,
    message: /element type must be a typed-array constructor such as Float64Array, got Array/,
  },
  {
    name: "SharedAllocBuffer.resetBuffer() on a handle that is not the owner",
    act: (w) => w.handle.resetBuffer(),
    error: CheckpointError,
    message: /only its owner \(the thread that created it\) may/,
  },
  {
    name: "SharedAllocBuffer.checkpointRestore() with the owner's checkpoint on another handle",
    act: (w) => w.handle.checkpointRestore(w.shared.checkpointSave()),
    error: CheckpointError,
    message: /not a live checkpoint of this SharedAllocBuffer/,
  },
  // Allocators written by users that return bad memory (each a fresh one, outside the world).
  {
    name: "alloc() from a user allocator whose allocPtr returns a number",
    act: () => alloc(liar(() => 7), Float64Array, 4),
    error: TypeError,
    message:
      /^Cannot allocate 32 bytes aligned to 8 from a Liar: its allocPtr returned 7, not a Ptr/,
  },
  {
    name: "alloc() from a user allocator whose allocPtr returns a region too short",
    act: () => alloc(liar(() => ({ buffer: new ArrayBuffer(16), byteOffset: 0 })), Float64Array, 4),
    error: RangeError,
    message: /its allocPtr returned bytes 0\.\.32, past the end of its buffer of 16 bytes/,
  },
  {
    name: "alloc() from a user allocator whose allocPtr returns a misaligned offset",
    act: () => alloc(liar(() => ({ buffer: new ArrayBuffer(64), byteOffset: 4 })), Float64Array, 4),
    error: RangeError,
    message: /its allocPtr returned byteOffset 4, not a multiple of the alignment 8/,
  },
  {
    name: "similar() under a user allocator whose allocView returns too few elements",
    act: (w) =>
      withAllocator(
        Object.assign(liar(() => 0), {
          allocView: (_t: unknown, n: number) => new Float64Array(n - 1) as never,
        }),
        () => similar(w.wrapped),
      ),
    error: TypeError,
    message:
      /^Cannot allocate 6 elements of Float64Array from a Liar: its allocView returned a Float64Array of 5 elements/,
  },
  {
    name: "ValidatingAllocator over an allocator handing out live bytes again",
    act: () => {
      const checked = new ValidatingAllocator(liar(() => ({ buffer: SAME, byteOffset: 0 })));
      alloc(checked, Float64Array, 2);
      return alloc(checked, Float64Array, 2);
    },
    error: RangeError,
    message: /its allocPtr returned bytes 0\.\.16, which overlap the live allocation at 0\.\.16/,
  },
  {
    name: "new ValidatingAllocator() with a non-allocator",
    act: () => new ValidatingAllocator(new ArrayBuffer(8) as never),
    error: TypeError,
    message: /Cannot create ValidatingAllocator: expected an allocator .*, got an ArrayBuffer/,
  },
  // Work a noEscape(async) task left running, after the task settled.
  {
    name: "alloc() from a settled noEscape(async) task's default buffer",
    act: async () => {
      const kept = await noEscape(async () => {
        await Promise.resolve();
        return defaultBuffer();
      });
      return alloc(kept, Float64Array, 2);
    },
    error: ReferenceError,
    message:
      /^Cannot allocate: this is the default buffer of a noEscape\(async\) task that has settled/,
  },
  {
    name: "noEscape() on a settled noEscape(async) task's default buffer",
    act: async () => {
      const kept = await noEscape(async () => {
        await Promise.resolve();
        return defaultBuffer();
      });
      return noEscape(kept, () => 1);
    },
    error: ReferenceError,
    message: /^Cannot open a region: this is the default buffer of a noEscape\(async\) task/,
  },
  // Scopes.
  {
    name: "withAllocator() with a non-allocator",
    act: () => withAllocator({} as never, () => 0),
    error: TypeError,
    message: /Cannot enter an allocator scope: expected an Allocator .*, got an Object/,
  },
  {
    name: "withAllocator() with a non-function",
    act: (w) => withAllocator(w.bumper, "fn" as never),
    error: TypeError,
    message: /expected a function to run, got "fn"/,
  },
  // Array allocators.
  {
    name: "new BumperAllocator() with a string",
    act: () => new BumperAllocator("big" as never),
    error: TypeError,
    message:
      /Cannot create BumperAllocator: expected an allocator .* or a size in bytes, got "big"/,
  },
  {
    name: "new BumperAllocator() with a negative size",
    act: () => new BumperAllocator(-5),
    error: RangeError,
    message: /size must be a non-negative safe integer, got -5/,
  },
  {
    name: "new UncheckedBumperAllocator() with a plain object",
    act: () => new UncheckedBumperAllocator({} as never),
    error: TypeError,
    message: /Cannot create UncheckedBumperAllocator: .*got an Object/,
  },
  {
    name: "reset() with a non-allocator",
    act: () => reset({} as never),
    error: TypeError,
    message: /Cannot reset: expected an allocator, got an Object/,
  },
  {
    name: "BumperAllocator.checkpointRestore() with another buffer's checkpoint",
    act: (w) => w.bumper.checkpointRestore(w.foreign),
    error: CheckpointError,
    message: /not a live checkpoint of this BumperAllocator/,
  },
  {
    name: "BumperAllocator.allocView() with a bad element type",
    act: (w) => w.bumper.allocView(Array as never, 2),
    error: TypeError,
    message: /element type must be a typed-array constructor/,
  },
  {
    name: "UncheckedBumperAllocator.allocView() with a negative length",
    act: (w) => w.unchecked.allocView(Float64Array, -2),
    error: RangeError,
    message: /length must be a non-negative safe integer, got -2/,
  },
  // Arrays: construction and layout.
  {
    name: "new NDArray() with a plain Array as data",
    act: () => new NDArray([1, 2, 3] as never),
    error: TypeError,
    message: /data must be a typed array, got an Array of length 3/,
  },
  {
    name: "new NDArray() with a negative dimension",
    act: () => new NDArray(new Float64Array(6), [2, -3]),
    error: RangeError,
    message: /dimension 1 must be >= 0, got -3/,
  },
  {
    name: "new NDArray() with a shape larger than the data",
    act: () => new NDArray(new Float64Array(6), [2, 4]),
    error: RangeError,
    message: /outside data of length 6/,
  },
  {
    name: "new NDArray() with one stride for two axes",
    act: () => new NDArray(new Float64Array(6), [2, 3], [3]),
    error: RangeError,
    message: /strides \[3\] must have one entry per axis of shape \[2, 3\]/,
  },
  {
    name: "new NDArray() with an offset that runs past the data",
    act: () => new NDArray(new Float64Array(6), [2, 3], [3, 1], 1),
    error: RangeError,
    message: /reaches indices 1\.\.6, outside data of length 6/,
  },
  {
    name: "new NDArray() with a fractional stride",
    act: () => new NDArray(new Float64Array(6), [2, 3], [3, 0.5]),
    error: RangeError,
    message: /must be an integer, got 0\.5/,
  },
  {
    name: "NDArray.fromNested() of an array that contains itself",
    act: () => {
      const self: unknown[] = [0];
      self[0] = self;
      return NDArray.fromNested(self as never);
    },
    error: RangeError,
    message: /the nesting is cyclic: the element at \[0\] is an array that contains it/,
  },
  {
    name: "NDArray.fromNested() nested 5000 levels deep",
    act: () => {
      let deep: unknown = 1;
      for (let i = 0; i < 5000; i++) deep = [deep];
      return NDArray.fromNested(deep as never);
    },
    error: RangeError,
    message: /the nesting is deeper than 1024 levels/,
  },
  {
    name: "new Region() of a plain object",
    act: () => new Region({} as never),
    error: TypeError,
    message: /^Cannot open region: buf must be an allocator .*, got an Object$/,
  },
  {
    name: "NDArray.fromNested() with ragged rows",
    act: () => NDArray.fromNested([[1, 2], [3]]),
    error: RangeError,
    message: /ragged nesting at \[1\]: expected an array of length 2, got an Array of length 1/,
  },
  {
    name: "new AllocArray() with a plain object",
    act: () => new AllocArray({} as never),
    error: TypeError,
    message: /got an Object/,
  },
  {
    name: "new AllocArray() with a layout and an n-d array",
    act: (w) => new AllocArray(w.nd, [6]),
    error: TypeError,
    message: /shape, strides and offset apply to a typed-array source only/,
  },
  {
    name: "new CheckedAllocArray() of an AllocArray (memory of unknown lifetime)",
    act: (w) => new CheckedAllocArray(w.wrapped),
    error: TypeError,
    message: /the lifetime of an AllocArray's memory is unknown/,
  },
  {
    name: "new CheckedAllocArray() with a validity that is not a MemoryValidity",
    act: () =>
      new CheckedAllocArray(new Float64Array(2), undefined, undefined, undefined, {} as never),
    error: TypeError,
    message: /validity must be a MemoryValidity, got an Object/,
  },
  // Arrays: indices and views.
  {
    name: "NDArray.get() with an index past the end",
    act: (w) => w.nd.get(2, 0),
    error: RangeError,
    message: /index 2 is out of range for axis 0 of length 2/,
  },
  {
    name: "NDArray.get() with too few indices",
    act: (w) => w.nd.get(0),
    error: RangeError,
    message: /expected 2 indices for shape \[2, 3\], got 1/,
  },
  {
    name: "NDArray.get() with a fractional index",
    act: (w) => w.nd.get(0.5, 0),
    error: RangeError,
    message: /Cannot read element \[0\.5, 0\]: index 0 must be an integer, got 0\.5/,
  },
  {
    name: "NDArray.set() with a string value",
    act: (w) => w.nd.set(0, 0, "x" as never),
    error: TypeError,
    message: /must be a number, got "x"/,
  },
  {
    name: "NDArray.set() of a bigint array with a number",
    act: (w) => w.big.set(0, 5 as never),
    error: TypeError,
    message: /must be a bigint, got 5/,
  },
  {
    name: "NDArray.slice() with a zero step",
    act: (w) => w.nd.slice([0, 2, 0]),
    error: RangeError,
    message: /step of axis 0 must not be 0/,
  },
  {
    name: "NDArray.slice() with more specs than axes",
    act: (w) => w.nd.slice(null, null, null),
    error: RangeError,
    message: /got 3 slice specs for 2 axes/,
  },
  {
    name: "NDArray.reshape() to another element count",
    act: (w) => w.nd.reshape(4, 2),
    error: RangeError,
    message: /shape \[4, 2\] has 8 elements, the array \[2, 3\] has 6/,
  },
  {
    name: "NDArray.reshape() of a transposed view (needs a copy)",
    act: (w) => w.nd.transpose().reshape(6),
    error: RangeError,
    message: /cannot be viewed as \[6\] without copying; reshape copy\(a\) instead/,
  },
  {
    name: "NDArray.permute() with a repeated axis",
    act: (w) => w.nd.permute(0, 0),
    error: RangeError,
    message: /\[0, 0\] is not a permutation of 0\.\.1/,
  },
  {
    name: "NDArray.pick() with an index past the end",
    act: (w) => w.nd.pick(null, 3),
    error: RangeError,
    message: /index 3 is out of range for axis 1 of length 3/,
  },
  {
    name: "NDArray.broadcastTo() an incompatible shape",
    act: (w) => w.nd.broadcastTo(3, 2),
    error: RangeError,
    message: /shape \[2, 3\] does not broadcast to \[3, 2\]/,
  },
  // similar and its allocators.
  {
    name: "new CheckedAllocArray() over a view of an allocator's memory",
    act: (w) => new CheckedAllocArray(w.arenaView),
    error: TypeError,
    message:
      /^Cannot create a CheckedAllocArray over a Float64Array in an allocator's memory: nothing would tell the array when the allocator frees it/,
  },
  {
    name: "adapt(…, CheckedAllocArray) of a model holding a view of an allocator's memory",
    act: (w) => adapt({ layer: { w: w.arenaView } }, CheckedAllocArray),
    error: TypeError,
    message: /in an allocator's memory/,
  },
  {
    name: "similar() of a string",
    act: () => similar("x" as never),
    error: TypeError,
    message: /expected a typed array or n-d array, got "x"/,
  },
  {
    name: "similar() with Array as the element type",
    act: (w) => similar(w.wrapped, Array as never),
    error: TypeError,
    message: /element type must be a typed-array constructor/,
  },
  {
    name: "similar() with a negative dimension",
    act: (w) => withAllocator(w.bumper, () => similar(w.wrapped, null, [2, -1])),
    error: RangeError,
    message: /dimension 1 must be a non-negative safe integer, got -1/,
  },
  {
    name: "similar() with a number as the shape",
    act: (w) => similar(w.wrapped, null, 6 as never),
    error: TypeError,
    message: /shape must be an array of dimensions, got 6/,
  },
  {
    name: "similarOf() with no array and no shape",
    act: () => similarOf([1, 2]),
    error: TypeError,
    message: /no array among 2 inputs and no shape given/,
  },
  {
    name: "similar() of a CheckedAllocArray under an UncheckedBumperAllocator",
    act: (w) => withAllocator(w.unchecked, () => similar(w.checked)),
    error: TypeError,
    message:
      /Cannot allocate a CheckedAllocArray from an UncheckedBumperAllocator: it cannot invalidate the array/,
  },
  {
    name: "zerosLike() of a CheckedAllocArray under a plain AllocBuffer",
    act: (w) => withAllocator(w.allocBuffer, () => zerosLike(w.checked)),
    error: TypeError,
    message: /Cannot allocate a CheckedAllocArray from an AllocBuffer/,
  },
  {
    name: "zeros() with a string element type, inside a scope",
    act: (w) => withAllocator(w.bumper, () => zeros("f64" as never, [2])),
    error: TypeError,
    message: /Cannot create an array with zeros\(\): element type must be .*"f64"/,
  },
  {
    name: "empty() with a negative dimension, inside a scope",
    act: (w) => withAllocator(w.bumper, () => empty(Float64Array, [2, -3])),
    error: RangeError,
    message: /Cannot create an array with empty\(\): dimension 1 .*got -3/,
  },
  {
    name: "full() with a bigint value for Float64Array",
    act: (w) => withAllocator(w.bumper, () => full(Float64Array, 3, { value: 1n } as never)),
    error: TypeError,
    message:
      /Cannot create an array with full\(\): value must be a number for Float64Array, got 1n/,
  },
  {
    name: "zeros({ checked: true }) under a plain AllocBuffer",
    act: (w) => withAllocator(w.allocBuffer, () => zeros(Float64Array, 3, { checked: true })),
    error: TypeError,
    message: /Cannot allocate a CheckedAllocArray from an AllocBuffer/,
  },
  {
    name: "setDefaultBufferWarning() with a negative byte count",
    act: () => setDefaultBufferWarning(-1),
    error: RangeError,
    message:
      /Cannot set the default buffer warning: bytes must be a non-negative safe integer, got -1/,
  },
  {
    name: "similar() of a freed CheckedAllocArray",
    act: (w) => withAllocator(w.bumper, () => similar(w.freed)),
    error: InvalidMemoryError,
    message: /^Array accessed after its memory has been deallocated/,
    grammar: false,
  },
  {
    name: "CheckedAllocArray.get() after its allocator was reset",
    act: (w) => w.freed.get(0, 0),
    error: InvalidMemoryError,
    message: /^Array accessed after its memory has been deallocated/,
    grammar: false,
  },
  {
    name: "adapt() with a kind that is not an array class",
    act: (w) => adapt({ w: w.nd }, NDArray as never),
    error: TypeError,
    message: /kind must be AllocArray or CheckedAllocArray/,
  },
  {
    name: "adapt() to CheckedAllocArray of a model holding an AllocArray",
    act: (w) => adapt({ layers: [w.nd, w.wrapped] }, CheckedAllocArray),
    error: TypeError,
    message: /AllocArray/,
  },
  // Operations (they validate before allocating from the current allocator).
  {
    name: "add() of shapes that do not broadcast",
    act: (w) => withAllocator(w.bumper, () => add(w.checked, new Float64Array(4))),
    error: RangeError,
    message: /shapes \[2, 3\] and \[4\] do not broadcast/,
  },
  {
    name: "add() into an out of the wrong shape",
    act: (w) => add(w.nd, 1, w.out),
    error: RangeError,
    message: /out has shape \[3, 2\], expected \[2, 3\]/,
  },
  {
    name: "add() of a bigint array",
    act: (w) => withAllocator(w.bumper, () => add(w.big, 1)),
    error: TypeError,
    message: /BigInt64Array elements; this operation needs number elements/,
  },
  {
    name: "add() of a freed CheckedAllocArray",
    act: (w) => withAllocator(w.bumper, () => add(w.freed, 1)),
    error: InvalidMemoryError,
    message: /^Array accessed after its memory has been deallocated/,
    grammar: false,
  },
  {
    name: "map() with a non-function",
    act: (w) => withAllocator(w.bumper, () => map(w.checked, 5 as never)),
    error: TypeError,
    message: /fn must be a function, got 5/,
  },
  {
    name: "sum() along an axis out of range",
    act: (w) => withAllocator(w.bumper, () => sum(w.checked, { axis: 2 })),
    error: RangeError,
    message: /axis 2 is out of range for an array of 2 axes/,
  },
  {
    name: "sum() along a string axis",
    act: (w) => sum(w.nd, { axis: "0" as never }),
    error: TypeError,
    message: /axis must be a number, got "0"/,
  },
  {
    name: "matmul() of mismatched inner lengths",
    act: (w) => withAllocator(w.bumper, () => matmul(w.checked, w.nd)),
    error: RangeError,
    message:
      /inner lengths differ: a of shape \[2, 3\] has 3 columns, b of shape \[2, 3\] has 2 rows/,
  },
  {
    name: "dot() of matrices",
    act: (w) => dot(w.nd, w.nd),
    error: RangeError,
    message: /expected two 1-d arrays of equal length/,
  },
  {
    name: "transpose() with a bad permutation",
    act: (w) => withAllocator(w.bumper, () => transpose(w.checked, { axes: [0, 0] })),
    error: RangeError,
    message: /axes \[0, 0\] is not a permutation of 0\.\.1/,
  },
  {
    name: "reshape() to another element count",
    act: (w) => withAllocator(w.bumper, () => reshape(w.checked, [4, 2])),
    error: RangeError,
    message: /\[4, 2\]/,
  },
  {
    name: "concat() of arrays whose other axes differ",
    act: (w) =>
      withAllocator(
        w.bumper,
        () => concat([w.checked, new NDArray(new Float64Array(4), [2, 2])], { axis: 0 }),
      ),
    error: RangeError,
    message: /\[2, 2\]/,
  },
  {
    name: "softmax() along an axis out of range",
    act: (w) => withAllocator(w.bumper, () => softmax(w.checked, { axis: 5 })),
    error: RangeError,
    message: /axis 5 is out of range/,
  },
  {
    name: "conv2d() with a kernel of the wrong channel count",
    act: (w) =>
      withAllocator(
        w.bumper,
        () => conv2d(w.image, new NDArray(new Float32Array(36), [2, 2, 3, 3])),
      ),
    error: RangeError,
    message:
      /weight must be \[outChannels, 1, kernelHeight, kernelWidth\] for x of shape \[1, 1, 5, 5\], got \[2, 2, 3, 3\]/,
  },
  {
    name: "conv2d() with an unknown activation",
    act: (w) => conv2d(w.image, w.kernel, { activation: "gelu" as never }),
    error: TypeError,
    message: /activation must be "identity", "relu", "tanh" or "sigmoid", got "gelu"/,
  },
  {
    name: "conv2d() with a misspelt option",
    act: (w) => withAllocator(w.bumper, () => conv2d(w.image, w.kernel, { padd: 1 } as never)),
    error: TypeError,
    message: /unknown option "padd"; the options are bias, stride, padding, activation, out/,
  },
  {
    name: "add() with options that are neither an object nor an out array",
    act: (w) => withAllocator(w.bumper, () => add(w.checked, 1, "out" as never)),
    error: TypeError,
    message: /options must be an options object or the out array, got "out"/,
  },
  {
    name: "maxPool2d() with a zero window",
    act: (w) => withAllocator(w.bumper, () => maxPool2d(w.image, { window: 0 })),
    error: RangeError,
    message: /must be integers >= 1, got 0/,
  },
  {
    name: "batchNorm() without statistics",
    act: (w) => withAllocator(w.bumper, () => batchNorm(w.image, {} as never)),
    error: TypeError,
    message: /mean/,
  },
  {
    name: "dense() with a weight of the wrong shape",
    act: (w) =>
      withAllocator(w.bumper, () => dense(w.checked, new NDArray(new Float64Array(8), [4, 2]))),
    error: RangeError,
    message: /\[4, 2\]/,
  },
  {
    name: "copyTo() into an out its source does not broadcast to",
    act: (w) => copyTo(w.nd, w.out),
    error: RangeError,
    message: /Cannot compute copyTo\(\): shapes \[2, 3\] and \[3, 2\] do not broadcast/,
  },
];

describe("bad input catalogue: arrays, scopes, allocators and operations", () => {
  for (const c of WORLD_CASES) {
    it(`${c.name}: ${c.error.name}, nothing changed`, async () => {
      const w = makeWorld();
      const before = worldSnapshot(w);
      const current = currentAllocator(), buffer = defaultBuffer();
      await assertFails(c, w);
      assert.deepEqual(worldSnapshot(w), before);
      assert.equal(currentAllocator(), current);
      assert.equal(defaultBuffer(), buffer);
    });
  }
});
