// What a browser user does with the library, as one suite: `deno task test:browser` bundles it
// (with the npm build of the library, as a bundler would) into a page served from 127.0.0.1 and
// runs it in headless Chromium, once in a plain page and once in a cross-origin-isolated one;
// `deno test` and `node --test` run it too. Where the runtimes differ (AsyncLocalStorage,
// SharedArrayBuffer), each test checks what the runtime it runs on must do.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  alloc,
  AllocArray,
  AllocBuffer,
  arrayFromDescriptor,
  AsyncScopeError,
  asyncScopesSupported,
  AutoscalingAllocBuffer,
  BumperAllocator,
  CheckedAllocArray,
  currentAllocator,
  DefaultAllocator,
  defaultBuffer,
  ELEMENT_TYPES,
  EscapeError,
  InvalidMemoryError,
  matmul,
  noEscape,
  OutOfMemoryError,
  region,
  reset,
  ResizeBuffer,
  SharedAllocBuffer,
  similar,
  SlabBuffer,
  softmax,
  sum,
  WasmAllocBuffer,
  withAllocator,
  withBuffer,
} from "../../mod.ts";
import { conformanceCases } from "../../testing/mod.ts";
import { WASM_SIMD, wasmCalls } from "../../_internal/wasm.ts";
import { WASM as GROW, WASM_SHARED as GROW_SHARED } from "../allocators/_grow_module_wat.ts";

const tick = (ms = 1) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether this runtime has AsyncLocalStorage where the library looks for it. */
const hasAsyncLocalStorage = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  const mod = proc?.getBuiltinModule?.("node:async_hooks") as
    | { AsyncLocalStorage?: unknown }
    | undefined;
  return typeof mod?.AsyncLocalStorage === "function";
})();

/** Allocates through `similar` (the name the recorded allocation site must show). */
function allocateHere<T extends Float64Array>(
  b: BumperAllocator,
  x: CheckedAllocArray<T>,
): CheckedAllocArray<T> {
  return withAllocator(b, () => similar(x));
}

describe("in a browser: allocators", () => {
  it("noEscape() frees its region on return and on throw, and refuses escaping views", () => {
    const buf = new AllocBuffer(1024);
    const total = noEscape(buf, () => {
      const y = alloc(buf, Float64Array, 3);
      y.set([2, 3, 4]);
      return y[0] + y[1] + y[2];
    });
    assert.equal(total, 9);
    assert.equal(buf.used, 0);
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 10);
        throw new Error("boom");
      }), /boom/);
    assert.equal(buf.used, 0);
    assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 4)), EscapeError);
    assert.equal(buf.used, 0);
    assert.throws(() => alloc(buf, Float64Array, 1000), OutOfMemoryError);
    assert.equal(buf.used, 0);
  });

  it("region() frees at the end of a using block", () => {
    const buf = new AllocBuffer(1024);
    {
      using r = region(buf);
      r.alloc(Float64Array, 3).fill(1);
      assert.equal(buf.used, 24);
    }
    assert.equal(buf.used, 0);
  });

  it("default buffers: alloc(Type, n) in regions, withBuffer, and every element type", () => {
    const root = defaultBuffer();
    assert.ok(root instanceof SlabBuffer);
    const used = root.used;
    const n = noEscape(() => alloc(Float64Array, 100).fill(1).reduce((a, b) => a + b, 0));
    assert.equal(n, 100);
    assert.equal(root.used, used);
    const mine = new AllocBuffer(1024);
    assert.equal(withBuffer(mine, () => defaultBuffer()), mine);
    for (const type of ELEMENT_TYPES) {
      const v = noEscape(() => alloc(type, 3).length);
      assert.equal(v, 3, type.name);
    }
    if (typeof (globalThis as { Float16Array?: unknown }).Float16Array === "function") {
      assert.ok(ELEMENT_TYPES.some((t) => t.name === "Float16Array"));
    }
  });

  it("every built-in buffer passes the conformance cases here", () => {
    const makers: [
      string,
      () => AllocBuffer | SlabBuffer | ResizeBuffer | AutoscalingAllocBuffer,
    ][] = [
      ["AllocBuffer", () => new AllocBuffer(8192)],
      ["SlabBuffer", () => new SlabBuffer(256)],
      ["ResizeBuffer", () => new ResizeBuffer(256)],
      ["AutoscalingAllocBuffer", () => new AutoscalingAllocBuffer(256)],
    ];
    for (const [name, make] of makers) {
      const contiguous = name === "AllocBuffer";
      for (const c of conformanceCases(make, { contiguous })) {
        try {
          c.run();
        } catch (e) {
          throw new Error(`${name}: ${c.name}: ${e instanceof Error ? e.message : e}`);
        }
      }
    }
  });

  it("buffers print their state", () => {
    const buf = new AllocBuffer(1024);
    alloc(buf, Float64Array, 3);
    assert.match(String(buf), /^AllocBuffer\(used 24 of 1024 bytes/);
  });

  it("poison mode detaches memory freed by the end of an outermost region", () => {
    const buf = new AllocBuffer(1024, { poison: true });
    let kept: Float64Array | undefined;
    noEscape(buf, () => {
      kept = alloc(buf, Float64Array, 4).fill(7);
      return undefined;
    });
    assert.equal(kept!.length, 0, "a view kept past its region reads nothing");
    assert.equal(kept![0], undefined);
    const fresh = noEscape(buf, () => alloc(buf, Float64Array, 4).fill(1).length);
    assert.equal(fresh, 4);
  });
});

