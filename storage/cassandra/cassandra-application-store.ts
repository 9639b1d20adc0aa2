/**
 * GroupApplicationStore on Cassandra. An application row is only ever written by LWT, so its writes
 * are ordered by Paxos and a decision cannot be overwritten by a stale re-write; the per-user index
 * (`user_applications`) is written with plain logged batches: before the row on a new application
 * (a dangling index row is skipped when listing), after it for a decision. CassandraGroupStore
 * extends it.
 */
import type { ApplicationDecision, ApplicationPage, ApplicationState, GroupApplicationRecord, GroupApplicationStore, GroupType } from '../store.ts';
import { type Cql, type Row, isCasTimeout, num } from './cql.ts';

const COLUMNS = 'group_id, applicant, group_type, inviter, message, time, state, handler, handled_message, handled_at, keep_until, audience';

const toApplication = (r: Row): GroupApplicationRecord => ({
  groupId: r.get('group_id') as string,
  applicant: r.get('applicant') as string,
  groupType: r.get('group_type') as GroupType,
  inviter: (r.get('inviter') as string | null) ?? '',
  message: r.get('message') as string,
  time: num(r.get('time')),
  state: r.get('state') as ApplicationState,
  handler: r.get('handler') as string,
  handledMessage: r.get('handled_message') as string,
  handledAt: num(r.get('handled_at')),
});

interface IndexRow {
  readonly groupId: string;
  readonly applicant: string;
  readonly time: number;
  readonly state: ApplicationState;
  /** Who sent it (the inviter, else the applicant). */
  readonly sender: string;
  /** 0 while pending (and on rows from before keep_until existed). */
  readonly keepUntil: number;
}

/** Listed at `now`: pending, or decided and kept past `now` (rows from before keep_until stay listed). */
const listed = (i: IndexRow, now: number): boolean => i.state === 'pending' || i.keepUntil === 0 || i.keepUntil > now;

/** Cassandra's longest TTL, seconds (20 years). */
const MAX_TTL_S = 630_720_000;

/** The TTL (seconds, 1 to MAX_TTL_S) that expires a decided application's index rows at its keepUntil. */
const ttlOf = (d: ApplicationDecision): number => Math.min(MAX_TTL_S, Math.max(1, Math.ceil((d.keepUntil - d.handledAt) / 1000)));

/** Newest first, then by group and applicant: the order of every page. */
const newestFirst = (a: IndexRow, b: IndexRow): number =>
  b.time - a.time || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : a.applicant < b.applicant ? -1 : a.applicant > b.applicant ? 1 : 0);

export class CassandraApplicationStore implements GroupApplicationStore {
  readonly #appCql: Cql;
  readonly #aq: Record<string, string>;

