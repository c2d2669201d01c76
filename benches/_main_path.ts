// The main path of allocator-agnostic array code and what it is compared with, shared by
// benches/main_path_bench.ts (time) and benches/garbage.ts (JavaScript-heap garbage): n = 30
// Float64 values, two arrays like `a` filled from it and their sum.

import { noEscape } from "../allocators/mod.ts";
import { AllocArray, type BumperAllocator, similar } from "../arrays/mod.ts";
import { add } from "../arrays/ops/mod.ts";

/** Elements per array. */
export const N = 30;

/** The values the arrays are filled from. */
export const source: Float64Array = Float64Array.from({ length: N }, (_, i) => i);

/** A sink for results, so that no work can be optimised away. */
export const sink = { value: 0 };

/** Plain heap code: 3 × `new Float64Array(N)` and a loop. */
export function heapIteration(): void {
  const b = new Float64Array(N), c = new Float64Array(N);
  b.set(source);
  c.set(source);
  const d = new Float64Array(N);
  for (let i = 0; i < N; i++) d[i] = b[i] + c[i];
  sink.value += d[3];
}

/**
 * The hand-written limit: a bump over one ArrayBuffer, a view and a plain wrapper object per
 * array, the offset saved before and restored after.
 */
export function handIteration(): () => void {
  const arena = new ArrayBuffer(3 * N * 8);
  let offset = 0;
  const wrapper = () => {
    const data = new Float64Array(arena, offset, N);
    offset += N * 8;
    return { data, shape: [N] };
  };
  return () => {
    const saved = offset;
    const b = wrapper(), c = wrapper();
    b.data.set(source);
    c.data.set(source);
    const d = wrapper();
    for (let i = 0; i < N; i++) d.data[i] = b.data[i] + c.data[i];
    sink.value += d.data[3];
    offset = saved;
  };
}

/**
 * The main path: a region on `bumper` with 2 × `similar(a)` and `add(b, c)`; call it inside
 * `withAllocator(bumper, …)`. The region body is a function made once, as a hot loop has it.
 */
export function mainPathIteration(bumper: BumperAllocator): () => void {
  const a = AllocArray.from(source.slice());
  const body = () => {
    const b = similar(a), c = similar(a);
    b.data.set(source);
    c.data.set(source);
    sink.value += add(b, c).data[3] as number;
    return 0;
  };
  return () => noEscape(bumper, body);
}
