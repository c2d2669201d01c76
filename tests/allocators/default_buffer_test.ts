import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  AsyncScopeError,
  type AutoscalingAllocBuffer,
  defaultBuffer,
  EscapeError,
  noEscape,
  resetBuffer,
  setDefaultBufferWarning,
  SlabBuffer,
  withBuffer,
} from "../../allocators/mod.ts";
import { setAsyncContextForTesting } from "../../_internal/async_context.ts";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** An async region on the default buffer that writes `id` everywhere, awaits, and checks. */
function signatureTask(id: number, rounds: number): Promise<number> {
  return noEscape(async () => {
    const mine = alloc(Float64Array, 64).fill(id);
    for (let r = 0; r < rounds; r++) {
      await tick();
      // Nested sync and async regions on the task's buffer in between.
      noEscape(() => alloc(Float64Array, 16).fill(-id).length);
      await noEscape(async () => {
        const tmp = alloc(Int32Array, 8).fill(id * 100 + r);
        await tick();
        assert.ok(tmp.every((v) => v === id * 100 + r), `task ${id} temp overwritten`);
      });
      assert.ok(mine.every((v) => v === id), `task ${id} saw another task's writes`);
    }
    return id;
  });
}

describe("defaultBuffer", () => {
  it("defaultBuffer() is a lazily made SlabBuffer, the same each time in one task", () => {
    const b = defaultBuffer();
    assert.ok(b instanceof SlabBuffer);
    assert.equal(defaultBuffer(), b);
    noEscape(() => assert.equal(defaultBuffer(), b));
  });

  it("withBuffer() makes buf the default inside fn and restores the previous one after", () => {
    const outer = defaultBuffer();
    const a = new AllocBuffer(1024);
    const b = new AllocBuffer(1024);
    withBuffer(a, () => {
      assert.equal(defaultBuffer(), a);
      withBuffer(b, () => assert.equal(defaultBuffer(), b));
      assert.equal(defaultBuffer(), a);
    });
    assert.equal(defaultBuffer(), outer);
    assert.throws(() =>
      withBuffer(a, () => {
        throw new Error("boom");
      }), /boom/);
    assert.equal(defaultBuffer(), outer);
  });

  it("withBuffer() returns fn's value and keeps buf across await", async () => {
    const a = new AllocBuffer(1024);
    const r = await withBuffer(a, async () => {
      await tick();
      assert.equal(defaultBuffer(), a);
      return 5;
    });
    assert.equal(r, 5);
  });

  it("resetBuffer() resets the default buffer or the one given", () => {
    const a = new AllocBuffer(1024);
    withBuffer(a, () => {
      alloc(Float64Array, 4);
      resetBuffer();
    });
    assert.equal(a.used, 0);
    alloc(a, Float64Array, 4);
    resetBuffer(a);
    assert.equal(a.used, 0);
  });

  it("noEscape(async fn) gives each task its own default buffer", async () => {
    const root = defaultBuffer();
    const seen = await Promise.all(
      [1, 2, 3].map(() =>
        noEscape(async () => {
          const b = defaultBuffer();
          await tick();
          assert.equal(defaultBuffer(), b, "the same buffer across await");
          return b;
        })
      ),
    );
    assert.equal(new Set(seen).size, 3);
    assert.ok(!seen.includes(root));
    assert.equal(defaultBuffer(), root);
  });

  it("noEscape(async fn): ten concurrent tasks writing signatures never see each other's memory", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => i + 1);
    assert.deepEqual(await Promise.all(ids.map((id) => signatureTask(id, 5))), ids);
  });

  it("noEscape(async fn) returns task buffers' memory to a pool for reuse, reset", async () => {
    const first = await noEscape(async () => {
      await tick();
      const view = alloc(Float64Array, 4);
      return { memory: view.buffer, buffer: defaultBuffer() };
    });
    const second = await noEscape(async () => {
      await tick();
      const buf = defaultBuffer() as Allocator & { used: number };
      assert.equal(buf.used, 0, "reset before reuse");
      const view = alloc(Float64Array, 4);
      return { memory: view.buffer, buffer: buf, offset: view.byteOffset };
    });
    assert.equal(second.memory, first.memory, "the same memory, reused");
    assert.equal(second.offset, 0);
    assert.notEqual(second.buffer, first.buffer, "each task has a handle of its own");
  });

  it("noEscape(async fn) on the default buffer throws EscapeError for an escaping resolved value, and frees it", async () => {
    let task: AutoscalingAllocBuffer | undefined;
    await assert.rejects(
      noEscape(async () => {
        await tick();
        task = defaultBuffer() as AutoscalingAllocBuffer;
        return alloc(Float64Array, 4).fill(1);
      }),
      (e: unknown) =>
        e instanceof EscapeError &&
        /^Cannot return from noEscape: the result is a Float64Array of 4 elements/.test(e.message),
    );
    assert.ok(task !== undefined && task !== defaultBuffer(), "the region ran on a task buffer");
    await assert.rejects(
      noEscape(async () => {
        await tick();
        return { data: alloc(Int32Array, 2), shape: [2] };
      }),
      (e: unknown) =>
        e instanceof EscapeError &&
        /^Cannot return from noEscape: the result's data is an Int32Array of 2 elements/.test(
          e.message,
        ),
    );
    // A copy is not an escape; the task buffer went back to the pool empty (the next task gets
    // its memory through a handle of its own).
    const copy = await noEscape(async () => {
      await tick();
      assert.notEqual(defaultBuffer(), task, "a handle of its own");
      const mine = defaultBuffer() as AutoscalingAllocBuffer;
      assert.equal(mine.used, 0, "nothing of the refused regions stays allocated");
      return alloc(Float64Array, 3).fill(2).slice();
    });
    assert.deepEqual([...copy], [2, 2, 2]);
  });

  it("noEscape(async fn): 2000 concurrent tasks that allocate a little hold a little memory each, not a slab", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const buffers: AutoscalingAllocBuffer[] = [];
    const tasks = Array.from({ length: 2000 }, (_, id) =>
      noEscape(async () => {
        const mine = alloc(Float64Array, 8).fill(id);
        buffers.push(defaultBuffer() as AutoscalingAllocBuffer);
        await gate; // all 2000 are running at once
        return mine.every((v) => v === id);
      }));
    await tick();
    assert.equal(new Set(buffers).size, 2000);
    const held = buffers.reduce((n, b) => n + b.capacity, 0);
    assert.ok(held <= 2000 * 4096, `${held} bytes for 2000 tasks of 64 bytes`);
    release();
    assert.ok((await Promise.all(tasks)).every(Boolean));
  });

  it("noEscape(async fn): a task buffer grows to what its task allocates", async () => {
    const sizes = await noEscape(async () => {
      assert.match(String(defaultBuffer()), /^TaskBuffer\(AutoscalingAllocBuffer\(/);
      const before = (defaultBuffer() as AutoscalingAllocBuffer).capacity;
      const big = alloc(Float64Array, 200_000).fill(1); // 1.6 MB
      await tick();
      return [before, big.length, (defaultBuffer() as AutoscalingAllocBuffer).capacity];
    });
    assert.ok(sizes[0] <= 4096 * 2);
    assert.equal(sizes[1], 200_000);
    assert.ok(sizes[2] >= 1_600_000);
  });

  it("noEscape(async fn) inside withBuffer shares the chosen buffer, with interleaving checked", async () => {
    const shared = new AllocBuffer(1024);
    await withBuffer(shared, async () => {
      let release!: () => void;
      const a = noEscape(async () => {
        alloc(Float64Array, 1);
        await new Promise<void>((r) => (release = r));
      });
      const b = noEscape(async () => {
        assert.equal(defaultBuffer(), shared);
        alloc(Float64Array, 1);
        await tick();
      });
      await b; // B ends first: LIFO order, fine
      release();
      await a;
    });
    assert.equal(shared.used, 0);
  });

  it("noEscape(fn) where fn is a plain function returning a promise shares the default buffer", async () => {
    const root = defaultBuffer();
    const b = await noEscape(() => tick().then(() => defaultBuffer()));
    assert.equal(b, root);
  });

  // Browsers have no AsyncLocalStorage; the test hook makes Deno and Node behave the same (the
  // browser suite, tests/browser/, checks the same in Chromium).
  describe("without AsyncLocalStorage", () => {
    afterEach(() => setAsyncContextForTesting(true));

    it("noEscape(async fn) on the default buffer is refused before fn runs, saying what to do", () => {
      setAsyncContextForTesting(false);
      const root = defaultBuffer() as SlabBuffer;
      const used = root.used;
      let ran = false;
      assert.throws(
        () =>
          noEscape(async () => {
            ran = true;
            alloc(Float64Array, 4);
            await tick();
          }),
        (e: unknown) => {
          assert.ok(e instanceof AsyncScopeError);
          assert.match(
            e.message,
            /^Cannot run noEscape with an async function on the default buffer: this runtime has no AsyncLocalStorage \(browsers\), so the task's default buffer cannot follow it across await; give the task a buffer of its own, noEscape\(buf, async \(\) => …\) with alloc\(buf, …\)/,
          );
          return true;
        },
      );
      assert.equal(ran, false);
      assert.equal(root.used, used);
    });

    it("concurrent noEscape(async fn) tasks fail loudly and leave the default buffer as it was", () => {
      // The async-tasks example: 10 tasks, each allocating 30 Float64 from its default buffer.
      setAsyncContextForTesting(false);
      const root = defaultBuffer() as SlabBuffer;
      const before = root.used;
      const task = (id: number) =>
        noEscape(async () => {
          const mine = alloc(Float64Array, 30).fill(id);
          await tick();
          return mine.every((v) => v === id);
        });
      for (let id = 0; id < 10; id++) assert.throws(() => task(id), AsyncScopeError);
      assert.equal(root.used, before);
    });

    it("noEscape(buf, async fn) on an explicit buffer works across await", async () => {
      setAsyncContextForTesting(false);
      const buf = new AllocBuffer(1024);
      const tasks = [1, 2, 3].map((id) => {
        const own = new AllocBuffer(1024);
        return noEscape(own, async () => {
          const mine = alloc(own, Float64Array, 30).fill(id);
          await tick();
          return mine.every((v) => v === id) && own.used === 240;
        });
      });
      assert.deepEqual(await Promise.all(tasks), [true, true, true]);
      const total = await noEscape(buf, async () => {
        alloc(buf, Float64Array, 2);
        await tick();
        alloc(buf, Float64Array, 2);
        return buf.used;
      });
      assert.equal(total, 32);
      assert.equal(buf.used, 0);
    });

    it("withBuffer() refuses an async fn, or one returning a promise, and nests synchronously", () => {
      setAsyncContextForTesting(false);
      const buf = new AllocBuffer(1024);
      const root = defaultBuffer();
      assert.equal(withBuffer(buf, () => defaultBuffer()), buf);
      assert.equal(defaultBuffer(), root);
      assert.throws(() => withBuffer(buf, async () => {}), {
        name: "AsyncScopeError",
        message:
          /^Cannot run withBuffer with an async function: .* in a withBuffer call of its own/,
      });
      assert.throws(() => withBuffer(buf, () => Promise.resolve(1)), {
        name: "AsyncScopeError",
        message: /^Cannot run withBuffer with a function that returns a promise: /,
      });
      assert.equal(defaultBuffer(), root);
    });

    it("noEscape(fn) where fn returns a promise shares the default buffer, as with AsyncLocalStorage", async () => {
      setAsyncContextForTesting(false);
      const root = defaultBuffer();
      const b = await noEscape(() => tick().then(() => defaultBuffer()));
      assert.equal(b, root);
    });
  });
});

