// Internal: the CNN layers on their WebAssembly SIMD kernels (_conv_kernels.wat,
// _pool_kernels.wat, _activation.wat), used when a layer's output lies in a WebAssembly memory
// that a WasmAllocBuffer manages. Its other operands are read where they are when they lie in
// that memory too (no copy: a whole forward pass under withAllocator(BumperAllocator(
// WasmAllocBuffer)) stays in it), and are copied into a temporary from the current allocator
// when they do not (weights kept on the heap, say). Each function returns false, having
// changed nothing, when it cannot run (no such memory, no SIMD, an element type or shape the
// kernels do not cover, a temporary that landed outside the memory): the caller then runs the
// JavaScript kernels. Temporaries are allocated like the result of `like` (see `temporary`); the
// closure that does so is made here, so that a layer that does not reach these functions makes
// none (a closure in the layer would capture its variables in a context object made on every
// call).

import {
  countWasmCall,
  floatKind,
  inMemory,
  KernelModule,
  type Temp,
} from "../../_internal/wasm.ts";
import { temporary, type View } from "../../_internal/operands.ts";
import type { TypedArrayConstructor } from "../../allocators/dtype.ts";
import { activate, type ActivationName } from "./_activation.ts";
import { WASM as ACT, WASM_SHARED as ACT_SHARED } from "./_activation_wat.ts";
import { WASM as CONV, WASM_SHARED as CONV_SHARED } from "./_conv_kernels_wat.ts";
import { WASM as POOL, WASM_SHARED as POOL_SHARED } from "./_pool_kernels_wat.ts";

type Kernel = (...args: number[]) => void;

/** What allocates the temporaries of a layer whose result is allocated like `like`. */
const temporariesLike = (like: unknown): Temp => (t, n) => temporary(like, t, n);

const conv = new KernelModule<Record<"conv3x3_f32" | "conv3x3_f64", Kernel>>(CONV, CONV_SHARED);
const pool = new KernelModule<Record<"max_pool_2x2_f32" | "max_pool_2x2_f64", Kernel>>(
  POOL,
  POOL_SHARED,
);
const act = new KernelModule<Record<"affine_f32" | "affine_f64", Kernel>>(ACT, ACT_SHARED);

/**
 * conv2d's 3×3 convolution with stride 1 on the WebAssembly kernels: `y` (contiguous, row-major)
 * = act(conv(xs, ws) + B) for the batch `[N, C, H, W]` padded by `ph`, `pw`. Needs `y` of
 * Float32 or Float64 in a WebAssembly memory, at least 4 output channels and one input
 * channel, and an image of at least 3 × 3 whose padded plane holds two vectors of outputs.
 */
