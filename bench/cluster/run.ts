/**
 * `npm run bench:cluster`: what clustering costs, on this machine, with real processes on the
 * service scripts' Redis and Cassandra (`npm run services:up` first). Reports
 * - C2C send→deliver latency at ~100 msg/s when sender and receiver inboxes live on the same node vs on
 *   different nodes;
 * - fan-out of a 1,000-member group with online members spread over 3 nodes: node-bus messages per
 *   group message and deliveries/s;
 * - REST sendmsg throughput of a 1-node and of a 3-node cluster (same machine: the nodes share 2 cores);
 * - failover: group sends through the survivors while a node is killed (failover.ts).
 * `-- --only=failover` runs the failover scenario alone.
 * Writes bench/results/cluster-<time>.json and cluster-latest.md.
 */
import '../driver/node-websocket.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { signUserSig } from '../../src/auth/user-sig.ts';
import { ParleyClient } from '../../src/client/parley-client.ts';
import { inboxRoomId } from '../../src/cluster/room-ids.ts';
import { roomListingsKey } from '../../src/cluster/single-activation-driver.ts';
import type { StreamEvent } from '../../src/protocol/entries.ts';
import { freePort, runToExit, writeSideRun } from '../lib/side-run.ts';
import { RestClient } from '../servers/rest-client.ts';
import { ServerProcess } from '../servers/server-process.ts';
import { type FailoverResult, failover } from './failover.ts';


interface Node {
  readonly url: string;
  readonly address: string;
  readonly server: ServerProcess;
}

interface Cluster {
  readonly nodes: Node[];
  readonly identity: { sdkAppId: number; secretKey: string };
  readonly redisUrl: string;
  readonly clusterName: string;
  stop(): Promise<void>;
}

async function startNode(env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const server = await ServerProcess.start({ kind: 'parley', port, env: { ...env, PARLEY_PUBLIC_ADDRESS: address } });
  return { url: server.url, address, server };
}

async function startCluster(n: number, db: number): Promise<Cluster> {
  const redisUrl = `${process.env.REDIS_URL}/${db}`;
  const r = new Redis(redisUrl);
  await r.flushdb();
  r.disconnect();
  const identity = { sdkAppId: 1_400_000_000 + Math.floor(Math.random() * 9e7), secretKey: randomBytes(24).toString('hex') };
  const env = {
    CASSANDRA_CONTACT_POINTS: process.env.CASSANDRA_CONTACT_POINTS ?? '',
    CASSANDRA_LOCAL_DC: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
    CASSANDRA_KEYSPACE: `parley_bench_${randomBytes(4).toString('hex')}`,
    REDIS_URL: redisUrl,
    PARLEY_CLUSTER_NAME: `bench-${randomBytes(3).toString('hex')}`,
    PARLEY_SDKAPPID: String(identity.sdkAppId),
    PARLEY_SECRET_KEY: identity.secretKey,
  };
  const first = await startNode(env);
  const rest = await Promise.all(Array.from({ length: n - 1 }, () => startNode(env)));
  const nodes = [first, ...rest];
  return {
    nodes,
    identity,
    redisUrl,
    clusterName: env.PARLEY_CLUSTER_NAME,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.server.stop()));
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: +percentile(s, 50).toFixed(2), p99: +percentile(s, 99).toFixed(2), max: +(s[s.length - 1] ?? 0).toFixed(2) };
};

