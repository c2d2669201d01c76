// An independent reference of the CNN (AllocArrays' Flux test): the forward pass of
// examples/models.ts's `predict` written as plain loops over the weights' numbers, in double
// precision, with none of the library's operations or kernels. The CNN tests check the library
// against it, so a wrong kernel fails them even when every allocator agrees with the heap run.
// Test-only; not part of the package.

/** The weights the reference reads: each layer's numbers, row-major as in examples/models.ts. */
export interface ReferenceWeights {
  conv1: { weight: ArrayLike<number>; bias: ArrayLike<number> };
  norm: {
    mean: ArrayLike<number>;
    variance: ArrayLike<number>;
    scale: ArrayLike<number>;
    bias: ArrayLike<number>;
  };
  conv2: { weight: ArrayLike<number>; bias: ArrayLike<number> };
  conv3: { weight: ArrayLike<number>; bias: ArrayLike<number> };
  dense1: { weight: ArrayLike<number>; bias: ArrayLike<number> };
  dense2: { weight: ArrayLike<number>; bias: ArrayLike<number> };
}

/** The numbers of an n-d array (its contiguous `data`) or of a typed array. */
function numbers(a: unknown): ArrayLike<number> {
  const d = (a as { data?: ArrayLike<number> }).data;
  return d !== undefined && typeof (a as { shape?: unknown }).shape === "object"
    ? d
    : a as ArrayLike<number>;
}

/** The weights of a model built by examples/models.ts's `makeCnn` (any element type). */
export function referenceWeights(model: {
  conv1: { weight: unknown; bias: unknown };
  norm: { mean: unknown; variance: unknown; scale: unknown; bias: unknown };
  conv2: { weight: unknown; bias: unknown };
  conv3: { weight: unknown; bias: unknown };
  dense1: { weight: unknown; bias: unknown };
  dense2: { weight: unknown; bias: unknown };
}): ReferenceWeights {
  const layer = (l: { weight: unknown; bias: unknown }) => ({
    weight: numbers(l.weight),
    bias: numbers(l.bias),
  });
  return {
    conv1: layer(model.conv1),
    norm: {
      mean: numbers(model.norm.mean),
      variance: numbers(model.norm.variance),
      scale: numbers(model.norm.scale),
      bias: numbers(model.norm.bias),
    },
    conv2: layer(model.conv2),
    conv3: layer(model.conv3),
    dense1: layer(model.dense1),
    dense2: layer(model.dense2),
  };
}

/** Valid 3×3 convolution, stride 1, + bias + relu: `[C, H, W]` → `[OC, H − 2, W − 2]`. */
function conv3x3Relu(
  x: Float64Array,
  c: number,
  h: number,
  w: number,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  oc: number,
): Float64Array {
  const oh = h - 2, ow = w - 2;
  const y = new Float64Array(oc * oh * ow);
  for (let o = 0; o < oc; o++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let s = bias[o];
        for (let ch = 0; ch < c; ch++) {
          for (let u = 0; u < 3; u++) {
            for (let v = 0; v < 3; v++) {
              s += weight[((o * c + ch) * 3 + u) * 3 + v] * x[(ch * h + i + u) * w + j + v];
            }
          }
        }
        y[(o * oh + i) * ow + j] = s > 0 ? s : 0;
      }
    }
  }
  return y;
}

/** 2×2 max-pool, stride 2 (a last odd row or column dropped): `[C, H, W]` → `[C, H/2, W/2]`. */
function maxPool2(x: Float64Array, c: number, h: number, w: number): Float64Array {
  const oh = Math.floor(h / 2), ow = Math.floor(w / 2);
  const y = new Float64Array(c * oh * ow);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const at = (ch * h + 2 * i) * w + 2 * j;
        y[(ch * oh + i) * ow + j] = Math.max(x[at], x[at + 1], x[at + w], x[at + w + 1]);
      }
    }
  }
  return y;
}

/** `W · x + b` with `W` `[out, in]`. */
function dense(x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>) {
  const out = bias.length, inp = x.length;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = bias[o];
    for (let k = 0; k < inp; k++) s += weight[o * inp + k] * x[k];
    y[o] = s;
  }
  return y;
}

/**
 * The class probabilities of one 28×28 image (784 numbers, row-major) under the CNN with
 * weights `m`: conv 1→32 + relu, batch-norm + relu, pool, conv 32→16 + relu, pool, conv
 * 16→10 + relu, flatten (channel, row, column), dense 90→10, dense 10→10 twice, softmax.
 */
export function referenceProbabilities(m: ReferenceWeights, image: ArrayLike<number>): number[] {
  let h = conv3x3Relu(Float64Array.from(image), 1, 28, 28, m.conv1.weight, m.conv1.bias, 32);
  for (let c = 0; c < 32; c++) {
    const inv = 1 / Math.sqrt(m.norm.variance[c] + 1e-5);
    for (let k = c * 676; k < (c + 1) * 676; k++) {
      const v = (h[k] - m.norm.mean[c]) * inv * m.norm.scale[c] + m.norm.bias[c];
      h[k] = v > 0 ? v : 0;
    }
  }
  h = maxPool2(h, 32, 26, 26);
  h = conv3x3Relu(h, 32, 13, 13, m.conv2.weight, m.conv2.bias, 16);
  h = maxPool2(h, 16, 11, 11);
  h = conv3x3Relu(h, 16, 5, 5, m.conv3.weight, m.conv3.bias, 10);
  let z = dense(h, m.dense1.weight, m.dense1.bias);
  z = dense(z, m.dense2.weight, m.dense2.bias);
  z = dense(z, m.dense2.weight, m.dense2.bias);
  const top = Math.max(...z);
  const e = [...z].map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** The reference probabilities `[count · 10]` of the first `count` images of `batches`. */
export function referencePredictions(
  m: ReferenceWeights,
  batches: readonly { data: ArrayLike<number>; shape: readonly number[] }[],
  count: number,
): Float64Array {
  const out = new Float64Array(count * 10);
  let row = 0;
  for (const b of batches) {
    for (let i = 0; i < b.shape[0] && row < count; i++, row++) {
      const image = Array.prototype.slice.call(b.data, i * 784, (i + 1) * 784) as number[];
      out.set(referenceProbabilities(m, image), row * 10);
    }
  }
  return out;
}
