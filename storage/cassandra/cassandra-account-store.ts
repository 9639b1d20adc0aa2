/**
 * AccountStore on Cassandra. Creation is an LWT (`IF NOT EXISTS`) so `created_at` is written once;
 * `sig_not_before` is written with the revocation second as its write timestamp, so the highest
 * value wins without a read (a revocation never moves back). Writes of the nick and of whether the
 * account exists (create, delete, make again) are LWTs on `revision`, which also orders the nick
 * index rows (`CassandraNickIndex`). A deleted account keeps its row, marked by `deleted_at`.
 */
import { ChangeClock, type SearchHit, type SearchScan, searchPage, storedSearchKey } from '../account-search.ts';
import type { AccountRecord, AccountSearchPage, AccountSearchQuery, AccountStore, MessageLog, OutboxRecord, ProfileChange, ProfileTagValue } from '../store.ts';
import { type Cql, type Row, num } from './cql.ts';
import { CassandraNickIndex } from './cassandra-nick-index.ts';

const COLUMNS = 'user_id, nick, face_url, created_at, sig_not_before, c2c_mute_until, group_mute_until, deleted_at, revision';

const text = (r: Row, column: string): string => (r.get(column) as string | null) ?? '';
/** Whether a row is an account: created (not only a revocation, as writes before deletion existed could leave) and not deleted. */
const isLive = (r: Row): boolean => r.get('created_at') !== null && r.get('deleted_at') === null;
const keyOf = (r: Row): string => storedSearchKey(text(r, 'nick'));

const toRecord = (r: Row): AccountRecord => ({
  userId: r.get('user_id') as string,
  nick: text(r, 'nick'),
  faceUrl: text(r, 'face_url'),
  createdAt: num(r.get('created_at')),
  sigNotBefore: num(r.get('sig_not_before')),
  c2cMutedUntil: num(r.get('c2c_mute_until')),
  groupMutedUntil: num(r.get('group_mute_until')),
});

type Imported = { readonly userId: string; readonly nick?: string; readonly faceUrl?: string };

export class CassandraAccountStore implements AccountStore {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;
  readonly #index: CassandraNickIndex;
  readonly #clock: ChangeClock;

  /** Where outbox rows go: the message log's, which also puts the stream in the emission backlog. */
  readonly #outbox: Pick<MessageLog, 'addPending'>;