async function metric(url: string, sample: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

async function login(c: Cluster, userId: string, via: number, onEvent?: (ev: StreamEvent) => void): Promise<ParleyClient> {
  const urls = c.nodes.map((n) => n.url);
  return ParleyClient.login({
    endpoint: urls[via % urls.length],
    fallbackEndpoints: urls,
    userId,
    userSig: signUserSig({ sdkAppId: c.identity.sdkAppId, key: c.identity.secretKey, identifier: userId }),
    onEvent,
  });
}

/** The node (index) hosting each user's inbox, from the cluster's room listings. */
async function inboxNodes(c: Cluster, users: readonly string[]): Promise<Map<string, number>> {
  const r = new Redis(c.redisUrl);
  const out = new Map<string, number>();
  for (const u of users) {
    const listing = JSON.parse((await r.hget(roomListingsKey(c.clusterName), inboxRoomId(u))) ?? '{}') as { publicAddress?: string };
    out.set(u, c.nodes.findIndex((n) => n.address === listing.publicAddress));
  }
  r.disconnect();
  return out;
}

async function latencySameVsCross(c: Cluster): Promise<{ same: ReturnType<typeof stats>; cross: ReturnType<typeof stats> }> {
  const users = Array.from({ length: 30 }, (_, i) => `lat${i}`);
  const rest = new RestClient(c.nodes[0].url, c.identity);
  await rest.call('im_open_login_svc/multiaccount_import', { Accounts: users });
  const sentAt = new Map<string, number>();
  const same: number[] = [];
  const cross: number[] = [];
  let where = new Map<string, number>();
  const clients = await Promise.all(users.map((u, i) => login(c, u, i, (ev) => {
    const e = ev.entry;
    if (e.kind !== 'c2c' || e.to !== u) return;
    const id = (e.body[0].MsgContent as { Data?: string }).Data ?? '';
    const t0 = sentAt.get(id);
    if (t0 === undefined) return;
    sentAt.delete(id);
    (where.get(e.from) === where.get(e.to) ? same : cross).push(performance.now() - t0);
  })));
  where = await inboxNodes(c, users);
  for (let k = 0; k < 1000; k++) {
    const from = k % users.length;
    const to = (from + 1 + (k % 7)) % users.length;
    const id = `m${k}`;
    sentAt.set(id, performance.now());
    void clients[from].sendC2C(users[to], [{ MsgType: 'TIMCustomElem', MsgContent: { Data: id } }]);
    // ~100 msg/s, well under what 3 nodes + Cassandra sustain on 2 cores: latency, not queueing
    if (k % 2 === 1) await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 2000));
  await Promise.all(clients.map((cl) => cl.close()));
  return { same: stats(same), cross: stats(cross) };
}

async function groupFanOut(c: Cluster): Promise<Record<string, number>> {
  const members = Array.from({ length: 1000 }, (_, i) => `fan${i}`);
  const rest = new RestClient(c.nodes[0].url, c.identity, 32);
  for (let i = 0; i < members.length; i += 100) await rest.call('im_open_login_svc/multiaccount_import', { Accounts: members.slice(i, i + 100) });
  const created = await rest.call('group_open_http_svc/create_group', { Owner_Account: members[0], Type: 'ChatRoom', Name: 'fan-out', MemberList: members.slice(1, 100).map((m) => ({ Member_Account: m })) });
  const groupId = created.GroupId as string;
  for (let i = 100; i < members.length; i += 300) {
    await rest.call('group_open_http_svc/add_group_member', { GroupId: groupId, Silence: 1, MemberList: members.slice(i, i + 300).map((m) => ({ Member_Account: m })) });
  }
  let delivered = 0;
  const online = members.slice(0, 300);
  const clients: ParleyClient[] = [];
  for (let i = 0; i < online.length; i += 25) {
    clients.push(...(await Promise.all(online.slice(i, i + 25).map((u, j) => login(c, u, i + j, (ev) => ev.entry.kind === 'group' && delivered++)))));
  }
  const nodesHosting = new Set((await inboxNodes(c, online)).values()).size;
  const busBefore = await Promise.all(c.nodes.map((n) => metric(n.url, 'parley_bus_messages_total{type="deliver"}')));
  const messages = 400;
  delivered = 0;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < messages) {
      const i = next++;
      await rest.call('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: i, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `f${i}` } }] });
    }
  }));
  const want = messages * online.length;
  while (delivered < want && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const busAfter = await Promise.all(c.nodes.map((n) => metric(n.url, 'parley_bus_messages_total{type="deliver"}')));
  const bus = busAfter.reduce((a, b) => a + b) - busBefore.reduce((a, b) => a + b);
  await Promise.all(clients.map((cl) => cl.close()));
  return { members: members.length, online: online.length, nodesHosting, messages, delivered, deliveriesPerSecond: Math.round(delivered / seconds), busMessagesPerGroupMessage: +(bus / messages).toFixed(2) };
}

