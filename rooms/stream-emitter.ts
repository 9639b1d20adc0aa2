/**
 * At-least-once event emission for one stream (DESIGN §5). After each commit the owner hands the
 * committed entries over; they are published in SEQ order, and the published position is recorded
 * in the store (at most once a second, and when the actor passivates). On activation, and when the
 * backlog sweep asks, whatever the store holds beyond the recorded position is published again, so a
 * crash between storing and publishing loses no event; consumers dedupe by event id.
 *
 * Events that are not entries of the stream (group created, tips that take no SEQ, state changes)
 * go through `emit`: recorded in the store's outbox first (`addPending`), published in the same
 * chain, then forgotten; whatever is still recorded on activation or at the backlog sweep is
 * published again. Nothing leaves any other way.
 *
 * Publishing never delays an acknowledgement: it runs behind the writer, one publish at a time.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../src/im/event-bus.ts';
import { type ParleyEvent, eventOfEntry } from '../src/protocol/events.ts';
import type { Entry } from '../src/protocol/entries.ts';
import type { MessageLog } from '../storage/store.ts';
import { publishWithRetry, toPending } from '../src/events/outbox.ts';

export interface Committed {
  readonly seq: number;
  readonly entry: Entry;
  /** Inbox: the user's C2C unread messages in all once this entry was folded (for the event's `unread`). */
  readonly unread?: number;
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
  /** Fault injection for tests: called once emitted events are recorded, before they are published. */
  readonly beforePublishPending?: () => void;
}

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
  /** Ids emitted here whose publish is queued: a replay of recorded events leaves them to that publish. */
  readonly #emitting = new Set<string>();
  /** Whether the store may hold recorded events nobody published: until the first flush, and after a failed publish. */
  #mayHavePending = true;

  constructor(o: StreamEmitterOptions) {
    this.#o = o;
  }

  /** Loads the published position and re-publishes what the store holds up to `head`, and every recorded event. */
  catchUp(head: number): Promise<void> {
    return this.#then(async () => {
      await this.#load();
      await this.#replay(head);
      await this.#flushPending();
    });
  }

  /**
   * Records events of this stream that are not its entries, then publishes them behind what was
   * committed before. Resolves once they are recorded: from then on no crash loses them.
   */
  async emit(events: readonly ParleyEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) this.#emitting.add(e.id);
    try {
      await this.#o.log.addPending(this.#o.streamId, events.map(toPending));
    } catch (e) {
      for (const ev of events) this.#emitting.delete(ev.id);
      throw e;
    }
    this.publishRecorded(events);
  }

  /**
   * Publishes events already recorded in the store's outbox under this stream (written with the
   * change they describe, e.g. `GroupStore.createGroup`), behind what was committed before; a replay
   * of recorded events running meanwhile leaves them to this publish.
   */
  publishRecorded(events: readonly ParleyEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) this.#emitting.add(e.id);
    this.#o.beforePublishPending?.();
    void this.#then(() =>
      this.#publishPending(events)
        .catch((e: unknown) => {
          this.#mayHavePending = true;
          throw e;
        })
        .finally(() => {
          for (const e of events) this.#emitting.delete(e.id);
        }),
    );
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
    // Passivation reads the outbox only when something may be left in it (usually it was emptied on activation).
    const pendingLeft = !this.#mayHavePending ? false : await this.#flushPending().then(
      () => false,
      (e: unknown) => {
        this.#o.logger.warn({ err: e, stream: this.#o.streamId }, 'recorded events not published; the backlog sweep retries');
        return true;
      },
    );
    const release = this.#published >= head && !pendingLeft;
    await this.#o.log.markEmitted(this.#o.streamId, this.#published, release).catch((e: unknown) => this.#o.logger.warn({ err: e, stream: this.#o.streamId }, 'could not record emitted position'));
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
      const ev = eventOfEntry(this.#o.streamId, i.seq, i.entry, this.#o.groupType, i.unread);
      if (ev) events.push(ev);
    }
    await publishWithRetry(this.#o.bus, events);
    this.#advance(items[items.length - 1].seq);
  }

  async #publishPending(events: readonly ParleyEvent[]): Promise<void> {
    await publishWithRetry(this.#o.bus, events);
    await this.#o.log.removePending(this.#o.streamId, events.map((e) => e.id));
  }

  /** Publishes every recorded event of the stream (a crashed owner's, or one whose publish failed). */
  async #flushPending(): Promise<void> {
    for (;;) {
      const rows = await this.#o.log.readPending(this.#o.streamId, REPLAY_PAGE);
      const others = rows.filter((r) => !this.#emitting.has(r.id));
      if (others.length > 0) await this.#publishPending(others.map((r) => JSON.parse(r.payload) as ParleyEvent));
      if (rows.length < REPLAY_PAGE || others.length === 0) break;
    }
    this.#mayHavePending = false;
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

