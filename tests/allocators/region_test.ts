import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  AllocBuffer,
  CheckpointError,
  defaultBuffer,
  EscapeError,
  noEscape,
  Region,
  region,
  SlabBuffer,
} from "../../allocators/mod.ts";
import {
  BumperAllocator,
  CheckedAllocArray,
  InvalidMemoryError,
  reset,
  similar,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { MyAllocBuffer } from "../../examples/my_alloc_buffer.ts";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("noEscape", () => {
  it("noEscape() returns fn's value and frees what fn allocated", () => {
    const buf = new AllocBuffer(1024);
    alloc(buf, Uint8Array, 5);
    const r = noEscape(buf, () => {
      alloc(buf, Float64Array, 10);
      return "done";
    });
    assert.equal(r, "done");
    assert.equal(buf.used, 5);
  });

  it("noEscape() regions nest, each freeing its own allocations", () => {
    const buf = new SlabBuffer(1024);
    noEscape(buf, () => {
      alloc(buf, Float64Array, 10);
      noEscape(buf, () => {
        alloc(buf, Uint8Array, 1000); // does not fit after 80 bytes: next slab
        noEscape(buf, () => alloc(buf, Uint8Array, 5000).length); // custom slab
        assert.equal(buf.customSlabCount, 0);
        assert.equal(buf.slabCount, 2);
      });
      assert.equal(buf.slabCount, 1);
      assert.equal(buf.used, 80);
    });
    assert.equal(buf.used, 0);
  });

  it("noEscape() frees the memory when fn throws, and rethrows", () => {
    const buf = new AllocBuffer(1024);
    const boom = new Error("boom");
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 10);
        throw boom;
      }), (e) => e === boom);
    assert.equal(buf.used, 0);
  });

  it("noEscape() with an async fn frees the memory when the promise resolves", async () => {
    const buf = new AllocBuffer(1024);
    const p = noEscape(buf, async () => {
      const y = alloc(buf, Float64Array, 10).fill(2);
      await tick();
      return y[9];
    });
    assert.equal(buf.used, 80, "still allocated while the body runs");
    assert.equal(await p, 2);
    assert.equal(buf.used, 0);
  });

  it("noEscape() with an async fn frees the memory when the promise rejects", async () => {
    const buf = new AllocBuffer(1024);
    await assert.rejects(
      noEscape(buf, async () => {
        alloc(buf, Float64Array, 10);
        await tick();
        throw new Error("late boom");
      }),
      /late boom/,
    );
    assert.equal(buf.used, 0);
  });

  it("noEscape() throws EscapeError for a returned view allocated inside, after freeing it", () => {
    const buf = new AllocBuffer(1024);
    assert.throws(
      () => noEscape(buf, () => alloc(buf, Float64Array, 30)),
      (e: unknown) =>
        e instanceof EscapeError && /the result is a Float64Array of 30 elements/.test(e.message),
    );
    assert.equal(buf.used, 0);
    assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 30).subarray(5)), EscapeError);
    assert.throws(
      () => noEscape(buf, () => new DataView(alloc(buf, Uint8Array, 16).buffer, 0, 16)),
      /the result is a DataView of 16 bytes/,
    );
    assert.equal(buf.used, 0);
  });

  it("noEscape() throws EscapeError for an object whose data was allocated inside (n-d arrays)", () => {
    const buf = new AllocBuffer(1024);
    assert.throws(
      () => noEscape(buf, () => ({ data: alloc(buf, Int32Array, 4), shape: [2, 2] })),
      /the result's data is an Int32Array of 4 elements/,
    );
    assert.equal(buf.used, 0);
  });

  it("noEscape() lets copies, outside views and plain objects through", () => {
    const buf = new AllocBuffer(1024);
    const outside = alloc(buf, Float64Array, 2);
    assert.equal(noEscape(buf, () => outside), outside);
    const copy = noEscape(buf, () => alloc(buf, Float64Array, 3).fill(1).slice());
    assert.deepEqual([...copy], [1, 1, 1]);
    assert.deepEqual(noEscape(buf, () => ({ sum: 3 })), { sum: 3 });
    assert.equal(noEscape(buf, () => null), null);
    assert.equal(buf.used, 16);
  });

  it("noEscape() with an async fn throws EscapeError for an escaping resolved value", async () => {
    const buf = new AllocBuffer(1024);
    await assert.rejects(
      noEscape(buf, async () => {
        await tick();
        return alloc(buf, Uint8Array, 8);
      }),
      EscapeError,
    );
    assert.equal(buf.used, 0);
  });

  it("noEscape() does not detect escapes on allocators without allocatedSince", () => {
    const buf = new MyAllocBuffer(1024);
    const y = noEscape(buf, () => alloc(buf, Float64Array, 3));
    assert.equal(y.length, 3);
    assert.equal(buf.offset, 0, "the memory is freed all the same");
  });

  it("noEscape() on one buffer: an async region ending before one opened after it throws and leaks", async () => {
    const buf = new AllocBuffer(1024);
    let releaseA!: () => void;
    let releaseB!: () => void;
    const a = noEscape(buf, async () => {
      alloc(buf, Float64Array, 1);
      await new Promise<void>((r) => (releaseA = r));
    });
    const b = noEscape(buf, async () => {
      const y = alloc(buf, Float64Array, 1).fill(42);
      await new Promise<void>((r) => (releaseB = r));
      return y[0];
    });
    assert.equal(buf.used, 16);
    releaseA();
    await assert.rejects(
      a,
      (e: unknown) =>
        e instanceof CheckpointError && /a region opened after it .* is still open/.test(e.message),
    );
    assert.equal(buf.used, 16, "A's memory is not freed: B still uses memory after it");
    releaseB();
    assert.equal(await b, 42);
    assert.equal(buf.used, 8, "B frees its own memory; A's stays leaked");
    buf.resetBuffer();
  });

  it("noEscape() on one buffer: async regions ending in LIFO order free everything", async () => {
    const buf = new AllocBuffer(1024);
    await noEscape(buf, async () => {
      alloc(buf, Float64Array, 1);
      await noEscape(buf, async () => {
        alloc(buf, Float64Array, 1);
        await tick();
        assert.equal(buf.used, 16);
      });
      assert.equal(buf.used, 8);
    });
    assert.equal(buf.used, 0);
  });

  it("noEscape() throws CheckpointError when a sync region ends while an async one it started is open", async () => {
    const buf = new AllocBuffer(1024);
    let release!: () => void;
    let inner: Promise<unknown> | undefined;
    assert.throws(
      () =>
        noEscape(buf, () => {
          inner = noEscape(buf, async () => {
            alloc(buf, Float64Array, 2);
            await new Promise<void>((r) => (release = r));
          });
          return 1;
        }),
      CheckpointError,
    );
    assert.equal(buf.used, 16, "nothing freed under the running async region");
    release();
    await inner;
    assert.equal(buf.used, 0, "the async region freed its own memory; the outer one's was none");
  });

  it("noEscape() throws CheckpointError when the buffer was reset inside the region", () => {
    const buf = new AllocBuffer(1024);
    assert.throws(
      () =>
        noEscape(buf, () => {
          alloc(buf, Float64Array, 2);
          buf.resetBuffer();
          alloc(buf, Float64Array, 1);
          return 0;
        }),
      /stale/,
    );
    assert.equal(buf.used, 8, "the buffer keeps its post-reset state");
  });
});

