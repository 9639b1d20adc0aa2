import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../src/protocol/events.ts';
import { KafkaEventBus } from '../../src/events/kafka-event-bus.ts';
import { unavailable } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { runEventBusContract } from './event-bus-contract.ts';

/** A fresh topic of 3 partitions on the test broker. */
async function freshTopic(): Promise<{ kafka: Kafka; topic: string }> {
  const kafka = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING });
  const topic = `parley.contract.${process.pid}.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
  await admin.disconnect();
  return { kafka, topic };
}

runEventBusContract({
  name: 'Kafka',
  unavailable: () => unavailable('kafka'),
  create: async () => {
    const { kafka, topic } = await freshTopic();
    const open = () => new KafkaEventBus({ kafka, topic, log: pino({ level: 'silent' }) });
    return { bus: open(), reopen: async () => open() };
  },
});

describe.skipIf(unavailable('kafka') !== undefined)('Kafka event bus: sessions', () => {
  it('keeps its partition through a handler slower than the session timeout, handling the batch once', async () => {
    const { kafka, topic } = await freshTopic();
    // 6 s is the broker's smallest allowed session; the handler takes 9 s.
    const bus = new KafkaEventBus({ kafka, topic, log: pino({ level: 'silent' }), sessionTimeoutMs: 6000 });
    try {
      await bus.publish([makeEvent('account.imported', 'slow#1', 'u:slow', Date.now(), { userIds: ['slow'] })]);
      let calls = 0;
      let done = 0;
      const sub = await bus.subscribe(async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 9000));
        done++;
      }, { group: `slow-${Date.now()}`, from: 'earliest' });
      await waitFor(() => done >= 1, 'the slow batch', 30_000);
      await new Promise((r) => setTimeout(r, 3000)); // a redelivery, if the partition moved, would start here
      expect({ calls, lag: await sub.lag() }).toEqual({ calls: 1, lag: 0 });
      await sub.stop();
    } finally {
      await bus.close();
    }
  }, 60_000);
});
