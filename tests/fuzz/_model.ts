// Model-based fuzzing of the allocators (fast-check `fc.commands`): random programs of
// allocations (allocPtr, alloc, alloc through withBuffer), raw checkpoints (live, stale, doubly
// restored, foreign), resets, force-resets of a shared arena (by its owner, by another handle, and
// of a sub-arena's parent, which ends the sub-arena), `using` regions closed in any order, and
// `noEscape` regions,
// synchronous and async, nested, ending by return, throw or an escaping view, plus pairs of
// async regions settling in either order, and async regions on the default buffer
// (`noEscape(async fn)`: a task buffer of its own, whose body works on the allocator under test
// explicitly and through `withBuffer`). A reference model runs alongside and, after every
// step, checks:
//
// - live allocations never overlap and keep their contents (each holds a signature written
//   when it was made; every live one is verified after every step);
// - every allocation is aligned (and, for fixed-size bump allocators, lands exactly where the
//   model predicts, or fails with the OutOfMemoryError the model predicts, changing nothing);
// - a restore brings `used` back to its value at the save, and replaying the allocations freed
//   by it lands them exactly where they were (the same memory, or, where the allocator replaces
//   memory, the same layout);
// - an invalid checkpoint, an out-of-order region end, a reset inside a region and an escaping
//   view (also one of a task buffer) throw exactly when the model says, and a failed restore
//   changes nothing;
// - a force-reset frees everything and makes every checkpoint of every handle stale; a
//   sub-arena whose parent was force-reset hands out nothing more, whatever is done to it;
// - CheckedAllocArray validities (BumperAllocator) are valid exactly while their memory is live;
// - in poison mode, every freed view is detached once the buffer is empty;
// - several allocators over one buffer (the buffer, BumperAllocators and an
//   UncheckedBumperAllocator over it) behave as one: a checkpoint saved through one restores
//   through another, regions on them are ordered together, and each call may go to any of them;
// - an allocator written by a user that lies (a misaligned or too short pointer, a non-buffer)
//   makes alloc() throw an error naming it, changing nothing;
// - async tasks on default buffers that leave work running: every allocation that work makes
//   after its task settled throws a ReferenceError, and no task's memory is ever written by it.
//
// Used by tests/fuzz/fuzz_test.ts (a small fixed-seed run) and scripts/fuzz.ts (`deno task
// fuzz`, 10 000 programs per target). Test-only; not part of the package.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  AutoscalingAllocBuffer,
  CheckpointError,
  defaultBuffer,
  EscapeError,
  noEscape,
  OutOfMemoryError,
  type Ptr,
  type Region,
  region,
  ResizeBuffer,
  SharedAllocBuffer,
  SlabBuffer,
  type TypedArrayConstructor,
  ValidatingAllocator,
  withBuffer,
} from "../../allocators/mod.ts";
import {
  BumperAllocator,
  type MemoryValidity,
  UncheckedBumperAllocator,
} from "../../arrays/mod.ts";
import { MyAllocBuffer } from "../../examples/my_alloc_buffer.ts";

// ---------------------------------------------------------------------------------------------
// Programs

/** How a region's body ends. */
export type End = "return" | "throw" | "escape";

/**
 * One step of a program (`h` picks the allocator handle, modulo the target's handles; `d` runs a
 * region on the default buffer, made `h` by `withBuffer`; `task` is `noEscape(async fn)` on the
 * default buffer, which runs on a task buffer of its own unless a `withBuffer` around it chose
 * one of the handles).
 */
export type Op =
  | { t: "ptr"; h: number; size: number; align: number }
  | { t: "view"; h: number; type: number; n: number }
  | { t: "default"; h: number; type: number; n: number }
  | { t: "save"; h: number }
  | { t: "restore"; h: number; pick: number }
  | { t: "foreign"; h: number }
  | { t: "reset"; h: number }
  | { t: "forceReset"; h: number; parent: boolean }
  | { t: "open"; h: number }
  | { t: "close"; pick: number }
  | { t: "noEscape"; h: number; d: boolean; body: Op[]; end: End }
  | { t: "tasks"; sizes: number[][]; leftover: boolean[] }
  | { t: "async"; h: number; d: boolean; body: Op[]; end: End }
  | { t: "task"; body: Op[]; end: End }
  | {
    t: "pair";
    h: number;
    a: Op[];
    b: Op[];
    endA: End;
    endB: End;
    order: "ab" | "ba";
  };

/** Element types the typed allocations use. */
const TYPES: TypedArrayConstructor[] = [
  Uint8Array,
  Int16Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  Uint8ClampedArray,
  Int32Array,
  Uint16Array,
];
const F64 = TYPES.indexOf(Float64Array);

// ---------------------------------------------------------------------------------------------
// Targets

/** An allocator under test and what the model may assume of it. */
export interface FuzzTarget {
  /** Shown in test names and figures. */
  name: string;
  /** Makes fresh handles (one, or several handles of one shared arena; the first is the owner). */
  make(): Allocator[];
  /** Bytes in use, as the allocator reports them. */
  used(handles: Allocator[]): number;
  /** A fixed-size bump allocator of this capacity: offsets and out-of-memory are predicted. */
  exactCapacity?: number;
  /** Where the exact allocator's bytes start in its memory (a sub-arena's; default 0). */
  base?: (handles: Allocator[]) => number;
  /** Whether restoring an invalid checkpoint throws a CheckpointError (else it is never tried). */
  checksCheckpoints: boolean;
  /** Whether `noEscape` can detect escaping views (the allocator has `allocatedSince`). */
  escapeCheck: boolean;
  /**
   * How replayed allocations must land after a restore: in the very same memory, or in memory
   * that may have been replaced (same layout up to renaming the ArrayBuffers); `skipIfEmptied`
   * skips the replay when the restore emptied the buffer (a ResizeBuffer regrows then).
   */
  replay: "identity" | "renaming";
  skipReplayIfEmptied?: boolean;
  /** Poison mode: freed views must be detached once the buffer is empty. */
  poison?: boolean;
  /** A BumperAllocator: every allocation is also tracked as a CheckedAllocArray's memory. */
  checked?: boolean;
  /** Several handles of one SharedAllocBuffer (restores may leak instead of freeing). */
  shared?: boolean;
  /**
   * Several allocators over one buffer (wrappers): one allocator to the model, and each call
   * goes to the handle `h` picks. With `checked`, handles[0] is a BumperAllocator.
   */
  aliases?: boolean;
  /** The allocator is a {@linkcode LyingBuffer}: some allocations get a bad pointer. */
  lies?: boolean;
  /** A SharedAllocBuffer arena: its owner (handle 0) may force-reset it. */
  forceResets?: boolean;
  /** A sub-arena's parent arena, whose force-reset ends the sub-arena. */
  parent?: (handles: Allocator[]) => SharedAllocBuffer;
  /** Largest allocation the programs make, in bytes (to cross slab and buffer ends). */
  maxSize: number;
}

