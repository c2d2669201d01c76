// Bad input, table-driven: every case asserts the error class, a fragment of the message (which
// names the bad value), and that the buffer is exactly as before (its printed state, and where
// the next allocation lands).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  AllocBuffer,
  type Checkpoint,
  CheckpointError,
  noEscape,
  OutOfMemoryError,
  region,
  resetBuffer,
  ResizeBuffer,
  SlabBuffer,
  withBuffer,
} from "../../allocators/mod.ts";

type Buffer = AllocBuffer | SlabBuffer | ResizeBuffer;

/** A buffer in a non-trivial state, and checkpoints of every kind. */
interface Ctx {
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
];

function setup(make: () => Buffer): Ctx {
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

function snapshot(buf: Buffer): [string, number, number] {
  const cp = buf.checkpointSave();
  const ptr = buf.allocPtr(8, 8);
  buf.checkpointRestore(cp);
  return [String(buf), buf.used, ptr.byteOffset];
}

interface Case {
  name: string;
  act: (ctx: Ctx) => unknown;
  error: new (...args: never[]) => Error;
  message: RegExp;
}

const fn = () => 0;

const CASES: Case[] = [
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
];

const CONSTRUCTOR_CASES: Omit<Case, "act">[] & { act: () => unknown }[] = [
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
    name: "new ResizeBuffer() with a fractional size",
    act: () => new ResizeBuffer(10.5),
    error: RangeError,
    message: /Cannot create ResizeBuffer: size must be a non-negative safe integer, got 10\.5/,
  },
] as never;

describe("bad input", () => {
  for (const c of CASES) {
    for (const [kind, make] of MAKERS) {
      it(`${c.name} on ${kind}: ${c.error.name} naming the value, buffer unchanged`, () => {
        const ctx = setup(make);
        const before = snapshot(ctx.buf);
        assert.throws(
          () => c.act(ctx),
          (e: unknown) => {
            assert.ok(e instanceof c.error, `expected ${c.error.name}, got ${e}`);
            assert.match((e as Error).message, c.message);
            assert.match((e as Error).message, /^Cannot [^:]+: .*[^.]$/s);
            return true;
          },
        );
        assert.deepEqual(snapshot(ctx.buf), before);
        // The live checkpoint still works.
        ctx.buf.checkpointRestore(ctx.live);
        assert.equal(ctx.buf.used, 24);
      });
    }
  }

  for (const c of CONSTRUCTOR_CASES) {
    it(`${c.name}: ${c.error.name} naming the value`, () => {
      assert.throws(c.act, (e: unknown) => e instanceof c.error && c.message.test(String(e)));
    });
  }

  it("AllocBuffer out of memory: OutOfMemoryError naming requested and available bytes", () => {
    const ctx = setup(() => new AllocBuffer(1000));
    const before = snapshot(ctx.buf);
    assert.throws(
      () => alloc(ctx.buf, Float64Array, 250),
      (e: unknown) =>
        e instanceof OutOfMemoryError && e.requested === 2000 && e.available === 960 &&
        /^Cannot allocate 2000 bytes: 960 bytes available/.test(e.message),
    );
    assert.deepEqual(snapshot(ctx.buf), before);
  });

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
