/**
 * Cluster faults found under load (issue 10), each as a regression test on real Redis and
 * Cassandra: a node paused past its TTL rejoins, calls retried across a timeout answer their first
 * outcome, concurrent creates of one group id serialize, a crashed node's actors come back on the
 * others, a graceful stop records every emission position, and clusters sharing a Redis stay apart.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { groupRoomId, inboxRoomId } from '../../src/cluster/room-ids.ts';
import { ParleyCluster, type ParleyClusterOptions } from '../helpers/parley-cluster.ts';
import { unavailable } from '../helpers/services.ts';
import { text } from '../helpers/wait.ts';

const missing = unavailable('cassandra') ?? unavailable('redis');
const env = { PARLEY_NODE_TTL_MS: '4000', PARLEY_HEARTBEAT_MS: '1000', PARLEY_AUDIT_EVERY_MS: '1500', PARLEY_CALL_TIMEOUT_MS: '1500' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ids (`<prefix><n>`) whose actor room placement puts on node `node`, `count` of them. */
function idsPlacedOn(prefix: string, roomIdOf: (id: string) => string, ids: readonly string[], node: number, count: number): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) {
    const id = `${prefix}${n}`;
    if (ParleyCluster.placed(roomIdOf(id), ids) === node) out.push(id);
  }
  return out;
}

/** Runs `body` against a fresh cluster and stops it whatever happens. */
async function withCluster(o: ParleyClusterOptions, body: (cluster: ParleyCluster) => Promise<void>): Promise<void> {
  const cluster = await ParleyCluster.start(o);
  try {
    await body(cluster);
  } finally {
    await cluster.stop();
  }
}

