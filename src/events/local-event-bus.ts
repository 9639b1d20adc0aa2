/**
 * The embedded event bus: a durable log in SQLite (`events.db` in the data dir) with a committed
 * position per consumer group. Publishing is a commit, so an event survives a crash from the moment
 * `publish` resolves. Consumers run in this process; the log is totally ordered, hence ordered per
 * key. One member per group (there is one process).
 *
 * The newest events stay in memory as published (the tail): a consumer that keeps up reads them from
 * there, with no query and no JSON parse per event per group; one that fell behind, or starts after a
 * restart, reads the file until it reaches the tail. Handlers of every group get the same objects, so
 * they must not modify them (they are typed readonly).
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Logger } from 'pino';
import { type Checkpointer, checkpointInBackground } from '../../storage/sqlite/checkpointer.ts';
import type { BusRecord, EventBus, EventHandler, SubscribeOptions, Subscription } from '../im/event-bus.ts';
import type { ParleyEvent } from '../protocol/events.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  key      TEXT NOT NULL,
  time     INTEGER NOT NULL,
  payload  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS consumer_positions (
  grp       TEXT PRIMARY KEY,
  committed INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface LocalEventBusOptions {
  /** File path, or ':memory:' for tests. */
  readonly file: string;
  /** Events older than this are deleted, committed or not, ms. */
  readonly retentionMs: number;
  /** Largest batch handed to a handler. */
  readonly batchSize?: number;
  readonly log: Logger;
  readonly now?: () => number;
  /** Checkpoint the WAL on a worker thread every this many ms (0 or unset = SQLite's own, in-commit). */
  readonly checkpointEveryMs?: number;
}

/** How long a woken consumer waits for more events before reading, ms. */
const COALESCE_MS = 5;

/** Events kept in memory for consumers that keep up (about a second of a busy node's events). */
const TAIL_EVENTS = 8192;

/**
 * A group's position is written at most this often, ms, and when it stops: one write per handled
 * batch was a write per group every few ms on the event loop. A crash re-delivers at most this
 * long of a group's events (delivery is at least once).
 */
const POSITION_EVERY_MS = 250;

/** A failing handler is retried after this long, doubling up to the cap, ms. */
const RETRY_MS = [100, 200, 500, 1000, 2000, 5000];

export class LocalEventBus<E extends BusRecord = ParleyEvent> implements EventBus<E> {
  readonly #db: BetterSqlite3.Database;
  readonly #o: LocalEventBusOptions;
  /** Wakes consumers waiting for new events; one waiter per running subscription. */
  readonly #waiters = new Set<() => void>();
  readonly #groups = new Set<string>();
  readonly #purge: NodeJS.Timeout;
  readonly #insert: BetterSqlite3.Statement;
  readonly #checkpointer: Checkpointer | undefined;
  /** Publishes waiting for the next commit (at most one turn of the event loop). */
  #pending: { events: readonly E[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #flushing: NodeJS.Immediate | undefined;
  /** The newest committed events, in position order without a gap: `#tail[i]` is at position `#tailStart + i`. */
  #tail: E[] = [];
  #tailStart = 0;

  constructor(o: LocalEventBusOptions) {
    this.#o = o;
    this.#db = new BetterSqlite3(o.file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#checkpointer = checkpointInBackground(this.#db, o.file, o.checkpointEveryMs);
    this.#db.exec(SCHEMA);
    this.#insert = this.#db.prepare('INSERT INTO events (key, time, payload) VALUES (?, ?, ?)');
    this.#purge = setInterval(() => this.#deleteExpired(), 60_000).unref();
  }

  /**
   * Publishes are group-committed like appends: calls within one turn of the event loop share one
   * transaction (every actor publishes after each of its commits; one transaction each was a tenth
   * of a busy server's time). Resolves once committed.
   */
  publish(events: readonly E[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ events, resolve, reject });
      this.#flushing ??= setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    this.#flushing = undefined;
    const batch = this.#pending;
    this.#pending = [];
    let first = 0;
    let last = 0;
    let count = 0;
    try {
      this.#db.transaction(() => {
        for (const p of batch)
          for (const e of p.events) {
            last = Number(this.#insert.run(e.key, e.time, JSON.stringify(e)).lastInsertRowid);
            first ||= last;
            count++;
          }
      })();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    // One writer, so a batch takes consecutive positions; were it ever not so, the tail starts over after it.
    if (last - first + 1 === count) this.#keep(first, batch);
    else this.#restartTail(last + 1);
    for (const p of batch) p.resolve();
    for (const wake of this.#waiters) wake();
  }

