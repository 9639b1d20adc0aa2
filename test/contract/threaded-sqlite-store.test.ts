import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openThreadedSqliteStore } from '../../storage/sqlite/threaded-sqlite-store.ts';
import { runStoreContract } from './store-contract.ts';

// The store the server runs embedded: the same SQLite adapter, on its own thread.
runStoreContract({
  name: 'SQLite on its own thread',
  create: () =>
    openThreadedSqliteStore({
      file: join(mkdtempSync(join(tmpdir(), 'parley-contract-')), 'store.db'),
      synchronous: 'NORMAL',
      groupCommitMs: 2,
      clockOffsetMs: 0,
    }),
});
