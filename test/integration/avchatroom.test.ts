/**
 * AVChatRoom audiences from real clients (spec §5.1–5.2): users join from the SDK with no member
 * row, messages reach the online audience live (MsgSeq 0, nothing stored), get_online_member_num
 * counts it, leaving (quit, last device gone) stops delivery, mutes hold, the SDK joins again after
 * a server restart, Group.CallbackOnMemberStateChange reports joins and leaves, a dismissal is told to
 * the audience live, and DisableApply closes the room to newcomers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { GroupMessage, GroupTip, StreamEvent } from '../../src/protocol/entries.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { eventually, text, waitFor } from '../helpers/wait.ts';
import { Webhook } from '../helpers/webhook.ts';

interface Viewer {
  readonly id: string;
  readonly c: ParleyClient;
  readonly events: StreamEvent[];
}

const AUDIENCE = 20;
const textOf = (e: StreamEvent): string | undefined => (e.entry.kind === 'group' ? ((e.entry as GroupMessage).body[0]?.MsgContent as { Text?: string }).Text : undefined);
const got = (v: Viewer, t: string): StreamEvent[] => v.events.filter((e) => textOf(e) === t);
const random = (): number => Math.floor(Math.random() * 2 ** 32);
const stateChanges = (hook: Webhook, groupId: string, type: 'Online' | 'Offline'): string[] =>
  hook
    .of('Group.CallbackOnMemberStateChange', (h) => h.body.GroupId === groupId && h.body.EventType === type)
    .flatMap((h) => (h.body.MemberList as { Member_Account: string }[]).map((m) => m.Member_Account));

describe('AVChatRoom audiences from real clients', () => {
  let hook: Webhook;
  let server: ParleyProcess;
  let groupId = '';
  const viewers: Viewer[] = [];
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { PARLEY_CALLBACK_URL: hook.url, PARLEY_CALLBACK_COMMANDS: 'Group.CallbackOnMemberStateChange' } });
    const ids = Array.from({ length: AUDIENCE }, (_, i) => `av_${i}`);
    await server.importAccounts(['av_owner', 'av_outsider', ...ids]);
    const r = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'av_owner', Type: 'AVChatRoom', Name: 'live show' });
    expect(r.ErrorCode).toBe(0);
    groupId = r.GroupId as string;
    for (const id of ids) {
      const events: StreamEvent[] = [];
      const c = await server.login(id, { onEvent: (ev) => events.push(ev) });
      clients.push(c);
      viewers.push({ id, c, events });
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    await hook.close();
  });

  const onlineNum = async (g = groupId) => server.rest('group_open_http_svc/get_online_member_num', { GroupId: g });
  const restSend = (t: string, more: Record<string, unknown> = {}) =>
    server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: random(), MsgBody: text(t), ...more });

  it('lets every user join from the client, again without harm, and counts them online (the owner once they join too)', async () => {
    for (const v of viewers) expect(await v.c.joinGroup(groupId)).toEqual({ audience: true });
    expect(await viewers[0].c.joinGroup(groupId)).toEqual({ audience: true });
    expect(await onlineNum()).toMatchObject({ ErrorCode: 0, OnlineMemberNum: AUDIENCE });

    const owner = await server.login('av_owner');
    clients.push(owner);
    // Online but not joined: not counted (Tencent: even the owner joins through the SDK).
    expect((await onlineNum()).OnlineMemberNum).toBe(AUDIENCE);
    await owner.joinGroup(groupId);
    expect((await onlineNum()).OnlineMemberNum).toBe(AUDIENCE + 1);
    const info = await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
    expect((info.GroupInfo as Record<string, unknown>[])[0]).toMatchObject({ Type: 'AVChatRoom', OnlineMemberNum: AUDIENCE + 1, MemberNum: 0 });
    await owner.quitGroup(groupId);
    expect((await onlineNum()).OnlineMemberNum).toBe(AUDIENCE);
  });

  it('delivers a REST and a client message live to every audience member exactly once, with MsgSeq 0', async () => {
    const sent = await restSend('hello audience');
    expect(sent).toMatchObject({ ErrorCode: 0, MsgSeq: 0 });
    expect((await viewers[3].c.sendGroup(groupId, text('from the crowd'))).seq).toBe(0);
    for (const t of ['hello audience', 'from the crowd']) {
      await waitFor(() => viewers.every((v) => got(v, t).length >= 1), `every viewer to get “${t}”`);
    }
    // A marker after both: once it is in, nothing more of the two can be on its way.
    await restSend('marker 1');
    await waitFor(() => viewers.every((v) => got(v, 'marker 1').length === 1), 'the marker everywhere');
    for (const v of viewers) {
      for (const t of ['hello audience', 'from the crowd']) {
        expect(got(v, t).map((e) => e.seq)).toEqual([0]);
      }
    }
    // Nothing is stored.
    expect((await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: groupId, ReqMsgNumber: 10 })).ErrorCode).not.toBe(0);
  });

  it('pushes join tips live to the audience, without a SEQ', async () => {
    await waitFor(
      () => viewers[0].events.some((e) => e.entry.kind === 'tip' && (e.entry as GroupTip).tip === 'join' && (e.entry as GroupTip).members.includes('av_19')),
      'a join tip naming the last viewer',
    );
    expect(viewers[0].events.filter((e) => e.entry.kind === 'tip').every((e) => e.seq === 0)).toBe(true);
  });

  it('refuses a send from a muted audience member (10017) and from a user outside the audience (10007)', async () => {
    expect((await server.rest('group_open_http_svc/forbid_send_msg', { GroupId: groupId, Members_Account: ['av_5'], MuteTime: 600 })).ErrorCode).toBe(0);
    await expect(viewers[5].c.sendGroup(groupId, text('muted?'))).rejects.toMatchObject({ code: 10017 });
    const outsider = await server.login('av_outsider');
    clients.push(outsider);
    await expect(outsider.sendGroup(groupId, text('not in'))).rejects.toMatchObject({ code: 10007 });
    expect((await server.rest('group_open_http_svc/forbid_send_msg', { GroupId: groupId, Members_Account: ['av_5'], MuteTime: 0 })).ErrorCode).toBe(0);
    expect((await viewers[5].c.sendGroup(groupId, text('unmuted'))).seq).toBe(0);
  });

  it('answers get_online_member_num for another type with 10007', async () => {
    const r = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'av_owner', Type: 'Public', Name: 'not live' });
    expect((await onlineNum(r.GroupId as string)).ErrorCode).toBe(10007);
  });

  it('stops delivering to a user who quit, and a quit twice answers 10007', async () => {
    const quitter = viewers[7];
    await quitter.c.quitGroup(groupId);
    await expect(quitter.c.quitGroup(groupId)).rejects.toMatchObject({ code: 10007 });
    expect((await onlineNum()).OnlineMemberNum).toBe(AUDIENCE - 1);
    await restSend('after the quit');
    // A C2C message sent after the group message reaches the quitter after it would have.
    await server.rest('openim/sendmsg', { To_Account: quitter.id, MsgRandom: random(), MsgBody: text('c2c marker') });
    await waitFor(() => quitter.events.some((e) => e.entry.kind === 'c2c'), 'the C2C marker at the quitter');
    await waitFor(() => got(viewers[8], 'after the quit').length === 1, 'another viewer to get it');
    expect(got(quitter, 'after the quit')).toEqual([]);
    await quitter.c.joinGroup(groupId);
  });

  it('drops a user whose last device closes from the count', async () => {
    await viewers[AUDIENCE - 1].c.close();
    await eventually(async () => expect((await onlineNum()).OnlineMemberNum).toBe(AUDIENCE - 1));
  });

  it('reports joins and leaves to the app server as Group.CallbackOnMemberStateChange', async () => {
    await waitFor(() => viewers.every((v) => stateChanges(hook, groupId, 'Online').includes(v.id)), 'Online for every viewer');
    await waitFor(() => stateChanges(hook, groupId, 'Offline').includes(viewers[AUDIENCE - 1].id), 'Offline for the closed client');
    const hit = hook.of('Group.CallbackOnMemberStateChange')[0];
    expect(hit.body).toMatchObject({ CallbackCommand: 'Group.CallbackOnMemberStateChange', GroupId: groupId, EventType: 'Online' });
  });

  it('joins the audience again from the SDK after a server restart, and delivers again', async () => {
    const live = viewers.slice(0, AUDIENCE - 1);
    await server.restart();
    // The restarted server knows no audience until the clients join again by themselves.
    await eventually(async () => expect((await onlineNum()).OnlineMemberNum).toBe(live.length), 30_000);
    await restSend('after the restart');
    await waitFor(() => live.every((v) => got(v, 'after the restart').length === 1), 'every reconnected viewer to get it');
  });
});

describe('AVChatRoom dismissal and closed rooms', () => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    server = await ParleyProcess.start({});
    await server.importAccounts(['avd_owner', 'avd_a', 'avd_b', 'avd_c', 'avd_d']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  const createRoom = async (more: Record<string, unknown> = {}): Promise<string> => {
    const r = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'avd_owner', Type: 'AVChatRoom', Name: 'closing', ...more });
    expect(r.ErrorCode).toBe(0);
    return r.GroupId as string;
  };
  const viewer = async (id: string): Promise<Viewer> => {
    const events: StreamEvent[] = [];
    const c = await server.login(id, { onEvent: (ev) => events.push(ev) });
    clients.push(c);
    return { id, c, events };
  };

  it('tells the live audience that the room was dismissed, live (no SEQ), before it goes', async () => {
    const groupId = await createRoom();
    const audience = [await viewer('avd_a'), await viewer('avd_b')];
    for (const v of audience) expect(await v.c.joinGroup(groupId)).toEqual({ audience: true });
    expect((await server.rest('group_open_http_svc/destroy_group', { GroupId: groupId })).ErrorCode).toBe(0);
    const dismissed = (v: Viewer) => v.events.filter((e) => e.entry.kind === 'notice' && (e.entry as { notice: string }).notice === 'group.dismissed' && (e.entry as { groupId: string }).groupId === groupId);
    await waitFor(() => audience.every((v) => dismissed(v).length === 1), 'every viewer to be told of the dismissal');
    expect(dismissed(audience[0])[0]).toMatchObject({ stream: `g:${groupId}`, seq: 0, entry: { operator: 'administrator' } });
    expect((await server.rest('group_open_http_svc/get_online_member_num', { GroupId: groupId })).ErrorCode).toBe(10010);
  });

  it('refuses audience joins with 10007 while the room is set to DisableApply, except its owner; those already in stay', async () => {
    const groupId = await createRoom();
    const early = await viewer('avd_c');
    expect(await early.c.joinGroup(groupId)).toEqual({ audience: true });
    expect((await server.rest('group_open_http_svc/modify_group_base_info', { GroupId: groupId, ApplyJoinOption: 'DisableApply' })).ErrorCode).toBe(0);
    const late = (await viewer('avd_d')).c;
    await expect(late.joinGroup(groupId)).rejects.toMatchObject({ code: 10007 });
    expect(await early.c.joinGroup(groupId)).toEqual({ audience: true });
    const owner = await viewer('avd_owner');
    expect(await owner.c.joinGroup(groupId)).toEqual({ audience: true });
    expect((await server.rest('group_open_http_svc/get_online_member_num', { GroupId: groupId })).OnlineMemberNum).toBe(2);
    expect((await server.rest('group_open_http_svc/modify_group_base_info', { GroupId: groupId, ApplyJoinOption: 'FreeAccess' })).ErrorCode).toBe(0);
    expect(await late.joinGroup(groupId)).toEqual({ audience: true });
  });

  it('refuses joins of a room created with DisableApply', async () => {
    const groupId = await createRoom({ ApplyJoinOption: 'DisableApply' });
    await expect((await viewer('avd_b')).c.joinGroup(groupId)).rejects.toMatchObject({ code: 10007 });
  });
});
