// Internal: the control block of a SharedAllocBuffer, a small SharedArrayBuffer of Uint32 words
// that every thread's handle of the arena reads and writes with `Atomics`. The arrays layer
// reads it too (the reset generation that shared CheckedAllocArray validities watch), which is
// why the layout lives here rather than in shared_alloc_buffer.ts.
//
// Words that are written often sit on their own 64-byte line, away from the words that are
// read on every checked access, so allocating on one thread does not slow checks on another.
//
// No counter here may wrap into acceptance: the reset generation is 64 bits (two words), the
// force-reset count saturates (forceReset refuses to go past 2^32 - 1), and the region count
// refuses to go past 65 535 and never below 0.

/** The bump offset: bytes handed out, alignment padding included. Written by every allocation. */
export const OFFSET = 0;
/** The high-water mark as of the last time the offset went down (a reclaiming restore, a reset). */
export const PEAK = 1;
/**
 * The reset generation's low 32 bits: incremented by every reset; shared validities compare
 * against it (and {@linkcode GENERATION_HI}).
 */
export const GENERATION = 16;
/** {@linkcode MAGIC}, to recognise a control block in a descriptor. */
export const MAGIC_WORD = 17;
/** The capacity in bytes. */
export const CAPACITY = 18;
/** Where the arena starts in its memory: 0, or a sub-arena's first byte. Offsets are absolute. */
export const BASE = 19;
/**
 * 1 once a sub-arena was released, 2 once a force-reset of its parent ended it: it hands out
 * nothing more.
 */
export const RELEASED = 20;
/** 1 for a sub-arena (made by `subArena`). */
export const SUB_ARENA = 21;
/**
 * 1 once `descriptor()` handed the arena out. Until then only the creating handle can reach it,
 * so that handle keeps the offset in a plain field (no atomics) and {@linkcode OFFSET} is stale.
 */
export const PUBLISHED = 22;
/** The reset generation's high 32 bits: incremented when {@linkcode GENERATION} wraps. */
export const GENERATION_HI = 23;
/**
 * A random word drawn at creation, from which each generation's nonce is derived
 * ({@linkcode nonceOf}): descriptors of arrays carry the nonce of their generation, so a
 * descriptor whose generation was changed is refused.
 */
export const SECRET = 24;
/** The arena's identity, two random words drawn at creation; descriptors carry it. */
export const ID_LO = 25;
/** See {@linkcode ID_LO}. */
export const ID_HI = 26;
/**
 * A checksum of the words fixed at creation (identity, base, capacity, kind), so a control
 * block whose words were changed by hand is refused.
 */
export const SEAL = 27;
/**
 * Open regions of other threads, packed: bit 31 is the owner's reset lock, bits 16–30 the low
 * bits of the force-reset count {@linkcode FORCE_RESETS} (so a force-reset makes every
 * compare-and-swap on this word that started before it fail), bits 0–15 how many non-owner
 * handles have a live checkpoint plus how many sub-arenas are open.
 */
export const ACTIVE = 32;
/**
 * How many times the owner force-reset the arena (saturating at 2^32 - 1: forceReset refuses to
 * go further). Written only while the reset lock of {@linkcode ACTIVE} is held. A handle inside
 * regions remembers the count it entered them in: any other value means they were force-reset.
 */
export const FORCE_RESETS = 33;
/**
 * Incremented by `fromDescriptor` to check that two control blocks of one arena are the same
 * shared memory, not a copy (see {@linkcode sameControl}).
 */
export const PROBE = 40;
/** Words in a control block. */
export const CONTROL_WORDS = 48;
/** Bytes in a control block. */
export const CONTROL_BYTES: number = CONTROL_WORDS * Uint32Array.BYTES_PER_ELEMENT;
/** Marks a control block ("Arna"). */
export const MAGIC = 0x41726e61;

