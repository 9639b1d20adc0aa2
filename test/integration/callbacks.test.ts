import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { C2CMessage, GroupMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { text, waitFor } from '../helpers/wait.ts';
import { type Hit, Webhook, answer } from '../helpers/webhook.ts';

/** The text of a callback's (or entry's) first TIMTextElem. */
const textIn = (body: unknown): string | undefined => ((body as { MsgBody?: { MsgContent?: { Text?: string } }[] }).MsgBody?.[0]?.MsgContent?.Text);
const textOfEntry = (ev: StreamEvent): string | undefined => textIn({ MsgBody: (ev.entry as C2CMessage | GroupMessage).body });
const SENDS = ['C2C.CallbackBeforeSendMsg', 'Group.CallbackBeforeSendMsg'];
const isBeforeSend = (h: Hit, prefix: string): boolean => SENDS.includes(h.command) && (textIn(h.body) ?? '').startsWith(prefix);
const ROAM = { MaxCnt: 100, MinTime: 0, MaxTime: 4_000_000_000 };

describe('callbacks to an app server (embedded mode)', () => {
  const TOKEN = 'callback-token-1';
  let hook: Webhook;
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { PARLEY_CALLBACK_URL: `${hook.url}?app=chat`, PARLEY_CALLBACK_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    await hook.close();
  });

  async function login(userId: string, platform: 'iOS' | 'Android' | 'Web' = 'Web'): Promise<{ client: ParleyClient; got: StreamEvent[] }> {
    const got: StreamEvent[] = [];
    const client = await server.login(userId, { platform, onEvent: (ev) => got.push(ev) });
    clients.push(client);
    return { client, got };
  }

  async function createGroup(owner: string, members: readonly string[], name = 'callbacks'): Promise<string> {
    const r = await server.rest('group_open_http_svc/create_group', { Owner_Account: owner, Type: 'Public', Name: name, MemberList: members.map((m) => ({ Member_Account: m })) });
    expect(r.ErrorCode).toBe(0);
    return r.GroupId as string;
  }

  const sendC2C = (from: string, to: string, t: string, more: Record<string, unknown> = {}) =>
    server.rest('openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: Math.floor(Math.random() * 2 ** 32), MsgBody: text(t), ...more });
  const sendGroup = (groupId: string, from: string, t: string, more: Record<string, unknown> = {}) =>
    server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: from, Random: Math.floor(Math.random() * 2 ** 32), MsgBody: text(t), ...more });
  const roamTexts = async (operator: string, peer: string): Promise<string[]> => {
    const r = await server.rest('openim/admin_getroammsg', { Operator_Account: operator, Peer_Account: peer, ...ROAM });
    return (r.MsgList as unknown[]).map((m) => textIn(m) ?? '');
  };
  const groupTexts = async (groupId: string): Promise<string[]> => {
    const r = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: groupId, ReqMsgNumber: 20 });
    return (r.RspMsgList as unknown[]).map((m) => textIn(m)).filter((t): t is string => t !== undefined);
  };
  /** Sends a plain message and waits for its after-callback: events of one stream are called back in order, so anything sent before it would have been called back by then. */
  async function afterCallbacksSettled(from: string, to: string, groupId?: string): Promise<void> {
    const marker = `marker ${Math.random()}`;
    expect((await sendC2C(from, to, marker)).ErrorCode).toBe(0);
    if (groupId) expect((await sendGroup(groupId, from, marker)).ErrorCode).toBe(0);
    await waitFor(() => hook.of('C2C.CallbackAfterSendMsg', (h) => textIn(h.body) === marker).length > 0, 'the marker’s C2C after-callback');
    if (groupId) await waitFor(() => hook.of('Group.CallbackAfterSendMsg', (h) => textIn(h.body) === marker).length > 0, 'the marker’s group after-callback');
  }

  it('rejects a vetoed C2C message with 20006 and a vetoed group message with 10016, storing and calling back nothing', async () => {
    await server.importAccounts(['veto_a', 'veto_b']);
    const groupId = await createGroup('veto_a', ['veto_b']);
    hook.on((h) => isBeforeSend(h, 'veto'), { json: answer(1, 'not allowed') });
    const { client } = await login('veto_a', 'Android');

    expect(await sendC2C('veto_a', 'veto_b', 'veto by REST')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 20006 });
    await expect(client.sendC2C('veto_b', text('veto from a phone'))).rejects.toMatchObject({ code: 20006 });
    expect(await sendGroup(groupId, 'veto_a', 'veto group by REST')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10016 });
    await expect(client.sendGroup(groupId, text('veto group from a phone'))).rejects.toMatchObject({ code: 10016 });

    const asked = (t: string) => hook.hits.find((h) => SENDS.includes(h.command) && textIn(h.body) === t)?.query.OptPlatform;
    expect([asked('veto by REST'), asked('veto from a phone'), asked('veto group by REST'), asked('veto group from a phone')]).toEqual(['RESTAPI', 'Android', 'RESTAPI', 'Android']);
    expect(await roamTexts('veto_b', 'veto_a')).toEqual([]);
    expect(await groupTexts(groupId)).toEqual([]);
    await afterCallbacksSettled('veto_a', 'veto_b', groupId);
    expect(hook.hits.filter((h) => h.command.includes('After') && (textIn(h.body) ?? '').startsWith('veto'))).toEqual([]);
  });

  it('passes the app server’s own code and ErrorInfo to the sender (120005 for C2C, 10150 for a group)', async () => {
    await server.importAccounts(['code_a', 'code_b']);
    const groupId = await createGroup('code_a', ['code_b']);
    hook.on((h) => h.command === 'C2C.CallbackBeforeSendMsg' && textIn(h.body) === 'custom code', { json: answer(120005, 'blocked by the app: C2C') });
    hook.on((h) => h.command === 'Group.CallbackBeforeSendMsg' && textIn(h.body) === 'custom code', { json: answer(10150, 'blocked by the app: group') });
    const { client } = await login('code_a');

    expect(await sendC2C('code_a', 'code_b', 'custom code')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 120005, ErrorInfo: 'blocked by the app: C2C' });
    await expect(client.sendC2C('code_b', text('custom code'))).rejects.toMatchObject({ code: 120005, info: 'blocked by the app: C2C' });
    expect(await sendGroup(groupId, 'code_a', 'custom code')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10150, ErrorInfo: 'blocked by the app: group' });
    await expect(client.sendGroup(groupId, text('custom code'))).rejects.toMatchObject({ code: 10150, info: 'blocked by the app: group' });
    expect(await roamTexts('code_b', 'code_a')).toEqual([]);
  });

  it('delivers the app server’s rewrite of a message to the receiver, in the roaming history and in the after-callback', async () => {
    await server.importAccounts(['rw_a', 'rw_b']);
    const groupId = await createGroup('rw_a', ['rw_b']);
    hook.on((h) => isBeforeSend(h, 'rewrite me'), { json: answer(0, '', { MsgBody: text('rewritten by the app'), CloudCustomData: 'app-data' }) });
    const bob = await login('rw_b');

    expect(await sendC2C('rw_a', 'rw_b', 'rewrite me')).toMatchObject({ ErrorCode: 0 });
    expect(await sendGroup(groupId, 'rw_a', 'rewrite me')).toMatchObject({ ErrorCode: 0 });
    await waitFor(() => bob.got.filter((ev) => ev.entry.kind === 'c2c' || ev.entry.kind === 'group').length >= 2, 'both messages at the receiver');
    const received = bob.got.filter((ev) => ev.entry.kind === 'c2c' || ev.entry.kind === 'group').map((ev) => [ev.entry.kind, textOfEntry(ev), (ev.entry as C2CMessage).cloudCustomData]);
    expect(received.sort()).toEqual([
      ['c2c', 'rewritten by the app', 'app-data'],
      ['group', 'rewritten by the app', 'app-data'],
    ]);
    expect(await roamTexts('rw_b', 'rw_a')).toEqual(['rewritten by the app']);
    expect(await groupTexts(groupId)).toEqual(['rewritten by the app']);
    await waitFor(() => hook.of('C2C.CallbackAfterSendMsg', (h) => h.body.From_Account === 'rw_a').length > 0, 'the C2C after-callback');
    expect(hook.of('C2C.CallbackAfterSendMsg', (h) => h.body.From_Account === 'rw_a')[0].body).toMatchObject({ MsgBody: text('rewritten by the app'), CloudCustomData: 'app-data' });
  });

  it('drops a message silently when the app server answers ErrorCode 2: the sender is told it was sent, the receiver gets nothing', async () => {
    await server.importAccounts(['drop_a', 'drop_b']);
    const groupId = await createGroup('drop_a', ['drop_b']);
    hook.on((h) => isBeforeSend(h, 'drop me'), { json: answer(2) });
    const bob = await login('drop_b');

    const c2c = await sendC2C('drop_a', 'drop_b', 'drop me');
    expect(c2c).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(c2c.MsgKey).toEqual(expect.any(String));
    expect(await sendGroup(groupId, 'drop_a', 'drop me')).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await afterCallbacksSettled('drop_a', 'drop_b', groupId);
    await waitFor(() => bob.got.filter((ev) => ev.entry.kind === 'c2c' || ev.entry.kind === 'group').length >= 2, 'the markers at the receiver');
    expect(bob.got.map(textOfEntry).filter((t) => t === 'drop me')).toEqual([]);
    expect((await roamTexts('drop_b', 'drop_a')).filter((t) => t === 'drop me')).toEqual([]);
    expect((await groupTexts(groupId)).filter((t) => t === 'drop me')).toEqual([]);
  });

  it('reports an admin’s sendmsg once, as sent by the admin (no From_Account, no account), with OptPlatform RESTAPI and the caller’s ClientIP', async () => {
    await server.importAccounts(['adm_to']);
    const random = Math.floor(Math.random() * 2 ** 32);
    const body = { To_Account: 'adm_to', MsgRandom: random, MsgBody: text('from the admin') };
    const first = await server.rest('openim/sendmsg', body);
    expect(first).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(await server.rest('openim/sendmsg', body)).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgKey: first.MsgKey });
    const roam = await server.rest('openim/admin_getroammsg', { Operator_Account: 'adm_to', Peer_Account: 'administrator', ...ROAM });
    expect(roam.MsgList).toEqual([expect.objectContaining({ From_Account: 'administrator', To_Account: 'adm_to', MsgKey: first.MsgKey })]);
    await afterCallbacksSettled('adm_to', 'adm_to');
    const after = hook.of('C2C.CallbackAfterSendMsg', (h) => textIn(h.body) === 'from the admin');
    expect(after).toHaveLength(1);
    expect(after[0].body).toMatchObject({ From_Account: 'administrator', To_Account: 'adm_to', MsgKey: first.MsgKey, UnreadMsgNum: 1 });
    expect(after[0].query).toMatchObject({ OptPlatform: 'RESTAPI', ClientIP: '127.0.0.1' });
    expect(hook.of('C2C.CallbackBeforeSendMsg', (h) => textIn(h.body) === 'from the admin')[0].query).toMatchObject({ OptPlatform: 'RESTAPI', ClientIP: '127.0.0.1' });
  });

  it('reports a client’s message with its device platform and address', async () => {
    await server.importAccounts(['dev_a', 'dev_b']);
    const { client } = await login('dev_a', 'Android');
    await client.sendC2C('dev_b', text('from a phone'));
    await afterCallbacksSettled('dev_a', 'dev_b');
    const after = hook.of('C2C.CallbackAfterSendMsg', (h) => textIn(h.body) === 'from a phone');
    expect(after.map((h) => h.query)).toEqual([expect.objectContaining({ OptPlatform: 'Android', ClientIP: '127.0.0.1' })]);
  });

  it('fires no callback at all for batchsendmsg, before or after, whatever the number of receivers', async () => {
    const receivers = Array.from({ length: 40 }, (_, i) => `batch_r${i}`);
    await server.importAccounts(['batch_from', ...receivers]);
    const r = await server.rest('openim/batchsendmsg', { From_Account: 'batch_from', To_Account: receivers, MsgRandom: 77, MsgBody: text('batch notice') });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorList: [] });
    // After-callbacks run in order per receiver's inbox: once a later message to each receiver is reported, the batch's would have been.
    await Promise.all(receivers.map((to) => afterCallbacksSettled('batch_from', to)));
    expect(hook.hits.filter((h) => textIn(h.body) === 'batch notice')).toEqual([]);
    expect(await roamTexts(receivers[39], 'batch_from')).toContain('batch notice');
  });

  it('lets a message through after the 2 s timeout when the app server is too slow (fail-open), ignoring its late veto', async () => {
    await server.importAccounts(['slow_a', 'slow_b']);
    hook.on((h) => isBeforeSend(h, 'slow'), { json: answer(1, 'too late'), delayMs: 3000 });
    const t0 = Date.now();
    expect(await sendC2C('slow_a', 'slow_b', 'slow app server')).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(await roamTexts('slow_b', 'slow_a')).toEqual(['slow app server']);
  });

  it('delivers every after-callback with Tencent’s fields, in order, even when the app server fails twice first', async () => {
    await server.importAccounts(['after_a', 'after_b']);
    const groupId = await createGroup('after_a', ['after_b']);
    hook.on((h) => h.command === 'C2C.CallbackAfterSendMsg' && h.body.From_Account === 'after_a', { status: 500, json: {} }, 2);
    hook.on((h) => h.command === 'Group.CallbackAfterSendMsg' && h.body.GroupId === groupId, { status: 500, json: {} }, 2);
    const sent: { MsgKey: string; MsgTime: number; text: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await sendC2C('after_a', 'after_b', `after ${i}`, { MsgSeq: 100 + i, MsgRandom: 500 + i, CloudCustomData: `cc${i}` });
      sent.push({ MsgKey: r.MsgKey as string, MsgTime: r.MsgTime as number, text: `after ${i}` });
    }
    const groupSeqs: number[] = [];
    for (let i = 0; i < 2; i++) groupSeqs.push((await sendGroup(groupId, 'after_a', `group after ${i}`, { Random: 700 + i })).MsgSeq as number);

    const ok = (command: string, match: (h: Hit) => boolean) => hook.of(command, match);
    const c2cAfter = (h: Hit) => h.body.From_Account === 'after_a';
    await waitFor(() => new Set(ok('C2C.CallbackAfterSendMsg', c2cAfter).map((h) => h.body.MsgKey)).size >= 3, 'three C2C after-callbacks', 30_000);
    await waitFor(() => new Set(ok('Group.CallbackAfterSendMsg', (h) => h.body.GroupId === groupId).map((h) => h.body.MsgSeq)).size >= 2, 'two group after-callbacks', 30_000);

    const c2cHits = ok('C2C.CallbackAfterSendMsg', c2cAfter);
    expect(c2cHits.map((h) => h.body.MsgKey)).toEqual([sent[0].MsgKey, sent[0].MsgKey, sent[0].MsgKey, sent[1].MsgKey, sent[2].MsgKey]);
    expect(c2cHits[2].at - c2cHits[0].at).toBeGreaterThanOrEqual(1400); // retried after 500 ms, then 1 s
    expect(c2cHits[4].body).toEqual({
      CallbackCommand: 'C2C.CallbackAfterSendMsg',
      From_Account: 'after_a',
      To_Account: 'after_b',
      MsgSeq: 102,
      MsgRandom: 502,
      MsgTime: sent[2].MsgTime,
      MsgKey: sent[2].MsgKey,
      OnlineOnlyFlag: 0,
      MsgBody: text('after 2'),
      CloudCustomData: 'cc2',
      SendMsgResult: 0,
      ErrorInfo: 'send msg succeed',
      // after_b's third unread message.
      UnreadMsgNum: 3,
    });
    expect(c2cHits[4].query).toMatchObject({ CallbackCommand: 'C2C.CallbackAfterSendMsg', contenttype: 'json' });

    const groupHits = ok('Group.CallbackAfterSendMsg', (h) => h.body.GroupId === groupId);
    expect(groupHits.map((h) => h.body.MsgSeq)).toEqual([groupSeqs[0], groupSeqs[0], groupSeqs[0], groupSeqs[1]]);
    const last = groupHits[3].body;
    expect(last).toEqual({
      CallbackCommand: 'Group.CallbackAfterSendMsg',
      GroupId: groupId,
      Type: 'Public',
      From_Account: 'after_a',
      Operator_Account: 'after_a',
      Random: 701,
      OnlineOnlyFlag: 0,
      MsgBody: text('group after 1'),
      CloudCustomData: '',
      MsgSeq: groupSeqs[1],
      MsgTime: expect.any(Number),
      EventTime: expect.any(Number),
    });
    expect(Math.abs((last.MsgTime as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(Math.abs((last.EventTime as number) - Date.now())).toBeLessThan(60_000);
  });

  it('skips the before-callback or the after-callback of a message sent with ForbidCallbackControl', async () => {
    await server.importAccounts(['forbid_a', 'forbid_b']);
    const groupId = await createGroup('forbid_a', ['forbid_b']);
    hook.on((h) => isBeforeSend(h, 'forbidden'), { json: answer(1) });
    const noBefore = { ForbidCallbackControl: ['ForbidBeforeSendMsgCallback'] };
    const noAfter = { ForbidCallbackControl: ['ForbidAfterSendMsgCallback'] };

    expect(await sendC2C('forbid_a', 'forbid_b', 'forbidden before', noBefore)).toMatchObject({ ErrorCode: 0 });
    expect(await sendGroup(groupId, 'forbid_a', 'forbidden before', noBefore)).toMatchObject({ ErrorCode: 0 });
    expect(await sendC2C('forbid_a', 'forbid_b', 'no after', noAfter)).toMatchObject({ ErrorCode: 0 });
    expect(await sendGroup(groupId, 'forbid_a', 'no after', noAfter)).toMatchObject({ ErrorCode: 0 });
    await afterCallbacksSettled('forbid_a', 'forbid_b', groupId);

    const about = (t: string) => hook.hits.filter((h) => textIn(h.body) === t).map((h) => h.command).sort();
    expect(about('forbidden before')).toEqual(['C2C.CallbackAfterSendMsg', 'Group.CallbackAfterSendMsg']);
    expect(about('no after')).toEqual(['C2C.CallbackBeforeSendMsg', 'Group.CallbackBeforeSendMsg']);
  });

  it('reports a client’s login and logout with State.StateChange', async () => {
    await server.importAccounts(['state_a']);
    const client = await server.login('state_a', { platform: 'iOS' });
    await client.close();
    const of = (h: Hit) => (h.body.Info as { To_Account?: string } | undefined)?.To_Account === 'state_a';
    await waitFor(() => hook.of('State.StateChange', of).length >= 2, 'login and logout');
    const [login, logout] = hook.of('State.StateChange', of);
    expect(login.body).toEqual({ CallbackCommand: 'State.StateChange', EventTime: expect.any(Number), Info: { Action: 'Login', To_Account: 'state_a', Reason: 'Register' } });
    expect(login.query.OptPlatform).toBe('IOS');
    expect(logout.body).toMatchObject({ Info: { Action: 'Logout', To_Account: 'state_a', Reason: 'Unregister' } });
    expect(logout.body.EventTime as number).toBeGreaterThanOrEqual(login.body.EventTime as number);
  });

  it('asks before creating a group and inviting members, and reports the creation, joins and removals', async () => {
    await server.importAccounts(['grp_owner', 'grp_m1', 'grp_m2', 'grp_m3']);
    hook.on((h) => h.command === 'Group.CallbackBeforeCreateGroup' && h.body.Name === 'vetoed group', { json: answer(1) });
    hook.on((h) => h.command === 'Group.CallbackBeforeCreateGroup' && h.body.Name === 'app-coded group', { json: answer(10150, 'no groups today') });
    const create = (Name: string) =>
      server.rest('group_open_http_svc/create_group', { Owner_Account: 'grp_owner', Type: 'Public', Name, MemberList: [{ Member_Account: 'grp_m1' }] });
    expect(await create('vetoed group')).toMatchObject({ ErrorCode: 10016 });
    expect(await create('app-coded group')).toMatchObject({ ErrorCode: 10150, ErrorInfo: 'no groups today' });
    const created = await create('allowed group');
    expect(created.ErrorCode).toBe(0);
    const groupId = created.GroupId as string;
    expect(hook.of('Group.CallbackBeforeCreateGroup', (h) => h.body.Name === 'allowed group')[0].body).toEqual({
      CallbackCommand: 'Group.CallbackBeforeCreateGroup',
      Operator_Account: 'administrator',
      Owner_Account: 'grp_owner',
      Type: 'Public',
      Name: 'allowed group',
      MemberList: [{ Member_Account: 'grp_m1' }],
      EventTime: expect.any(Number),
    });

    hook.on((h) => h.command === 'Group.CallbackBeforeInviteJoinGroup' && h.body.GroupId === groupId, { json: answer(0, '', { RefusedMembers_Account: ['grp_m3'] }) }, 1);
    hook.on((h) => h.command === 'Group.CallbackBeforeInviteJoinGroup' && h.body.GroupId === groupId, { json: answer(1) }, 1);
    const added = await server.rest('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'grp_m2' }, { Member_Account: 'grp_m3' }] });
    expect(added.MemberList).toEqual([
      { Member_Account: 'grp_m2', Result: 1 },
      { Member_Account: 'grp_m3', Result: 0 },
    ]);
    expect(hook.of('Group.CallbackBeforeInviteJoinGroup', (h) => h.body.GroupId === groupId)[0].body).toMatchObject({
      GroupId: groupId,
      Type: 'Public',
      Operator_Account: 'administrator',
      DestinationMembers: [{ Member_Account: 'grp_m2' }, { Member_Account: 'grp_m3' }],
    });
    expect(await server.rest('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'grp_m3' }] })).toMatchObject({ ErrorCode: 10016 });
    expect((await server.rest('group_open_http_svc/delete_group_member', { GroupId: groupId, MemberToDel_Account: ['grp_m2'] })).ErrorCode).toBe(0);

    const forGroup = (h: Hit) => h.body.GroupId === groupId;
    await waitFor(() => hook.of('Group.CallbackAfterMemberExit', forGroup).length > 0, 'the member exit callback');
    expect(hook.of('Group.CallbackAfterCreateGroup', forGroup).map((h) => h.body)).toEqual([
      {
        CallbackCommand: 'Group.CallbackAfterCreateGroup',
        GroupId: groupId,
        Operator_Account: 'administrator',
        Owner_Account: 'grp_owner',
        Type: 'Public',
        Name: 'allowed group',
        MemberList: [{ Member_Account: 'grp_m1' }],
        UserDefinedDataList: [],
        EventTime: expect.any(Number),
      },
    ]);
    expect(hook.of('Group.CallbackAfterNewMemberJoin', forGroup).map((h) => h.body)).toEqual([
      {
        CallbackCommand: 'Group.CallbackAfterNewMemberJoin',
        GroupId: groupId,
        Type: 'Public',
        JoinType: 'Invited',
        Operator_Account: 'administrator',
        NewMemberList: [{ Member_Account: 'grp_m2' }],
        EventTime: expect.any(Number),
      },
    ]);
    expect(hook.of('Group.CallbackAfterMemberExit', forGroup)[0].body).toMatchObject({ Type: 'Public', ExitType: 'Kicked', Operator_Account: 'administrator', ExitMemberList: [{ Member_Account: 'grp_m2' }] });
    expect(hook.of('Group.CallbackAfterCreateGroup', (h) => h.body.Name === 'vetoed group' || h.body.Name === 'app-coded group')).toEqual([]);
  });

  it('reports profile changes (name, introduction, notification, face only), recalls and dismissal with Tencent’s fields', async () => {
    await server.importAccounts(['chg_owner', 'chg_m1']);
    const groupId = await createGroup('chg_owner', ['chg_m1'], 'changing');
    const forGroup = (h: Hit) => h.body.GroupId === groupId;
    expect((await server.rest('group_open_http_svc/modify_group_base_info', { GroupId: groupId, MuteAllMember: 'On' })).ErrorCode).toBe(0);
    expect((await server.rest('group_open_http_svc/modify_group_base_info', { GroupId: groupId, Name: 'renamed', Notification: 'read me', MaxMemberNum: 100 })).ErrorCode).toBe(0);
    const sent = await sendGroup(groupId, 'chg_m1', 'to recall');
    expect((await server.rest('group_open_http_svc/group_msg_recall', { GroupId: groupId, MsgSeqList: [{ MsgSeq: sent.MsgSeq }] })).RecallRetList).toEqual([{ MsgSeq: sent.MsgSeq, RetCode: 0 }]);
    expect((await server.rest('group_open_http_svc/destroy_group', { GroupId: groupId })).ErrorCode).toBe(0);

    await waitFor(() => hook.of('Group.CallbackAfterGroupDestroyed', forGroup).length > 0, 'the dismissal callback');
    // The mute-all change alone has no callback; the second change reports its announced fields only.
    expect(hook.of('Group.CallbackAfterGroupInfoChanged', forGroup).map((h) => h.body)).toEqual([
      { CallbackCommand: 'Group.CallbackAfterGroupInfoChanged', GroupId: groupId, Type: 'Public', Operator_Account: 'administrator', Name: 'renamed', Notification: 'read me', EventTime: expect.any(Number) },
    ]);
    expect(hook.of('Group.CallbackAfterRecallMsg', forGroup).map((h) => h.body)).toEqual([
      { CallbackCommand: 'Group.CallbackAfterRecallMsg', Operator_Account: 'administrator', Type: 'Public', GroupId: groupId, MsgSeqList: [{ MsgSeq: sent.MsgSeq }], TopicId: '', EventTime: expect.any(Number) },
    ]);
    expect(hook.of('Group.CallbackAfterGroupDestroyed', forGroup).map((h) => h.body)).toEqual([
      {
        CallbackCommand: 'Group.CallbackAfterGroupDestroyed',
        GroupId: groupId,
        Type: 'Public',
        Owner_Account: 'chg_owner',
        Name: 'renamed',
        MemberList: [{ Member_Account: 'chg_owner' }, { Member_Account: 'chg_m1' }],
        EventTime: expect.any(Number),
      },
    ]);
  });

  it('reports a muted member’s refused send once with Group.CallbackSendMsgException and ErrorCode 10017, however many follow within the second', async () => {
    await server.importAccounts(['exc_owner', 'exc_muted']);
    const groupId = await createGroup('exc_owner', ['exc_muted'], 'exceptions');
    expect((await server.rest('group_open_http_svc/forbid_send_msg', { GroupId: groupId, Members_Account: ['exc_muted'], MuteTime: 600 })).ErrorCode).toBe(0);
    // A send through REST names its sender (App admins may speak for anyone, muted or not): the muted member sends from their device.
    const { client } = await login('exc_muted', 'Android');
    const sent = await Promise.all([1, 2, 3].map((i) => client.sendGroup(groupId, text(`muted ${i}`)).then(() => 0, (e: { code: number }) => e.code)));
    expect(sent).toEqual([10017, 10017, 10017]);
    const forGroup = (h: Hit) => h.body.GroupId === groupId;
    await waitFor(() => hook.of('Group.CallbackSendMsgException', forGroup).length > 0, 'the exception callback');
    await afterCallbacksSettled('exc_owner', 'exc_muted', groupId);
    const reports = hook.of('Group.CallbackSendMsgException', forGroup);
    expect(reports).toHaveLength(1);
    expect(reports[0].body).toMatchObject({
      CallbackCommand: 'Group.CallbackSendMsgException',
      GroupId: groupId,
      Type: 'Public',
      From_Account: 'exc_muted',
      OnlineOnlyFlag: 0,
      ErrorCode: 10017,
      ErrorInfo: expect.stringContaining('muted'),
      MsgTime: expect.any(Number),
      EventTime: expect.any(Number),
    });
    expect(textIn(reports[0].body)).toMatch(/^muted [123]$/);
    expect(reports[0].query.OptPlatform).toBe('Android');
  });

  it('reports with Group.CallbackAfterGroupFull when adds fill a group of MaxMemberCount 3, and not again for the refusal within the minute', async () => {
    await server.importAccounts(['full_owner', 'full_a', 'full_b', 'full_c']);
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'full_owner', Type: 'Public', Name: 'small', MaxMemberCount: 3, MemberList: [{ Member_Account: 'full_a' }] });
    expect(created.ErrorCode).toBe(0);
    const groupId = created.GroupId as string;
    const forGroup = (h: Hit) => h.body.GroupId === groupId;
    const add = (u: string) => server.rest('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: u }] });
    expect((await add('full_b')).ErrorCode).toBe(0);
    await waitFor(() => hook.of('Group.CallbackAfterGroupFull', forGroup).length > 0, 'the group-full callback');
    expect(hook.of('Group.CallbackAfterGroupFull', forGroup)[0].body).toEqual({ CallbackCommand: 'Group.CallbackAfterGroupFull', GroupId: groupId, EventTime: expect.any(Number) });
    expect((await add('full_c')).ErrorCode).toBe(10014);
    await afterCallbacksSettled('full_owner', 'full_a', groupId);
    expect(hook.of('Group.CallbackAfterGroupFull', forGroup)).toHaveLength(1);
  });

  it('reports a refused join of a full group with Group.CallbackAfterGroupFull', async () => {
    await server.importAccounts(['fullj_owner', 'fullj_a']);
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'fullj_owner', Type: 'Public', Name: 'one seat', MaxMemberCount: 1 });
    const groupId = created.GroupId as string;
    // Created full: no change filled it, so nothing is reported until a join is refused.
    const refused = await server.rest('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'fullj_a' }] });
    expect(refused.ErrorCode).toBe(10014);
    await waitFor(() => hook.of('Group.CallbackAfterGroupFull', (h) => h.body.GroupId === groupId).length === 1, 'the group-full callback of the refusal');
  });

  it('signs every callback URL with Sign = sha256(token + RequestTime) and carries Tencent’s query beside the app’s own', async () => {
    await server.importAccounts(['sign_a', 'sign_b']);
    expect((await sendC2C('sign_a', 'sign_b', 'signed')).ErrorCode).toBe(0);
    expect(hook.hits.length).toBeGreaterThan(0);
    const { sdkAppId } = server.identity;
    for (const h of hook.hits) {
      const expected = createHash('sha256').update(`${TOKEN}${h.query.RequestTime}`).digest('hex');
      expect({ command: h.command, ...h.query }).toMatchObject({ command: h.command, app: 'chat', SdkAppid: String(sdkAppId), CallbackCommand: h.command, contenttype: 'json', Sign: expected });
      expect(Math.abs(Number(h.query.RequestTime) - h.at / 1000)).toBeLessThan(60);
      expect(h.query).toHaveProperty('ClientIP');
      expect(h.query).toHaveProperty('OptPlatform');
    }
  });
});

describe('callbacks that block on failure, with only some commands on', () => {
  let hook: Webhook;
  let server: ParleyProcess;

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({
      env: { PARLEY_CALLBACK_URL: hook.url, PARLEY_CALLBACK_FAIL_CLOSED: 'true', PARLEY_CALLBACK_COMMANDS: 'C2C.CallbackBeforeSendMsg,Group.CallbackAfterSendMsg' },
    });
    await server.importAccounts(['closed_a', 'closed_b']);
  });

  afterAll(async () => {
    await server.stop();
    await hook.close();
  });

  it('rejects with 80003 when the before-callback fails or times out, storing nothing', async () => {
    hook.on((h) => isBeforeSend(h, 'fails'), { status: 500, json: {} });
    hook.on((h) => isBeforeSend(h, 'times out'), { json: answer(0), delayMs: 3000 });
    const send = (t: string) => server.rest('openim/sendmsg', { From_Account: 'closed_a', To_Account: 'closed_b', MsgRandom: Math.floor(Math.random() * 2 ** 32), MsgBody: text(t) });
    expect(await send('fails')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 80003 });
    const t0 = Date.now();
    expect(await send('times out')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 80003 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    const roam = await server.rest('openim/admin_getroammsg', { Operator_Account: 'closed_b', Peer_Account: 'closed_a', ...ROAM });
    expect(roam.MsgCnt).toBe(0);
  });

  it('calls only the commands switched on, without a signature when no token is set', async () => {
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'closed_a', Type: 'Public', Name: 'only some', MemberList: [{ Member_Account: 'closed_b' }] });
    const groupId = created.GroupId as string;
    const sent = await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'closed_a', Random: 1, MsgBody: text('group message') });
    expect(sent.ErrorCode).toBe(0);
    expect((await server.rest('openim/sendmsg', { From_Account: 'closed_a', To_Account: 'closed_b', MsgRandom: 9, MsgBody: text('allowed') })).ErrorCode).toBe(0);
    await waitFor(() => hook.of('Group.CallbackAfterSendMsg').length > 0, 'the group after-callback');
    expect(hook.of('Group.CallbackAfterSendMsg')[0].body).toMatchObject({ GroupId: groupId, MsgSeq: sent.MsgSeq, MsgBody: text('group message') });
    const login = await server.login('closed_a');
    await login.close();
    await new Promise((r) => setTimeout(r, 500));
    expect([...new Set(hook.hits.map((h) => h.command))].sort()).toEqual(['C2C.CallbackBeforeSendMsg', 'Group.CallbackAfterSendMsg']);
    expect(hook.hits.every((h) => h.query.Sign === undefined && h.query.RequestTime === undefined)).toBe(true);
  });
});

