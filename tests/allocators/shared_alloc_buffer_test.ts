// SharedAllocBuffer on one thread: the conformance suite, the rules of the shared case driven
// through several handles of one arena (each handle is what a Worker would hold), bad input.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  alloc,
  arrayDescriptor,
  BumperAllocator,
  CheckedAllocArray,
  CheckpointError,
  EscapeError,
  InvalidMemoryError,
  noEscape,
  OutOfMemoryError,
  region,
  SharedAllocBuffer,
  type SharedAllocBufferDescriptor,
  similar,
  withAllocator,
} from "../../mod.ts";
import {
  ACTIVE,
  BASE,
  CAPACITY,
  CONTROL_BYTES,
  FORCE_RESETS,
  GENERATION,
  OFFSET,
  RELEASED,
  SUB_ARENA,
} from "../../_internal/shared_control.ts";
import { conformanceSuite } from "../../testing/mod.ts";

// Until descriptor() hands it out, an arena bumps a plain field; afterwards, the shared word.
conformanceSuite("SharedAllocBuffer", () => new SharedAllocBuffer(8192));
conformanceSuite("SharedAllocBuffer (published with descriptor())", () => {
  const buf = new SharedAllocBuffer(8192);
  buf.descriptor();
  return buf;
});
// (A handle from fromDescriptor cannot run the suite: only the owner may reset.)
conformanceSuite(
  "SharedAllocBuffer sub-arena",
  () => new SharedAllocBuffer(8192 + 4096).subArena(8192),
);
conformanceSuite(
  "SharedAllocBuffer over a caller's SharedArrayBuffer",
  () => new SharedAllocBuffer(new SharedArrayBuffer(8192)),
);

/** An owner and `n` other handles of one arena. */
function arena(size: number, n = 1): [SharedAllocBuffer, ...SharedAllocBuffer[]] {
  const owner = new SharedAllocBuffer(size);
  const others = Array.from(
    { length: n },
    () => SharedAllocBuffer.fromDescriptor(owner.descriptor()),
  );
  return [owner, ...others];
}

