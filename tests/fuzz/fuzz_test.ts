// Model-based fuzzing, the small fixed-seed run of the normal tests (`deno task fuzz` runs
// 10 000 programs per target), and the counterexamples the fuzzing found, each a named
// regression test: the shrunk program, run against the model, plus the behaviour it pinned
// down, asserted directly.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  AllocBuffer,
  type Checkpoint,
  noEscape,
  OutOfMemoryError,
  SharedAllocBuffer,
  SlabBuffer,
} from "../../allocators/mod.ts";
import { fuzz, type Op, runProgram, TARGETS } from "./_model.ts";

/** Programs per target in the normal test run (the fuzz task runs 10 000). */
const RUNS = 150;
const SEED = 20240807;

function target(name: string) {
  const t = TARGETS.find((t) => t.name === name);
  assert.ok(t, `no fuzz target ${name}`);
  return t;
}

describe("fuzz: random programs against the reference model (fixed seed)", () => {
  for (const [i, t] of TARGETS.entries()) {
    it(`${t.name} matches the model under ${RUNS} random programs`, async () => {
      const figures = await fuzz(t, { numRuns: RUNS, seed: SEED + i });
      assert.equal(figures.programs, RUNS);
      assert.ok(figures.steps > RUNS, "the programs ran steps");
    });
  }
});

