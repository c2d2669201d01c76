// A tiny Worker shim for Deno and Node, used by the worker-pool example, the thread tests and
// the thread benchmark. Deno has the web `Worker` (module workers); Node has
// `node:worker_threads`. Both deliver `SharedArrayBuffer`s by sharing them.
//
// Requests and replies: `spawn(url)` gives a `Thread` whose `request(message)` resolves with the
// worker's reply; in the worker, `serve(handler)` answers each request with what `handler`
// returns (or rejects with the error it throws, keeping the error's `name`).
//
// Module URLs: the tests also run under Node from a tsc-compiled copy, where `./_worker.ts` is
// `./_worker.js`. `siblingUrl("_worker", import.meta.url)` picks the extension of the calling
// module, so one line works in both. (tsc compiles a worker module only when the program
// imports it: importers add `import type` of something from it.)

/** A running worker that answers requests. */
export interface Thread {
  /** Sends `message` (structured clone; `transfer` moves buffers) and resolves with the reply. */
  request<R = unknown>(message: unknown, transfer?: Transferable[]): Promise<R>;
  /** Stops the worker; pending requests reject. */
  terminate(): Promise<void>;
}

interface Envelope {
  id: number;
  message?: unknown;
  ok?: unknown;
  error?: { name: string; message: string; stack?: string };
}

/** The part of a worker's global scope (Deno) or `parentPort` (Node) the shim uses. */
interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** The URL of module `name` next to `base` (an `import.meta.url`), with `base`'s extension. */
export function siblingUrl(name: string, base: string): URL {
  const ext = /\.m?ts$/.test(new URL(base).pathname) ? ".ts" : ".js";
  return new URL(`./${name}${ext}`, base);
}

function rebuildError(e: NonNullable<Envelope["error"]>): Error {
  const error = new Error(e.message);
  error.name = e.name;
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}

/** Starts the module at `url` as a worker (a module worker on Deno, worker_threads on Node). */
export async function spawn(url: URL): Promise<Thread> {
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const onReply = (env: Envelope) => {
    const p = pending.get(env.id);
    if (p === undefined) return;
    pending.delete(env.id);
    if (env.error !== undefined) p.reject(rebuildError(env.error));
    else p.resolve(env.ok);
  };
  const onFailure = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  let post: (env: Envelope, transfer?: Transferable[]) => void;
  let stop: () => Promise<void>;
  if (isDeno) {
    const worker = new Worker(url.href, { type: "module" });
    worker.onmessage = (e: MessageEvent) => onReply(e.data as Envelope);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onFailure(new Error(`Worker ${url.pathname} failed: ${e.message}`));
    };
    post = (env, transfer) => worker.postMessage(env, transfer ?? []);
    stop = () => {
      worker.terminate();
      return Promise.resolve();
    };
  } else {
    const { Worker } = await import("node:worker_threads");
    const worker = new Worker(url);
    worker.on("message", onReply);
    worker.on("error", onFailure);
    worker.on("exit", (code) => {
      if (pending.size > 0) onFailure(new Error(`Worker ${url.pathname} exited (code ${code})`));
    });
    post = (env, transfer) => worker.postMessage(env, transfer as never);
    stop = async () => {
      await worker.terminate();
    };
  }

  return {
    request<R>(message: unknown, transfer?: Transferable[]): Promise<R> {
      if (failure !== undefined) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<R>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        post({ id, message }, transfer);
      });
    },
    async terminate(): Promise<void> {
      await stop();
      onFailure(new Error(`Worker ${url.pathname} was terminated`));
    },
  };
}

/**
 * In a worker module: answers every request with `handler(message)` (awaited). A handler may
 * return `{ reply, transfer }` through {@linkcode withTransfer} to move buffers back.
 */
export async function serve(handler: (message: never) => unknown): Promise<void> {
  let port: Port;
  let listen: (fn: (env: Envelope) => void) => void;
  if (isDeno) {
    const scope = globalThis as unknown as Port & { onmessage: (e: MessageEvent) => void };
    port = scope;
    listen = (fn) => scope.onmessage = (e) => fn(e.data as Envelope);
  } else {
    const { parentPort } = await import("node:worker_threads");
    if (parentPort === null) throw new Error("serve() must run in a worker thread");
    port = parentPort as unknown as Port;
    listen = (fn) => parentPort.on("message", fn);
  }
  listen(async (env) => {
    try {
      const result = await handler(env.message as never);
      if (result instanceof Transferring) {
        port.postMessage({ id: env.id, ok: result.reply }, result.transfer);
      } else {
        port.postMessage({ id: env.id, ok: result });
      }
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      port.postMessage({
        id: env.id,
        error: { name: error.name, message: error.message, stack: error.stack },
      });
    }
  });
}

class Transferring {
  constructor(readonly reply: unknown, readonly transfer: Transferable[]) {}
}

/** A reply whose `transfer` buffers are moved, not copied, to the requesting thread. */
export function withTransfer(reply: unknown, transfer: Transferable[]): unknown {
  return new Transferring(reply, transfer);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
