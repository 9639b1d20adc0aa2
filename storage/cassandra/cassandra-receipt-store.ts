/** ReceiptStore on Cassandra: `group_receipts`, one partition per (group, SEQ), each receipt written with a TTL. */
import type { ReceiptRecord, ReceiptStore } from '../store.ts';
import { type Cql, num } from './cql.ts';

export class CassandraReceiptStore implements ReceiptStore {
  readonly #cql: Cql;
  readonly #q: { put: string; read: string };

  constructor(cql: Cql) {
    this.#cql = cql;
    const ks = cql.keyspace;
    this.#q = {
      put: `INSERT INTO ${ks}.group_receipts (group_id, seq, user_id, time) VALUES (?, ?, ?, ?) USING TTL ?`,
      read: `SELECT user_id, time FROM ${ks}.group_receipts WHERE group_id = ? AND seq = ?`,
    };
  }

  async addReceipts(groupId: string, receipts: readonly ReceiptRecord[], ttlS: number): Promise<void> {
    // Each receipt is its own partition: separate idempotent writes, not a multi-partition batch.
    await Promise.all(receipts.map((r) => this.#cql.run(this.#q.put, [groupId, r.seq, r.userId, r.time, ttlS], true)));
  }

  async receiptsOf(groupId: string, seqs: readonly number[]): Promise<ReceiptRecord[]> {
    const perSeq = await Promise.all(
      [...new Set(seqs)].sort((a, b) => a - b).map(async (seq) => {
        const out: ReceiptRecord[] = [];
        for await (const r of await this.#cql.paged(this.#q.read, [groupId, seq])) out.push({ seq, userId: r.get('user_id') as string, time: num(r.get('time')) });
        return out;
      }),
    );
    return perSeq.flat();
  }
}
