#!/usr/bin/env node
// End-to-end smoke check of the services started by services.sh (not a readiness probe):
//   Cassandra: create keyspace parley_probe (SimpleStrategy RF 1) + table, write a row, read it back
//   Kafka:     create a topic, produce one message, consume it in a consumer group
//              (proves the group coordinator works on a single broker)
//   Redis:     SET / GET
// Usage: eval "$(scripts/services/services.sh env)"; node scripts/services/smoke.mjs
import { randomUUID } from 'node:crypto';
import cassandra from 'cassandra-driver';
import kafkajs from 'kafkajs';
import Redis from 'ioredis';

const { Kafka, logLevel } = kafkajs;
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(scripts/services/services.sh env)" first`);
  return value;
};

async function timed(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    console.log(`[smoke] ${name}: OK (${Date.now() - start} ms) ${detail}`);
    return true;
  } catch (err) {
    console.log(`[smoke] ${name}: FAILED (${Date.now() - start} ms) ${err?.stack ?? err}`);
    return false;
  }
}

async function cassandraCheck() {
  const client = new cassandra.Client({
    contactPoints: env('CASSANDRA_CONTACT_POINTS').split(','),
    localDataCenter: env('CASSANDRA_LOCAL_DC'),
    protocolOptions: { maxVersion: 4 },
    socketOptions: { readTimeout: 30000 },
  });
  try {
    await client.connect();
    // schema changes are slow-ish on a cold node; the driver waits for schema agreement
    await client.execute(
      "CREATE KEYSPACE IF NOT EXISTS parley_probe WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(
      'CREATE TABLE IF NOT EXISTS parley_probe.kv (k text PRIMARY KEY, v text, at timestamp)',
    );
    const k = randomUUID();
    const v = `hello ${k.slice(0, 8)}`;
    await client.execute('INSERT INTO parley_probe.kv (k, v, at) VALUES (?, ?, toTimestamp(now()))', [k, v], {
      prepare: true,
    });
    const rs = await client.execute('SELECT v FROM parley_probe.kv WHERE k = ?', [k], { prepare: true });
    const got = rs.first()?.v;
    if (got !== v) throw new Error(`read back ${JSON.stringify(got)}, wrote ${JSON.stringify(v)}`);
    return `wrote and read back "${got}" in parley_probe.kv`;
  } finally {
    await client.shutdown();
  }
}

async function kafkaCheck() {
  const kafka = new Kafka({
    clientId: 'parley-smoke',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.WARN,
    requestTimeout: 30000,
  });
  const topic = `parley-smoke-${Date.now()}`;
  const groupId = `parley-smoke-group-${Date.now()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const value = `ping ${randomUUID()}`;
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 60 s')), 60000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message.value.toString());
          },
        })
        .catch(reject);
    });
    if (received !== value) throw new Error(`consumed ${received}, produced ${value}`);
    // the group really exists on the coordinator, with committed offsets after the consume
    await consumer.commitOffsets([{ topic, partition: 0, offset: '1' }]);
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions[0]?.offset;
    return `produced+consumed "${received}" in group ${groupId} (committed offset ${committed})`;
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

async function redisCheck() {
  const redis = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
  try {
    const key = `parley:smoke:${randomUUID()}`;
    await redis.set(key, 'pong', 'EX', 60);
    const got = await redis.get(key);
    if (got !== 'pong') throw new Error(`GET returned ${got}`);
    await redis.del(key);
    return `SET/GET ${key}`;
  } finally {
    redis.disconnect();
  }
}

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const results = await Promise.all([
  timed('cassandra', cassandraCheck),
  timed('kafka', kafkaCheck),
  timed('redis', redisCheck),
]);
const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
