// The CNN layers on their WebAssembly kernels (arrays/nn/_wasm.ts): when the output lies in a
// WasmAllocBuffer's memory they run there, with the JavaScript kernels' results (exactly for
// pooling, to rounding for sums), and fall back to the JavaScript kernels for what the kernels
// do not cover.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { batchNorm, conv2d, maxPool2d } from "../../../arrays/nn/mod.ts";
import { mulberry32 } from "../../../examples/_prng.ts";
import { assertAllClose, runsOnWasm, wasmArena } from "../../_helpers.ts";

type Float = Float32Array | Float64Array;
type FloatType = Float32ArrayConstructor | Float64ArrayConstructor;

const { buf, inWasm, resident } = wasmArena();

function values(type: FloatType, n: number, seed: number, lo = -1, hi = 1): Float {
  const rand = mulberry32(seed);
  const out = new type(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

describe("layers in WebAssembly memory", () => {
  for (const type of [Float32Array, Float64Array] as FloatType[]) {
    const tolerance = type === Float32Array ? 2e-5 : 1e-12;

    it(`conv2d() 3×3 of ${type.name}s in WebAssembly memory runs on the SIMD kernel`, () => {
      const cases: [number, number, number, number, number, string, number][] = [
        // [N, C, H, W, OC, activation, padding]
        [2, 1, 28, 28, 32, "relu", 0],
        [2, 32, 13, 13, 16, "relu", 0],
        [3, 16, 5, 5, 10, "identity", 0],
        [1, 3, 7, 9, 5, "tanh", 1],
        [2, 2, 6, 4, 4, "sigmoid", 0],
      ];
      for (const [N, C, H, W, OC, activation, padding] of cases) {
        const x = values(type, N * C * H * W, N + C), w = values(type, OC * C * 9, OC);
        const bias = values(type, OC, 3);
        const options = { activation: activation as "relu", padding };
        const heap = conv2d(new NDArray(x, [N, C, H, W]), new NDArray(w, [OC, C, 3, 3]), {
          ...options,
          bias,
        });
        inWasm(() => {
          const X = resident(x, [N, C, H, W]);
          const Wt = AllocArray.from(new NDArray(w, [OC, C, 3, 3])); // weights on the heap
          const y = runsOnWasm(1, () => conv2d(X, Wt, { ...options, bias }));
          assert.ok(buf.holds(y.data));
          assert.deepEqual(y.shape, heap.shape);
          assertAllClose(y.data, heap.data, tolerance);
          const noBias = runsOnWasm(1, () => conv2d(X, Wt, options));
          assertAllClose(
            noBias.data,
            conv2d(new NDArray(x, [N, C, H, W]), new NDArray(w, [OC, C, 3, 3]), options)
              .data,
            tolerance,
          );
        });
      }
    });

    it(`conv2d() of ${type.name}s leaves to the JavaScript kernels what the SIMD kernel does not cover`, () => {
      const x = values(type, 2 * 3 * 8 * 8, 1), w3 = values(type, 3 * 3 * 9, 2);
      const heap = conv2d(new NDArray(x, [2, 3, 8, 8]), new NDArray(w3, [3, 3, 3, 3]));
      const heapStride = conv2d(new NDArray(x, [2, 3, 8, 8]), new NDArray(w3, [3, 3, 3, 3]), {
        stride: 2,
      });
      inWasm(() => {
        const X = resident(x, [2, 3, 8, 8]);
        runsOnWasm(0, () => {
          // 3 output channels (the kernel needs 4), and a vertical stride of 2.
          assert.deepEqual(conv2d(X, new NDArray(w3, [3, 3, 3, 3])).data, heap.data);
          assert.deepEqual(
            conv2d(X, new NDArray(w3, [3, 3, 3, 3]), { stride: 2 }).data,
            heapStride.data,
          );
        });
      });
    });

    it(`maxPool2d() 2×2 of ${type.name}s in WebAssembly memory runs on the SIMD kernel with the heap's exact results`, () => {
      for (const [N, C, H, W] of [[2, 32, 26, 26], [2, 16, 11, 11], [1, 1, 2, 2], [1, 2, 5, 19]]) {
        const x = values(type, N * C * H * W, H * W);
        x[5] = NaN;
        const heap = maxPool2d(new NDArray(x, [N, C, H, W]), { window: 2 });
        inWasm(() => {
          const y = runsOnWasm(1, () => maxPool2d(resident(x, [N, C, H, W]), { window: 2 }));
          assert.ok(buf.holds(y.data));
          // Element by element: a NaN's bits may differ (WebAssembly makes them canonical).
          assert.deepEqual([...y.data], [...heap.data]);
        });
      }
    });

    it(`batchNorm() of ${type.name}s in WebAssembly memory runs on the SIMD kernel`, () => {
      const [N, C, H, W] = [2, 8, 5, 7];
      const x = values(type, N * C * H * W, 11);
      const params = {
        mean: values(type, C, 1, -0.1, 0.1),
        variance: values(type, C, 2, 0.5, 1.5),
        scale: values(type, C, 3, 0.8, 1.2),
        bias: values(type, C, 4, -0.1, 0.1),
      };
      for (const activation of ["relu", "identity"] as const) {
        const heap = batchNorm(new NDArray(x, [N, C, H, W]), params, { activation });
        inWasm(() => {
          const X = resident(x, [N, C, H, W]);
          const y = runsOnWasm(1, () => batchNorm(X, params, { activation }));
          assert.ok(buf.holds(y.data));
          assertAllClose(y.data, heap.data, tolerance);
          runsOnWasm(1, () => batchNorm(X, params, { activation, out: X })); // in place
          assertAllClose(X.data, heap.data, tolerance);
        });
      }
    });
  }
});
