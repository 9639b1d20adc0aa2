/**
 * MessageLog on SQLite. Appends from all streams are group-committed: calls made within
 * `groupCommitMs` share one transaction, each call in its own savepoint so one stale claim fails
 * alone. The epoch check and the inserts run in that transaction, so a stale owner writes nothing.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  type PendingEvent,
  type AppendEntry,
  type ConversationQuery,
  type MessageLog,
  type Projection,
  type ProjectionWrite,
  type StoredEntry,
  type StreamClaim,
  StaleEpochError,
} from '../store.ts';
import { INSERT_PENDING } from './schema.ts';

interface PendingAppend {
  readonly claim: StreamClaim;
  readonly entries: readonly AppendEntry[];
  readonly projection: ProjectionWrite | undefined;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

interface EntryRow {
  seq: number;
  time: number;
  payload: string;
  flags: number;
  expires_at: number;
}

const toEntry = (r: EntryRow): StoredEntry => ({
  seq: r.seq,
  time: r.time,
  payload: r.payload,
  flags: r.flags,
  expiresAt: r.expires_at,
});

export interface SqliteMessageLogOptions {
  /** Longest wait before pending appends are committed, ms; 0 = at the next turn of the event loop. */
  readonly groupCommitMs: number;
  readonly now: () => number;
}

export class SqliteMessageLog implements MessageLog {
  readonly #db: Database;
  readonly #opts: SqliteMessageLogOptions;
  /** Appends waiting for the next commit; unbounded, but each caller awaits its own, so it drains every commit. */
  #pending: PendingAppend[] = [];
  #flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  readonly #sql: Record<string, Statement>;