export function conv3x3Wasm(
  xs: View,
  N: number,
  C: number,
  H: number,
  W: number,
  ws: View,
  B: View | undefined,
  OC: number,
  ph: number,
  pw: number,
  OH: number,
  OW: number,
  y: View,
  activation: ActivationName,
  like: unknown,
): boolean {
  const yd = y.data, kind = floatKind(yd);
  if (kind === undefined || OC < 4 || C < 1) return false;
  const buffer = yd.buffer, k = conv.of(buffer);
  if (k === undefined) return false;
  const type = yd.constructor as TypedArrayConstructor, b = type.BYTES_PER_ELEMENT;
  const Hp = H + 2 * ph, Wp = W + 2 * pw, T = (Hp - 3) * Wp + Wp - 2;
  if (T < 32 / b) return false;
  const temp = temporariesLike(like);
  const wa = inMemory(buffer, type, ws, temp);
  const ba = B === undefined ? -1 : inMemory(buffer, type, B, temp);
  const accum = temp(type, 4 * T);
  if (wa < 0 || (B !== undefined && ba < 0) || accum.buffer !== buffer) return false;
  const padded = ph > 0 || pw > 0;
  let xa: number;
  if (padded) {
    const p = temp(type, N * C * Hp * Wp) as Float64Array;
    if (p.buffer !== buffer) return false;
    p.fill(0);
    const xd = xs.data;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        for (let h = 0; h < H; h++) {
          const src = xs.offset + ((n * C + c) * H + h) * W;
          const dst = ((n * C + c) * Hp + h + ph) * Wp + pw;
          for (let j = 0; j < W; j++) p[dst + j] = xd[src + j];
        }
      }
    }
    xa = p.byteOffset;
  } else {
    xa = inMemory(buffer, type, xs, temp);
    if (xa < 0) return false;
  }
  const imageBytes = C * Hp * Wp * b;
  const flags = (B === undefined ? 0 : 1) | (activation === "relu" ? 2 : 0);
  const f = kind === "f32" ? k.conv3x3_f32 : k.conv3x3_f64;
  const P = OC * OH * OW, ya = yd.byteOffset + y.offset * b;
  for (let n = 0; n < N; n++) {
    f(xa + n * imageBytes, Wp, Hp, C, wa, OC, ba, accum.byteOffset, ya + n * P * b, flags);
  }
  if (activation !== "relu" && activation !== "identity") activate(activation, yd, y.offset, N * P);
  countWasmCall();
  return true;
}

/**
 * maxPool2d's plain 2×2 pooling with stride 2 on the WebAssembly kernel: `planes` planes of
 * H × W of `xs` into `y` (both contiguous). Needs `y` of Float32 or Float64 in a WebAssembly
 * memory.
 */
export function maxPool2x2Wasm(
  xs: View,
  planes: number,
  H: number,
  W: number,
  y: View,
  OH: number,
  OW: number,
  like: unknown,
): boolean {
  const yd = y.data, kind = floatKind(yd);
  if (kind === undefined) return false;
  const buffer = yd.buffer, k = pool.of(buffer);
  if (k === undefined) return false;
  const type = yd.constructor as TypedArrayConstructor, b = type.BYTES_PER_ELEMENT;
  const xa = inMemory(buffer, type, xs, temporariesLike(like));
  if (xa < 0) return false;
  (kind === "f32" ? k.max_pool_2x2_f32 : k.max_pool_2x2_f64)(
    xa,
    H,
    W,
    yd.byteOffset + y.offset * b,
    OH,
    OW,
    planes,
  );
  countWasmCall();
  return true;
}

/**
 * batchNorm's per-channel map on the WebAssembly kernel: for each of `N` samples and `C`
 * channels of `S` elements, y = act(x · k[c] + d[c]) (relu or none), `xs` and `y` contiguous
 * (y may be xs). Needs `y` of Float32 or Float64 in a WebAssembly memory.
 */
export function affineWasm(
  xs: View,
  N: number,
  C: number,
  S: number,
  k: (c: number) => number,
  d: (c: number) => number,
  y: View,
  activation: ActivationName,
  like: unknown,
): boolean {
  const yd = y.data, kind = floatKind(yd);
  if (kind === undefined || (activation !== "relu" && activation !== "identity")) return false;
  const buffer = yd.buffer, kernels = act.of(buffer);
  if (kernels === undefined) return false;
  const type = yd.constructor as TypedArrayConstructor, b = type.BYTES_PER_ELEMENT;
  const xa = inMemory(buffer, type, xs, temporariesLike(like));
  if (xa < 0) return false;
  const f = kind === "f32" ? kernels.affine_f32 : kernels.affine_f64;
  const relu = activation === "relu" ? 1 : 0, ya = yd.byteOffset + y.offset * b;
  for (let c = 0; c < C; c++) {
    const kc = k(c), dc = d(c);
    for (let n = 0; n < N; n++) {
      const at = ((n * C + c) * S) * b;
      f(xa + at, ya + at, S, kc, dc, relu);
    }
  }
  countWasmCall();
  return true;
}
