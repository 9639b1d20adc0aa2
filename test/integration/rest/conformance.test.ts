/**
 * REST behaviour app servers and published Tencent SDKs rely on, checked end to end: admin senders,
 * both spellings of renamed fields, validation codes, AVChatRoom rules, inherited property names and
 * ill-formed ids on every enum-like field and id. Each case is a defect found by such a caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../../src/client/parley-client.ts';
import type { StreamEvent } from '../../../src/protocol/entries.ts';
import { ParleyProcess, type RestResponse } from '../../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { text } from '../../helpers/wait.ts';

const ROAM = { MaxCnt: 100, MinTime: 0, MaxTime: 4_000_000_000 };
/** Names every plain object inherits: a lookup table keyed by wire names must not find them. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe.each(storeModes())('REST conformance with Tencent’s documented behaviour (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['ann', 'ben', 'cat', 'owner']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  const send = (body: Record<string, unknown>) => server.rest('openim/sendmsg', { MsgRandom: Math.floor(Math.random() * 2 ** 32), MsgBody: text('hi'), ...body });
  const roam = (operator: string, peer: string, more: Record<string, unknown> = {}) =>
    server.rest('openim/admin_getroammsg', { Operator_Account: operator, Peer_Account: peer, ...ROAM, ...more });
  /** Everything stored in `userId`'s inbox, as a freshly logged-in device syncs it. */
  async function inboxOf(userId: string): Promise<StreamEvent[]> {
    const got: StreamEvent[] = [];
    const client = await server.login(userId, { onEvent: (ev) => got.push(ev) });
    clients.push(client);
    await client.sync();
    return got;
  }
  async function group(type: string, more: Record<string, unknown> = {}): Promise<string> {
    const r = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'owner', Type: type, Name: `${type} group`, ...more });
    expect(r.ErrorCode).toBe(0);
    return r.GroupId as string;
  }

  it('sends as the calling admin when From_Account is omitted, needing no account for it, and answers a retry with the same MsgKey', async () => {
    const random = 4242;
    const first = await send({ To_Account: 'ann', MsgRandom: random, MsgBody: text('from the admin') });
    expect(first).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const again = await send({ To_Account: 'ann', MsgRandom: random, MsgBody: text('from the admin') });
    expect(again).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgKey: first.MsgKey, MsgTime: first.MsgTime });
    const r = await roam('ann', 'administrator');
    expect(r.MsgList).toEqual([expect.objectContaining({ From_Account: 'administrator', To_Account: 'ann', MsgKey: first.MsgKey })]);
    const inbox = await inboxOf('ann');
    expect(inbox.filter((ev) => ev.entry.kind === 'c2c' && ev.entry.from === 'administrator')).toHaveLength(1);
    // What a device receives never carries the sender's address.
    expect(inbox.every((ev) => !('origin' in ev.entry))).toBe(true);
  });

  it('stores nothing anywhere when a send is refused (unknown sender, unknown receiver)', async () => {
    await server.importAccounts(['quiet']);
    expect(await send({ From_Account: 'nobody', To_Account: 'quiet', MsgBody: text('refused 1') })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90008 });
    expect(await send({ From_Account: 'quiet', To_Account: 'nobody', MsgBody: text('refused 2') })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90012 });
    expect(await inboxOf('quiet')).toEqual([]);
  });

  it('accepts the older names From_Account/To_Account on admin_getroammsg with the same answer', async () => {
    await send({ From_Account: 'ben', To_Account: 'cat', MsgBody: text('old names') });
    const current = await roam('cat', 'ben');
    const old = await server.rest('openim/admin_getroammsg', { From_Account: 'cat', To_Account: 'ben', ...ROAM });
    expect(old).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgCnt: 1 });
    expect(old.MsgList).toEqual(current.MsgList);
  });

  it('accepts Identifier for UserID on account_import and kick, and refuses a kick without any (70402)', async () => {
    expect(await server.rest('im_open_login_svc/account_import', { Identifier: 'legacy_user' })).toMatchObject({ ErrorCode: 0 });
    const check = await server.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'legacy_user' }] });
    expect(check.ResultItem).toEqual([expect.objectContaining({ UserID: 'legacy_user', AccountStatus: 'Imported' })]);
    expect(await server.rest('im_open_login_svc/kick', { Identifier: 'legacy_user' })).toMatchObject({ ErrorCode: 0 });
    expect(await server.rest('im_open_login_svc/kick', {})).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70402 });
  });

  it('takes MsgOnlineOnlyFlag as the older OnlineOnlyFlag: the message gets no SEQ and is not stored', async () => {
    const groupId = await group('Public', { MemberList: [{ Member_Account: 'ann' }] });
    const r = await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 1, MsgBody: text('live only'), MsgOnlineOnlyFlag: 1 });
    expect(r).toMatchObject({ ErrorCode: 0, MsgSeq: 0 });
    const history = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: groupId, ReqMsgNumber: 20 });
    expect(history.RspMsgList).toEqual([]);
  });

  it('validates send_group_msg’s GroupAtInfo (≤ 30 mentions, 10053), OfflinePushInfo and @all in an AVChatRoom', async () => {
    const groupId = await group('Public', { MemberList: [{ Member_Account: 'ann' }] });
    const sendGroup = (more: Record<string, unknown>) => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: Math.floor(Math.random() * 2 ** 32), MsgBody: text('@'), ...more });
    const ats = (n: number) => Array.from({ length: n }, () => ({ GroupAtAllFlag: 0, GroupAt_Account: 'ann' }));
    expect(await sendGroup({ GroupAtInfo: ats(30) })).toMatchObject({ ErrorCode: 0 });
    expect(await sendGroup({ GroupAtInfo: ats(31) })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10053 });
    expect(await sendGroup({ GroupAtInfo: [{ GroupAtAllFlag: 0 }] })).toMatchObject({ ErrorCode: 10004 });
    expect(await sendGroup({ GroupAtInfo: 'everyone' })).toMatchObject({ ErrorCode: 10004 });
    expect(await sendGroup({ OfflinePushInfo: 'push' })).toMatchObject({ ErrorCode: 10004 });
    expect(await sendGroup({ OfflinePushInfo: { PushFlag: 0, Title: 't', Desc: 'd', ApnsInfo: { BadgeMode: 1 } } })).toMatchObject({ ErrorCode: 0 });
    const live = await group('AVChatRoom');
    const all = await server.rest('group_open_http_svc/send_group_msg', { GroupId: live, Random: 9, MsgBody: text('@all'), GroupAtInfo: [{ GroupAtAllFlag: 1 }] });
    expect(all).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
  });

  it('checks the send options it does not act on yet, and refuses what it cannot do rather than send to everyone', async () => {
    expect(await send({ From_Account: 'ann', To_Account: 'ben', SendMsgControl: ['NoUnread', 'NoLastMsg'], IsNeedReadReceipt: 1, SupportMessageExtension: 0 })).toMatchObject({ ErrorCode: 0 });
    expect(await send({ From_Account: 'ann', To_Account: 'ben', SendMsgControl: ['Loud'] })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90010 });
    expect(await send({ From_Account: 'ann', To_Account: 'ben', IsNeedReadReceipt: 2 })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90010 });
    const groupId = await group('Public', { MemberList: [{ Member_Account: 'ann' }, { Member_Account: 'ben' }] });
    const sendGroup = (more: Record<string, unknown>) => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: Math.floor(Math.random() * 2 ** 32), MsgBody: text('targeted'), ...more });
    expect(await sendGroup({ To_Account: 'ann' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
    expect(await sendGroup({ TopicId: `${groupId}@TOPIC#_x` })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
    expect(await sendGroup({ OnlineOnlyFlag: 1, SendMsgControl: ['NoUnread'] })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
    const history = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: groupId, ReqMsgNumber: 20 });
    expect(history.RspMsgList).toEqual([]);
    expect(await sendGroup({ SendMsgControl: ['NoLastMsg'], TopicId: '' })).toMatchObject({ ErrorCode: 0, MsgSeq: 1 });
  });

  it('refuses delete_group_member on an AVChatRoom (10004), for its owner and anyone else', async () => {
    const live = await group('AVChatRoom');
    for (const who of ['owner', 'ann']) {
      const r = await server.rest('group_open_http_svc/delete_group_member', { GroupId: live, MemberToDel_Account: [who] });
      expect({ who, status: r.ActionStatus, code: r.ErrorCode }).toEqual({ who, status: 'FAIL', code: 10004 });
    }
  });

  it('answers get_joined_group_list’s SelfInfoFilter with every field asked, and refuses Limit over 5000', async () => {
    const groupId = await group('Public', { MemberList: [{ Member_Account: 'ben', Role: 'Admin' }] });
    const r = await server.rest('group_open_http_svc/get_joined_group_list', {
      Member_Account: 'ben',
      ResponseFilter: { GroupBaseInfoFilter: ['Type'], SelfInfoFilter: ['Role', 'JoinTime', 'MsgFlag', 'MsgSeq'] },
    });
    const mine = (r.GroupIdList as { GroupId: string; SelfInfo: Record<string, unknown> }[]).find((g) => g.GroupId === groupId);
    expect(mine?.SelfInfo).toEqual({ Role: 'Admin', JoinTime: expect.any(Number), MsgFlag: 'AcceptAndNotify', MsgSeq: 0 });
    expect(await server.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'ben', Limit: 5000 })).toMatchObject({ ErrorCode: 0 });
    expect(await server.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'ben', Limit: 5001 })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
  });

  it('finds nothing under inherited property names in any enum-like field, answering the field’s code', async () => {
    const groupId = await group('Public', { MemberList: [{ Member_Account: 'ann' }] });
    for (const name of INHERITED) {
      const elem = [{ MsgType: name, MsgContent: { Text: 'x' } }];
      const cases: [string, () => Promise<RestResponse>, number][] = [
        ['sendmsg MsgType', () => send({ From_Account: 'ann', To_Account: 'ben', MsgBody: elem }), 90010],
        ['batchsendmsg MsgType', () => server.rest('openim/batchsendmsg', { From_Account: 'ann', To_Account: ['ben'], MsgRandom: 1, MsgBody: elem }), 90010],
        ['send_group_msg MsgType', () => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 1, MsgBody: elem }), 10004],
        ['send_group_msg MsgPriority', () => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 1, MsgBody: text('x'), MsgPriority: name }), 10004],
        ['create_group Type', () => server.rest('group_open_http_svc/create_group', { Owner_Account: 'owner', Type: name, Name: 'x' }), 10004],
        ['create_group ApplyJoinOption', () => server.rest('group_open_http_svc/create_group', { Owner_Account: 'owner', Type: 'Public', Name: 'x', ApplyJoinOption: name }), 10004],
        ['create_group member Role', () => server.rest('group_open_http_svc/create_group', { Owner_Account: 'owner', Type: 'Public', Name: 'x', MemberList: [{ Member_Account: 'ann', Role: name }] }), 10004],
        ['get_joined_group_list GroupType', () => server.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'ann', GroupType: name }), 10004],
        ['sendmsg SyncOtherMachine', () => send({ From_Account: 'ann', To_Account: 'ben', SyncOtherMachine: name }), 90031],
      ];
      for (const [field, call, code] of cases) {
        const r = await call();
        expect({ name, field, status: r.ActionStatus, code: r.ErrorCode }).toEqual({ name, field, status: 'FAIL', code });
      }
    }
    expect(server.output).not.toMatch(/TypeError|is not a function/);
  });

  it('keeps ids that are not well-formed UTF-16 apart from their look-alikes: refused on import, never routed to another user', async () => {
    const lone = 'X\ud800';
    const lookAlike = 'X\ufffd';
    const imported = await server.rest('im_open_login_svc/multiaccount_import', { Accounts: [lone, lookAlike] });
    expect(imported).toMatchObject({ ErrorCode: 0, FailAccounts: [lone] });
    expect(await server.rest('im_open_login_svc/account_import', { UserID: lone })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70402 });
    expect(await server.rest('im_open_login_svc/account_import', { UserID: 'u'.repeat(33) })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70402 });
    const check = await server.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: lone }, { UserID: lookAlike }] });
    expect((check.ResultItem as { AccountStatus: string }[]).map((i) => i.AccountStatus)).toEqual(['NotImported', 'Imported']);
    expect(await send({ From_Account: 'ann', To_Account: lone })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90012 });
    expect(await send({ From_Account: lone, To_Account: 'ann' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90008 });
    expect(await inboxOf(lookAlike)).toEqual([]);
    const connect = await fetch(`${server.url}/connect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UserID: lone, UserSig: server.userSig(lone) }) });
    expect(await connect.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70402 });
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'owner', Type: 'Public', Name: 'x', MemberList: [{ Member_Account: lone }] });
    expect(created).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10019 });
  });

  it('refuses group ids no group can have (not 1–48 bytes of printable ASCII) with 10015', async () => {
    const info = await server.rest('group_open_http_svc/get_group_info', { GroupIdList: ['@TGS#\u00e9', 'g'.repeat(49)] });
    expect((info.GroupInfo as { ErrorCode: number }[]).map((g) => g.ErrorCode)).toEqual([10015, 10015]);
    const sent = await server.rest('group_open_http_svc/send_group_msg', { GroupId: '@TGS#\ud800', Random: 1, MsgBody: text('x') });
    expect(sent).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10015 });
  });
});