describe("SharedAllocBuffer", () => {
  it("SharedAllocBuffer handles share one offset and one memory", () => {
    const [owner, a, b] = arena(1024, 2);
    assert.equal(a.memory, owner.memory);
    const p = owner.allocPtr(10, 1);
    const q = a.allocPtr(8, 8);
    const r = b.allocPtr(4, 4);
    assert.deepEqual([p.byteOffset, q.byteOffset, r.byteOffset], [0, 16, 24]);
    for (const h of [owner, a, b]) assert.equal(h.used, 28);
    assert.equal(owner.owner, true);
    assert.equal(a.owner, false);
  });

  it("SharedAllocBuffer.allocPtr() out of memory throws OutOfMemoryError and leaves the offset unchanged", () => {
    const [owner, handle] = arena(100);
    owner.allocPtr(60, 1);
    for (const h of [owner, handle]) {
      assert.throws(
        () => h.allocPtr(40, 8),
        (e) =>
          e instanceof OutOfMemoryError && e.requested === 40 && e.available === 36 &&
          e.message.startsWith("Cannot allocate 40 bytes: 36 bytes available"),
      );
      assert.equal(owner.used, 60);
      assert.throws(() => alloc(h, Float64Array, 10), OutOfMemoryError);
      assert.equal(owner.used, 60);
    }
    assert.equal(handle.allocPtr(40, 1).byteOffset, 60); // exactly fits
  });

  it("SharedAllocBuffer.allocPtr() rejects bad sizes and alignments, naming them, and changes nothing", () => {
    const buf = new SharedAllocBuffer(1024);
    buf.allocPtr(8, 8);
    for (const size of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      assert.throws(
        () => buf.allocPtr(size, 8),
        (e) => e instanceof RangeError && e.message.includes(String(size)),
      );
    }
    assert.throws(() => buf.allocPtr("8" as unknown as number, 8), TypeError);
    for (const align of [0, 3, 12, -8, 0.5]) {
      assert.throws(
        () => buf.allocPtr(8, align),
        (e) => e instanceof RangeError && e.message.includes(String(align)),
      );
    }
    assert.throws(() => alloc(buf, Array as never, 3), TypeError);
    assert.throws(() => buf.allocView(Float64Array, -2), /-2/);
    assert.throws(() => alloc(buf, Float64Array, 2 ** 52), RangeError); // bytes exceed safe integers
    assert.equal(buf.used, 8);
  });

  it("SharedAllocBuffer constructor rejects what is not a size or a SharedArrayBuffer", () => {
    assert.throws(
      () => new SharedAllocBuffer(new ArrayBuffer(8) as never),
      (e) =>
        e instanceof TypeError &&
        /an ArrayBuffer cannot be shared: use AllocBuffer/.test(e.message),
    );
    assert.throws(() => new SharedAllocBuffer("64" as never), /got "64"/);
    assert.throws(() => new SharedAllocBuffer(-1), RangeError);
    assert.throws(() => new SharedAllocBuffer(1.5), /1\.5/);
    assert.throws(() => new SharedAllocBuffer(2 ** 32), /at most 2\^32 - 1 bytes, got 4294967296/);
    assert.equal(new SharedAllocBuffer().capacity, 1_048_576);
    const sab = new SharedArrayBuffer(64);
    assert.equal(new SharedAllocBuffer(sab).memory, sab);
  });

  it("SharedAllocBuffer constructor always makes a fresh arena the caller owns: adoption cannot be forged", () => {
    const shared = new SharedAllocBuffer(1024);
    const { memory, control } = shared.descriptor();
    shared.allocPtr(100, 8);
    const words = new Uint32Array(control);
    const Loose = SharedAllocBuffer as unknown as new (...args: unknown[]) => SharedAllocBuffer;
    for (
      const fake of [
        words,
        { control: words, base: 0, capacity: 1024 },
        { control: undefined, base: 512, capacity: 512 },
      ]
    ) {
      const mine = new Loose(memory, fake);
      assert.equal(mine.owner, true);
      assert.equal(mine.isSubArena, false);
      assert.equal(mine.byteOffset, 0);
      assert.equal(mine.capacity, 1024);
      assert.equal(mine.used, 0); // its own offset, not the shared arena's
      mine.allocPtr(8, 8);
      assert.equal(shared.used, 100); // untouched by the other arena
    }
    // A failed adoption leaves nothing behind: the next arena is a fresh one too.
    assert.throws(() =>
      SharedAllocBuffer.fromDescriptor({ ...shared.descriptor(), kind: "x" as never })
    );
    const next = new SharedAllocBuffer(memory);
    assert.equal(next.owner, true);
    assert.equal(next.used, 0);
  });

  it("SharedAllocBuffer.fromDescriptor() rejects what is not a descriptor of an arena", () => {
    const good = new SharedAllocBuffer(64).descriptor();
    const other = new SharedAllocBuffer(128).descriptor();
    const bad: [unknown, RegExp][] = [
      [null, /got null/],
      [{ kind: "AllocBuffer" }, /of kind "AllocBuffer"/],
      [
        { ...good, memory: new ArrayBuffer(64) },
        /memory must be a SharedArrayBuffer, got an ArrayBuffer/,
      ],
      [{ ...good, control: undefined }, /control must be a SharedArrayBuffer, got undefined/],
      [{ ...good, control: new SharedArrayBuffer(8) }, /control block, got 8 bytes/],
      [{ ...good, control: new SharedArrayBuffer(CONTROL_BYTES) }, /not the control block/],
      [
        { ...good, control: other.control },
        /not the control block of an arena in this 64-byte memory/,
      ],
    ];
    for (const [d, message] of bad) {
      assert.throws(
        () => SharedAllocBuffer.fromDescriptor(d as SharedAllocBufferDescriptor),
        (e) => e instanceof TypeError && message.test(e.message),
        String(message),
      );
    }
    // A failed adoption leaves the next construction an owner.
    assert.equal(new SharedAllocBuffer(8).owner, true);
  });

  it("SharedAllocBuffer.descriptor() survives structured cloning and shares the memory", () => {
    const owner = new SharedAllocBuffer(64);
    const d = structuredClone(owner.descriptor());
    assert.equal(d.kind, "SharedAllocBuffer");
    const handle = SharedAllocBuffer.fromDescriptor(d);
    const v = alloc(handle, Int32Array, 2);
    v.set([7, 8]);
    assert.deepEqual([...new Int32Array(owner.memory, 0, 2)], [7, 8]);
    assert.equal(owner.used, 8);
  });

  it("SharedAllocBuffer.descriptor() publishes the offset and peak: handles made later see earlier allocations", () => {
    const owner = new SharedAllocBuffer(1024);
    owner.allocPtr(100, 8);
    noEscape(owner, () => owner.allocPtr(300, 8));
    assert.deepEqual([owner.used, owner.peak], [100, 404]);
    const handle = SharedAllocBuffer.fromDescriptor(owner.descriptor());
    assert.deepEqual([handle.used, handle.peak], [100, 404]);
    assert.equal(handle.allocPtr(8, 8).byteOffset, 104);
    assert.equal(owner.allocPtr(8, 8).byteOffset, 112);
    assert.equal(owner.used, 120);
  });

  it("SharedAllocBuffer.fromDescriptor() refuses a control block that descriptor() never handed out", () => {
    const owner = new SharedAllocBuffer(1024); // never published: only `owner` allocates
    const b = new BumperAllocator(owner);
    const c = withAllocator(b, () => similar(new CheckedAllocArray(new Float64Array(2))));
    const control = arrayDescriptor(c).validity!.control; // reachable, but not for allocating
    assert.throws(
      () =>
        SharedAllocBuffer.fromDescriptor({
          kind: "SharedAllocBuffer",
          memory: owner.memory,
          control,
          id: "",
        }),
      (e) => e instanceof TypeError && /not handed out with descriptor\(\)/.test(e.message),
    );
    assert.equal(owner.used, 16);
  });

  it("SharedAllocBuffer.checkpointRestore() frees a handle's allocations when they are the newest", () => {
    const [owner, a] = arena(1024);
    owner.allocPtr(40, 8);
    const cp = a.checkpointSave();
    a.allocPtr(24, 8);
    a.allocPtr(8, 16);
    assert.equal(owner.used, 72);
    a.checkpointRestore(cp);
    assert.equal(owner.used, 40);
    assert.equal(owner.peak, 72);
  });

  it("SharedAllocBuffer.checkpointRestore() frees nothing when another handle allocated after it", () => {
    const [owner, a, b] = arena(1024, 2);
    const cp = a.checkpointSave();
    a.allocPtr(16, 8);
    const theirs = b.allocPtr(16, 8);
    new Float64Array(owner.memory, theirs.byteOffset, 2).fill(5);
    a.checkpointRestore(cp);
    assert.equal(owner.used, 32);
    // The next allocation does not land on b's live bytes.
    assert.equal(a.allocPtr(8, 8).byteOffset, 32);
    assert.deepEqual([...new Float64Array(owner.memory, theirs.byteOffset, 2)], [5, 5]);
  });

  it("SharedAllocBuffer.checkpointRestore() frees a handle's inner region after another handle's allocation but not the outer one", () => {
    const [owner, a, b] = arena(1024, 2);
    const outer = a.checkpointSave();
    a.allocPtr(8, 8); // [0, 8)
    b.allocPtr(8, 8); // [8, 16): b's, live
    const inner = a.checkpointSave();
    a.allocPtr(32, 8); // [16, 48)
    a.checkpointRestore(inner);
    assert.equal(owner.used, 16);
    a.checkpointRestore(outer);
    assert.equal(owner.used, 16); // [0, 8) leaks until the reset: b's bytes follow it
  });

  it("SharedAllocBuffer.checkpointRestore() frees again once the other handle freed its own memory", () => {
    const [owner, a, b] = arena(1024, 2);
    const cp = a.checkpointSave();
    a.allocPtr(16, 8);
    noEscape(b, () => alloc(b, Float64Array, 4).fill(1).length);
    assert.equal(owner.used, 16); // b's region freed its bytes
    a.checkpointRestore(cp);
    assert.equal(owner.used, 0);
  });

  it("SharedAllocBuffer.checkpointRestore() rejects checkpoints of another handle, restored or stale ones", () => {
    const [owner, a] = arena(1024);
    const cp = owner.checkpointSave();
    owner.allocPtr(8, 8);
    assert.throws(() => a.checkpointRestore(cp), CheckpointError);
    assert.equal(owner.used, 8);
    const inner = owner.checkpointSave();
    owner.checkpointRestore(cp);
    assert.throws(() => owner.checkpointRestore(cp), /already restored/);
    assert.throws(() => owner.checkpointRestore(inner), /stale/);
    assert.throws(() => owner.checkpointRestore("x" as never), TypeError);
  });

  it("SharedAllocBuffer.openRegions counts non-owner handles with a live checkpoint once each, not the owner", () => {
    const [owner, a, b] = arena(1024, 2);
    const cp = owner.checkpointSave(); // the owner's regions do not count
    assert.equal(owner.openRegions, 0);
    const a1 = a.checkpointSave();
    const a2 = a.checkpointSave();
    const b1 = b.checkpointSave();
    assert.equal(owner.openRegions, 2);
    a.checkpointRestore(a2);
    assert.equal(owner.openRegions, 2);
    a.checkpointRestore(a1);
    assert.equal(owner.openRegions, 1);
    assert.throws(() => b.checkpointRestore(a1), CheckpointError); // no change on error
    assert.equal(owner.openRegions, 1);
    b.checkpointRestore(b1);
    assert.equal(owner.openRegions, 0);
    owner.checkpointRestore(cp);
  });

  it("SharedAllocBuffer.resetBuffer() throws while another handle is inside a region, changing nothing", () => {
    const [owner, a] = arena(1024);
    owner.allocPtr(16, 8);
    const ownCp = owner.checkpointSave();
    const gen = owner.generation;
    {
      using _ = region(a);
      alloc(a, Float64Array, 3);
      assert.throws(
        () => owner.resetBuffer(),
        (e) =>
          e instanceof CheckpointError &&
          e.message.startsWith(
            "Cannot reset SharedAllocBuffer: 1 region is open on it, of other threads or sub-arenas",
          ),
      );
      assert.equal(owner.used, 40);
      assert.equal(owner.generation, gen);
      assert.equal(owner.openRegions, 1);
    }
    owner.checkpointRestore(ownCp); // still live: the failed reset changed nothing
    owner.resetBuffer();
    assert.equal(owner.used, 0);
    assert.equal(owner.generation, gen + 1);
  });

  it("SharedAllocBuffer.resetBuffer() and forceReset() on a handle that is not the owner throw", () => {
    const [owner, a] = arena(64);
    owner.allocPtr(8, 8);
    for (const f of [() => a.resetBuffer(), () => a.forceReset()]) {
      assert.throws(f, (e) => e instanceof CheckpointError && /only its owner/.test(e.message));
    }
    assert.equal(owner.used, 8);
    assert.equal(owner.generation, 0);
  });

  it("SharedAllocBuffer.resetBuffer() by the owner invalidates the owner's own checkpoints", () => {
    const buf = new SharedAllocBuffer(64);
    const cp = buf.checkpointSave();
    buf.allocPtr(8, 8);
    buf.resetBuffer();
    assert.throws(() => buf.checkpointRestore(cp), /stale/);
    assert.equal(buf.peak, 8);
  });

  it("SharedAllocBuffer.forceReset() resets with handles inside regions, whose checkpoints become stale", () => {
    const [owner, a, b] = arena(1024, 2);
    const cpA = a.checkpointSave();
    a.allocPtr(8, 8);
    const cpB = b.checkpointSave();
    assert.equal(owner.openRegions, 2);
    owner.forceReset();
    assert.equal(owner.openRegions, 0);
    assert.equal(owner.used, 0);
    assert.equal(owner.generation, 1);
    assert.throws(
      () => a.checkpointRestore(cpA),
      (e) => e instanceof CheckpointError && /force-reset/.test(e.message),
    );
    assert.throws(() => a.checkpointRestore(cpA), /it is stale/);
    assert.equal(owner.openRegions, 0); // a stale handle does not uncount others
    // Handles work normally afterwards, and count again.
    const again = b.checkpointSave();
    assert.equal(owner.openRegions, 1);
    b.allocPtr(8, 8);
    b.checkpointRestore(again);
    assert.equal(owner.openRegions, 0);
    assert.equal(owner.used, 0);
    assert.throws(
      () => b.checkpointRestore(cpB),
      (e) => e instanceof CheckpointError && /stale/.test(e.message),
    );
    owner.resetBuffer();
  });

  it("SharedAllocBuffer prints its state through toString, Deno's and Node's inspect", () => {
    const [owner, a] = arena(1024);
    owner.allocPtr(100, 1);
    const cp = a.checkpointSave();
    assert.equal(
      String(owner),
      "SharedAllocBuffer(used 100 of 1024 bytes, peak 100, owner, 1 region open)",
    );
    assert.equal(
      inspect(a),
      "SharedAllocBuffer(used 100 of 1024 bytes, peak 100, not owner, 1 region open)",
    );
    a.checkpointRestore(cp);
    assert.equal(inspect(owner), "SharedAllocBuffer(used 100 of 1024 bytes, peak 100, owner)");
    assert.equal(Object.prototype.toString.call(owner), "[object SharedAllocBuffer]");
  });
});

