// AutoscalingAllocBuffer and the array allocators (which forward to a buffer) through the
// shared conformance suite of the Allocator protocol.

import { AllocBuffer, AutoscalingAllocBuffer } from "../../allocators/mod.ts";
import { BumperAllocator, UncheckedBumperAllocator } from "../../arrays/mod.ts";
import { conformanceSuite } from "../../testing/mod.ts";

// A small main buffer, so that the suite overflows into additional buffers.
conformanceSuite("AutoscalingAllocBuffer", () => new AutoscalingAllocBuffer(256), {
  contiguous: false,
});
conformanceSuite("AutoscalingAllocBuffer (1 MiB)", () => new AutoscalingAllocBuffer(1 << 20));
conformanceSuite("BumperAllocator", () => new BumperAllocator(new AllocBuffer(8192)));
conformanceSuite(
  "BumperAllocator over an AutoscalingAllocBuffer",
  () => new BumperAllocator(new AutoscalingAllocBuffer(256)),
  { contiguous: false },
);
conformanceSuite("UncheckedBumperAllocator", () => new UncheckedBumperAllocator(8192));
