/**
 * The outbox for events raised outside any actor (account imports): recorded under a stream, with
 * `MessageLog.addPending` or by the store write of the change itself (`record`, then
 * `publishRecorded`), then published and forgotten. A crash after recording loses nothing: the
 * stream is in the emission backlog, and its actor publishes what is recorded on activation or at
 * the next sweep (rooms/stream-emitter.ts does the same for actors' own events).
 */
import type { Logger } from 'pino';
import type { MessageLog, OutboxRecord, PendingEvent } from '../../storage/store.ts';
import type { EventBus, EventOutbox } from '../im/event-bus.ts';
import type { InFlight } from '../ops/in-flight.ts';
import type { ParleyEvent } from '../protocol/events.ts';

/** How long a failed publish waits before it is tried again, ms; after the last, the sweep takes over. */
const RETRY_MS = [100, 500, 2000, 5000];

export const toPending = (e: ParleyEvent): PendingEvent => ({ id: e.id, payload: JSON.stringify(e) });

/** Publishes, retrying a failed publish a few times before giving up (the sweep takes over then). */
export async function publishWithRetry(bus: EventBus, events: readonly ParleyEvent[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await bus.publish(events);
      return;
    } catch (e) {
      if (attempt >= RETRY_MS.length) throw e;
      await new Promise((r) => setTimeout(r, RETRY_MS[attempt]));
    }
  }
}

export interface StoreOutboxOptions {
  readonly log: MessageLog;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Publishes in flight, which shutdown drains. */
  readonly inFlight: InFlight;
  /** Fault injection for tests: called once events are recorded, before they are published. */
  readonly beforePublish?: () => void;
}

export class StoreOutbox implements EventOutbox {
  readonly #o: StoreOutboxOptions;

  constructor(o: StoreOutboxOptions) {
    this.#o = o;
  }

  async emit(streamId: string, events: readonly ParleyEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#o.log.addPending(streamId, events.map(toPending));
    this.publishRecorded(streamId, events);
  }

  record(streamId: string, events: readonly ParleyEvent[]): OutboxRecord {
    return { streamId, events: events.map(toPending) };
  }

  publishRecorded(streamId: string, events: readonly ParleyEvent[]): void {
    if (events.length === 0) return;
    const { log, bus, logger } = this.#o;
    this.#o.beforePublish?.();
    const publish = publishWithRetry(bus, events)
      .then(() => log.removePending(streamId, events.map((e) => e.id)))
      .catch((e: unknown) => logger.warn({ err: e, stream: streamId }, 'recorded events not published; the backlog sweep retries'));
    this.#o.inFlight.track(publish);
  }
}
