// Every allocator of this layer, and the user-written one, through the shared conformance suite.

import {
  AllocBuffer,
  ResizeBuffer,
  SlabBuffer,
  ValidatingAllocator,
} from "../../allocators/mod.ts";
import { MyAllocBuffer } from "../../examples/my_alloc_buffer.ts";
import { conformanceSuite, FailingAllocator } from "../../testing/mod.ts";

conformanceSuite("AllocBuffer", () => new AllocBuffer(8192));
conformanceSuite(
  "AllocBuffer over a SharedArrayBuffer",
  () => new AllocBuffer(new SharedArrayBuffer(8192)),
);
// Small slabs, so that the suite crosses slab ends and makes custom slabs.
conformanceSuite("SlabBuffer", () => new SlabBuffer(256), { contiguous: false });
conformanceSuite("SlabBuffer (1 MiB slabs)", () => new SlabBuffer());
// A small main buffer, so that the suite overflows.
conformanceSuite("ResizeBuffer", () => new ResizeBuffer(256), { contiguous: false });
conformanceSuite("ResizeBuffer (1 MiB)", () => new ResizeBuffer());
conformanceSuite("MyAllocBuffer", () => new MyAllocBuffer(8192));
conformanceSuite(
  "FailingAllocator (not failing)",
  () => new FailingAllocator(new AllocBuffer(8192)),
);
conformanceSuite(
  "ValidatingAllocator over MyAllocBuffer",
  () => new ValidatingAllocator(new MyAllocBuffer(8192)),
);
conformanceSuite(
  "ValidatingAllocator over SlabBuffer",
  () => new ValidatingAllocator(new SlabBuffer(256)),
  { contiguous: false },
);
