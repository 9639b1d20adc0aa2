/**
 * The single writer of one stream, held by the actor that claimed it. Writes queue up while a
 * commit is in flight and go out together in the next one (one append in flight per stream), so
 * SEQs are assigned in memory, in order, without gaps: a batch that fails to commit fails with
 * every write queued behind it, and the writer is dead from then on (the actor passivates; the
 * next activation re-claims the stream and reads the highest stored SEQ).
 *
 * Idempotency: a write with a key already written within the window resolves to the original
 * SEQ and writes nothing. Keys written by this writer are remembered in memory for the window;
 * keys from before the claim are looked up in the store during the first window after the claim.
 */
import type { AppendEntry, MessageLog, ProjectionWrite, StoredEntry, StreamClaim } from '../storage/store.ts';

/** Idempotency keys remembered in memory per stream; older ones are looked up in the store. */
const MAX_RECENT = 50_000;

export interface WriteRequest<T> {
  readonly idemKey?: string;
  /** Builds the entry once its SEQ is known; `value` is handed back to the caller. */
  readonly make: (seq: number) => { readonly entry: AppendEntry; readonly value: T };
}

export type WriteOutcome<T> =
  | { readonly duplicate: false; readonly seq: number; readonly value: T }
  | { readonly duplicate: true; readonly seq: number; readonly original: StoredEntry | undefined };

export interface StreamWriterOptions {
  readonly dedupWindowMs: number;
  /** Largest number of writes committed together. */
  readonly maxBatch: number;
  /** Writes allowed to wait; beyond it `write` rejects at once. */
  readonly maxQueue: number;
  readonly now: () => number;
  /** Called once when a commit fails; the writer rejects everything from then on. */
  readonly onFatal: (error: unknown) => void;
  /** Told of each successful commit: entries written and how long the store took, seconds. */
  readonly onCommit?: (entries: number, seconds: number) => void;
  /** Told of what each successful commit stored: SEQ and value of each new entry, ascending. */
  readonly onCommitted?: (items: readonly { seq: number; value: unknown }[]) => void;
  /**
   * Folds the new entries of a batch, ascending, into the stream's projection before they are
   * appended, and answers the rows to store with them. If the append fails the writer dies with
   * the folded state: the actor passivates and its next activation loads the projection again.
   */
  readonly project?: (items: readonly { seq: number; value: unknown }[]) => ProjectionWrite | undefined;
}

interface Queued {
  readonly req: WriteRequest<unknown>;
  readonly resolve: (o: WriteOutcome<unknown>) => void;
  readonly reject: (e: unknown) => void;
}

export class WriterClosedError extends Error {
  constructor(streamId: string, cause?: unknown) {
    super(`writer of ${streamId} is closed`, { cause });
    this.name = 'WriterClosedError';
  }
}

export class StreamWriter {
  readonly #log: MessageLog;
  readonly #claim: StreamClaim;
  readonly #opts: StreamWriterOptions;
  #lastSeq: number;
  #durableSeq: number;
  #queue: Queued[] = [];
  #writing = false;
  /** Callers of `settled`, resolved when the queue next runs dry. */
  #settling: (() => void)[] = [];
  #dead: unknown = undefined;
  /** idemKey → SEQ and when it was written, for keys written by this writer within the window; at most MAX_RECENT. */
  readonly #recent = new Map<string, { seq: number; at: number }>();
  /** Until this time, keys may be missing from #recent (before the claim, or evicted when it was full): ask the store. */
  #askStoreUntil: number;

  constructor(log: MessageLog, claim: StreamClaim, opts: StreamWriterOptions) {
    this.#log = log;
    this.#claim = claim;
    this.#opts = opts;
    // Keys stored before this claim expire within a window of the stream's newest entry; a new
    // stream has none. When the adapter cannot tell, assume the newest entry is from just now.
    const newest = claim.lastSeq === 0 ? undefined : claim.lastTime || opts.now();
    this.#askStoreUntil = newest === undefined ? 0 : newest + opts.dedupWindowMs;
    this.#lastSeq = claim.lastSeq;
    this.#durableSeq = claim.lastSeq;
  }

  get streamId(): string {
    return this.#claim.streamId;
  }

  /** Highest SEQ known to be committed. */
  get durableSeq(): number {
    return this.#durableSeq;
  }

  /** Whether all writes so far have committed and nothing waits. */
  get idle(): boolean {
    return !this.#writing && this.#queue.length === 0;
  }

