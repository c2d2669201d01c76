// TensorFlow.js' WebAssembly backend, for the CNN benchmarks (see README.md here).
export * from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