const usedOf = (handles: Allocator[]) => (handles[0] as unknown as { used: number }).used;
// The parent arena of each sub-arena the targets make.
const parents = new WeakMap<Allocator, SharedAllocBuffer>();

/**
 * A user-written allocator that lies when armed: its next allocPtr answers a pointer that is
 * misaligned, past the end of its memory, or not into a buffer at all (in turn), changing
 * nothing. The model arms it for some allocations the library makes (never for its own raw
 * calls).
 */
export class LyingBuffer extends MyAllocBuffer {
  armed = false;
  #lies = 0;
  override allocPtr(n: number, alignment: number): Ptr {
    if (!this.armed) return super.allocPtr(n, alignment);
    this.armed = false;
    switch (this.#lies++ % 3) {
      case 0:
        return { buffer: this.buf, byteOffset: alignment === 1 ? -1 : 1 };
      case 1:
        return { buffer: this.buf, byteOffset: this.buf.byteLength + alignment };
      default:
        return { buffer: [] as never, byteOffset: 0 };
    }
  }
}

/** Whether `e` is the error of alloc() refusing a LyingBuffer's answer. */
function isLie(e: unknown): boolean {
  return (e instanceof TypeError || e instanceof RangeError) &&
    /from a LyingBuffer: its allocPtr returned /.test(e.message);
}

