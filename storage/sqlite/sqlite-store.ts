/**
 * The embedded Store: one SQLite file (WAL) under the data dir. `synchronous = NORMAL` in WAL mode
 * makes every commit survive a process crash (SIGKILL); FULL also survives power loss.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../store.ts';
import { checkpointInBackground } from './checkpointer.ts';
import { SqliteArchiveCatalog } from './sqlite-archive-catalog.ts';
import { SqliteAccountStore } from './sqlite-account-store.ts';
import { SqliteGroupStore } from './sqlite-group-store.ts';
import { SqliteMessageLog } from './sqlite-message-log.ts';
import { applySchema } from './schema.ts';
import { SqliteRelationStore } from './sqlite-relation-store.ts';
import { SqliteReceiptStore } from './sqlite-receipt-store.ts';
import { SqlitePushDeviceStore } from './sqlite-push-device-store.ts';
import { SqliteStatusSubscriptionStore } from './sqlite-status-subscription-store.ts';
import { SqlitePushTargetStore } from './sqlite-push-target-store.ts';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests. */
  readonly file: string;
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly groupCommitMs: number;
  readonly now?: () => number;
  /** How often expired entries are deleted, ms; 0 = never (tests). */
  readonly purgeEveryMs?: number;
  /** Checkpoint the WAL on a worker thread every this many ms instead of inside commits (0 = SQLite's own, in-commit). */
  readonly checkpointEveryMs?: number;
}

export function openSqliteStore(o: SqliteStoreOptions): Store {
  const db = new BetterSqlite3(o.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${o.synchronous}`);
  db.pragma('busy_timeout = 5000');
  const checkpointer = checkpointInBackground(db, o.file, o.checkpointEveryMs);
  // Reads are memory-mapped.
  db.pragma('mmap_size = 268435456');
  db.pragma('journal_size_limit = 67108864');
  applySchema(db);
  const now = o.now ?? Date.now;
  const messages = new SqliteMessageLog(db, { groupCommitMs: o.groupCommitMs, now });
  const receipts = new SqliteReceiptStore(db, now);
  const purgeExpired = (): void => {
    messages.purgeExpired(now());
    receipts.purgeExpired(now());
  };
  const purge = o.purgeEveryMs ? setInterval(purgeExpired, o.purgeEveryMs).unref() : undefined;
  return {
    messages,
    accounts: new SqliteAccountStore(db, now),
    groups: new SqliteGroupStore(db),
    relations: new SqliteRelationStore(db),
    receipts,
    pushDevices: new SqlitePushDeviceStore(db),
    statusSubscriptions: new SqliteStatusSubscriptionStore(db),
    pushTargets: new SqlitePushTargetStore(db),
    archive: new SqliteArchiveCatalog(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (purge) clearInterval(purge);
      messages.flush();
      await checkpointer?.stop();
      db.close();
    },
  };
}
