// The Allocator protocol's optional members, through allocators users write: `trackChecked`
// (how the CheckedAllocArrays an allocator hands out are invalidated) as `similar` asks it.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Allocator,
  AllocBuffer,
  type Checkpoint,
  DefaultAllocator,
  MemoryValidity,
  noEscape,
  type Ptr,
} from "../../allocators/mod.ts";
import {
  CheckedAllocArray,
  InvalidMemoryError,
  similar,
  UncheckedBumperAllocator,
} from "../../arrays/mod.ts";
import { withAllocator } from "../../scope/mod.ts";
import { TestBump } from "../_helpers.ts";
import { conformanceSuite } from "../../testing/mod.ts";

interface GenerationCheckpoint {
  inner: Checkpoint;
  depth: number;
}

/**
 * A user-written allocator over an AllocBuffer that says how its CheckedAllocArrays are
 * invalidated: each checkpoint starts a generation of its own, which restoring the checkpoint
 * ends; a reset ends them all.
 */
class Generations implements Allocator<GenerationCheckpoint> {
  readonly buffer = new AllocBuffer(8192);
  #generations = [new MemoryValidity()];
  allocPtr(byteLength: number, alignment: number): Ptr {
    return this.buffer.allocPtr(byteLength, alignment);
  }
  checkpointSave(): GenerationCheckpoint {
    const depth = this.#generations.length;
    const inner = this.buffer.checkpointSave();
    this.#generations.push(new MemoryValidity());
    return { inner, depth };
  }
  checkpointRestore(checkpoint: GenerationCheckpoint): void {
    this.buffer.checkpointRestore(checkpoint.inner); // throws, changing nothing, when stale
    while (this.#generations.length > checkpoint.depth) this.#generations.pop()!.invalidate();
  }
  resetBuffer(): void {
    this.buffer.resetBuffer();
    for (const g of this.#generations) g.invalidate();
    this.#generations = [new MemoryValidity()];
  }
  allocatedSince(checkpoint: GenerationCheckpoint, view: ArrayBufferView): boolean {
    return this.buffer.allocatedSince(checkpoint.inner, view);
  }
  trackChecked(): MemoryValidity {
    return this.#generations[this.#generations.length - 1];
  }
}

conformanceSuite("a user allocator with trackChecked", () => new Generations());

const invalid = { name: "InvalidMemoryError" };

describe("Allocator.trackChecked", () => {
  it("similar() of a CheckedAllocArray under a user allocator shares the validity it hands out", () => {
    const gen = new Generations();
    const input = new CheckedAllocArray(new Float64Array([1, 2, 3]));
    const [outer, inner] = withAllocator(gen, () => {
      const outer = similar(input);
      let inner: CheckedAllocArray<Float64Array> | undefined;
      noEscape(gen, () => {
        inner = similar(input);
        inner.fill(7);
        assert.equal(inner.get(2), 7);
      });
      return [outer, inner!];
    });
    assert.equal(outer.data.buffer, gen.buffer.memory);
    assert.equal(inner.isValid, false); // its region ended
    assert.throws(() => inner.get(0), invalid);
    assert.throws(() => inner.transpose(), InvalidMemoryError);
    outer.fill(5);
    assert.deepEqual([...outer], [5, 5, 5]); // allocated before the region: still live
    gen.resetBuffer();
    assert.throws(() => outer.get(0), invalid);
    assert.ok(input.isValid);
  });

  it("similar() asks the allocator, not its class: a heap subclass's own trackChecked is used", () => {
    const freed = new MemoryValidity();
    class ShortLivedHeap extends DefaultAllocator {
      override trackChecked(): MemoryValidity {
        return freed;
      }
    }
    const input = new CheckedAllocArray(new Float64Array(2));
    const c = withAllocator(new ShortLivedHeap(), () => similar(input));
    assert.equal(c.validity, freed);
    freed.invalidate();
    assert.throws(() => c.get(0), invalid);
    // An object that is no DefaultAllocator but forwards to one gets heap arrays too.
    const heap = DefaultAllocator.shared;
    const forwarding: Allocator = {
      allocPtr: (n, a) => heap.allocPtr(n, a),
      checkpointSave: () => heap.checkpointSave(),
      checkpointRestore: () => heap.checkpointRestore(undefined),
      resetBuffer: () => heap.resetBuffer(),
      trackChecked: () => heap.trackChecked(),
    };
    const d = withAllocator(forwarding, () => similar(input, null, [2, 2]));
    assert.deepEqual(d.toNested(), [[0, 0], [0, 0]]);
    forwarding.resetBuffer();
    assert.ok(d.isValid);
  });

  it("similar() of a CheckedAllocArray under an allocator without trackChecked throws naming it, allocating nothing", () => {
    const input = new CheckedAllocArray(new Float64Array(4));
    const bump = new TestBump(1024);
    const buf = new AllocBuffer(1024);
    const unchecked = new UncheckedBumperAllocator(new AllocBuffer(1024));
    for (
      const [allocator, name, used] of [
        [bump, "a TestBump", () => bump.offset],
        [buf, "an AllocBuffer", () => buf.used],
        [unchecked, "an UncheckedBumperAllocator", () => (unchecked.buffer as AllocBuffer).used],
      ] as const
    ) {
      assert.throws(() => withAllocator(allocator, () => similar(input)), {
        name: "TypeError",
        message: new RegExp(
          `^Cannot allocate a CheckedAllocArray from ${name}: it cannot invalidate the array when it frees the memory \\(it has no trackChecked method\\)`,
        ),
      });
      assert.equal(used(), 0);
    }
  });
});
