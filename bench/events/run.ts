/**
 * `npm run bench:events`: what the event pipeline costs. Reports
 * - REST sendmsg throughput with callbacks off vs with every after-callback on (a local webhook
 *   answering at once), as a ratio — after-callbacks run from the event stream, off the send path;
 * - event emission lag on Kafka (message stored → event read by an app-server consumer), p50/p99,
 *   at a steady 500 messages/s (needs the services: `npm run services:up`).
 * Writes bench/results/events-<time>.json and events-latest.md.
 */
import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import type { ParleyEvent } from '../../src/protocol/events.ts';
import { runToExit, writeSideRun } from '../lib/side-run.ts';
import { RestClient } from '../servers/rest-client.ts';
import { ServerProcess } from '../servers/server-process.ts';

const WARM_UP = 500;
const AFTER_COMMANDS = 'C2C.CallbackAfterSendMsg,Group.CallbackAfterSendMsg,State.StateChange';

/** A Parley with only `env` (no service addresses from the bench's shell): embedded unless `env` says otherwise. */
const startParley = (env: Record<string, string>): Promise<ServerProcess> => ServerProcess.start({ kind: 'parley', isolated: true, env });

/** Closed loop: 64 callers send as fast as answers come for `seconds`; returns messages/s. */
async function sendThroughput(rest: RestClient, seconds: number): Promise<number> {
  const users = Array.from({ length: 40 }, (_, i) => `eb${i}`);
  await rest.call('im_open_login_svc/multiaccount_import', { Accounts: users });
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: 64 }, async (_, w) => {
    for (let k = 0; performance.now() < until; k++) {
      const r = await rest.call('openim/sendmsg', { From_Account: users[w % 40], To_Account: users[(w + 1) % 40], MsgRandom: w * 1_000_000 + k, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] });
      if (r.ErrorCode === 0) done++;
    }
  }));
  return Math.round(done / seconds);
}

async function throughputWithAndWithoutCallbacks(): Promise<{ off: number; after: number; callbacksReceived: number }> {
  let received = 0;
  const hook: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.setHeader('content-type', 'application/json');
      res.end('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;

  const plain = await startParley({});
  const off = await sendThroughput(new RestClient(plain.url, plain.identity, 32), 10);
  await plain.stop();

  const withHooks = await startParley({ PARLEY_CALLBACK_URL: hookUrl, PARLEY_CALLBACK_COMMANDS: AFTER_COMMANDS });
  const after = await sendThroughput(new RestClient(withHooks.url, withHooks.identity, 32), 10);
  await new Promise((r) => setTimeout(r, 3000));
  await withHooks.stop();
  hook.close();
  return { off, after, callbacksReceived: received };
}

async function emissionLag(): Promise<{ n: number; p50: number; p99: number; max: number } | undefined> {
  if (!process.env.KAFKA_BROKERS) return undefined;
  const prefix = `parley-bench-${randomBytes(4).toString('hex')}`;
  const server = await startParley({ KAFKA_BROKERS: process.env.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: prefix, KAFKAJS_NO_PARTITIONER_WARNING: '1' });
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${prefix}-lag` });
  const lags: number[] = [];
  let seen = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}.events`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const e = JSON.parse(message.value?.toString() ?? 'null') as ParleyEvent;
      if (e?.type !== 'c2c.message') return;
      if (seen++ >= WARM_UP) lags.push(Date.now() - e.time);
    },
  });
  const rest = new RestClient(server.url, server.identity, 16);
  const users = Array.from({ length: 20 }, (_, i) => `lag${i}`);
  await rest.call('im_open_login_svc/multiaccount_import', { Accounts: users });
  await new Promise((r) => setTimeout(r, 3000)); // let the consumer join its group first
  // The first WARM_UP messages open the inboxes and warm the producer's connections; they are not measured.
  for (let k = 0; k < WARM_UP + 5000; k++) {
    void rest.call('openim/sendmsg', { From_Account: users[k % 20], To_Account: users[(k + 1) % 20], MsgRandom: k, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] });
    if (k % 10 === 9) await new Promise((r) => setTimeout(r, 20));
  }
  const until = Date.now() + 20_000;
  while (lags.length < 5000 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  await server.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [`${prefix}.events`, `${prefix}.broadcast`, `${prefix}.push`] }).catch(() => undefined);
  await admin.disconnect();
  const s = [...lags].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
  return { n: s.length, p50: at(50), p99: at(99), max: s[s.length - 1] ?? 0 };
}

async function main(): Promise<void> {
  const throughput = await throughputWithAndWithoutCallbacks();
  const lag = await emissionLag();
  const result = { time: new Date().toISOString(), throughput, ratio: +(throughput.after / throughput.off).toFixed(2), emissionLagMs: lag };
  const md = [
    '# Event pipeline costs (one node, SQLite store, 2-core machine)',
    '',
    `REST sendmsg, 64 concurrent callers: callbacks off ${throughput.off}/s; every after-callback on ${throughput.after}/s (ratio ${result.ratio}; ${throughput.callbacksReceived} callbacks received).`,
    '',
    lag ? `Emission lag on Kafka (stored → read by a consumer) at ~500 msg/s: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms over ${lag.n} events.` : 'Emission lag: not measured (KAFKA_BROKERS unset).',
    '',
  ].join('\n');
  writeSideRun('events', result.time, result, md);
}

runToExit(main);
