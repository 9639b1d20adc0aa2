/**
 * AccountStore on Cassandra. Creation is an LWT (`IF NOT EXISTS`) so `created_at` is written once;
 * `sig_not_before` is written with the revocation second as its write timestamp, so the highest
 * value wins without a read (a revocation never moves back).
 */
import type { AccountRecord, AccountStore, MessageLog, OutboxRecord, ProfileChange, ProfileTagValue } from '../store.ts';
import { type Cql, num } from './cql.ts';

export class CassandraAccountStore implements AccountStore {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;

  /** Where outbox rows go: the message log's, which also puts the stream in the emission backlog. */
  readonly #outbox: Pick<MessageLog, 'addPending'>;

  constructor(cql: Cql, outbox: Pick<MessageLog, 'addPending'>) {
    this.#cql = cql;
    this.#outbox = outbox;
    const ks = cql.keyspace;
    this.#q = {
      create: `INSERT INTO ${ks}.accounts (user_id, nick, face_url, created_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
      nick: `UPDATE ${ks}.accounts SET nick = ? WHERE user_id = ? IF EXISTS`,
      face: `UPDATE ${ks}.accounts SET face_url = ? WHERE user_id = ? IF EXISTS`,
      get: `SELECT user_id, nick, face_url, created_at, sig_not_before, c2c_mute_until, group_mute_until FROM ${ks}.accounts WHERE user_id IN ?`,
      mutes: `UPDATE ${ks}.accounts SET c2c_mute_until = ?, group_mute_until = ? WHERE user_id = ? IF EXISTS`,
      revoke: `UPDATE ${ks}.accounts USING TIMESTAMP ? SET sig_not_before = ? WHERE user_id = ?`,
      tag: `INSERT INTO ${ks}.profile_tags (user_id, tag, value) VALUES (?, ?, ?)`,
      tagsOf: `SELECT user_id, tag, value FROM ${ks}.profile_tags WHERE user_id IN ?`,
    };
  }

  async importAccounts(accounts: readonly { userId: string; nick?: string; faceUrl?: string }[], now: number, outbox?: OutboxRecord): Promise<void> {
    await Promise.all(
      accounts.map(async (a) => {
        const created = await this.#cql.run(this.#q.create, [a.userId, a.nick ?? '', a.faceUrl ?? '', now]);
        if (created.wasApplied()) return;
        if (a.nick !== undefined) await this.#cql.run(this.#q.nick, [a.nick, a.userId]);
        if (a.faceUrl !== undefined) await this.#cql.run(this.#q.face, [a.faceUrl, a.userId]);
      }),
    );
    // LWTs share no batch: a crash between the accounts and this record loses the event (not the accounts).
    if (outbox) await this.#outbox.addPending(outbox.streamId, outbox.events);
  }

  async getAccounts(userIds: readonly string[]): Promise<Map<string, AccountRecord>> {
    const out = new Map<string, AccountRecord>();
    if (userIds.length === 0) return out;
    const rs = await this.#cql.run(this.#q.get, [[...new Set(userIds)]], true);
    for (const r of rs.rows) {
      if (r.get('created_at') === null) continue; // only a revocation was ever written for this id
      const userId = r.get('user_id') as string;
      out.set(userId, {
        userId,
        nick: (r.get('nick') as string | null) ?? '',
        faceUrl: (r.get('face_url') as string | null) ?? '',
        createdAt: num(r.get('created_at')),
        sigNotBefore: num(r.get('sig_not_before')),
        c2cMutedUntil: num(r.get('c2c_mute_until')),
        groupMutedUntil: num(r.get('group_mute_until')),
      });
    }
    return out;
  }

  async setProfile(userId: string, change: ProfileChange, outbox?: OutboxRecord): Promise<void> {
    // nick and face go through the LWT updates import uses (IF EXISTS), so a profile never creates an account.
    if (change.nick !== undefined) await this.#cql.run(this.#q.nick, [change.nick, userId]);
    if (change.faceUrl !== undefined) await this.#cql.run(this.#q.face, [change.faceUrl, userId]);
    const tags = [...change.tags].map(([tag, value]) => ({ query: this.#q.tag, params: [userId, tag, JSON.stringify(value)] }));
    // One partition: a logged batch of its rows is applied as one.
    if (tags.length > 0) await this.#cql.client.batch(tags, { prepare: true, logged: true, consistency: this.#cql.options.consistency });
    if (outbox) await this.#outbox.addPending(outbox.streamId, outbox.events);
  }

  async setNoSpeaking(userId: string, mutes: { readonly c2cUntil: number; readonly groupUntil: number }): Promise<void> {
    // IF EXISTS, like the nick and face updates: a mute never creates an account.
    await this.#cql.run(this.#q.mutes, [mutes.c2cUntil, mutes.groupUntil, userId]);
  }

  async getProfileTags(userIds: readonly string[]): Promise<Map<string, Map<string, ProfileTagValue>>> {
    const out = new Map<string, Map<string, ProfileTagValue>>();
    if (userIds.length === 0) return out;
    for await (const r of await this.#cql.paged(this.#q.tagsOf, [[...new Set(userIds)]])) {
      const userId = r.get('user_id') as string;
      const tags = out.get(userId) ?? new Map<string, ProfileTagValue>();
      tags.set(r.get('tag') as string, JSON.parse(r.get('value') as string) as ProfileTagValue);
      out.set(userId, tags);
    }
    return out;
  }

  async revokeSigsBefore(userId: string, unixSeconds: number): Promise<void> {
    // Write timestamp (µs) = the value: a later, larger revocation always wins, an earlier never does.
    await this.#cql.run(this.#q.revoke, [unixSeconds * 1_000_000, unixSeconds, userId], true);
  }
}
