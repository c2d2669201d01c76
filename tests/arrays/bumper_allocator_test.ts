import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  AutoscalingAllocBuffer,
  CheckpointError,
  DefaultAllocator,
  noEscape,
  OutOfMemoryError,
  ResizeBuffer,
  SharedAllocBuffer,
  SlabBuffer,
} from "../../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  InvalidMemoryError,
  type MemoryValidity,
  type NDArray,
  reset,
  similar,
  UncheckedBumperAllocator,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

// AllocArrays.jl's functions, written with `similar` and small loops (element-wise operations are the
// operations module's job). They know nothing about allocators.
type Arr = NDArray<Float64Array>;

function someAllocatingFunction<A extends Arr>(a: A): { b: A; c: A } {
  const b = similar(a) as A;
  b.data.set(a.data);
  const c = similar(a) as A;
  c.data.set(a.data);
  return { b, c };
}

function sum(a: Arr): number {
  const d = a.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

function basicReduction(a: Arr): number {
  const { b, c } = someAllocatingFunction(a);
  const bc = similar(b); // b .+ c
  const x = bc.data, y = b.data, z = c.data;
  for (let i = 0; i < x.length; i++) x[i] = y[i] + z[i];
  return sum(bc);
}

/** `input .+ k` (allocating through similar). */
function plus(input: Arr, k: number): Arr {
  const out = similar(input);
  for (let i = 0; i < input.size; i++) out.data[i] = input.data[i] + k;
  return out;
}

const ones = (n: number) => new Float64Array(n).fill(1);
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("BumperAllocator", () => {
  it("basicReduction(AllocArray(ones(1000))) is 2000 under every allocator, b and c AllocArrays from it", () => {
    const allocators: [string, Allocator][] = [
      ["DefaultAllocator", DefaultAllocator.shared],
      ["BumperAllocator()", new BumperAllocator()],
      ["BumperAllocator(n)", new BumperAllocator(2 ** 16)],
      ["BumperAllocator(SlabBuffer)", new BumperAllocator(new SlabBuffer())],
      ["UncheckedBumperAllocator()", new UncheckedBumperAllocator()],
      [
        "UncheckedBumperAllocator(AllocBuffer)",
        new UncheckedBumperAllocator(new AllocBuffer(2 ** 16)),
      ],
      ["AllocBuffer", new AllocBuffer(2 ** 16)],
      ["SlabBuffer", new SlabBuffer()],
      ["ResizeBuffer", new ResizeBuffer()],
      ["AutoscalingAllocBuffer (growing)", new AutoscalingAllocBuffer(1024)],
      ["user-written TestBump", new TestBump(2 ** 16)],
    ];
    const a = AllocArray.from(ones(1000));
    for (const [name, allocator] of allocators) {
      const { b, c, total } = withAllocator(allocator, () => {
        const { b, c } = someAllocatingFunction(a);
        return { b, c, total: basicReduction(a) };
      });
      assert.equal(total, 2000, name);
      assert.ok(b instanceof AllocArray && c instanceof AllocArray, name);
      const bump = allocator !== DefaultAllocator.shared;
      assert.equal(b.data.buffer === c.data.buffer, bump, `${name}: b and c share the arena`);
      reset(allocator);
    }
  });

  it("BumperAllocator(AllocBuffer(2^24)) serves 10 concurrent tasks: AllocArrays.jl's example gives 225", async () => {
    const b = new BumperAllocator(new AllocBuffer(2 ** 24));
    const input = AllocArray.from(new Float64Array([1, 2, 3]));
    const c: number[] = [];
    await withAllocator(b, async () => {
      await Promise.all(Array.from({ length: 10 }, async (_, k) => {
        const i = k + 1;
        const y = plus(input, i);
        await tick(10 - k); // other tasks allocate meanwhile
        c.push(sum(y));
      }));
      reset(b); // outside the concurrent part
    });
    assert.equal(c.reduce((s, v) => s + v), 225);
    assert.equal((b.buffer as AllocBuffer).used, 0);
  });

  it("BumperAllocator gives interleaved async tasks disjoint memory (no lock needed)", async () => {
    const b = new BumperAllocator(new AllocBuffer(2 ** 20));
    const input = new CheckedAllocArray(new Float64Array(16));
    const ok = await withAllocator(
      b,
      () =>
        Promise.all(Array.from({ length: 100 }, async (_, k) => {
          const y = similar(input).fill(k);
          await tick(k % 4);
          const z = similar(input).fill(-k);
          await tick(k % 3);
          return [...y].every((v) => v === k) && [...z].every((v) => v === -k);
        })),
    );
    assert.ok(ok.every(Boolean));
    assert.equal(b.tracked, 200);
    reset(b);
    assert.equal(b.tracked, 0);
  });

  it("UncheckedBumperAllocator: AllocArrays.jl's example sum(input .* 2) then reset gives 12", () => {
    const input = AllocArray.from(new Float64Array([1, 2, 3]));
    const b = new UncheckedBumperAllocator(new AllocBuffer(2 ** 24));
    const total = withAllocator(b, () => {
      const doubled = similar(input);
      for (let i = 0; i < input.size; i++) doubled.data[i] = input.data[i] * 2;
      const ret = sum(doubled);
      reset(b);
      return ret;
    });
    assert.equal(total, 12);
  });

  it("BumperAllocator constructor takes a buffer, a size or nothing", () => {
    assert.ok(new BumperAllocator().buffer instanceof AutoscalingAllocBuffer);
    const sized = new BumperAllocator(4096).buffer;
    assert.ok(sized instanceof AllocBuffer && sized.capacity === 4096);
    const buf = new SlabBuffer();
    assert.equal(new BumperAllocator(buf).buffer, buf);
    const user = new TestBump(64);
    assert.equal(new UncheckedBumperAllocator(user).buffer, user);
  });

  it("BumperAllocator and UncheckedBumperAllocator constructors reject wrong types and sizes", () => {
    for (const C of [BumperAllocator, UncheckedBumperAllocator]) {
      assert.throws(() => new C("1024" as never), {
        name: "TypeError",
        message: new RegExp(`Cannot create ${C.name}: expected an allocator .* got "1024"`),
      });
      assert.throws(() => new C({ allocPtr() {} } as never), TypeError);
      assert.throws(() => new C(null as never), TypeError);
      assert.throws(() => new C(-1), RangeError);
      assert.throws(() => new C(1.5), RangeError);
    }
  });

  it("BumperAllocator.allocView() validates its arguments at the boundary", () => {
    const b = new BumperAllocator(new TestBump(64));
    assert.throws(() => b.allocView(Array as never, 2), TypeError);
    assert.throws(() => b.allocView(Float64Array, -1), RangeError);
    assert.equal(b.allocView(Float64Array, 2).length, 2);
    assert.throws(() => b.allocView(Float64Array, 100), OutOfMemoryError);
  });

  it("BumperAllocator tracks its CheckedAllocArrays and prints the count like AllocArrays.jl", () => {
    const b = new BumperAllocator(1024);
    assert.equal(inspect(b), "BumperAllocator(AllocBuffer(used 0 of 1024 bytes, peak 0))");
    const input = new CheckedAllocArray(new Float64Array(4));
    withAllocator(b, () => similar(input));
    assert.equal(b.tracked, 1);
    assert.equal(
      inspect(b),
      "BumperAllocator(AllocBuffer(used 32 of 1024 bytes, peak 32)) (tracking 1 CheckedAllocArray memory location)",
    );
    withAllocator(b, () => similar(input));
    assert.match(inspect(b), /tracking 2 CheckedAllocArray memory locations\)$/);
    withAllocator(b, () => similar(AllocArray.from(new Float64Array(4))));
    assert.equal(b.tracked, 2, "plain AllocArrays are not tracked");
    reset(b);
    assert.equal(inspect(b), "BumperAllocator(AllocBuffer(used 0 of 1024 bytes, peak 96))");
    assert.equal(Object.prototype.toString.call(b), "[object BumperAllocator]");
  });

  it("UncheckedBumperAllocator prints its buffer", () => {
    assert.equal(
      inspect(new UncheckedBumperAllocator(64)),
      "UncheckedBumperAllocator(AllocBuffer(used 0 of 64 bytes, peak 0))",
    );
    assert.equal(
      String(new UncheckedBumperAllocator(new TestBump(8))),
      "UncheckedBumperAllocator(TestBump)",
    );
  });

  it("BumperAllocator regions (noEscape) invalidate only the CheckedAllocArrays made inside", () => {
    const b = new BumperAllocator(1 << 12);
    const input = new CheckedAllocArray(new Float64Array(4));
    let before!: CheckedAllocArray, inner!: CheckedAllocArray, after!: CheckedAllocArray;
    let innermost!: CheckedAllocArray;
    withAllocator(b, () => {
      before = similar(input);
      noEscape(b, () => {
        inner = similar(input);
        noEscape(b, () => {
          innermost = similar(input);
        });
        assert.equal(innermost.isValid, false);
        assert.equal(inner.isValid, true);
        after = similar(input); // in the outer region's generation again
      });
    });
    assert.ok(before.isValid);
    assert.ok(!inner.isValid && !after.isValid);
    assert.equal(b.tracked, 1);
    assert.equal((b.buffer as AllocBuffer).used, 32);
  });

  it("BumperAllocator.checkpointRestore() rejects stale, restored and foreign checkpoints, changing nothing", () => {
    const buf = new AllocBuffer(1024);
    const b = new BumperAllocator(buf);
    const outer = b.checkpointSave();
    const inner = b.checkpointSave();
    const v = b.trackChecked();
    b.allocPtr(64, 8);
    b.checkpointRestore(outer);
    assert.equal(v.valid, false);
    assert.throws(() => b.checkpointRestore(inner), CheckpointError);
    assert.throws(() => b.checkpointRestore(outer), CheckpointError);
    const other = new BumperAllocator(1024);
    const live = b.checkpointSave();
    const v2 = b.trackChecked();
    b.allocPtr(16, 8);
    assert.throws(() => b.checkpointRestore(other.checkpointSave()), CheckpointError);
    assert.throws(() => b.checkpointRestore("cp" as never), TypeError);
    assert.ok(v2.valid);
    assert.equal(buf.used, 16);
    b.checkpointRestore(live);
    assert.ok(!v2.valid);
    assert.equal(buf.used, 0);
  });

  it("BumperAllocator.resetBuffer() invalidates every checkpoint", () => {
    const b = new BumperAllocator(1024);
    const cp = b.checkpointSave();
    reset(b);
    assert.throws(() => b.checkpointRestore(cp), CheckpointError);
  });

  it("BumperAllocator reset while a checkpoint is open invalidates what it handed out; the region's end is stale and frees nothing allocated after the reset", () => {
    const buf = new AllocBuffer(1024);
    const b = new BumperAllocator(buf);
    const input = new CheckedAllocArray(new Float64Array(4));
    let outer!: CheckedAllocArray, inner!: CheckedAllocArray, after!: CheckedAllocArray;
    withAllocator(b, () => {
      outer = similar(input);
      assert.throws(
        () =>
          noEscape(b, () => {
            inner = similar(input);
            reset(b);
            after = similar(input);
            return 1;
          }),
        (e: unknown) => e instanceof CheckpointError && /it is stale/.test(e.message),
      );
    });
    assert.ok(!outer.isValid && !inner.isValid, "arrays from before the reset are invalid");
    assert.throws(() => inner.get(0), InvalidMemoryError);
    assert.ok(after.isValid, "the array made after the reset is live");
    assert.equal(b.tracked, 1);
    assert.equal(buf.used, 32, "the stale region end freed nothing");
    // A raw checkpoint saved before a reset is refused too, changing nothing.
    const cp = b.checkpointSave();
    const v = b.trackChecked();
    b.allocPtr(16, 8);
    reset(b);
    const w = b.trackChecked();
    b.allocPtr(8, 8);
    assert.throws(() => b.checkpointRestore(cp), CheckpointError);
    assert.ok(!v.valid && w.valid);
    assert.equal(buf.used, 8);
  });

  it("BumperAllocator.allocatedSince() forwards the escape check so regions catch escapes", () => {
    const b = new BumperAllocator(1024);
    const cp = b.checkpointSave();
    const v = b.allocView(Float64Array, 2);
    assert.ok(b.allocatedSince(cp, v));
    assert.ok(!b.allocatedSince(cp, new Float64Array(2)));
    b.checkpointRestore(cp);
    assert.ok(!b.allocatedSince(cp, v), "a restored checkpoint is not live");
    const unchecked = new UncheckedBumperAllocator(new TestBump(64));
    assert.equal(unchecked.allocatedSince(unchecked.checkpointSave(), v), false);
  });

  it("reset() resets any allocator and rejects non-allocators", () => {
    const buf = new AllocBuffer(64);
    buf.allocPtr(8, 8);
    reset(buf);
    assert.equal(buf.used, 0);
    assert.throws(() => reset({} as never), {
      name: "TypeError",
      message: /Cannot reset: expected an allocator, got an? Object/,
    });
    for (const bad of [null, undefined, 42, "buf", () => {}, { resetBuffer() {} }]) {
      assert.throws(() => reset(bad as never), {
        name: "TypeError",
        message: /^Cannot reset: expected an allocator, got /,
      });
    }
  });

  it("reset() of each built-in allocator does what its resetBuffer() does: frees, makes checkpoints stale, invalidates checked arrays", () => {
    class SubAllocBuffer extends AllocBuffer {}
    const kinds: [string, () => Allocator][] = [
      ["AllocBuffer", () => new AllocBuffer(1024)],
      ["AllocBuffer (poison)", () => new AllocBuffer(1024, { poison: true })],
      ["AutoscalingAllocBuffer", () => new AutoscalingAllocBuffer(1024)],
      ["AutoscalingAllocBuffer (poison)", () => new AutoscalingAllocBuffer(1024, { poison: true })],
      ["SlabBuffer", () => new SlabBuffer(1024)],
      ["ResizeBuffer", () => new ResizeBuffer(1024)],
      ["an AllocBuffer subclass", () => new SubAllocBuffer(1024)],
      ["BumperAllocator(AllocBuffer)", () => new BumperAllocator(new AllocBuffer(1024))],
      ["BumperAllocator()", () => new BumperAllocator()],
      ["BumperAllocator(SlabBuffer)", () => new BumperAllocator(new SlabBuffer(1024))],
      [
        "BumperAllocator(SharedAllocBuffer)",
        () => new BumperAllocator(new SharedAllocBuffer(1024)),
      ],
      ["BumperAllocator(user-written)", () => new BumperAllocator(new TestBump(1024))],
      ["UncheckedBumperAllocator(AllocBuffer)", () => new UncheckedBumperAllocator(1024)],
    ];
    for (const [name, make] of kinds) {
      for (const how of ["reset", "resetBuffer"] as const) {
        const a = make();
        const stale = a.checkpointSave();
        const first = a.allocPtr(8, 8);
        const checked = a instanceof BumperAllocator
          ? withAllocator(a, () => similar(new CheckedAllocArray(new Float64Array(2))))
          : undefined;
        a.allocPtr(100, 8);
        if (how === "reset") reset(a);
        else a.resetBuffer();
        const again = a.allocPtr(8, 8);
        assert.equal(again.byteOffset, first.byteOffset, `${name}, ${how}: freed`);
        assert.throws(() => a.checkpointRestore(stale), CheckpointError, `${name}, ${how}`);
        if (checked !== undefined) assert.equal(checked.isValid, false, `${name}, ${how}`);
      }
    }
  });

  it("reset() keeps each buffer's peak and records the run as resetBuffer() does", () => {
    for (const how of ["reset", "resetBuffer"] as const) {
      const free = (a: Allocator) => how === "reset" ? reset(a) : a.resetBuffer();
      const buf = new AllocBuffer(1024);
      buf.allocPtr(600, 8);
      free(buf);
      buf.allocPtr(100, 8);
      free(buf);
      assert.equal(buf.peak, 600, how);
      // A steady run, its peak read halfway, then a smaller run: the history holds each run's
      // own usage.
      const auto = new AutoscalingAllocBuffer(1000, { maxHistorySize: 2 });
      const b = new BumperAllocator(auto);
      for (let run = 0; run < 3; run++) {
        b.allocPtr(400, 8);
        assert.equal(auto.peak, 400, how);
        free(b);
      }
      b.allocPtr(40, 8);
      free(b);
      assert.deepEqual(auto.history, [400, 40], how);
      assert.equal(auto.peak, 400, how);
    }
  });

  it("reset() of a user-written allocator calls its resetBuffer(), and of a subclass its override", () => {
    const mine = new TestBump(64);
    mine.allocPtr(8, 8);
    reset(mine);
    assert.equal(mine.allocPtr(8, 8).byteOffset, 0);
    let calls = 0;
    class Counting extends AllocBuffer {
      override resetBuffer(): void {
        calls++;
        super.resetBuffer();
      }
    }
    const counting = new Counting(64);
    counting.allocPtr(8, 8);
    reset(counting);
    reset(new BumperAllocator(counting));
    assert.equal(calls, 2);
    assert.equal(counting.used, 0);
  });
});

