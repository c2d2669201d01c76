// A small seeded pseudo-random generator (mulberry32) so that model weights and images are the
// same on every run and runtime. Not for cryptography.

/** Returns a function giving uniformly distributed numbers in [0, 1), determined by `seed`. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` numbers uniform in [lo, hi) from `rand`, as a Float32Array. */
export function uniformFloat32(
  rand: () => number,
  n: number,
  lo: number,
  hi: number,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}