describe("SharedAllocBuffer.subArena()", () => {
  it("SharedAllocBuffer.subArena() carves an arena the calling handle owns, 64-byte aligned, in the same memory", () => {
    const [owner, handle] = arena(4096);
    owner.allocPtr(10, 1);
    const sub = handle.subArena(1000);
    assert.equal(sub.memory, owner.memory);
    assert.equal(sub.byteOffset, 64);
    assert.equal(sub.capacity, 1000);
    assert.equal(sub.used, 0);
    assert.ok(sub.owner && sub.isSubArena && !sub.released);
    assert.ok(!owner.isSubArena);
    assert.equal(owner.used, 1064);
    assert.equal(owner.openRegions, 1);
    const p = sub.allocPtr(8, 8);
    assert.equal(p.byteOffset, 64);
    assert.equal(sub.used, 8);
    assert.equal(owner.used, 1064);
    assert.equal(
      String(sub),
      "SharedAllocBuffer(used 8 of 1000 bytes, peak 8, owner, sub-arena at 64)",
    );
  });

  it("SharedAllocBuffer.subArena() allocations stay inside it: out of memory at its capacity, the parent unchanged", () => {
    const [owner, handle] = arena(4096);
    const sub = handle.subArena(100);
    sub.allocPtr(96, 8);
    assert.throws(
      () => sub.allocPtr(8, 8),
      (e) => e instanceof OutOfMemoryError && e.available === 4 && e.requested === 8,
    );
    assert.equal(sub.used, 96);
    assert.equal(owner.used, 100);
    assert.equal(owner.allocPtr(8, 8).byteOffset, 104);
  });

  it("SharedAllocBuffer.subArena() restores free exactly while other threads allocate from the parent", () => {
    const [owner, a, b] = arena(1 << 16, 2);
    const sub = a.subArena(4096);
    const used = sub.used;
    for (let round = 0; round < 3; round++) {
      noEscape(sub, () => {
        alloc(sub, Float64Array, 10);
        b.allocPtr(32, 8); // another thread, on the parent
        alloc(sub, Uint8Array, 5);
      });
      assert.equal(sub.used, used);
    }
    assert.equal(owner.used, 4096 + 3 * 32);
  });

  it("SharedAllocBuffer.subArena() blocks the parent's reset until released, which gives the bytes back when they are the newest", () => {
    const [owner, handle] = arena(4096);
    const sub = handle.subArena(512);
    sub.allocPtr(100, 8);
    assert.throws(() => owner.resetBuffer(), /1 region is open on it/);
    assert.equal(owner.used, 512);
    sub.release();
    assert.ok(sub.released);
    assert.equal(owner.used, 0);
    assert.equal(owner.peak, 512);
    assert.equal(owner.openRegions, 0);
    sub.release(); // again: nothing
    assert.equal(owner.openRegions, 0);
    assert.throws(
      () => sub.allocPtr(1, 1),
      (e) => e instanceof OutOfMemoryError && /the sub-arena was released/.test(e.message),
    );
    owner.resetBuffer();
  });

  it("SharedAllocBuffer.release() keeps the bytes allocated when the parent has newer allocations", () => {
    const [owner, handle] = arena(4096);
    const sub = handle.subArena(512);
    owner.allocPtr(8, 8);
    sub.release();
    assert.equal(owner.used, 520);
    assert.equal(owner.openRegions, 0);
  });

  it("SharedAllocBuffer.release() throws for an arena that is not a sub-arena, another thread's handle, or with its regions open", () => {
    const [owner] = arena(4096);
    assert.throws(
      () => owner.release(),
      (e) => e instanceof TypeError && /not a sub-arena/.test(e.message),
    );
    const sub = owner.subArena(1024);
    const other = SharedAllocBuffer.fromDescriptor(sub.descriptor()); // another thread's handle
    assert.ok(other.isSubArena && !other.owner);
    assert.equal(other.byteOffset, sub.byteOffset);
    assert.equal(other.capacity, 1024);
    assert.throws(
      () => other.release(),
      (e) => e instanceof CheckpointError && /only its owner/.test(e.message),
    );
    const cp = other.checkpointSave();
    other.allocPtr(16, 8);
    assert.throws(
      () => sub.release(),
      (e) => e instanceof CheckpointError && /1 region is open/.test(e.message),
    );
    assert.equal(sub.used, 16);
    assert.ok(!sub.released);
    other.checkpointRestore(cp);
    sub.release();
    assert.ok(other.released);
  });

  it("SharedAllocBuffer.subArena() made inside a region of its parent survives the region's end", () => {
    const [owner, handle] = arena(4096);
    let sub: SharedAllocBuffer | undefined;
    noEscape(handle, () => {
      alloc(handle, Float64Array, 2);
      sub = handle.subArena(256);
    });
    assert.equal(owner.used, 64 + 256); // the carved bytes are not freed by the region
    const p = sub!.allocPtr(8, 8);
    assert.equal(p.byteOffset, 64);
    assert.equal(handle.allocPtr(8, 8).byteOffset, 320);
    sub!.release();
  });

  it("SharedAllocBuffer.subArena() out of memory or with a bad size changes nothing", () => {
    const [owner, handle] = arena(256);
    assert.throws(() => handle.subArena(512), OutOfMemoryError);
    assert.throws(() => handle.subArena(-1), /got -1/);
    assert.throws(() => handle.subArena("8" as never), TypeError);
    assert.equal(owner.used, 0);
    assert.equal(owner.openRegions, 0);
  });

  it("SharedAllocBuffer.subArena() is released at the end of a using block", () => {
    const [owner, handle] = arena(1024);
    {
      using sub = handle.subArena(128);
      sub.allocPtr(8, 8);
      assert.equal(owner.openRegions, 1);
    }
    assert.equal(owner.openRegions, 0);
    assert.equal(owner.used, 0);
    {
      using _ = owner; // disposing an arena that is not a sub-arena does nothing
    }
    assert.equal(owner.allocPtr(8, 8).byteOffset, 0);
  });

  it("SharedAllocBuffer.release() invalidates the CheckedAllocArrays of a BumperAllocator over the sub-arena", () => {
    const [, handle] = arena(1 << 16);
    const sub = handle.subArena(1 << 12);
    const b = new BumperAllocator(sub);
    const c = withAllocator(b, () => similar(new CheckedAllocArray(new Float64Array(2))));
    assert.ok(c.isValid);
    sub.release();
    assert.equal(c.isValid, false);
  });
});

