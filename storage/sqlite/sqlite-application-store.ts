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
  message: r.message,
  time: r.time,
  state: r.state,
  handler: r.handler,
  handledMessage: r.handled_message,
  handledAt: r.handled_at,
});

const JOINED = 'FROM user_applications i JOIN group_applications a ON a.group_id = i.group_id AND a.applicant = i.applicant WHERE i.user_id = ?';

export class SqliteApplicationStore implements GroupApplicationStore {
  readonly #appDb: Database;
  readonly #appSql: Record<string, Statement>;

  constructor(db: Database) {
    this.#appDb = db;
    this.#appSql = {
      get: db.prepare('SELECT * FROM group_applications WHERE group_id = ? AND applicant = ?'),
      put: db.prepare(
        `INSERT OR REPLACE INTO group_applications (group_id, applicant, group_type, message, time, state, handler, handled_message, handled_at, audience)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      index: db.prepare('INSERT OR IGNORE INTO user_applications (user_id, group_id, applicant) VALUES (?, ?, ?)'),
      unindex: db.prepare('DELETE FROM user_applications WHERE user_id = ? AND group_id = ? AND applicant = ?'),
      decide: db.prepare(
        "UPDATE group_applications SET state = ?, handler = ?, handled_message = ?, handled_at = ? WHERE group_id = ? AND applicant = ? AND state = 'pending'",
      ),
      page: db.prepare(`SELECT a.* ${JOINED} ORDER BY a.time DESC, a.group_id, a.applicant LIMIT ? OFFSET ?`),
      total: db.prepare(`SELECT count(*) ${JOINED}`).pluck(),
      unread: db.prepare(`SELECT count(*) ${JOINED} AND a.state = 'pending' AND a.applicant <> i.user_id AND a.time > ?`).pluck(),
      readUpTo: db.prepare('SELECT read_upto FROM application_reads WHERE user_id = ?').pluck(),
      markRead: db.prepare(
        'INSERT INTO application_reads (user_id, read_upto) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET read_upto = max(read_upto, excluded.read_upto)',
      ),
    };
  }

  async putApplication(app: GroupApplicationRecord, audience: readonly string[]): Promise<void> {
    const users = [...new Set([...audience, app.applicant])];
    this.#appDb.transaction(() => {
      const before = this.#appSql.get.get(app.groupId, app.applicant) as ApplicationRow | undefined;
      for (const u of before ? (JSON.parse(before.audience) as string[]) : []) if (!users.includes(u)) this.#appSql.unindex.run(u, app.groupId, app.applicant);
      const s = this.#appSql.put;
      s.run(app.groupId, app.applicant, app.groupType, app.message, app.time, app.state, app.handler, app.handledMessage, app.handledAt, JSON.stringify(users));
      for (const u of users) this.#appSql.index.run(u, app.groupId, app.applicant);
    })();
  }

  async getApplication(groupId: string, applicant: string): Promise<GroupApplicationRecord | undefined> {
    const r = this.#appSql.get.get(groupId, applicant) as ApplicationRow | undefined;
    return r && toApplication(r);
  }

  async decideApplication(groupId: string, applicant: string, d: ApplicationDecision): Promise<boolean> {
    return this.#appSql.decide.run(d.state, d.handler, d.handledMessage, d.handledAt, groupId, applicant).changes > 0;
  }

  async applicationsFor(userId: string, offset: number, limit: number): Promise<ApplicationPage> {
    return this.#appDb.transaction(() => {
      const readUpTo = (this.#appSql.readUpTo.get(userId) as number | undefined) ?? 0;
      const rows = this.#appSql.page.all(userId, limit, offset) as ApplicationRow[];
      return {
        applications: rows.map(toApplication),
        total: this.#appSql.total.get(userId) as number,
        unread: this.#appSql.unread.get(userId, readUpTo) as number,
        readUpTo,
      };
    })();
  }

  async markApplicationsRead(userId: string, upTo: number): Promise<void> {
    this.#appSql.markRead.run(userId, upTo);
  }
}