describe("AllocArrays.jl's improper usage with CheckedAllocArray", () => {
  it("allowing escapes: bad_function_1 throws InvalidMemoryError; good_function_1 copies out", () => {
    const a = new CheckedAllocArray(ones(1000));
    function badFunction1(a: CheckedAllocArray<Float64Array>): number {
      const b = new BumperAllocator(2 ** 23);
      const output: Arr[] = [];
      withAllocator(b, () => {
        const result = someAllocatingFunction(a);
        output.push(result.b); // wrong! `b` escapes the reset
        reset(b);
      });
      return sum(output[0]);
    }
    assert.throws(() => badFunction1(a), InvalidMemoryError);

    function goodFunction1(a: CheckedAllocArray<Float64Array>): number {
      const b = new BumperAllocator(2 ** 23);
      const output = similar(a); // outside withAllocator: heap memory
      withAllocator(b, () => {
        noEscape(b, () => {
          const result = someAllocatingFunction(a);
          output.data.set(result.b.data); // OK: copied into heap memory
        });
      });
      return sum(output);
    }
    assert.equal(goodFunction1(a), 1000);
  });

  it("allowing escapes with a plain AllocArray silently reads reused memory (why checking matters)", () => {
    const a = AllocArray.from(ones(4));
    const b = new UncheckedBumperAllocator(1024);
    const escaped = withAllocator(b, () => {
      const result = someAllocatingFunction(a);
      reset(b);
      return result.b;
    });
    withAllocator(b, () => similar(a).fill(7)); // reuses the freed memory
    assert.deepEqual([...escaped], [7, 7, 7, 7], "no error, wrong data");
  });

  it("resetting a buffer in active use: bad_function_2 throws; good_function_2 and 2b give 20000", async () => {
    const a = new CheckedAllocArray(ones(1000));
    async function asyncBasicReduction(a: Arr, k: number): Promise<number> {
      const { b, c } = someAllocatingFunction(a);
      await tick(k); // the other tasks run meanwhile
      const bc = similar(b);
      for (let i = 0; i < bc.size; i++) bc.data[i] = b.data[i] + c.data[i];
      return sum(bc);
    }

    async function badFunction2(a: Arr): Promise<number> {
      const b = new BumperAllocator(2 ** 23);
      const output: number[] = [];
      await withAllocator(b, () =>
        Promise.all(Array.from({ length: 10 }, async (_, k) => {
          output.push(await asyncBasicReduction(a, k));
          reset(b); // wrong! the other tasks still use b's memory
        })));
      return output.reduce((s, v) => s + v);
    }
    await assert.rejects(badFunction2(a), InvalidMemoryError);

    async function goodFunction2(a: Arr): Promise<number> {
      const b = new BumperAllocator(2 ** 23);
      const output = await withAllocator(b, async () => {
        const out = await Promise.all(
          Array.from({ length: 10 }, (_, k) => asyncBasicReduction(a, k)),
        );
        reset(b); // OK: once the allocations are no longer needed
        return out;
      });
      return output.reduce((s, v) => s + v);
    }
    assert.equal(await goodFunction2(a), 20000);

    async function goodFunction2b(a: Arr): Promise<number> {
      const b = new BumperAllocator(2 ** 23);
      const output: number[] = [];
      await withAllocator(b, async () => {
        for (let k = 0; k < 10; k++) {
          output.push(await asyncBasicReduction(a, 0));
          reset(b); // OK: serial, nothing else uses the memory
        }
      });
      return output.reduce((s, v) => s + v);
    }
    assert.equal(await goodFunction2b(a), 20000);
  });

  it("neglecting to reset: bad_function_3 runs out of memory; resetting each round works", () => {
    const a = new CheckedAllocArray(ones(1000)); // 8000 bytes per array, 3 per round
    function badFunction3(a: Arr, n: number): number {
      const b = new BumperAllocator(new AllocBuffer(2 ** 17)); // 128 KiB: 5 rounds
      const output: number[] = [];
      withAllocator(b, () => {
        for (let i = 0; i < n; i++) output.push(basicReduction(a)); // never reset
      });
      return output.reduce((s, v) => s + v);
    }
    assert.equal(badFunction3(a, 5), 10000);
    assert.throws(() => badFunction3(a, 100), OutOfMemoryError);

    function goodFunction3(a: Arr, n: number): number {
      const b = new BumperAllocator(new AllocBuffer(2 ** 17));
      const output: number[] = [];
      withAllocator(b, () => {
        for (let i = 0; i < n; i++) {
          output.push(basicReduction(a));
          reset(b);
        }
      });
      return output.reduce((s, v) => s + v);
    }
    assert.equal(goodFunction3(a, 100), 200000);
  });
});

