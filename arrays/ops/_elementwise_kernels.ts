// Internal: the per-row kernels of the element-wise operations. Each is one tight loop over `n`
// elements with constant steps; they trust their input (the public functions validated it).

import type { Row } from "../../_internal/loops.ts";
import { sigmoidOf } from "../../_internal/scalar_math.ts";

/** Unary kernels by operation name. */
export const UNARY: Readonly<Record<string, Row>> = {
  neg: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = -a[ao];
  },
  abs: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.abs(a[ao]);
  },
  sign: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.sign(a[ao]);
  },
  square: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) {
      const x = a[ao];
      o[oo] = x * x;
    }
  },
  sqrt: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.sqrt(a[ao]);
  },
  exp: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.exp(a[ao]);
  },
  log: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.log(a[ao]);
  },
  sin: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.sin(a[ao]);
  },
  cos: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.cos(a[ao]);
  },
  tanh: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.tanh(a[ao]);
  },
  sigmoid: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = sigmoidOf(a[ao]);
  },
  relu: (n, o, oo, os, a, ao, as) => {
    // Without a data-dependent branch: on real data `x > 0` is a coin flip, and a mispredicted
    // branch per element costs several times the arithmetic. (x + |x|) / 2 is exact except for
    // ±Infinity, NaN and |x| > 2^1023, where it is not finite and the second, practically never
    // taken (so well predicted) branch computes max(x, 0) exactly, NaN staying NaN.
    for (let i = 0; i < n; i++, oo += os, ao += as) {
      const x = a[ao];
      const r = (x + Math.abs(x)) * 0.5;
      o[oo] = r - r === 0 ? r : x > 0 ? x : x === x ? 0 : x;
    }
  },
  floor: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.floor(a[ao]);
  },
  ceil: (n, o, oo, os, a, ao, as) => {
    for (let i = 0; i < n; i++, oo += os, ao += as) o[oo] = Math.ceil(a[ao]);
  },
};

/** Binary kernels by operation name. Comparisons write 1 or 0. */
export const BINARY: Readonly<Record<string, Row>> = {
  add: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] + b[bo];
  },
  sub: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] - b[bo];
  },
  mul: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] * b[bo];
  },
  div: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] / b[bo];
  },
  pow: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] ** b[bo];
  },
  minimum: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = Math.min(a[ao], b[bo]);
  },
  maximum: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = Math.max(a[ao], b[bo]);
  },
  equal: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] === b[bo] ? 1 : 0;
  },
  notEqual: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] !== b[bo] ? 1 : 0;
  },
  less: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] < b[bo] ? 1 : 0;
  },
  lessEqual: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] <= b[bo] ? 1 : 0;
  },
  greater: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] > b[bo] ? 1 : 0;
  },
  greaterEqual: (n, o, oo, os, a, ao, as, b, bo, bs) => {
    for (let i = 0; i < n; i++, oo += os, ao += as, bo += bs) o[oo] = a[ao] >= b[bo] ? 1 : 0;
  },
};
