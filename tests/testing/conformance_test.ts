// The conformance suite itself: it passes a correct allocator (registered below as node:test
// tests, as users register theirs) and each of its cases fails an allocator that breaks the rule
// the case checks.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Allocator, Ptr } from "../../allocators/mod.ts";
import { MyAllocBuffer } from "../../examples/my_alloc_buffer.ts";
import { conformanceCases, conformanceSuite } from "../../testing/mod.ts";

type Flaw =
  | "ignores alignment"
  | "overlaps"
  | "ends past the buffer"
  | "restore does nothing"
  | "reset does nothing"
  | "moves on failure"
  | "new block per allocation"
  | "allocView elsewhere"
  | "allocatedSince always false";

/**
 * The user-written allocator of examples/my_alloc_buffer.ts with `allocatedSince`, correct
 * unless given a flaw.
 */
class Bump extends MyAllocBuffer {
  readonly flaw: Flaw | undefined;
  allocView?: Allocator<number>["allocView"];
  constructor(n: number, flaw?: Flaw) {
    super(n);
    this.flaw = flaw;
    if (flaw === "allocView elsewhere") {
      // Correct sizes, but 8 bytes further on than allocPtr would place them.
      this.allocView = (type, length) => {
        this.offset += 8;
        const p = this.allocPtr(length * type.BYTES_PER_ELEMENT, type.BYTES_PER_ELEMENT);
        return new type(p.buffer as ArrayBuffer, p.byteOffset, length);
      };
    }
  }
  override allocPtr(n: number, alignment: number): Ptr {
    switch (this.flaw) {
      case "new block per allocation":
        return { buffer: new ArrayBuffer(n), byteOffset: 0 };
      case "ignores alignment":
        return super.allocPtr(n, 1);
      case "overlaps": // starts halfway back, over live allocations
        this.offset = Math.floor(this.offset / 2);
        return super.allocPtr(n, alignment);
      case "ends past the buffer": {
        const start = Math.ceil(this.offset / alignment) * alignment;
        this.offset = start + n;
        return { buffer: this.buf, byteOffset: start };
      }
      case "moves on failure":
        try {
          return super.allocPtr(n, alignment);
        } catch (e) {
          this.offset = this.buf.byteLength;
          throw e;
        }
      default:
        return super.allocPtr(n, alignment);
    }
  }
  override checkpointRestore(offset: number): void {
    if (this.flaw !== "restore does nothing") super.checkpointRestore(offset);
  }
  override resetBuffer(): void {
    if (this.flaw !== "reset does nothing") super.resetBuffer();
  }
  allocatedSince(cp: number, view: ArrayBufferView): boolean {
    if (this.flaw === "allocatedSince always false") return false;
    return view.buffer === this.buf && view.byteOffset >= cp;
  }
}

/** The names of the cases that throw for allocators made by `make`. */
function failing(make: () => Allocator, contiguous = true): string[] {
  const out: string[] = [];
  for (const c of conformanceCases(make, { contiguous })) {
    try {
      c.run();
    } catch (e) {
      assert.ok(e instanceof Error, `case "${c.name}" threw a non-error`);
      out.push(c.name);
    }
  }
  return out;
}

// The suite as users run it.
conformanceSuite("Bump", () => new Bump(8192));

describe("conformanceCases()", () => {
  it("conformanceCases() passes a correct allocator, case by case", () => {
    assert.deepEqual(failing(() => new Bump(8192)), []);
  });

  it("conformanceCases() fails an allocator for each rule it breaks", () => {
    const expected: [Flaw, RegExp][] = [
      ["ignores alignment", /^allocPtr\(\) returns aligned pointers/],
      ["overlaps", /^allocPtr\(\) hands out live allocations that never overlap/],
      ["ends past the buffer", /^allocPtr\(\) that fails changes nothing/],
      ["restore does nothing", /^checkpointRestore\(\) returns the exact state/],
      ["reset does nothing", /^resetBuffer\(\) frees everything/],
      ["moves on failure", /^allocPtr\(\) that fails changes nothing/],
      ["allocView elsewhere", /^alloc\(\) places views where allocPtr\(\) would/],
      ["allocatedSince always false", /^noEscape\(\) reports an escaping view/],
    ];
    for (const [flaw, rule] of expected) {
      const names = failing(() => new Bump(8192, flaw));
      assert.ok(
        names.some((n) => rule.test(n)),
        `an allocator that ${flaw} passed "${rule.source}"; failing cases: ${names.join("; ")}`,
      );
    }
  });

  it("conformanceCases() checks that regions are contiguous unless told they need not be", () => {
    const make = () => new Bump(8192, "new block per allocation");
    assert.ok(
      failing(make, true).includes(
        "nested regions are contiguous and sibling regions reuse memory",
      ),
    );
    assert.ok(
      !failing(make, false).includes(
        "nested regions are contiguous and sibling regions reuse memory",
      ),
    );
  });

  it("conformanceCases() fails a make() that returns something other than an allocator", () => {
    const [first] = conformanceCases(() => ({ allocPtr() {} }) as unknown as Allocator);
    assert.throws(() => first.run(), /make\(\) must return an allocator .* got an Object/);
  });

  it("conformanceCases() and conformanceSuite() refuse bad arguments with the value named", () => {
    assert.throws(
      () => conformanceCases(42 as unknown as () => Allocator),
      { name: "TypeError", message: /make must be a function .* got 42/ },
    );
    assert.throws(
      () => conformanceCases(() => new Bump(64), null as unknown as object),
      { name: "TypeError", message: /options must be an object, got null/ },
    );
    for (const capacity of [100, 1024.5, NaN]) {
      assert.throws(
        () => conformanceCases(() => new Bump(64), { capacity }),
        { name: "RangeError", message: /capacity must be an integer of at least 1024 bytes, got/ },
      );
    }
    assert.throws(
      () => conformanceSuite(7 as unknown as string, () => new Bump(64)),
      { name: "TypeError", message: /name must be a string, got 7/ },
    );
  });

  it("conformanceCases() keeps within the capacity it is given", () => {
    // An allocator of exactly 2048 bytes passes with capacity 2048 and fails with more.
    assert.deepEqual(
      conformanceCases(() => new Bump(2048), { capacity: 2048 }).filter((c) => {
        try {
          c.run();
          return false;
        } catch {
          return true;
        }
      }),
      [],
    );
    assert.notDeepEqual(failing(() => new Bump(2048)), []);
  });
});
