import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as ops from "../../../arrays/ops/mod.ts";
import {
  AllocArray,
  BumperAllocator,
  CheckedAllocArray,
  InvalidMemoryError,
  NDArray,
  reset,
} from "../../../arrays/mod.ts";
import {
  add,
  copyTo,
  div,
  exp,
  less,
  map,
  maximum,
  mul,
  neg,
  relu,
  sub,
  zip,
} from "../../../arrays/ops/mod.ts";
import { withAllocator } from "../../../scope/mod.ts";
import { OutOfMemoryError, type TypedArray } from "../../../allocators/mod.ts";
import { assertAllClose, NUMBER_TYPES, TestBump } from "../../_helpers.ts";
import {
  arrayArb,
  bget,
  broadcastPairArb,
  build,
  flat,
  indices,
  inDirtyBump,
  layoutArb,
  shapeArb,
} from "../_ops_arbitrary.ts";

type Bin = (a: unknown, b: unknown, out?: unknown) => NDArray;
type Un = (x: unknown, out?: unknown) => NDArray;

const BINARY: [string, (x: number, y: number) => number][] = [
  ["add", (x, y) => x + y],
  ["sub", (x, y) => x - y],
  ["mul", (x, y) => x * y],
  ["div", (x, y) => x / y],
  ["pow", (x, y) => x ** y],
  ["minimum", Math.min],
  ["maximum", Math.max],
  ["equal", (x, y) => +(x === y)],
  ["notEqual", (x, y) => +(x !== y)],
  ["less", (x, y) => +(x < y)],
  ["lessEqual", (x, y) => +(x <= y)],
  ["greater", (x, y) => +(x > y)],
  ["greaterEqual", (x, y) => +(x >= y)],
];

const UNARY: [string, (x: number) => number][] = [
  ["neg", (x) => -x],
  ["abs", Math.abs],
  ["sign", Math.sign],
  ["square", (x) => x * x],
  ["sqrt", Math.sqrt],
  ["exp", Math.exp],
  ["log", Math.log],
  ["sin", Math.sin],
  ["cos", Math.cos],
  ["tanh", Math.tanh],
  ["sigmoid", (x) => 1 / (1 + Math.exp(-x))],
  ["relu", (x) => (x > 0 ? x : 0)],
  ["floor", Math.floor],
  ["ceil", Math.ceil],
];

const fn = (name: string) => (ops as unknown as Record<string, Bin & Un>)[name];

/** Plain-loop reference of a broadcasting binary op. */
function refBinary(f: (x: number, y: number) => number, a: NDArray | number, b: NDArray | number) {
  const sa = typeof a === "number" ? [] : a.shape, sb = typeof b === "number" ? [] : b.shape;
  const nd = Math.max(sa.length, sb.length);
  const shape = Array.from({ length: nd }, (_, k) => {
    const x = sa[sa.length - nd + k] ?? 1, y = sb[sb.length - nd + k] ?? 1;
    return x === 1 ? y : x;
  });
  const out: number[] = [];
  for (const idx of indices(shape)) {
    out.push(f(
      typeof a === "number" ? a : bget(a, idx),
      typeof b === "number" ? b : bget(b, idx),
    ));
  }
  return { shape, out };
}

function sameNumbers(actual: number[], expected: number[]) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const x = actual[i], y = expected[i];
    if (Number.isNaN(y)) assert.ok(Number.isNaN(x), `index ${i}: ${x} vs NaN`);
    else if (!Number.isFinite(y)) assert.equal(x, y, `index ${i}`);
    else assert.ok(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `index ${i}: ${x} vs ${y}`);
  }
}

