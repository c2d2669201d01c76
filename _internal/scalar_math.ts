// Package-private: scalar functions shared by the element-wise kernels (arrays/ops) and the
// activations of the layers (arrays/nn), so both compute bit-identical results.

export function sigmoidOf(x: number): number {
  // Stable on both sides: exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