// Issue 13 items 2, 8, 17 and 18: what a region does whatever its body returns, and what work
// left running after an async task settles may do.
describe("noEscape: the end of a region", () => {
  // A buffer and a checkpoint saved before the region, to show that the region freed its bytes.
  function setup() {
    const buf = new AllocBuffer(1024);
    alloc(buf, Uint8Array, 3);
    return buf;
  }

  it("noEscape() restores when reading the result's then throws", () => {
    const buf = setup();
    const boom = new Error("then getter");
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 4);
        return {
          get then() {
            throw boom;
          },
        };
      }), (e) => e === boom);
    assert.equal(buf.used, 3);
  });

  it("noEscape() restores when reading the result's data throws", () => {
    const buf = setup();
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 4);
        return {
          get data(): never {
            throw new RangeError("data getter");
          },
        };
      }), /data getter/);
    assert.equal(buf.used, 3);
  });

  it("noEscape() restores when the result is a Proxy whose traps throw", () => {
    const buf = setup();
    const hostile = new Proxy({}, {
      get() {
        throw new TypeError("trap");
      },
      getPrototypeOf() {
        throw new TypeError("trap");
      },
    });
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 4);
        return hostile;
      }), /trap/);
    assert.equal(buf.used, 3);
  });

  it("noEscape() restores when the result is a stale CheckedAllocArray", () => {
    const buf = setup();
    const b = new BumperAllocator(new AllocBuffer(256));
    const input = new CheckedAllocArray(new Float64Array(2));
    const stale = withAllocator(b, () => similar(input));
    reset(b);
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 4);
        return stale;
      }), InvalidMemoryError);
    assert.equal(buf.used, 3);
  });

  it("noEscape() restores when the allocator's allocatedSince throws", () => {
    class Throwing extends MyAllocBuffer {
      allocatedSince(): boolean {
        throw new Error("allocatedSince");
      }
    }
    const buf = new Throwing(1024);
    assert.throws(() =>
      noEscape(buf, () => {
        alloc(buf, Float64Array, 4);
        return new Float64Array(1);
      }), /allocatedSince/);
    assert.equal(buf.offset, 0);
  });

  it("noEscape() with an async fn restores when reading the resolved value's data throws", async () => {
    const buf = setup();
    await assert.rejects(
      noEscape(buf, async () => {
        alloc(buf, Float64Array, 4);
        await tick();
        return {
          get data(): never {
            throw new RangeError("data getter");
          },
        };
      }),
      /data getter/,
    );
    assert.equal(buf.used, 3);
  });

  it("noEscape() refuses a generator function: TypeError, nothing allocated or leaked", () => {
    const buf = setup();
    function* gen() {
      yield alloc(buf, Float64Array, 4);
    }
    assert.throws(() => noEscape(buf, gen), (e) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot run noEscape: fn returned a generator, whose body would run after the region ended/,
      );
      return true;
    });
    assert.equal(buf.used, 3);
    assert.throws(() => noEscape(buf, () => gen()), /fn returned a generator/);
    assert.equal(buf.used, 3);
  });

  it("noEscape() refuses an async generator function, on a buffer and on the default buffer", () => {
    const buf = setup();
    async function* gen() {
      yield alloc(buf, Float64Array, 4);
    }
    assert.throws(() => noEscape(buf, gen), /fn returned an async generator/);
    assert.equal(buf.used, 3);
    const before = defaultBuffer().checkpointSave();
    assert.throws(() => noEscape(gen), /fn returned an async generator/);
    defaultBuffer().checkpointRestore(before); // live: the refused region restored in order
  });

  it("noEscape() does not report an empty view allocated inside as escaping", () => {
    const buf = setup();
    const empty = noEscape(buf, () => {
      alloc(buf, Float64Array, 2);
      return alloc(buf, Float64Array, 0);
    });
    assert.equal(empty.length, 0);
    assert.equal(buf.used, 3);
  });
});

