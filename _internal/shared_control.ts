// Internal: the control block of a SharedAllocBuffer, a small SharedArrayBuffer of Uint32 words
// that every thread's handle of the arena reads and writes with `Atomics`. The arrays layer
// reads it too (the reset generation that shared CheckedAllocArray validities watch), which is
// why the layout lives here rather than in shared_alloc_buffer.ts.
//
// Words that are written often sit on their own 64-byte line, away from the words that are
// read on every checked access, so allocating on one thread does not slow checks on another.

/** The bump offset: bytes handed out, alignment padding included. Written by every allocation. */
export const OFFSET = 0;
/** The high-water mark as of the last time the offset went down (a reclaiming restore, a reset). */
export const PEAK = 1;
/** The reset generation: incremented by every reset; shared validities compare against it. */
export const GENERATION = 16;
/** {@linkcode MAGIC}, to recognise a control block in a descriptor. */
export const MAGIC_WORD = 17;
/** The capacity in bytes. */
export const CAPACITY = 18;
/** Where the arena starts in its memory: 0, or a sub-arena's first byte. Offsets are absolute. */
export const BASE = 19;
/** 1 once a sub-arena was released: it hands out nothing more. */
export const RELEASED = 20;
/** 1 for a sub-arena (made by `subArena`). */
export const SUB_ARENA = 21;
/**
 * 1 once `descriptor()` handed the arena out. Until then only the creating handle can reach it,
 * so that handle keeps the offset in a plain field (no atomics) and {@linkcode OFFSET} is stale.
 */
export const PUBLISHED = 22;
/**
 * Open regions of other threads, packed: bit 31 is the owner's reset lock, bits 16–30 the
 * force-reset epoch, bits 0–15 how many non-owner handles have a live checkpoint plus how many
 * sub-arenas are open.
 */
export const ACTIVE = 32;
/** Words in a control block. */
export const CONTROL_WORDS = 48;
/** Bytes in a control block. */
export const CONTROL_BYTES: number = CONTROL_WORDS * Uint32Array.BYTES_PER_ELEMENT;
/** Marks a control block ("Arna"). */
export const MAGIC = 0x41726e61;

/** {@linkcode ACTIVE}: the owner is resetting; handles wait before entering a region. */
export const LOCK = 0x80000000;
/** {@linkcode ACTIVE}: the force-reset epoch bits. */
export const EPOCH_MASK = 0x7fff0000;
/** {@linkcode ACTIVE}: one epoch step. */
export const EPOCH_ONE = 0x10000;
/** {@linkcode ACTIVE}: the count of open regions (handles with live checkpoints, sub-arenas). */
export const COUNT_MASK = 0xffff;

// The control words of each SharedAllocBuffer made on this thread, for the arrays layer.
const controls = new WeakMap<object, Uint32Array>();

/** Records `words` as the control block of `buf`. */
export function registerControl(buf: object, words: Uint32Array): void {
  controls.set(buf, words);
}

/** The control block of `buf` when it is a SharedAllocBuffer, else `undefined`. */
export function controlOf(buf: object): Uint32Array | undefined {
  return controls.get(buf);
}

/** Whether `words` is a control block: the right size, marked. */
export function isControl(words: Uint32Array): boolean {
  return words.length === CONTROL_WORDS && Atomics.load(words, MAGIC_WORD) === MAGIC;
}

/** Whether `words` is the control block of an arena that lies within `byteLength` bytes. */
export function controlFits(words: Uint32Array, byteLength: number): boolean {
  return isControl(words) &&
    Atomics.load(words, BASE) + Atomics.load(words, CAPACITY) <= byteLength;
}

/** Raises the {@linkcode PEAK} word of `w` to `value` if it is lower. */
export function raisePeak(w: Uint32Array, value: number): void {
  for (;;) {
    const peak = Atomics.load(w, PEAK);
    if (peak >= value || Atomics.compareExchange(w, PEAK, peak, value) === peak) return;
  }
}

/**
 * Counts one more open region in {@linkcode ACTIVE}, waiting out an owner's reset in progress,
 * and returns the force-reset epoch it was counted in.
 */
export function hold(w: Uint32Array, what: string): number {
  for (;;) {
    const v = Atomics.load(w, ACTIVE);
    if (v & LOCK) continue; // the owner is resetting: a few stores
    if ((v & COUNT_MASK) === COUNT_MASK) {
      throw new RangeError(
        `Cannot ${what}: ${COUNT_MASK} regions are open on the SharedAllocBuffer already`,
      );
    }
    if (Atomics.compareExchange(w, ACTIVE, v, v + 1) === v) return v & EPOCH_MASK;
  }
}

/** Counts one open region less, unless a force-reset since `epoch` already forgot it. */
export function unhold(w: Uint32Array, epoch: number): void {
  for (;;) {
    const v = Atomics.load(w, ACTIVE);
    if ((v & EPOCH_MASK) !== epoch) return;
    if (Atomics.compareExchange(w, ACTIVE, v, v - 1) === v) return;
  }
}
