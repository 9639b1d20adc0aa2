/**
 * At-least-once event emission for one stream (DESIGN §5). After each commit the owner hands the
 * committed entries over; they are published in SEQ order, and the published position is recorded
 * in the store (at most once a second, and when the actor passivates). On activation, and when the
 * backlog sweep asks, whatever the store holds beyond the recorded position is published again, so a
 * crash between storing and publishing loses no event; consumers dedupe by event id.
 *
 * Publishing never delays an acknowledgement: it runs behind the writer, one publish at a time.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../src/im/event-bus.ts';
import { type ParleyEvent, eventOfEntry } from '../src/protocol/events.ts';
import type { Entry } from '../src/protocol/entries.ts';
import type { MessageLog } from '../storage/store.ts';

export interface Committed {
  readonly seq: number;
  readonly entry: Entry;
}

export interface StreamEmitterOptions {
  readonly streamId: string;
  readonly log: MessageLog;
  readonly bus: EventBus;
  /** The group's type, for membership events (undefined for inboxes). */
  readonly groupType?: string;
  readonly logger: Logger;
  /** Fault injection for tests: called after a commit, before its events are published. */
  readonly beforePublish?: () => void;
}

/** How long a failed publish waits before it is tried again, ms; after the last, the sweep takes over. */
const RETRY_MS = [100, 500, 2000, 5000];
const MARK_EVERY_MS = 1000;
const REPLAY_PAGE = 500;

export class StreamEmitter {
  readonly #o: StreamEmitterOptions;
  /** Highest SEQ published; -1 until loaded from the store. */
  #published = -1;
  #marked = 0;
  /** Publishes run one after another, in SEQ order. */
  #chain: Promise<void> = Promise.resolve();
  #markTimer: NodeJS.Timeout | undefined;

  constructor(o: StreamEmitterOptions) {
    this.#o = o;
  }

  /** Loads the published position and re-publishes what the store holds up to `head`. */
  catchUp(head: number): Promise<void> {
    return this.#then(async () => {
      await this.#load();
      await this.#replay(head);
    });
  }

  /** Publishes entries that just committed (ascending SEQ). */
  committed(items: readonly Committed[]): void {
    if (items.length === 0) return;
    this.#o.beforePublish?.();
    void this.#then(async () => {
      await this.#load();
      const fresh = items.filter((i) => i.seq > this.#published);
      if (fresh.length === 0) return;
      if (fresh[0].seq > this.#published + 1) await this.#replay(fresh[0].seq - 1);
      await this.#publish(fresh.filter((i) => i.seq > this.#published));
    });
  }

  /** Waits for publishing to finish and records the position, releasing the stream from the backlog if it is caught up with `head`. */
  async settle(head: number): Promise<void> {
    await this.#chain;
    clearTimeout(this.#markTimer);
    if (this.#published < 0) return;
    await this.#o.log.markEmitted(this.#o.streamId, this.#published, this.#published >= head).catch((e: unknown) => this.#o.logger.warn({ err: e, stream: this.#o.streamId }, 'could not record emitted position'));
  }

  #then(step: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(step).catch((e: unknown) => this.#o.logger.warn({ err: e, stream: this.#o.streamId }, 'event emission failed; the backlog sweep retries'));
    this.#chain = next;
    return next;
  }

  async #load(): Promise<void> {
    if (this.#published >= 0) return;
    this.#published = await this.#o.log.emittedUpto(this.#o.streamId);
    this.#marked = this.#published;
  }

  async #replay(head: number): Promise<void> {
    while (this.#published < head) {
      const rows = await this.#o.log.readEntries(this.#o.streamId, this.#published, REPLAY_PAGE);
      const upto = rows.filter((r) => r.seq <= head);
      if (upto.length === 0) {
        this.#advance(head); // the rest expired, or was never visible
        return;
      }
      await this.#publish(upto.map((r) => ({ seq: r.seq, entry: JSON.parse(r.payload) as Entry })));
    }
  }

  async #publish(items: readonly Committed[]): Promise<void> {
    const events: ParleyEvent[] = [];
    for (const i of items) {
      const ev = eventOfEntry(this.#o.streamId, i.seq, i.entry, this.#o.groupType);
      if (ev) events.push(ev);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#o.bus.publish(events);
        break;
      } catch (e) {
        if (attempt >= RETRY_MS.length) throw e;
        await new Promise((r) => setTimeout(r, RETRY_MS[attempt]));
      }
    }
    this.#advance(items[items.length - 1].seq);
  }

  #advance(seq: number): void {
    if (seq <= this.#published) return;
    this.#published = seq;
    this.#markTimer ??= setTimeout(() => {
      this.#markTimer = undefined;
      const upto = this.#published;
      if (upto > this.#marked) {
        this.#marked = upto;
        void this.#o.log.markEmitted(this.#o.streamId, upto, false).catch(() => undefined);
      }
    }, MARK_EVERY_MS);
  }
}
