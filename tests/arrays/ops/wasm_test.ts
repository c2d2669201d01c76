// The operations on their WebAssembly kernels (arrays/ops/_wasm.ts): when the result lies in a
// WasmAllocBuffer's memory they run there, with the JavaScript kernels' results (exactly for
// element-wise arithmetic, to rounding for sums), and fall back to the JavaScript kernels for
// what the kernels do not cover.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { add, div, dot, matmul, maximum, minimum, mul, sub } from "../../../arrays/ops/mod.ts";
import { mulberry32 } from "../../../examples/_prng.ts";
import { assertAllClose, runsOnWasm, wasmArena } from "../../_helpers.ts";

type Float = Float32Array | Float64Array;
type FloatType = Float32ArrayConstructor | Float64ArrayConstructor;

const { buf, inWasm, resident } = wasmArena();

/** `n` numbers of `type` from a seeded generator, with a few special values. */
function values(type: FloatType, n: number, seed: number, special = false): Float {
  const rand = mulberry32(seed);
  const out = new type(n);
  for (let i = 0; i < n; i++) out[i] = rand() * 4 - 2;
  if (special && n > 8) out.set([NaN, -0, 0, Infinity, -Infinity], 3);
  return out;
}

const BINARY = { add, sub, mul, div, minimum, maximum } as const;

describe("operations in WebAssembly memory", () => {
  for (const type of [Float32Array, Float64Array] as FloatType[]) {
    for (const [name, op] of Object.entries(BINARY)) {
      it(`${name}() of ${type.name}s in WebAssembly memory runs on the SIMD kernels with the heap's exact results`, () => {
        for (const n of [64, 65, 1003]) {
          const x = values(type, n, 1, true), y = values(type, n, 2, true);
          const heap = op(new NDArray(x), new NDArray(y)).data;
          const heapVs = op(new NDArray(x), 0.5).data, heapSv = op(-1.25, new NDArray(y)).data;
          inWasm(() => {
            const a = resident(x), b = resident(y);
            const [r, vs, sv] = runsOnWasm(3, () => [op(a, b), op(a, 0.5), op(-1.25, b)]);
            assert.ok(buf.holds(r.data) && buf.holds(vs.data) && buf.holds(sv.data));
            // Element by element: a NaN's bits may differ (WebAssembly makes them canonical).
            assert.deepEqual([...r.data], [...heap]);
            assert.deepEqual([...vs.data], [...heapVs]);
            assert.deepEqual([...sv.data], [...heapSv]);
          });
        }
      });
    }

    it(`add() of ${type.name}s writes in place into an operand in WebAssembly memory`, () => {
      const x = values(type, 100, 3), y = values(type, 100, 4);
      const heap = add(new NDArray(x), new NDArray(y)).data;
      inWasm(() => {
        const a = resident(x), b = resident(y);
        runsOnWasm(1, () => add(a, b, a));
        assert.deepEqual(a.data, heap);
      });
    });

    it(`add() of ${type.name}s leaves to the JavaScript kernels what the SIMD kernels do not cover`, () => {
      const m = values(type, 6 * 20, 5), row = values(type, 20, 6);
      const heapBroadcast = add(new NDArray(m, [6, 20]), new NDArray(row)).data;
      const heapSmall = add(new NDArray(m.subarray(0, 10)), 1).data;
      inWasm(() => {
        const a = resident(m, [6, 20]), r = resident(row);
        runsOnWasm(0, () => {
          assert.deepEqual(add(a, r).data, heapBroadcast); // broadcasting
          assert.deepEqual(add(a.slice(null, [0, 10]), 1).shape, [6, 10]); // strided view
          assert.deepEqual(add(resident(m.subarray(0, 10)), 1).data, heapSmall); // small
          assert.deepEqual(add(a, AllocArray.from(new NDArray(m, [6, 20]))).shape, [6, 20]); // operand on the heap
        });
      });
      if (type === Float32Array) {
        const heapInexact = add(new NDArray(m), 0.1).data; // 0.1 is not a Float32
        inWasm(() =>
          assert.deepEqual(runsOnWasm(0, () => add(resident(m), 0.1)).data, heapInexact)
        );
      }
    });

    it(`dot() of ${type.name}s in WebAssembly memory runs on the SIMD kernel`, () => {
      for (const n of [1, 7, 64, 1001]) {
        const x = values(type, n, 7), y = values(type, n, 8);
        const heap = dot(x, y);
        const got = inWasm(() => {
          const a = resident(x), b = resident(y);
          return runsOnWasm(n >= 64 ? 1 : 0, () => dot(a, b));
        });
        assert.ok(Math.abs(got - heap) <= 1e-12 * n, `n = ${n}: ${got} vs ${heap}`);
      }
    });

    it(`matmul() of ${type.name}s runs on the SIMD kernel, copying operands kept on the heap into the memory`, () => {
      // Float32 sums of up to 288 products of numbers below 2, rounded at each step.
      const tolerance = type === Float32Array ? 2e-4 : 1e-12;
      for (const [m, k, n] of [[1, 1, 1], [4, 3, 8], [5, 7, 9], [16, 288, 121], [33, 10, 2]]) {
        const x = values(type, m * k, m), y = values(type, k * n, n);
        const heap = matmul(new NDArray(x, [m, k]), new NDArray(y, [k, n])).data;
        inWasm(() => {
          const a = resident(x, [m, k]);
          const b = AllocArray.from(new NDArray(y, [k, n])); // on the heap
          const calls = m * k * n >= 64 ? 1 : 0; // smaller products stay in JavaScript
          const c = runsOnWasm(calls, () => matmul(a, b));
          assert.ok(buf.holds(c.data));
          assertAllClose(c.data, heap, tolerance);
          // A transposed operand (any strides of the left operand).
          const at = resident(x, [k, m]).transpose();
          const ct = runsOnWasm(calls, () => matmul(at, b));
          const heapT = matmul(new NDArray(x, [k, m]).transpose(), new NDArray(y, [k, n])).data;
          assertAllClose(ct.data, heapT, tolerance);
        });
      }
    });
  }
});
