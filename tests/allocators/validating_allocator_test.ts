import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alloc,
  type Allocator,
  AllocBuffer,
  CheckpointError,
  EscapeError,
  noEscape,
  type Ptr,
  ValidatingAllocator,
} from "../../allocators/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  InvalidMemoryError,
  reset,
  similar,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";

// A bump allocator whose bugs can be switched on: forgetting to move the offset (every
// allocation at 0), and restores that free nothing.
class Buggy implements Allocator<number> {
  memory = new ArrayBuffer(1024);
  offset = 0;
  constructor(readonly bug: "none" | "stuck" | "overlapping restore" = "none") {}
  allocPtr(n: number, alignment: number): Ptr {
    const start = Math.ceil(this.offset / alignment) * alignment;
    if (this.bug !== "stuck") this.offset = start + n;
    return { buffer: this.memory, byteOffset: this.bug === "stuck" ? 0 : start };
  }
  checkpointSave(): number {
    return this.offset;
  }
  checkpointRestore(offset: number): void {
    // An "overlapping restore" goes back too far: to the start.
    this.offset = this.bug === "overlapping restore" ? 0 : offset;
  }
  resetBuffer(): void {
    this.offset = 0;
  }
}

describe("ValidatingAllocator", () => {
  it("ValidatingAllocator passes a correct allocator's allocations through", () => {
    const buf = new ValidatingAllocator(new TestBump(1024));
    const a = alloc(buf, Float64Array, 4).fill(1);
    const b = alloc(buf, Int32Array, 3).fill(2);
    assert.equal(a.byteOffset, 0);
    assert.equal(b.byteOffset, 32);
    assert.equal(buf.live, 2);
    assert.equal(String(buf), "ValidatingAllocator(a TestBump, 2 live allocations)");
  });

  it("ValidatingAllocator catches an allocator handing out live bytes again, naming it", () => {
    const buf = new ValidatingAllocator(new Buggy("stuck"));
    alloc(buf, Float64Array, 4);
    assert.throws(() => alloc(buf, Uint8Array, 8), (e) => {
      assert.ok(e instanceof RangeError);
      assert.match(
        e.message,
        /^Cannot allocate 8 bytes aligned to 1 from a Buggy: its allocPtr returned bytes 0\.\.8, which overlap the live allocation at 0\.\.32 of the same buffer/,
      );
      return true;
    });
  });

  it("ValidatingAllocator catches a restore that freed more than it should (the next allocation overlaps)", () => {
    const buf = new ValidatingAllocator(new Buggy("overlapping restore"));
    const kept = alloc(buf, Float64Array, 2);
    noEscape(buf, () => alloc(buf, Float64Array, 2)[0]);
    assert.throws(() => alloc(buf, Float64Array, 2), /overlap the live allocation at 0\.\.16/);
    assert.equal(kept.length, 2);
  });

  it("ValidatingAllocator checks bounds, alignment and the buffer of every pointer", () => {
    class Liar extends Buggy {
      override allocPtr(n: number): Ptr {
        return { buffer: this.memory, byteOffset: 1020 + n - n };
      }
    }
    const buf = new ValidatingAllocator(new Liar());
    assert.throws(() => buf.allocPtr(8, 8), /byteOffset 1020, not a multiple of the alignment 8/);
    assert.throws(
      () => buf.allocPtr(8, 4),
      /bytes 1020\.\.1028, past the end of its buffer of 1024 bytes/,
    );
    assert.equal(buf.live, 0);
  });

  it("ValidatingAllocator refuses to restore a checkpoint twice or out of order, before the wrapped allocator", () => {
    const inner = new TestBump(1024);
    const buf = new ValidatingAllocator(inner);
    const outer = buf.checkpointSave();
    alloc(buf, Float64Array, 2);
    const innerCp = buf.checkpointSave();
    buf.checkpointRestore(outer);
    assert.throws(() => buf.checkpointRestore(innerCp), CheckpointError);
    assert.throws(() => buf.checkpointRestore(outer), CheckpointError);
    assert.equal(inner.offset, 0);
  });

  it("ValidatingAllocator detects escapes for an allocator without allocatedSince", () => {
    const buf = new ValidatingAllocator(new TestBump(1024));
    assert.throws(() => noEscape(buf, () => alloc(buf, Float64Array, 2)), EscapeError);
    assert.equal(noEscape(buf, () => alloc(buf, Float64Array, 2).fill(1)[1]), 1);
    assert.equal(buf.live, 0);
  });

  it("ValidatingAllocator works under BumperAllocator and withAllocator, forwarding trackChecked", () => {
    const checked = new ValidatingAllocator(new BumperAllocator(new AllocBuffer(1024)));
    assert.equal(typeof checked.trackChecked, "function");
    const input = new CheckedAllocArray(new Float64Array(3));
    const y = withAllocator(checked, () => similar(input));
    y.fill(4);
    reset(checked);
    assert.throws(() => y.get(0), InvalidMemoryError);
    assert.equal(new ValidatingAllocator(new TestBump(64)).trackChecked, undefined);
    const plain = withAllocator(checked, () => similar(AllocArray.from(new Float64Array(2))));
    assert.equal(plain.size, 2);
  });

  it("new ValidatingAllocator() refuses a non-allocator", () => {
    assert.throws(
      () => new ValidatingAllocator({} as never),
      /^TypeError: Cannot create ValidatingAllocator: expected an allocator/,
    );
  });
});