describe("in a browser: arrays and operations", () => {
  it("AllocArray + BumperAllocator: similar allocates from the current allocator; reset frees", () => {
    const b = new BumperAllocator(new AllocBuffer(1 << 16));
    const a = AllocArray.from(new Float64Array(1000).fill(1));
    const basic = () => {
      const x = similar(a).fill(1);
      const y = similar(a).fill(2);
      return sum(add(x, y));
    };
    assert.equal(basic(), 3000);
    const bumped = withAllocator(b, () => {
      assert.equal(currentAllocator(), b);
      return basic();
    });
    assert.equal(bumped, 3000);
    assert.ok((b.buffer as AllocBuffer).used >= 3 * 8000);
    reset(b);
    assert.equal((b.buffer as AllocBuffer).used, 0);
    assert.equal(currentAllocator(), DefaultAllocator.shared);
  });

  it("CheckedAllocArray: use after reset is an InvalidMemoryError naming where it was allocated", () => {
    const b = new BumperAllocator(new AllocBuffer(1 << 16));
    const x = new CheckedAllocArray(new Float64Array([1, 2, 3]));
    CheckedAllocArray.recordAllocationSites = true;
    try {
      const y = allocateHere(b, x);
      y.data.set([4, 5, 6]);
      assert.equal(sum(y), 15);
      reset(b);
      assert.throws(() => y.get(0), (e: unknown) => {
        assert.ok(e instanceof InvalidMemoryError);
        assert.match(e.allocationSite ?? "", /allocateHere/);
        return true;
      });
    } finally {
      CheckedAllocArray.recordAllocationSites = false;
    }
  });

  it("operations compute the same under a BumperAllocator as on the heap", () => {
    const a = AllocArray.from(new Float64Array([1, 2, 3, 4]));
    const m = new AllocArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    const heap = [sum(add(a, a)), [...matmul(m, m).data], [...softmax(a).data]];
    const b = new BumperAllocator(new AllocBuffer(1 << 16));
    const bumped = withAllocator(b, () => [
      sum(add(a, a)),
      [...matmul(m, m).data],
      [...softmax(a).data],
    ]);
    assert.deepEqual(bumped, heap);
    assert.equal(heap[0], 20);
    assert.deepEqual(heap[1], [7, 10, 15, 22]);
    const s = heap[2] as number[];
    assert.ok(Math.abs(s.reduce((p, q) => p + q, 0) - 1) < 1e-12);
    reset(b);
  });
});

