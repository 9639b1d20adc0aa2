/**
 * The store's thread: owns the SQLite connection (writes, group commits, reads) of a threaded
 * store, so no statement ever runs on the event loop that serves sockets. Serves the calls
 * `threaded-sqlite-store.ts` posts, and answers in one message per turn of this thread's loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Store } from '../store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { PORT_METHODS, type StoreCall, type StoreReply, type StoreThreadHello, type StoreThreadOptions, toErrorRecord } from './store-rpc.ts';

type Invoke = (...args: readonly unknown[]) => Promise<unknown>;

function serve(port: NonNullable<typeof parentPort>, o: StoreThreadOptions): void {
  let store: Store;
  try {
    store = openSqliteStore({ ...o, now: () => Date.now() + o.clockOffsetMs });
  } catch (e) {
    port.postMessage({ ready: false, error: toErrorRecord(e) } satisfies StoreThreadHello);
    return;
  }
  const targets: Record<string, object> = { ...store, store };
  let replies: StoreReply[] = [];
  const send = (): void => {
    const out = replies;
    replies = [];
    port.postMessage(out);
  };
  const answer = (r: StoreReply): void => {
    if (replies.push(r) === 1) setImmediate(send);
  };
  const call = async (c: StoreCall): Promise<void> => {
    try {
      if (!(c.method in PORT_METHODS[c.port])) throw new Error(`store thread: no method ${c.port}.${c.method}`);
      const target = targets[c.port] as Record<string, Invoke>;
      answer({ id: c.id, ok: true, value: await target[c.method](...c.args) });
    } catch (e) {
      answer({ id: c.id, ok: false, error: toErrorRecord(e) });
    }
  };
  port.on('message', (calls: readonly StoreCall[]) => {
    for (const c of calls) void call(c);
  });
  port.postMessage({ ready: true } satisfies StoreThreadHello);
}

if (parentPort) serve(parentPort, workerData as StoreThreadOptions);
