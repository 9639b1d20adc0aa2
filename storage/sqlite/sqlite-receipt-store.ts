/** ReceiptStore on SQLite: `group_receipts`, keyed by (group, SEQ, reader), purged past expiry with the entries. */
import type { Database, Statement } from 'better-sqlite3';
import type { ReceiptRecord, ReceiptStore } from '../store.ts';

export class SqliteReceiptStore implements ReceiptStore {
  readonly #db: Database;
  readonly #now: () => number;
  readonly #put: Statement;
  readonly #purge: Statement;

  constructor(db: Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#put = db.prepare('INSERT OR REPLACE INTO group_receipts (group_id, seq, user_id, time, expires_at) VALUES (?, ?, ?, ?, ?)');
    this.#purge = db.prepare('DELETE FROM group_receipts WHERE expires_at <= ?');
  }

  async addReceipts(groupId: string, receipts: readonly ReceiptRecord[], ttlS: number): Promise<void> {
    const expiresAt = this.#now() + ttlS * 1000;
    this.#db.transaction(() => {
      for (const r of receipts) this.#put.run(groupId, r.seq, r.userId, r.time, expiresAt);
    })();
  }

  async receiptsOf(groupId: string, seqs: readonly number[]): Promise<ReceiptRecord[]> {
    if (seqs.length === 0) return [];
    const rows = this.#db
      .prepare(`SELECT seq, user_id, time FROM group_receipts WHERE group_id = ? AND seq IN (${seqs.map(() => '?').join(', ')}) AND expires_at > ? ORDER BY seq, user_id`)
      .all(groupId, ...seqs, this.#now()) as { seq: number; user_id: string; time: number }[];
    return rows.map((r) => ({ seq: r.seq, userId: r.user_id, time: r.time }));
  }

  /** Deletes the receipts past their expiry (the store's periodic purge). */
  purgeExpired(now: number): void {
    this.#purge.run(now);
  }
}
