import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { adapt, AllocArray, CheckedAllocArray, NDArray } from "../../arrays/mod.ts";

class Dense {
  constructor(public weight: NDArray<Float32Array>, public bias: Float32Array) {}
  outputs(): number {
    return this.weight.shape[0];
  }
}

describe("adapt", () => {
  it("adapt() wraps typed arrays and n-d arrays in objects, arrays and Maps without copying", () => {
    const w = new Float32Array(6);
    const model = {
      layers: [new Dense(new NDArray(w, [2, 3]), new Float32Array(2))],
      norm: new Map<string, Float64Array | number>([["mean", new Float64Array(3)], ["eps", 1e-5]]),
      name: "mlp",
      nested: { deeper: [[new Int8Array(1)]] },
    };
    const m = adapt(model);
    const layer = m.layers[0];
    assert.ok(layer.weight instanceof AllocArray);
    assert.equal(layer.weight.data, w, "no copy");
    assert.deepEqual(layer.weight.shape, [2, 3]);
    assert.ok(layer.bias instanceof AllocArray);
    assert.equal(layer.bias.data, model.layers[0].bias);
    assert.ok(layer instanceof Dense, "class instances keep their prototype");
    assert.equal(layer.outputs(), 2);
    assert.ok(m.norm.get("mean") instanceof AllocArray);
    assert.equal(m.norm.get("eps"), 1e-5);
    assert.equal(m.name, "mlp");
    assert.ok(m.nested.deeper[0][0] instanceof AllocArray);
  });

  it("adapt() leaves the input unchanged and keeps AllocArrays as they are", () => {
    const a = AllocArray.from(new Float64Array(2));
    const c = CheckedAllocArray.from(new Float64Array(2));
    const input = { a, c, t: new Float64Array(1) };
    const out = adapt(input);
    assert.equal(out.a, a);
    assert.equal(out.c, c);
    assert.ok(input.t instanceof Float64Array, "input not modified");
    assert.notEqual(out, input);
  });

  it("adapt() preserves shared references and cycles", () => {
    const shared = new Float64Array(2);
    type Node = { value: Float64Array; self?: Node; again?: Float64Array };
    const node: Node = { value: shared };
    node.self = node;
    node.again = shared;
    const out = adapt(node) as unknown as { value: AllocArray; self: unknown; again: AllocArray };
    assert.equal(out.self, out, "cycle kept");
    assert.ok(out.value instanceof AllocArray);
    assert.equal(out.value.data, shared);
    const list = [shared, shared];
    const l = adapt(list);
    assert.equal(l[0].data, l[1].data);
  });

  it("adapt() leaves primitives, functions and built-in value objects alone", () => {
    const f = () => 1;
    const d = new Date(0);
    const s = new Set([1]);
    const buf = new ArrayBuffer(8);
    assert.equal(adapt(5), 5);
    assert.equal(adapt("x"), "x");
    assert.equal(adapt(null), null);
    assert.equal(adapt(undefined), undefined);
    assert.equal(adapt(f), f);
    const out = adapt({ f, d, s, buf, dv: new DataView(buf) });
    assert.equal(out.f, f);
    assert.equal(out.d, d);
    assert.equal(out.s, s);
    assert.equal(out.buf, buf);
    assert.ok(out.dv instanceof DataView);
  });

  it("adapt() to CheckedAllocArray wraps heap arrays and rejects unchecked AllocArrays", () => {
    const m = adapt(
      { w: new Float64Array(2), v: new NDArray(new Int32Array(4), [2, 2]) },
      CheckedAllocArray,
    );
    assert.ok(m.w instanceof CheckedAllocArray && m.w.isValid);
    assert.ok(m.v instanceof CheckedAllocArray);
    assert.throws(
      () => adapt([AllocArray.from(new Float64Array(1))], CheckedAllocArray),
      TypeError,
    );
    assert.throws(() => adapt({}, NDArray as never), {
      name: "TypeError",
      message: /kind must be AllocArray or CheckedAllocArray, got NDArray/,
    });
  });
});
