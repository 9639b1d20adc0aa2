/**
 * The Kafka connection (kafkajs): connects at start, creates Parley's topics if missing, and probes
 * the cluster for /health. What flows over the topics is the event bus's business.
 */
import { Kafka, type Admin, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { DependencyUnavailableError, withTimeout } from '../ops/dependency.ts';

/** Topics Parley uses, under a prefix (default `parley`); keys decide partitions (stream id for events, user id for push). */
export function topicNames(prefix: string): { readonly events: string; readonly broadcast: string; readonly push: string } {
  return { events: `${prefix}.events`, broadcast: `${prefix}.broadcast`, push: `${prefix}.push` };
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Prefix of the topic names (`<prefix>.events` …). */
  readonly topicPrefix: string;
}

export interface KafkaConnection {
  readonly kafka: Kafka;
  readonly topics: ReturnType<typeof topicNames>;
  /** Resolves when a broker answers a metadata request. */
  health(): Promise<void>;
  close(): Promise<void>;
}

export async function connectKafka(cfg: KafkaConfig, timeoutMs: number, log: Logger): Promise<KafkaConnection> {
  const kafka = new Kafka({
    clientId: cfg.clientId,
    brokers: [...cfg.brokers],
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: 30_000,
    retry: { retries: 2, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  });
  const admin: Admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'connect');
    const existing = new Set(await withTimeout(admin.listTopics(), timeoutMs, 'list topics'));
    const missing = Object.values(topicNames(cfg.topicPrefix)).filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await withTimeout(
        admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: cfg.partitions, replicationFactor: cfg.replicationFactor })),
        }),
        timeoutMs,
        'create topics',
      );
      log.info({ topics: missing }, 'created Kafka topics');
    }
  } catch (e) {
    await admin.disconnect().catch(() => undefined);
    throw new DependencyUnavailableError(`Kafka at ${cfg.brokers.join(', ')}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  return {
    kafka,
    topics: topicNames(cfg.topicPrefix),
    async health() {
      const cluster = await withTimeout(admin.describeCluster(), 3000, 'describe cluster');
      if (cluster.brokers.length === 0) throw new Error('no brokers');
    },
    async close() {
      await admin.disconnect();
    },
  };
}

