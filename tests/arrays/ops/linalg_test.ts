import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AllocArray, NDArray } from "../../../arrays/mod.ts";
import { dot, matmul, transpose } from "../../../arrays/ops/mod.ts";
import { withAllocator } from "../../../scope/mod.ts";
import { TestBump } from "../../_helpers.ts";
import { arrayArb, bget, build, flat, indices, inDirtyBump, layoutArb } from "../_ops_arbitrary.ts";

/** Plain-loop matmul with NumPy's rules (1-d promotion, broadcast batch axes). */
function refMatmul(a: NDArray, b: NDArray): { shape: number[]; out: number[] } {
  const A = a.ndim === 1 ? a.reshape(1, a.shape[0]) : a;
  const B = b.ndim === 1 ? b.reshape(b.shape[0], 1) : b;
  const [m, k] = A.shape.slice(-2), n = B.shape[B.ndim - 1];
  const ba = A.shape.slice(0, -2), bb = B.shape.slice(0, -2);
  const nd = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: nd }, (_, i) => {
    const x = ba[ba.length - nd + i] ?? 1, y = bb[bb.length - nd + i] ?? 1;
    return x === 1 ? y : x;
  });
  const out: number[] = [];
  for (const bi of indices(batch)) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += bget(A, [...bi, i, p]) * bget(B, [...bi, p, j]);
        out.push(s);
      }
    }
  }
  const shape = [...batch];
  if (a.ndim > 1) shape.push(m);
  if (b.ndim > 1) shape.push(n);
  return { shape, out };
}

const dims = fc.integer({ min: 0, max: 5 });

/** Compatible operand shapes: batches broadcasting, inner lengths equal, 1-d sometimes. */
const matmulShapes = fc.record({
  m: dims,
  k: dims,
  n: dims,
  batchA: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  onesB: fc.array(fc.boolean(), { maxLength: 2 }),
  dropB: fc.integer({ min: 0, max: 2 }),
  vecA: fc.boolean(),
  vecB: fc.boolean(),
}).map(({ m, k, n, batchA, onesB, dropB, vecA, vecB }) => {
  const batchB = batchA.slice(Math.min(dropB, batchA.length)).map((d, i) => onesB[i] ? 1 : d);
  const sa = vecA ? [k] : [...batchA, m, k];
  const sb = vecB ? [k] : [...batchB, k, n];
  return [sa, sb] as const;
});

