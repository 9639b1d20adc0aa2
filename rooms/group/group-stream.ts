/**
 * The group stream `g:<groupId>`: one StreamWriter, each committed entry fanned out to the online
 * members (one hand-over per node), online-only messages fanned out without a SEQ.
 */
import type { FanOut } from '../../src/cluster/fan-out.ts';
import { type Entry, FLAG_RECALLED, type StreamEvent } from '../../src/protocol/entries.ts';
import type { ParleyEvent } from '../../src/protocol/events.ts';
import type { MessageLog, StoredEntry, StreamClaim } from '../../storage/store.ts';
import { forClients } from '../../src/im/stream-page.ts';
import type { GroupStreamPort } from '../../src/im/groups/group-actor-state.ts';
import type { Committed, StreamEmitter } from '../stream-emitter.ts';
import { StreamWriter, type WriteOutcome } from '../stream-writer.ts';

export interface GroupStreamOptions {
  readonly streamId: string;
  readonly log: MessageLog;
  readonly fanOut: FanOut;
  readonly now: () => number;
  readonly dedupWindowMs: number;
  readonly onFatal: (e: unknown) => void;
  readonly onCommit?: (entries: number, seconds: number) => void;
  readonly emitter: StreamEmitter;
}

const WRITER_LIMITS = { maxBatch: 512, maxQueue: 20_000 };

export interface AppendSpec {
  /** The entry, or how to build it once its SEQ is known (an entry that names its own SEQ). */
  readonly entry: Entry | ((seq: number) => Entry);
  readonly time: number;
  readonly idemKey?: string;
  /** When the stored entry may go, Unix ms; 0 (the default) = kept. */
  readonly expiresAt?: number;
}

export class GroupStream implements GroupStreamPort {
  readonly #o: GroupStreamOptions;
  readonly #writer: StreamWriter;

  constructor(o: GroupStreamOptions, claim: StreamClaim) {
    this.#o = o;
    this.#writer = new StreamWriter(o.log, claim, {
      ...WRITER_LIMITS,
      dedupWindowMs: o.dedupWindowMs,
      now: o.now,
      onFatal: o.onFatal,
      onCommit: o.onCommit,
      onCommitted: (items) => o.emitter.committed(items.map((i): Committed => ({ seq: i.seq, entry: i.value as Entry }))),
    });
    void o.emitter.catchUp(claim.lastSeq);
  }

  emit(events: readonly ParleyEvent[]): Promise<void> {
    return this.#o.emitter.emit(events);
  }

  /** Publishes events the store recorded with the change they describe (the group's creation). */
  publishRecorded(events: readonly ParleyEvent[]): void {
    this.#o.emitter.publishRecorded(events);
  }

  /** The highest committed SEQ; the next message gets a higher one. */
  get head(): number {
    return this.#writer.durableSeq;
  }

  get idle(): boolean {
    return this.#writer.idle;
  }

  /** Stores `spec.entry` and, once committed, pushes it to the online users among `audience`. */
  async append(spec: AppendSpec, audience: () => Iterable<string>): Promise<WriteOutcome<Entry>> {
    const fixed = typeof spec.entry === 'function' ? undefined : spec.entry;
    const fixedPayload = fixed && JSON.stringify(fixed);
    const out = await this.#writer.write({
      idemKey: spec.idemKey,
      make: (seq) => {
        const entry = fixed ?? (spec.entry as (seq: number) => Entry)(seq);
        return {
          entry: {
            seq,
            time: spec.time,
            payload: fixedPayload ?? JSON.stringify(entry),
            flags: 0,
            expiresAt: spec.expiresAt ?? 0,
            idemKey: spec.idemKey,
            idemExpiresAt: spec.idemKey ? spec.time + this.#o.dedupWindowMs : undefined,
          },
          value: entry,
        };
      },
    });
    if (!out.duplicate) this.#o.fanOut.toUsers(audience(), { stream: this.#o.streamId, seq: out.seq, entry: forClients(out.value) });
    return out;
  }

  /** Pushes an entry that is not stored (seq 0). */
  pushOnline(entry: Entry, audience: Iterable<string>): void {
    const event: StreamEvent = { stream: this.#o.streamId, seq: 0, entry: forClients(entry) };
    this.#o.fanOut.toUsers(audience, event);
  }

  /** Reads back a stored entry (the original of a duplicate send). */
  async read(seq: number): Promise<StoredEntry | undefined> {
    const rows = await this.#o.log.readEntries(this.#o.streamId, seq - 1, 1);
    return rows[0]?.seq === seq ? rows[0] : undefined;
  }

  async markRecalled(seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) {
      const row = await this.read(seq);
      if (row) await this.#o.log.updateEntry(this.#o.streamId, seq, { flags: row.flags | FLAG_RECALLED });
    }
  }

  async rewrite(seq: number, payload: string): Promise<void> {
    await this.#o.log.updateEntry(this.#o.streamId, seq, { payload });
  }

  async readBack(upTo: number, limit: number): Promise<readonly StoredEntry[]> {
    return upTo < 1 ? [] : this.#o.log.readEntriesBefore(this.#o.streamId, upTo + 1, limit);
  }

  /** Publishes what may be missing (the backlog sweep asks after a crash). */
  async flushEvents(): Promise<void> {
    await this.#o.emitter.catchUp(this.head);
  }

  /** Stops writing; resolves once the stream's events are published and their position recorded. */
  async close(): Promise<void> {
    this.#writer.close();
    await this.#o.emitter.settle(this.head);
  }
}
