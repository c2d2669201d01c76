// Package-private: the bump core, where every built-in bump buffer (AllocBuffer, SlabBuffer,
// ResizeBuffer, AutoscalingAllocBuffer) keeps the state of its fast path, and where the library
// finds it without calling the buffer's methods.
//
// Why: `alloc`, `noEscape` and `similar` are called with whatever allocator the program uses.
// Calling each class's own `checkpointSave`/`allocView`/`checkpointRestore` makes those call
// sites polymorphic, and once a program uses five or more allocator classes megamorphic: each
// call becomes a stub-cache lookup that cannot be inlined, which doubled the cost of a region
// with one allocation. One core class for every buffer keeps them monomorphic: the library
// reads `buf[BUMP]` (one load, skipped by a one-entry cache in loops) and then runs the same
// few lines of arithmetic whatever the buffer. Each buffer keeps its own behaviour in a
// `BumpSlowPath` the core calls only when the fast path does not apply (a new slab, additional
// buffers, overflow, poison mode).
//
// A core is also what every allocator over the same buffer shares: `BumperAllocator` and
// `UncheckedBumperAllocator` expose their buffer's core, so their checkpoints *are* the buffer's,
// the open regions of all of them are recorded in one place (a region on a wrapper and one on
// the buffer cannot free each other's memory), and the CheckedAllocArrays of every
// BumperAllocator over the buffer are invalidated by whichever path frees their memory (a
// restore or reset of the buffer itself, of the wrapper, or of a second wrapper).

import { noteArenaMemory } from "./arena_memory.ts";
import { CheckpointIds, nextId } from "./checkpoint_ids.ts";
import { checkByteLength } from "./validate.ts";
import type { Allocator, Ptr } from "../allocators/allocator.ts";
import type { Checkpoint } from "../allocators/checkpoint.ts";
import type { TypedArray, TypedArrayConstructor } from "../allocators/dtype.ts";
import type { MemoryValidity } from "../allocators/memory_validity.ts";
import { Generations } from "./generations.ts";

/** The key of an allocator's bump core (a non-enumerable, read-only own property). */
export const BUMP: unique symbol = Symbol("allocarrays.bump");

/**
 * The key under which an allocator that forwards to another one (a `BumperAllocator` over a
 * buffer without a core) names it, so that regions on both are recorded together.
 */
export const WRAPS: unique symbol = Symbol("allocarrays.wraps");

/** What a buffer does where the core's fast path does not apply. */
export interface BumpSlowPath {
  /**
   * An allocation that does not fit below `core.limit` in `core.memory` (validated sizes). It
   * may move the core to other memory (a new slab) or leave it (an additional buffer).
   */
  alloc(byteLength: number, alignment: number): Ptr;
  /** Called by `save` while `core.slowSave` is set: record what else depth `depth` needs. */
  save(depth: number): void;
  /**
   * Called by `restore` (after the checkpoint at `depth` and those above it were popped) when
   * the saved shape differs from the current one or `core.slowRestore` is set: restore the
   * state saved at `depth`, offset included.
   */
  restore(depth: number): void;
  /**
   * Optional: what `reset` does when its fast path does not apply (see `Bump.resetMode`): the
   * buffer's whole reset, offset included. Without it, `reset` calls the owner's `resetBuffer`.
   */
  reset?(): void;
  /**
   * Optional: the error to throw when the runtime refused a view of `requested` bytes at `start`
   * of `core.memory` (the memory was detached or shrank under the buffer), or `undefined` to
   * throw the runtime's. Nothing has changed when it is called.
   */
  refused?(requested: number, start: number, cause: unknown): Error | undefined;
}

/** Slots of the view-recycling table when it is made (a power of two). */
const SLOTS = 64;
/**
 * The most slots the table grows to (a power of two): it grows (×2 or more) when allocations
 * that did not fit in it are made again at the same offsets (a loop of more small allocations
 * per reset or region than it has slots), so it keeps at most this many view and array
 * objects alive (~200 bytes each).
 */