/** Every allocator the fuzzing covers. */
export const TARGETS: FuzzTarget[] = [
  {
    name: "AllocBuffer",
    make: () => [new AllocBuffer(1000)],
    used: usedOf,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    maxSize: 300,
  },
  {
    name: "AllocBuffer over a SharedArrayBuffer",
    make: () => [new AllocBuffer(new SharedArrayBuffer(1000))],
    used: usedOf,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    maxSize: 300,
  },
  {
    name: "AllocBuffer (poison)",
    make: () => [new AllocBuffer(1000, { poison: true })],
    used: usedOf,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    poison: true,
    maxSize: 300,
  },
  {
    name: "SlabBuffer",
    make: () => [new SlabBuffer(200, { maxSpareSlabs: 1 })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    maxSize: 260,
  },
  {
    name: "SlabBuffer (poison)",
    make: () => [new SlabBuffer(200, { maxSpareSlabs: 1, poison: true })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    poison: true,
    maxSize: 260,
  },
  {
    name: "ResizeBuffer",
    make: () => [new ResizeBuffer(150)],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    skipReplayIfEmptied: true,
    maxSize: 200,
  },
  {
    name: "ResizeBuffer (poison)",
    make: () => [new ResizeBuffer(150, { poison: true })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    skipReplayIfEmptied: true,
    poison: true,
    maxSize: 200,
  },
  {
    name: "SlabBuffer (1-byte slabs: every allocation a custom slab)",
    make: () => [new SlabBuffer(1, { maxSpareSlabs: 0 })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    maxSize: 64,
  },
  {
    name: "ResizeBuffer (empty main buffer)",
    make: () => [new ResizeBuffer(0)],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    skipReplayIfEmptied: true,
    maxSize: 200,
  },
  {
    name: "AutoscalingAllocBuffer",
    make: () => [new AutoscalingAllocBuffer(128, { maxHistorySize: 2 })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    maxSize: 300,
  },
  {
    name: "AutoscalingAllocBuffer (poison)",
    make: () => [new AutoscalingAllocBuffer(128, { maxHistorySize: 2, poison: true })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    poison: true,
    maxSize: 300,
  },
  {
    name: "AutoscalingAllocBuffer (empty main buffer)",
    make: () => [new AutoscalingAllocBuffer(0, { maxHistorySize: 1 })],
    used: usedOf,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    maxSize: 300,
  },
  {
    name: "SharedAllocBuffer",
    make: () => [new SharedAllocBuffer(1000)],
    used: usedOf,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    forceResets: true,
    maxSize: 300,
  },
  {
    name: "SharedAllocBuffer (owner and a second handle)",
    make: () => {
      const owner = new SharedAllocBuffer(1000);
      return [owner, SharedAllocBuffer.fromDescriptor(owner.descriptor())];
    },
    used: usedOf,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    shared: true,
    forceResets: true,
    maxSize: 300,
  },
  {
    name: "SharedAllocBuffer sub-arena",
    make: () => {
      const shared = new SharedAllocBuffer(4096);
      shared.allocPtr(100, 1);
      const sub = shared.subArena(1000);
      parents.set(sub, shared);
      return [sub];
    },
    used: usedOf,
    exactCapacity: 1000,
    base: (handles) => (handles[0] as SharedAllocBuffer).byteOffset,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    forceResets: true,
    parent: (handles) => parents.get(handles[0])!,
    maxSize: 300,
  },
  {
    name: "SharedAllocBuffer sub-arena (its owner and a second handle)",
    make: () => {
      const shared = new SharedAllocBuffer(4096);
      shared.allocPtr(100, 1);
      const sub = shared.subArena(1000);
      parents.set(sub, shared);
      return [sub, SharedAllocBuffer.fromDescriptor(sub.descriptor())];
    },
    used: usedOf,
    exactCapacity: 1000,
    base: (handles) => (handles[0] as SharedAllocBuffer).byteOffset,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    shared: true,
    forceResets: true,
    parent: (handles) => parents.get(handles[0])!,
    maxSize: 300,
  },
  {
    name: "BumperAllocator over an AllocBuffer",
    make: () => [new BumperAllocator(new AllocBuffer(1000))],
    used: (handles) => ((handles[0] as BumperAllocator).buffer as AllocBuffer).used,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    checked: true,
    maxSize: 300,
  },
  {
    name: "AllocBuffer behind BumperAllocators and an UncheckedBumperAllocator (one buffer)",
    make: () => {
      const buf = new AllocBuffer(1000);
      return [
        new BumperAllocator(buf),
        buf,
        new UncheckedBumperAllocator(buf),
        new BumperAllocator(buf),
      ];
    },
    used: (handles) => (handles[1] as AllocBuffer).used,
    exactCapacity: 1000,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "identity",
    checked: true,
    aliases: true,
    maxSize: 300,
  },
  {
    name: "SlabBuffer behind a BumperAllocator and an UncheckedBumperAllocator (one buffer)",
    make: () => {
      const buf = new SlabBuffer(200, { maxSpareSlabs: 1 });
      return [new BumperAllocator(buf), buf, new UncheckedBumperAllocator(buf)];
    },
    used: (handles) => (handles[1] as SlabBuffer).used,
    checksCheckpoints: true,
    escapeCheck: true,
    replay: "renaming",
    checked: true,
    aliases: true,
    maxSize: 260,
  },
  {
    name: "LyingBuffer (user-written, returns bad pointers)",
    make: () => [new LyingBuffer(1000)],
    used: (handles) => (handles[0] as unknown as LyingBuffer).offset,
    exactCapacity: 1000,
    checksCheckpoints: false,
    escapeCheck: false,
    replay: "identity",
    lies: true,
    maxSize: 300,
  },
  {
    name: "ValidatingAllocator over MyAllocBuffer",
    make: () => [new ValidatingAllocator(new MyAllocBuffer(1000))],
    used: (handles) =>
      ((handles[0] as ValidatingAllocator).inner as unknown as MyAllocBuffer).offset,
    exactCapacity: 1000,
    checksCheckpoints: false,
    escapeCheck: true,
    replay: "identity",
    maxSize: 300,
  },
  {
    name: "MyAllocBuffer (user-written)",
    make: () => [new MyAllocBuffer(1000)],
    used: (handles) => (handles[0] as unknown as MyAllocBuffer).offset,
    exactCapacity: 1000,
    checksCheckpoints: false,
    escapeCheck: false,
    replay: "identity",
    maxSize: 300,
  },
];

// ---------------------------------------------------------------------------------------------
// The model

interface Live {
  serial: number;
  h: number;
  buffer: ArrayBufferLike;
  start: number;
  size: number;
  align: number;
  bytes: Uint8Array;
  validity?: MemoryValidity;
}

/** A live checkpoint as the model sees it (raw, a Region's, or a noEscape region's). */
interface Frame {
  h: number;
  /** The checkpoint, for raw saves (regions keep theirs private). */
  cp?: unknown;
  /** The allocation serial at the save: later allocations are freed by restoring it. */
  serial: number;
  /** `used` at the save. */
  used: number;
  /** The world's clock at the save. */
  clock: number;
}

/** A region as the open-region registry sees it (Regions and async regions in flight). */
interface RegionRec {
  seq: number;
  h: number;
  open: boolean;
  frame?: Frame;
  region?: Region;
}

interface Handle {
  stack: Frame[];
  /** Index in `stack` of the innermost region frame whose body runs (-1 at top level). */
  floor: number;
  /** The world's clock when this handle last moved the offset (allocated or freed). */
  lastChange: number;
}

/** Thrown by region bodies ending with `throw`. */
class BodyError extends Error {}

const tick = () => Promise.resolve();

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function signature(serial: number, i: number): number {
  return (serial * 37 + i * 11 + 7) & 255;
}

/** Counts steps across programs (for the figures). */
export const stats = { steps: 0, programs: 0, forceResets: 0 };

/** One program's allocator(s) and the model of them. */
export class World {
  readonly target: FuzzTarget;
  readonly handles: Allocator[];
  readonly hs: Handle[];
  live: Live[] = [];
  /** Freed allocations not yet checked (poison: detached; checked: invalidated). */
  dead: Live[] = [];
  regions: RegionRec[] = [];
  /** Raw checkpoints ever saved, with their frames. */
  saved: Frame[] = [];
  serial = 0;
  seq = 0;
  /** Counts changes of the bump offset (shared targets: who interfered with whom). */
  clock = 0;
  /** The exact bump offset (exact targets). */
  offset = 0;
  /** Counts the library's allocations from a lying target (every third gets a lie). */
  lies = 0;
  /** A sub-arena target whose parent was force-reset: it is full for good. */
  ended = false;
  readonly foreign: unknown;
  /** Where the exact allocator's bytes start in its memory. */
  readonly base: number;

  constructor(target: FuzzTarget) {
    this.target = target;
    this.handles = target.make();
    this.base = target.base?.(this.handles) ?? 0;
    this.hs = this.handles.map(() => ({ stack: [], floor: -1, lastChange: 0 }));
    this.foreign = new AllocBuffer(64).checkpointSave();
  }

  used(): number {
    return this.target.used(this.handles);
  }

  /** The model's handle for op handle `h` (one for all when the handles alias one buffer). */
  #h(h: number): number {
    return this.target.aliases ? 0 : h % this.handles.length;
  }

  /** The allocator a call with op handle `h` goes to. */
  #buf(h: number): Allocator {
    return this.handles[h % this.handles.length];
  }

  // --- checks ---------------------------------------------------------------------------------

  /** The invariants that hold after every step. */
  verify(): void {
    stats.steps++;
    let bytes = 0;
    for (const l of this.live) {
      if (l.bytes.byteLength !== l.size) {
        assert.fail(`live allocation #${l.serial} was detached (length ${l.bytes.byteLength})`);
      }
      const b = l.bytes;
      for (let i = 0; i < b.length; i++) {
        if (b[i] !== signature(l.serial, i)) {
          assert.fail(
            `live allocation #${l.serial} [${l.start}, ${
              l.start + l.size
            }) was overwritten at byte ${i}`,
          );
        }
      }
      bytes += l.size;
      if (l.validity !== undefined && !l.validity.valid) {
        assert.fail(`the CheckedAllocArray memory of live allocation #${l.serial} was invalidated`);
      }
    }
    const used = this.used();
    if (this.target.exactCapacity !== undefined) {
      assert.equal(used, this.offset, "used is the model's bump offset");
    } else {
      assert.ok(used >= bytes, `used ${used} covers the ${bytes} live bytes`);
    }
    if (this.target.checked) {
      for (const d of this.dead) {
        if (d.validity!.valid) assert.fail(`freed allocation #${d.serial} is still valid`);
      }
      if (!this.target.poison) this.dead.length = 0;
      const tracked = (this.handles[0] as BumperAllocator).tracked;
      assert.equal(tracked, this.live.length, "BumperAllocator.tracked counts the live arrays");
    }
  }

  #free(list: Live[]): void {
    if (this.target.poison || this.target.checked) this.dead.push(...list);
  }

  // Poison mode: once empty, every view freed before is detached.
  #checkPoison(): void {
    if (!this.target.poison || this.used() !== 0) return;
    for (const d of this.dead) {
      if (d.bytes.byteLength !== 0) {
        assert.fail(`freed allocation #${d.serial} is not detached though the buffer is empty`);
      }
    }
    this.dead.length = 0;
  }

  // --- allocation -----------------------------------------------------------------------------

  /**
   * Runs an allocation op and records it; returns the view, or `undefined` when it failed as
   * predicted (out of memory), or throws that error when `propagate`.
   */
  allocate(
    op: Op & { t: "ptr" | "view" | "default" },
    propagate = false,
  ): ArrayBufferView | undefined {
    const h = this.#h(op.h);
    const buf = this.#buf(op.h);
    const type = op.t === "ptr" ? undefined : TYPES[op.type];
    const align = type ? type.BYTES_PER_ELEMENT : (op as { align: number }).align;
    const size = type ? (op as { n: number }).n * align : (op as { size: number }).size;
    const run = (): ArrayBufferView => {
      if (op.t === "ptr") {
        const p = buf.allocPtr(size, align);
        return new Uint8Array(p.buffer, p.byteOffset, size);
      }
      const v = op.t === "view"
        ? alloc(buf, type!, op.n)
        : withBuffer(buf, () => alloc(type!, op.n));
      assert.ok(v instanceof type!, `alloc() gives a ${type!.name}`);
      assert.equal(v.length, op.n);
      return v;
    };
    if (this.target.lies && op.t !== "ptr" && ++this.lies % 3 === 0) {
      // The allocator lies to the library: alloc() refuses, naming it, and nothing changes.
      const before = this.used();
      (buf as LyingBuffer).armed = true;
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      (buf as LyingBuffer).armed = false;
      assert.ok(isLie(error), `expected the lie to be refused, got ${error}`);
      assert.equal(this.used(), before, "a refused lie changes nothing");
      if (propagate) throw error;
      return undefined;
    }
    const cap = this.target.exactCapacity;
    let start = -1;
    if (cap !== undefined) {
      start = alignUp(this.offset, align);
      if (start + size > cap) {
        const before = this.used();
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        assert.ok(error instanceof OutOfMemoryError, `expected OutOfMemoryError, got ${error}`);
        assert.equal(error.requested, size);
        assert.equal(error.available, Math.max(0, cap - start));
        assert.equal(this.used(), before, "a failed allocation changes nothing");
        if (propagate) throw error;
        return undefined;
      }
    }
    const usedBefore = this.used();
    const view = run();
    const serial = ++this.serial;
    const l: Live = {
      serial,
      h,
      buffer: view.buffer,
      start: view.byteOffset,
      size,
      align,
      bytes: new Uint8Array(view.buffer, view.byteOffset, size),
    };
    assert.equal(l.start % align, 0, `offset ${l.start} is aligned to ${align}`);
    if (cap !== undefined) {
      assert.equal(l.start, this.base + start, "lands at the predicted offset");
      this.offset = start + size;
    } else {
      assert.ok(this.used() >= usedBefore + size, `used grows by at least the ${size} bytes`);
    }
    if (size > 0) {
      const end = l.start + size;
      for (const o of this.live) {
        if (o.buffer === l.buffer && o.size > 0 && o.start < end && l.start < o.start + o.size) {
          assert.fail(
            `allocation #${serial} [${l.start}, ${end}) overlaps live #${o.serial} [${o.start}, ${
              o.start + o.size
            })`,
          );
        }
      }
    }
    for (let i = 0; i < size; i++) l.bytes[i] = signature(serial, i);
    if (this.target.checked) l.validity = (this.handles[0] as BumperAllocator).trackChecked();
    this.live.push(l);
    this.hs[h].lastChange = ++this.clock;
    return view;
  }

  // --- checkpoints ----------------------------------------------------------------------------

  #pushFrame(h: number, cp?: unknown): Frame {
    const frame: Frame = { h, cp, serial: this.serial, used: this.used(), clock: this.clock };
    this.hs[h].stack.push(frame);
    return frame;
  }

  // Shared targets: whether another handle moved the offset since `frame` was saved.
  #interfered(frame: Frame): boolean {
    return this.hs.some((s, i) => i !== frame.h && s.lastChange > frame.clock);
  }

  #isLive(frame: Frame): boolean {
    return this.hs[frame.h].stack.includes(frame);
  }

  /** The model's side of a successful restore of `frame` (already done on the allocator). */
  #restored(frame: Frame): void {
    const hs = this.hs[frame.h];
    hs.stack.length = hs.stack.indexOf(frame);
    let freed: Live[];
    let replay = true;
    const used = this.used();
    if (this.target.shared) {
      // Frees this handle's allocations since the save only while no other handle moved the
      // offset since; otherwise frees nothing (a leak until the next reset, never an overlap).
      const interfered = this.#interfered(frame);
      const mine = (l: Live) => l.h === frame.h && l.serial > frame.serial;
      freed = this.live.filter(mine);
      if (used !== this.offset) {
        assert.equal(used, frame.used, "a restore that frees goes back to the save");
        for (const l of this.live) {
          if (!mine(l) && l.size > 0 && l.start - this.base + l.size > used) {
            assert.fail(`a restore to ${used} freed live allocation #${l.serial} of another`);
          }
        }
        this.offset = used;
        this.hs[frame.h].lastChange = ++this.clock;
        // Another handle's restore may have moved the offset below the save, so this handle's
        // allocations since may start below it: they are freed only in part (a leak), and
        // replaying them lands elsewhere.
        if (interfered) replay = false;
      } else {
        if (!interfered && freed.some((l) => l.size > 0)) {
          assert.fail("a restore frees when no other handle moved the offset since the save");
        }
        freed = []; // leaked: still reserved, so still checked
      }
    } else {
      freed = this.live.filter((l) => l.serial > frame.serial);
      assert.equal(used, frame.used, "a restore brings used back to its value at the save");
      this.offset = frame.used;
    }
    if (freed.length > 0) {
      const gone = new Set(freed);
      this.live = this.live.filter((l) => !gone.has(l));
      this.#free(freed);
      if (replay) this.#replay(frame.h, freed);
    }
    this.#checkPoison();
  }

  // After a restore: the freed allocations, made again, land where they were.
  #replay(h: number, freed: Live[]): void {
    if (this.target.skipReplayIfEmptied && this.used() === 0) return;
    const buf = this.handles[h];
    const cp = buf.checkpointSave();
    const names = new Map<ArrayBufferLike, ArrayBufferLike>();
    const back = new Map<ArrayBufferLike, ArrayBufferLike>();
    for (const l of freed) {
      const p = buf.allocPtr(l.size, l.align);
      assert.equal(p.byteOffset, l.start, `replayed #${l.serial} lands at offset ${l.start}`);
      if (l.size === 0) continue; // which memory an empty allocation names does not matter
      if (this.target.replay === "identity") {
        assert.equal(p.buffer, l.buffer, `replayed #${l.serial} lands in the same memory`);
      } else {
        const seen = names.get(l.buffer) ?? p.buffer;
        assert.equal(p.buffer, seen, `replayed #${l.serial}: the same layout`);
        assert.equal(back.get(p.buffer) ?? l.buffer, l.buffer, `replayed #${l.serial}: one buffer`);
        names.set(l.buffer, p.buffer);
        back.set(p.buffer, l.buffer);
      }
    }
    buf.checkpointRestore(cp);
  }

  #expectCheckpointError(f: () => unknown, pattern: RegExp = /^Cannot /): void {
    const used = this.used();
    const live = this.live.length;
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof CheckpointError, `expected CheckpointError, got ${e}`);
      assert.match(e.message, pattern);
      return true;
    });
    assert.equal(this.used(), used, "a failed restore changes nothing");
    assert.equal(this.live.length, live);
  }

  #save(op: Op & { t: "save" }): void {
    const h = this.#h(op.h);
    const cp = this.#buf(op.h).checkpointSave();
    this.saved.push(this.#pushFrame(h, cp));
  }

  #restore(op: Op & { t: "restore" }): void {
    if (this.saved.length === 0) return;
    const frame = this.saved[op.pick % this.saved.length];
    const h = this.#h(op.h);
    const buf = this.#buf(op.h);
    const live = this.#isLive(frame);
    if (!this.target.checksCheckpoints) {
      // A user allocator that trusts its checkpoints: only restore live ones of this body.
      if (!live || h !== frame.h || this.hs[h].stack.indexOf(frame) <= this.hs[h].floor) return;
    }
    if (!live || h !== frame.h) {
      this.#expectCheckpointError(
        () => buf.checkpointRestore(frame.cp),
        /^Cannot restore checkpoint \d+: /,
      );
      return;
    }
    buf.checkpointRestore(frame.cp);
    this.#restored(frame);
  }

  #foreign(op: Op & { t: "foreign" }): void {
    if (!this.target.checksCheckpoints) return;
    const buf = this.#buf(op.h);
    this.#expectCheckpointError(
      () => buf.checkpointRestore(this.foreign),
      /not a live checkpoint of this \w+ \(it was saved by another allocator/,
    );
  }

  #reset(op: Op & { t: "reset" }): void {
    const h = this.#h(op.h);
    const buf = this.#buf(op.h);
    if (!this.target.checksCheckpoints && this.hs.some((s) => s.stack.length > 0)) return;
    if (this.target.shared) {
      if (h !== 0) {
        this.#expectCheckpointError(() => buf.resetBuffer(), /only its owner/);
        return;
      }
      if (this.hs.some((s, i) => i !== 0 && s.stack.length > 0)) {
        this.#expectCheckpointError(() => buf.resetBuffer(), /^Cannot reset SharedAllocBuffer: /);
        return;
      }
    }
    buf.resetBuffer();
    this.#allFreed();
  }

  // After a reset or force-reset: nothing is live, every checkpoint is stale, and the arena is
  // empty (or, once its parent ended it, full for good).
  #allFreed(): void {
    for (const s of this.hs) s.stack.length = 0;
    this.#free(this.live);
    this.live = [];
    this.offset = this.ended ? this.target.exactCapacity! : 0;
    assert.equal(this.used(), this.offset, "a reset frees everything");
    this.#checkPoison();
  }

  #forceReset(op: Op & { t: "forceReset" }): void {
    if (!this.target.forceResets) return;
    if (op.parent && this.target.parent !== undefined) {
      // Ends the sub-arena (this thread carved it): it hands out nothing more. Once ended, it
      // is no longer the parent's, and later force-resets of the parent leave it alone.
      this.target.parent(this.handles).forceReset();
      stats.forceResets++;
      assert.ok((this.handles[0] as SharedAllocBuffer).released);
      if (this.ended) return;
      this.ended = true;
      this.#allFreed();
      return;
    }
    const h = this.#h(op.h);
    const buf = this.handles[h] as SharedAllocBuffer;
    if (h !== 0) {
      this.#expectCheckpointError(() => buf.forceReset(), /only its owner/);
      return;
    }
    buf.forceReset();
    stats.forceResets++;
    this.#allFreed();
  }

  // --- regions --------------------------------------------------------------------------------

  #open(op: Op & { t: "open" }): void {
    const h = this.#h(op.h);
    const seq = ++this.seq;
    const r = region(this.#buf(op.h));
    const frame = this.#pushFrame(h);
    this.regions.push({ seq, h, open: true, frame, region: r });
  }

  #openedAfter(rec: { seq: number; h: number }): boolean {
    return this.regions.some((r) => r !== rec && r.open && r.h === rec.h && r.seq > rec.seq);
  }

  #close(op: Op & { t: "close" }): void {
    const open = this.regions.filter((r) => r.region !== undefined && r.open);
    if (open.length === 0) return;
    const rec = open[op.pick % open.length];
    const frame = rec.frame!;
    const live = this.#isLive(frame);
    const outOfOrder = this.#openedAfter(rec);
    if (
      !this.target.checksCheckpoints &&
      (!live || this.hs[rec.h].stack.indexOf(frame) <= this.hs[rec.h].floor)
    ) {
      return;
    }
    rec.open = false;
    if (outOfOrder) {
      this.#expectCheckpointError(() => rec.region!.close(), /a region opened after it/);
      assert.equal(rec.region!.open, false);
    } else if (!live) {
      this.#expectCheckpointError(() => rec.region!.close(), /^Cannot restore checkpoint \d+: /);
    } else {
      rec.region!.close();
      this.#restored(frame);
    }
  }

  /** The value a region body ends with (or the error it throws). */
  #end(end: End, h: number): unknown {
    if (end === "throw") throw new BodyError("thrown inside the region");
    if (end === "return") return 1;
    return this.allocate({ t: "view", h, type: F64, n: 2 }, true);
  }

  /**
   * Checks how a region ended against the model and applies it: `outcome` is what the region
   * call gave; `escaped` the view an `escape` end returned (if it allocated one).
   */
  #settle(
    rec: RegionRec,
    end: End,
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): void {
    if (!outcome.ok && outcome.error instanceof assert.AssertionError) throw outcome.error;
    const outOfOrder = this.#openedAfter(rec);
    rec.open = false;
    const frame = rec.frame!;
    const live = this.#isLive(frame);
    const threw = !outcome.ok &&
      (outcome.error instanceof BodyError ||
        (end === "escape" &&
          (outcome.error instanceof OutOfMemoryError || isLie(outcome.error))));
    if (threw || end === "throw") {
      assert.ok(
        threw,
        `the body's error propagates, got ${outcome.ok ? "a value" : outcome.error}`,
      );
      if (!outOfOrder && live) this.#restored(frame);
      return;
    }
    const fail = (cls: new (...a: never[]) => Error, pattern: RegExp) => {
      assert.ok(!outcome.ok, `expected ${cls.name}, the region returned`);
      assert.ok(outcome.error instanceof cls, `expected ${cls.name}, got ${outcome.error}`);
      assert.match((outcome.error as Error).message, pattern);
    };
    if (outOfOrder) return fail(CheckpointError, /a region opened after it on the same allocator/);
    if (!live) return fail(CheckpointError, /^Cannot restore checkpoint \d+: /);
    const interfered = this.target.shared && this.#interfered(frame);
    this.#restored(frame);
    if (end === "escape" && interfered && outcome.ok) {
      // Another handle freed below the save, so the view was allocated below it: the restore
      // did not free it (a leak, not an escape). It must still be reserved.
      const v = outcome.value as ArrayBufferView;
      assert.ok(
        this.live.some((l) => l.buffer === v.buffer && l.start === v.byteOffset),
        "a view returned from a region is still allocated",
      );
      return;
    }
    if (end === "escape" && this.target.escapeCheck) {
      return fail(EscapeError, /^Cannot return from noEscape: the result is a Float64Array/);
    }
    assert.ok(outcome.ok, `the region returns, got ${outcome.ok ? "" : outcome.error}`);
    if (end === "return") assert.equal(outcome.value, 1);
    else assert.ok(ArrayBuffer.isView(outcome.value));
  }

  #enter(rec: RegionRec): number {
    const hs = this.hs[rec.h];
    rec.frame = this.#pushFrame(rec.h);
    const floor = hs.floor;
    hs.floor = hs.stack.length - 1;
    return floor;
  }

  #noEscape(op: Op & { t: "noEscape" }): void {
    const h = this.#h(op.h);
    const rec: RegionRec = { seq: ++this.seq, h, open: true };
    let floor = -1;
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      const buf = this.#buf(op.h);
      const body = () => {
        floor = this.#enter(rec);
        for (const b of op.body) this.runSync(b);
        return this.#end(op.end, h);
      };
      const value = op.d ? withBuffer(buf, () => noEscape(body)) : noEscape(buf, body);
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.hs[h].floor = floor;
    this.#settle(rec, op.end, outcome);
  }

  async #async(op: Op & { t: "async" }): Promise<void> {
    const h = this.#h(op.h);
    const rec: RegionRec = { seq: ++this.seq, h, open: true };
    this.regions.push(rec); // in flight: the registry knows it from its first await
    let floor = -1;
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      const buf = this.#buf(op.h);
      const body = async () => {
        floor = this.#enter(rec);
        for (const b of op.body) {
          await tick();
          await this.run(b);
        }
        await tick();
        return this.#end(op.end, h);
      };
      const value = await (op.d ? withBuffer(buf, () => noEscape(body)) : noEscape(buf, body));
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.hs[h].floor = floor;
    this.#settle(rec, op.end, outcome);
  }

  // `noEscape(async fn)` on the default buffer. Inside a `withBuffer` of a handle (an async
  // region with `d`) that handle is the default, and this is that region again; elsewhere the
  // body runs on a task buffer of its own: its ops still reach the handles (explicitly, and
  // through `withBuffer` inside the task), and what it allocates from the task buffer must not
  // leave the region.
  async #task(op: Op & { t: "task" }): Promise<void> {
    const h = this.handles.indexOf(defaultBuffer());
    if (h >= 0) return this.#async({ t: "async", h, d: true, body: op.body, end: op.end });
    const outside = defaultBuffer();
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      const value = await noEscape(async () => {
        const own = defaultBuffer();
        assert.ok(own !== outside && !this.handles.includes(own), "a task buffer of its own");
        const mark = this.seq + 0.5;
        const mine = alloc(Float64Array, 3).fill(mark);
        for (const b of op.body) {
          await tick();
          await this.run(b);
          assert.equal(defaultBuffer(), own, "the task keeps its buffer across await");
        }
        await tick();
        assert.ok(mine.every((v) => v === mark), "the task's own memory is intact");
        if (op.end === "throw") throw new BodyError("thrown inside the task");
        return op.end === "return" ? 1 : alloc(Float64Array, 2);
      });
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error };
    }
    assert.equal(defaultBuffer(), outside, "the default buffer is back after the task");
    if (!outcome.ok && outcome.error instanceof assert.AssertionError) throw outcome.error;
    if (op.end === "return") {
      assert.ok(outcome.ok, `the task returns, got ${outcome.ok ? "" : outcome.error}`);
      assert.equal(outcome.value, 1);
    } else if (op.end === "throw") {
      assert.ok(!outcome.ok && outcome.error instanceof BodyError, "the body's error propagates");
    } else {
      assert.ok(!outcome.ok, "expected EscapeError, the task returned its view");
      assert.ok(outcome.error instanceof EscapeError, `expected EscapeError, got ${outcome.error}`);
      assert.match(outcome.error.message, /^Cannot return from noEscape: the result is a Float64/);
    }
  }

  // Two async regions on one allocator, B opened while A is open, then settling in `order`
  // (a body that throws before its first await settles at once, A before B). Their bodies
  // allocate before awaiting only: allocating in A while B is open is the misuse noEscape
  // documents as undetected.
  async #pair(op: Op & { t: "pair" }): Promise<void> {
    const h = this.#h(op.h);
    const buf = this.#buf(op.h);
    const start = (body: Op[], end: End) => {
      const rec: RegionRec = { seq: ++this.seq, h, open: true };
      this.regions.push(rec);
      let release!: () => void;
      const gate = new Promise<void>((r) => release = r);
      let early = false;
      const promise = noEscape(buf, async () => {
        this.#enter(rec);
        let value: unknown = 1;
        try {
          for (const b of body) this.runSync(b);
          if (end === "escape") value = this.#end(end, h);
        } catch (e) {
          early = true;
          throw e;
        }
        await gate;
        if (end === "throw") this.#end(end, h);
        return value;
      }).then(
        (value) => ({ ok: true as const, value }),
        (error) => ({ ok: false as const, error }),
      );
      return { rec, end, release, promise, early: () => early };
    };
    const floor = this.hs[h].floor;
    const a = start(op.a, op.endA);
    const b = start(op.b, op.endB);
    this.hs[h].floor = floor;
    const order = a.early() ? "ab" : b.early() ? "ba" : op.order;
    for (const r of order === "ab" ? [a, b] : [b, a]) {
      r.release();
      // (A body that failed early settled at the first await, with the other one: check the
      // state once both are settled.)
      this.#settle(r.rec, r.end, await r.promise);
    }
    this.verify();
  }

  // Async tasks on default buffers, started one microtask apart, each allocating and checking
  // its bytes across awaits; some leave work running that tries to allocate after its task
  // settled (when the next task may already hold its pooled memory). That work must be refused
  // every time, and no task's bytes may change.
  async #tasks(op: Op & { t: "tasks" }): Promise<void> {
    const leftovers: Promise<unknown>[] = [];
    const task = async (i: number) => {
      for (let k = 0; k < i; k++) await tick();
      await noEscape(async () => {
        const mine = op.sizes[i].map((n, j) => {
          const v = alloc(Uint8Array, n);
          for (let x = 0; x < n; x++) v[x] = signature(1000 + i, x + j);
          return v;
        });
        await tick();
        await tick();
        mine.forEach((v, j) => {
          for (let x = 0; x < v.length; x++) {
            if (v[x] !== signature(1000 + i, x + j)) {
              assert.fail(`task ${i}'s allocation ${j} was overwritten at byte ${x}`);
            }
          }
        });
        if (op.leftover[i]) {
          leftovers.push((async () => {
            await tick();
            await tick();
            try {
              alloc(Uint8Array, 16).fill(0xee);
              return "allocated";
            } catch (e) {
              return e;
            }
          })());
        }
        return 0;
      });
    };
    await Promise.all(op.sizes.map((_, i) => task(i)));
    for (const outcome of await Promise.all(leftovers)) {
      assert.ok(
        outcome instanceof ReferenceError && /task that has settled/.test(outcome.message),
        `work left running by a settled task must not allocate, got ${String(outcome)}`,
      );
    }
  }

  // --- running --------------------------------------------------------------------------------

  /** Runs a synchronous op, then checks the invariants. */
  runSync(op: Op): void {
    switch (op.t) {
      case "ptr":
      case "view":
      case "default":
        this.allocate(op);
        break;
      case "save":
        this.#save(op);
        break;
      case "restore":
        this.#restore(op);
        break;
      case "foreign":
        this.#foreign(op);
        break;
      case "reset":
        this.#reset(op);
        break;
      case "forceReset":
        this.#forceReset(op);
        break;
      case "open":
        this.#open(op);
        break;
      case "close":
        this.#close(op);
        break;
      case "noEscape":
        this.#noEscape(op);
        break;
      default:
        throw new Error(`not a synchronous op: ${op.t}`);
    }
    this.verify();
  }

  /** Runs any op. */
  async run(op: Op): Promise<void> {
    if (op.t === "async") {
      await this.#async(op);
      this.verify();
    } else if (op.t === "task") {
      await this.#task(op);
      this.verify();
    } else if (op.t === "pair") {
      await this.#pair(op);
    } else if (op.t === "tasks") {
      await this.#tasks(op);
      this.verify();
    } else {
      this.runSync(op);
    }
  }

  /** Closes the regions a program left open (newest first), so no state outlives it. */
  teardown(): void {
    const open = this.regions.filter((r) => r.region !== undefined && r.open);
    open.sort((x, y) => y.seq - x.seq);
    for (const r of open) {
      try {
        r.region!.close();
      } catch {
        // A stale or out-of-order close: checked while the program ran.
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

function opArb(
  target: FuzzTarget,
  handles: number,
  depth: number,
  async: boolean,
): fc.Arbitrary<Op> {
  const h = fc.nat(handles - 1);
  const size = fc.oneof(
    { arbitrary: fc.nat(24), weight: 3 },
    { arbitrary: fc.nat(target.maxSize), weight: 1 },
  );
  const align = fc.constantFrom(1, 2, 4, 8, 16, 64);
  const type = fc.nat(TYPES.length - 1);
  const n = fc.oneof(
    { arbitrary: fc.nat(6), weight: 3 },
    { arbitrary: fc.nat(Math.floor(target.maxSize / 8)), weight: 1 },
  );
  const allocs: fc.Arbitrary<Op>[] = [
    fc.record({ t: fc.constant("ptr" as const), h, size, align }),
    fc.record({ t: fc.constant("view" as const), h, type, n }),
    fc.record({ t: fc.constant("default" as const), h, type, n }),
  ];
  const alloc = fc.oneof(...allocs);
  const leaf: fc.WeightedArbitrary<Op>[] = [
    { arbitrary: alloc, weight: 12 },
    { arbitrary: fc.record({ t: fc.constant("save" as const), h }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant("restore" as const), h, pick: fc.nat() }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant("foreign" as const), h }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant("reset" as const), h }), weight: 1 },
    ...(target.forceResets
      ? [{
        arbitrary: fc.record({
          t: fc.constant("forceReset" as const),
          h,
          parent: fc.boolean().map((b) => b && target.parent !== undefined),
        }),
        weight: 1,
      }]
      : []),
    { arbitrary: fc.record({ t: fc.constant("open" as const), h }), weight: 2 },
    { arbitrary: fc.record({ t: fc.constant("close" as const), pick: fc.nat() }), weight: 2 },
  ];
  if (depth === 0) return fc.oneof(...leaf);
  const end = fc.constantFrom<End>("return", "return", "throw", "escape");
  const syncBody = fc.array(opArb(target, handles, depth - 1, false), { maxLength: 5 });
  const regions: fc.WeightedArbitrary<Op>[] = [
    {
      arbitrary: fc.record({
        t: fc.constant("noEscape" as const),
        h,
        d: fc.boolean(),
        body: syncBody,
        end,
      }),
      weight: 4,
    },
  ];
  if (async) {
    const body = fc.array(opArb(target, handles, depth - 1, true), { maxLength: 5 });
    const pairBody = fc.array(alloc, { maxLength: 3 });
    regions.push(
      {
        arbitrary: fc.record({ t: fc.constant("async" as const), h, d: fc.boolean(), body, end }),
        weight: 2,
      },
      { arbitrary: fc.record({ t: fc.constant("task" as const), body, end }), weight: 1 },
      {
        arbitrary: fc.record({
          t: fc.constant("pair" as const),
          h,
          a: pairBody,
          b: pairBody,
          endA: end,
          endB: end,
          order: fc.constantFrom<"ab" | "ba">("ab", "ba"),
        }),
        weight: 1,
      },
    );
  }
  return fc.oneof(...leaf, ...regions);
}

