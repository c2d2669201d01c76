// The module Worker of the browser suite (bundled by scripts/test_browser.ts as /worker.js): it
// allocates from a SharedAllocBuffer it receives as a descriptor, in a sub-arena of its own and
// in the shared arena, fills what it allocated with its id, and answers where it is.

import {
  alloc,
  arrayDescriptor,
  BumperAllocator,
  SharedAllocBuffer,
  type SharedAllocBufferDescriptor,
  similar,
  withAllocator,
} from "../../mod.ts";
import { AllocArray } from "../../arrays/mod.ts";

/** What the page sends. */
export interface WorkerRequest {
  arena: SharedAllocBufferDescriptor;
  id: number;
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (e) => {
  try {
    const handle = SharedAllocBuffer.fromDescriptor(e.data.arena);
    const direct = alloc(handle, Float64Array, 16).fill(e.data.id);
    const mine = handle.subArena(4096);
    const b = new BumperAllocator(mine);
    const x = AllocArray.from(new Float64Array(8));
    const y = withAllocator(b, () => similar(x)).fill(e.data.id);
    scope.postMessage({
      direct: { byteOffset: direct.byteOffset, length: direct.length },
      array: arrayDescriptor(y),
    });
  } catch (error) {
    scope.postMessage({
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
};