/** {@linkcode ACTIVE}: the owner is resetting; handles wait before entering a region. */
export const LOCK = 0x80000000;
/** {@linkcode ACTIVE}: the low bits of the force-reset count. */
export const EPOCH_MASK = 0x7fff0000;
/** {@linkcode ACTIVE}: the count of open regions (handles with live checkpoints, sub-arenas). */
export const COUNT_MASK = 0xffff;
/** The most force-resets an arena takes ({@linkcode FORCE_RESETS} never wraps). */
export const MAX_FORCE_RESETS = 0xffffffff;

/** The {@linkcode ACTIVE} bits of force-reset count `n`. */
export function epochBits(n: number): number {
  return (n << 16) & EPOCH_MASK;
}

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

// --- identity and integrity -----------------------------------------------------------------

// Random words for identities and nonces: a xorshift generator seeded once per thread from the
// platform's cryptographic source (a nonce is drawn at every reset, which must stay cheap).
// They tell arenas and generations apart; they are not secrets.
let rngState = 0;

/** A random non-zero Uint32. */
export function randomWord(): number {
  if (rngState === 0) {
    const seed = new Uint32Array(1);
    const c = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): unknown } }).crypto;
    if (typeof c?.getRandomValues === "function") c.getRandomValues(seed);
    rngState = (seed[0] ^ (Date.now() * 2654435761) ^ (Math.random() * 2 ** 32)) >>> 0 || 1;
  }
  let x = rngState;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rngState = x >>> 0;
  return rngState;
}

/** The checksum {@linkcode SEAL} holds: of the identity, base, capacity and kind. */
export function sealOf(words: Uint32Array): number {
  let h = 0x811c9dc5;
  for (const i of [ID_LO, ID_HI, SECRET, BASE, CAPACITY, SUB_ARENA, MAGIC_WORD]) {
    h = Math.imul(h ^ Atomics.load(words, i), 0x01000193) >>> 0;
  }
  return h || 1;
}

/** Draws a new arena's identity and seals the words fixed at creation. */
export function initIdentity(words: Uint32Array): void {
  Atomics.store(words, ID_LO, randomWord());
  Atomics.store(words, ID_HI, randomWord());
  Atomics.store(words, SECRET, randomWord());
  Atomics.store(words, SEAL, sealOf(words));
}

/** The arena's identity as a string (`"<hi>-<lo>"` in hex), the form descriptors carry. */
export function idOf(words: Uint32Array): string {
  return `${Atomics.load(words, ID_HI).toString(16)}-${Atomics.load(words, ID_LO).toString(16)}`;
}

/**
 * What is wrong with the published control block `words` of an arena in `byteLength` bytes of
 * memory, or `undefined` when nothing is: a checksum of its fixed words, and every other word
 * in its range.
 */
export function controlFault(words: Uint32Array, byteLength: number): string | undefined {
  if (!controlFits(words, byteLength)) {
    return `it is not the control block of an arena in this ${byteLength}-byte memory`;
  }
  if (Atomics.load(words, PUBLISHED) !== 1) {
    return "the arena was not handed out with descriptor() (its control block came from elsewhere)";
  }
  if (Atomics.load(words, SEAL) !== sealOf(words)) {
    return "its identity, base, capacity or kind was changed (the checksum does not match)";
  }
  const base = Atomics.load(words, BASE), limit = base + Atomics.load(words, CAPACITY);
  const offset = Atomics.load(words, OFFSET), peak = Atomics.load(words, PEAK);
  if (offset < base || offset > limit || peak > limit) {
    return `its offset ${offset} (peak ${peak}) lies outside the arena's bytes ${base}..${limit}`;
  }
  if (Atomics.load(words, RELEASED) > 2 || Atomics.load(words, SUB_ARENA) > 1) {
    return "its kind or release flag holds a value no arena has";
  }
  if (Atomics.load(words, SECRET) === 0) return "its secret word is 0";
  const active = Atomics.load(words, ACTIVE);
  const counted = epochBits(Atomics.load(words, FORCE_RESETS));
  if (!(active & LOCK) && (active & EPOCH_MASK) !== counted) {
    return "its force-reset count does not match its region word";
  }
  return undefined;
}

