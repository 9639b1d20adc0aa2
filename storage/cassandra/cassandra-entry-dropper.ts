/**
 * `MessageLog.dropEntries` on Cassandra: deletes a stream's entries through a SEQ with their
 * roaming-index and idempotency rows, leaving the bucket partitions' static `epoch` and `head`,
 * and the projection rows folded through that SEQ.
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
      projectionRows: `SELECT key, seq, writetime(state) AS written FROM ${ks}.stream_projection WHERE stream_id = ?`,
      dropRow: `DELETE FROM ${ks}.stream_projection USING TIMESTAMP ? WHERE stream_id = ? AND key = ?`,
      // At throughSeq as write timestamp, like every projection write (schema.cql).
      raiseApplied: `UPDATE ${ks}.stream_projection USING TIMESTAMP ? SET applied_seq = ? WHERE stream_id = ?`,
    };
  }

  /**
   * Buckets 0 to `lastBucket` (the one holding `throughSeq`, or the stream's last if lower), oldest
   * first: a bucket's doomed rows are read for their roaming-index keys, those index rows deleted,
   * then the rows by one range delete; last, the idempotency rows of dropped SEQs. A crash midway
   * leaves entries of a bucket unindexed, or idempotency rows of deleted entries (which
   * findIdempotent checks against the entries and skips), or projection rows of deleted entries
   * with `applied_seq` below `throughSeq`; calling again finishes the job.
   */
  async drop(streamId: string, throughSeq: number, lastBucket: number): Promise<void> {
    for (let b = 0; b <= lastBucket; b++) await this.#dropBucket(streamId, b, throughSeq);
    await this.#dropIdempotency(streamId, throughSeq);
    await this.#dropProjection(streamId, throughSeq);
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

  /**
   * The projection partition (a few thousand rows at most) is read whole; each row with SEQ ≤
   * `throughSeq` is deleted as of its own write time (the `appliedSeq` of the append that wrote it,
   * which may be above `throughSeq`), so a row written again since, by a later fold, stays. Then, in
   * the last batch, `applied_seq` is set to `throughSeq` at `throughSeq` as write timestamp: one
   * already higher has the higher timestamp and stays, so it becomes the larger of the two without
   * a conditional write.
   */
  async #dropProjection(streamId: string, throughSeq: number): Promise<void> {
    const queries: { query: string; params: unknown[] }[] = [];
    for await (const r of await this.#cql.paged(this.#q.projectionRows, [streamId])) {
      const key = r.get('key') as string | null;
      if (key !== null && num(r.get('seq')) <= throughSeq) queries.push({ query: this.#q.dropRow, params: [r.get('written'), streamId, key] });
    }
    queries.push({ query: this.#q.raiseApplied, params: [throughSeq, throughSeq, streamId] });
    await this.#unloggedBatches(queries);
  }

  /** Deletes of one partition, BATCH_DELETES to a batch. */
  async #unloggedDeletes(query: string, params: readonly unknown[][]): Promise<void> {
    await this.#unloggedBatches(params.map((p) => ({ query, params: p })));
  }

  /** Idempotent writes of one partition, in order, BATCH_DELETES to an unlogged batch. */
  async #unloggedBatches(queries: readonly { query: string; params: unknown[] }[]): Promise<void> {
    const { consistency } = this.#cql.options;
    for (let i = 0; i < queries.length; i += BATCH_DELETES) {
      await this.#cql.client.batch(queries.slice(i, i + BATCH_DELETES), { prepare: true, logged: false, consistency, isIdempotent: true });
    }
  }
}