describe('callbacks of a group over its message rate (PARLEY_GROUP_MSG_RATE=1)', () => {
  let hook: Webhook;
  let server: ParleyProcess;

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { PARLEY_CALLBACK_URL: hook.url, PARLEY_GROUP_MSG_RATE: '1' } });
    await server.importAccounts(['rate_owner', 'rate_m']);
  });

  afterAll(async () => {
    await server.stop();
    await hook.close();
  });

  it('reports a send dropped over the rate with Group.CallbackSendMsgException and ErrorCode 10023, while the sender is told MsgDropReason MsgFreqCtrl', async () => {
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'rate_owner', Type: 'Public', Name: 'slow', MemberList: [{ Member_Account: 'rate_m' }] });
    const groupId = created.GroupId as string;
    const sent = await Promise.all(
      [1, 2, 3].map((i) => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'rate_m', Random: i, MsgBody: text(`fast ${i}`) })),
    );
    expect(sent.every((r) => r.ErrorCode === 0)).toBe(true);
    const dropped = sent.filter((r) => r.MsgDropReason === 'MsgFreqCtrl');
    expect(dropped.length).toBeGreaterThan(0);
    await waitFor(() => hook.of('Group.CallbackSendMsgException', (h) => h.body.GroupId === groupId).length > 0, 'the exception callback');
    const report = hook.of('Group.CallbackSendMsgException', (h) => h.body.GroupId === groupId)[0];
    expect(report.body).toMatchObject({ GroupId: groupId, From_Account: 'rate_m', ErrorCode: 10023, ErrorInfo: expect.any(String) });
    expect(textIn(report.body)).toMatch(/^fast [123]$/);
  });
});