/**
 * Whether `a` and `b`, two control blocks with the same identity, are one shared memory rather
 * than a copy: a write through each must be seen through the other. Uses increments of
 * {@linkcode PROBE} only, so it tolerates other threads probing at the same time.
 */
export function sameControl(a: Uint32Array, b: Uint32Array): boolean {
  if (a.buffer === b.buffer) return true;
  const HALF = 0x80000000;
  const viaA = (Atomics.add(a, PROBE, 1) + 1) >>> 0;
  if (((Atomics.load(b, PROBE) - viaA) >>> 0) >= HALF) return false;
  const viaB = (Atomics.add(b, PROBE, 1) + 1) >>> 0;
  return ((Atomics.load(a, PROBE) - viaB) >>> 0) < HALF;
}

// --- generations ------------------------------------------------------------------------------

/** The arena's reset generation (64 bits, as a number: exact below 2^53). */
export function generationOf(words: Uint32Array): number {
  for (;;) {
    const hi = Atomics.load(words, GENERATION_HI);
    const lo = Atomics.load(words, GENERATION);
    if (Atomics.load(words, GENERATION_HI) === hi) return hi * 2 ** 32 + lo;
  }
}

/**
 * The nonce of generation `generation` of the arena: a hash of the arena's identity, its secret
 * word and the generation, which a descriptor with a changed generation does not match.
 */
export function nonceOf(words: Uint32Array, generation: number): number {
  let h = 0x811c9dc5;
  const lo = generation >>> 0, hi = Math.floor(generation / 2 ** 32) >>> 0;
  for (const x of [Atomics.load(words, SECRET), Atomics.load(words, ID_LO), lo, hi]) {
    h = Math.imul(h ^ x, 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return h;
}

/**
 * Starts the next generation: its high word first when the low one wraps, so no reader ever
 * sees a past generation's pair of words again. Only the owner calls this.
 */
export function nextGeneration(words: Uint32Array): void {
  const lo = Atomics.load(words, GENERATION);
  if (lo === 0xffffffff) Atomics.add(words, GENERATION_HI, 1);
  Atomics.store(words, GENERATION, (lo + 1) >>> 0);
}

// --- the region count ---------------------------------------------------------------------------

/** Raises the {@linkcode PEAK} word of `w` to `value` if it is lower. */
export function raisePeak(w: Uint32Array, value: number): void {
  for (;;) {
    const peak = Atomics.load(w, PEAK);
    if (peak >= value || Atomics.compareExchange(w, PEAK, peak, value) === peak) return;
  }
}

/**
 * Counts one more open region in {@linkcode ACTIVE}, waiting out an owner's reset in progress,
 * and returns the force-reset count it was counted in.
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
    // Fails if anything changed since `v` was read, a force-reset included (it changes the
    // epoch bits; only 32 768 of them between the two instructions could restore the word).
    if (Atomics.compareExchange(w, ACTIVE, v, v + 1) !== v) continue;
    // The count `v` was made in. A force-reset writes it before unlocking the word the
    // compare-and-swap read, so a plain read sees it (an atomic load costs ~7 ns more); one
    // that came after already forgot this region: report a count no arena has.
    const epoch = w[FORCE_RESETS];
    return epochBits(epoch) === (v & EPOCH_MASK) ? epoch : -1;
  }
}

/**
 * Counts one open region less, unless a force-reset since force-reset count `epoch` already
 * forgot it. Never takes the count below 0.
 */
export function unhold(w: Uint32Array, epoch: number): void {
  for (;;) {
    const v = Atomics.load(w, ACTIVE);
    if (v & LOCK) continue;
    // (A plain read, ordered after the atomic load as in `hold`.)
    if (w[FORCE_RESETS] !== epoch || (v & EPOCH_MASK) !== epochBits(epoch)) return;
    if ((v & COUNT_MASK) === 0) return;
    if (Atomics.compareExchange(w, ACTIVE, v, v - 1) === v) return;
  }
}
