import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ParleyEvent } from '../../src/protocol/events.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { unavailable } from '../helpers/services.ts';
import { eventually, text, waitFor } from '../helpers/wait.ts';

/** Every event in a stopped server's in-process log, in log order. */
function readLocalLog(dataDir: string): ParleyEvent[] {
  const db = new BetterSqlite3(join(dataDir, 'events.db'), { readonly: true });
  const rows = db.prepare('SELECT payload FROM events ORDER BY position').all() as { payload: string }[];
  db.close();
  return rows.map((r) => JSON.parse(r.payload) as ParleyEvent);
}

/** Servers started by one test, all stopped at its end (pass or fail); they may share a data dir. */
function processes() {
  const started: ParleyProcess[] = [];
  return {
    start: async (o: Parameters<typeof ParleyProcess.start>[0]) => {
      const p = await ParleyProcess.start(o);
      started.push(p);
      return p;
    },
    // The last first: the earlier ones share its data dir, which the first removes.
    stopAll: async () => {
      for (const p of started.reverse()) await p.stop();
    },
  };
}

/** Per stream key, the SEQs of message events in the order they were first seen. */
function firstSeenSeqs(events: readonly ParleyEvent[]): Map<string, number[]> {
  const seen = new Set<string>();
  const out = new Map<string, number[]>();
  for (const e of events) {
    if ((e.type !== 'c2c.message' && e.type !== 'group.message') || seen.has(e.id)) continue;
    seen.add(e.id);
    out.set(e.key, [...(out.get(e.key) ?? []), e.data.seq]);
  }
  return out;
}

/** Sends n C2C messages over three pairs and n/2 group messages; `first` offsets the randoms so batches are distinct messages. */
async function sendSome(server: ParleyProcess, groupId: string, n: number, tag: string, first = 0): Promise<void> {
  for (let i = first; i < first + n; i++) {
    const pair = i % 3;
    expect((await server.rest('openim/sendmsg', { From_Account: `ev${pair}`, To_Account: `ev${pair + 1}`, MsgRandom: i, MsgBody: text(`${tag} ${i}`) })).ErrorCode).toBe(0);
    if (i % 2 === 0) expect((await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: i, MsgBody: text(`${tag} g${i}`) })).ErrorCode).toBe(0);
  }
}

async function setUp(server: ParleyProcess): Promise<string> {
  await server.importAccounts(['ev0', 'ev1', 'ev2', 'ev3']);
  const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'ev0', Type: 'Public', Name: 'events', MemberList: [{ Member_Account: 'ev1' }] });
  return created.GroupId as string;
}

