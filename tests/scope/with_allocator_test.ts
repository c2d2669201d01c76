import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AsyncScopeError, DefaultAllocator, defaultBuffer } from "../../allocators/mod.ts";
import {
  Frame,
  runInFrame,
  setAsyncContextForTesting,
  TaskSlot,
} from "../../_internal/async_context.ts";
import { AllocArray, similar } from "../../arrays/mod.ts";
import { asyncScopesSupported, currentAllocator, withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("withAllocator", () => {
  it("currentAllocator() outside any scope is the shared DefaultAllocator", () => {
    assert.equal(currentAllocator(), DefaultAllocator.shared);
    assert.ok(currentAllocator() instanceof DefaultAllocator);
  });

  it("withAllocator() makes the allocator current inside fn and returns fn's value", () => {
    const bump = new TestBump(64);
    const r = withAllocator(bump, () => {
      assert.equal(currentAllocator(), bump);
      return 42;
    });
    assert.equal(r, 42);
    assert.equal(currentAllocator(), DefaultAllocator.shared);
  });

  it("withAllocator() nests and restores the outer allocator", () => {
    const outer = new TestBump(64), inner = new TestBump(64);
    withAllocator(outer, () => {
      withAllocator(inner, () => assert.equal(currentAllocator(), inner));
      assert.equal(currentAllocator(), outer);
    });
    assert.equal(currentAllocator(), DefaultAllocator.shared);
  });

  it("withAllocator() restores the previous allocator when fn throws", () => {
    const outer = new TestBump(64), inner = new TestBump(64);
    withAllocator(outer, () => {
      assert.throws(
        () =>
          withAllocator(inner, () => {
            throw new Error("boom");
          }),
        /boom/,
      );
      assert.equal(currentAllocator(), outer);
    });
  });

  it("withAllocator() keeps the allocator across await and in promises started inside", async () => {
    const bump = new TestBump(1024);
    const a = new AllocArray(new Float64Array(4));
    let later: Promise<unknown> | undefined;
    const r = await withAllocator(bump, async () => {
      await tick(1);
      later = tick(2).then(() => currentAllocator());
      await Promise.resolve();
      return similar(a);
    });
    assert.equal(r.data.buffer, bump.buf);
    assert.equal(await later, bump);
    assert.equal(currentAllocator(), DefaultAllocator.shared);
  });

  it("withAllocator() rejections restore the allocator and propagate", async () => {
    const bump = new TestBump(64);
    await assert.rejects(
      withAllocator(bump, async () => {
        await tick();
        throw new RangeError("late");
      }),
      RangeError,
    );
    assert.equal(currentAllocator(), DefaultAllocator.shared);
  });

  it("withAllocator() isolates 100 concurrent tasks with different allocators", async () => {
    const a = new AllocArray(new Float64Array(8));
    const bumps = Array.from({ length: 100 }, () => new TestBump(8 * 8 * 10));
    const seen = await Promise.all(bumps.map((bump, i) =>
      withAllocator(bump, async () => {
        const got: boolean[] = [];
        for (let k = 0; k < 5; k++) {
          await tick(i % 3);
          got.push(currentAllocator() === bump && similar(a).data.buffer === bump.buf);
        }
        return got.every(Boolean);
      })
    ));
    assert.deepEqual(seen, new Array(100).fill(true));
    assert.ok(bumps.every((b) => b.allocations === 5));
  });

  it("withAllocator() scopes share the task's default buffer, even one created lazily inside", () => {
    // A task whose default buffer does not exist yet.
    runInFrame(new Frame(undefined, new TaskSlot(undefined, false)), () => {
      const bump = new TestBump(64);
      const first = withAllocator(bump, () => defaultBuffer());
      const second = withAllocator(bump, () => withAllocator(bump, () => defaultBuffer()));
      assert.equal(first, second);
      assert.equal(defaultBuffer(), first);
    }, "a test task");
  });

  it("withAllocator() accepts any Allocator, including the DefaultAllocator", () => {
    const heap = new DefaultAllocator();
    withAllocator(heap, () => assert.equal(currentAllocator(), heap));
  });

  it("withAllocator() rejects non-allocators and non-functions with a TypeError naming them", () => {
    assert.throws(() => withAllocator({ allocPtr() {} } as never, () => 1), {
      name: "TypeError",
      message: /Cannot enter an allocator scope: expected an Allocator .* got an? Object/,
    });
    assert.throws(() => withAllocator(null as never, () => 1), /got null/);
    assert.throws(() => withAllocator(new Float64Array(1) as never, () => 1), /got a Float64Array/);
    assert.throws(() => withAllocator(new TestBump(8), 5 as never), {
      name: "TypeError",
      message: /expected a function to run, got 5/,
    });
    assert.equal(currentAllocator(), DefaultAllocator.shared);
  });

  it("asyncScopesSupported() is true where AsyncLocalStorage exists (Deno, Node)", () => {
    assert.equal(asyncScopesSupported(), true);
  });

  // Browsers have no AsyncLocalStorage; the test hook makes Deno and Node behave the same (the
  // browser suite, tests/browser/, checks the same in Chromium).
  describe("without AsyncLocalStorage", () => {
    afterEach(() => setAsyncContextForTesting(true));

    it("asyncScopesSupported() is false without AsyncLocalStorage", () => {
      setAsyncContextForTesting(false);
      assert.equal(asyncScopesSupported(), false);
    });

    it("withAllocator() with a synchronous fn nests and restores as usual", () => {
      setAsyncContextForTesting(false);
      const outer = new TestBump(64), inner = new TestBump(64);
      withAllocator(outer, () => {
        withAllocator(inner, () => assert.equal(currentAllocator(), inner));
        assert.equal(currentAllocator(), outer);
        assert.throws(() =>
          withAllocator(inner, () => {
            throw new Error("x");
          })
        );
        assert.equal(currentAllocator(), outer);
      });
      assert.equal(currentAllocator(), DefaultAllocator.shared);
    });

    it("withAllocator() refuses an async fn before running it, saying what to do", () => {
      setAsyncContextForTesting(false);
      let ran = false;
      assert.throws(
        () =>
          withAllocator(new TestBump(64), async () => {
            ran = true;
            await tick();
          }),
        (e: unknown) => {
          assert.ok(e instanceof AsyncScopeError);
          assert.match(
            e.message,
            /^Cannot run withAllocator with an async function: this runtime has no AsyncLocalStorage \(browsers\), so the scope would end at the function's first await .*; wrap each stretch of code between two awaits in a withAllocator call of its own \(asyncScopesSupported\(\) tells/,
          );
          return true;
        },
      );
      assert.equal(ran, false);
      assert.equal(currentAllocator(), DefaultAllocator.shared);
    });

    it("withAllocator() refuses a fn that returns a promise as soon as it returns", async () => {
      setAsyncContextForTesting(false);
      const bump = new TestBump(64);
      let inside: unknown, afterAwait: unknown;
      let work: Promise<void> | undefined;
      assert.throws(
        () =>
          withAllocator(bump, () => {
            inside = currentAllocator();
            work = tick().then(() => void (afterAwait = currentAllocator()));
            return work;
          }),
        {
          name: "AsyncScopeError",
          message:
            /^Cannot run withAllocator with a function that returns a promise: .* the code after its first await runs outside it/,
        },
      );
      assert.equal(inside, bump);
      assert.equal(currentAllocator(), DefaultAllocator.shared);
      await work;
      assert.equal(afterAwait, DefaultAllocator.shared, "what the error warned of");
    });

    it("withAllocator() in steps between awaits works without AsyncLocalStorage", async () => {
      setAsyncContextForTesting(false);
      const bump = new TestBump(1024);
      const a = AllocArray.from(new Float64Array(4));
      const first = withAllocator(bump, () => similar(a));
      await tick();
      const second = withAllocator(bump, () => similar(a));
      assert.equal(first.data.buffer, bump.buf);
      assert.equal(second.data.buffer, bump.buf);
      assert.equal(bump.allocations, 2);
    });
  });
});