  constructor(cql: Cql) {
    this.#appCql = cql;
    const ks = cql.keyspace;
    this.#aq = {
      get: `SELECT ${COLUMNS} FROM ${ks}.group_applications WHERE group_id = ? AND applicant = ?`,
      insert: `INSERT INTO ${ks}.group_applications (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) IF NOT EXISTS`,
      replace: `UPDATE ${ks}.group_applications SET group_type = ?, inviter = ?, message = ?, time = ?, state = ?, handler = ?, handled_message = ?, handled_at = ?, keep_until = 0, audience = ?
        WHERE group_id = ? AND applicant = ? IF EXISTS`,
      decide: `UPDATE ${ks}.group_applications SET state = ?, handler = ?, handled_message = ?, handled_at = ?, keep_until = ? WHERE group_id = ? AND applicant = ? IF state = 'pending'`,
      index: `INSERT INTO ${ks}.user_applications (user_id, group_id, applicant, time, state, sender, keep_until) VALUES (?, ?, ?, ?, ?, ?, 0)`,
      indexDecided: `INSERT INTO ${ks}.user_applications (user_id, group_id, applicant, time, state, sender, keep_until) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?`,
      unindex: `DELETE FROM ${ks}.user_applications WHERE user_id = ? AND group_id = ? AND applicant = ?`,
      ofUser: `SELECT group_id, applicant, time, state, sender, keep_until FROM ${ks}.user_applications WHERE user_id = ?`,
      readUpTo: `SELECT read_upto FROM ${ks}.application_reads WHERE user_id = ?`,
      firstRead: `INSERT INTO ${ks}.application_reads (user_id, read_upto) VALUES (?, ?) IF NOT EXISTS`,
      laterRead: `UPDATE ${ks}.application_reads SET read_upto = ? WHERE user_id = ? IF read_upto < ?`,
    };
  }

  async putApplication(app: GroupApplicationRecord, audience: readonly string[]): Promise<void> {
    const sender = app.inviter || app.applicant;
    const users = [...new Set([...audience, sender])];
    await this.#indexBatch(users.map((u) => ({ query: this.#aq.index, params: [u, app.groupId, app.applicant, app.time, app.state, sender] })));
    const before = await this.#writeRow(app, JSON.stringify(users));
    const gone = before.filter((u) => !users.includes(u));
    if (gone.length > 0) await this.#indexBatch(gone.map((u) => ({ query: this.#aq.unindex, params: [u, app.groupId, app.applicant] })));
  }

  /** Inserts or replaces the row by LWT; returns the audience of the row it replaced (none if new). */
  async #writeRow(app: GroupApplicationRecord, audience: string): Promise<string[]> {
    const replace = [app.groupType, app.inviter, app.message, app.time, app.state, app.handler, app.handledMessage, app.handledAt, audience, app.groupId, app.applicant];
    const insert = [app.groupId, app.applicant, app.groupType, app.inviter, app.message, app.time, app.state, app.handler, app.handledMessage, app.handledAt, audience];
    for (let attempt = 1; ; attempt++) {
      const inserted = await this.#cas(this.#aq.insert, insert, app);
      if (inserted.applied) return [];
      const earlier = inserted.row ? (JSON.parse(inserted.row.get('audience') as string) as string[]) : [];
      if ((await this.#cas(this.#aq.replace, replace, app)).applied) return earlier;
      // Deleted between the two (nothing deletes applications yet): try again.
      if (attempt >= 3) throw new Error(`putApplication ${app.groupId}/${app.applicant}: the row kept changing`);
    }
  }

  /**
   * Runs a conditional write; a Paxos round that timed out is settled by a serial read (applied when
   * the row holds what we wrote). Returns the row the condition saw when it did not apply.
   */
  async #cas(query: string, params: unknown[], mine: { readonly time: number; readonly state: ApplicationState; readonly groupId: string; readonly applicant: string }): Promise<{ applied: boolean; row?: Row }> {
    try {
      const rs = await this.#appCql.run(query, params);
      return rs.wasApplied() ? { applied: true } : { applied: false, row: rs.first() ?? undefined };
    } catch (e) {
      if (!isCasTimeout(e)) throw e;
      const row = (await this.#appCql.readSerial(this.#aq.get, [mine.groupId, mine.applicant])).first();
      const ours = row !== null && num(row.get('time')) === mine.time && row.get('state') === mine.state;
      return ours ? { applied: true } : { applied: false, row: row ?? undefined };
    }
  }

  async getApplication(groupId: string, applicant: string): Promise<GroupApplicationRecord | undefined> {
    const r = (await this.#appCql.run(this.#aq.get, [groupId, applicant], true)).first();
    return r ? toApplication(r) : undefined;
  }

  async decideApplication(groupId: string, applicant: string, d: ApplicationDecision): Promise<boolean> {
    const current = await this.getApplication(groupId, applicant);
    if (!current || current.state !== 'pending') return false;
    const params = [d.state, d.handler, d.handledMessage, d.handledAt, d.keepUntil, groupId, applicant];
    let applied: boolean;
    try {
      applied = (await this.#appCql.run(this.#aq.decide, params)).wasApplied();
    } catch (e) {
      if (!isCasTimeout(e)) throw e;
      const row = (await this.#appCql.readSerial(this.#aq.get, [groupId, applicant])).first();
      applied = row !== null && row.get('state') === d.state && row.get('handler') === d.handler && num(row.get('handled_at')) === d.handledAt;
    }
    if (!applied) return false;
    const row = (await this.#appCql.run(this.#aq.get, [groupId, applicant], true)).first();
    if (!row) return true;
    const app = toApplication(row);
    const users = JSON.parse(row.get('audience') as string) as string[];
    const indexed = [groupId, applicant, app.time, d.state, app.inviter || applicant, d.keepUntil, ttlOf(d)];
    await this.#indexBatch(users.map((u) => ({ query: this.#aq.indexDecided, params: [u, ...indexed] })));
    return true;
  }

  async applicationsFor(userId: string, offset: number, limit: number, now: number): Promise<ApplicationPage> {
    const [all, readUpTo] = await Promise.all([this.#indexOf(userId), this.#readUpTo(userId)]);
    const index = all.filter((i) => listed(i, now)).sort(newestFirst);
    const unread = index.filter((i) => i.state === 'pending' && i.sender !== userId && i.time > readUpTo).length;
    const page = await Promise.all(index.slice(offset, offset + limit).map((i) => this.getApplication(i.groupId, i.applicant)));
    return { applications: page.filter((a): a is GroupApplicationRecord => a !== undefined), total: index.length, unread, readUpTo };
  }

  async #indexOf(userId: string): Promise<IndexRow[]> {
    const rows: IndexRow[] = [];
    for await (const r of await this.#appCql.paged(this.#aq.ofUser, [userId])) {
      const applicant = r.get('applicant') as string;
      const sender = (r.get('sender') as string | null) ?? applicant;
      rows.push({ groupId: r.get('group_id') as string, applicant, time: num(r.get('time')), state: r.get('state') as ApplicationState, sender, keepUntil: num(r.get('keep_until')) });
    }
    return rows;
  }

  async #readUpTo(userId: string): Promise<number> {
    return num((await this.#appCql.run(this.#aq.readUpTo, [userId], true)).first()?.get('read_upto'));
  }

  /** Forward only: a later marker replaces an earlier one by LWT; a race between two devices is tried again. */
  async markApplicationsRead(userId: string, upTo: number): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const later = await this.#appCql.run(this.#aq.laterRead, [upTo, userId, upTo]);
      if (later.wasApplied()) return;
      const seen = later.first();
      // The row exists with a marker at or past `upTo`: nothing to move.
      if (seen && seen.get('read_upto') !== null && seen.get('read_upto') !== undefined) return;
      if ((await this.#appCql.run(this.#aq.firstRead, [userId, upTo])).wasApplied()) return;
    }
    throw new Error(`markApplicationsRead ${userId}: the marker kept changing`);
  }

  /** Logged batches of at most 100 statements. */
  async #indexBatch(queries: { query: string; params: unknown[] }[]): Promise<void> {
    for (let i = 0; i < queries.length; i += 100) {
      await this.#appCql.client.batch(queries.slice(i, i + 100), { prepare: true, logged: true, consistency: this.#appCql.options.consistency });
    }
  }
}