async function restThroughput(c: Cluster, seconds: number): Promise<number> {
  const users = Array.from({ length: 40 }, (_, i) => `tp${i}`);
  const clients = c.nodes.map((n) => new RestClient(n.url, c.identity, 32));
  await clients[0].call('im_open_login_svc/multiaccount_import', { Accounts: users });
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: 64 }, async (_, w) => {
    for (let k = 0; performance.now() < until; k++) {
      const r = await clients[(w + k) % clients.length].call('openim/sendmsg', { From_Account: users[w % 40], To_Account: users[(w + 1) % 40], MsgRandom: w * 1_000_000 + k, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] });
      if (r.ErrorCode === 0) done++;
    }
  }));
  return Math.round(done / seconds);
}

/** The failover scenario on a cluster of its own (one node of which it kills). */
async function failoverRun(): Promise<FailoverResult> {
  const c = await startCluster(3, 4);
  try {
    return await failover(c.nodes.map((n) => ({ url: n.url, kill: () => process.kill(n.server.pid, 'SIGKILL') })), c.identity);
  } finally {
    await c.stop();
  }
}

function failoverLines(f: FailoverResult): string[] {
  return [
    `Failover: ${f.groups} groups, ${f.groupsOnKilledNode} on the node killed with SIGKILL; ${f.sends} REST group sends through the survivors, ${f.failedSends} refused.`,
    `The killed node's groups answered again after p50 ${f.unavailableP50Ms} ms, at most ${f.unavailableMaxMs} ms; sends outside that window: p50 ${f.latency.p50} ms, p99 ${f.latency.p99} ms, max ${f.latency.max} ms (n ${f.latency.n}).`,
    `Integrity: ${f.lostAcknowledged} acknowledged messages lost, ${f.duplicates} stored twice, ${f.seqGaps} SEQ gaps.`,
  ];
}

async function main(): Promise<void> {
  if (!process.env.REDIS_URL || !process.env.CASSANDRA_CONTACT_POINTS) {
    throw new Error('run the services first: npm run services:up && eval "$(scripts/services/services.sh env)"');
  }
  if (process.argv.includes('--only=failover')) {
    const fo = await failoverRun();
    const time = new Date().toISOString();
    writeSideRun('cluster-failover', time, { time, failover: fo }, ['# Cluster failover (3 nodes on one 2-core machine, Redis + Cassandra)', '', ...failoverLines(fo), ''].join('\n'));
    return;
  }
  const three = await startCluster(3, 3);
  const latency = await latencySameVsCross(three);
  const fanout = await groupFanOut(three);
  const tp3 = await restThroughput(three, 10);
  await three.stop();
  const one = await startCluster(1, 3);
  const tp1 = await restThroughput(one, 10);
  await one.stop();
  // Last: it kills a node, and leaves Cassandra busier than the other scenarios should find it.
  const fo = await failoverRun();
  const result = { time: new Date().toISOString(), latency, fanout, restSendmsgPerSecond: { oneNode: tp1, threeNodes: tp3, ratio: +(tp3 / tp1).toFixed(2) }, failover: fo };
  const md = [
    '# Cluster costs (3 nodes on one 2-core machine, Redis + Cassandra)',
    '',
    `| C2C send→deliver | n | p50 ms | p99 ms | max ms |`,
    '|---|---|---|---|---|',
    `| same node | ${latency.same.n} | ${latency.same.p50} | ${latency.same.p99} | ${latency.same.max} |`,
    `| cross node | ${latency.cross.n} | ${latency.cross.p50} | ${latency.cross.p99} | ${latency.cross.max} |`,
    `| ratio cross/same | | ${(latency.cross.p50 / latency.same.p50).toFixed(2)} | ${(latency.cross.p99 / latency.same.p99).toFixed(2)} | |`,
    '',
    `Group fan-out: ${fanout.members} members, ${fanout.online} online on ${fanout.nodesHosting} nodes, ${fanout.messages} messages → ${fanout.deliveriesPerSecond} deliveries/s, ${fanout.busMessagesPerGroupMessage} node-bus messages per group message.`,
    '',
    `REST sendmsg, 64 concurrent callers: 1 node ${tp1}/s, 3 nodes ${tp3}/s (ratio ${result.restSendmsgPerSecond.ratio}; the nodes share the same 2 cores and one Cassandra).`,
    '',
    ...failoverLines(fo),
    '',
  ].join('\n');
  writeSideRun('cluster', result.time, result, md);
}

runToExit(main);
