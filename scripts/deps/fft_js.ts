// fft.js, an FFT for the interop recipes of docs/interop.md (see README.md here).
export { default } from "npm:fft.js@4.0.4";
