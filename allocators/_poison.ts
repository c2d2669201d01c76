// Internal: poison mode, the buffers' opt-in debug option. When a buffer frees every allocation in
// one of its ArrayBuffers (a full reset, a restore that empties it, slabs released by a restore),
// it detaches that ArrayBuffer and carries on with a fresh one over the same bytes. Every view
// made of the old one, including any that escaped a region, then has length 0: reading it gives
// `undefined`, writing to it does nothing, so it can never reach live memory again.

import { noteArenaMemory } from "../_internal/arena_memory.ts";
import { describeValue } from "../_internal/describe.ts";

type Transfer = (this: ArrayBuffer) => ArrayBuffer;
const transfer = (ArrayBuffer.prototype as { transfer?: Transfer }).transfer;

/**
 * How {@linkcode detach} works on this runtime: `"transfer"` (`ArrayBuffer.prototype.transfer`,
 * ~0.3 µs, Deno and Node ≥ 21), `"structuredClone"` (transferring through `structuredClone`,
 * ~10 µs, Node 20), or `"replace"` (neither exists: the buffer gets new memory and old views keep
 * the old memory, which no allocation uses any more, so they cannot reach live data but are not
 * emptied either).
 */
export const DETACH_METHOD: "transfer" | "structuredClone" | "replace" = transfer !== undefined
  ? "transfer"
  : typeof structuredClone === "function"
  ? "structuredClone"
  : "replace";

/**
 * Detaches `memory` and returns a fresh `ArrayBuffer` of the same length (holding the same
 * bytes where the runtime moves them, which costs no copy). Every view of `memory` has length 0
 * afterwards (except with {@linkcode DETACH_METHOD} `"replace"`).
 */
export function detach(memory: ArrayBuffer): ArrayBuffer {
  if (memory.byteLength === 0) return memory; // nothing to poison (the empty placeholder slab)
  if (transfer !== undefined) return noteArenaMemory(transfer.call(memory));
  if (DETACH_METHOD === "structuredClone") {
    return noteArenaMemory(structuredClone(memory, { transfer: [memory] }));
  }
  return noteArenaMemory(new ArrayBuffer(memory.byteLength));
}

/** Whether `memory` was detached (also where `ArrayBuffer.prototype.detached` is missing). */
export function isDetached(memory: ArrayBuffer): boolean {
  const flag = (memory as { detached?: boolean }).detached;
  if (typeof flag === "boolean") return flag;
  if (memory.byteLength !== 0) return false;
  try {
    new Uint8Array(memory);
    return false;
  } catch {
    return true;
  }
}

/**
 * A caller's `memory` taken over for poison mode: detached (every view of it emptied) and
 * returned as a fresh `ArrayBuffer` over its bytes, or a `TypeError` when it cannot be
 * detached (a `WebAssembly.Memory`'s buffer), leaving it untouched. With
 * {@linkcode DETACH_METHOD} `"replace"` the memory is kept as it is.
 */
export function takeOver(memory: ArrayBuffer, action: string): ArrayBuffer {
  if (DETACH_METHOD === "replace" || memory.byteLength === 0) return memory;
  let fresh: ArrayBuffer | undefined;
  let cause: unknown;
  try {
    fresh = detach(memory);
  } catch (error) {
    cause = error;
  }
  // (Node 20's structuredClone copies a buffer it cannot detach instead of failing.)
  if (fresh !== undefined && isDetached(memory)) return fresh;
  const err = new TypeError(
    `Cannot ${action}: poison mode detaches the memory on reset, and this ArrayBuffer cannot be detached (a WebAssembly.Memory's buffer, for example: pass an ArrayBuffer of your own or a size, or drop the poison option)`,
  );
  if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
  throw err;
}

/** Detaches each buffer of `list` from `from` on, replacing it in place. */
export function detachFrom(list: ArrayBuffer[], from: number): void {
  for (let i = from; i < list.length; i++) list[i] = detach(list[i]);
}

/**
 * The `poison` option of a buffer's options, validated: `false` when absent, a `TypeError` when
 * it is not a boolean, and a `TypeError` when it is `true` with caller-provided `memory` that is
 * a `SharedArrayBuffer` (which cannot be detached).
 */
export function poisonOption(
  options: { poison?: unknown },
  action: string,
  memory?: unknown,
): boolean {
  const poison = options.poison ?? false;
  if (typeof poison !== "boolean") {
    throw new TypeError(`Cannot ${action}: poison must be a boolean, got ${describeValue(poison)}`);
  }
  if (
    poison && typeof SharedArrayBuffer === "function" && memory instanceof SharedArrayBuffer
  ) {
    throw new TypeError(
      `Cannot ${action}: poison mode detaches the memory on reset, and a SharedArrayBuffer cannot be detached (pass an ArrayBuffer or a size, or drop the poison option)`,
    );
  }
  return poison;
}