describe('events in embedded mode (the in-process log)', () => {
  it('records an event for every stored message, in order per stream, plus account and group events', async () => {
    const server = await ParleyProcess.start();
    const groupId = await setUp(server);
    await sendSome(server, groupId, 30, 'm');
    await server.importAccounts(['ev_gone']);
    expect((await server.rest('im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'ev_gone' }] })).ErrorCode).toBe(0);
    await server.kill('SIGTERM');
    const events = readLocalLog(server.dataDir);
    await server.stop();

    const byStream = firstSeenSeqs(events);
    for (const seqs of byStream.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect([...byStream.entries()].filter(([k]) => k.startsWith('u:')).reduce((n, [, s]) => n + s.length, 0)).toBe(30);
    expect(byStream.get(`g:${groupId}`)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(events.some((e) => e.type === 'group.created' && e.data.groupId === groupId)).toBe(true);
    expect(events.some((e) => e.type === 'account.imported' && e.data.userIds.includes('ev3'))).toBe(true);
    expect(events.filter((e) => e.type === 'account.deleted').map((e) => [e.key, e.data])).toEqual([['u:ev_gone', { userId: 'ev_gone' }]]);
    const c2c = events.find((e) => e.type === 'c2c.message');
    // ev1's inbox holds the group-joined notice at SEQ 1, so the first message is SEQ 2.
    expect(c2c).toMatchObject({ v: 1, id: 'u:ev1#2', key: 'u:ev1', data: { seq: 2, message: { from: 'ev0', to: 'ev1', body: text('m 0') } } });
  });

  it('emits the event of a message stored just before a crash exactly once, after the restart', async () => {
    const server = await ParleyProcess.start({ env: { PARLEY_FAULT: 'exit-before-emit' } });
    await server.importAccounts(['crash1', 'crash2']);
    await server.rest('openim/sendmsg', { From_Account: 'crash1', To_Account: 'crash2', MsgRandom: 42, MsgBody: text('stored, then crash') }).catch(() => undefined);
    await eventually(async () => expect(await fetch(`${server.url}/health`).then(() => 'up', () => 'down')).toBe('down'));
    expect(readLocalLog(server.dataDir).filter((e) => e.type === 'c2c.message')).toHaveLength(0);

    const restarted = await ParleyProcess.start({ dataDir: server.dataDir });
    const roam = await restarted.rest('openim/admin_getroammsg', { Operator_Account: 'crash2', Peer_Account: 'crash1', MaxCnt: 10, MinTime: 0, MaxTime: 4_000_000_000 });
    expect(roam.MsgCnt).toBe(1);
    await eventually(async () => expect(readLocalLog(server.dataDir).filter((e) => e.type === 'c2c.message' && e.key === 'u:crash2')).toHaveLength(1), 15_000);
    await new Promise((r) => setTimeout(r, 3000)); // a second sweep must not publish it again
    await restarted.kill('SIGTERM');
    expect(readLocalLog(server.dataDir).filter((e) => e.type === 'c2c.message' && e.key === 'u:crash2')).toHaveLength(1);
    await restarted.stop();
  });
});

describe('events that are not stream entries, across a crash (embedded mode)', () => {
  const down = async (server: ParleyProcess) => eventually(async () => expect(await fetch(`${server.url}/health`).then(() => 'up', () => 'down')).toBe('down'));
  const imported = (dataDir: string, userId: string) => readLocalLog(dataDir).filter((e) => e.type === 'account.imported' && e.data.userIds.includes(userId));
  const created = (dataDir: string, groupId: string) => readLocalLog(dataDir).filter((e) => e.type === 'group.created' && e.data.groupId === groupId);

  it('publishes an import and a group creation recorded just before a crash once each, after the restart', async () => {
    const { start, stopAll } = processes();
    try {
      const first = await start({ env: { PARLEY_FAULT: 'exit-before-event' } });
      const dataDir = first.dataDir;
      await first.rest('im_open_login_svc/account_import', { UserID: 'outbox1' }).catch(() => undefined);
      await down(first);
      expect(imported(dataDir, 'outbox1')).toHaveLength(0);

      const second = await start({ dataDir, env: { PARLEY_FAULT: 'exit-before-event' } });
      await eventually(async () => expect(imported(dataDir, 'outbox1')).toHaveLength(1), 15_000);
      await second.rest('group_open_http_svc/create_group', { Owner_Account: 'outbox1', Type: 'Public', GroupId: 'outbox_group', Name: 'made, then crash' }).catch(() => undefined);
      await down(second);
      expect(created(dataDir, 'outbox_group')).toHaveLength(0);

      const third = await start({ dataDir });
      const info = await third.rest('group_open_http_svc/get_group_info', { GroupIdList: ['outbox_group'] });
      expect(info.GroupInfo).toMatchObject([{ ErrorCode: 0, GroupId: 'outbox_group', Owner_Account: 'outbox1' }]);
      await eventually(async () => expect(created(dataDir, 'outbox_group')).toHaveLength(1), 15_000);
      await new Promise((r) => setTimeout(r, 3000)); // a second sweep must not publish them again
      await third.kill('SIGTERM');
      expect(created(dataDir, 'outbox_group')).toEqual([expect.objectContaining({ id: 'g:outbox_group#created', key: 'g:outbox_group', data: expect.objectContaining({ owner: 'outbox1' }) })]);
      expect(imported(dataDir, 'outbox1')).toHaveLength(1);
    } finally {
      await stopAll();
    }
  });
});

describe.skipIf(unavailable('kafka') !== undefined)('events on Kafka', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');

  /** Reads `<prefix>.events` with a consumer group into `into` until stopped. */
  async function consume(topic: string, group: string, into: ParleyEvent[]): Promise<() => Promise<void>> {
    const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void into.push(JSON.parse(message.value?.toString() ?? 'null') as ParleyEvent) });
    return () => consumer.disconnect();
  }

  it('lets an app server read every message event in per-stream order across a consumer restart', async () => {
    const prefix = `parley-test-${randomBytes(4).toString('hex')}`;
    const server = await ParleyProcess.start({ env: { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix } });
    try {
      const groupId = await setUp(server);
      const topic = `${prefix}.events`;
      const got: ParleyEvent[] = [];
      let stop = await consume(topic, `${prefix}-app`, got);
      await sendSome(server, groupId, 40, 'first');
      await waitFor(() => got.filter((e) => e.type === 'c2c.message').length >= 20, 'events before the restart', 30_000);
      await stop();
      await sendSome(server, groupId, 40, 'second', 40);
      stop = await consume(topic, `${prefix}-app`, got);
      await waitFor(() => new Set(got.filter((e) => e.type === 'c2c.message').map((e) => e.id)).size >= 80, 'every C2C event', 30_000);
      await waitFor(() => new Set(got.filter((e) => e.type === 'group.message').map((e) => e.id)).size >= 40, 'every group event', 30_000);
      await stop();
      const byStream = firstSeenSeqs(got);
      for (const [key, seqs] of byStream) expect({ key, seqs }).toEqual({ key, seqs: [...seqs].sort((a, b) => a - b) });
      expect(byStream.get(`g:${groupId}`)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await server.stop();
    }
  });

  it('publishes a group creation recorded just before a crash once, after the restart', async () => {
    const prefix = `parley-test-${randomBytes(4).toString('hex')}`;
    const env = { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix };
    const { start, stopAll } = processes();
    try {
      const server = await start({ env });
      await server.importAccounts(['kout1']);
      await server.kill('SIGTERM');
      const crashing = await start({ dataDir: server.dataDir, env: { ...env, PARLEY_FAULT: 'exit-before-event' } });
      await crashing.rest('group_open_http_svc/create_group', { Owner_Account: 'kout1', Type: 'Public', GroupId: 'kout_group', Name: 'made, then crash' }).catch(() => undefined);
      await eventually(async () => expect(await fetch(`${crashing.url}/health`).then(() => 'up', () => 'down')).toBe('down'));
      await start({ dataDir: server.dataDir, env });
      const got: ParleyEvent[] = [];
      const stop = await consume(`${prefix}.events`, `${prefix}-app`, got);
      await waitFor(() => got.some((e) => e.type === 'group.created' && e.data.groupId === 'kout_group'), 'the recorded group.created', 30_000);
      await new Promise((r) => setTimeout(r, 3000)); // a duplicate, if any, would arrive within the sweep interval
      await stop();
      expect(got.filter((e) => e.type === 'group.created' && e.data.groupId === 'kout_group')).toHaveLength(1);
    } finally {
      await stopAll();
    }
  });

  it('emits the event of a message stored just before a crash once, after the restart', async () => {
    const prefix = `parley-test-${randomBytes(4).toString('hex')}`;
    const env = { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix };
    const server = await ParleyProcess.start({ env: { ...env, PARLEY_FAULT: 'exit-before-emit' } });
    await server.importAccounts(['kcrash1', 'kcrash2']);
    await server.rest('openim/sendmsg', { From_Account: 'kcrash1', To_Account: 'kcrash2', MsgRandom: 7, MsgBody: text('stored, then crash') }).catch(() => undefined);
    await eventually(async () => expect(await fetch(`${server.url}/health`).then(() => 'up', () => 'down')).toBe('down'));
    const restarted = await ParleyProcess.start({ dataDir: server.dataDir, env });
    try {
      const got: ParleyEvent[] = [];
      const stop = await consume(`${prefix}.events`, `${prefix}-app`, got);
      await waitFor(() => got.some((e) => e.type === 'c2c.message' && e.key === 'u:kcrash2'), 'the re-emitted event', 30_000);
      await new Promise((r) => setTimeout(r, 3000)); // a duplicate, if any, would arrive within the sweep interval
      await stop();
      expect(got.filter((e) => e.type === 'c2c.message' && e.key === 'u:kcrash2')).toHaveLength(1);
    } finally {
      await restarted.stop();
    }
  });
});
