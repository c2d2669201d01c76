// scijs ndarray, for the interop recipes of docs/interop.md (see README.md here), with the
// types of @types/ndarray (the package has none of its own).
// @ts-types="npm:@types/ndarray@1.0.14"
import ndarray from "npm:ndarray@1.0.19";
export default ndarray;
