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

/** Answers a broker gives while a topic (just created, maybe by another node) is still being set up. */
const SETTLING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);
const SETTLE_POLL_MS = 100;

/** kafkajs wraps the broker's answer in KafkaJSNumberOfRetriesExceeded once its own retries run out. */
function settling(e: unknown): boolean {
  const typed = e as { type?: string; cause?: { type?: string } };
  return SETTLING.has(typed.type ?? typed.cause?.type ?? '');
}

/**
 * Resolves once every partition of `topics` has a leader, so the first produce and the consumers'
 * joins find them; rejects after `timeoutMs`, or at once on an error that is not a topic settling.
 */
async function awaitLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  let waiting = true;
  const poll = async (): Promise<void> => {
    while (waiting) {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics });
        if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (e) {
        if (!settling(e)) throw e;
      }
      await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
    }
  };
  try {
    await withTimeout(poll(), timeoutMs, 'wait for topic leaders');
  } finally {
    waiting = false;
  }
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
          // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers
          // until the new topic's metadata reaches it: awaitLeaders below waits that out.
          waitForLeaders: false,
          topics: missing.map((topic) => ({ topic, numPartitions: cfg.partitions, replicationFactor: cfg.replicationFactor })),
        }),
        timeoutMs,
        'create topics',
      );
      log.info({ topics: missing }, 'created Kafka topics');
    }
    await awaitLeaders(admin, Object.values(topicNames(cfg.topicPrefix)), timeoutMs);
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

