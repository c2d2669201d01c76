// Internal: the async-aware dynamic context shared by default buffers (allocators/) and
// `withAllocator` (scope/). One module-level AsyncLocalStorage, created only when a scope is
// first entered (on Node <= 22 a live AsyncLocalStorage slows every `await` in the process), and
// `run()` once per scope, never per allocation. Where AsyncLocalStorage is absent (browsers,
// Node < 20.16 without `process.getBuiltinModule`) scopes fall back to synchronous scoping: they
// hold for the synchronous part of `fn` only.

import type { Allocator } from "../allocators/allocator.ts";

/**
 * A task's default-buffer slot. `withAllocator` frames share their parent's slot, so a default
 * buffer created lazily inside one is the task's buffer, not the scope's; `withBuffer` and
 * isolated async regions start a slot of their own.
 */
export class TaskSlot {
  /** The task's default buffer; `undefined` until first asked for. */
  buffer: Allocator | undefined;
  /** `true` when `withBuffer` chose `buffer` explicitly (async regions then share it). */
  readonly explicit: boolean;

  constructor(buffer: Allocator | undefined, explicit: boolean) {
    this.buffer = buffer;
    this.explicit = explicit;
  }
}

/** One dynamic scope's state (immutable; the slot's buffer is created lazily). */
export class Frame {
  /** The allocator made current by `withAllocator` (scope/); `undefined` means the default. */
  readonly allocator: Allocator | undefined;
  /** The default-buffer slot of the task this frame belongs to. */
  readonly task: TaskSlot;

  constructor(allocator: Allocator | undefined, task: TaskSlot) {
    this.allocator = allocator;
    this.task = task;
  }
}

interface AsyncStorage {
  getStore(): Frame | undefined;
  run<R>(store: Frame, fn: () => R): R;
}

/** The frame outside any scope. */
export const ROOT_FRAME: Frame = new Frame(undefined, new TaskSlot(undefined, false));

// undefined: not looked for yet; null: unavailable (synchronous fallback).
let storage: AsyncStorage | null | undefined;
let syncFrame: Frame = ROOT_FRAME;

function loadStorage(): AsyncStorage | null {
  const proc = (globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
  }).process;
  const mod = proc?.getBuiltinModule?.("node:async_hooks") as
    | { AsyncLocalStorage?: new () => AsyncStorage }
    | undefined;
  return mod?.AsyncLocalStorage ? new mod.AsyncLocalStorage() : null;
}

/** The innermost frame (the root frame outside any scope). */
export function currentFrame(): Frame {
  return storage ? (storage.getStore() ?? ROOT_FRAME) : syncFrame;
}

/** Runs `fn` with `frame` current: across `await` where AsyncLocalStorage exists. */
export function runInFrame<R>(frame: Frame, fn: () => R): R {
  if (storage === undefined) storage = loadStorage();
  if (storage !== null) return storage.run(frame, fn);
  const prev = syncFrame;
  syncFrame = frame;
  try {
    return fn();
  } finally {
    syncFrame = prev;
  }
}

/** Whether scopes propagate across `await` on this runtime (AsyncLocalStorage is in use). */
export function asyncContextAvailable(): boolean {
  if (storage === undefined) storage = loadStorage();
  return storage !== null;
}

/**
 * Test hook: forces the synchronous fallback (as in a browser), or restores automatic
 * detection. Only call it outside any scope.
 */
export function setAsyncContextForTesting(enabled: boolean): void {
  storage = enabled ? loadStorage() : null;
  syncFrame = ROOT_FRAME;
}
