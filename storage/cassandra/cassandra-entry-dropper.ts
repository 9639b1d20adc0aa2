/**
 * `MessageLog.dropEntries` on Cassandra: deletes a stream's entries through a SEQ with their
 * roaming-index and idempotency rows, leaving the bucket partitions' static `epoch` and `head`.
 */
import { type Cql, type Row, num } from './cql.ts';

/** Deletes in one unlogged batch at most (one partition each: atomic there, no batch log). */
const BATCH_DELETES = 100;

export class CassandraEntryDropper {
  readonly #cql: Cql;
  readonly #q: Record<string, string>;

  constructor(cql: Cql) {
    this.#cql = cql;
    const ks = cql.keyspace;
    this.#q = {
      doomed: `SELECT seq, time, peer FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? AND seq <= ?`,
      // A range of clustering rows: static columns stay.
      dropRange: `DELETE FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? AND seq <= ?`,
      dropIndex: `DELETE FROM ${ks}.conversation_index WHERE stream_id = ? AND peer = ? AND time = ? AND seq = ?`,
      idemRows: `SELECT idem_key, seq, writetime(seq) AS written FROM ${ks}.idempotency WHERE stream_id = ?`,
      dropIdem: `DELETE FROM ${ks}.idempotency USING TIMESTAMP ? WHERE stream_id = ? AND idem_key = ?`,
    };
  }

  /**
   * Buckets 0 to `lastBucket` (the one holding `throughSeq`, or the stream's last if lower), oldest
   * first: a bucket's doomed rows are read for their roaming-index keys, those index rows deleted,
   * then the rows by one range delete; last, the idempotency rows of dropped SEQs. A crash midway
   * leaves entries of a bucket unindexed, or idempotency rows of deleted entries (which
   * findIdempotent checks against the entries and skips); calling again finishes the job.
   */
  async drop(streamId: string, throughSeq: number, lastBucket: number): Promise<void> {
    for (let b = 0; b <= lastBucket; b++) await this.#dropBucket(streamId, b, throughSeq);
    await this.#dropIdempotency(streamId, throughSeq);
  }

  async #dropBucket(streamId: string, bucket: number, throughSeq: number): Promise<void> {
    const doomed: Row[] = [];
    for await (const r of await this.#cql.paged(this.#q.doomed, [streamId, bucket, throughSeq])) if (r.get('seq') !== null) doomed.push(r);
    if (doomed.length === 0) return;
    const byPeer = new Map<string, unknown[][]>();
    for (const r of doomed) {
      const peer = r.get('peer') as string | null;
      if (!peer) continue;
      const keys = byPeer.get(peer) ?? [];
      keys.push([streamId, peer, r.get('time'), r.get('seq')]);
      byPeer.set(peer, keys);
    }
    await Promise.all([...byPeer.values()].map((keys) => this.#unloggedDeletes(this.#q.dropIndex, keys)));
    await this.#cql.run(this.#q.dropRange, [streamId, bucket, throughSeq], true);
  }

  /**
   * The stream's idempotency partition holds only keys within their window (TTL), so it is read
   * whole; each row of a dropped SEQ is deleted as of its own write time, so a key written again
   * since, for a later entry, stays.
   */
  async #dropIdempotency(streamId: string, throughSeq: number): Promise<void> {
    const keys: unknown[][] = [];
    for await (const r of await this.#cql.paged(this.#q.idemRows, [streamId])) {
      if (num(r.get('seq')) <= throughSeq) keys.push([r.get('written'), streamId, r.get('idem_key')]);
    }
    await this.#unloggedDeletes(this.#q.dropIdem, keys);
  }

  /** Deletes of one partition, BATCH_DELETES to a batch. */
  async #unloggedDeletes(query: string, params: readonly unknown[][]): Promise<void> {
    const { consistency } = this.#cql.options;
    for (let i = 0; i < params.length; i += BATCH_DELETES) {
      const queries = params.slice(i, i + BATCH_DELETES).map((p) => ({ query, params: p }));
      await this.#cql.client.batch(queries, { prepare: true, logged: false, consistency, isIdempotent: true });
    }
  }
}
