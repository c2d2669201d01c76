// The basic examples of Bumper.jl's README, through allocarrays' allocator layer.
//
//   deno run examples/bumper_basics.ts

import {
  alloc,
  AllocBuffer,
  defaultBuffer,
  noEscape,
  region,
  type SlabBuffer,
  withBuffer,
} from "../allocators/mod.ts";

/** Bumper's `f(x)`: `sum(x .+ 1)` with the intermediate array in the default buffer. */
export function f(x: ArrayLike<number>): number {
  return noEscape(() => {
    const y = alloc(Float64Array, x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + 1;
    return y.reduce((a, b) => a + b, 0);
  });
}

/** Bumper's `g(x)`: the same with an ordinary heap allocation. */
export function g(x: ArrayLike<number>): number {
  const y = Float64Array.from(x, (v) => v + 1);
  return y.reduce((a, b) => a + b, 0);
}

/** `f` with an explicit buffer (Bumper: `@no_escape buf begin ... end`). */
export function fWith(x: ArrayLike<number>, buf: AllocBuffer | SlabBuffer): number {
  return noEscape(buf, () => {
    const y = alloc(buf, Int32Array, x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + 1;
    return y.reduce((a, b) => a + b, 0);
  });
}

/** Bumper's `with_buffer(AllocBuffer(100)) do ... end`: ten ones summed. */
export function withBufferExample(): number {
  return withBuffer(new AllocBuffer(100), () =>
    noEscape(() => {
      const y = alloc(Int32Array, 10).fill(1);
      return y.reduce((a, b) => a + b, 0);
    }));
}

/** The `using` form of a region. */
export function usingExample(buf: AllocBuffer): number {
  using r = region(buf);
  const y = r.alloc(Float64Array, 3);
  y.set([2, 3, 4]);
  return y[0] + y[1] + y[2];
}

/** Task-local default buffers: two concurrent async regions get different buffers. */
export async function taskBuffersDiffer(): Promise<boolean> {
  const inTask = () =>
    noEscape(async () => {
      await Promise.resolve();
      return defaultBuffer();
    });
  const [a, b] = await Promise.all([inTask(), inTask()]);
  return a !== b && defaultBuffer() === defaultBuffer();
}

if ((import.meta as { main?: boolean }).main) {
  const x = [1, 2, 3];
  console.log(`f([1, 2, 3]) = ${f(x)}`); // 9
  console.log(`g([1, 2, 3]) = ${g(x)}`); // 9, with a heap allocation
  const buf = new AllocBuffer();
  console.log(`f([1, 2, 3], buf) = ${fWith(x, buf)}; ${buf}`); // 9, used 0
  console.log(`withBuffer(new AllocBuffer(100), ...) = ${withBufferExample()}`); // 10
  console.log(`using region(buf): ${usingExample(buf)}; ${buf}`); // 9
  console.log(`default buffer: ${defaultBuffer()}`);
  console.log(`distinct default buffers per async task: ${await taskBuffersDiffer()}`); // true
}