// Issue 13 items 1, 5 and 18: allocators over one buffer share its checkpoints, its open
// regions and its checked arrays' validity, so none can free memory another still uses.
describe("allocators over one buffer", () => {
  // An async region on `older`, then one on `newer` over the same memory; the older one ends
  // first. It must not free the newer one's live array.
  async function interleave(older: Allocator, newer: Allocator, allocFrom: Allocator) {
    let releaseOld!: () => void;
    const oldDone = noEscape(older, async () => {
      alloc(older, Float64Array, 2).fill(1);
      await new Promise<void>((r) => (releaseOld = r));
    });
    let releaseNew!: () => void;
    let live!: Float64Array;
    const newDone = noEscape(newer, async () => {
      live = alloc(newer, Float64Array, 4).fill(7);
      await new Promise<void>((r) => (releaseNew = r));
      return live.reduce((s, v) => s + v);
    });
    releaseOld();
    await assert.rejects(oldDone, (e) => {
      assert.ok(e instanceof CheckpointError);
      assert.match(e.message, /a region opened after it on the same allocator/);
      return true;
    });
    // The newer region's array is still allocated: the next allocation lands after it.
    const next = alloc(allocFrom, Float64Array, 4).fill(9);
    assert.ok(next.byteOffset >= live.byteOffset + live.byteLength, "no overlap with live");
    assert.deepEqual([...live], [7, 7, 7, 7]);
    releaseNew();
    assert.equal(await newDone, 28);
  }

  it("an async region on new BumperAllocator(buf) cannot free a newer region's array on buf", async () => {
    const buf = new AllocBuffer(1024);
    const b = new BumperAllocator(buf);
    await interleave(b, buf, buf);
    assert.equal(buf.used, 16, "the older region's 16 bytes leak until a reset");
  });

  it("an async region on UncheckedBumperAllocator(buf) cannot free a newer region's array on buf", async () => {
    const buf = new SlabBuffer(1024);
    await interleave(new UncheckedBumperAllocator(buf), buf, buf);
  });

  it("two BumperAllocators over one buffer cannot free each other's arrays", async () => {
    const buf = new AutoscalingAllocBuffer(1024);
    const first = new BumperAllocator(buf), second = new BumperAllocator(buf);
    await interleave(first, second, second);
  });

  it("an async region on a BumperAllocator over a user allocator cannot free a newer one's array on that allocator", async () => {
    const buf = new TestBump(1024);
    await interleave(new BumperAllocator(buf), buf, buf);
  });

  it("BumperAllocator's CheckedAllocArrays are invalidated by resetBuffer() of the raw buffer", () => {
    const buf = new AllocBuffer(1024);
    const b = new BumperAllocator(buf);
    const input = new CheckedAllocArray(new Float64Array(4));
    const y = withAllocator(b, () => similar(input));
    buf.resetBuffer();
    assert.equal(y.isValid, false);
    assert.throws(() => y.get(0), InvalidMemoryError);
    assert.equal(b.tracked, 0);
  });

  it("BumperAllocator's CheckedAllocArrays are invalidated by the end of a noEscape region on the raw buffer", () => {
    const buf = new ResizeBuffer(1024);
    const b = new BumperAllocator(buf);
    const input = new CheckedAllocArray(new Float64Array(4));
    const outer = withAllocator(b, () => similar(input));
    let inner!: CheckedAllocArray<Float64Array>;
    noEscape(buf, () => {
      inner = withAllocator(b, () => similar(input));
      inner.fill(1);
    });
    assert.equal(inner.isValid, false, "freed by the raw region's end");
    assert.throws(() => inner.get(0), InvalidMemoryError);
    assert.equal(outer.isValid, true, "allocated before the region: still live");
    assert.equal(b.tracked, 1);
  });

  it("reset of a second BumperAllocator over the same buffer invalidates the first one's CheckedAllocArrays", () => {
    const buf = new SlabBuffer(4096);
    const first = new BumperAllocator(buf), second = new BumperAllocator(buf);
    const input = new CheckedAllocArray(new Float64Array(4));
    const y = withAllocator(first, () => similar(input));
    reset(second);
    assert.throws(() => y.get(0), InvalidMemoryError);
  });

  it("BumperAllocator.checkpointRestore() names the caller's checkpoint when the buffer's own is gone", () => {
    const shared = new SharedAllocBuffer(1024);
    const b = new BumperAllocator(shared);
    const cp = b.checkpointSave();
    b.allocPtr(8, 8);
    shared.resetBuffer(); // the buffer's checkpoint saved with `cp` is stale now
    assert.throws(() => b.checkpointRestore(cp), (e) => {
      assert.ok(e instanceof CheckpointError);
      assert.match(e.message, new RegExp(`^Cannot restore checkpoint ${cp} of SharedAllocBuffer`));
      assert.match(e.message, /the buffer itself was reset, or restored/);
      return true;
    });
  });

  it("BumperAllocator over a built-in buffer: its checkpoints are the buffer's own", () => {
    const buf = new AllocBuffer(1024);
    const b = new BumperAllocator(buf);
    const cp = b.checkpointSave();
    alloc(buf, Float64Array, 2);
    buf.checkpointRestore(cp as never); // restored through the buffer directly
    assert.equal(buf.used, 0);
    assert.throws(() => b.checkpointRestore(cp), /already restored/);
  });

  it("BumperAllocator: the CheckedAllocArrays of one region share one validity, which its end invalidates", () => {
    const b = new BumperAllocator(new AllocBuffer(1024));
    const input = new CheckedAllocArray(new Float64Array(2));
    noEscape(b, () => noEscape(b, () => {})); // no checked array: nothing to invalidate
    const [x, y] = withAllocator(b, () =>
      noEscape(b, () => {
        const x = similar(input), y = similar(input);
        return [x.validity, y.validity];
      }) as unknown as MemoryValidity[]);
    assert.equal(x, y, "arrays of one level share one validity");
    assert.equal(x.valid, false);
  });
});
