/**
 * AVChatRoom audiences across nodes: the audience lives with the group's actor, its members' inboxes
 * elsewhere; when the group's actor moves, the inboxes' periodic re-join (PARLEY_AUDIENCE_REJOIN_S) brings its audience back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { groupRoomId, inboxRoomId } from '../../src/cluster/room-ids.ts';
import type { GroupMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { ParleyCluster } from '../helpers/parley-cluster.ts';
import { unavailable } from '../helpers/services.ts';
import { eventually, text, waitFor } from '../helpers/wait.ts';

const missing = unavailable('cassandra') ?? unavailable('redis');
const textOf = (e: StreamEvent): string | undefined => (e.entry.kind === 'group' ? ((e.entry as GroupMessage).body[0]?.MsgContent as { Text?: string }).Text : undefined);

describe.skipIf(missing !== undefined)('AVChatRoom audiences in a cluster of 2 nodes', () => {
  let cluster: ParleyCluster;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    cluster = await ParleyCluster.start({ nodes: 2, redisDb: 4, env: { PARLEY_AUDIENCE_REJOIN_S: '1' } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cluster?.stop();
  });

  it('delivers to a user whose inbox is on another node than the group, and forgets them when they go offline', async () => {
    const created = await cluster.rest(0, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'across nodes' });
    expect(created.ErrorCode).toBe(0);
    const groupId = created.GroupId as string;
    const ids = await cluster.nodeIds();
    const groupNode = ParleyCluster.placed(groupRoomId(groupId), ids);
    // A user whose inbox actor is placed on the other node.
    const userId = Array.from({ length: 50 }, (_, i) => `avc_${i}`).find((u) => ParleyCluster.placed(inboxRoomId(u), ids) !== groupNode);
    expect(userId).toBeDefined();
    await cluster.nodes[0].importAccounts([userId!]);
    const events: StreamEvent[] = [];
    const c = await cluster.login(userId!, 1 - groupNode, { onEvent: (ev) => events.push(ev) });
    clients.push(c);

    expect(await c.joinGroup(groupId)).toEqual({ audience: true });
    expect((await cluster.rest(groupNode, 'group_open_http_svc/get_online_member_num', { GroupId: groupId })).OnlineMemberNum).toBe(1);
    const sent = await cluster.rest(1 - groupNode, 'group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 1, MsgBody: text('across') });
    expect(sent).toMatchObject({ ErrorCode: 0, MsgSeq: 0 });
    await waitFor(() => events.some((e) => textOf(e) === 'across' && e.seq === 0), 'the message on the other node');

    await c.close();
    await eventually(async () => expect((await cluster.rest(0, 'group_open_http_svc/get_online_member_num', { GroupId: groupId })).OnlineMemberNum).toBe(0));
  });

  it('gives a group actor that moved to another node its audience back within a re-join period, without the clients reconnecting', async () => {
    const created = await cluster.rest(0, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'moving' });
    const groupId = created.GroupId as string;
    const ids = await cluster.nodeIds();
    const groupNode = ParleyCluster.placed(groupRoomId(groupId), ids);
    const survivor = 1 - groupNode;
    const userId = Array.from({ length: 50 }, (_, i) => `avm_${i}`).find((u) => ParleyCluster.placed(inboxRoomId(u), ids) === survivor);
    await cluster.nodes[0].importAccounts([userId!]);
    const events: StreamEvent[] = [];
    const c = await cluster.login(userId!, survivor, { onEvent: (ev) => events.push(ev) });
    clients.push(c);
    expect(await c.joinGroup(groupId)).toEqual({ audience: true });
    const online = async () => (await cluster.rest(survivor, 'group_open_http_svc/get_online_member_num', { GroupId: groupId })).OnlineMemberNum;
    expect(await online()).toBe(1);

    // The group's node goes away: its actor (and the audience in its memory) comes back on the survivor.
    await cluster.nodes[groupNode].kill('SIGTERM');
    await eventually(async () => expect(await online()).toBe(1), 30_000);
    const sent = await cluster.rest(survivor, 'group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 2, MsgBody: text('after the move') });
    expect(sent).toMatchObject({ ErrorCode: 0, MsgSeq: 0 });
    await waitFor(() => events.some((e) => textOf(e) === 'after the move'), 'the message after the move');
  });
});
