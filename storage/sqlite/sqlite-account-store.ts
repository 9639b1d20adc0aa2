/** AccountStore on SQLite. */
import type { Database, Statement } from 'better-sqlite3';
import type { AccountRecord, AccountStore, OutboxRecord } from '../store.ts';
import { INSERT_PENDING } from './schema.ts';

interface AccountRow {
  user_id: string;
  nick: string;
  face_url: string;
  created_at: number;
  sig_not_before: number;
}

export class SqliteAccountStore implements AccountStore {
  readonly #db: Database;
  readonly #upsert: Statement;
  readonly #get: Statement;
  readonly #revoke: Statement;
  readonly #addPending: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#upsert = db.prepare(
      `INSERT INTO accounts (user_id, nick, face_url, created_at) VALUES (@userId, coalesce(@nick, ''), coalesce(@faceUrl, ''), @now)
       ON CONFLICT (user_id) DO UPDATE SET nick = coalesce(@nick, nick), face_url = coalesce(@faceUrl, face_url)`,
    );
    this.#get = db.prepare('SELECT * FROM accounts WHERE user_id = ?');
    this.#addPending = db.prepare(INSERT_PENDING);
    this.#revoke = db.prepare('UPDATE accounts SET sig_not_before = max(sig_not_before, ?) WHERE user_id = ?');
  }

  async importAccounts(accounts: readonly { userId: string; nick?: string; faceUrl?: string }[], now: number, outbox?: OutboxRecord): Promise<void> {
    this.#db.transaction(() => {
      for (const a of accounts) this.#upsert.run({ userId: a.userId, nick: a.nick ?? null, faceUrl: a.faceUrl ?? null, now });
      if (outbox) for (const e of outbox.events) this.#addPending.run(outbox.streamId, e.id, e.payload);
    })();
  }

  async getAccounts(userIds: readonly string[]): Promise<Map<string, AccountRecord>> {
    const out = new Map<string, AccountRecord>();
    for (const id of userIds) {
      const r = this.#get.get(id) as AccountRow | undefined;
      if (r) {
        out.set(id, { userId: r.user_id, nick: r.nick, faceUrl: r.face_url, createdAt: r.created_at, sigNotBefore: r.sig_not_before });
      }
    }
    return out;
  }

  async revokeSigsBefore(userId: string, unixSeconds: number): Promise<void> {
    this.#revoke.run(unixSeconds, userId);
  }
}
