// wabt, which assembles the WebAssembly kernels from their .wat sources (see README.md here).
export { default } from "npm:wabt@1.0.39";
