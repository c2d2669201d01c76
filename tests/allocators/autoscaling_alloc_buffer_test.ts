import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import {
  alloc,
  AutoscalingAllocBuffer,
  CheckpointError,
  EscapeError,
  noEscape,
  OutOfMemoryError,
} from "../../allocators/mod.ts";

/**
 * Runs `fn` with the global `ArrayBuffer` refusing more than `limit` bytes as the runtime does
 * when memory runs out (a RangeError "Array buffer allocation failed").
 */
function withMemoryLimit<R>(limit: number, fn: () => R): R {
  const Real = globalThis.ArrayBuffer;
  globalThis.ArrayBuffer = new Proxy(Real, {
    construct(target, args, newTarget) {
      if ((args[0] as number) > limit) throw new RangeError("Array buffer allocation failed");
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    return fn();
  } finally {
    globalThis.ArrayBuffer = Real;
  }
}

describe("AutoscalingAllocBuffer", () => {
  it("AutoscalingAllocBuffer follows the upstream scenario: grow, fold on reset, shrink", () => {
    const b = new AutoscalingAllocBuffer(1000);
    assert.equal(b.capacity, 1000);
    assert.equal(b.used, 0);

    const m = alloc(b, Float32Array, 100, 100);
    assert.equal(m.length, 10_000);
    const n = 100 * 100 * 4;
    assert.equal(b.used, n);
    assert.ok(b.capacity > 2 * n);

    for (let i = 0; i < 200; i++) assert.equal(alloc(b, Float32Array, 100, 100).length, 10_000);
    assert.ok(b.capacity > 80 * n);
    assert.ok(b.used > 80 * n);
    assert.equal(b.used, 201 * n);
    assert.equal(b.additionalBuffers, 7);

    const used = b.used;
    b.resetBuffer();
    assert.equal(b.used, 0);
    assert.equal(b.additionalBuffers, 0);
    assert.equal(b.capacity, Math.ceil(1.1 * used));
    assert.ok(b.capacity > 80 * n);
    assert.equal(b.nextBufferSize, Math.ceil(Math.ceil(1.1 * used) / 4));

    for (let i = 0; i < 6; i++) {
      alloc(b, Float32Array, 100, 100);
      b.resetBuffer();
    }
    assert.ok(b.capacity < 2 * n, `capacity ${b.capacity} < ${2 * n}`);
    assert.equal(b.capacity, Math.ceil(1.1 * n));
  });

  it("AutoscalingAllocBuffer sizes additional buffers max(2·next, 2·request), newest first", () => {
    const b = new AutoscalingAllocBuffer(1000);
    assert.equal(b.nextBufferSize, 500);
    b.allocPtr(900, 1); // fits the main buffer
    assert.equal(b.additionalBuffers, 0);
    b.allocPtr(200, 1); // new buffer of max(1000, 400)
    assert.equal(b.capacity, 2000);
    assert.equal(b.nextBufferSize, 1000);
    b.allocPtr(5000, 1); // new buffer of max(2000, 10000)
    assert.equal(b.capacity, 12_000);
    const q = b.allocPtr(4900, 1); // newest first: the 10 000-byte buffer has 5000 left
    assert.equal(q.buffer.byteLength, 10_000);
    const p = b.allocPtr(700, 1); // only the older additional buffer has room (800 left)
    assert.equal(b.additionalBuffers, 2);
    assert.equal(p.buffer.byteLength, 1000, "fills the older buffer with room");
    assert.equal(p.byteOffset, 200);
    assert.equal(b.used, 900 + 200 + 5000 + 4900 + 700);
  });

  it("AutoscalingAllocBuffer.resetBuffer() keeps the main buffer while usage fits and is not tiny", () => {
    const b = new AutoscalingAllocBuffer(1000, { maxHistorySize: 3 });
    const main = b.allocPtr(600, 1).buffer;
    b.resetBuffer(); // history [1000, 600]: 1100 is not below 500
    assert.equal(b.capacity, 1000);
    assert.equal(b.allocPtr(8, 8).buffer, main, "the same main buffer is reused");
    assert.deepEqual(b.history, [1000, 600]);
    b.resetBuffer(); // [1000, 600, 8]
    b.resetBuffer(); // [600, 8, 0]: 660 is not below 500
    assert.equal(b.capacity, 1000);
    b.resetBuffer();
    assert.deepEqual(b.history, [8, 0, 0], "only the last maxHistorySize runs are kept");
    assert.equal(b.capacity, 9, "shrinks to ceil(1.1 · 8) once the large runs are forgotten");
  });

  it("AutoscalingAllocBuffer aligns allocations in every buffer", () => {
    const b = new AutoscalingAllocBuffer(10);
    b.allocPtr(3, 1);
    assert.equal(b.allocPtr(4, 4).byteOffset, 4);
    const x = b.allocPtr(5, 1); // overflows into a new 10-byte buffer
    assert.equal(x.byteOffset, 0);
    assert.equal(b.allocPtr(2, 2).byteOffset, 8, "main buffer, aligned");
    const y = b.allocPtr(2, 4); // main is full: the additional buffer, aligned from 5 to 8
    assert.equal(y.buffer, x.buffer);
    assert.equal(y.byteOffset, 8);
    const f = b.allocView(Float64Array, 3);
    assert.equal(f.byteOffset % 8, 0);
  });

  it("AutoscalingAllocBuffer checkpoints free later allocations, keeping grown buffers for reuse", () => {
    const b = new AutoscalingAllocBuffer(64);
    b.allocPtr(16, 8);
    const cp = b.checkpointSave();
    b.allocPtr(40, 8);
    const big = b.allocPtr(1000, 8);
    assert.equal(b.additionalBuffers, 1);
    b.checkpointRestore(cp);
    assert.equal(b.used, 16);
    assert.equal(b.additionalBuffers, 1);
    assert.equal(b.allocPtr(1000, 8).buffer, big.buffer, "the kept buffer is reused");
    assert.throws(() => b.checkpointRestore(cp), CheckpointError);
    assert.equal(b.used, 1016, "a failed restore changes nothing");
  });

  it("AutoscalingAllocBuffer reuses the buffers a restore emptied: overflowing regions make no garbage", () => {
    const b = new AutoscalingAllocBuffer(64);
    const seen = new Set<ArrayBufferLike>();
    for (let round = 0; round < 5; round++) {
      noEscape(b, () => {
        seen.add(alloc(b, Float64Array, 100).buffer); // overflows: max(64, 1600) bytes
        seen.add(alloc(b, Float64Array, 300).buffer); // overflows again: max(3200, 4800)
      });
    }
    assert.equal(seen.size, 2, "the same two additional buffers every round");
    assert.equal(b.additionalBuffers, 2);
    assert.equal(b.used, 0);
    assert.equal(b.capacity, 64 + 1600 + 4800);
    assert.equal(b.nextBufferSize, 32, "restored with the checkpoint");
  });

  it("AutoscalingAllocBuffer.resetBuffer() records the run's peak, not what a region left", () => {
    const b = new AutoscalingAllocBuffer(64);
    noEscape(b, () => alloc(b, Uint8Array, 1000).length);
    assert.equal(b.used, 0);
    b.resetBuffer();
    assert.deepEqual(b.history, [64, 1000]);
    assert.equal(b.capacity, 1100, "the main buffer holds the run's peak");
    assert.equal(b.additionalBuffers, 0);
  });

  it("AutoscalingAllocBuffer nested checkpoints restore additional buffers' offsets", () => {
    const b = new AutoscalingAllocBuffer(8);
    b.allocPtr(100, 1); // additional buffer A
    const outer = b.checkpointSave();
    b.allocPtr(50, 1); // in A
    const inner = b.checkpointSave();
    b.allocPtr(10_000, 1); // buffer B
    b.checkpointRestore(inner);
    assert.equal(b.used, 150);
    b.checkpointRestore(outer);
    assert.equal(b.used, 100);
    assert.throws(() => b.checkpointRestore(inner), CheckpointError);
  });

  it("AutoscalingAllocBuffer works with noEscape regions, including the escape check", () => {
    const b = new AutoscalingAllocBuffer(64);
    const total = noEscape(b, () => {
      const y = alloc(b, Float64Array, 100);
      y.fill(1);
      return y.reduce((s, v) => s + v);
    });
    assert.equal(total, 100);
    assert.equal(b.used, 0);
    assert.throws(() => noEscape(b, () => alloc(b, Float64Array, 100)), EscapeError);
    assert.throws(() => noEscape(b, () => alloc(b, Float64Array, 2)), EscapeError);
    assert.equal(b.used, 0);
  });

  it("AutoscalingAllocBuffer.allocatedSince() tells allocations before and after a checkpoint apart", () => {
    const b = new AutoscalingAllocBuffer(16);
    const mainBefore = b.allocView(Float64Array, 1);
    const extraBefore = b.allocView(Float64Array, 4);
    const cp = b.checkpointSave();
    const extraAfter = b.allocView(Float64Array, 1);
    const mainAfter = b.allocView(Uint8Array, 8);
    assert.ok(!b.allocatedSince(cp, mainBefore));
    assert.ok(!b.allocatedSince(cp, extraBefore));
    assert.ok(b.allocatedSince(cp, extraAfter));
    assert.ok(b.allocatedSince(cp, mainAfter));
    assert.ok(!b.allocatedSince(cp, new Float64Array(1)));
  });

  it("AutoscalingAllocBuffer reports peak, history and inspect strings", () => {
    const b = new AutoscalingAllocBuffer(1000);
    b.allocPtr(40_000, 8);
    assert.equal(
      inspect(b),
      "AutoscalingAllocBuffer(used 40000 of 81000 bytes, 1 additional buffer, peak 40000)",
    );
    b.resetBuffer();
    assert.equal(
      String(b),
      "AutoscalingAllocBuffer(used 0 of 44000 bytes, 0 additional buffers, peak 40000)",
    );
    assert.equal(b.peak, 40_000);
    assert.equal(b.mainCapacity, 44_000);
    assert.deepEqual(b.history, [1000, 40_000]);
    assert.equal(new AutoscalingAllocBuffer(8).maxHistorySize, 5);
    assert.equal(Object.prototype.toString.call(b), "[object AutoscalingAllocBuffer]");
  });

  it("AutoscalingAllocBuffer with regions that keep growing a little holds a few buffers, not one per region", () => {
    const b = new AutoscalingAllocBuffer(1024);
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      const n = 100_000 + 1000 * i; // bytes, each region a little more than the last
      largest = n;
      noEscape(b, () => alloc(b, Uint8Array, n).length);
      assert.ok(b.additionalBuffers <= 2, `${b.additionalBuffers} buffers after region ${i}`);
    }
    assert.equal(b.used, 0);
    // Held: the main buffer and at most four times the largest region (200 buffers, 267 times,
    // when every outgrown buffer was kept).
    assert.ok(b.capacity <= 1024 + 4 * largest, `capacity ${b.capacity}`);
    b.resetBuffer();
    assert.equal(b.additionalBuffers, 0);
  });

  it("AutoscalingAllocBuffer.resetBuffer() succeeds and frees the additional buffers when the runtime refuses the new main buffer", () => {
    const b = new AutoscalingAllocBuffer(1024);
    for (let i = 0; i < 3; i++) alloc(b, Uint8Array, 40_000);
    assert.ok(b.additionalBuffers > 0);
    withMemoryLimit(100_000, () => {
      assert.throws(() => new ArrayBuffer(132_000), /allocation failed/); // the limit holds
      b.resetBuffer(); // asks for ceil(1.1 × 120 000) = 132 000 bytes: refused
      assert.equal(b.used, 0);
      assert.equal(b.additionalBuffers, 0);
      assert.equal(b.capacity, 1024, "the old main buffer stays");
      alloc(b, Uint8Array, 20_000); // an additional buffer again
      b.resetBuffer(); // asks for at most 66 000 bytes now: given
      assert.equal(b.capacity, 66_000);
      for (let i = 0; i < 5; i++) {
        alloc(b, Uint8Array, 50_000); // more than the main buffer, every run
        b.resetBuffer(); // never asks for the refused size again
        assert.equal(b.capacity, 66_000);
      }
    });
    // Allocations beyond the main buffer still grow the buffer, and can still be refused.
    withMemoryLimit(1000, () => {
      assert.throws(() => alloc(b, Uint8Array, 100_000), OutOfMemoryError);
      assert.equal(b.used, 0);
    });
    assert.equal(alloc(b, Uint8Array, 100_000).length, 100_000);
  });

  it("AutoscalingAllocBuffer remembers maxHistorySize runs (O(1) per reset: benches/autoscaling_reset_bench.ts) and refuses more than 65 536", () => {
    const b = new AutoscalingAllocBuffer(64, { maxHistorySize: 65_536 });
    for (let i = 0; i < 66_000; i++) {
      b.allocPtr(i % 1000 === 0 ? 5000 : 10, 1);
      b.resetBuffer();
    }
    const history = b.history;
    assert.equal(history.length, 65_536);
    assert.equal(history[history.length - 1], 10);
    assert.equal(Math.max(...history), 5000);
    assert.throws(
      () => new AutoscalingAllocBuffer(64, { maxHistorySize: 65_537 }),
      (e) =>
        e instanceof RangeError &&
        /maxHistorySize must be from 1 to 65536, got 65537/.test(e.message),
    );
  });

  it("AutoscalingAllocBuffer defaults to a 1 MiB main buffer and reserves a given size up front", () => {
    const b = new AutoscalingAllocBuffer();
    assert.equal(b.capacity, 2 ** 20);
    assert.equal(b.nextBufferSize, 2 ** 19);
    assert.equal(new AutoscalingAllocBuffer(2 ** 27).capacity, 2 ** 27);
  });

  it("AutoscalingAllocBuffer() grows past its default size in the first run and settles at the first reset", () => {
    const b = new AutoscalingAllocBuffer();
    const run = () => {
      for (let i = 0; i < 10; i++) b.allocView(Float64Array, 50_000); // 4 MB in all
    };
    run();
    assert.ok(b.additionalBuffers > 0);
    b.resetBuffer();
    assert.equal(b.capacity, Math.ceil(1.1 * 4_000_000));
    run();
    assert.equal(b.additionalBuffers, 0);
    b.resetBuffer();
    assert.equal(b.capacity, Math.ceil(1.1 * 4_000_000));
  });
  it("AutoscalingAllocBuffer resets as documented, run after run, against a naive model (random runs, many repeated)", () => {
    // A run: allocations (bytes, multiples of 8), some inside a region, then a reset.
    const op = fc.oneof(
      fc.constantFrom(8, 240, 240, 240, 1000),
      fc.array(fc.constantFrom(8, 240, 4000), { minLength: 1, maxLength: 3 }),
    );
    const run = fc.array(op, { maxLength: 4 });
    // Runs, each repeated a few times (a workload that repeats one run settles the history).
    const runs = fc.array(fc.tuple(run, fc.integer({ min: 1, max: 8 })), { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.constantFrom(0, 64, 1024),
        fc.integer({ min: 1, max: 4 }),
        runs,
        (initial: number, maxHistorySize, program) => {
          const b = new AutoscalingAllocBuffer(initial, { maxHistorySize });
          // The model: the main buffer's size and offset, whether an allocation went past it
          // since the last reset, the bytes in use and their most since the last reset.
          let main: number = initial, offset = 0, grew = false, used = 0, runPeak = 0, peak = 0;
          let next = Math.ceil(initial / 2);
          const history: number[] = [initial];
          const allocate = (n: number) => {
            if (offset + n <= main) offset += n;
            else grew = true;
            used += n;
            runPeak = Math.max(runPeak, used);
            peak = Math.max(peak, used);
            b.allocPtr(n, 8);
          };
          for (const [ops, times] of program) {
            for (let t = 0; t < times; t++) {
              for (const o of ops) {
                if (typeof o === "number") {
                  allocate(o);
                } else {
                  const saved = [offset, used];
                  noEscape(b, () => o.forEach(allocate));
                  [offset, used] = saved;
                }
                assert.equal(b.used, used);
              }
              const memory = b.allocPtr(0, 8).buffer;
              history.push(runPeak);
              if (history.length > maxHistorySize) history.shift();
              const proposed = Math.ceil(1.1 * Math.max(...history));
              const resized: boolean = grew || proposed < Math.ceil(main / 2);
              b.resetBuffer();
              if (resized) {
                main = proposed;
                next = Math.ceil(main / 4);
              }
              offset = used = runPeak = 0;
              grew = false;
              assert.deepEqual(b.history, history);
              assert.equal(b.mainCapacity, main);
              assert.equal(b.capacity, main);
              assert.equal(b.additionalBuffers, 0);
              assert.equal(b.nextBufferSize, next);
              assert.equal(b.peak, peak);
              assert.equal(b.used, 0);
              const now = b.allocPtr(0, 8).buffer;
              assert.equal(now === memory, !resized, "a new main buffer exactly when resized");
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
  it("AutoscalingAllocBuffer.resetBuffer() folds an additional buffer in even when the run used what every remembered run did", () => {
    const b = new AutoscalingAllocBuffer(1000, { maxHistorySize: 1 });
    b.allocPtr(1000, 1);
    b.resetBuffer(); // history [1000]: 1100 is not below 500, the main buffer stays
    assert.equal(b.capacity, 1000);
    b.allocPtr(993, 1);
    b.allocPtr(7, 8); // aligned to 1000: past the main buffer, though 1000 bytes are in use
    assert.equal(b.used, 1000);
    assert.equal(b.additionalBuffers, 1);
    b.resetBuffer();
    assert.deepEqual(b.history, [1000]);
    assert.equal(b.additionalBuffers, 0);
    assert.equal(b.capacity, 1100);
  });
  it("AutoscalingAllocBuffer.resetBuffer() asks for a smaller main buffer again after a refusal, however alike the runs", () => {
    const b = new AutoscalingAllocBuffer(100_000, { maxHistorySize: 1 });
    withMemoryLimit(5000, () => {
      b.allocPtr(10_000, 8);
      b.resetBuffer(); // asks for 11 000 bytes: refused
      assert.equal(b.capacity, 100_000);
      b.allocPtr(10_000, 8);
      b.resetBuffer(); // asks for at most 5500: refused
      assert.equal(b.capacity, 100_000);
      b.allocPtr(10_000, 8);
      b.resetBuffer(); // asks for 2750: given
      assert.equal(b.capacity, 2750);
    });
    assert.deepEqual(b.history, [10_000]);
  });
});
