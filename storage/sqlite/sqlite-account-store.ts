/** AccountStore on SQLite. */
import type { Database, Statement } from 'better-sqlite3';
import type { AccountRecord, AccountStore, OutboxRecord, ProfileChange, ProfileTagValue } from '../store.ts';
import { INSERT_PENDING } from './schema.ts';

interface AccountRow {
  user_id: string;
  nick: string;
  face_url: string;
  created_at: number;
  sig_not_before: number;
  c2c_mute_until: number;
  group_mute_until: number;
}

export class SqliteAccountStore implements AccountStore {
  readonly #db: Database;
  readonly #upsert: Statement;
  readonly #get: Statement;
  readonly #revoke: Statement;
  readonly #addPending: Statement;
  readonly #setNick: Statement;
  readonly #setFace: Statement;
  readonly #setTag: Statement;
  readonly #setMutes: Statement;
  readonly #tagsOf: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#upsert = db.prepare(
      `INSERT INTO accounts (user_id, nick, face_url, created_at) VALUES (@userId, coalesce(@nick, ''), coalesce(@faceUrl, ''), @now)
       ON CONFLICT (user_id) DO UPDATE SET nick = coalesce(@nick, nick), face_url = coalesce(@faceUrl, face_url)`,
    );
    this.#get = db.prepare('SELECT * FROM accounts WHERE user_id = ?');
    this.#addPending = db.prepare(INSERT_PENDING);
    this.#revoke = db.prepare('UPDATE accounts SET sig_not_before = max(sig_not_before, ?) WHERE user_id = ?');
    this.#setNick = db.prepare('UPDATE accounts SET nick = ? WHERE user_id = ?');
    this.#setFace = db.prepare('UPDATE accounts SET face_url = ? WHERE user_id = ?');
    this.#setTag = db.prepare('INSERT INTO profile_tags (user_id, tag, value) VALUES (?, ?, ?) ON CONFLICT (user_id, tag) DO UPDATE SET value = excluded.value');
    this.#tagsOf = db.prepare('SELECT tag, value FROM profile_tags WHERE user_id = ?');
    this.#setMutes = db.prepare('UPDATE accounts SET c2c_mute_until = ?, group_mute_until = ? WHERE user_id = ?');
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
        out.set(id, {
          userId: r.user_id,
          nick: r.nick,
          faceUrl: r.face_url,
          createdAt: r.created_at,
          sigNotBefore: r.sig_not_before,
          c2cMutedUntil: r.c2c_mute_until,
          groupMutedUntil: r.group_mute_until,
        });
      }
    }
    return out;
  }

  async revokeSigsBefore(userId: string, unixSeconds: number): Promise<void> {
    this.#revoke.run(unixSeconds, userId);
  }

  async setProfile(userId: string, change: ProfileChange, outbox?: OutboxRecord): Promise<void> {
    this.#db.transaction(() => {
      if (change.nick !== undefined) this.#setNick.run(change.nick, userId);
      if (change.faceUrl !== undefined) this.#setFace.run(change.faceUrl, userId);
      for (const [tag, value] of change.tags) this.#setTag.run(userId, tag, JSON.stringify(value));
      if (outbox) for (const e of outbox.events) this.#addPending.run(outbox.streamId, e.id, e.payload);
    })();
  }

  async setNoSpeaking(userId: string, mutes: { readonly c2cUntil: number; readonly groupUntil: number }): Promise<void> {
    this.#setMutes.run(mutes.c2cUntil, mutes.groupUntil, userId);
  }

  async getProfileTags(userIds: readonly string[]): Promise<Map<string, Map<string, ProfileTagValue>>> {
    const out = new Map<string, Map<string, ProfileTagValue>>();
    for (const id of new Set(userIds)) {
      const rows = this.#tagsOf.all(id) as { tag: string; value: string }[];
      if (rows.length > 0) out.set(id, new Map(rows.map((r) => [r.tag, JSON.parse(r.value) as ProfileTagValue])));
    }
    return out;
  }
}
