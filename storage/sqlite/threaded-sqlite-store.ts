/**
 * The embedded Store with its SQLite connection on a thread of its own (`store-thread.ts`): every
 * statement, the group commit and the WAL writes run there, off the event loop that serves sockets.
 * Same file, schema and contract as `openSqliteStore`; each port method here posts a call and
 * resolves with the thread's answer. Calls made in one turn of the event loop go in one message.
 *
 * Durability is unchanged: `appendEntries` resolves only once the thread's transaction committed.
 * If the thread dies, every call in flight and every later one rejects (the health check fails).
 */
import { Worker } from 'node:worker_threads';
import type { Store } from '../store.ts';
import {
  PORT_METHODS,
  type PortName,
  type StoreCall,
  type StoreReply,
  type StoreThreadHello,
  type StoreThreadOptions,
  fromErrorRecord,
} from './store-rpc.ts';

interface Waiting {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

class StoreThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  #calls: StoreCall[] = [];
  #nextId = 1;
  #dead: Error | undefined;
  #closing = false;
  readonly #exited: Promise<void>;

  constructor(worker: Worker, onDeath: (e: Error) => void) {
    this.#worker = worker;
    worker.on('message', (replies: readonly StoreReply[]) => {
      for (const r of replies) this.#settle(r);
    });
    this.#exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        const e = new Error(`the store thread exited (${code})`);
        if (!this.#closing && !this.#dead) onDeath(e);
        this.#die(e);
        resolve();
      });
    });
    worker.on('error', (e) => {
      if (!this.#dead) onDeath(e);
      this.#die(e);
    });
  }

  call(port: PortName, method: string, args: readonly unknown[]): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    if (this.#calls.push({ id, port, method, args }) === 1) setImmediate(() => this.#post());
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#dead) await this.call('store', 'close', []);
    await this.#worker.terminate();
    await this.#exited;
  }

  #post(): void {
    const calls = this.#calls;
    this.#calls = [];
    if (!this.#dead) this.#worker.postMessage(calls);
  }

  #settle(r: StoreReply): void {
    const w = this.#waiting.get(r.id);
    if (!w) return;
    this.#waiting.delete(r.id);
    if (r.ok) w.resolve(r.value);
    else w.reject(fromErrorRecord(r.error));
  }

  #die(e: Error): void {
    this.#dead ??= e;
    for (const w of this.#waiting.values()) w.reject(this.#dead);
    this.#waiting.clear();
  }
}

/** A port whose methods post calls to the thread; which methods exist is `PORT_METHODS`'s business. */
function portOf<P>(thread: StoreThread, port: PortName): P {
  const methods = Object.keys(PORT_METHODS[port]);
  return Object.fromEntries(methods.map((m) => [m, (...args: unknown[]) => thread.call(port, m, args)])) as P;
}

/**
 * Starts the thread and resolves once it has opened the file and applied the schema. `onDeath` hears
 * of a thread that died other than by `close` (the store is unusable from then on).
 */
export async function openThreadedSqliteStore(o: StoreThreadOptions, onDeath: (e: Error) => void = () => undefined): Promise<Store> {
  const worker = new Worker(new URL('./store-thread-entry.mjs', import.meta.url), { workerData: o });
  const hello = await new Promise<StoreThreadHello>((resolve, reject) => {
    const exit = (code: number): void => reject(new Error(`the store thread exited (${code}) before opening ${o.file}`));
    worker.once('error', reject);
    worker.once('exit', exit);
    worker.once('message', (m: StoreThreadHello) => {
      // Only these: Worker's own 'newListener' hooks must stay, or later 'message' listeners hear nothing.
      worker.off('error', reject);
      worker.off('exit', exit);
      resolve(m);
    });
  });
  if (!hello.ready) {
    await worker.terminate();
    throw fromErrorRecord(hello.error);
  }
  const thread = new StoreThread(worker, onDeath);
  return {
    messages: portOf(thread, 'messages'),
    accounts: portOf(thread, 'accounts'),
    groups: portOf(thread, 'groups'),
    relations: portOf(thread, 'relations'),
    receipts: portOf(thread, 'receipts'),
    pushDevices: portOf(thread, 'pushDevices'),
    statusSubscriptions: portOf(thread, 'statusSubscriptions'),
    pushTargets: portOf(thread, 'pushTargets'),
    archive: portOf(thread, 'archive'),
    ping: () => thread.call('store', 'ping', []) as Promise<void>,
    close: () => thread.close(),
  };
}
