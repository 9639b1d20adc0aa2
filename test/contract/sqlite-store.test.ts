import { mkdtempSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.ts';
import { runStoreContract } from './store-contract.ts';

runStoreContract({
  name: 'SQLite',
  create: async () =>
    openSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'parley-contract-')), 'store.db'), synchronous: 'NORMAL', groupCommitMs: 2 }),
});

describe('SQLite file from before a column was added', () => {
  it('gains the columns added since, its rows keeping their data (applications: inviter, keep_until)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-upgrade-')), 'store.db');
    const old = new BetterSqlite3(file);
    old.exec(`CREATE TABLE group_applications (group_id TEXT NOT NULL, applicant TEXT NOT NULL, group_type TEXT NOT NULL, message TEXT NOT NULL,
      time INTEGER NOT NULL, state TEXT NOT NULL, handler TEXT NOT NULL, handled_message TEXT NOT NULL, handled_at INTEGER NOT NULL, audience TEXT NOT NULL,
      PRIMARY KEY (group_id, applicant)) WITHOUT ROWID;
      CREATE TABLE user_applications (user_id TEXT NOT NULL, group_id TEXT NOT NULL, applicant TEXT NOT NULL, PRIMARY KEY (user_id, group_id, applicant)) WITHOUT ROWID;
      INSERT INTO group_applications VALUES ('g', 'ann', 'Public', 'let me in', 100, 'pending', '', '', 0, '["owner","ann"]');
      INSERT INTO user_applications VALUES ('owner', 'g', 'ann'), ('ann', 'g', 'ann');`);
    old.close();
    const store = openSqliteStore({ file, synchronous: 'NORMAL', groupCommitMs: 2 });
    try {
      expect(await store.groups.getApplication('g', 'ann')).toMatchObject({ inviter: '', message: 'let me in', state: 'pending' });
      expect(await store.groups.applicationsFor('owner', 0, 10, 1_000)).toMatchObject({ total: 1, unread: 1 });
      expect(await store.groups.decideApplication('g', 'ann', { state: 'accepted', handler: 'owner', handledMessage: '', handledAt: 200, keepUntil: 300 })).toBe(true);
      expect((await store.groups.applicationsFor('owner', 0, 10, 299)).total).toBe(1);
      expect((await store.groups.applicationsFor('owner', 0, 10, 300)).total).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('gains the search key of accounts made before it, found by nick from the first open on (accounts: nick_key, deleted)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-upgrade-')), 'store.db');
    const old = new BetterSqlite3(file);
    old.exec(`CREATE TABLE accounts (user_id TEXT PRIMARY KEY, nick TEXT NOT NULL, face_url TEXT NOT NULL, created_at INTEGER NOT NULL,
      sig_not_before INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      INSERT INTO accounts VALUES ('ann', 'Ｊｏｈｎ', '', 10, 5), ('bob', '', '', 11, 0), ('cat', 'JOHNNY', '', 12, 0);`);
    old.close();
    const store = openSqliteStore({ file, synchronous: 'NORMAL', groupCommitMs: 2 });
    try {
      const page = await store.accounts.searchAccounts({ keyword: 'john', cursor: '', limit: 10 });
      expect(page.accounts.map((a) => a.userId)).toEqual(['ann', 'cat']);
      expect(page.accounts[0]).toEqual({ userId: 'ann', nick: 'Ｊｏｈｎ', faceUrl: '', createdAt: 10, sigNotBefore: 5, c2cMutedUntil: 0, groupMutedUntil: 0 });
      expect(await store.accounts.deleteAccount('ann', 7_000)).toBe(true);
      expect((await store.accounts.searchAccounts({ keyword: 'john', cursor: '', limit: 10 })).accounts.map((a) => a.userId)).toEqual(['cat']);
    } finally {
      await store.close();
    }
  });
});
