// TensorFlow.js' CPU backend, registered on import, for the CNN benchmarks (see README.md here).
import "npm:@tensorflow/tfjs-backend-cpu@4.22.0";
