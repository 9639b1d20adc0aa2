/**
 * The event bus on Kafka: events go to one topic keyed by `event.key` (so per-stream order holds in
 * its partition), produced with acks from all in-sync replicas by an idempotent producer. Consumers
 * are Kafka consumer groups that commit a batch only after its handler resolved; a handler that
 * throws has its batch redelivered (kafkajs restarts the consumer from the last commit).
 */
import { type Consumer, type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { withTimeout } from '../ops/dependency.ts';
import type { BusRecord, EventBus, EventHandler, SubscribeOptions, Subscription } from '../im/event-bus.ts';
import type { ParleyEvent } from '../protocol/events.ts';

/** kafkajs's default session timeout, ms; consumers heartbeat every third of it. */
const DEFAULT_SESSION_MS = 30_000;

/**
 * How long a stopping consumer may take to leave its group, ms: an idle fetch in flight (kafkajs
 * long-polls up to 5 s), then LeaveGroup. Shorter fetches would make leaving quicker, but with a 1 s
 * long poll the emission lag seen by other consumers rose from ~10 ms to ~1 s (bench:events).
 */
const LEAVE_TIMEOUT_MS = 6000;

export interface KafkaEventBusOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly log: Logger;
  /** How long the broker waits for a silent consumer before handing its partitions on, ms (default 30 s). */
  readonly sessionTimeoutMs?: number;
}

export class KafkaEventBus<E extends BusRecord = ParleyEvent> implements EventBus<E> {
  readonly #o: KafkaEventBusOptions;
  readonly #producer: Producer;
  #connected: Promise<void> | undefined;
  /** Running consumers and their groups. */
  readonly #consumers = new Map<Consumer, string>();

  constructor(o: KafkaEventBusOptions) {
    this.#o = o;
    this.#producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async publish(events: readonly E[]): Promise<void> {
    if (events.length === 0) return;
    this.#connected ??= this.#producer.connect();
    await this.#connected;
    await this.#producer.send({
      topic: this.#o.topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
    });
  }

  async subscribe(handler: EventHandler<E>, o: SubscribeOptions): Promise<Subscription> {
    const { kafka, topic, log } = this.#o;
    const sessionTimeout = this.#o.sessionTimeoutMs ?? DEFAULT_SESSION_MS;
    const heartbeatInterval = Math.floor(sessionTimeout / 3);
    const consumer = kafka.consumer({
      groupId: o.group,
      sessionTimeout,
      heartbeatInterval,
      retry: { retries: 1_000_000, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: (o.from ?? 'earliest') === 'earliest' });
    this.#consumers.set(consumer, o.group);
    // run() resolves only after the group join, which waits out a crashed member's session (30 s):
    // joining goes on in the background, retried by kafkajs; only a final failure is reported here.
    const running = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const events = batch.messages.map((m) => JSON.parse(m.value?.toString() ?? 'null') as E).filter((e) => e !== null);
        // A handler may take longer than the session timeout (a webhook retried with backoff): keep
        // heartbeating meanwhile, or the broker would hand the partition to another member mid-batch.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), heartbeatInterval);
        try {
          await handler(events);
        } catch (e) {
          log.warn({ err: e, group: o.group, partition: batch.partition }, 'event handler failed; redelivering');
          throw e;
        } finally {
          clearInterval(beating);
        }
        const last = batch.messages[batch.messages.length - 1].offset;
        resolveOffset(last);
        await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        await heartbeat();
      },
    });
    running.catch((e: unknown) => log.error({ err: e, group: o.group }, 'event consumer could not join its group'));
    return {
      stop: async () => {
        this.#consumers.delete(consumer);
        await this.#leave(consumer, o.group);
      },
      lag: () => this.#lag(o.group),
    };
  }

  async #lag(group: string): Promise<number | undefined> {
    const admin = this.#o.kafka.admin();
    try {
      await admin.connect();
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(this.#o.topic),
        admin.fetchOffsets({ groupId: group, topics: [this.#o.topic] }),
      ]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * A consumer still joining its group (waiting out a crashed member) cannot leave until the join
   * completes, up to a session timeout; shutdown does not wait that long. Nothing is lost: it has
   * committed nothing, and the broker expires the member.
   */
  async #leave(consumer: Consumer, group: string): Promise<void> {
    await withTimeout(consumer.disconnect(), LEAVE_TIMEOUT_MS, 'leave the group').catch((e: unknown) =>
      this.#o.log.warn({ err: e, group }, 'event consumer left without saying goodbye; the broker will expire it'),
    );
  }

  async close(): Promise<void> {
    // In parallel: each may wait out an idle fetch.
    await Promise.all([...this.#consumers].map(([c, group]) => this.#leave(c, group)));
    this.#consumers.clear();
    if (this.#connected) await this.#producer.disconnect();
  }
}
