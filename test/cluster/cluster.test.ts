import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { groupRoomId } from '../../src/cluster/room-ids.ts';
import type { StreamEvent } from '../../src/protocol/entries.ts';
import { ParleyCluster } from '../helpers/parley-cluster.ts';
import { unavailable } from '../helpers/services.ts';
import { eventually, text, waitFor } from '../helpers/wait.ts';

const missing = unavailable('cassandra') ?? unavailable('redis');

/** The value of one metric sample on one node (0 if absent). */
async function metric(url: string, sample: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

const sumOver = async (cluster: ParleyCluster, sample: string): Promise<number[]> => Promise.all(cluster.urls.map((u) => metric(u, sample)));
const textOf = (ev: StreamEvent): string => (ev.entry.kind === 'c2c' || ev.entry.kind === 'group' ? (ev.entry.body[0].MsgContent as { Text: string }).Text : '');

describe.skipIf(missing !== undefined)('a cluster of 3 nodes on Redis and Cassandra', () => {
  describe('routing', () => {
    let cluster: ParleyCluster;
    const clients: ParleyClient[] = [];

    beforeAll(async () => {
      cluster = await ParleyCluster.start({ nodes: 3, redisDb: 1 });
    });

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await cluster?.stop();
    });

    it('lets clients on different nodes chat one to one and in a group, and serves REST on any node', async () => {
      const users = Array.from({ length: 6 }, (_, i) => `route${i}`);
      await cluster.nodes[0].importAccounts(users);
      const got = new Map<string, string[]>(users.map((u) => [u, []]));
      for (const [i, u] of users.entries()) {
        clients.push(await cluster.login(u, i % 3, { onEvent: (ev) => got.get(u)!.push(`${ev.stream}#${ev.seq}:${textOf(ev)}`) }));
      }
      const inboxes = await sumOver(cluster, 'parley_actors_active{type="inbox"}');
      expect(inboxes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

      for (const [i, u] of users.slice(1).entries()) await clients[0].sendC2C(u, text(`hi ${u}`), { random: i });
      const viaRest = await cluster.rest(2, 'openim/sendmsg', { From_Account: 'route3', To_Account: 'route0', MsgRandom: 77, MsgBody: text('rest from node 2') });
      expect(viaRest.ErrorCode).toBe(0);
      for (const u of users.slice(1)) await waitFor(() => got.get(u)!.some((e) => e.endsWith(`hi ${u}`)), `${u} to get its message`);
      await waitFor(() => got.get('route0')!.some((e) => e.endsWith('rest from node 2')), 'route0 to get the REST message');

      const created = await cluster.rest(1, 'group_open_http_svc/create_group', { Owner_Account: 'route0', Type: 'Public', Name: 'across', MemberList: users.slice(1).map((m) => ({ Member_Account: m })) });
      expect(created.ErrorCode).toBe(0);
      const groupId = created.GroupId as string;
      const seqs: number[] = [];
      for (const node of [0, 1, 2]) {
        const r = await cluster.rest(node, 'group_open_http_svc/send_group_msg', { GroupId: groupId, Random: node, MsgBody: text(`g via ${node}`) });
        seqs.push(r.MsgSeq as number);
      }
      seqs.push((await clients[4].sendGroup(groupId, text('g from a client'))).seq);
      expect(seqs).toEqual([1, 2, 3, 4]);
      const expected = ['g via 0', 'g via 1', 'g via 2', 'g from a client'].map((t, i) => `g:${groupId}#${i + 1}:${t}`);
      for (const u of users) {
        await waitFor(() => got.get(u)!.filter((e) => e.startsWith(`g:${groupId}#`)).length >= 4, `${u} to get the group messages`);
        expect(got.get(u)!.filter((e) => e.startsWith(`g:${groupId}#`))).toEqual(expected);
      }
    });
  });

  describe('single activation', () => {
    let cluster: ParleyCluster;

    beforeAll(async () => {
      cluster = await ParleyCluster.start({ nodes: 3, redisDb: 1, env: { PARLEY_IDLE_PASSIVATE_MS: '1500' } });
    });

    afterAll(async () => {
      await cluster?.stop();
    });

    it('activates a group exactly once for 100 concurrent first calls from 3 nodes', async () => {
      await cluster.nodes[0].importAccounts(['solo']);
      const created = await cluster.rest(0, 'group_open_http_svc/create_group', { Owner_Account: 'solo', Type: 'Public', Name: 'race' });
      const groupId = created.GroupId as string;
      await eventually(async () => expect((await sumOver(cluster, 'parley_actors_active{type="group"}')).reduce((a, b) => a + b)).toBe(0), 15_000);

      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => cluster.rest(i % 3, 'group_open_http_svc/send_group_msg', { GroupId: groupId, Random: i, MsgBody: text(`race ${i}`) })),
      );
      expect(answers.map((a) => a.ErrorCode)).toEqual(Array.from({ length: 100 }, () => 0));
      expect(answers.map((a) => a.MsgSeq as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));

      const active = await sumOver(cluster, 'parley_actors_active{type="group"}');
      expect(active.reduce((a, b) => a + b)).toBe(1);
      const redis = new Redis(cluster.redisUrl);
      const listing = JSON.parse((await redis.hget('roomcaches', groupRoomId(groupId))) ?? '{}') as { processId?: string };
      redis.disconnect();
      expect(typeof listing.processId).toBe('string');
    });
  });
});