describe("element-wise binary operations", () => {
  for (const [name, f] of BINARY) {
    it(`${name}() matches a plain loop on random broadcast shapes and layouts`, () => {
      fc.assert(
        fc.property(
          broadcastPairArb().chain(([sa, sb]) =>
            fc.tuple(arrayArb(fc.constant(sa)), arrayArb(fc.constant(sb)))
          ),
          ([a, b]) => {
            const y = fn(name)(a, b);
            const ref = refBinary(f, a, b);
            assert.deepEqual(y.shape, ref.shape);
            assert.ok(y.isContiguous);
            sameNumbers(flat(y), ref.out);
            sameNumbers(flat(inDirtyBump(() => fn(name)(a, AllocArray.from(b)))), ref.out);
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it("add() with a scalar on either side broadcasts it", () => {
    fc.assert(
      fc.property(arrayArb(shapeArb()), fc.integer({ min: -5, max: 5 }), (a, s) => {
        sameNumbers(flat(add(a, s)), refBinary((x, y) => x + y, a, s).out);
        sameNumbers(flat(sub(s, a)), refBinary((x, y) => x - y, s, a).out);
      }),
      { numRuns: 80 },
    );
  });

  it("add() takes plain typed arrays as 1-d arrays", () => {
    const y = add(new Float64Array([1, 2, 3]), new Int32Array([10, 20, 30]));
    assert.ok(y instanceof NDArray);
    assert.deepEqual(y.toNested(), [11, 22, 33]);
  });

  it("add() walks contiguous data in one row, a broadcast row in 2-d, a transposed 3-d view n-d", () => {
    const m = new NDArray(Float64Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    // contiguous: one row
    assert.deepEqual(flat(add(m, m)), flat(m).map((v) => 2 * v));
    // broadcast row: 2-d fast path after merging the leading axes
    const row = new Float64Array([100, 200, 300, 400]);
    assert.deepEqual(flat(add(m, row)), flat(m).map((v, i) => v + row[i % 4]));
    // transposed 3-d: no axes merge, the n-d path
    const t = m.permute(2, 0, 1);
    const expected = [...indices(t.shape)].map((idx) => 2 * (t.get(...idx) as number));
    assert.deepEqual(flat(add(t, t)), expected);
  });

  it("add() whose result is larger than the runtime gives: an OutOfMemoryError naming the size", () => {
    const big = new NDArray(new Float64Array(1), [1]).broadcastTo(2 ** 20, 2 ** 20);
    assert.throws(
      () => add(big, 1),
      (e) =>
        e instanceof OutOfMemoryError &&
        /^Cannot allocate 8796093022208 bytes \(1099511627776 Float64Array elements\)/.test(
          e.message,
        ),
    );
  });

  it("add() of 0-d arrays is 0-d; with a size-0 array it is size 0", () => {
    const s = add(NDArray.fromNested(2), 3);
    assert.deepEqual(s.shape, []);
    assert.equal(s.get(), 5);
    const e = add(new NDArray(new Float64Array(0), [0, 3]), new Float64Array([1, 2, 3]));
    assert.deepEqual(e.shape, [0, 3]);
    assert.equal(e.size, 0);
    const e2 = add(
      new NDArray(new Float64Array(0), [2, 0]),
      new NDArray(new Float64Array(1), [1, 1]),
    );
    assert.deepEqual(e2.shape, [2, 0]);
  });

  it("add() result element type is the first array operand's; div() gives integers Float64Array", () => {
    assert.equal(add(new Int32Array([1]), new Float64Array([0.5])).dtype, Int32Array);
    assert.equal(add(2.5, new Float32Array([1])).dtype, Float32Array);
    assert.deepEqual(add(new Int32Array([1]), 2.7).toNested(), [3]); // Int32 store truncates
    const q = div(new Int32Array([7]), 2);
    assert.equal(q.dtype, Float64Array);
    assert.deepEqual(q.toNested(), [3.5]);
    assert.equal(div(new Float32Array([1]), 3).dtype, Float32Array);
    assert.equal(less(new Float32Array([1]), 3).dtype, Uint8Array);
  });
});

describe("element-wise unary operations", () => {
  for (const [name, f] of UNARY) {
    it(`${name}() matches a plain loop on random shapes and layouts`, () => {
      fc.assert(
        fc.property(arrayArb(shapeArb()), (a) => {
          const y = fn(name)(a);
          assert.deepEqual(y.shape, a.shape);
          sameNumbers(flat(y), flat(a).map(f));
          sameNumbers(flat(inDirtyBump(() => fn(name)(AllocArray.from(a)))), flat(a).map(f));
        }),
        { numRuns: 40 },
      );
    });
  }

  it("relu() is exact for edge values: NaN stays NaN, -Infinity and -0 give 0, huge values pass", () => {
    const x = new Float64Array([NaN, -Infinity, Infinity, -0, 1.7e308, -1.7e308, 5e-324, 2]);
    assert.deepEqual([...relu(x)], [NaN, 0, Infinity, 0, 1.7e308, 0, 5e-324, 2]);
  });

  it("sigmoid() does not overflow for large inputs", () => {
    const y = ops.sigmoid(new Float64Array([-1000, 0, 1000]));
    assert.deepEqual([...y], [0, 0.5, 1]);
  });

  it("exp() keeps Float32Array and gives integer input Float64Array", () => {
    assert.equal(exp(new Float32Array([1])).dtype, Float32Array);
    const y = exp(new Int8Array([1, 2]));
    assert.equal(y.dtype, Float64Array);
    assertAllClose([...y], [Math.E, Math.E ** 2], 1e-12);
    assert.equal(relu(new Int16Array([-3, 3])).dtype, Int16Array);
  });
});

describe("element-wise out forms", () => {
  it("add() writes into a strided out and returns it", () => {
    fc.assert(
      fc.property(
        broadcastPairArb().chain(([sa, sb]) =>
          fc.tuple(arrayArb(fc.constant(sa)), arrayArb(fc.constant(sb)))
        ).chain(([a, b]) => {
          const ref = refBinary((x, y) => x + y, a, b);
          return fc.tuple(fc.constant(a), fc.constant(b), layoutArb(ref.shape.length)).map((
            [a, b, lay],
          ) => [a, b, build(ref.shape, lay, () => -99), ref.out] as const);
        }),
        ([a, b, out, expected]) => {
          const r = add(a, b, { out });
          assert.equal(r, out);
          sameNumbers(flat(out), expected);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("mul() in place (out is an input) and into a typed array", () => {
    const a = NDArray.fromNested([[1, 2], [3, 4]]);
    assert.equal(mul(a, 10, a), a);
    assert.deepEqual(a.toNested(), [[10, 20], [30, 40]]);
    const raw = new Float32Array(2);
    assert.equal(add(new Float64Array([1, 2]), 0.5, raw), raw);
    assert.deepEqual([...raw], [1.5, 2.5]);
  });

  it("add() with an out overlapping an input in another layout reads the input first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -3, max: 3 }), (n, shift) => {
        const data = Float64Array.from({ length: n + 6 }, (_, i) => i * i);
        const x = new NDArray(data);
        const a = x.slice([3, 3 + n]), o = x.slice([3 + shift, 3 + shift + n]);
        const expected = flat(a).map((v) => v + 1);
        add(a, 1, o);
        assert.deepEqual(flat(o), expected);
        // reversed view of the same memory as out
        const y = new NDArray(Float64Array.from({ length: n }, (_, i) => i));
        const yr = y.slice([null, null, -1]);
        const exp2 = flat(yr).map((v, i) => v * 2 + i);
        zip([yr, new Float64Array(n).map((_, i) => i)], (p, q) => p * 2 + q, y);
        assert.deepEqual(flat(y), exp2);
      }),
      { numRuns: 60 },
    );
  });

  it("add() out of the wrong shape is a RangeError and leaves out unchanged", () => {
    const out = new NDArray(new Float64Array([7, 7, 7]));
    assert.throws(
      () => add(new Float64Array([1, 2]), 1, out),
      (e: Error) =>
        e instanceof RangeError && /out has shape \[3\], expected \[2\]/.test(e.message),
    );
    assert.deepEqual([...out], [7, 7, 7]);
    assert.throws(
      () => add(new Float64Array([1]), 1, new BigInt64Array(1)),
      (e: Error) => e instanceof TypeError && /out holds BigInt64Array/.test(e.message),
    );
  });
});

describe("element-wise result kinds", () => {
  it("add() of an AllocArray and a typed array is an AllocArray from the current allocator", () => {
    const bump = new TestBump(1 << 12);
    const a = AllocArray.from(new Float64Array([1, 2, 3]));
    const plain = new Float64Array([10, 20, 30]);
    const [r1, r2, r3] = withAllocator(bump, () => [add(a, plain), add(plain, a), maximum(2, a)]);
    for (const r of [r1, r2, r3]) {
      assert.ok(r instanceof AllocArray);
      assert.equal(r.data.buffer, bump.buf);
    }
    assert.deepEqual(r2.toNested(), [11, 22, 33]);
    assert.equal(bump.allocations, 3);
  });

  it("add() of plain arrays is a heap NDArray even inside withAllocator", () => {
    const bump = new TestBump(1 << 12);
    const r = withAllocator(bump, () => add(new Float64Array([1]), NDArray.fromNested([2])));
    assert.ok(!(r instanceof AllocArray));
    assert.equal(bump.allocations, 0);
  });

  it("add() of a CheckedAllocArray and an AllocArray is a CheckedAllocArray that reset() invalidates", () => {
    const b = new BumperAllocator(1 << 12);
    const c = new CheckedAllocArray(new Float64Array([1, 2]));
    const a = AllocArray.from(new Float64Array([10, 20]));
    const r = withAllocator(b, () => add(a, c));
    assert.ok(r instanceof CheckedAllocArray);
    assert.deepEqual(r.toNested(), [11, 22]);
    reset(b);
    assert.throws(() => r.get(0), InvalidMemoryError);
    // an operation reading a freed array throws too, before writing anything
    const out = new Float64Array([5, 5]);
    assert.throws(() => add(r, 1, out), InvalidMemoryError);
    assert.deepEqual([...out], [5, 5]);
  });

  it("relu() of a view of an AllocArray is an AllocArray", () => {
    const a = new AllocArray(new Float64Array([-1, 2, -3, 4]), [2, 2]);
    const bump = new TestBump(1 << 12);
    const r = withAllocator(bump, () => relu(a.transpose()));
    assert.ok(r instanceof AllocArray);
    assert.deepEqual(r.toNested(), [[0, 0], [2, 4]]);
  });
});

describe("element-wise options", () => {
  it("every operation takes { out } or out itself, typed as out", () => {
    const a = new NDArray(new Float64Array([1, -2]), [2]);
    const out = new NDArray(new Float32Array(2), [2]);
    const viaOptions: NDArray<Float32Array> = add(a, 1, { out });
    const viaArray: NDArray<Float32Array> = relu(a, out);
    assert.equal(viaOptions, out);
    assert.equal(viaArray, out);
    assert.deepEqual(out.toNested(), [1, 0]);
    const raw = new Int16Array(2);
    const typed: Int16Array = map(a, (v) => v * 2, raw);
    assert.equal(typed, raw);
    assert.deepEqual([...raw], [2, -4]);
    // no out, out undefined or null: a new array
    for (const options of [undefined, null, {}, { out: undefined }, { out: null }]) {
      const r = add(a, a, options);
      assert.ok(r instanceof NDArray);
      assert.notEqual(r as NDArray, out);
      assert.deepEqual(r.toNested(), [2, -4]);
    }
  });

  it("an unknown option or options that are neither an object nor an array are TypeErrors", () => {
    const a = new Float64Array([1, 2]), out = new Float64Array(2);
    assert.throws(
      () => add(a, 1, { ot: out } as never),
      (e: Error) =>
        e instanceof TypeError &&
        /Cannot compute add\(\): unknown option "ot"; the options are out/.test(e.message),
    );
    assert.throws(
      () => exp(a, 5 as never),
      /Cannot compute exp\(\): options must be an options object or the out array, got 5/,
    );
    assert.throws(() => neg(a, [0, 0] as never), /got an Array of length 2/);
    assert.throws(() => add(a, 1, { out: 5 } as never), /out must be a typed array or NDArray/);
    assert.deepEqual([...out], [0, 0]);
  });

  it("the operations carry their names", () => {
    assert.deepEqual([add.name, div.name, less.name, relu.name], ["add", "div", "less", "relu"]);
  });
});

describe("element-wise bad input", () => {
  it("add() of shapes that do not broadcast is a RangeError naming both shapes", () => {
    assert.throws(
      () => add(new NDArray(new Float64Array(6), [2, 3]), new Float64Array(2)),
      (e: Error) =>
        e instanceof RangeError &&
        /Cannot compute add\(\): shapes \[2, 3\] and \[2\]/.test(e.message),
    );
  });

  it("add() rejects bigint arrays, two scalars and non-arrays with TypeErrors", () => {
    assert.throws(() => add(new BigInt64Array(1), 1), /holds BigInt64Array elements/);
    assert.throws(
      () => add(1, 2),
      (e: Error) => e instanceof TypeError && /at least one/.test(e.message),
    );
    assert.throws(
      () => add([1, 2] as never, 1),
      (e: Error) =>
        e instanceof TypeError &&
        /a must be a number, typed array or NDArray, got an Array/.test(e.message),
    );
    assert.throws(() => relu("x" as never), /x must be a typed array or NDArray, got "x"/);
  });
});

describe("map() and zip()", () => {
  it("map() matches a plain loop on random layouts", () => {
    fc.assert(
      fc.property(arrayArb(shapeArb()), (a) => {
        const y = map(a, (v) => v * 3 - 1);
        assert.deepEqual(y.shape, a.shape);
        assert.deepEqual(flat(y), flat(a).map((v) => v * 3 - 1));
      }),
      { numRuns: 60 },
    );
  });

  it("zip() matches a plain loop on random broadcast shapes", () => {
    fc.assert(
      fc.property(
        broadcastPairArb().chain(([sa, sb]) =>
          fc.tuple(arrayArb(fc.constant(sa)), arrayArb(fc.constant(sb)))
        ),
        ([a, b]) => {
          const f = (x: number, y: number) => x * 10 + y;
          assert.deepEqual(flat(zip([a, b], f)), refBinary(f, a, b).out);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("map() and zip() work on bigint arrays", () => {
    assert.deepEqual([...map(new BigInt64Array([1n, 2n]), (v) => v * v)], [1n, 4n]);
    assert.deepEqual([...zip([new BigUint64Array([5n, 6n]), 1n], (x, y) => x + y)], [6n, 7n]);
  });

  it("map() returning the wrong kind of value is a TypeError", () => {
    assert.throws(
      () => map(new Float64Array([1]), () => "1" as never),
      (e: Error) => e instanceof TypeError && /fn must return a number, got "1"/.test(e.message),
    );
    assert.throws(() => map(new BigInt64Array([1n]), () => 1), /fn must return a bigint, got 1/);
    assert.throws(() => map(new Float64Array(1), 3 as never), /fn must be a function/);
  });

  it("zip() takes its operands as a pair and rejects anything else", () => {
    const a = new Float64Array([1, 2]), f = Math.max as never;
    assert.throws(
      () => zip(a as never, f),
      (e: Error) =>
        e instanceof TypeError &&
        /Cannot compute zip\(\): operands must be a pair \[a, b\], got a Float64Array/.test(
          e.message,
        ),
    );
    assert.throws(() => zip([a, a, a] as never, f), /operands must be a pair/);
    assert.throws(
      () => zip([1, 2], f),
      /at least one of the operands must be an array, got 1 and 2/,
    );
    assert.throws(() => zip([a, "b"] as never, f), /operands\[1\] must be a number/);
    const out = new Float32Array(2);
    assert.equal(zip([a, 3], Math.max, { out }), out);
    assert.deepEqual([...out], [3, 3]);
  });
});

describe("copyTo()", () => {
  it("copyTo() broadcasts src into a strided out and converts element types", () => {
    fc.assert(
      fc.property(
        broadcastPairArb().filter(([a, b]) => a.length <= b.length).chain(([sa, sb]) => {
          const target = sb.map((n, k) => {
            const m = sa[sa.length - sb.length + k] ?? 1;
            return m === 1 ? n : m;
          });
          return fc.tuple(arrayArb(fc.constant(sa)), layoutArb(target.length)).map((
            [a, lay],
          ) => [a, build(target, lay, () => 0, Float32Array)] as const);
        }),
        ([src, out]) => {
          assert.equal(copyTo(src, out), out);
          const expected = [...indices(out.shape)].map((idx) => bget(src, idx));
          assert.deepEqual(flat(out), expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("copyTo() fills with a scalar and rejects shapes that do not broadcast to out", () => {
    const out = new NDArray(new Int32Array(4), [2, 2]);
    copyTo(3, out);
    assert.deepEqual(out.toNested(), [[3, 3], [3, 3]]);
    assert.throws(
      () => copyTo(new Float64Array(3), out),
      (e: Error) => e instanceof RangeError && /shapes \[3\] and \[2, 2\]/.test(e.message),
    );
    assert.throws(
      () => copyTo(new NDArray(new Float64Array(4), [2, 2, 1]), new Float64Array(2)),
      /does not broadcast to out's shape \[2\]/,
    );
    assert.throws(() => copyTo(1n, out), /src holds bigint elements and out Int32Array/);
    assert.deepEqual(out.toNested(), [[3, 3], [3, 3]]);
  });
});

/**
 * The same elements as `x` (a contiguous typed array) in a non-contiguous n-d array: every
 * other element of data twice as long, which the operations' general engine walks.
 */
function strided(x: Float64Array): NDArray {
  const T = x.constructor as Float64ArrayConstructor;
  const d = new T(2 * x.length + 1);
  for (let i = 0; i < x.length; i++) d[2 * i + 1] = x[i];
  return new NDArray(d, [x.length], [2], 1);
}

/** Asserts two arrays hold the same element type and bit-identical elements (NaN, -0 too). */
function identical(
  actual: NDArray | TypedArray,
  expected: NDArray | TypedArray,
  what: string,
) {
  const a = actual instanceof NDArray ? actual : new NDArray(actual);
  const e = expected instanceof NDArray ? expected : new NDArray(expected);
  assert.equal(a.dtype, e.dtype, `${what}: element type`);
  assert.deepEqual(a.shape, e.shape, `${what}: shape`);
  const x = [...a], y = [...e];
  for (let i = 0; i < y.length; i++) {
    assert.ok(Object.is(x[i], y[i]), `${what}: element ${i} is ${x[i]}, expected ${y[i]}`);
  }
}

/** `n` values for element type `T`: small integers, and for float types fractions, NaN, ±0, ±Infinity. */
function valuesOf(T: Float64ArrayConstructor, n: number, seed: number): Float64Array {
  const x = new T(n);
  const float = /^Float/.test(T.name);
  const special = [NaN, -0, 0, Infinity, -Infinity, 0.5, -2.25];
  for (let i = 0; i < n; i++) {
    const k = (seed * 7919 + i * 104729) % 97;
    x[i] = float && k % 11 === 0
      ? special[k % special.length]
      : (k % 17) - 8 + (float ? k / 64 : 0);
  }
  return x;
}

describe("element-wise fast path (contiguous operands of one element type)", () => {
  it("every binary operation agrees bit for bit with the general engine, on every element type", () => {
    for (const T of NUMBER_TYPES) {
      for (const [name] of BINARY) {
        const op = fn(name);
        for (const n of [0, 1, 7, 33]) {
          const a = valuesOf(T, n, 1), b = valuesOf(T, n, 2);
          const what = `${name} on ${T.name} × ${n}`;
          const general = op(strided(a), strided(b));
          identical(op(a, b), general, what);
          identical(
            op(new NDArray(a.slice()), new NDArray(b.slice())),
            general,
            `${what} (NDArrays)`,
          );
          identical(op(a, 3), op(strided(a), 3), `${what} with a scalar second`);
          identical(op(-2.5, b), op(-2.5, strided(b)), `${what} with a scalar first`);
          const out = new (general.dtype as Float64ArrayConstructor)(n);
          assert.equal(op(a, b, out), out);
          identical(out, general, `${what} into out`);
          // Arrays that start inside their data (an offset), each at a different place.
          const at = (x: Float64Array, k: number) => {
            const d = new (x.constructor as Float64ArrayConstructor)(x.length + k + 2);
            d.set(x, k);
            return new NDArray(d, [x.length], [1], k);
          };
          const shiftedOut = at(new (general.dtype as Float64ArrayConstructor)(n), 3);
          op(at(a, 1), at(b, 2), shiftedOut);
          identical(shiftedOut, general, `${what} at offsets`);
          identical(op(at(a, 1), 3), op(strided(a), 3), `${what} at an offset with a scalar`);
          identical(op(-2.5, at(b, 2)), op(-2.5, strided(b)), `${what} scalar first, at an offset`);
          const m = n === 33 ? 3 : 1;
          const A = new NDArray(a.slice(), [m, n / m]), B = new NDArray(b.slice(), [m, n / m]);
          const two = op(A, B, { out: null });
          assert.deepEqual(two.shape, [m, n / m]);
          identical(two.reshape(n), general, `${what} in 2-d`);
        }
      }
    }
  });

  it("every unary operation agrees bit for bit with the general engine, on every element type", () => {
    for (const T of NUMBER_TYPES) {
      for (const [name] of UNARY) {
        const op = fn(name);
        for (const n of [0, 1, 9, 40]) {
          const x = valuesOf(T, n, 3);
          const what = `${name} on ${T.name} × ${n}`;
          const general = op(strided(x));
          identical(op(x), general, what);
          identical(op(new AllocArray(x.slice())), general, `${what} (AllocArray)`);
          const out = new (general.dtype as Float64ArrayConstructor)(n);
          assert.equal(op(x, { out }), out);
          identical(out, general, `${what} into { out }`);
          const d = new T(n + 3), o = new (general.dtype as Float64ArrayConstructor)(n + 2);
          d.set(x, 3);
          const shifted = new NDArray(o, [n], [1], 2);
          op(new NDArray(d, [n], [1], 3), shifted);
          identical(shifted, general, `${what} at offsets`);
        }
      }
    }
  });

  it("an out that is an operand is computed in place; one that overlaps it elsewhere as if the operand were read first", () => {
    for (const T of [Float64Array, Int16Array, Uint8Array] as Float64ArrayConstructor[]) {
      const n = 12, buf = new ArrayBuffer((n + 4) * T.BYTES_PER_ELEMENT);
      const a = new T(buf, 0, n);
      a.set(valuesOf(T, n, 4));
      const b = valuesOf(T, n, 5);
      const expected = add(strided(a.slice()), strided(b));
      // out is a: in place
      assert.equal(add(a, b, a), a);
      identical(a, expected, `${T.name} in place`);
      // out one element after a, in the same memory: a must be read before it is overwritten
      a.set(valuesOf(T, n, 4));
      const shifted = new T(buf, T.BYTES_PER_ELEMENT, n);
      add(a, b, shifted);
      identical(shifted, expected, `${T.name} into an overlapping out`);
      // out one element before b (b a view of the same memory)
      const c = new T(buf, 2 * T.BYTES_PER_ELEMENT, n), before = new T(buf, T.BYTES_PER_ELEMENT, n);
      c.set(valuesOf(T, n, 6));
      const expectedC = sub(strided(valuesOf(T, n, 4)), strided(c.slice()));
      sub(valuesOf(T, n, 4), c, before);
      identical(before, expectedC, `${T.name} into an out overlapping the second operand`);
      // scalar operand, out overlapping the array
      a.set(valuesOf(T, n, 4));
      const expectedS = mul(strided(a.slice()), 3);
      mul(a, 3, shifted);
      identical(shifted, expectedS, `${T.name} times a scalar into an overlapping out`);
      // unary, out overlapping the input
      a.set(valuesOf(T, n, 4));
      const expectedU = neg(strided(a.slice()));
      neg(a, shifted);
      identical(shifted, expectedU, `${T.name} neg into an overlapping out`);
    }
  });

  it("an out of a wider element type over the operand's first bytes is computed as if the operand were read first", () => {
    const buf = new ArrayBuffer(8 * 6);
    const x = new Int32Array(buf, 0, 6), out = new Float64Array(buf, 0, 6);
    x.set([1, 2, 3, 4, 5, 6]);
    assert.equal(div(x, 2, out), out);
    assert.deepEqual([...out], [0.5, 1, 1.5, 2, 2.5, 3]);
    x.set([1, 4, 9, 16, 25, 36]);
    const X = new NDArray(x), OUT = new NDArray(out);
    assert.equal(ops.sqrt(X, OUT), OUT);
    assert.deepEqual([...out], [1, 2, 3, 4, 5, 6]);
  });

  it("a DataView is never written: in the place of out or as out it is a TypeError", () => {
    const a = new Float64Array([1, 2, 3]), dv = new DataView(new ArrayBuffer(24));
    const calls = [
      () => add(a, a, dv as never),
      () => add(new NDArray(a), 1, dv as never),
      () => neg(a, dv as never),
      () => ops.sum(a, dv as never),
      () => add(a, a, { out: dv as never }),
      () => neg(a, { out: dv as never }),
    ];
    for (const call of calls) {
      assert.throws(call, {
        name: "TypeError",
        message: /out must be a typed array or NDArray, got a DataView/,
      });
    }
    assert.deepEqual([...new Uint8Array(dv.buffer)], new Array(24).fill(0));
    assert.deepEqual([...a], [1, 2, 3]);
  });

  it("views of one SharedArrayBuffer delivered as two objects are taken to overlap", () => {
    const sab = new SharedArrayBuffer(8 * 10);
    const a = new Float64Array(sab, 0, 8);
    a.set([1, 2, 3, 4, 5, 6, 7, 8]);
    // A second handle on the same memory (as postMessage delivers): structuredClone makes a
    // new SharedArrayBuffer object for the same bytes.
    const same = structuredClone(sab);
    assert.notEqual(same, sab);
    const out = new Float64Array(same, 8, 8);
    add(a, 10, out);
    assert.deepEqual([...new Float64Array(sab, 8, 8)], [11, 12, 13, 14, 15, 16, 17, 18]);
  });

  it("operands of different element types, or an out of another type, take the general engine and agree with it", () => {
    const a = valuesOf(Float64Array, 10, 7), b = valuesOf(Int32Array as never, 10, 8);
    identical(add(a, b), add(strided(a), strided(b)), "Float64 + Int32");
    const out = new Float32Array(10);
    add(a, a, out);
    identical(out, Float32Array.from(a, (v) => v + v), "into a Float32 out");
    const cmp = new Float64Array(10);
    less(a, 0, cmp);
    assert.deepEqual([...cmp], [...a].map((v) => +(v < 0)));
  });

  it("empty and 0-d arrays", () => {
    assert.equal(add(new Float64Array(0), new Float64Array(0)).size, 0);
    assert.equal(exp(new Float32Array(0)).dtype, Float32Array);
    const z = NDArray.fromNested(2.5);
    assert.deepEqual(add(z, z).toNested(), 5);
    assert.deepEqual(mul(3, z).shape, []);
  });

  it("an operand or out over detached memory throws a TypeError and writes nothing", () => {
    const buffer = new ArrayBuffer(8 * 4), kept = new Float64Array([1, 2, 3, 4]);
    const x = new NDArray(new Float64Array(buffer), [2, 2]);
    structuredClone(buffer, { transfer: [buffer] }); // as when sent to a Worker
    const detached = { name: "TypeError", message: /memory was detached/ };
    assert.throws(() => add(x, 1), detached);
    assert.throws(
      () => add(kept, new NDArray(new Float64Array(4)).reshape(4), x.reshape(4)),
      detached,
    );
    assert.throws(() => neg(x), detached);
    assert.throws(() => add(new NDArray(kept.slice(), [2, 2]), 1, x), detached);
  });

  it("a CheckedAllocArray operand whose memory was freed throws InvalidMemoryError", () => {
    const bumper = new BumperAllocator();
    const c = withAllocator(bumper, () => add(new CheckedAllocArray(new Float64Array(4)), 1));
    reset(bumper);
    assert.throws(() => add(c, 1), InvalidMemoryError);
    assert.throws(() => add(new Float64Array(4), 1, c), InvalidMemoryError);
  });

  it("the result of operations on AllocArrays under a bump allocator is an AllocArray of its memory", () => {
    const bump = new TestBump(1 << 12);
    const a = AllocArray.from(new Float64Array([1, 2, 3])), b = new Float64Array([4, 5, 6]);
    const y = withAllocator(bump, () => add(b, a));
    assert.ok(y instanceof AllocArray);
    assert.equal(y.data.buffer, bump.buf);
    assert.deepEqual([...y], [5, 7, 9]);
    const z = withAllocator(bump, () => sub(2, a));
    assert.ok(z instanceof AllocArray);
    assert.deepEqual([...z], [1, 0, -1]);
  });
});