// Issue 13 item 18: the escape check reports only memory the region's end frees.
describe("SharedAllocBuffer: noEscape's escape check", () => {
  it("noEscape() lets an array from a sub-arena carved inside the region through (the region frees none of it)", () => {
    const shared = new SharedAllocBuffer(4096);
    let sub!: SharedAllocBuffer;
    const view = noEscape(shared, () => {
      sub = shared.subArena(256);
      return alloc(sub, Float64Array, 4).fill(3);
    });
    assert.deepEqual([...view], [3, 3, 3, 3]);
    assert.ok(shared.used >= 256, "the sub-arena is still carved out");
    sub.release();
  });

  it("noEscape() lets an array from another handle of the arena through (the region frees none of it)", () => {
    const [owner, other] = arena(1024);
    const view = noEscape(owner, () => alloc(other, Float64Array, 4).fill(5));
    assert.equal(view[3], 5);
    assert.ok(owner.used >= 32, "still allocated");
  });

  it("noEscape() still reports the handle's own escaping array", () => {
    const [owner] = arena(1024);
    assert.throws(() => noEscape(owner, () => alloc(owner, Float64Array, 4)), EscapeError);
    assert.equal(owner.used, 0);
  });
});

describe("SharedAllocBuffer.forceReset(): nothing outlives it, no counter wraps", () => {
  it("SharedAllocBuffer.forceReset() ends this thread's open sub-arena: it and the arena never both hand out offset 0", () => {
    const owner = new SharedAllocBuffer(1024);
    const sub = owner.subArena(256);
    const kept = sub.allocView(Uint8Array, 8).fill(7);
    assert.equal(owner.openRegions, 1);
    owner.forceReset();
    assert.ok(sub.released);
    assert.equal(owner.openRegions, 0);
    assert.throws(
      () => sub.allocPtr(8, 8),
      (e) => e instanceof OutOfMemoryError && /ended by a force-reset/.test(e.message),
    );
    const next = owner.allocView(Uint8Array, 8).fill(1);
    assert.equal(next.byteOffset, 0);
    assert.deepEqual([...kept], [1, 1, 1, 1, 1, 1, 1, 1]); // freed by the reset, as documented
    sub.release(); // already ended: nothing to do
    assert.equal(owner.used, 8);
    owner.resetBuffer();
  });

  it("SharedAllocBuffer.forceReset() ends sub-arenas other handles carved on this thread, nested ones too, and makes their other handles' regions stale", () => {
    const [owner, handle] = arena(1 << 16);
    const sub = handle.subArena(4096);
    const inner = sub.subArena(1024);
    const subHandle = SharedAllocBuffer.fromDescriptor(sub.descriptor());
    const cp = subHandle.checkpointSave();
    subHandle.allocPtr(8, 8);
    owner.forceReset();
    assert.ok(sub.released && inner.released);
    assert.throws(() => inner.allocPtr(1, 1), OutOfMemoryError);
    assert.throws(() => subHandle.allocPtr(1, 1), OutOfMemoryError);
    assert.throws(
      () => subHandle.checkpointRestore(cp),
      (e) => e instanceof CheckpointError && /force-reset/.test(e.message),
    );
    assert.equal(owner.openRegions, 0);
    assert.equal(owner.used, 0);
    owner.resetBuffer();
    assert.equal(handle.allocPtr(8, 8).byteOffset, 0);
  });

  it("SharedAllocBuffer.forceReset() 32 768 times: a handle's old checkpoint stays stale and the region count never underflows", () => {
    const [owner, handle] = arena(1024);
    const cp = handle.checkpointSave();
    handle.allocPtr(64, 8);
    for (let i = 0; i < 32_768; i++) owner.forceReset();
    const live = owner.allocView(Uint8Array, 16).fill(9);
    assert.throws(
      () => handle.checkpointRestore(cp),
      (e) => e instanceof CheckpointError && /force-reset/.test(e.message),
    );
    assert.equal(owner.used, 16);
    assert.deepEqual([...live], Array(16).fill(9));
    assert.equal(owner.openRegions, 0);
    owner.resetBuffer(); // not refused by a wrapped-around count
    // The handle counts itself in and out normally afterwards.
    noEscape(handle, () => assert.equal(owner.openRegions, 1));
    assert.equal(owner.openRegions, 0);
  });

  it("SharedAllocBuffer.forceReset() refuses to take its count past 2^32 - 1, changing nothing", () => {
    const owner = new SharedAllocBuffer(64);
    const words = new Uint32Array(owner.descriptor().control);
    // As after 2^32 - 1 force-resets (the count and its low bits in the region word).
    Atomics.store(words, FORCE_RESETS, 0xffffffff);
    Atomics.store(words, ACTIVE, 0x7fff0000);
    owner.allocPtr(8, 8);
    assert.throws(
      () => owner.forceReset(),
      (e) => e instanceof RangeError && /force-reset 4294967295 times/.test(e.message),
    );
    assert.equal(owner.used, 8);
    assert.equal(Atomics.load(words, FORCE_RESETS), 0xffffffff);
    owner.resetBuffer(); // the plain reset still works
    assert.equal(owner.used, 0);
  });

  it("SharedAllocBuffer.generation is 64 bits: a CheckedAllocArray never becomes valid again when the low word comes round", () => {
    const owner = new SharedAllocBuffer(1024);
    const words = new Uint32Array(owner.descriptor().control);
    const b = new BumperAllocator(owner);
    const c = withAllocator(b, () => similar(new CheckedAllocArray(new Float64Array(2))));
    assert.equal(owner.generation, 0);
    owner.resetBuffer();
    assert.equal(c.isValid, false);
    // As after 2^32 - 1 more resets: the next one brings the low word back to the array's.
    Atomics.store(words, GENERATION, 0xffffffff);
    owner.resetBuffer();
    assert.equal(Atomics.load(words, GENERATION), 0);
    assert.equal(owner.generation, 2 ** 32);
    assert.equal(c.isValid, false);
    assert.throws(() => c.get(0), InvalidMemoryError);
  });
});

