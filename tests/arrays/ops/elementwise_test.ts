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
import { OutOfMemoryError } from "../../../allocators/mod.ts";
import { assertAllClose, TestBump } from "../../_helpers.ts";
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
