/** AccountStore on SQLite: every write one transaction; a deleted account is a row marked `deleted` that keeps its id's sig_not_before. */
import type { Database, Statement } from 'better-sqlite3';
import { ChangeClock, type SearchHit, type SearchScan, searchPage, storedSearchKey } from '../account-search.ts';
import type { AccountRecord, AccountSearchPage, AccountSearchQuery, AccountStore, OutboxRecord, ProfileChange, ProfileTagValue } from '../store.ts';
import { INSERT_PENDING } from './schema.ts';

interface AccountRow {
  user_id: string;
  nick: string;
  nick_key: string;
  face_url: string;
  created_at: number;
  sig_not_before: number;
  c2c_mute_until: number;
  group_mute_until: number;
}

const toRecord = (r: AccountRow): AccountRecord => ({
  userId: r.user_id,
  nick: r.nick,
  faceUrl: r.face_url,
  createdAt: r.created_at,
  sigNotBefore: r.sig_not_before,
  c2cMutedUntil: r.c2c_mute_until,
  groupMutedUntil: r.group_mute_until,
});

/** Accounts of a prefix in search order, after a position; `@end` is bound only when the prefix has an end. */
const scanSql = (bounded: boolean): string =>
  `SELECT * FROM accounts
   WHERE nick_key >= @prefix ${bounded ? 'AND nick_key < @end' : ''} AND (nick_key, user_id) > (@afterKey, @afterId)
     AND deleted = 0 AND user_id <> @exclude AND key_changed_at < @changedBefore
   ORDER BY nick_key, user_id LIMIT @limit`;

export class SqliteAccountStore implements AccountStore {
  readonly #db: Database;
  readonly #clock: ChangeClock;
  readonly #sql: Record<string, Statement>;

