// @thi.ng/malloc, a peer the allocation benchmarks compare with (see README.md here).
export * from "npm:@thi.ng/malloc@6.1.150";
