/**
 * MessageLog on Cassandra, fenced as DESIGN §2 rule 3 describes:
 * - claiming bumps `streams.epoch` (LWT), stamps the epoch on the open bucket partition (LWT), and
 *   only then reads the highest SEQ (`base_seq` of the bucket, or the partition's `head`);
 * - every append is one conditional batch per bucket partition: the rows `IF NOT EXISTS` (a SEQ is
 *   never overwritten) and the static `epoch` checked — one Paxos round per batch, not per entry;
 * - a later bucket is opened only through the ownership row's LWT, so a stale owner cannot open one.
 * An append spanning two buckets commits bucket by bucket: if it fails midway, a prefix of its
 * entries is stored (never a gap, never a SEQ twice); the writer treats that as a failed append.
 * Side tables (roaming index, idempotency keys) are written beside each batch and verified against
 * the entry rows on read, so a failed batch leaves nothing visible.
 * The projection (`stream_projection`, one partition per stream) is written after the entries, only
 * once all their batches applied, as one single-partition batch stamped with its `appliedSeq` as
 * write timestamp (see schema.cql), so writes of successive folds resolve in fold order.
 * Dropping entries (`dropEntries`, in `CassandraEntryDropper`) deletes rows of the bucket partitions
 * by range, which leaves their static `epoch` and `head` (and the `streams` row) as they were; then
 * the projection rows folded through the SEQ dropped.
 */
import type {
  AppendEntry,
  ConversationQuery,
  MessageLog,
  PendingEvent,
  Projection,
  ProjectionRow,
  ProjectionWrite,
  StoredEntry,
  StreamClaim,
} from '../store.ts';
import { StaleEpochError } from '../store.ts';
import { type Cql, type Row, num } from './cql.ts';
import { CassandraEntryDropper } from './cassandra-entry-dropper.ts';

/** Entries per bucket partition (bucket = seq / BUCKET_SIZE). */
export const BUCKET_SIZE = 1000;
const bucketOf = (seq: number): number => Math.floor(seq / BUCKET_SIZE);
/** Partitions of the emission backlog. */
const BACKLOG_SHARDS = 16;
const shardOf = (streamId: string): number => {
  let h = 0;
  for (let i = 0; i < streamId.length; i++) h = (h * 31 + streamId.charCodeAt(i)) | 0;
  return Math.abs(h) % BACKLOG_SHARDS;
};
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** What this process knows about a claim beyond the interface fields. */
interface ClaimState {
  lastBucket: number;
  /** The append in flight: appends of one claim run one after another, so a bucket is opened only after the previous one is complete. */
  tail: Promise<void>;
}

/** Raised when an append would store a SEQ that is already stored. */
export class DuplicateSeqError extends Error {
  constructor(streamId: string, bucket: number) {
    super(`stream ${streamId}: bucket ${bucket} already holds one of the SEQs appended`);
    this.name = 'DuplicateSeqError';
  }
}

const toEntry = (r: Row): StoredEntry => ({
  seq: num(r.get('seq')),
  time: num(r.get('time')),
  payload: r.get('payload') as string,
  flags: num(r.get('flags')),
  expiresAt: num(r.get('expires_at')),
});

/** Seconds of TTL for an absolute expiry (0 = none); at least 1 so an entry is never written without one by accident. */
const ttlOf = (expiresAt: number, now: number): number => (expiresAt === 0 ? 0 : Math.max(1, Math.ceil((expiresAt - now) / 1000)));

export class CassandraMessageLog implements MessageLog {
  readonly #cql: Cql;
  readonly #now: () => number;
  readonly #claims = new WeakMap<StreamClaim, ClaimState>();
  readonly #q: Record<string, string>;
  readonly #dropper: CassandraEntryDropper;

