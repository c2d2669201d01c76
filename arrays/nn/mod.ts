/**
 * The layers of a small convolutional network, inference only: {@linkcode conv2d},
 * {@linkcode maxPool2d}, {@linkcode batchNorm}, {@linkcode dense} and {@linkcode softmax}
 * (the activations `relu`, `tanh` and `sigmoid` are element-wise operations in
 * `./arrays/ops`; `flatten` is a shape operation there).
 *
 * Images are NCHW: `[batch, channels, height, width]` (or `[channels, height, width]` for one
 * image). Every layer allocates its output like `similarOf` of its inputs (an `AllocArray`
 * input or weight makes it an `AllocArray` from the current allocator) or writes into `out`;
 * its temporaries (an input copied to contiguous memory, the column matrix of `conv2d`) come
 * from `similar` too, so under a bump allocator a whole forward pass allocates no
 * `ArrayBuffer`. `conv2d`, `dense` and `batchNorm` apply an optional fused activation in place.
 *
 * @module
 */

export * from "./activation.ts";
export * from "./conv.ts";
export * from "./pooling.ts";
export * from "./normalization.ts";
export * from "./dense.ts";
export * from "./softmax.ts";