describe("matmul()", () => {
  it("matmul() matches a plain loop on random shapes, batches and layouts", () => {
    fc.assert(
      fc.property(
        matmulShapes.chain(([sa, sb]) =>
          fc.tuple(arrayArb(fc.constant(sa)), arrayArb(fc.constant(sb)))
        ),
        ([a, b]) => {
          const y = matmul(a, b);
          const ref = refMatmul(a, b);
          assert.deepEqual(y.shape, ref.shape);
          assert.deepEqual(flat(y), ref.out);
          const z = inDirtyBump(() => matmul(AllocArray.from(a), b));
          assert.ok(z instanceof AllocArray);
          assert.deepEqual(flat(z), ref.out);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("matmul() takes b with contiguous rows, contiguous columns, or neither", () => {
    const a = new NDArray(Float64Array.from({ length: 15 }, (_, i) => i - 7), [5, 3]);
    const base = new NDArray(Float64Array.from({ length: 48 }, (_, i) => (i * 7) % 11), [6, 8]);
    const rows = base.slice([0, 3], [0, 4]); // strides [8, 1]
    const cols = base.transpose().slice([0, 3], [0, 4]); // strides [1, 8]
    const neither = base.slice([0, 6, 2], [0, 8, 2]).slice([0, 3]); // strides [16, 2]
    for (const b of [rows, cols, neither]) {
      assert.deepEqual(flat(matmul(a, b)), refMatmul(a, b).out);
    }
  });

  it("matmul() writes into an out of any layout, also one that overlaps an operand", () => {
    fc.assert(
      fc.property(
        fc.tuple(dims, dims, dims).chain(([m, k, n]) =>
          fc.tuple(
            arrayArb(fc.constant([m, k])),
            arrayArb(fc.constant([k, n])),
            layoutArb(2).map((l) => build([m, n], l, () => 5)),
          )
        ),
        ([a, b, out]) => {
          const expected = refMatmul(a, b).out;
          assert.equal(matmul(a, b, out), out);
          assert.deepEqual(flat(out), expected);
        },
      ),
      { numRuns: 60 },
    );
    const sq = NDArray.fromNested([[1, 2], [3, 4]]);
    matmul(sq, sq, sq); // in place: the product needs every input element
    assert.deepEqual(sq.toNested(), [[7, 10], [15, 22]]);
  });

  it("matmul() of AllocArray operands allocates from the current allocator", () => {
    const bump = new TestBump(1024);
    const a = AllocArray.fromNested([[1, 2], [3, 4]]);
    const r = withAllocator(bump, () => matmul(new Float64Array([1, 1]), a));
    assert.ok(r instanceof AllocArray);
    assert.equal(r.data.buffer, bump.buf);
    assert.deepEqual(r.toNested(), [4, 6]);
  });

  it("matmul() rejects mismatched inner lengths, 0-d operands and bad batches", () => {
    const a = new NDArray(new Float64Array(6), [2, 3]);
    assert.throws(
      () => matmul(a, a),
      (e: Error) =>
        e instanceof RangeError &&
        /inner lengths differ: a of shape \[2, 3\] has 3 columns, b of shape \[2, 3\] has 2 rows/
          .test(e.message),
    );
    assert.throws(() => matmul(NDArray.fromNested(1), a), /at least one axis/);
    assert.throws(
      () =>
        matmul(
          new NDArray(new Float64Array(12), [2, 2, 3]),
          new NDArray(new Float64Array(27), [3, 3, 3]),
        ),
      /shapes \[2\] and \[3\] do not broadcast/,
    );
    assert.throws(() => matmul(a, new BigInt64Array(3)), TypeError);
  });
});

describe("dot()", () => {
  it("dot() matches a plain loop on random vector layouts", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }).chain((n) =>
          fc.tuple(arrayArb(fc.constant([n])), arrayArb(fc.constant([n])))
        ),
        ([a, b]) => {
          const expected = flat(a).reduce((s, v, i) => s + v * flat(b)[i], 0);
          assert.equal(dot(a, b), expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("dot() rejects matrices and unequal lengths", () => {
    assert.throws(
      () => dot(new Float64Array(2), new Float64Array(3)),
      (e: Error) => e instanceof RangeError && /shapes \[2\] and \[3\]/.test(e.message),
    );
    assert.throws(
      () => dot(new NDArray(new Float64Array(4), [2, 2]), new Float64Array(4)),
      /use matmul/,
    );
  });
});

describe("transpose()", () => {
  it("transpose() is a contiguous copy of the permuted view on random layouts", () => {
    fc.assert(
      fc.property(
        arrayArb(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 })).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.shuffledSubarray([...Array(x.ndim).keys()], {
              minLength: x.ndim,
              maxLength: x.ndim,
            }),
          )
        ),
        ([x, axes]) => {
          const t = transpose(x, { axes });
          assert.ok(t.isContiguous);
          assert.notEqual(t.data, x.data);
          assert.deepEqual(t.toNested(), x.permute(...axes).toNested());
          assert.deepEqual(transpose(x).toNested(), x.transpose().toNested());
        },
      ),
      { numRuns: 60 },
    );
  });

  it("transpose() works on bigint arrays and rejects a bad permutation", () => {
    const b = new NDArray(new BigInt64Array([1n, 2n, 3n, 4n]), [2, 2]);
    assert.deepEqual(transpose(b).toNested(), [[1n, 3n], [2n, 4n]]);
    assert.throws(
      () => transpose(b, { axes: [0, 0] }),
      (e: Error) =>
        e instanceof RangeError && /axes \[0, 0\] is not a permutation of 0..1/.test(e.message),
    );
    assert.throws(() => transpose(b, { axes: "01" as never }), TypeError);
    assert.throws(() => transpose(b, [0, 1] as never), /options must be an options object/);
    const out = new NDArray(new BigInt64Array(4), [2, 2]);
    assert.equal(transpose(b, out), out); // the shorthand for { out }
    assert.deepEqual(out.toNested(), [[1n, 3n], [2n, 4n]]);
  });
});
