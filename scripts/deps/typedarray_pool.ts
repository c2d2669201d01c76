// typedarray-pool, a peer the allocation benchmarks compare with (see README.md here).
export { default } from "npm:typedarray-pool@1.2.0";