const MAX_SLOTS = 4096;
/**
 * Consecutive misses after which recycling pauses until allocation comes back to an offset
 * where it paused or declined (a restore or reset): a long run of allocations at new offsets gains nothing from
 * the table, and every miss costs more than a plain allocation (the table keeps what it makes
 * alive, so it survives the next young-generation collection). Right after the table grew,
 * the next pass may miss up to a whole table's worth before it pauses (it fills the table).
 */
const MISS_LIMIT = 8;

/** {@linkcode Bump.resetMode}: every reset takes the slow path. */
export const SLOW_RESET = -1;
/** {@linkcode Bump.resetMode}: a reset notes the offset in `high` and frees. */
export const KEEP_HIGH = -2;

/** One entry of the view-recycling table of a bump core (see {@linkcode Bump.recycle}). */
export class RecycledView {
  /** The memory `view` is over. */
  memory: ArrayBuffer | SharedArrayBuffer | undefined = undefined;
  /** The byte offset of `view` in `memory` (-1: no view). */
  start = -1;
  /** The element type of `view`. */
  type: TypedArrayConstructor | undefined = undefined;
  /** The recycled view. */
  view: TypedArray | undefined = undefined;
  /** What the arrays layer made over `view` last time (an array object). */
  companion: object | undefined = undefined;
}

/** The bump state of one buffer: what the fast paths of every built-in buffer share. */
export class Bump extends CheckpointIds {
  /** The memory the fast path allocates from (set with {@linkcode Bump.setMemory}). */
  memory: ArrayBuffer | SharedArrayBuffer;
  /**
   * A view of all of `memory`, whose length says how far views of it can reach now: 0 once
   * `memory` is detached (transferred, or replaced by `WebAssembly.Memory.prototype.grow`), the
   * new size once a resizable `memory` shrinks. `view` compares with it, where catching the
   * runtime's refusal would make the fast path too large to inline.
   */
  span: Uint8Array;
  /** The bump offset in `memory`. */
  offset = 0;
  /** Fast-path allocations must end at or below this (-1: every allocation is slow). */
  limit: number;
  /**
   * The buffer's state beyond `offset` (which slab, how many additional buffers, …), as a
   * number the buffer chooses, saved with every checkpoint (`savedShapes`). Set it with
   * {@linkcode Bump.setState}.
   */
  shape = 0;
  /** Whether `save` must call the slow path (the buffer has state to record per checkpoint). */
  slowSave = false;
  /** Whether every `restore` must take the slow path (poison mode, …). */
  slowRestore = false;
  // Checkpoints at this depth or above were saved in the current state (none: Infinity, while
  // every restore is slow): restoring one only moves the offset back.
  #stateFloor = 0;
  /**
   * Restoring a checkpoint at this depth or above takes the fast path: it was saved in the
   * current state, and no CheckedAllocArray was allocated above it (max of #stateFloor and the
   * top checked level). One compare on every restore.
   */
  fastFloor = 0;
  /**
   * The highest offset the fast path has restored or reset from (the buffers' peaks; an
   * AutoscalingAllocBuffer keeps the most bytes it had in use since its last reset here).
   */
  high = 0;
  /**
   * What `reset` does, set by the buffer: {@linkcode KEEP_HIGH}, note the offset in `high` and
   * free; a usage `u` ≥ 0, free and set `high` to 0 when the run's usage (the larger of the
   * offset and `high`) is `u`; in every other case ({@linkcode SLOW_RESET}), the slow path.
   */
  resetMode = SLOW_RESET;
  /** Whether `similar` may recycle view and array objects over this buffer's memory. */
  recycles = true;
  /** The allocator this core belongs to (named in error messages). */
  readonly owner: Allocator;
  readonly #slow: BumpSlowPath;
  #retired: string | undefined;
  /**
   * The sequence numbers of the open regions on this buffer that may end out of order (async
   * `noEscape` bodies, `using` regions), through any allocator over it, ascending (see
   * allocators/_open_regions.ts).
   */
  readonly regions: number[] = [];
  /** The offset and shape saved with each live checkpoint, by depth. */
  readonly savedOffsets: number[] = [];
  readonly savedShapes: number[] = [];