describe("fuzz: regressions (counterexamples the fuzzing found)", () => {
  it("SlabBuffer.allocPtr(0) before the first slab names an empty placeholder; restores replay the layout", async () => {
    // Found by the replay check: the empty allocation made before any slab existed does not
    // share the slab the next allocation creates, so only byte offsets of empty allocations
    // are comparable on replay.
    const program: Op[] = [{
      t: "async",
      h: 0,
      d: false,
      body: [
        {
          t: "pair",
          h: 0,
          a: [{ t: "ptr", h: 0, size: 0, align: 1 }],
          b: [],
          endA: "return",
          endB: "return",
          order: "ab",
        },
        { t: "view", h: 0, type: 0, n: 1 },
      ],
      end: "return",
    }];
    await runProgram(target("SlabBuffer"), program);
    const buf = new SlabBuffer(200);
    const cp = buf.checkpointSave();
    const empty = buf.allocPtr(0, 1);
    const byte = buf.allocPtr(1, 1);
    assert.equal(empty.buffer.byteLength, 0);
    assert.equal(empty.byteOffset, 0);
    assert.equal(byte.buffer.byteLength, 200);
    buf.checkpointRestore(cp);
    assert.equal(buf.allocPtr(0, 1).byteOffset, 0);
    assert.equal(buf.allocPtr(1, 1).buffer, byte.buffer);
  });

  it("noEscape(buf, async fn): a body failing before its first await settles after a region opened next, and leaks", async () => {
    // Found by the pair-of-regions command: both bodies ran out of memory before awaiting, so
    // both promises settled at the first await, the older one first, while the newer region
    // was still open on the buffer: the older one's end is out of order, so its memory stays
    // allocated (a leak, not corruption), and the newer one frees its own.
    const program: Op[] = [
      { t: "ptr", h: 0, size: 990, align: 1 },
      {
        t: "pair",
        h: 0,
        a: [{ t: "ptr", h: 0, size: 2, align: 1 }],
        b: [{ t: "ptr", h: 0, size: 1, align: 1 }],
        endA: "escape",
        endB: "escape",
        order: "ba",
      },
    ];
    await runProgram(target("AllocBuffer"), program);
    const buf = new AllocBuffer(1000);
    alloc(buf, Uint8Array, 990);
    const older = noEscape(buf, async () => {
      alloc(buf, Uint8Array, 2);
      const view = alloc(buf, Float64Array, 2); // does not fit: fails before awaiting
      await Promise.resolve();
      return view;
    });
    const newer = noEscape(buf, async () => {
      alloc(buf, Uint8Array, 1);
      const view = alloc(buf, Float64Array, 2); // fails too
      await Promise.resolve();
      return view;
    });
    const [a, b] = await Promise.allSettled([older, newer]);
    assert.ok(a.status === "rejected" && a.reason instanceof OutOfMemoryError);
    assert.ok(b.status === "rejected" && b.reason instanceof OutOfMemoryError);
    assert.equal(
      buf.used,
      992,
      "the older region's 2 bytes stay allocated; the newer freed its byte",
    );
  });

  const SHARED = "SharedAllocBuffer (owner and a second handle)";

  it("SharedAllocBuffer: after another handle freed below a save, a restore frees only down to the save (a leak, no overlap)", async () => {
    await runProgram(target(SHARED), [
      { t: "save", h: 1 },
      { t: "ptr", h: 1, size: 1, align: 1 },
      {
        t: "async",
        h: 0,
        d: false,
        body: [{ t: "restore", h: 1, pick: 0 }, { t: "default", h: 0, type: 0, n: 2 }],
        end: "return",
      },
    ]);
    const owner = new SharedAllocBuffer(64);
    const other = SharedAllocBuffer.fromDescriptor(owner.descriptor());
    const early = other.checkpointSave();
    other.allocPtr(1, 1); // [0, 1)
    const cp = owner.checkpointSave(); // at 1
    other.checkpointRestore(early); // the offset goes back to 0, below the owner's save
    assert.equal(owner.allocPtr(2, 1).byteOffset, 0); // [0, 2): straddles the save
    owner.checkpointRestore(cp);
    assert.equal(owner.used, 1, "freed down to the save only");
  });

  it("SharedAllocBuffer: a view allocated below the save after another handle freed is not freed by the region, so returning it is no escape", async () => {
    await runProgram(target(SHARED), [
      { t: "save", h: 1 },
      { t: "default", h: 1, type: 3, n: 2 },
      {
        t: "noEscape",
        h: 0,
        d: false,
        body: [{ t: "restore", h: 1, pick: 0 }],
        end: "escape",
      },
    ]);
    const owner = new SharedAllocBuffer(64);
    const other = SharedAllocBuffer.fromDescriptor(owner.descriptor());
    const early = other.checkpointSave();
    alloc(other, Float64Array, 2); // [0, 16)
    const view = noEscape(owner, () => {
      other.checkpointRestore(early); // offset 0, below the region's save at 16
      return alloc(owner, Float64Array, 2); // [0, 16) again, below the save
    });
    assert.equal(view.byteOffset, 0);
    assert.equal(owner.used, 16, "the view's memory is still allocated");
  });

  it("SharedAllocBuffer: a handle's restore frees its own allocations and keeps an older leaked one below", async () => {
    await runProgram(target(SHARED), [
      {
        t: "noEscape",
        h: 0,
        d: false,
        body: [{ t: "default", h: 0, type: 0, n: 1 }, { t: "save", h: 1 }],
        end: "return",
      },
      {
        t: "noEscape",
        h: 0,
        d: false,
        body: [{ t: "view", h: 0, type: 0, n: 1 }, { t: "default", h: 1, type: 0, n: 1 }],
        end: "return",
      },
      { t: "restore", h: 1, pick: 0 },
    ]);
    const owner = new SharedAllocBuffer(64);
    const other = SharedAllocBuffer.fromDescriptor(owner.descriptor());
    let cp: Checkpoint | undefined;
    noEscape(owner, () => {
      alloc(owner, Uint8Array, 1); // [0, 1), freed at the region's end
      cp = other.checkpointSave(); // at 1
    });
    noEscape(owner, () => {
      alloc(owner, Uint8Array, 1); // [0, 1)
      alloc(other, Uint8Array, 1); // [1, 2): the owner's region cannot free [0, 1) now
    });
    assert.equal(owner.used, 2, "the owner's byte leaked");
    other.checkpointRestore(cp!);
    assert.equal(owner.used, 1, "the other handle freed its byte only");
  });

  it("SharedAllocBuffer: a restore whose handle allocated nothing frees nothing, even when the offset is back at its save", async () => {
    await runProgram(target(SHARED), [
      {
        t: "noEscape",
        h: 0,
        d: false,
        body: [{ t: "ptr", h: 0, size: 21, align: 1 }, { t: "save", h: 1 }],
        end: "return",
      },
      { t: "ptr", h: 0, size: 9, align: 1 },
      { t: "view", h: 0, type: 1, n: 3 },
      { t: "default", h: 0, type: 0, n: 5 },
      { t: "restore", h: 1, pick: 0 },
    ]);
  });

  it("SharedAllocBuffer: a region's restore after another handle freed under it has nothing to free", async () => {
    await runProgram(target(SHARED), [
      {
        t: "async",
        h: 0,
        d: false,
        body: [{ t: "open", h: 1 }, { t: "view", h: 1, type: 0, n: 1 }],
        end: "return",
      },
      { t: "noEscape", h: 0, d: false, body: [{ t: "close", pick: 0 }], end: "return" },
    ]);
  });

  it("noEscape(async fn) on the default buffer: its own task buffer, withBuffer inside it reaches the allocator, an escaping view is refused", async () => {
    // The form every other program leaves out: no buffer given and none chosen by withBuffer,
    // so the region runs on a pooled task buffer. Its body allocates from the allocator under
    // test (explicitly, through withBuffer, and in a nested task inside an async withBuffer
    // region, where the chosen buffer is the default), then returns a view of its own buffer.
    const world = await runProgram(target("AllocBuffer"), [
      {
        t: "task",
        body: [
          { t: "view", h: 0, type: 3, n: 2 },
          { t: "default", h: 0, type: 0, n: 5 },
          {
            t: "async",
            h: 0,
            d: true,
            body: [{ t: "task", body: [{ t: "ptr", h: 0, size: 3, align: 1 }], end: "escape" }],
            end: "return",
          },
        ],
        end: "escape",
      },
    ]);
    assert.equal(world.live.length, 2, "the task's allocations from the allocator stay live");
    assert.equal(world.used(), 21, "16 + 5 bytes: the inner region freed its 3 bytes and its view");
  });

  it("SharedAllocBuffer sub-arena: a reset after its parent's force-reset ended it leaves it full (it handed out the parent's bytes again)", async () => {
    // Found by the force-reset command: resetting a released sub-arena moved its offset back to
    // its start, so it handed out bytes its parent had got back.
    const program: Op[] = [
      {
        t: "noEscape",
        h: 0,
        d: false,
        body: [{ t: "forceReset", h: 0, parent: true }],
        end: "return",
      },
      { t: "reset", h: 0 },
      { t: "view", h: 0, type: 0, n: 8 },
    ];
    await runProgram(target("SharedAllocBuffer sub-arena"), program);
    await runProgram(
      target("SharedAllocBuffer sub-arena (its owner and a second handle)"),
      program,
    );
    const parent = new SharedAllocBuffer(4096);
    const sub = parent.subArena(1024);
    parent.forceReset();
    sub.resetBuffer();
    assert.throws(() => sub.allocPtr(1, 1), /ended by a force-reset/);
  });

  it("SharedAllocBuffer sub-arena: a force-reset of its parent after it ended leaves its new regions alone", async () => {
    // Found by the model: once ended, the sub-arena is no longer its parent's, so a second
    // force-reset of the parent does not touch it; its regions end normally.
    const program: Op[] = [
      { t: "forceReset", h: 0, parent: true },
      {
        t: "async",
        h: 0,
        d: false,
        body: [{ t: "forceReset", h: 0, parent: true }],
        end: "return",
      },
    ];
    await runProgram(target("SharedAllocBuffer sub-arena"), program);
  });
});
