// Model-based tests (fast-check commands): random programs of allocations, checkpoint saves,
// restores (live, stale, doubly restored, foreign) and resets against a simple model of what
// must hold for every built-in buffer: live allocations keep their contents (no overlap), a
// restore brings `used` back to its value at the save, an invalid checkpoint is a
// CheckpointError that changes nothing. For AllocBuffer the model also predicts every offset
// and every out-of-memory error exactly.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AllocBuffer,
  type Checkpoint,
  CheckpointError,
  OutOfMemoryError,
  ResizeBuffer,
  SlabBuffer,
} from "../../allocators/mod.ts";

type Buffer = AllocBuffer | SlabBuffer | ResizeBuffer;

interface Live {
  bytes: Uint8Array;
  tag: number;
}

interface Model {
  live: Live[];
  /** Live checkpoints, oldest first, with what they must bring back. */
  stack: { cp: Checkpoint; liveCount: number; used: number }[];
  /** Every checkpoint saved so far, live or not. */
  saved: Checkpoint[];
  /** For AllocBuffer: the exact offset and capacity. */
  exact?: { offset: number; capacity: number };
  nextTag: number;
}

interface Real {
  buf: Buffer;
  /** A checkpoint of another buffer, for foreign restores. */
  foreign: Checkpoint;
}

function checkLive(m: Model): void {
  for (const { bytes, tag } of m.live) {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== tag) assert.fail(`allocation tagged ${tag} was overwritten`);
    }
  }
}

class AllocCmd implements fc.Command<Model, Real> {
  constructor(readonly size: number, readonly align: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const usedBefore = r.buf.used;
    if (m.exact) {
      const start = Math.ceil(m.exact.offset / this.align) * this.align;
      if (start + this.size > m.exact.capacity) {
        assert.throws(() => r.buf.allocPtr(this.size, this.align), OutOfMemoryError);
        assert.equal(r.buf.used, usedBefore);
        return;
      }
      const ptr = r.buf.allocPtr(this.size, this.align);
      assert.equal(ptr.byteOffset, start);
      m.exact.offset = start + this.size;
      this.record(m, ptr.buffer, ptr.byteOffset);
    } else {
      const ptr = r.buf.allocPtr(this.size, this.align);
      assert.equal(ptr.byteOffset % this.align, 0);
      this.record(m, ptr.buffer, ptr.byteOffset);
    }
    assert.ok(r.buf.used >= usedBefore + this.size);
    checkLive(m);
  }
  record(m: Model, buffer: ArrayBufferLike, offset: number): void {
    const tag = (m.nextTag++ % 255) + 1;
    const bytes = new Uint8Array(buffer, offset, this.size).fill(tag);
    m.live.push({ bytes, tag });
  }
  toString(): string {
    return `alloc(${this.size}, ${this.align})`;
  }
}

class SaveCmd implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const cp = r.buf.checkpointSave();
    m.stack.push({ cp, liveCount: m.live.length, used: r.buf.used });
    m.saved.push(cp);
  }
  toString(): string {
    return "save";
  }
}

class RestoreCmd implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.saved.length > 0;
  }
  run(m: Model, r: Real): void {
    const cp = m.saved[this.pick % m.saved.length];
    const depth = m.stack.findIndex((e) => e.cp === cp);
    if (depth < 0) {
      const used = r.buf.used;
      assert.throws(() => r.buf.checkpointRestore(cp), CheckpointError);
      assert.equal(r.buf.used, used, "a failed restore changes nothing");
    } else {
      const entry = m.stack[depth];
      r.buf.checkpointRestore(cp);
      m.stack.length = depth;
      m.live.length = entry.liveCount;
      assert.equal(r.buf.used, entry.used, "restore brings used back");
      if (m.exact) m.exact.offset = entry.used;
    }
    checkLive(m);
  }
  toString(): string {
    return `restore(#${this.pick})`;
  }
}

class ForeignRestoreCmd implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const used = r.buf.used;
    assert.throws(() => r.buf.checkpointRestore(r.foreign), /another allocator/);
    assert.equal(r.buf.used, used);
    checkLive(m);
  }
  toString(): string {
    return "restore(foreign)";
  }
}

class ResetCmd implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.buf.resetBuffer();
    m.stack.length = 0;
    m.live.length = 0;
    if (m.exact) m.exact.offset = 0;
    assert.equal(r.buf.used, 0);
  }
  toString(): string {
    return "reset";
  }
}

const commands = [
  fc.tuple(fc.nat(120), fc.constantFrom(1, 2, 4, 8, 16)).map(([s, a]) => new AllocCmd(s, a)),
  fc.tuple(fc.nat(120), fc.constantFrom(1, 2, 4, 8, 16)).map(([s, a]) => new AllocCmd(s, a)),
  fc.constant(new SaveCmd()),
  fc.constant(new SaveCmd()),
  fc.nat().map((k) => new RestoreCmd(k)),
  fc.nat().map((k) => new RestoreCmd(k)),
  fc.constant(new ForeignRestoreCmd()),
  fc.constant(new ResetCmd()),
];

function modelSuite(name: string, make: () => Buffer, exactCapacity?: number): void {
  it(`${name} matches the model under random alloc/save/restore/reset programs`, () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        const other = new AllocBuffer(64);
        const setup = () => ({
          model: {
            live: [],
            stack: [],
            saved: [],
            nextTag: 0,
            exact: exactCapacity === undefined ? undefined : { offset: 0, capacity: exactCapacity },
          } as Model,
          real: { buf: make(), foreign: other.checkpointSave() },
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 150 },
    );
  });
}

describe("buffer models", () => {
  modelSuite("AllocBuffer", () => new AllocBuffer(1000), 1000);
  modelSuite("SlabBuffer", () => new SlabBuffer(200, { maxSpareSlabs: 1 }));
  modelSuite("ResizeBuffer", () => new ResizeBuffer(150));
});