  /** Appends a committed batch, first at position `first`, to the tail (restarting it should positions not follow on). */
  #keep(first: number, batch: readonly { events: readonly E[] }[]): void {
    if (this.#tailStart + this.#tail.length !== first) this.#restartTail(first);
    for (const p of batch) for (const e of p.events) this.#tail.push(e);
    if (this.#tail.length > 2 * TAIL_EVENTS) {
      const drop = this.#tail.length - TAIL_EVENTS;
      this.#tail = this.#tail.slice(drop);
      this.#tailStart += drop;
    }
  }

  #restartTail(at: number): void {
    this.#tail = [];
    this.#tailStart = at;
  }

  /** Events after `committed`, at most `limit`, from the tail, or undefined if they are not all in it. */
  #fromTail(committed: number, limit: number): { position: number; events: E[] } | undefined {
    const from = committed + 1 - this.#tailStart;
    if (from < 0 || this.#tail.length === 0) return undefined;
    const events = this.#tail.slice(from, from + limit);
    return { position: committed + events.length, events };
  }

  async subscribe(handler: EventHandler<E>, o: SubscribeOptions): Promise<Subscription> {
    if (this.#groups.has(o.group)) throw new Error(`consumer group ${o.group} already has a member in this process`);
    this.#groups.add(o.group);
    const row = this.#db.prepare('SELECT committed FROM consumer_positions WHERE grp = ?').get(o.group) as { committed: number } | undefined;
    let committed = row?.committed ?? (o.from === 'latest' ? this.#head() : 0);
    let written = committed;
    let writtenAt = 0;
    let stopped = false;
    let wake: () => void = () => undefined;
    const read = this.#db.prepare('SELECT position, payload FROM events WHERE position > ? ORDER BY position LIMIT ?');
    const commit = this.#db.prepare('INSERT INTO consumer_positions (grp, committed) VALUES (?, ?) ON CONFLICT (grp) DO UPDATE SET committed = excluded.committed');
    const now = this.#o.now ?? Date.now;
    /** A write of the position still due (the group went idle within the interval). */
    let due: NodeJS.Timeout | undefined;
    const writePosition = (): void => {
      clearTimeout(due);
      due = undefined;
      if (written === committed) return;
      commit.run(o.group, committed);
      written = committed;
      writtenAt = now();
    };
    /** Writes the position now if the last write is old enough, else once it is (unless written before). */
    const notePosition = (): void => {
      const wait = writtenAt + POSITION_EVERY_MS - now();
      if (wait <= 0) writePosition();
      else due ??= setTimeout(() => stopped || writePosition(), wait).unref();
    };

    const loop = (async () => {
      for (let failures = 0; !stopped; ) {
        const limit = this.#o.batchSize ?? 500;
        const batch = this.#fromTail(committed, limit) ?? this.#read(read, committed, limit);
        if (batch.events.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.#waiters.add(resolve);
          });
          this.#waiters.delete(wake);
          // Let publishes of the next few ms join this batch: fewer, larger reads and commits.
          if (!stopped) await new Promise((r) => setTimeout(r, COALESCE_MS));
          continue;
        }
        try {
          await handler(batch.events);
          committed = batch.position;
          notePosition();
          failures = 0;
        } catch (e) {
          this.#o.log.warn({ err: e, group: o.group }, 'event handler failed; redelivering');
          await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]));
        }
      }
    })();

    return {
      stop: async () => {
        stopped = true;
        wake();
        await loop;
        writePosition();
        this.#groups.delete(o.group);
      },
      lag: async () => this.#head() - committed,
    };
  }

  #read(read: BetterSqlite3.Statement, committed: number, limit: number): { position: number; events: E[] } {
    const rows = read.all(committed, limit) as { position: number; payload: string }[];
    return { position: rows.at(-1)?.position ?? committed, events: rows.map((r) => JSON.parse(r.payload) as E) };
  }

  #head(): number {
    return (this.#db.prepare('SELECT max(position) AS p FROM events').get() as { p: number | null }).p ?? 0;
  }

  #deleteExpired(): void {
    const now = (this.#o.now ?? Date.now)();
    this.#db.prepare('DELETE FROM events WHERE time < ?').run(now - this.#o.retentionMs);
  }

  async close(): Promise<void> {
    clearInterval(this.#purge);
    if (this.#flushing) {
      clearImmediate(this.#flushing);
      this.#flush();
    }
    await this.#checkpointer?.stop();
    this.#db.close();
  }
}