  /** `now`: the store's clock, which stamps key changes for searches paging across them. */
  constructor(db: Database, now: () => number) {
    this.#db = db;
    this.#clock = new ChangeClock(now);
    this.#sql = {
      // A deleted account is made anew: fresh profile and mutes, sig_not_before kept.
      recreate: db.prepare(
        `UPDATE accounts SET nick = coalesce(@nick, ''), nick_key = coalesce(@key, ''), face_url = coalesce(@faceUrl, ''), created_at = @now,
           c2c_mute_until = 0, group_mute_until = 0, deleted = 0, key_changed_at = @clock
         WHERE user_id = @userId AND deleted = 1`,
      ),
      upsert: db.prepare(
        `INSERT INTO accounts (user_id, nick, nick_key, face_url, created_at, key_changed_at)
         VALUES (@userId, coalesce(@nick, ''), coalesce(@key, ''), coalesce(@faceUrl, ''), @now, @clock)
         ON CONFLICT (user_id) DO UPDATE SET nick = coalesce(@nick, nick), nick_key = coalesce(@key, nick_key),
           face_url = coalesce(@faceUrl, face_url), key_changed_at = CASE WHEN coalesce(@key, nick_key) <> nick_key THEN @clock ELSE key_changed_at END`,
      ),
      get: db.prepare('SELECT * FROM accounts WHERE user_id = ? AND deleted = 0'),
      sigNotBefore: db.prepare('SELECT sig_not_before FROM accounts WHERE user_id = ?').pluck(),
      live: db.prepare('SELECT 1 FROM accounts WHERE user_id = ? AND deleted = 0').pluck(),
      addPending: db.prepare(INSERT_PENDING),
      revoke: db.prepare('UPDATE accounts SET sig_not_before = max(sig_not_before, ?) WHERE user_id = ? AND deleted = 0'),
      setNick: db.prepare(
        `UPDATE accounts SET nick = @nick, nick_key = @key, key_changed_at = CASE WHEN @key <> nick_key THEN @clock ELSE key_changed_at END
         WHERE user_id = @userId AND deleted = 0`,
      ),
      setFace: db.prepare('UPDATE accounts SET face_url = ? WHERE user_id = ? AND deleted = 0'),
      setTag: db.prepare('INSERT INTO profile_tags (user_id, tag, value) VALUES (?, ?, ?) ON CONFLICT (user_id, tag) DO UPDATE SET value = excluded.value'),
      tagsOf: db.prepare('SELECT tag, value FROM profile_tags WHERE user_id = ?'),
      setMutes: db.prepare('UPDATE accounts SET c2c_mute_until = ?, group_mute_until = ? WHERE user_id = ? AND deleted = 0'),
      delete: db.prepare(
        `UPDATE accounts SET deleted = 1, nick = '', nick_key = '', face_url = '', c2c_mute_until = 0, group_mute_until = 0,
           sig_not_before = max(sig_not_before, ?) WHERE user_id = ? AND deleted = 0`,
      ),
      deleteTags: db.prepare('DELETE FROM profile_tags WHERE user_id = ?'),
      scan: db.prepare(scanSql(true)),
      scanUnbounded: db.prepare(scanSql(false)),
    };
  }

  async importAccounts(accounts: readonly { userId: string; nick?: string; faceUrl?: string }[], now: number, outbox?: OutboxRecord): Promise<void> {
    const clock = this.#clock.tick();
    this.#db.transaction(() => {
      for (const a of accounts) {
        const row = { userId: a.userId, nick: a.nick ?? null, key: a.nick === undefined ? null : storedSearchKey(a.nick), faceUrl: a.faceUrl ?? null, now, clock };
        // Tags of a deleted account went with it; deleted again here in case a file holds some from before.
        if (this.#sql.recreate.run(row).changes > 0) this.#sql.deleteTags.run(a.userId);
        else this.#sql.upsert.run(row);
      }
      this.#record(outbox);
    })();
  }

  async getAccounts(userIds: readonly string[]): Promise<Map<string, AccountRecord>> {
    const out = new Map<string, AccountRecord>();
    for (const id of userIds) {
      const r = this.#sql.get.get(id) as AccountRow | undefined;
      if (r) out.set(id, toRecord(r));
    }
    return out;
  }

  async revokeSigsBefore(userId: string, unixSeconds: number): Promise<void> {
    this.#sql.revoke.run(unixSeconds, userId);
  }

  /** A deleted account's row keeps it. */
  async sigNotBefore(userId: string): Promise<number> {
    return (this.#sql.sigNotBefore.get(userId) as number | undefined) ?? 0;
  }

  /** Nothing but the outbox for an unknown or deleted account (its tags would outlive it otherwise). */
  async setProfile(userId: string, change: ProfileChange, outbox?: OutboxRecord): Promise<void> {
    this.#db.transaction(() => {
      if (this.#sql.live.get(userId) !== undefined) {
        if (change.nick !== undefined) this.#sql.setNick.run({ userId, nick: change.nick, key: storedSearchKey(change.nick), clock: this.#clock.tick() });
        if (change.faceUrl !== undefined) this.#sql.setFace.run(change.faceUrl, userId);
        for (const [tag, value] of change.tags) this.#sql.setTag.run(userId, tag, JSON.stringify(value));
      }
      this.#record(outbox);
    })();
  }

  async setNoSpeaking(userId: string, mutes: { readonly c2cUntil: number; readonly groupUntil: number }): Promise<void> {
    this.#sql.setMutes.run(mutes.c2cUntil, mutes.groupUntil, userId);
  }

  /** Tags of live accounts only: a deleted account's went with it. */
  async getProfileTags(userIds: readonly string[]): Promise<Map<string, Map<string, ProfileTagValue>>> {
    const out = new Map<string, Map<string, ProfileTagValue>>();
    for (const id of new Set(userIds)) {
      if (this.#sql.live.get(id) === undefined) continue;
      const rows = this.#sql.tagsOf.all(id) as { tag: string; value: string }[];
      if (rows.length > 0) out.set(id, new Map(rows.map((r) => [r.tag, JSON.parse(r.value) as ProfileTagValue])));
    }
    return out;
  }

  async searchAccounts(q: AccountSearchQuery): Promise<AccountSearchPage> {
    const exact = async (id: string) => (await this.getAccounts([id])).get(id);
    return searchPage(q, this.#clock.tick(), exact, async (s) => this.#scan(s));
  }

  async deleteAccount(userId: string, now: number, outbox?: OutboxRecord): Promise<boolean> {
    return this.#db.transaction(() => {
      if (this.#sql.delete.run(Math.floor(now / 1000), userId).changes === 0) return false;
      this.#sql.deleteTags.run(userId);
      this.#record(outbox);
      return true;
    })();
  }

  /** The index range of the prefix read in SQL: the nick_key index yields rows in search order, filtered on the way. */
  #scan(s: SearchScan): SearchHit[] {
    const statement = s.end === undefined ? this.#sql.scanUnbounded : this.#sql.scan;
    const params = {
      prefix: s.prefix,
      ...(s.end === undefined ? {} : { end: s.end }),
      afterKey: s.after.key,
      afterId: s.after.userId,
      exclude: s.exclude,
      changedBefore: s.changedBefore ?? Number.MAX_SAFE_INTEGER,
      limit: s.limit,
    };
    return (statement.all(params) as AccountRow[]).map((r) => ({ account: toRecord(r), position: { key: r.nick_key, userId: r.user_id } }));
  }

  #record(outbox: OutboxRecord | undefined): void {
    if (outbox) for (const e of outbox.events) this.#sql.addPending.run(outbox.streamId, e.id, e.payload);
  }
}