  /** The CheckedAllocArrays over this buffer, by level (see _internal/generations.ts). */
  readonly checked: Generations = new Generations();

  // The view-recycling table of `similar` (see `recycle`), direct-mapped by byte offset, one
  // object per slot (one load reaches everything a hit compares); made on the first recycled
  // allocation.
  #slots: RecycledView[] = [];
  #misses = 0;
  // Consecutive misses that pause recycling (MISS_LIMIT, or the table's size while it fills).
  #missLimit = MISS_LIMIT;
  // Where recycling paused (see MISS_LIMIT), and how many allocations it declined since.
  #pausedAt = 0;
  #declined = 0;
  // The offset of the last allocation declined (-1: none since the pause): an allocation at
  // or below it means the offsets come round again (a restore), so recycling resumes.
  #lastDeclined = -1;
  // The table's hash shift: 32 - log2(its size).
  #shift = 32 - Math.log2(SLOTS);

  constructor(
    owner: Allocator,
    memory: ArrayBuffer | SharedArrayBuffer,
    limit: number,
    slow: BumpSlowPath,
  ) {
    super();
    this.owner = owner;
    this.memory = noteArenaMemory(memory);
    this.span = new Uint8Array(memory);
    this.limit = limit;
    this.#slow = slow;
  }

  /** Makes `memory` (not detached) the memory the fast path allocates from. */
  setMemory(memory: ArrayBuffer | SharedArrayBuffer): void {
    this.memory = memory;
    this.span = new Uint8Array(memory);
  }

  /**
   * The buffer changed its state beyond the offset (or what its saves and restores must do):
   * every live checkpoint was saved in another state, so their restores take the slow path.
   */
  setState(shape: number, slowSave: boolean, slowRestore: boolean): void {
    this.shape = shape;
    this.slowSave = slowSave;
    this.slowRestore = slowRestore;
    this.#stateFloor = slowRestore ? Infinity : this.depth;
    this.#refloor();
  }

