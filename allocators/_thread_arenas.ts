// Internal: what this thread knows of each SharedAllocBuffer arena it holds handles of. Every
// handle of one arena on this thread shares one ThreadArena: the control block this thread
// trusts for it, and the sub-arenas this thread carved from it and has not released.
//
// - `fromDescriptor` looks the arena up by its identity: a second descriptor of an arena this
//   thread already holds must name the same shared control block, not a copy of it.
// - `forceReset` ends this thread's open sub-arenas of the arena, so they cannot go on handing
//   out bytes that the reset gives back to the arena.
//
// The registry holds its records weakly: an arena whose handles are all gone drops out.

/** One arena, as this thread holds it. */
export class ThreadArena<S = unknown> {
  /** Sub-arenas carved from the arena on this thread and not released yet. */
  readonly subArenas: Set<S> = new Set();
  /** @param control The control block this thread's handles use. */
  constructor(readonly control: Uint32Array) {}
}

const byId = new Map<string, WeakRef<ThreadArena>>();
const cleanup = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry<string>((id) => {
    if (byId.get(id)?.deref() === undefined) byId.delete(id);
  })
  : undefined;

/** The arena of identity `id` this thread holds handles of, if any. */
export function threadArena(id: string): ThreadArena | undefined {
  return byId.get(id)?.deref();
}

/** Records `arena` (published, or adopted from a descriptor) under its identity `id`. */
export function rememberArena(id: string, arena: ThreadArena): void {
  if (byId.get(id)?.deref() === arena) return;
  byId.set(id, new WeakRef(arena));
  cleanup?.register(arena, id);
}
