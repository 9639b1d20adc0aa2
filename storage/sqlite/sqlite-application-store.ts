/**
 * GroupApplicationStore on SQLite: applications by group and applicant, the per-user index of who
 * sees them, and each user's read marker; every write is one transaction, so the index never
 * disagrees with the applications. SqliteGroupStore extends it.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ApplicationDecision, ApplicationPage, ApplicationState, GroupApplicationRecord, GroupApplicationStore, GroupType } from '../store.ts';

interface ApplicationRow {
  group_id: string;
  applicant: string;
  group_type: GroupType;
  inviter: string;
  message: string;
  time: number;
  state: ApplicationState;
  handler: string;
  handled_message: string;
  handled_at: number;
  audience: string;
}

const toApplication = (r: ApplicationRow): GroupApplicationRecord => ({
  groupId: r.group_id,
  groupType: r.group_type,
  applicant: r.applicant,
  inviter: r.inviter,
  message: r.message,
  time: r.time,
  state: r.state,
  handler: r.handler,
  handledMessage: r.handled_message,
  handledAt: r.handled_at,
});

/** The applications a user sees at a time (params: user, now): pending, or decided and kept until after now. */
const JOINED =
  'FROM user_applications i JOIN group_applications a ON a.group_id = i.group_id AND a.applicant = i.applicant WHERE i.user_id = ? AND (a.keep_until = 0 OR a.keep_until > ?)';

/** Most expired applications one decision drops (the rest go with later decisions). */
const PRUNE_BATCH = 100;

export class SqliteApplicationStore implements GroupApplicationStore {
  readonly #appDb: Database;
  readonly #appSql: Record<string, Statement>;

  constructor(db: Database) {
    this.#appDb = db;
    this.#appSql = {
      get: db.prepare('SELECT * FROM group_applications WHERE group_id = ? AND applicant = ?'),
      put: db.prepare(
        `INSERT OR REPLACE INTO group_applications (group_id, applicant, group_type, inviter, message, time, state, handler, handled_message, handled_at, keep_until, audience)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      ),
      index: db.prepare('INSERT OR IGNORE INTO user_applications (user_id, group_id, applicant) VALUES (?, ?, ?)'),
      unindex: db.prepare('DELETE FROM user_applications WHERE user_id = ? AND group_id = ? AND applicant = ?'),
      decide: db.prepare(
        "UPDATE group_applications SET state = ?, handler = ?, handled_message = ?, handled_at = ?, keep_until = ? WHERE group_id = ? AND applicant = ? AND state = 'pending'",
      ),
      expired: db.prepare(`SELECT group_id, applicant, audience FROM group_applications WHERE keep_until > 0 AND keep_until <= ? LIMIT ${PRUNE_BATCH}`),
      drop: db.prepare('DELETE FROM group_applications WHERE group_id = ? AND applicant = ?'),
      page: db.prepare(`SELECT a.* ${JOINED} ORDER BY a.time DESC, a.group_id, a.applicant LIMIT ? OFFSET ?`),
      total: db.prepare(`SELECT count(*) ${JOINED}`).pluck(),
      unread: db.prepare(`SELECT count(*) ${JOINED} AND a.state = 'pending' AND (CASE a.inviter WHEN '' THEN a.applicant ELSE a.inviter END) <> i.user_id AND a.time > ?`).pluck(),
      readUpTo: db.prepare('SELECT read_upto FROM application_reads WHERE user_id = ?').pluck(),
      markRead: db.prepare(
        'INSERT INTO application_reads (user_id, read_upto) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET read_upto = max(read_upto, excluded.read_upto)',
      ),
    };
  }

  async putApplication(app: GroupApplicationRecord, audience: readonly string[]): Promise<void> {
    const users = [...new Set([...audience, app.inviter || app.applicant])];
    this.#appDb.transaction(() => {
      const before = this.#appSql.get.get(app.groupId, app.applicant) as ApplicationRow | undefined;
      for (const u of before ? (JSON.parse(before.audience) as string[]) : []) if (!users.includes(u)) this.#appSql.unindex.run(u, app.groupId, app.applicant);
      const s = this.#appSql.put;
      s.run(app.groupId, app.applicant, app.groupType, app.inviter, app.message, app.time, app.state, app.handler, app.handledMessage, app.handledAt, JSON.stringify(users));
      for (const u of users) this.#appSql.index.run(u, app.groupId, app.applicant);
    })();
  }

  async getApplication(groupId: string, applicant: string): Promise<GroupApplicationRecord | undefined> {
    const r = this.#appSql.get.get(groupId, applicant) as ApplicationRow | undefined;
    return r && toApplication(r);
  }

  /** Also drops up to PRUNE_BATCH applications whose keepUntil passed by the decision's time, with their index rows. */
  async decideApplication(groupId: string, applicant: string, d: ApplicationDecision): Promise<boolean> {
    return this.#appDb.transaction(() => {
      this.#dropExpired(d.handledAt);
      return this.#appSql.decide.run(d.state, d.handler, d.handledMessage, d.handledAt, d.keepUntil, groupId, applicant).changes > 0;
    })();
  }

  #dropExpired(now: number): void {
    for (const r of this.#appSql.expired.all(now) as Pick<ApplicationRow, 'group_id' | 'applicant' | 'audience'>[]) {
      for (const u of JSON.parse(r.audience) as string[]) this.#appSql.unindex.run(u, r.group_id, r.applicant);
      this.#appSql.drop.run(r.group_id, r.applicant);
    }
  }

  async applicationsFor(userId: string, offset: number, limit: number, now: number): Promise<ApplicationPage> {
    return this.#appDb.transaction(() => {
      const readUpTo = (this.#appSql.readUpTo.get(userId) as number | undefined) ?? 0;
      const rows = this.#appSql.page.all(userId, now, limit, offset) as ApplicationRow[];
      return {
        applications: rows.map(toApplication),
        total: this.#appSql.total.get(userId, now) as number,
        unread: this.#appSql.unread.get(userId, now, readUpTo) as number,
        readUpTo,
      };
    })();
  }

  async markApplicationsRead(userId: string, upTo: number): Promise<void> {
    this.#appSql.markRead.run(userId, upTo);
  }
}
