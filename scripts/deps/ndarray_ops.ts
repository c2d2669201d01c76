// scijs ndarray-ops (element-wise operations and reductions over scijs ndarrays), the peer
// benches/ops_bench.ts compares the operations with (see README.md here), with the types of
// @types/ndarray-ops (the package has none of its own).
// @ts-types="npm:@types/ndarray-ops@1.2.7"
import ops from "npm:ndarray-ops@1.2.2";
export default ops;
