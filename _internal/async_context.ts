// Internal: the async-aware dynamic context shared by default buffers (allocators/) and
// `withAllocator` (scope/). One module-level AsyncLocalStorage, created only when a scope is
// first entered (on Node <= 22 a live AsyncLocalStorage slows every `await` in the process), and
// `run()` once per scope, never per allocation. Where AsyncLocalStorage is absent (browsers,
// Node < 20.16 without `process.getBuiltinModule`) scopes are synchronous: they hold while `fn`
// runs, and a scope whose function is async, or returns a promise, throws an AsyncScopeError
// instead of silently ending at the first `await`.

import type { Allocator } from "../allocators/allocator.ts";
import type { Bump } from "./bump.ts";
import { AsyncScopeError } from "../allocators/errors.ts";

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
  /**
   * The bump core of `buffer` while it cannot change (see `permanentCoreOf`; a task buffer's
   * until its task settles), read by `alloc(type, n)`'s fast path in place of
   * `coreOf(defaultBuffer())`, whose code V8 would inline into every call site of `alloc`,
   * either form's; `undefined` when `buffer` is unset or has no such core (then `alloc` looks
   * it up on its slow path).
   */
  core: Bump | undefined;

  constructor(buffer: Allocator | undefined, explicit: boolean, core?: Bump) {
    this.buffer = buffer;
    this.explicit = explicit;
    this.core = core;
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

/** The runtime's AsyncLocalStorage class, if it has one (found without creating one). */
function storageClass(): (new () => AsyncStorage) | undefined {
  const proc = (globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
  }).process;
  const mod = proc?.getBuiltinModule?.("node:async_hooks") as
    | { AsyncLocalStorage?: new () => AsyncStorage }
    | undefined;
  return mod?.AsyncLocalStorage;
}

function loadStorage(): AsyncStorage | null {
  const AsyncLocalStorage = storageClass();
  return AsyncLocalStorage ? new AsyncLocalStorage() : null;
}

/** The constructor of `async` functions: `fn.constructor === AsyncFunction` tells them apart. */
export const AsyncFunction: unknown = (async () => {}).constructor;

function isThenable(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

const NO_ASYNC_CONTEXT = "this runtime has no AsyncLocalStorage (browsers)";
const SYNC_SCOPES_ADVICE = (scope: string) =>
  `wrap each stretch of code between two awaits in a ${scope} call of its own (asyncScopesSupported() tells whether scopes follow await)`;

/** The innermost frame (the root frame outside any scope). */
export function currentFrame(): Frame {
  return storage ? (storage.getStore() ?? ROOT_FRAME) : syncFrame;
}

/**
 * Runs `fn` with `frame` current, across `await` where AsyncLocalStorage exists. Elsewhere the
 * frame holds while `fn` runs, and `fn` must be synchronous: an async `fn` is refused before it
 * runs, and a promise returned by `fn` is refused as soon as it is returned (the frame already
 * ended; the work it started goes on outside it), both with an AsyncScopeError naming `scope`.
 */
export function runInFrame<R>(frame: Frame, fn: () => R, scope: string): R {
  if (storage === undefined) storage = loadStorage();
  if (storage !== null) return storage.run(frame, fn);
  if (fn.constructor === AsyncFunction) {
    throw new AsyncScopeError(
      `Cannot run ${scope} with an async function: ${NO_ASYNC_CONTEXT}, so the scope would end at the function's first await and the code after it would run outside it; ${
        SYNC_SCOPES_ADVICE(scope)
      }`,
    );
  }
  const prev = syncFrame;
  syncFrame = frame;
  let result: R;
  try {
    result = fn();
  } finally {
    syncFrame = prev;
  }
  if (isThenable(result)) {
    throw new AsyncScopeError(
      `Cannot run ${scope} with a function that returns a promise: ${NO_ASYNC_CONTEXT}, so the scope ended when the function returned and the code after its first await runs outside it; ${
        SYNC_SCOPES_ADVICE(scope)
      }`,
    );
  }
  return result;
}

/** Whether scopes propagate across `await` on this runtime (AsyncLocalStorage is in use). */
export function asyncContextAvailable(): boolean {
  if (storage === undefined) storage = loadStorage();
  return storage !== null;
}

/**
 * Like {@linkcode asyncContextAvailable}, but without creating the AsyncLocalStorage (whose mere
 * existence slows every `await` on Node <= 22) when no scope has needed it yet.
 */
export function asyncContextSupported(): boolean {
  return storage === undefined ? storageClass() !== undefined : storage !== null;
}

/**
 * The error for an async region on the default buffer where AsyncLocalStorage is absent: the
 * task's default buffer cannot follow it across `await`.
 */
export function asyncDefaultBufferError(): AsyncScopeError {
  return new AsyncScopeError(
    `Cannot run noEscape with an async function on the default buffer: ${NO_ASYNC_CONTEXT}, so the task's default buffer cannot follow it across await; give the task a buffer of its own, noEscape(buf, async () => …) with alloc(buf, …) (asyncScopesSupported() tells whether default buffers follow await)`,
  );
}

/**
 * Test hook: forces the synchronous fallback (as in a browser), or restores automatic
 * detection. Only call it outside any scope.
 */
export function setAsyncContextForTesting(enabled: boolean): void {
  storage = enabled ? loadStorage() : null;
  syncFrame = ROOT_FRAME;
}