  /** `now`: the store's clock, which revisions are taken from (searches compare them with its ticks). */
  constructor(cql: Cql, outbox: Pick<MessageLog, 'addPending'>, now: () => number) {
    this.#cql = cql;
    this.#outbox = outbox;
    this.#clock = new ChangeClock(now);
    this.#index = new CassandraNickIndex(cql);
    const ks = cql.keyspace;
    const live = 'IF created_at != null AND deleted_at = null';
    this.#q = {
      create: `INSERT INTO ${ks}.accounts (user_id, nick, face_url, created_at, revision) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS`,
      recreate: `UPDATE ${ks}.accounts SET created_at = ?, nick = ?, face_url = ?, c2c_mute_until = null, group_mute_until = null, deleted_at = null, revision = ? WHERE user_id = ? IF revision = ?`,
      nick: `UPDATE ${ks}.accounts SET nick = ?, revision = ? WHERE user_id = ? IF revision = ?`,
      face: `UPDATE ${ks}.accounts SET face_url = ? WHERE user_id = ? ${live}`,
      delete: `UPDATE ${ks}.accounts SET deleted_at = ?, nick = '', face_url = '', c2c_mute_until = null, group_mute_until = null, revision = ? WHERE user_id = ? IF revision = ?`,
      get: `SELECT ${COLUMNS} FROM ${ks}.accounts WHERE user_id IN ?`,
      one: `SELECT ${COLUMNS} FROM ${ks}.accounts WHERE user_id = ?`,
      mutes: `UPDATE ${ks}.accounts SET c2c_mute_until = ?, group_mute_until = ? WHERE user_id = ? ${live}`,
      revoke: `UPDATE ${ks}.accounts USING TIMESTAMP ? SET sig_not_before = ? WHERE user_id = ?`,
      tag: `INSERT INTO ${ks}.profile_tags (user_id, tag, value) VALUES (?, ?, ?)`,
      tagsOf: `SELECT user_id, tag, value FROM ${ks}.profile_tags WHERE user_id IN ?`,
      dropTags: `DELETE FROM ${ks}.profile_tags USING TIMESTAMP ? WHERE user_id = ?`,
    };
  }

  async importAccounts(accounts: readonly Imported[], now: number, outbox?: OutboxRecord): Promise<void> {
    await Promise.all(accounts.map((a) => this.#import(a, now)));
    // LWTs share no batch: a crash between the accounts and this record loses the event (not the accounts).
    if (outbox) await this.#outbox.addPending(outbox.streamId, outbox.events);
  }

  async getAccounts(userIds: readonly string[]): Promise<Map<string, AccountRecord>> {
    const rows = await this.#rows(userIds);
    return new Map([...rows].filter(([, r]) => isLive(r)).map(([id, r]) => [id, toRecord(r)]));
  }

  async setProfile(userId: string, change: ProfileChange, outbox?: OutboxRecord): Promise<void> {
    // Every field only for an existing account: nick and face by their LWTs, tags once one of them (or a read) found it.
    let live = change.nick === undefined ? undefined : await this.#writeNick(userId, change.nick);
    if (change.faceUrl !== undefined && live !== false) live = (await this.#cql.run(this.#q.face, [change.faceUrl, userId])).wasApplied();
    const tags = [...change.tags].map(([tag, value]) => ({ query: this.#q.tag, params: [userId, tag, JSON.stringify(value)] }));
    if (tags.length > 0 && (live ?? (await this.#live(userId)))) {
      // One partition: a logged batch of its rows is applied as one.
      await this.#cql.client.batch(tags, { prepare: true, logged: true, consistency: this.#cql.options.consistency });
    }
    if (outbox) await this.#outbox.addPending(outbox.streamId, outbox.events);
  }

  async setNoSpeaking(userId: string, mutes: { readonly c2cUntil: number; readonly groupUntil: number }): Promise<void> {
    // Conditional, like the face update: a mute never creates an account nor touches a deleted one.
    await this.#cql.run(this.#q.mutes, [mutes.c2cUntil, mutes.groupUntil, userId]);
  }

  /** Tags of live accounts only: a delete that crashed before dropping them, or a write racing it, leaves some. */
  async getProfileTags(userIds: readonly string[]): Promise<Map<string, Map<string, ProfileTagValue>>> {
    const out = new Map<string, Map<string, ProfileTagValue>>();
    if (userIds.length === 0) return out;
    const ids = [...new Set(userIds)];
    const [accounts, rows] = await Promise.all([this.#rows(ids), this.#cql.paged(this.#q.tagsOf, [ids])]);
    for await (const r of rows) {
      const userId = r.get('user_id') as string;
      const account = accounts.get(userId);
      if (!account || !isLive(account)) continue;
      const tags = out.get(userId) ?? new Map<string, ProfileTagValue>();
      tags.set(r.get('tag') as string, JSON.parse(r.get('value') as string) as ProfileTagValue);
      out.set(userId, tags);
    }
    return out;
  }

  /** Read first: a revocation of an unknown or deleted account writes nothing (one racing a delete lands on the deleted row, harmlessly). */
  async revokeSigsBefore(userId: string, unixSeconds: number): Promise<void> {
    if (await this.#live(userId)) await this.#revoke(userId, unixSeconds);
  }

  /** A deleted account's is at least its deletion's second, also if the delete stopped before raising the column. */
  async sigNotBefore(userId: string): Promise<number> {
    const r = await this.#row(userId);
    if (!r) return 0;
    const deletedAt = r.get('deleted_at');
    return Math.max(num(r.get('sig_not_before')), deletedAt === null ? 0 : Math.floor(num(deletedAt) / 1000));
  }

  async searchAccounts(q: AccountSearchQuery): Promise<AccountSearchPage> {
    const exact = async (id: string) => (await this.getAccounts([id])).get(id);
    return searchPage(q, this.#clock.tick(), exact, (s) => this.#scan(s));
  }

  /**
   * The LWT marks the account deleted (clearing its profile, bumping its revision); then its
   * revocation, tags and index row go, and the outbox is recorded. A crash after the LWT leaves
   * some of those: sigNotBefore, getProfileTags and searches treat the account as deleted anyway,
   * and making it again redoes the revocation and the tags.
   */
  async deleteAccount(userId: string, now: number, outbox?: OutboxRecord): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const row = await this.#row(userId, attempt > 0);
      if (!row || !isLive(row)) return false;
      const revision = this.#nextRevision(row);
      if (!(await this.#cql.run(this.#q.delete, [now, revision, userId, row.get('revision')])).wasApplied()) continue;
      await Promise.all([
        this.#revoke(userId, Math.floor(now / 1000)),
        this.#cql.run(this.#q.dropTags, [revision, userId], true),
        this.#index.remove(userId, keyOf(row), revision),
      ]);
      if (outbox) await this.#outbox.addPending(outbox.streamId, outbox.events);
      return true;
    }
  }

  /** Creates the account, or updates a live one, or makes a deleted one (or a bare revocation row) again. */
  async #import(a: Imported, now: number): Promise<void> {
    for (;;) {
      const revision = this.#clock.tick();
      // The index row goes first (at the revision the account would get), so a created account always has its row.
      if (a.nick !== undefined) await this.#index.put(a.userId, storedSearchKey(a.nick), revision);
      const created = await this.#cql.run(this.#q.create, [a.userId, a.nick ?? '', a.faceUrl ?? '', now, revision]);
      if (created.wasApplied()) return;
      // Not applied: the LWT answered with the row as it stands.
      const row = created.first();
      if (isLive(row)) {
        if (a.nick !== undefined && !(await this.#writeNick(a.userId, a.nick))) continue;
        if (a.faceUrl !== undefined && !(await this.#cql.run(this.#q.face, [a.faceUrl, a.userId])).wasApplied()) continue;
        return;
      }
      if (await this.#recreate(a, now, row)) return;
    }
  }

  /**
   * Makes a new account on the row of a deleted one: the deletion's revocation is (re)applied first
   * and its tags dropped after (as of the new revision: tags of the new account, written later, stay).
   */
  async #recreate(a: Imported, now: number, row: Row): Promise<boolean> {
    const deletedAt = row.get('deleted_at');
    if (deletedAt !== null) await this.#revoke(a.userId, Math.floor(num(deletedAt) / 1000));
    const revision = this.#nextRevision(row);
    await this.#index.put(a.userId, storedSearchKey(a.nick ?? ''), revision);
    const params = [now, a.nick ?? '', a.faceUrl ?? '', revision, a.userId, row.get('revision')];
    if (!(await this.#cql.run(this.#q.recreate, params)).wasApplied()) return false;
    await this.#cql.run(this.#q.dropTags, [revision, a.userId], true);
    return true;
  }

  /**
   * Sets a live account's nick: its new key's index row at the next revision, the nick by an LWT on
   * the revision read (retried when another write moved it), then the old key's row deleted as of
   * that revision. False (no account written) if there is no live account.
   */
  async #writeNick(userId: string, nick: string): Promise<boolean> {
    const key = storedSearchKey(nick);
    for (let attempt = 0; ; attempt++) {
      const row = await this.#row(userId, attempt > 0);
      if (!row || !isLive(row)) return false;
      const revision = this.#nextRevision(row);
      await this.#index.put(userId, key, revision);
      if (!(await this.#cql.run(this.#q.nick, [nick, revision, userId, row.get('revision')])).wasApplied()) continue;
      if (keyOf(row) !== key) await this.#index.remove(userId, keyOf(row), revision);
      return true;
    }
  }

  /**
   * Index rows of the prefix, read on until `limit` of them check out against their accounts: live,
   * still under that key, and (on later pages) not changed since the first page was read.
   */
  async #scan(s: SearchScan): Promise<SearchHit[]> {
    const hits: SearchHit[] = [];
    for (let after = s.after; ; ) {
      const want = s.limit - hits.length;
      const positions = await this.#index.range(s.prefix, s.end, after, want);
      const rows = await this.#rows(positions.map((p) => p.userId));
      for (const p of positions) {
        const r = rows.get(p.userId);
        if (!r || !isLive(r) || p.userId === s.exclude || keyOf(r) !== p.key) continue;
        if (s.changedBefore !== undefined && num(r.get('revision')) >= s.changedBefore) continue;
        hits.push({ account: toRecord(r), position: p });
      }
      if (positions.length < want || hits.length >= s.limit) return hits;
      after = positions[positions.length - 1];
    }
  }

  /** Above the row's revision and a fresh tick of the clock (µs). */
  #nextRevision(row: Row): number {
    return Math.max(num(row.get('revision')) + 1, this.#clock.tick());
  }

  async #rows(userIds: readonly string[]): Promise<Map<string, Row>> {
    if (userIds.length === 0) return new Map();
    const rs = await this.#cql.run(this.#q.get, [[...new Set(userIds)]], true);
    return new Map(rs.rows.map((r) => [r.get('user_id') as string, r]));
  }

  /**
   * The account's row for an LWT on its revision: read at the configured consistency first; after an
   * LWT that missed (`serial`), at the serial one, which also completes a Paxos round in flight.
   */
  async #row(userId: string, serial = false): Promise<Row | undefined> {
    const rs = serial ? await this.#cql.readSerial(this.#q.one, [userId]) : await this.#cql.run(this.#q.one, [userId], true);
    return rs.first() ?? undefined;
  }

  async #live(userId: string): Promise<boolean> {
    const r = await this.#row(userId);
    return r !== undefined && isLive(r);
  }

  /** Write timestamp (µs) = the value: a later, larger revocation always wins, an earlier never does. */
  async #revoke(userId: string, unixSeconds: number): Promise<void> {
    await this.#cql.run(this.#q.revoke, [unixSeconds * 1_000_000, unixSeconds, userId], true);
  }
}
