import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  alloc,
  noEscape,
  OutOfMemoryError,
  WasmAllocBuffer,
  withBuffer,
} from "../../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  copy,
  InvalidMemoryError,
  similar,
} from "../../arrays/mod.ts";
import { add, sum } from "../../arrays/ops/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { conformanceSuite } from "../../testing/mod.ts";
import { WASM, WASM_SHARED } from "./_grow_module_wat.ts";
import { WASM as WITH_MALLOC } from "./_module_with_malloc_wat.ts";

const PAGE = 65_536;

interface GrowModule {
  grow(pages: number): number;
  sum(p: number, n: number): number;
  scale(p: number, n: number, k: number): void;
}

/** An instance of the test module (_grow_module.wat) over `memory`. */
function growModule(memory: WebAssembly.Memory, shared = false): GrowModule {
  const bytes = Uint8Array.from(atob(shared ? WASM_SHARED : WASM), (c) => c.charCodeAt(0));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return instance.exports as unknown as GrowModule;
}

conformanceSuite("WasmAllocBuffer (its own memory)", () => new WasmAllocBuffer(8192));
conformanceSuite(
  "WasmAllocBuffer (a block of a given memory)",
  () =>
    new WasmAllocBuffer(new WebAssembly.Memory({ initial: 1 }), {
      byteOffset: 1000,
      byteLength: 8192,
    }),
);
conformanceSuite(
  "WasmAllocBuffer (a small block with overflow)",
  () =>
    new WasmAllocBuffer(new WebAssembly.Memory({ initial: 1 }), {
      byteOffset: 64,
      byteLength: 256,
      overflow: true,
    }),
  { contiguous: false },
);
conformanceSuite(
  "WasmAllocBuffer (shared memory)",
  () => new WasmAllocBuffer(8192, { shared: true, maxByteLength: 1 << 20 }),
);
conformanceSuite(
  "BumperAllocator over a WasmAllocBuffer",
  () => new BumperAllocator(new WasmAllocBuffer(8192)),
);

interface ModuleWithMalloc {
  memory: WebAssembly.Memory;
  malloc(n: number): number;
  sum(p: number, n: number): number;
}

function moduleWithMalloc(): ModuleWithMalloc {
  const bytes = Uint8Array.from(atob(WITH_MALLOC), (c) => c.charCodeAt(0));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as never;
}

