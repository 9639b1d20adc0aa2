import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { KafkaEventBus } from '../../src/events/kafka-event-bus.ts';
import { unavailable } from '../helpers/services.ts';
import { runEventBusContract } from './event-bus-contract.ts';

runEventBusContract({
  name: 'Kafka',
  unavailable: () => unavailable('kafka'),
  create: async () => {
    const kafka = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING });
    const topic = `parley.contract.${process.pid}.${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
    await admin.disconnect();
    const open = () => new KafkaEventBus({ kafka, topic, log: pino({ level: 'silent' }) });
    return { bus: open(), reopen: async () => open() };
  },
});