  constructor(db: Database, opts: SqliteMessageLogOptions) {
    this.#db = db;
    this.#opts = opts;
    this.#sql = {
      claim: db.prepare(
        `INSERT INTO streams (stream_id, epoch) VALUES (?, 1)
         ON CONFLICT (stream_id) DO UPDATE SET epoch = epoch + 1 RETURNING epoch, last_seq`,
      ),
      maxSeq: db.prepare('SELECT max(seq) AS seq FROM entries WHERE stream_id = ?'),
      lastTime: db.prepare('SELECT time FROM entries WHERE stream_id = ? ORDER BY seq DESC LIMIT 1'),
      owner: db.prepare('SELECT epoch FROM streams WHERE stream_id = ?'),
      setLast: db.prepare('UPDATE streams SET last_seq = ? WHERE stream_id = ? AND last_seq < ?'),
      insert: db.prepare(
        'INSERT INTO entries (stream_id, seq, time, payload, flags, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      index: db.prepare(
        'INSERT OR REPLACE INTO conversation_index (stream_id, peer, time, seq, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      idem: db.prepare(
        'INSERT OR REPLACE INTO idempotency (stream_id, idem_key, seq, expires_at) VALUES (?, ?, ?, ?)',
      ),
      read: db.prepare(
        `SELECT seq, time, payload, flags, expires_at FROM entries
         WHERE stream_id = ? AND seq > ? AND (expires_at = 0 OR expires_at > ?) ORDER BY seq LIMIT ?`,
      ),
      readBefore: db.prepare(
        `SELECT seq, time, payload, flags, expires_at FROM entries
         WHERE stream_id = ? AND seq < ? AND (expires_at = 0 OR expires_at > ?) ORDER BY seq DESC LIMIT ?`,
      ),
      head: db.prepare('SELECT last_seq FROM streams WHERE stream_id = ?'),
      putRow: db.prepare('INSERT OR REPLACE INTO projections (stream_id, key, seq, state) VALUES (?, ?, ?, ?)'),
      deleteRow: db.prepare('DELETE FROM projections WHERE stream_id = ? AND key = ?'),
      // The head and the projection's position in one statement, for appends that carry a projection.
      setLastProjected: db.prepare('UPDATE streams SET last_seq = max(last_seq, ?), projected_upto = max(projected_upto, ?) WHERE stream_id = ?'),
      setProjected: db.prepare('UPDATE streams SET projected_upto = ? WHERE stream_id = ? AND projected_upto < ?'),
      projected: db.prepare('SELECT projected_upto FROM streams WHERE stream_id = ?'),
      projection: db.prepare('SELECT key, seq, state FROM projections WHERE stream_id = ?'),
      dropProjection: db.prepare('DELETE FROM projections WHERE stream_id = ? AND seq <= ?'),
      findIdem: db.prepare(
        'SELECT seq FROM idempotency WHERE stream_id = ? AND idem_key = ? AND expires_at > ?',
      ),
      update: db.prepare(
        `UPDATE entries SET payload = coalesce(?, payload), flags = coalesce(?, flags)
         WHERE stream_id = ? AND seq = ? AND (expires_at = 0 OR expires_at > ?)`,
      ),
      emitted: db.prepare('SELECT emitted_upto FROM streams WHERE stream_id = ?'),
      markEmitted: db.prepare('UPDATE streams SET emitted_upto = ? WHERE stream_id = ? AND emitted_upto < ?'),
      backlog: db.prepare(
        `SELECT stream_id FROM streams WHERE emitted_upto < last_seq
         UNION SELECT DISTINCT stream_id FROM pending_events LIMIT ?`,
      ),
      addPending: db.prepare(INSERT_PENDING),
      readPending: db.prepare('SELECT id, payload FROM pending_events WHERE stream_id = ? LIMIT ?'),
      removePending: db.prepare('DELETE FROM pending_events WHERE stream_id = ? AND id = ?'),
      // The head moves into streams.last_seq before the entries go (a file from before last_seq may hold it only in them).
      keepHead: db.prepare(
        `UPDATE streams SET last_seq = max(last_seq, (SELECT coalesce(max(seq), 0) FROM entries WHERE stream_id = @streamId))
         WHERE stream_id = @streamId`,
      ),
      dropEntries: db.prepare('DELETE FROM entries WHERE stream_id = ? AND seq <= ?'),
      dropIndex: db.prepare('DELETE FROM conversation_index WHERE stream_id = ? AND seq <= ?'),
      dropIdem: db.prepare('DELETE FROM idempotency WHERE stream_id = ? AND seq <= ?'),
      conversation: db.prepare(
        `SELECT e.seq, e.time, e.payload, e.flags, e.expires_at FROM conversation_index c
         JOIN entries e ON e.stream_id = c.stream_id AND e.seq = c.seq
         WHERE c.stream_id = ? AND c.peer = ? AND c.time >= ? AND c.time <= ?
           AND (c.time < ? OR (c.time = ? AND c.seq < ?))
           AND (e.expires_at = 0 OR e.expires_at > ?)
         ORDER BY c.time DESC, c.seq DESC LIMIT ?`,
      ),
    };
  }

  async claimStream(streamId: string): Promise<StreamClaim> {
    return this.#db.transaction(() => {
      const row = this.#sql.claim.get(streamId) as { epoch: number; last_seq: number };
      const stored = (this.#sql.maxSeq.get(streamId) as { seq: number | null }).seq ?? 0;
      const last = this.#sql.lastTime.get(streamId) as { time: number } | undefined;
      return { streamId, epoch: row.epoch, lastSeq: Math.max(row.last_seq, stored), lastTime: last?.time ?? 0 };
    })();
  }

  appendEntries(claim: StreamClaim, entries: readonly AppendEntry[], projection?: ProjectionWrite): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ claim, entries, projection, resolve, reject });
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    const ms = this.#opts.groupCommitMs;
    this.#flushTimer = ms > 0 ? setTimeout(() => this.flush(), ms) : setImmediate(() => this.flush());
  }

  /** Commits every pending append now (also used at close). */
  flush(): void {
    this.#flushTimer = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const outcomes: unknown[] = new Array(batch.length);
    try {
      // The common case: one transaction for the whole batch; stale claims are skipped, not failed inside it.
      this.#db.transaction(() => {
        for (let i = 0; i < batch.length; i++) {
          outcomes[i] = this.#staleness(batch[i]);
          if (outcomes[i] === undefined) this.#write(batch[i]);
        }
      })();
    } catch {
      // Something broke the batch (e.g. a SEQ already stored): redo it one append per transaction,
      // so only the culprit fails.
      for (let i = 0; i < batch.length; i++) {
        try {
          this.#db.transaction(() => {
            const stale = this.#staleness(batch[i]);
            if (stale) throw stale;
            this.#write(batch[i]);
          })();
          outcomes[i] = undefined;
        } catch (e) {
          outcomes[i] = e;
        }
      }
    }
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i];
      if (outcome === undefined) batch[i].resolve();
      else batch[i].reject(outcome);
    }
  }

  /** The error an append gets because its claim no longer owns the stream; undefined if it does. */
  #staleness(p: PendingAppend): StaleEpochError | undefined {
    const { streamId, epoch } = p.claim;
    const owner = this.#sql.owner.get(streamId) as { epoch: number } | undefined;
    return !owner || owner.epoch !== epoch ? new StaleEpochError(streamId, epoch) : undefined;
  }

  #write(p: PendingAppend): void {
    const streamId = p.claim.streamId;
    let last = 0;
    for (const e of p.entries) {
      this.#sql.insert.run(streamId, e.seq, e.time, e.payload, e.flags, e.expiresAt);
      if (e.peer !== undefined) this.#sql.index.run(streamId, e.peer, e.time, e.seq, e.expiresAt);
      if (e.idemKey !== undefined) this.#sql.idem.run(streamId, e.idemKey, e.seq, e.idemExpiresAt ?? 0);
      if (e.seq > last) last = e.seq;
    }
    if (p.projection) {
      this.#project(streamId, p.projection);
      this.#sql.setLastProjected.run(last, p.projection.appliedSeq, streamId);
    } else {
      this.#sql.setLast.run(last, streamId, last);
    }
  }

  #project(streamId: string, w: ProjectionWrite): void {
    for (const r of w.rows) {
      if (r.state === '') this.#sql.deleteRow.run(streamId, r.key);
      else this.#sql.putRow.run(streamId, r.key, r.seq, r.state);
    }
  }

  async readProjection(streamId: string): Promise<Projection> {
    return this.#db.transaction(() => {
      const rows = this.#sql.projection.all(streamId) as { key: string; seq: number; state: string }[];
      const upto = this.#sql.projected.get(streamId) as { projected_upto: number } | undefined;
      return { rows, appliedSeq: upto?.projected_upto ?? 0 };
    })();
  }

  async readEntries(streamId: string, afterSeq: number, limit: number): Promise<StoredEntry[]> {
    return (this.#sql.read.all(streamId, afterSeq, this.#opts.now(), limit) as EntryRow[]).map(toEntry);
  }

  async readEntriesBefore(streamId: string, beforeSeq: number, limit: number): Promise<StoredEntry[]> {
    return (this.#sql.readBefore.all(streamId, beforeSeq, this.#opts.now(), limit) as EntryRow[]).map(toEntry);
  }

  async headSeqs(streamIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const id of streamIds) {
      const row = this.#sql.head.get(id) as { last_seq: number } | undefined;
      out.set(id, row?.last_seq ?? 0);
    }
    return out;
  }

  async findIdempotent(streamId: string, keys: readonly string[]): Promise<Map<string, number>> {
    const now = this.#opts.now();
    const out = new Map<string, number>();
    for (const key of keys) {
      const row = this.#sql.findIdem.get(streamId, key, now) as { seq: number } | undefined;
      if (row) out.set(key, row.seq);
    }
    return out;
  }

  async updateEntry(streamId: string, seq: number, patch: { payload?: string; flags?: number }): Promise<boolean> {
    const r = this.#sql.update.run(patch.payload ?? null, patch.flags ?? null, streamId, seq, this.#opts.now());
    return r.changes > 0;
  }

  async readConversation(q: ConversationQuery): Promise<StoredEntry[]> {
    const beforeTime = q.before?.time ?? Number.MAX_SAFE_INTEGER;
    const beforeSeq = q.before?.seq ?? Number.MAX_SAFE_INTEGER;
    const rows = this.#sql.conversation.all(
      q.streamId, q.peer, q.minTime, q.maxTime, beforeTime, beforeTime, beforeSeq, this.#opts.now(), q.limit,
    ) as EntryRow[];
    return rows.map(toEntry);
  }

  async emittedUpto(streamId: string): Promise<number> {
    return (this.#sql.emitted.get(streamId) as { emitted_upto: number } | undefined)?.emitted_upto ?? 0;
  }

  async markEmitted(streamId: string, upto: number): Promise<void> {
    this.#sql.markEmitted.run(upto, streamId, upto);
  }

  async addPending(streamId: string, events: readonly PendingEvent[]): Promise<void> {
    this.#db.transaction(() => {
      for (const e of events) this.#sql.addPending.run(streamId, e.id, e.payload);
    })();
  }

  async readPending(streamId: string, limit: number): Promise<PendingEvent[]> {
    return this.#sql.readPending.all(streamId, limit) as PendingEvent[];
  }

  async removePending(streamId: string, ids: readonly string[]): Promise<void> {
    this.#db.transaction(() => {
      for (const id of ids) this.#sql.removePending.run(streamId, id);
    })();
  }

  /** One transaction; the stream's row, with its head (last_seq) and epoch, stays. */
  async dropEntries(streamId: string, throughSeq: number): Promise<void> {
    this.#db.transaction(() => {
      this.#sql.keepHead.run({ streamId });
      this.#sql.dropEntries.run(streamId, throughSeq);
      this.#sql.dropIndex.run(streamId, throughSeq);
      this.#sql.dropIdem.run(streamId, throughSeq);
      this.#sql.dropProjection.run(streamId, throughSeq);
      this.#sql.setProjected.run(throughSeq, streamId, throughSeq);
    })();
  }

  /** In SQLite the backlog is every stream whose emission is behind its head, or that has pending events. */
  async emissionBacklog(limit: number): Promise<string[]> {
    return (this.#sql.backlog.all(limit) as { stream_id: string }[]).map((r) => r.stream_id);
  }

  /** Deletes expired entries, index rows and idempotency keys; returns how many entries went. */
  purgeExpired(now: number): number {
    const n = this.#db.prepare('DELETE FROM entries WHERE expires_at > 0 AND expires_at <= ?').run(now).changes;
    this.#db.prepare('DELETE FROM conversation_index WHERE expires_at > 0 AND expires_at <= ?').run(now);
    this.#db.prepare('DELETE FROM idempotency WHERE expires_at <= ?').run(now);
    return n;
  }
}
