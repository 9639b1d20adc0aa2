/**
 * Opens the back ends the config selects — SQLite or Cassandra, and Redis and Kafka when set —
 * failing within the connect timeout with a message that names the dependency and its address.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openCassandraStore } from '../storage/cassandra/cassandra-store.ts';
import { openThreadedSqliteStore } from '../storage/sqlite/threaded-sqlite-store.ts';
import type { Store } from '../storage/store.ts';
import { type RedisConnection, connectRedis } from './cluster/redis-connection.ts';
import type { Config } from './config.ts';
import type { BusRecord, EventBus } from './im/event-bus.ts';
import type { ParleyEvent } from './protocol/events.ts';
import type { PushJob } from './push/push-job.ts';
import type { BroadcastShardJob } from './events/broadcast/broadcast-walk.ts';
import { type KafkaConnection, connectKafka, topicNames } from './events/kafka-connection.ts';
import { KafkaEventBus } from './events/kafka-event-bus.ts';
import { LocalEventBus } from './events/local-event-bus.ts';
import { DependencyUnavailableError } from './ops/dependency.ts';
import type { DependencyCheck } from './ops/health.ts';

export interface Backends {
  readonly store: Store;
  readonly storeKind: 'sqlite' | 'cassandra';
  readonly redis?: RedisConnection;
  readonly kafka?: KafkaConnection;
  /** Kafka's `parley.events` when Kafka is configured, else the in-process log in the data dir. */
  readonly events: EventBus;
  /** With offline push configured: Kafka's `parley.push` (keyed by user), else an in-process log of its own. */
  readonly pushJobs?: EventBus<PushJob>;
  /** With offline push configured: the shards of im_push offline walks, on Kafka's `parley.broadcast` (keyed by shard), else an in-process log. */
  readonly broadcastShards?: EventBus<BroadcastShardJob>;
  readonly checks: readonly DependencyCheck[];
  close(): Promise<void>;
}

/** SQLite files on the hot path (the store, the embedded event log) checkpoint on a thread this often. */
const WAL_CHECKPOINT_EVERY_MS = 1000;

async function openStore(config: Config, now: () => number, log: Logger): Promise<Store> {
  if (!config.cassandra) {
    // On its own thread: no statement, commit or WAL write ever runs on the event loop serving sockets.
    return openThreadedSqliteStore({
      clockOffsetMs: config.clockOffsetMs,
      file: join(config.app.dataDir, 'parley.db'),
      synchronous: config.sqlite.synchronous,
      groupCommitMs: config.sqlite.groupCommitMs,
      purgeEveryMs: 60_000,
      checkpointEveryMs: WAL_CHECKPOINT_EVERY_MS,
    }, (e) => log.error({ err: e }, 'the SQLite store thread died: every store call fails from now on (/health reports it)'));
  }
  try {
    return await openCassandraStore({ ...config.cassandra, connectTimeoutMs: config.connectTimeoutMs, now });
  } catch (e) {
    throw new DependencyUnavailableError(e instanceof Error ? e.message : String(e), e);
  }
}

/** `now` is Parley's one clock (Unix ms): every expiry and retention rule of the back ends reads it. */
export async function openBackends(config: Config, log: Logger, now: () => number): Promise<Backends> {
  const opened: { close(): Promise<void> }[] = [];
  try {
    const store = await openStore(config, now, log);
    opened.push(store);
    const redis = config.redis ? await connectRedis(config.redis.url, config.connectTimeoutMs) : undefined;
    if (redis) opened.push(redis);
    const kafka = config.kafka ? await connectKafka(config.kafka, config.connectTimeoutMs, log) : undefined;
    if (kafka) opened.push(kafka);
    /** A log on Kafka's `topic` when Kafka is configured, else an in-process one in the data dir's `file`. */
    const openLog = <T extends BusRecord>(topic: string, file: string, retentionMs: number): EventBus<T> => {
      const bus: EventBus<T> = kafka
        ? new KafkaEventBus<T>({ kafka: kafka.kafka, topic, log })
        : new LocalEventBus<T>({ file: join(config.app.dataDir, file), retentionMs, log, now, checkpointEveryMs: WAL_CHECKPOINT_EVERY_MS });
      opened.push(bus);
      return bus;
    };
    // The topic names only matter on Kafka.
    const topics = kafka?.topics ?? topicNames('parley');
    const events = openLog<ParleyEvent>(topics.events, 'events.db', config.events.retentionMs);
    const pushJobs = config.push ? openLog<PushJob>(topics.push, 'push.db', config.push.ttlS * 1000) : undefined;
    const broadcastShards = config.push ? openLog<BroadcastShardJob>(topics.broadcast, 'broadcast.db', config.push.ttlS * 1000) : undefined;
    const checks: DependencyCheck[] = [
      { name: 'store', check: () => store.ping() },
      ...(redis ? [{ name: 'redis', check: () => redis.health() }] : []),
      ...(kafka ? [{ name: 'kafka', check: () => kafka.health() }] : []),
    ];
    return {
      store,
      storeKind: config.cassandra ? 'cassandra' : 'sqlite',
      redis,
      kafka,
      events,
      pushJobs,
      broadcastShards,
      checks,
      async close() {
        for (const o of opened.reverse()) await o.close().catch((e: unknown) => log.warn({ err: e }, 'closing a back end failed'));
      },
    };
  } catch (e) {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    throw e;
  }
}