describe.skipIf(missing !== undefined)('a cluster of 3 nodes under faults, in detail', () => {
  it('takes back a node paused past its TTL: first calls through every node to actors on it succeed', async () => {
    await withCluster({ nodes: 3, redisDb: 2, env }, async (cluster) => {
    const ids = await cluster.nodeIds();
    const paused = 2;
    const groups = idsPlacedOn('resume-g', groupRoomId, ids, paused, 4);
    const users = idsPlacedOn('resume-u', inboxRoomId, ids, paused, 4);
    await cluster.nodes[0].importAccounts(['resume-s', ...users]);
    for (const g of groups) expect((await cluster.rest(0, 'group_open_http_svc/create_group', { Owner_Account: 'resume-s', Type: 'Public', GroupId: g, Name: g })).ErrorCode).toBe(0);
    for (const u of users) expect((await cluster.rest(0, 'openim/sendmsg', { From_Account: 'resume-s', To_Account: u, MsgRandom: 1, MsgBody: text('before') })).ErrorCode).toBe(0);

    cluster.nodes[paused].signal('SIGSTOP');
    await sleep(5000); // past the 4 s TTL: the others declare it dead
    // Traffic while it is away moves half of its actors elsewhere.
    for (const g of groups.slice(0, 2)) expect((await cluster.rest(0, 'group_open_http_svc/send_group_msg', { GroupId: g, From_Account: 'resume-s', Random: 1, MsgBody: text('while away') })).ErrorCode).toBe(0);
    cluster.nodes[paused].signal('SIGCONT');
    await sleep(1500);

    // Actors placed on the resumed node after it is back, created through each node …
    const fresh = idsPlacedOn('resume-new', groupRoomId, ids, paused, 6);
    for (const [i, g] of fresh.entries()) {
      const r = await cluster.rest(i % 3, 'group_open_http_svc/create_group', { Owner_Account: 'resume-s', Type: 'Public', GroupId: g, Name: g });
      expect({ g, code: r.ErrorCode }).toEqual({ g, code: 0 });
    }
    // … then first calls to them from the nodes that did not create them, and to the older ones, through every node.
    const failures: string[] = [];
    let random = 100;
    for (const via of [1, 2, 0]) {
      for (const g of [...fresh, ...groups]) {
        const r = await cluster.rest(via, 'group_open_http_svc/send_group_msg', { GroupId: g, From_Account: 'resume-s', Random: random++, MsgBody: text(`after via ${via}`) });
        if (r.ErrorCode !== 0) failures.push(`group ${g} via ${via}: ${r.ErrorCode} ${r.ErrorInfo}`);
      }
      for (const u of users) {
        const r = await cluster.rest(via, 'openim/sendmsg', { From_Account: 'resume-s', To_Account: u, MsgRandom: random++, MsgBody: text(`after via ${via}`) });
        if (r.ErrorCode !== 0) failures.push(`inbox ${u} via ${via}: ${r.ErrorCode} ${r.ErrorInfo}`);
      }
    }
    expect(failures).toEqual([]);
    // Every group holds exactly what was acknowledged, in SEQ order without gaps.
    for (const [i, g] of [...fresh, ...groups].entries()) {
      const h = await cluster.rest(1, 'group_open_http_svc/group_msg_get_simple', { GroupId: g, ReqMsgNumber: 20 });
      const count = i >= fresh.length && i < fresh.length + 2 ? 4 : 3;
      expect({ g, seqs: (h.RspMsgList as { MsgSeq: number }[]).map((m) => m.MsgSeq) }).toEqual({ g, seqs: Array.from({ length: count }, (_, k) => count - k) });
    }
    });
  });

  it('answers a create_group whose call timed out and was retried with its first outcome, not 10025', async () => {
    await withCluster({ nodes: 3, redisDb: 2, env }, async (cluster) => {
    const ids = await cluster.nodeIds();
    // The group lives on node 0, one member's inbox on node 2 (paused), the caller is node 1.
    const [groupId] = idsPlacedOn('retry-g', groupRoomId, ids, 0, 1);
    const [member] = idsPlacedOn('retry-m', inboxRoomId, ids, 2, 1);
    await cluster.nodes[0].importAccounts(['retry-owner', member]);
    // Both actors active before the pause, so the create's calls go over the bus and time out there.
    expect((await cluster.rest(1, 'group_open_http_svc/get_group_info', { GroupIdList: [groupId] })).GroupInfo).toEqual([expect.objectContaining({ ErrorCode: 10010 })]);
    expect((await cluster.rest(1, 'openim/sendmsg', { From_Account: 'retry-owner', To_Account: member, MsgRandom: 1, MsgBody: text('hello') })).ErrorCode).toBe(0);
    cluster.nodes[2].signal('SIGSTOP');
    // The create waits on the paused member's inbox for longer than the 1.5 s call timeout.
    const created = cluster.rest(1, 'group_open_http_svc/create_group', { Owner_Account: 'retry-owner', Type: 'Public', GroupId: groupId, Name: 'retried', MemberList: [{ Member_Account: member }] });
    await sleep(6000);
    cluster.nodes[2].signal('SIGCONT');
    expect(await created).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, GroupId: groupId });
    const again = await cluster.rest(1, 'group_open_http_svc/create_group', { Owner_Account: 'retry-owner', Type: 'Public', GroupId: groupId, Name: 'retried' });
    expect(again.ErrorCode).toBe(10025);
    const info = await cluster.rest(0, 'group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
    expect((info.GroupInfo as { MemberNum: number }[])[0].MemberNum).toBe(2);
    });
  });

  it('creates a group once for 100 concurrent create_group calls with one id: one OK, every other 10025, no internal error', async () => {
    await withCluster({ nodes: 3, redisDb: 2 }, async (cluster) => {
    await cluster.nodes[0].importAccounts(['race-owner']);
    const calls = Array.from({ length: 100 }, (_, i) =>
      cluster.rest(i % 3, 'group_open_http_svc/create_group', { Owner_Account: 'race-owner', Type: 'Public', GroupId: 'race-once', Name: `race ${i}` }),
    );
    const codes = (await Promise.all(calls)).map((r) => r.ErrorCode);
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c !== 0 && c !== 10025)).toEqual([]);
    const info = await cluster.rest(2, 'group_open_http_svc/get_group_info', { GroupIdList: ['race-once'] });
    expect((info.GroupInfo as { ErrorCode: number; MemberNum: number }[])[0]).toMatchObject({ ErrorCode: 0, MemberNum: 1 });
    });
  });

  it('serves a killed node’s actors from the others: every send through a survivor succeeds after the kill', async () => {
    await withCluster({ nodes: 3, redisDb: 2, env }, async (cluster) => {
    const ids = await cluster.nodeIds();
    const groups = idsPlacedOn('kill-g', groupRoomId, ids, 1, 3);
    await cluster.nodes[0].importAccounts(['kill-s']);
    for (const g of groups) expect((await cluster.rest(0, 'group_open_http_svc/create_group', { Owner_Account: 'kill-s', Type: 'Public', GroupId: g, Name: g })).ErrorCode).toBe(0);
    await cluster.nodes[1].kill('SIGKILL');
    const codes: number[] = [];
    for (const [i, g] of groups.entries()) {
      for (const via of [0, 2]) {
        codes.push((await cluster.rest(via, 'group_open_http_svc/send_group_msg', { GroupId: g, From_Account: 'kill-s', Random: 10 * i + via, MsgBody: text('after the kill') })).ErrorCode);
      }
    }
    expect(codes).toEqual(groups.flatMap(() => [0, 0]));
    });
  });

  it('records every stream’s emission position before closing the store on SIGTERM under load (Kafka)', async () => {
    const kafka = { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '', KAFKA_TOPIC_PREFIX: `term-${Date.now()}` };
    const cluster = await ParleyCluster.start({ nodes: 3, redisDb: 2, env: kafka });
    let sending = true;
    try {
      const users = Array.from({ length: 60 }, (_, i) => `term-u${i}`);
      await cluster.nodes[0].importAccounts(['term-s', ...users]);
      const load = Array.from({ length: 6 }, async (_, w) => {
        for (let k = 0; sending; k++) {
          await cluster.rest(w % 2 === 0 ? 0 : 2, 'openim/sendmsg', { From_Account: 'term-s', To_Account: users[(w * 10 + k) % users.length], MsgRandom: w * 1_000_000 + k, MsgBody: text('hi') }).catch(() => undefined);
        }
      });
      await sleep(3000);
      await cluster.nodes[1].kill('SIGTERM');
      sending = false;
      await Promise.all(load);
      for (const node of cluster.nodes) await node.kill('SIGTERM');
      const complaints = cluster.nodes.flatMap((n) => n.output.split('\n').filter((l) => l.includes('could not record emitted position')));
      expect(complaints).toEqual([]);
    } finally {
      sending = false;
      await cluster.stop();
    }
  });

  it('keeps every Redis key and channel of a cluster under its name, so two clusters share one Redis apart', async () => {
    const a = await ParleyCluster.start({ nodes: 1, redisDb: 3 });
    const b = await ParleyCluster.start({ nodes: 1, redisDb: 3, flush: false });
    const redis = new Redis(a.redisUrl);
    try {
      for (const c of [a, b]) {
        await c.nodes[0].importAccounts(['shared-u', 'shared-v']);
        expect((await c.rest(0, 'openim/sendmsg', { From_Account: 'shared-u', To_Account: 'shared-v', MsgRandom: 1, MsgBody: text('hi') })).ErrorCode).toBe(0);
        expect((await c.rest(0, 'group_open_http_svc/create_group', { Owner_Account: 'shared-u', Type: 'Public', GroupId: 'shared-g', Name: 'g' })).ErrorCode).toBe(0);
      }
      const keys = await redis.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k) => !k.startsWith(`${a.clusterName}:`) && !k.startsWith(`${b.clusterName}:`))).toEqual([]);
      // Channels are shared by all databases (other clusters may be running): each must carry some cluster's name.
      const channels = (await redis.pubsub('CHANNELS', '*')) as string[];
      expect(channels.filter((c) => c.startsWith(`${a.clusterName}:`)).length).toBeGreaterThan(0);
      expect(channels.filter((c) => !/^test-[0-9a-f]+:/.test(c))).toEqual([]);
      // Each cluster lists its own actors: the same room ids, twice, under two names.
      for (const c of [a, b]) expect(await redis.hexists(`${c.clusterName}:roomcaches`, groupRoomId('shared-g'))).toBe(1);
    } finally {
      redis.disconnect();
      await a.stop();
      await b.stop();
    }
  });
});