  constructor(cql: Cql, now: () => number) {
    this.#cql = cql;
    this.#now = now;
    this.#dropper = new CassandraEntryDropper(cql);
    const ks = cql.keyspace;
    this.#q = {
      owner: `SELECT epoch, last_bucket, base_seq FROM ${ks}.streams WHERE stream_id = ?`,
      create: `INSERT INTO ${ks}.streams (stream_id, epoch, last_bucket, base_seq, emitted_upto) VALUES (?, 1, 0, 0, 0) IF NOT EXISTS`,
      bump: `UPDATE ${ks}.streams SET epoch = ? WHERE stream_id = ? IF epoch = ?`,
      open: `UPDATE ${ks}.streams SET last_bucket = ?, base_seq = ? WHERE stream_id = ? IF epoch = ?`,
      stampNew: `UPDATE ${ks}.stream_entries SET epoch = ? WHERE stream_id = ? AND bucket = ? IF epoch = null`,
      stampOld: `UPDATE ${ks}.stream_entries SET epoch = ? WHERE stream_id = ? AND bucket = ? IF epoch < ?`,
      partition: `SELECT epoch, head FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? LIMIT 1`,
      newest: `SELECT time FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? ORDER BY seq DESC LIMIT 1`,
      insert: `INSERT INTO ${ks}.stream_entries (stream_id, bucket, seq, time, payload, flags, expires_at, peer, idem_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?`,
      fence: `UPDATE ${ks}.stream_entries SET head = ? WHERE stream_id = ? AND bucket = ? IF epoch = ?`,
      index: `INSERT INTO ${ks}.conversation_index (stream_id, peer, time, seq) VALUES (?, ?, ?, ?) USING TTL ?`,
      idem: `INSERT INTO ${ks}.idempotency (stream_id, idem_key, seq) VALUES (?, ?, ?) USING TTL ?`,
      readAfter: `SELECT seq, time, payload, flags, expires_at FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? AND seq > ? LIMIT ?`,
      readBefore: `SELECT seq, time, payload, flags, expires_at FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      row: `SELECT seq, time, payload, flags, expires_at, peer, idem_key FROM ${ks}.stream_entries WHERE stream_id = ? AND bucket = ? AND seq = ?`,
      update: `UPDATE ${ks}.stream_entries USING TTL ? SET payload = ?, flags = ? WHERE stream_id = ? AND bucket = ? AND seq = ? IF EXISTS`,
      findIdem: `SELECT idem_key, seq FROM ${ks}.idempotency WHERE stream_id = ? AND idem_key IN ?`,
      emitted: `SELECT emitted_upto FROM ${ks}.streams WHERE stream_id = ?`,
      markEmitted: `UPDATE ${ks}.streams SET emitted_upto = ? WHERE stream_id = ?`,
      backlogAdd: `INSERT INTO ${ks}.emission_backlog (shard, stream_id) VALUES (?, ?)`,
      backlogDel: `DELETE FROM ${ks}.emission_backlog WHERE shard = ? AND stream_id = ?`,
      backlog: `SELECT stream_id FROM ${ks}.emission_backlog WHERE shard = ? LIMIT ?`,
      addPending: `INSERT INTO ${ks}.pending_events (stream_id, id, payload) VALUES (?, ?, ?)`,
      readPending: `SELECT id, payload FROM ${ks}.pending_events WHERE stream_id = ? LIMIT ?`,
      removePending: `DELETE FROM ${ks}.pending_events WHERE stream_id = ? AND id = ?`,
      conversation: `SELECT time, seq FROM ${ks}.conversation_index WHERE stream_id = ? AND peer = ? AND (time, seq) < (?, ?) AND (time) >= (?) LIMIT ?`,
      // The projection: every write at the fold's appliedSeq as write timestamp (schema.cql).
      putRow: `INSERT INTO ${ks}.stream_projection (stream_id, key, seq, state) VALUES (?, ?, ?, ?) USING TIMESTAMP ?`,
      deleteRow: `DELETE FROM ${ks}.stream_projection USING TIMESTAMP ? WHERE stream_id = ? AND key = ?`,
      setApplied: `UPDATE ${ks}.stream_projection USING TIMESTAMP ? SET applied_seq = ? WHERE stream_id = ?`,
      projection: `SELECT key, seq, state, applied_seq FROM ${ks}.stream_projection WHERE stream_id = ?`,
    };
  }

  // ---- ownership ------------------------------------------------------------------------------

  async claimStream(streamId: string): Promise<StreamClaim> {
    for (;;) {
      const row = (await this.#serialRead(this.#q.owner, [streamId])).first();
      let epoch: number;
      let lastBucket = 0;
      let baseSeq = 0;
      if (!row) {
        if (!(await this.#cql.run(this.#q.create, [streamId])).wasApplied()) continue;
        epoch = 1;
      } else {
        const current = num(row.get('epoch'));
        epoch = current + 1;
        lastBucket = num(row.get('last_bucket'));
        baseSeq = num(row.get('base_seq'));
        if (!(await this.#cql.run(this.#q.bump, [epoch, streamId, current])).wasApplied()) continue;
      }
      await this.#stamp(streamId, lastBucket, epoch);
      await this.#cql.run(this.#q.backlogAdd, [shardOf(streamId), streamId], true);
      const part = (await this.#serialRead(this.#q.partition, [streamId, lastBucket])).first();
      const newest = (await this.#cql.run(this.#q.newest, [streamId, lastBucket], true)).first();
      const claim: StreamClaim = { streamId, epoch, lastSeq: Math.max(baseSeq, num(part?.get('head'))), lastTime: num(newest?.get('time')) };
      this.#claims.set(claim, { lastBucket, tail: Promise.resolve() });
      return claim;
    }
  }

  /** Makes `epoch` the fence of a bucket partition, unless a newer claim already stamped it. */
  async #stamp(streamId: string, bucket: number, epoch: number): Promise<void> {
    if ((await this.#cql.run(this.#q.stampNew, [epoch, streamId, bucket])).wasApplied()) return;
    await this.#cql.run(this.#q.stampOld, [epoch, streamId, bucket, epoch]);
  }

  #serialRead(query: string, params: unknown[]) {
    return this.#cql.client.execute(query, params, { prepare: true, consistency: this.#cql.options.serialConsistency });
  }

  // ---- appends --------------------------------------------------------------------------------

  /**
   * The entries, then (only if every batch of them applied) the projection, within the claim's
   * serialization: the next append of the claim starts after both. A projection write that fails
   * fails the call, its entries stored (like a prefix of a multi-bucket append).
   */
  async appendEntries(claim: StreamClaim, entries: readonly AppendEntry[], projection?: ProjectionWrite): Promise<void> {
    if (entries.length === 0) return;
    const state = this.#claims.get(claim);
    if (!state) throw new StaleEpochError(claim.streamId, claim.epoch);
    const done = state.tail.then(async () => {
      await this.#append(claim, state, entries);
      if (projection) await this.#project(claim.streamId, projection);
    });
    state.tail = done.catch(() => undefined);
    return done;
  }

  async #append(claim: StreamClaim, state: ClaimState, entries: readonly AppendEntry[]): Promise<void> {
    let start = 0;
    while (start < entries.length) {
      const bucket = bucketOf(entries[start].seq);
      let end = start;
      while (end < entries.length && bucketOf(entries[end].seq) === bucket) end++;
      if (bucket > state.lastBucket) await this.#openBucket(claim, state, bucket, entries[start].seq - 1);
      await this.#appendToBucket(claim, bucket, entries.slice(start, end));
      start = end;
    }
  }

  async #openBucket(claim: StreamClaim, state: ClaimState, bucket: number, baseSeq: number): Promise<void> {
    const rs = await this.#cql.run(this.#q.open, [bucket, baseSeq, claim.streamId, claim.epoch]);
    if (!rs.wasApplied()) throw new StaleEpochError(claim.streamId, claim.epoch);
    await this.#stamp(claim.streamId, bucket, claim.epoch);
    state.lastBucket = bucket;
  }

  async #appendToBucket(claim: StreamClaim, bucket: number, chunk: readonly AppendEntry[]): Promise<void> {
    const { streamId, epoch } = claim;
    const now = this.#now();
    const queries = chunk.map((e) => ({
      query: this.#q.insert,
      params: [streamId, bucket, e.seq, e.time, e.payload, e.flags, e.expiresAt, e.peer ?? '', e.idemKey ?? '', ttlOf(e.expiresAt, now)],
    }));
    queries.push({ query: this.#q.fence, params: [chunk[chunk.length - 1].seq, streamId, bucket, epoch] });
    const { consistency, serialConsistency } = this.#cql.options;
    const batch = this.#cql.client.batch(queries, { prepare: true, consistency, serialConsistency });
    const [rs] = await Promise.all([batch, this.#writeSideTables(streamId, chunk, now)]);
    if (rs.wasApplied()) return;
    const part = (await this.#serialRead(this.#q.partition, [streamId, bucket])).first();
    if (num(part?.get('epoch')) !== epoch) throw new StaleEpochError(streamId, epoch);
    throw new DuplicateSeqError(streamId, bucket);
  }

  /** Roaming index and idempotency rows; harmless if the batch fails (reads verify them). */
  async #writeSideTables(streamId: string, chunk: readonly AppendEntry[], now: number): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const e of chunk) {
      if (e.peer !== undefined) writes.push(this.#cql.run(this.#q.index, [streamId, e.peer, e.time, e.seq, ttlOf(e.expiresAt, now)], true));
      if (e.idemKey !== undefined && e.idemExpiresAt !== undefined && e.idemExpiresAt > now) {
        writes.push(this.#cql.run(this.#q.idem, [streamId, e.idemKey, e.seq, ttlOf(e.idemExpiresAt, now)], true));
      }
    }
    await Promise.all(writes);
  }

  /**
   * One unlogged batch on the stream's projection partition (atomic there): each row put, or deleted
   * for state '', and `applied_seq` set, all at `w.appliedSeq` as write timestamp. A key given twice
   * keeps its last row (writes of one batch share a timestamp, so only one statement per key).
   */
  async #project(streamId: string, w: ProjectionWrite): Promise<void> {
    const ts = w.appliedSeq;
    const last = new Map<string, ProjectionRow>();
    for (const r of w.rows) last.set(r.key, r);
    const queries: { query: string; params: unknown[] }[] = [...last.values()].map((r) =>
      r.state === ''
        ? { query: this.#q.deleteRow, params: [ts, streamId, r.key] }
        : { query: this.#q.putRow, params: [streamId, r.key, r.seq, r.state, ts] },
    );
    queries.push({ query: this.#q.setApplied, params: [ts, w.appliedSeq, streamId] });
    await this.#cql.client.batch(queries, { prepare: true, logged: false, consistency: this.#cql.options.consistency, isIdempotent: true });
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** The partition read whole, page by page; its row with a null key (only the static column set) is no row. */
  async readProjection(streamId: string): Promise<Projection> {
    const rows: ProjectionRow[] = [];
    let appliedSeq = 0;
    for await (const r of await this.#cql.paged(this.#q.projection, [streamId])) {
      appliedSeq = Math.max(appliedSeq, num(r.get('applied_seq')));
      const key = r.get('key') as string | null;
      if (key !== null) rows.push({ key, seq: num(r.get('seq')), state: r.get('state') as string });
    }
    return { rows, appliedSeq };
  }

  async #lastBucket(streamId: string): Promise<{ lastBucket: number; baseSeq: number } | undefined> {
    const row = (await this.#cql.run(this.#q.owner, [streamId])).first();
    return row ? { lastBucket: num(row.get('last_bucket')), baseSeq: num(row.get('base_seq')) } : undefined;
  }

  #live(r: Row, now: number): boolean {
    const exp = num(r.get('expires_at'));
    return r.get('seq') !== null && (exp === 0 || exp > now);
  }

  async readEntries(streamId: string, afterSeq: number, limit: number): Promise<StoredEntry[]> {
    const owner = await this.#lastBucket(streamId);
    if (!owner) return [];
    const now = this.#now();
    const out: StoredEntry[] = [];
    for (let b = bucketOf(afterSeq + 1); b <= owner.lastBucket && out.length < limit; b++) {
      const rs = await this.#cql.run(this.#q.readAfter, [streamId, b, afterSeq, limit - out.length], true);
      for (const r of rs.rows) if (this.#live(r, now)) out.push(toEntry(r));
    }
    return out;
  }

  async readEntriesBefore(streamId: string, beforeSeq: number, limit: number): Promise<StoredEntry[]> {
    const owner = await this.#lastBucket(streamId);
    if (!owner || beforeSeq <= 1) return [];
    const now = this.#now();
    const out: StoredEntry[] = [];
    for (let b = Math.min(bucketOf(beforeSeq - 1), owner.lastBucket); b >= 0 && out.length < limit; b--) {
      const rs = await this.#cql.run(this.#q.readBefore, [streamId, b, beforeSeq, limit - out.length], true);
      for (const r of rs.rows) if (this.#live(r, now)) out.push(toEntry(r));
    }
    return out;
  }

  async headSeqs(streamIds: readonly string[]): Promise<Map<string, number>> {
    const heads = await Promise.all(
      streamIds.map(async (id): Promise<[string, number]> => {
        const owner = await this.#lastBucket(id);
        if (!owner) return [id, 0];
        const part = (await this.#cql.run(this.#q.partition, [id, owner.lastBucket], true)).first();
        return [id, Math.max(owner.baseSeq, num(part?.get('head')))];
      }),
    );
    return new Map(heads);
  }

  async #row(streamId: string, seq: number): Promise<Row | undefined> {
    const r = (await this.#cql.run(this.#q.row, [streamId, bucketOf(seq), seq], true)).first();
    return r && this.#live(r, this.#now()) ? r : undefined;
  }

  async findIdempotent(streamId: string, keys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (keys.length === 0) return out;
    const rs = await this.#cql.run(this.#q.findIdem, [streamId, [...keys]], true);
    await Promise.all(
      rs.rows.map(async (r) => {
        const key = r.get('idem_key') as string;
        const seq = num(r.get('seq'));
        const entry = await this.#row(streamId, seq);
        if (entry?.get('idem_key') === key) out.set(key, seq);
      }),
    );
    return out;
  }

  async updateEntry(streamId: string, seq: number, patch: { payload?: string; flags?: number }): Promise<boolean> {
    const row = await this.#row(streamId, seq);
    if (!row) return false;
    const ttl = ttlOf(num(row.get('expires_at')), this.#now());
    const params = [ttl, patch.payload ?? (row.get('payload') as string), patch.flags ?? num(row.get('flags')), streamId, bucketOf(seq), seq];
    return (await this.#cql.run(this.#q.update, params)).wasApplied();
  }

  async readConversation(q: ConversationQuery): Promise<StoredEntry[]> {
    const upper = q.before && q.before.time <= q.maxTime ? q.before : { time: q.maxTime, seq: MAX_SEQ };
    const now = this.#now();
    const out: StoredEntry[] = [];
    let cursor = upper;
    // Index rows whose entry is gone (expired, or a failed batch) are skipped; keep reading until the page is full.
    for (;;) {
      const rs = await this.#cql.run(this.#q.conversation, [q.streamId, q.peer, cursor.time, cursor.seq, q.minTime, q.limit], true);
      if (rs.rows.length === 0) return out;
      const rows = await Promise.all(rs.rows.map((r) => this.#row(q.streamId, num(r.get('seq')))));
      rs.rows.forEach((idx, i) => {
        const r = rows[i];
        if (r && out.length < q.limit && r.get('peer') === q.peer && num(r.get('time')) === num(idx.get('time')) && this.#live(r, now)) out.push(toEntry(r));
      });
      const last = rs.rows[rs.rows.length - 1];
      cursor = { time: num(last.get('time')), seq: num(last.get('seq')) };
      if (out.length >= q.limit || rs.rows.length < q.limit) return out;
    }
  }

  // ---- event emission -------------------------------------------------------------------------

  async emittedUpto(streamId: string): Promise<number> {
    return num((await this.#cql.run(this.#q.emitted, [streamId], true)).first()?.get('emitted_upto'));
  }

  /** Only the stream's single owner writes its emission position, so a plain write after a read keeps it monotonic. */
  async markEmitted(streamId: string, upto: number, release: boolean): Promise<void> {
    if (upto > (await this.emittedUpto(streamId))) await this.#cql.run(this.#q.markEmitted, [upto, streamId], true);
    if (release) await this.#cql.run(this.#q.backlogDel, [shardOf(streamId), streamId], true);
  }

  /** The events and the stream's backlog row in one logged batch: both are written, or neither. */
  async addPending(streamId: string, events: readonly PendingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const queries: { query: string; params: unknown[] }[] = events.map((e) => ({ query: this.#q.addPending, params: [streamId, e.id, e.payload] }));
    queries.push({ query: this.#q.backlogAdd, params: [shardOf(streamId), streamId] });
    await this.#cql.client.batch(queries, { prepare: true, logged: true, consistency: this.#cql.options.consistency });
  }

  async readPending(streamId: string, limit: number): Promise<PendingEvent[]> {
    const rs = await this.#cql.run(this.#q.readPending, [streamId, limit], true);
    return rs.rows.map((r) => ({ id: r.get('id') as string, payload: r.get('payload') as string }));
  }

  async removePending(streamId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // One partition: an unlogged batch is atomic there and costs no batch log.
    const queries = ids.map((id) => ({ query: this.#q.removePending, params: [streamId, id] }));
    await this.#cql.client.batch(queries, { prepare: true, logged: false, consistency: this.#cql.options.consistency });
  }

  // ---- dropping entries -----------------------------------------------------------------------

  /** Nothing for a stream never claimed (it has neither entries nor a projection). */
  async dropEntries(streamId: string, throughSeq: number): Promise<void> {
    const owner = await this.#lastBucket(streamId);
    if (owner && throughSeq >= 1) await this.#dropper.drop(streamId, throughSeq, Math.min(bucketOf(throughSeq), owner.lastBucket));
  }

  async emissionBacklog(limit: number): Promise<string[]> {
    const out: string[] = [];
    for (let shard = 0; shard < BACKLOG_SHARDS && out.length < limit; shard++) {
      const rs = await this.#cql.run(this.#q.backlog, [shard, limit - out.length], true);
      for (const r of rs.rows) out.push(r.get('stream_id') as string);
    }
    return out;
  }
}