describe("setDefaultBufferWarning", () => {
  /** Runs `fn` with console.warn captured and the warning set to `bytes`; returns the warnings. */
  function warningsOf(bytes: number | false, fn: () => void): string[] {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
    const previous = setDefaultBufferWarning(bytes);
    resetBuffer();
    try {
      fn();
    } finally {
      console.warn = warn;
      setDefaultBufferWarning(previous);
      resetBuffer();
    }
    return warnings;
  }

  it("setDefaultBufferWarning() makes the default buffer warn once past the threshold outside regions", () => {
    const warnings = warningsOf(2 ** 21, () => {
      for (let i = 0; i < 200; i++) alloc(Float64Array, 1000); // 1.6 MB: no warning yet
    });
    assert.deepEqual(warnings, []);
    const more = warningsOf(2 ** 21, () => {
      for (let i = 0; i < 2000; i++) alloc(Float64Array, 1000); // 16 MB, never freed
    });
    assert.equal(more.length, 1, "once, not once per slab");
    assert.match(
      more[0],
      /^allocarrays: the default buffer holds \d+ bytes allocated outside any region: .*resetBuffer\(\).*setDefaultBufferWarning\(false\)/,
    );
    const bytes = Number(/holds (\d+) bytes/.exec(more[0])![1]);
    assert.ok(bytes > 2 ** 21 && bytes <= 2 ** 21 + 2 ** 20, `${bytes} bytes`);
  });

  it("setDefaultBufferWarning(): allocations inside regions, however many, never warn", () => {
    const warnings = warningsOf(2 ** 20, () => {
      for (let k = 0; k < 3; k++) {
        noEscape(() => {
          for (let i = 0; i < 1000; i++) alloc(Float64Array, 1000); // 8 MB, freed on exit
        });
      }
      noEscape(async () => {}); // an async task's own buffer is freed when it settles
    });
    assert.deepEqual(warnings, []);
  });

  it("setDefaultBufferWarning(false) turns it off and returns the previous setting", () => {
    const previous = setDefaultBufferWarning(false);
    try {
      assert.equal(previous, 8 * 2 ** 20);
      assert.equal(setDefaultBufferWarning(1234), false);
    } finally {
      setDefaultBufferWarning(previous);
    }
    const warnings = warningsOf(false, () => {
      for (let i = 0; i < 2000; i++) alloc(Float64Array, 1000);
    });
    assert.deepEqual(warnings, []);
  });

  it("setDefaultBufferWarning(): buffers you create never warn, also as the default in withBuffer", () => {
    const warnings = warningsOf(0, () => {
      const mine = new SlabBuffer(1024);
      withBuffer(mine, () => {
        for (let i = 0; i < 100; i++) alloc(Float64Array, 1000);
      });
      for (let i = 0; i < 100; i++) alloc(mine, Float64Array, 1000);
    });
    assert.deepEqual(warnings, []);
  });

  it("setDefaultBufferWarning() refuses anything but a byte count or false, changing nothing", () => {
    const before = setDefaultBufferWarning(4096);
    try {
      assert.throws(() => setDefaultBufferWarning("8" as unknown as number), {
        name: "TypeError",
        message: 'Cannot set the default buffer warning: bytes must be a number or false, got "8"',
      });
      assert.throws(() => setDefaultBufferWarning(true as unknown as false), TypeError);
      assert.throws(() => setDefaultBufferWarning(-1), {
        name: "RangeError",
        message:
          /^Cannot set the default buffer warning: bytes must be a non-negative safe integer, got -1/,
      });
      assert.throws(() => setDefaultBufferWarning(1.5), RangeError);
      assert.equal(setDefaultBufferWarning(4096), 4096);
    } finally {
      setDefaultBufferWarning(before);
    }
  });
});