  write<T>(req: WriteRequest<T>): Promise<WriteOutcome<T>> {
    if (this.#dead !== undefined) return Promise.reject(new WriterClosedError(this.streamId, this.#dead));
    if (this.#queue.length >= this.#opts.maxQueue) return Promise.reject(new WriterClosedError(this.streamId, 'queue full'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ req, resolve: resolve as (o: WriteOutcome<unknown>) => void, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && this.#dead === undefined) {
        const batch = this.#queue.splice(0, this.#opts.maxBatch);
        await this.#commit(batch);
      }
    } finally {
      this.#writing = false;
      const settling = this.#settling;
      this.#settling = [];
      for (const resolve of settling) resolve();
    }
  }

  /** Resolves once every write queued so far has committed or failed; never rejects. */
  settled(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#settling.push(resolve));
  }

  async #commit(batch: Queued[]): Promise<void> {
    const now = this.#opts.now();
    this.#pruneRecent(now);
    let known: Map<string, number>;
    try {
      known = await this.#storedKeys(batch, now);
    } catch (e) {
      for (const q of batch) q.reject(e);
      return;
    }
    const entries: AppendEntry[] = [];
    const results: (WriteOutcome<unknown> | undefined)[] = [];
    const inBatch = new Map<string, number>();
    let seq = this.#lastSeq;
    for (const q of batch) {
      const key = q.req.idemKey;
      const earlier = key === undefined ? undefined : (known.get(key) ?? this.#recent.get(key)?.seq ?? inBatch.get(key));
      if (earlier !== undefined) {
        results.push({ duplicate: true, seq: earlier, original: undefined });
        continue;
      }
      const built = q.req.make(++seq);
      entries.push(built.entry);
      if (key !== undefined) inBatch.set(key, seq);
      results.push({ duplicate: false, seq, value: built.value });
    }
    const started = performance.now();
    try {
      const fresh = this.#opts.project ? newItems(results) : [];
      const projection = fresh.length > 0 ? this.#opts.project?.(fresh) : undefined;
      await this.#log.appendEntries(this.#claim, entries, projection);
    } catch (e) {
      this.#fail(e, batch);
      return;
    }
    if (entries.length > 0) {
      this.#opts.onCommit?.(entries.length, (performance.now() - started) / 1000);
      this.#opts.onCommitted?.(newItems(results));
    }
    this.#lastSeq = seq;
    this.#durableSeq = seq;
    for (const [key, s] of inBatch) this.#recent.set(key, { seq: s, at: now });
    this.#evictOverflow(now);
    await this.#settle(batch, results);
  }

  /** Resolves the batch; duplicates get their original entry read back from the store. */
  async #settle(batch: Queued[], results: (WriteOutcome<unknown> | undefined)[]): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      const r = results[i] as WriteOutcome<unknown>;
      if (!r.duplicate) {
        batch[i].resolve(r);
        continue;
      }
      try {
        const rows = await this.#log.readEntries(this.streamId, r.seq - 1, 1);
        batch[i].resolve({ duplicate: true, seq: r.seq, original: rows[0]?.seq === r.seq ? rows[0] : undefined });
      } catch (e) {
        batch[i].reject(e);
      }
    }
  }

  /** Keys of this batch already stored before the claim; only needed within one window of the claim. */
  async #storedKeys(batch: Queued[], now: number): Promise<Map<string, number>> {
    if (now > this.#askStoreUntil) return new Map();
    const keys = batch.map((q) => q.req.idemKey).filter((k): k is string => k !== undefined && !this.#recent.has(k));
    return keys.length === 0 ? new Map() : this.#log.findIdempotent(this.streamId, keys);
  }

  #pruneRecent(now: number): void {
    const cutoff = now - this.#opts.dedupWindowMs;
    for (const [key, v] of this.#recent) {
      if (v.at >= cutoff) break; // insertion order = time order
      this.#recent.delete(key);
    }
  }

  #evictOverflow(now: number): void {
    if (this.#recent.size <= MAX_RECENT) return;
    for (const key of this.#recent.keys()) {
      this.#recent.delete(key);
      if (this.#recent.size <= MAX_RECENT) break;
    }
    this.#askStoreUntil = now + this.#opts.dedupWindowMs;
  }

  #fail(error: unknown, batch: Queued[]): void {
    this.#dead = error;
    const waiting = this.#queue;
    this.#queue = [];
    for (const q of [...batch, ...waiting]) q.reject(error);
    this.#opts.onFatal(error);
  }

  /** Rejects queued writes and refuses new ones (used when the actor passivates). */
  close(): void {
    if (this.#dead === undefined) this.#dead = 'closed';
    const waiting = this.#queue;
    this.#queue = [];
    for (const q of waiting) q.reject(new WriterClosedError(this.streamId));
  }
}

/** SEQ and value of each entry a batch stores (not its duplicates), ascending. */
function newItems(results: readonly (WriteOutcome<unknown> | undefined)[]): { seq: number; value: unknown }[] {
  return results.flatMap((r) => (r && !r.duplicate ? [{ seq: r.seq, value: r.value }] : []));
}
