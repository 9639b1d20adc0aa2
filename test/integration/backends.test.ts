import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { cassandraEnv, unavailable } from '../helpers/services.ts';

const missing = unavailable('cassandra') ?? unavailable('kafka') ?? unavailable('redis');

describe.skipIf(missing !== undefined)('a node on Cassandra, Redis and Kafka', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({
      env: { ...cassandraEnv(), REDIS_URL: process.env.REDIS_URL ?? '', KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '' },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('reports every dependency in /health and is ready', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { store: 'ok', redis: 'ok', kafka: 'ok' }, node: expect.any(String), nodes: [expect.any(String)] });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true });
  });

  it('has created its Kafka topics', async () => {
    const admin = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining(['parley.events', 'parley.broadcast', 'parley.push']));
  });
});
