// TensorFlow.js core, a peer the CNN benchmarks compare with (see README.md here).
export * from "npm:@tensorflow/tfjs-core@4.22.0";
