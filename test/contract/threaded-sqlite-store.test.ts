import { describe, expect, it } from 'vitest';
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

describe('SQLite store thread', () => {
  it('rejects the open with the driver’s reason when the file cannot be opened', async () => {
    const file = join(tmpdir(), `parley-missing-${process.pid}`, 'nested', 'store.db');
    await expect(openThreadedSqliteStore({ file, synchronous: 'NORMAL', groupCommitMs: 2, clockOffsetMs: 0 })).rejects.toThrow(/directory does not exist/);
  });

  it('reads with Parley’s clock: an entry past its expiry by the offset clock is gone', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-clock-')), 'store.db');
    const hourAhead = await openThreadedSqliteStore({ file, synchronous: 'NORMAL', groupCommitMs: 0, clockOffsetMs: 3_600_000 });
    try {
      const claim = await hourAhead.messages.claimStream('u:clock');
      const now = Date.now();
      await hourAhead.messages.appendEntries(claim, [
        { seq: 1, time: now, payload: '{}', flags: 0, expiresAt: now + 60_000 },
        { seq: 2, time: now, payload: '{}', flags: 0, expiresAt: now + 7_200_000 },
      ]);
      expect((await hourAhead.messages.readEntries('u:clock', 0, 10)).map((e) => e.seq)).toEqual([2]);
    } finally {
      await hourAhead.close();
    }
  });
});
