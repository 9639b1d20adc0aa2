/**
 * WAL checkpoints on a worker thread. Done inside a commit (SQLite's default, every 1,000 pages) a
 * checkpoint copies WAL frames into the database file and stalls the event loop for tens of ms; with
 * this, commits only append to the WAL. Used by every SQLite file on the hot path.
 */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

export interface Checkpointer {
  /** Stops the thread; resolves once it has closed its connection. */
  stop(): Promise<void>;
}

/**
 * Turns off in-commit checkpoints on `db` and checkpoints `file` every `everyMs` on a thread instead.
 * Returns undefined (and leaves SQLite's own checkpoints on) for ':memory:' or `everyMs` 0.
 */
export function checkpointInBackground(db: BetterSqlite3.Database, file: string, everyMs: number | undefined): Checkpointer | undefined {
  if (!everyMs || file === ':memory:') {
    db.pragma('wal_autocheckpoint = 1000');
    return undefined;
  }
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, everyMs } });
  // Unref'd while it runs, so it never keeps a finished process alive; ref'd again while we wait for
  // it to stop, or a close() with nothing else pending would let the event loop empty mid-await.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