describe("SharedAllocBuffer.fromDescriptor(): forged and copied descriptors", () => {
  it("SharedAllocBuffer.fromDescriptor() refuses a copy of the control block with its offset set back", () => {
    const owner = new SharedAllocBuffer(1024);
    const d = owner.descriptor();
    const live = owner.allocView(Uint8Array, 100).fill(5);
    const copy = d.control.slice(0);
    Atomics.store(new Uint32Array(copy), OFFSET, 0);
    assert.throws(
      () => SharedAllocBuffer.fromDescriptor({ ...d, control: copy }),
      (e) =>
        e instanceof TypeError && /control is a copy of the arena's control block/.test(e.message),
    );
    // Copied after a handle of the arena exists on this thread, through structured cloning.
    const handle = SharedAllocBuffer.fromDescriptor(structuredClone(d));
    assert.throws(
      () =>
        SharedAllocBuffer.fromDescriptor({ ...d, control: structuredClone(d).control.slice(0) }),
      /a copy/,
    );
    assert.equal(handle.allocPtr(8, 8).byteOffset, 104);
    assert.deepEqual([...live], Array(100).fill(5));
  });

  it("SharedAllocBuffer.fromDescriptor() refuses a control block whose kind, base, capacity or offset was changed", () => {
    const owner = new SharedAllocBuffer(4096);
    owner.allocPtr(100, 8);
    const d = owner.descriptor();
    const tampered: [[number, number][], RegExp][] = [
      [[[SUB_ARENA, 1]], /identity, base, capacity or kind/],
      [[[BASE, 64]], /not the control block of an arena in this 4096-byte memory/],
      [[[BASE, 64], [CAPACITY, 1024]], /identity, base, capacity or kind/],
      [[[CAPACITY, 2048]], /identity, base, capacity or kind/],
      [[[OFFSET, 5000]], /offset 5000 .* outside the arena's bytes 0\.\.4096/],
      [[[RELEASED, 7]], /release flag holds a value no arena has/],
    ];
    for (const [changes, message] of tampered) {
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      const words = new Uint32Array(control);
      words.set(new Uint32Array(d.control));
      for (const [word, value] of changes) Atomics.store(words, word, value);
      // Refused by its words alone, before any comparison with the arena this thread holds.
      const fresh = { ...d, control, id: d.id };
      assert.throws(
        () => SharedAllocBuffer.fromDescriptor(fresh),
        (e) => e instanceof TypeError && message.test(e.message),
        String(message),
      );
    }
    assert.equal(owner.used, 100);
  });

  it("SharedAllocBuffer.fromDescriptor() refuses a descriptor whose id is not its control block's", () => {
    const memory = new SharedArrayBuffer(1024);
    const a = new SharedAllocBuffer(memory);
    const b = new SharedAllocBuffer(memory); // a second arena over the same memory
    const da = a.descriptor(), db = b.descriptor();
    assert.notEqual(da.id, db.id);
    assert.throws(
      () => SharedAllocBuffer.fromDescriptor({ ...da, control: db.control }),
      (e) => e instanceof TypeError && /is not the id of its control block/.test(e.message),
    );
    assert.throws(
      () => SharedAllocBuffer.fromDescriptor({ ...da, id: undefined as never }),
      /the descriptor's id undefined/,
    );
    assert.equal(SharedAllocBuffer.fromDescriptor(db).used, 0);
  });
});

describe("SharedAllocBuffer: a released sub-arena stays released", () => {
  it("SharedAllocBuffer.resetBuffer() and forceReset() of a released sub-arena hand out nothing from bytes its parent got back", () => {
    const owner = new SharedAllocBuffer(4096);
    const sub = owner.subArena(1024);
    sub.release();
    const parentBytes = owner.allocView(Uint8Array, 512).fill(3); // the same bytes, now the parent's
    for (const reset of [() => sub.resetBuffer(), () => sub.forceReset()]) {
      reset();
      assert.equal(sub.used, 1024, "still full");
      assert.throws(() => sub.allocPtr(8, 8), /released/);
    }
    assert.deepEqual([...parentBytes], Array(512).fill(3));
  });
});