  #refloor(): void {
    const top = this.checked.top;
    const floor = this.#stateFloor;
    this.fastFloor = top > floor ? top : floor;
  }

  /**
   * Retires the buffer: its memory now serves another buffer, so every later allocation, save
   * or restore through this core throws a `ReferenceError` saying `why` (the fast paths are
   * closed: the limit is -1 and every save and restore is slow).
   */
  retire(why: string): void {
    this.#retired = why;
    this.limit = -1;
    this.resetMode = SLOW_RESET;
    this.setState(this.shape, true, true);
    this.forgetViews();
  }

  /** Throws the retirement's `ReferenceError` (naming `action`) when the buffer is retired. */
  checkLive(action: string): void {
    if (this.#retired === undefined) return;
    throw new ReferenceError(`Cannot ${action}: ${this.#retired}`);
  }

  /** Publishes the core on `buf` (under {@linkcode BUMP}) for the library's fast paths. */
  static attach(buf: Allocator, core: Bump): void {
    Object.defineProperty(buf, BUMP, { value: core });
  }

  /** `n` elements of `type` (validated) at the next aligned offset, or from the slow path. */
  view<T extends TypedArray>(type: TypedArrayConstructor<T>, n: number): T {
    const size = type.BYTES_PER_ELEMENT;
    const off = this.offset;
    const start = off + (-off & (size - 1));
    const end = start + n * size;
    // (An allocation reaching the end of the memory takes the slow path too: after the memory is
    // detached, the span is empty and an empty view at 0 would still reach its end.)
    if (end > this.limit || end >= this.span.length) return viewSlow(this, type, n, start, end);
    const v = new type(this.memory, start, n);
    this.offset = end;
    return v;
  }

  /** The error to throw for a view of `memory` that the runtime refused (with `cause`). */
  refused(requested: number, start: number, cause: unknown): unknown {
    return this.#slow.refused?.(requested, start, cause) ?? cause;
  }

  /** An allocation past `limit`: the buffer's slow path (refused once the buffer is retired). */
  allocSlow(byteLength: number, alignment: number): Ptr {
    this.checkLive("allocate");
    return this.#slow.alloc(byteLength, alignment);
  }

  /** `byteLength` bytes (validated) aligned to `alignment` (a power of two). */
  ptr(byteLength: number, alignment: number): Ptr {
    const off = this.offset;
    const start = off + (-off & (alignment - 1));
    const end = start + byteLength;
    if (end <= this.limit) {
      this.offset = end;
      return { buffer: this.memory, byteOffset: start };
    }
    return this.allocSlow(byteLength, alignment);
  }

  /**
   * Like {@linkcode Bump.view}, for `similar`: when the allocation takes the fast path and is
   * not empty, returns the entry of the recycling table whose view covers it, the same view
   * object as last time when the same element type and length were allocated at the same
   * offset of the same memory (whoever had it before must have had its memory freed, or the
   * buffer would be handing out live bytes). Returns `undefined`, allocating nothing, when the
   * fast path does not apply: then call `view`.
   */
  recycle(type: TypedArrayConstructor, n: number): RecycledView | undefined {
    const size = type.BYTES_PER_ELEMENT;
    const off = this.offset;
    const start = off + (-off & (size - 1));
    const end = start + n * size;
    if (end > this.limit || n === 0 || !this.recycles) return undefined;
    // A hit, here; everything else in #recycleSlow, so that this stays small enough to inline
    // into a loop together with `similar`.
    if (this.#misses < this.#missLimit) {
      const slots = this.#slots;
      if (slots.length !== 0) {
        const e = slots[Math.imul(start, 0x9e3779b1) >>> this.#shift];
        if (
          e.start === start && e.type === type && e.memory === this.memory && e.view!.length === n
        ) {
          this.#misses = 0;
          this.#missLimit = MISS_LIMIT;
          this.offset = end;
          return e;
        }
      }
    }
    return this.#recycleSlow(type, n, start, end);
  }

  // `recycle` where its entry is not a hit: recycling paused, no table yet, or a miss.
  #recycleSlow(
    type: TypedArrayConstructor,
    n: number,
    start: number,
    end: number,
  ): RecycledView | undefined {
    if (this.#misses >= this.#missLimit && this.#declines(start)) return undefined;
    if (this.#slots.length === 0) this.#makeTable(SLOTS);
    const e = this.#slots[Math.imul(start, 0x9e3779b1) >>> this.#shift];
    const memory = this.memory;
    // (A view's length is 0 once its memory is detached or shrunk: then it is made again, and
    // the runtime's refusal leaves the buffer unchanged.)
    if (e.start !== start || e.type !== type || e.memory !== memory || e.view!.length !== n) {
      this.#miss(e, type, memory, start, n);
    } else {
      this.#misses = 0;
      this.#missLimit = MISS_LIMIT;
    }
    this.offset = end;
    return e;
  }

  // Recycling is paused (see MISS_LIMIT): whether it declines an allocation at `start`, else
  // resumes. (Apart from `recycle`, so that it stays small enough to inline into a loop.)
  #declines(start: number): boolean {
    if (start >= this.#pausedAt && start > this.#lastDeclined) {
      this.#declined++;
      this.#lastDeclined = start;
      return true;
    }
    this.#resume(start < this.#pausedAt);
    return false;
  }

  // A new view for entry `e` (the offset does not move).
  #miss(
    e: RecycledView,
    type: TypedArrayConstructor,
    memory: ArrayBuffer | SharedArrayBuffer,
    start: number,
    n: number,
  ): void {
    try {
      e.view = new type(memory, start, n);
    } catch (cause) {
      throw this.refused(n * type.BYTES_PER_ELEMENT, start, cause);
    }
    e.companion = undefined;
    e.start = start;
    e.type = type;
    e.memory = memory;
    if (++this.#misses === this.#missLimit) {
      this.#pausedAt = start;
      this.#missLimit = MISS_LIMIT;
    }
  }

  // Allocation comes back to an offset recycling declined (a restore or reset): the same
  // offsets may come round again. When it starts again below where recycling paused (`again`)
  // and the table declined many allocations (more per pass than it has slots), it grows to
  // twice their number (up to MAX_SLOTS), and the next pass fills it.
  #resume(again: boolean): void {
    this.#misses = 0;
    this.#lastDeclined = -1;
    const declined = this.#declined;
    this.#declined = 0;
    let size = this.#slots.length;
    if (!again || declined < MISS_LIMIT || size === 0 || size >= MAX_SLOTS) return;
    while (size < 2 * declined && size < MAX_SLOTS) size *= 2;
    if (size === this.#slots.length) return;
    this.#makeTable(size);
    this.#missLimit = size;
  }

  #makeTable(size: number): void {
    const slots: RecycledView[] = [];
    for (let i = 0; i < size; i++) slots.push(new RecycledView());
    this.#slots = slots;
    this.#shift = 32 - Math.log2(size);
  }

  /**
   * Drops every recycled view (the buffer stopped using some memory: they must not keep it
   * alive, nor be handed out over it again).
   */
  forgetViews(): void {
    if (this.#slots.length !== 0) this.#makeTable(this.#slots.length);
  }

  /** Saves a checkpoint. */
  save(): Checkpoint {
    const d = this.depth;
    this.savedOffsets[d] = this.offset;
    this.savedShapes[d] = this.shape;
    if (this.slowSave) this.saveSlow(d);
    const id = nextId();
    this.ids[d] = id;
    this.depth = d + 1;
    return id as Checkpoint;
  }

  /**
   * What `save` does beyond the fast path, at depth `d` (after the offset and shape are noted,
   * before the checkpoint is numbered): out of line, as `restore`'s, because `save` and
   * `restore` inline into every region (their fast paths are also written out in the region of
   * `noEscape`, allocators/region.ts, which calls these), and V8 inlines only so much bytecode
   * into one function.
   */
  saveSlow(d: number): void {
    this.checkLive("open a region");
    this.#slow.save(d);
  }

  /**
   * Restores `cp` (throwing, unchanged, when it is not live: the error names `by`, default the
   * buffer) and invalidates the checked arrays allocated since.
   */
  restore(cp: Checkpoint, by?: Allocator): void {
    const d = this.depth - 1;
    if (d >= this.fastFloor && this.ids[d] === cp) {
      this.depth = d;
      const off = this.offset;
      if (off > this.high) this.high = off;
      this.offset = this.savedOffsets[d];
      return;
    }
    this.restoreSlow(cp, by);
  }

  /** `restore` where its fast path does not apply (see {@linkcode Bump.saveSlow}). */
  restoreSlow(cp: Checkpoint, by: Allocator | undefined): void {
    this.checkLive("end a region");
    const d = this.pop(by ?? this.owner, cp);
    if (d >= this.#stateFloor) {
      const off = this.offset;
      if (off > this.high) this.high = off;
      this.offset = this.savedOffsets[d];
    } else {
      this.#slow.restore(d);
    }
    if (this.checked.top > d) this.checked.invalidateFrom(d + 1);
    if (this.#stateFloor > d && this.#stateFloor !== Infinity) this.#stateFloor = d;
    this.#refloor();
  }

  /**
   * Resets the buffer: frees everything (what its `resetBuffer` does), makes every checkpoint
   * stale and every checked array invalid.
   */
  reset(): void {
    const mode = this.resetMode;
    const off = this.offset, high = this.high;
    const run = off > high ? off : high;
    if (mode === KEEP_HIGH) this.high = run;
    else if (mode === run) this.high = 0;
    else {
      const slow = this.#slow;
      if (slow.reset !== undefined) slow.reset();
      else this.owner.resetBuffer();
      return;
    }
    this.offset = 0;
    this.cleared();
  }

  /**
   * The buffer was reset (its own reset has run): every checkpoint is stale and every checked
   * array invalid.
   */
  cleared(): void {
    // (No live checkpoint and no live checked array: nothing to invalidate, and the restore
    // fast path's floor is already the state's, 0 or Infinity.)
    if (this.depth !== 0 || this.checked.top >= 0) this.#clearAll();
  }

  // (Apart from `cleared`, which every reset calls, so that it stays small enough to inline.)
  #clearAll(): void {
    this.clear();
    if (this.checked.top >= 0) this.checked.invalidateFrom(0);
    if (this.#stateFloor !== Infinity) this.#stateFloor = 0;
    this.#refloor();
  }

  /**
   * The validity a CheckedAllocArray allocated now shares: that of the current level, which
   * the first restore freeing this level's memory (or a reset) invalidates.
   */
  track(): MemoryValidity {
    const v = this.checked.track(this.depth);
    this.#refloor();
    return v;
  }
}

// `Bump.view` where its fast path does not apply: an allocation past the core's limit goes to
// the buffer's slow path; one within it that reaches the end of the memory (or finds it
// detached or shrunk) is made here, before the offset moves, so that a view the runtime refuses
// leaves the buffer unchanged and throws the buffer's error for it.
function viewSlow<T extends TypedArray>(
  core: Bump,
  type: TypedArrayConstructor<T>,
  n: number,
  start: number,
  end: number,
): T {
  const size = type.BYTES_PER_ELEMENT;
  if (end > core.limit) {
    const p = core.allocSlow(checkByteLength(n, size, "allocate"), size);
    return new type(p.buffer, p.byteOffset, n);
  }
  let v: T;
  try {
    v = new type(core.memory, start, n);
  } catch (cause) {
    throw core.refused(end - start, start, cause);
  }
  core.offset = end;
  return v;
}

// A one-entry cache of the last allocator looked up, so that a loop over one allocator reads its
// core once. Why it is safe: an allocator's core is a read-only, non-configurable property set
// once when it is made, so the cached answer (a core, or none) never goes stale; the cache holds
// one allocator the program already used and nothing derived from it but that answer.
let lastOwner: unknown;
let lastCore: Bump | undefined;

/** The bump core of `buf`, or `undefined` for an allocator without one. */
export function coreOf(buf: unknown): Bump | undefined {
  return buf === lastOwner ? lastCore : lookUpCore(buf);
}

function lookUpCore(buf: unknown): Bump | undefined {
  if (typeof buf !== "object" || buf === null) return undefined;
  const core = (buf as { [BUMP]?: Bump })[BUMP];
  lastOwner = buf;
  lastCore = core;
  return core;
}

/** Forgets the cached answer for `buf` (whose core property was just replaced). */
export function forgetCore(buf: unknown): void {
  if (lastOwner === buf) {
    lastOwner = undefined;
    lastCore = undefined;
  }
}

/**
 * The core of `buf` when it is permanent (a buffer's own, not one a handle publishes until it
 * is retired): what another allocator over `buf` may keep and use directly.
 */
export function permanentCoreOf(buf: unknown): Bump | undefined {
  const core = coreOf(buf);
  if (core === undefined) return undefined;
  return Object.getOwnPropertyDescriptor(buf, BUMP)?.configurable ? undefined : core;
}

/**
 * The object that regions on `buf` are recorded against: its core, else the allocator it
 * forwards to (recursively), else `buf` itself.
 */
export function regionKey(buf: Allocator): object {
  const core = coreOf(buf);
  if (core !== undefined) return core;
  const inner = (buf as { [WRAPS]?: Allocator })[WRAPS];
  return inner === undefined ? buf : regionKey(inner);
}