describe("noEscape(async fn): work left running after the task settles", () => {
  it("work left running cannot allocate from the settled task's default buffer", async () => {
    let later!: Promise<unknown>;
    await noEscape(async () => {
      await tick();
      alloc(Float64Array, 4);
      later = (async () => {
        await tick();
        await tick();
        return alloc(Float64Array, 8); // after the task settled
      })();
      return 1;
    });
    await assert.rejects(later, (e) => {
      assert.ok(e instanceof ReferenceError);
      assert.match(
        e.message,
        /^Cannot allocate: this is the default buffer of a noEscape\(async\) task that has settled/,
      );
      return true;
    });
  });

  it("a settled task's buffer, kept in a variable, refuses allocations and regions", async () => {
    const kept = await noEscape(async () => {
      await tick();
      return defaultBuffer();
    });
    assert.throws(() => alloc(kept, Float64Array, 2), (e) => {
      assert.ok(e instanceof ReferenceError);
      assert.match(e.message, /^Cannot allocate: this is the default buffer/);
      return true;
    });
    assert.throws(
      () => noEscape(kept, () => 1),
      /Cannot open a region: this is the default buffer/,
    );
    assert.throws(() => kept.allocPtr(8, 8), ReferenceError);
    assert.throws(() => kept.resetBuffer(), /Cannot reset: /);
  });

  it("another task never gets the bytes that work left running by a settled task writes to", async () => {
    // The old task leaves a timer that would allocate and write; the next task, given the
    // pooled memory, must keep its values.
    let timer!: Promise<unknown>;
    await noEscape(async () => {
      await tick();
      timer = new Promise((resolve) =>
        setTimeout(() => {
          try {
            resolve(alloc(Float64Array, 4).fill(-1));
          } catch (e) {
            resolve(e);
          }
        }, 5)
      );
      return 0;
    });
    const values = await noEscape(async () => {
      const mine = alloc(Float64Array, 4).fill(42);
      await timer;
      return [...mine];
    });
    assert.deepEqual(values, [42, 42, 42, 42]);
    assert.ok((await timer) instanceof ReferenceError);
  });

  it("a task settling while a region on its buffer is still open leaves that buffer to the work", async () => {
    let release!: () => void;
    let inner!: Promise<number>;
    await noEscape(async () => {
      await tick();
      const buf = defaultBuffer();
      inner = noEscape(buf, async () => {
        const y = alloc(buf, Float64Array, 2).fill(3);
        await new Promise<void>((r) => (release = r));
        const z = alloc(buf, Float64Array, 2).fill(4); // still its own buffer: allowed
        return y[0] + z[1];
      });
      return 0;
    });
    const other = await noEscape(async () => {
      await tick();
      return alloc(Float64Array, 2).fill(5)[0];
    });
    release();
    assert.equal(await inner, 7);
    assert.equal(other, 5);
  });
});