describe("in a browser: async scopes", () => {
  it("asyncScopesSupported() tells whether the runtime has AsyncLocalStorage", () => {
    assert.equal(asyncScopesSupported(), hasAsyncLocalStorage);
  });

  it("concurrent noEscape(async fn) tasks get buffers of their own, or fail before running", async () => {
    // The README's async-tasks example: ten tasks, each allocating 30 Float64 from its default
    // buffer across an await.
    const root = defaultBuffer() as SlabBuffer;
    const before = root.used;
    let started = 0;
    const task = (id: number) =>
      noEscape(async () => {
        started++;
        const mine = alloc(Float64Array, 30).fill(id);
        await tick();
        return mine.every((v) => v === id);
      });
    if (asyncScopesSupported()) {
      const ok = await Promise.all(Array.from({ length: 10 }, (_, id) => task(id)));
      assert.deepEqual(ok, new Array(10).fill(true));
      assert.equal(started, 10);
    } else {
      for (let id = 0; id < 10; id++) {
        assert.throws(() => task(id), {
          name: "AsyncScopeError",
          message:
            /^Cannot run noEscape with an async function on the default buffer: .*noEscape\(buf, async/,
        });
      }
      assert.equal(started, 0);
    }
    assert.equal(root.used, before, "nothing left in the default buffer");
  });

  it("withAllocator(async fn) holds across await, or fails before running", async () => {
    const b = new BumperAllocator(new AllocBuffer(1 << 16));
    const x = AllocArray.from(new Float64Array(8));
    let ran = false;
    const scoped = () =>
      withAllocator(b, async () => {
        ran = true;
        await tick();
        return currentAllocator();
      });
    if (asyncScopesSupported()) {
      assert.equal(await scoped(), b);
    } else {
      assert.throws(scoped, AsyncScopeError);
      assert.equal(ran, false);
      // What works everywhere: one synchronous scope per stretch between awaits.
      const first = withAllocator(b, () => similar(x));
      await tick();
      const second = withAllocator(b, () => similar(x));
      assert.equal(first.data.buffer, second.data.buffer);
    }
    assert.equal(currentAllocator(), DefaultAllocator.shared);
    reset(b);
  });

  it("noEscape(buf, async fn) with a buffer per task works everywhere", async () => {
    const tasks = Array.from({ length: 10 }, (_, id) => {
      const own = new AllocBuffer(1024);
      return noEscape(own, async () => {
        const mine = alloc(own, Float64Array, 30).fill(id);
        await tick();
        return mine.every((v) => v === id) && own.used === 240;
      }).then((ok) => ok && own.used === 0);
    });
    assert.deepEqual(await Promise.all(tasks), new Array(10).fill(true));
  });
});

/** Whether this is a browser page whose Workers the runner serves (/worker.js). */
const browserPage = typeof (globalThis as { document?: unknown }).document === "object";

describe("in a browser: shared memory", () => {
  it("SharedAllocBuffer needs SharedArrayBuffer (cross-origin isolation in browsers), and says so", () => {
    if (typeof SharedArrayBuffer !== "function") {
      assert.throws(() => new SharedAllocBuffer(1024), {
        name: "TypeError",
        message: /no SharedArrayBuffer \(in browsers it needs cross-origin isolation\)/,
      });
      return;
    }
    const arena = new SharedAllocBuffer(1 << 16);
    const handle = SharedAllocBuffer.fromDescriptor(structuredClone(arena.descriptor()));
    const a = alloc(arena, Float64Array, 4).fill(1);
    const b = alloc(handle, Float64Array, 4).fill(2);
    // One memory, seen through two SharedArrayBuffer objects; the allocations do not overlap.
    assert.deepEqual([...new Float64Array(b.buffer, a.byteOffset, 4)], [1, 1, 1, 1]);
    assert.ok(b.byteOffset >= a.byteOffset + a.byteLength);
    assert.equal(sum(new AllocArray(b)), 8);
  });

  it(
    "module Workers allocate from one SharedAllocBuffer without overlapping, and share arrays with the page",
    {
      skip: !browserPage
        ? "browser Workers only (tests/threads runs Workers under Deno and Node)"
        : typeof SharedArrayBuffer !== "function" && "needs a cross-origin-isolated page",
    },
    async () => {
      const arena = new SharedAllocBuffer(1 << 20);
      const ask = (id: number) =>
        new Promise<{
          direct: { byteOffset: number; length: number };
          array: Parameters<typeof arrayFromDescriptor>[0];
          error?: string;
        }>((resolve, reject) => {
          const worker = new Worker("/worker.js", { type: "module" });
          worker.onmessage = (e) => {
            worker.terminate();
            resolve(e.data);
          };
          worker.onerror = (e) => {
            worker.terminate();
            reject(new Error(`worker ${id}: ${e.message ?? "/worker.js did not start"}`));
          };
          worker.postMessage({ arena: arena.descriptor(), id });
        });
      const replies = await Promise.all([1, 2, 3].map(ask));
      const mine = alloc(arena, Float64Array, 16).fill(9);
      const ranges: [number, number][] = [[mine.byteOffset, mine.byteOffset + 128]];
      for (const [i, r] of replies.entries()) {
        assert.equal(r.error, undefined, r.error);
        const id = i + 1;
        const direct = new Float64Array(mine.buffer, r.direct.byteOffset, r.direct.length);
        assert.ok(direct.every((v) => v === id), `worker ${id}'s allocation was overwritten`);
        const y = arrayFromDescriptor(r.array);
        assert.deepEqual([...y.data], new Array(8).fill(id));
        ranges.push([r.direct.byteOffset, r.direct.byteOffset + 128]);
        ranges.push([y.data.byteOffset, y.data.byteOffset + y.data.byteLength]);
      }
      ranges.sort((p, q) => p[0] - q[0]);
      for (let i = 1; i < ranges.length; i++) {
        assert.ok(
          ranges[i - 1][1] <= ranges[i][0],
          `allocations overlap: ${JSON.stringify(ranges)}`,
        );
      }
    },
  );
});

/** The test module of tests/allocators (grow, sum, scale) over `memory`. */
function growModule(memory: WebAssembly.Memory, shared = false) {
  const bytes = Uint8Array.from(atob(shared ? GROW_SHARED : GROW), (c) => c.charCodeAt(0));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
    .exports as unknown as {
      grow(pages: number): number;
      sum(p: number, n: number): number;
    };
}

describe("in a browser: WebAssembly memory", () => {
  it("WasmAllocBuffer passes the conformance cases, on its own memory and on a block of one", () => {
    const makers: [string, () => WasmAllocBuffer][] = [
      ["its own memory", () => new WasmAllocBuffer(8192)],
      [
        "a block",
        () =>
          new WasmAllocBuffer(new WebAssembly.Memory({ initial: 1 }), {
            byteOffset: 1000,
            byteLength: 8192,
          }),
      ],
    ];
    for (const [name, make] of makers) {
      for (const c of conformanceCases(make)) {
        try {
          c.run();
        } catch (e) {
          throw new Error(`${name}: ${c.name}: ${e instanceof Error ? e.message : e}`);
        }
      }
    }
  });

  it("a module reads allocations in place; growing a non-shared memory makes live arrays throw, not read empty", () => {
    const buf = new WasmAllocBuffer(1 << 16);
    const m = growModule(buf.memory as WebAssembly.Memory);
    const b = new BumperAllocator(buf);
    withAllocator(b, () => {
      const x = similar(AllocArray.from(new Float64Array(4))).fill(2);
      const c = similar(new CheckedAllocArray(new Float64Array(4))).fill(3);
      assert.equal(m.sum(buf.addressOf(x.data), 4), 8);
      m.grow(1);
      assert.throws(() => x.get(0), /memory was detached/);
      assert.throws(() => sum(x), /memory was detached/);
      assert.throws(() => c.get(0), InvalidMemoryError);
      assert.equal(m.sum(buf.byteOffset, 4), 8); // the bytes are intact
    });
    reset(b);
  });

  it(
    "a shared memory grown by the module leaves live arrays valid",
    { skip: typeof SharedArrayBuffer !== "function" && "needs a cross-origin-isolated page" },
    () => {
      const buf = new WasmAllocBuffer(1 << 16, { shared: true, maxByteLength: 1 << 20 });
      const m = growModule(buf.memory as WebAssembly.Memory, true);
      const x = alloc(buf, Float64Array, 4).fill(5);
      m.grow(2);
      assert.equal(x.length, 4);
      assert.equal(m.sum(buf.addressOf(x), 4), 20);
    },
  );

  it("operations on arrays in the memory match the heap, on the SIMD kernels once compiled", async () => {
    const buf = new WasmAllocBuffer();
    const b = new BumperAllocator(buf);
    const x = new Float32Array(4096).map((_, i) => Math.sin(i));
    const m = AllocArray.from(new Float32Array(64 * 64).map((_, i) => Math.cos(i)));
    const heap = [...add(x, x)];
    const heapProduct = matmul(m.reshape(64, 64), m.reshape(64, 64)).data;
    const run = () =>
      withAllocator(b, () => {
        const inside = similar(AllocArray.from(x));
        inside.data.set(x);
        const r = add(inside, inside);
        assert.ok(buf.holds(r.data));
        assert.deepEqual([...r.data], heap);
        const p = matmul(m.reshape(64, 64), m.reshape(64, 64));
        for (let i = 0; i < p.size; i++) {
          assert.ok(Math.abs(p.data[i] - heapProduct[i]) < 1e-3, `matmul element ${i}`);
        }
      });
    run();
    reset(b);
    // A browser's main thread may refuse to compile the kernels synchronously: the first calls
    // then run the JavaScript kernels while they compile. Later calls use them.
    await tick(100);
    const before = wasmCalls();
    run();
    reset(b);
    assert.equal(wasmCalls() - before, WASM_SIMD ? 2 : 0);
  });
});
