import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.ts';
import { runStoreContract } from './store-contract.ts';

runStoreContract({
  name: 'SQLite',
  create: async () =>
    openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'parley-contract-')), 'store.db'), synchronous: 'NORMAL', groupCommitMs: 2 }),
});