class OpCommand implements fc.AsyncCommand<object, World> {
  constructor(readonly op: Op) {}
  check(): boolean {
    return true;
  }
  async run(_m: object, world: World): Promise<void> {
    await world.run(this.op);
  }
  toString(): string {
    return JSON.stringify(this.op);
  }
}

/** The fast-check arbitrary of programs for `target`. */
export function programs(
  target: FuzzTarget,
  maxCommands = 30,
  depth = 2,
): fc.Arbitrary<Iterable<fc.AsyncCommand<object, World>>> {
  const handles = target.make().length;
  // Default-buffer tasks run at the top level only (inside withBuffer, async regions share the
  // chosen buffer instead of getting one each).
  const tasks: fc.Arbitrary<Op> = fc.record({
    t: fc.constant("tasks" as const),
    sizes: fc.array(fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 3 }), {
      minLength: 1,
      maxLength: 4,
    }),
    leftover: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  });
  const cmd = fc.oneof(
    { arbitrary: opArb(target, handles, depth, true), weight: 15 },
    { arbitrary: tasks, weight: 1 },
  ).map((op) => new OpCommand(op));
  return fc.commands([cmd], { maxCommands, size: "max" });
}

/** Runs one program (a list of ops) against a fresh `target`: the regression tests' entry. */
export async function runProgram(target: FuzzTarget, ops: readonly Op[]): Promise<World> {
  const world = new World(target);
  try {
    for (const op of ops) {
      await world.run(op);
      world.verify();
    }
  } finally {
    world.teardown();
  }
  return world;
}

/** Figures of one target's run. */
export interface FuzzFigures {
  target: string;
  programs: number;
  steps: number;
  /** Force-resets that succeeded (of the arena, or of a sub-arena's parent). */
  forceResets: number;
  ms: number;
}

/**
 * Runs `numRuns` random programs against `target` (fast-check shrinks a failure to a minimal
 * program and throws with it and the seed) and returns the figures.
 */
export async function fuzz(
  target: FuzzTarget,
  options: { numRuns: number; seed?: number; maxCommands?: number; depth?: number },
): Promise<FuzzFigures> {
  const steps0 = stats.steps;
  const forceResets0 = stats.forceResets;
  let programsRun = 0;
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(programs(target, options.maxCommands, options.depth), async (cmds) => {
      programsRun++;
      const world = new World(target);
      try {
        await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
      } finally {
        world.teardown();
      }
    }),
    { numRuns: options.numRuns, seed: options.seed },
  );
  return {
    target: target.name,
    programs: programsRun,
    steps: stats.steps - steps0,
    forceResets: stats.forceResets - forceResets0,
    ms: performance.now() - t0,
  };
}