describe("WasmAllocBuffer", () => {
  it("WasmAllocBuffer over a block the module's malloc reserved: regions in it, the module reads in place, its own allocations never overlap", () => {
    const m = moduleWithMalloc();
    const size = 4096;
    const block = m.malloc(size);
    const buf = new WasmAllocBuffer(m.memory, { byteOffset: block, byteLength: size });
    const own = m.malloc(64); // the module keeps allocating after the block
    assert.ok(own >= block + size);
    for (let run = 0; run < 3; run++) {
      const total = noEscape(buf, () => {
        const x = alloc(buf, Float64Array, 100);
        for (let i = 0; i < 100; i++) x[i] = i + run;
        assert.ok(x.byteOffset >= block && x.byteOffset + x.byteLength <= block + size);
        return m.sum(buf.addressOf(x), x.length);
      });
      assert.equal(total, 4950 + 100 * run);
      assert.equal(buf.used, 0);
    }
  });

  it("WasmAllocBuffer over a module's block: the module's malloc growing the memory detaches live views, which addressOf then refuses", () => {
    const m = moduleWithMalloc();
    const block = m.malloc(1024);
    const buf = new WasmAllocBuffer(m.memory, { byteOffset: block, byteLength: 1024 });
    const x = alloc(buf, Float64Array, 4).fill(2);
    const address = x.byteOffset;
    m.malloc(200_000); // grows the memory
    assert.equal(x.length, 0);
    assert.throws(() => buf.addressOf(x), /detached/);
    assert.equal(m.sum(address, 4), 8); // the bytes are intact
    const y = alloc(buf, Float64Array, 4).fill(3); // the buffer carries on in the new ArrayBuffer
    assert.equal(y.buffer, m.memory.buffer);
    assert.equal(m.sum(buf.addressOf(y), 4), 12);
  });

  it("WasmAllocBuffer() makes its own 1 MiB memory", () => {
    const buf = new WasmAllocBuffer();
    assert.ok(buf.memory instanceof WebAssembly.Memory);
    assert.equal(buf.memory.buffer.byteLength, 1 << 20);
    assert.deepEqual([buf.byteOffset, buf.capacity, buf.used, buf.peak], [0, 1 << 20, 0, 0]);
    assert.equal(buf.shared, false);
  });

  it("WasmAllocBuffer(size) rounds its memory up to whole pages", () => {
    assert.equal(new WasmAllocBuffer(1).capacity, PAGE);
    assert.equal(new WasmAllocBuffer(PAGE + 1).capacity, 2 * PAGE);
    assert.equal(new WasmAllocBuffer(0).capacity, 0);
  });

  it("WasmAllocBuffer allocations are views of the memory at their wasm address", () => {
    const buf = new WasmAllocBuffer(PAGE);
    const m = growModule(buf.memory as WebAssembly.Memory);
    noEscape(buf, () => {
      alloc(buf, Uint8Array, 3);
      const x = alloc(buf, Float64Array, 4);
      assert.equal(x.buffer, buf.memory.buffer);
      assert.equal(x.byteOffset, 8);
      x.set([1, 2, 3, 4]);
      assert.equal(m.sum(x.byteOffset, 4), 10);
      m.scale(buf.addressOf(x), 4, 10); // the module writes in place
      assert.deepEqual([...x], [10, 20, 30, 40]);
    });
  });

  it("WasmAllocBuffer over a block of a module's memory allocates only inside it", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const buf = new WasmAllocBuffer(memory, { byteOffset: 4100, byteLength: 100 });
    assert.deepEqual([buf.byteOffset, buf.capacity], [4100, 100]);
    const a = alloc(buf, Uint8Array, 1);
    const b = alloc(buf, Float64Array, 2);
    assert.deepEqual([a.byteOffset, b.byteOffset], [4100, 4104]);
    assert.equal(buf.used, 20);
    assert.throws(
      () => alloc(buf, Float64Array, 11),
      (e: unknown) =>
        e instanceof OutOfMemoryError &&
        /^Cannot allocate 88 bytes: 80 bytes available, of the WasmAllocBuffer's 100 \(make the range larger/
          .test(e.message),
    );
    assert.equal(buf.used, 20); // unchanged
    assert.equal(memory.buffer.byteLength, PAGE); // never grown
    alloc(buf, Float64Array, 10); // exactly what is left
    assert.equal(buf.used, 100);
  });

  it("WasmAllocBuffer with a given memory defaults to the range from byteOffset to the end", () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const buf = new WasmAllocBuffer(memory, { byteOffset: PAGE });
    assert.deepEqual([buf.byteOffset, buf.capacity], [PAGE, PAGE]);
    assert.equal(alloc(buf, Float64Array, 1).byteOffset, PAGE);
  });

  it("WasmAllocBuffer grows its own memory when an allocation finds it empty", () => {
    const buf = new WasmAllocBuffer(PAGE);
    const before = buf.memory.buffer;
    const x = alloc(buf, Float64Array, 20_000); // 160 000 bytes
    assert.notEqual(buf.memory.buffer, before);
    assert.equal(x.buffer, buf.memory.buffer);
    assert.equal(x.byteOffset, 0);
    assert.equal(buf.capacity, buf.memory.buffer.byteLength);
    assert.ok(buf.capacity >= 160_000);
    assert.equal(buf.overflowCount, 0);
  });

  it("WasmAllocBuffer never grows a non-shared memory while allocations are live: overflow, then regrowth to the peak", () => {
    const buf = new WasmAllocBuffer(PAGE);
    const run = () =>
      noEscape(buf, () => {
        const a = alloc(buf, Float64Array, 6000).fill(1); // 48 000 bytes
        const b = alloc(buf, Float64Array, 6000).fill(2); // does not fit: overflow
        // Growing now would have emptied `a`; it is intact.
        assert.equal(a.length, 6000);
        assert.equal(a[5999], 1);
        return [buf.holds(a), buf.holds(b), buf.overflowCount, a[0] + b[0]];
      });
    const memory = buf.memory.buffer;
    assert.deepEqual(run(), [true, false, 1, 3]);
    assert.equal(buf.peak, 96_000);
    // The outermost region ended: nothing was live, so the memory grew to the peak.
    assert.notEqual(buf.memory.buffer, memory);
    assert.equal(buf.capacity, 2 * PAGE);
    assert.deepEqual(run(), [true, true, 0, 3]);
  });

  it("WasmAllocBuffer without overflow throws when a non-shared memory cannot grow, and grows at the next reset", () => {
    const buf = new WasmAllocBuffer(PAGE, { overflow: false });
    alloc(buf, Float64Array, 6000);
    assert.throws(
      () => alloc(buf, Float64Array, 6000),
      (e: unknown) =>
        e instanceof OutOfMemoryError &&
        /only grows while none of the buffer's allocations is live/.test(e.message),
    );
    assert.equal(buf.used, 48_000);
    assert.equal(buf.capacity, PAGE);
    buf.resetBuffer();
    assert.equal(buf.peak, 48_000); // the failed request is not part of the peak
    assert.equal(buf.capacity, 2 * PAGE); // but the memory grew to fit it
    alloc(buf, Float64Array, 6000);
    assert.equal(alloc(buf, Float64Array, 6000).buffer, buf.memory.buffer);
  });

  it("WasmAllocBuffer grows a shared memory whenever needed: live views stay valid", () => {
    const buf = new WasmAllocBuffer(PAGE, { shared: true, maxByteLength: 64 * PAGE });
    assert.equal(buf.shared, true);
    const a = alloc(buf, Float64Array, 6000).fill(1);
    const b = alloc(buf, Float64Array, 6000).fill(2);
    assert.equal(buf.overflowCount, 0);
    assert.ok(buf.capacity >= 96_000);
    assert.equal(a[5999], 1);
    assert.ok(buf.holds(a) && buf.holds(b));
    assert.equal(buf.addressOf(b), 48_000);
    // A module over the grown memory sees both.
    const m = growModule(buf.memory as WebAssembly.Memory, true);
    assert.equal(m.sum(buf.addressOf(a), 6000) + m.sum(buf.addressOf(b), 6000), 18_000);
  });

  it("WasmAllocBuffer respects maxByteLength", () => {
    const buf = new WasmAllocBuffer(PAGE, { maxByteLength: 2 * PAGE, overflow: false });
    assert.throws(
      () => alloc(buf, Uint8Array, 3 * PAGE),
      (e: unknown) =>
        e instanceof OutOfMemoryError && /cannot grow past 131072 bytes/.test(e.message),
    );
    assert.equal(buf.capacity, PAGE);
    alloc(buf, Uint8Array, 2 * PAGE);
    assert.equal(buf.capacity, 2 * PAGE);
  });

  it("WasmAllocBuffer: a non-shared memory grown by the module detaches live views; the bytes stay, addressOf refuses the old views", () => {
    const buf = new WasmAllocBuffer(PAGE);
    const m = growModule(buf.memory as WebAssembly.Memory);
    const x = alloc(buf, Float64Array, 4);
    x.set([1, 2, 3, 4]);
    const address = buf.addressOf(x);
    assert.equal(m.grow(1), 1); // as a module's malloc would
    assert.equal(x.length, 0); // detached by the runtime
    assert.throws(
      () => buf.addressOf(x),
      /Cannot take the wasm address: the view's ArrayBuffer is detached/,
    );
    assert.equal(buf.holds(x), false);
    // The elements are intact in the memory, and the module still reads them.
    assert.equal(m.sum(address, 4), 10);
    assert.deepEqual([...new Float64Array(buf.memory.buffer, address, 4)], [1, 2, 3, 4]);
    // The buffer carries on with the new ArrayBuffer, after the old allocation.
    const y = alloc(buf, Float64Array, 2);
    assert.equal(y.buffer, buf.memory.buffer);
    assert.equal(y.byteOffset, 32);
    const p = buf.allocPtr(8, 8);
    assert.equal(p.buffer, buf.memory.buffer);
    // It does not claim the page the module added.
    assert.equal(buf.capacity, PAGE);
  });

  it("WasmAllocBuffer: arrays live while the module grows a non-shared memory never read as empty: access and operations throw, CheckedAllocArray throws InvalidMemoryError", () => {
    const buf = new WasmAllocBuffer(PAGE);
    const m = growModule(buf.memory as WebAssembly.Memory);
    const b = new BumperAllocator(buf);
    const heap = new Float64Array([1, 2, 3, 4]);
    withAllocator(b, () => {
      const a = copy(AllocArray.from(heap));
      const c = copy(new CheckedAllocArray(heap));
      assert.equal(m.sum(a.data.byteOffset, 4), 10);
      m.grow(1); // a module's malloc growing the memory while `a` and `c` are live
      assert.throws(() => a.get(0), /Cannot read element \[0\]: the array's memory was detached/);
      assert.throws(
        () => a.set(0, 1),
        /Cannot write element \[0\]: the array's memory was detached/,
      );
      assert.throws(() => [...a], /Cannot iterate over the array: the array's memory was detached/);
      assert.throws(() => a.toNested(), TypeError);
      assert.throws(() => a.fill(0), TypeError);
      assert.throws(() => add(a, 1), /Cannot compute add\(\): a's memory was detached/);
      assert.throws(() => sum(a), /Cannot compute sum\(\): x's memory was detached/);
      assert.throws(
        () => c.get(0),
        (e: unknown) => e instanceof InvalidMemoryError && /was detached/.test(e.message),
      );
      assert.throws(() => c.data, InvalidMemoryError);
      assert.equal(c.isValid, false);
      assert.match(c.describe(), /\(memory detached\)$/);
      // The elements are intact in the memory; arrays made from now on work.
      assert.equal(m.sum(buf.byteOffset, 4), 10);
      const d = copy(AllocArray.from(heap));
      assert.deepEqual([...add(d, 1)], [2, 3, 4, 5]);
    });
  });

  it("WasmAllocBuffer: arrays in a shared memory the module grows stay valid", () => {
    const buf = new WasmAllocBuffer(PAGE, { shared: true, maxByteLength: 16 * PAGE });
    const m = growModule(buf.memory as WebAssembly.Memory, true);
    const b = new BumperAllocator(buf);
    withAllocator(b, () => {
      const a = copy(AllocArray.from(new Float64Array([1, 2, 3, 4])));
      const c = copy(new CheckedAllocArray(new Float64Array([1, 2, 3, 4])));
      m.grow(2);
      assert.deepEqual([...add(a, c)], [2, 4, 6, 8]);
      assert.ok(c.isValid);
    });
  });

  it("WasmAllocBuffer: a shared memory grown by the module leaves live views valid", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8, shared: true });
    const buf = new WasmAllocBuffer(memory);
    const m = growModule(memory, true);
    const x = alloc(buf, Float64Array, 4);
    x.set([1, 2, 3, 4]);
    assert.equal(m.grow(2), 1);
    assert.equal(x.length, 4);
    m.scale(buf.addressOf(x), 4, 2);
    assert.deepEqual([...x], [2, 4, 6, 8]);
    const fresh = new Float64Array(memory.buffer, x.byteOffset, 4);
    assert.ok(buf.holds(fresh) && buf.holds(x));
    assert.equal(buf.capacity, PAGE); // the module's pages are not the buffer's
  });

  it("WasmAllocBuffer.addressOf() refuses views not in its memory", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const buf = new WasmAllocBuffer(memory, { byteOffset: 0, byteLength: 64, overflow: true });
    const overflow = alloc(buf, Float64Array, 100);
    assert.throws(
      () => buf.addressOf(overflow),
      /it is an overflow allocation on the JavaScript heap/,
    );
    assert.throws(
      () => buf.addressOf(new Uint8Array(4)),
      /Uint8Array of 4 bytes is not a view of this buffer's WebAssembly memory/,
    );
    assert.throws(
      () => buf.addressOf([1, 2] as unknown as Uint8Array),
      /Cannot take the wasm address: expected a typed array or DataView, got an Array of length 2/,
    );
    const other = new WasmAllocBuffer(PAGE);
    assert.throws(() => buf.addressOf(alloc(other, Uint8Array, 1)), TypeError);
    assert.equal(buf.addressOf(new DataView(memory.buffer, 12, 4)), 12);
  });

  it("WasmAllocBuffer works with BumperAllocator, similar and withBuffer", () => {
    const buf = new WasmAllocBuffer(PAGE);
    const b = new BumperAllocator(buf);
    const x = AllocArray.from(new Float64Array([1, 2, 3]));
    const y = withAllocator(b, () => similar(x));
    assert.equal(y.data.buffer, buf.memory.buffer);
    assert.ok(buf.holds(y.data));
    const z = withBuffer(buf, () => noEscape(() => alloc(Float32Array, 2).byteOffset));
    assert.equal(z, 24);
  });

  it("WasmAllocBuffer prints its state", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const buf = new WasmAllocBuffer(memory, { byteOffset: 128, byteLength: 64, overflow: true });
    alloc(buf, Float64Array, 4);
    assert.equal(String(buf), "WasmAllocBuffer(used 32 of 64 bytes at 128, peak 32)");
    alloc(buf, Float64Array, 8);
    assert.equal(
      inspect(buf),
      "WasmAllocBuffer(used 96 of 64 bytes at 128, 1 overflow allocation (64 bytes), peak 96)",
    );
    assert.equal(Object.prototype.toString.call(buf), "[object WasmAllocBuffer]");
    assert.match(String(new WasmAllocBuffer(PAGE, { shared: true })), /, shared\)$/);
  });

  it("WasmAllocBuffer rejects bad arguments with a message naming the value", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const cases: [() => unknown, ErrorConstructor, RegExp][] = [
      [
        () => new WasmAllocBuffer("64" as never),
        TypeError,
        /expected a size in bytes or a WebAssembly.Memory, got "64"/,
      ],
      [() => new WasmAllocBuffer(new ArrayBuffer(8) as never), TypeError, /got an ArrayBuffer/],
      [
        () => new WasmAllocBuffer(-1),
        RangeError,
        /size must be a non-negative safe integer, got -1/,
      ],
      [
        () => new WasmAllocBuffer(PAGE, null as never),
        TypeError,
        /options must be an object, got null/,
      ],
      [
        () => new WasmAllocBuffer(PAGE, { byteOffset: 8 }),
        TypeError,
        /byteOffset and byteLength apply to a given WebAssembly.Memory/,
      ],
      [
        () => new WasmAllocBuffer(memory, { shared: true }),
        TypeError,
        /shared applies to a memory the buffer makes/,
      ],
      [
        () => new WasmAllocBuffer(memory, { byteOffset: 1.5 }),
        RangeError,
        /byteOffset must be a non-negative safe integer, got 1.5/,
      ],
      [
        () => new WasmAllocBuffer(memory, { byteOffset: 60_000, byteLength: 6000 }),
        RangeError,
        /the range \[60000, 66000\) does not lie inside the memory's 65536 bytes/,
      ],
      [
        () => new WasmAllocBuffer(memory, { byteLength: 100, grow: true }),
        TypeError,
        /grow needs a range that ends where the memory ends \(65536\), got one ending at 100/,
      ],
      [
        () => new WasmAllocBuffer(memory, { grow: "yes" as never }),
        TypeError,
        /grow must be a boolean, got "yes"/,
      ],
      [
        () => new WasmAllocBuffer(4 * PAGE, { maxByteLength: PAGE }),
        RangeError,
        /size 262144 exceeds maxByteLength 65536/,
      ],
      [
        () => new WasmAllocBuffer(memory, { maxByteLength: 100 }),
        RangeError,
        /the memory's 65536 bytes exceed maxByteLength 100/,
      ],
    ];
    for (const [make, type, message] of cases) {
      assert.throws(make, (e: unknown) => e instanceof type && message.test((e as Error).message));
    }
  });
});