describe("region", () => {
  it("region() frees its allocations at the end of a using block", () => {
    const buf = new AllocBuffer(1024);
    {
      using r = region(buf);
      const y = r.alloc(Float64Array, 3);
      y.set([2, 3, 4]);
      assert.equal(y[0] + y[1] + y[2], 9);
      alloc(buf, Uint8Array, 5);
      assert.equal(buf.used, 29);
      assert.equal(r.open, true);
    }
    assert.equal(buf.used, 0);
  });

  it("region() frees its allocations when the using block throws", () => {
    const buf = new AllocBuffer(1024);
    assert.throws(() => {
      using r = region(buf);
      r.alloc(Float64Array, 3);
      throw new Error("boom");
    }, /boom/);
    assert.equal(buf.used, 0);
  });

  it("new Region() of something that is not an allocator is a TypeError naming it", () => {
    for (const [bad, name] of [[{}, "an Object"], [undefined, "undefined"], [7, "7"]] as const) {
      assert.throws(
        () => new Region(bad as never),
        (e) =>
          e instanceof TypeError &&
          e.message.startsWith("Cannot open region: buf must be an allocator") &&
          e.message.endsWith(`got ${name}`),
      );
    }
    const buf = new AllocBuffer(64);
    const r = new Region(buf);
    alloc(buf, Float64Array, 2);
    r.close();
    assert.equal(buf.used, 0);
  });

  it("Region.close() is idempotent and Region.alloc() after it throws ReferenceError", () => {
    const buf = new AllocBuffer(1024);
    const r = region(buf);
    r.alloc(Uint8Array, 10);
    r.close();
    r.close();
    assert.equal(r.open, false);
    assert.equal(buf.used, 0);
    assert.throws(
      () => r.alloc(Uint8Array, 1),
      /Cannot allocate: the region of an AllocBuffer is closed/,
    );
    assert.equal(buf.used, 0);
  });

  it("region() without a buffer uses the default buffer", () => {
    const before = defaultBuffer().checkpointSave();
    const used = (defaultBuffer() as SlabBuffer).used;
    {
      using r = region();
      assert.equal(r.allocator, defaultBuffer());
      alloc(Float64Array, 100);
      assert.equal((defaultBuffer() as SlabBuffer).used, used + 800);
    }
    assert.equal((defaultBuffer() as SlabBuffer).used, used);
    defaultBuffer().checkpointRestore(before);
  });

  it("Region.close() out of order throws CheckpointError and frees nothing; the later one frees", () => {
    const buf = new AllocBuffer(1024);
    const a = region(buf);
    a.alloc(Float64Array, 1);
    const b = region(buf);
    b.alloc(Float64Array, 1);
    assert.throws(() => a.close(), CheckpointError);
    assert.equal(buf.used, 16);
    b.close();
    assert.equal(buf.used, 8);
  });
});
