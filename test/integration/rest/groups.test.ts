import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { text } from '../../helpers/wait.ts';

type GroupInfo = Record<string, unknown> & { MemberList: { Member_Account: string; Role: string }[] };

describe.each(storeModes())('REST group_open_http_svc (%s store)', (mode) => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['owner', 'ann', 'ben', 'cat', 'dan']);
  });

  afterAll(async () => {
    await server.stop();
  });

  const create = (body: Record<string, unknown>) => server.rest('group_open_http_svc/create_group', body);
  const info = async (groupId: string): Promise<GroupInfo> => {
    const r = await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
    return (r.GroupInfo as GroupInfo[])[0];
  };

  it('create_group makes a group with a generated @TGS# id, its owner and members', async () => {
    const r = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'team', Introduction: 'hi', MemberList: [{ Member_Account: 'ann' }, { Member_Account: 'ben', Role: 'Admin' }] });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.GroupId).toMatch(/^@TGS#2[A-Z0-9]{9}$/);
    const g = await info(r.GroupId as string);
    expect(g).toMatchObject({ ErrorCode: 0, GroupId: r.GroupId, Type: 'Public', Name: 'team', Introduction: 'hi', Owner_Account: 'owner', MemberNum: 3, NextMsgSeq: 1, ApplyJoinOption: 'NeedPermission', MuteAllMember: 'Off', ShutUpAllMember: 'Off' });
    expect(g.MemberList.map((m) => `${m.Member_Account}:${m.Role}`)).toEqual(['owner:Owner', 'ann:Member', 'ben:Admin']);
  });

  it('create_group takes a custom GroupId once: 10025 for its own owner, 10021 for anyone else', async () => {
    expect((await create({ Owner_Account: 'owner', Type: 'Private', GroupId: 'custom-1', Name: 'c' })).GroupId).toBe('custom-1');
    expect((await create({ Owner_Account: 'owner', Type: 'Private', GroupId: 'custom-1', Name: 'c' })).ErrorCode).toBe(10025);
    expect((await create({ Owner_Account: 'ann', Type: 'Private', GroupId: 'custom-1', Name: 'c' })).ErrorCode).toBe(10021);
    expect((await create({ Owner_Account: 'owner', Type: 'Work', GroupId: 'work alias #1', Name: 'w' })).GroupId).toBe('work alias #1');
    expect((await info('work alias #1')).Type).toBe('Private');
  });

  it('create_group refuses bad requests with Tencent’s codes and creates nothing', async () => {
    const cases: [string, Record<string, unknown>, number][] = [
      ['reserved prefix', { Owner_Account: 'owner', Type: 'Public', GroupId: '@TGS#mine', Name: 'x' }, 10015],
      ['id too long', { Owner_Account: 'owner', Type: 'Public', GroupId: 'g'.repeat(49), Name: 'x' }, 10015],
      ['unknown type', { Owner_Account: 'owner', Type: 'Party', GroupId: 'bad-type', Name: 'x' }, 10004],
      ['no name', { Owner_Account: 'owner', Type: 'Public', GroupId: 'no-name' }, 10004],
      ['name too long', { Owner_Account: 'owner', Type: 'Public', GroupId: 'long-name', Name: 'n'.repeat(31) }, 10004],
      ['AVChatRoom with members', { Owner_Account: 'owner', Type: 'AVChatRoom', GroupId: 'av-members', Name: 'x', MemberList: [{ Member_Account: 'ann' }] }, 10007],
      ['unknown member', { Owner_Account: 'owner', Type: 'Public', GroupId: 'ghost-member', Name: 'x', MemberList: [{ Member_Account: 'ghost' }] }, 10019],
      ['admin in a Work group', { Owner_Account: 'owner', Type: 'Private', GroupId: 'work-admin', Name: 'x', MemberList: [{ Member_Account: 'ann', Role: 'Admin' }] }, 10004],
      ['too many members', { Owner_Account: 'owner', Type: 'Public', GroupId: 'huge', Name: 'x', MemberList: Array.from({ length: 101 }, (_, i) => ({ Member_Account: `m${i}` })) }, 10005],
    ];
    for (const [name, body, code] of cases) {
      const r = await create(body);
      expect({ name, code: r.ErrorCode }).toEqual({ name, code });
      // Nothing was created: the group is not there (an id no group can have is refused outright, 10015).
      if (typeof body.GroupId === 'string') expect((await info(body.GroupId)).ErrorCode).toBe(body.GroupId.length > 48 ? 10015 : 10010);
    }
  });

  it('get_group_info reports a missing group per item (10010) and honours the response filter', async () => {
    const { GroupId } = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'filtered', AppDefinedData: [{ Key: 'k', Value: 'v' }] });
    const r = await server.rest('group_open_http_svc/get_group_info', {
      GroupIdList: [GroupId, 'missing'],
      ResponseFilter: { GroupBaseInfoFilter: ['Name'], MemberInfoFilter: ['Role'] },
    });
    expect(r.ErrorCode).toBe(0);
    const [found, missing] = r.GroupInfo as Record<string, unknown>[];
    expect(found).toEqual({ ErrorCode: 0, ErrorInfo: '', GroupId, Name: 'filtered', AppDefinedData: [{ Key: 'k', Value: 'v' }], MemberList: [{ Member_Account: 'owner', Role: 'Owner', AppMemberDefinedData: [] }] });
    expect(missing).toMatchObject({ GroupId: 'missing', ErrorCode: 10010 });
    expect((await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [] })).ErrorCode).toBe(10004);
  });

  it('add_group_member answers Result 1 for new members and 2 for existing ones; delete_group_member removes them', async () => {
    const { GroupId } = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'members', MemberList: [{ Member_Account: 'ann' }] });
    const added = await server.rest('group_open_http_svc/add_group_member', { GroupId, MemberList: [{ Member_Account: 'ann' }, { Member_Account: 'cat' }] });
    expect(added.MemberList).toEqual([{ Member_Account: 'ann', Result: 2 }, { Member_Account: 'cat', Result: 1 }]);
    expect((await info(GroupId as string)).MemberNum).toBe(3);
    expect((await server.rest('group_open_http_svc/delete_group_member', { GroupId, MemberToDel_Account: ['cat', 'not-a-member'] })).ErrorCode).toBe(0);
    expect((await info(GroupId as string)).MemberList.map((m) => m.Member_Account)).toEqual(['owner', 'ann']);
    expect((await server.rest('group_open_http_svc/delete_group_member', { GroupId, MemberToDel_Account: ['owner'] })).ErrorCode).toBe(10007);
    expect((await server.rest('group_open_http_svc/add_group_member', { GroupId: 'missing', MemberList: [{ Member_Account: 'cat' }] })).ErrorCode).toBe(10010);
    expect((await server.rest('group_open_http_svc/add_group_member', { GroupId, MemberList: [{ Member_Account: 'ghost' }] })).ErrorCode).toBe(10019);
    expect((await server.rest('group_open_http_svc/add_group_member', { GroupId, MemberList: 'cat' })).ErrorCode).toBe(10004);
  });

  it('get_joined_group_list lists a member’s groups, hiding Work groups without messages', async () => {
    await server.importAccounts(['joiner']);
    const pub = (await create({ Owner_Account: 'owner', Type: 'Public', Name: 'pub', MemberList: [{ Member_Account: 'joiner' }] })).GroupId;
    const work = (await create({ Owner_Account: 'owner', Type: 'Private', Name: 'work', MemberList: [{ Member_Account: 'joiner' }] })).GroupId;
    const list = async (extra: Record<string, unknown> = {}) => {
      const r = await server.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'joiner', ...extra });
      expect(r.ErrorCode).toBe(0);
      return (r.GroupIdList as { GroupId: string }[]).map((g) => g.GroupId);
    };
    expect(await list()).toEqual([pub]);
    expect(await list({ WithNoActiveGroups: 1 })).toEqual([pub, work]);
    await server.rest('group_open_http_svc/send_group_msg', { GroupId: work, Random: 1, MsgBody: text('activate') });
    expect(await list()).toEqual([pub, work]);
    const r = await server.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'joiner', ResponseFilter: { GroupBaseInfoFilter: ['Type'], SelfInfoFilter: ['MsgSeq'] } });
    expect(r.TotalCount).toBe(2);
    expect((r.GroupIdList as unknown[])[0]).toEqual({ GroupId: pub, Type: 'Public', SelfInfo: { MsgSeq: 0 } });
    expect((await server.rest('group_open_http_svc/get_joined_group_list', { Member_Account: 'ghost' })).ErrorCode).toBe(10019);
  });

  it('send_group_msg assigns SEQ 1, 2, … and answers a retried Random with the original SEQ', async () => {
    const { GroupId } = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'seq', MemberList: [{ Member_Account: 'ann' }] });
    const send = (Random: number, extra: Record<string, unknown> = {}) => server.rest('group_open_http_svc/send_group_msg', { GroupId, Random, MsgBody: text(`r${Random}`), ...extra });
    expect((await send(1)).MsgSeq).toBe(1);
    expect((await send(2, { From_Account: 'ann' })).MsgSeq).toBe(2);
    expect((await send(1)).MsgSeq).toBe(1);
    const online = await send(3, { OnlineOnlyFlag: 1 });
    expect(online).toMatchObject({ ErrorCode: 0, MsgSeq: 0 });
    expect((await info(GroupId as string)).NextMsgSeq).toBe(3);
    expect((await send(4, { MsgBody: 'text' })).ErrorCode).toBe(10004);
    expect((await send(5, { From_Account: 'ghost' })).ErrorCode).toBe(10019);
    expect((await send(6, { MsgPriority: 'Urgent' })).ErrorCode).toBe(10004);
    expect((await server.rest('group_open_http_svc/send_group_msg', { GroupId: 'missing', Random: 1, MsgBody: text('x') })).ErrorCode).toBe(10010);
    expect((await info(GroupId as string)).NextMsgSeq).toBe(3);
  });

  it('group_msg_get_simple pages history newest first', async () => {
    const { GroupId } = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'history' });
    for (let i = 1; i <= 5; i++) await server.rest('group_open_http_svc/send_group_msg', { GroupId, Random: i, From_Account: 'owner', MsgBody: text(`h${i}`), MsgPriority: 'High' });
    const latest = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId, ReqMsgNumber: 2 });
    expect(latest).toMatchObject({ ErrorCode: 0, GroupId, IsFinished: 1 });
    const list = latest.RspMsgList as Record<string, unknown>[];
    expect(list.map((m) => m.MsgSeq)).toEqual([5, 4]);
    expect(list[0]).toMatchObject({ From_Account: 'owner', IsPlaceMsg: 0, IsSystemMsg: 0, MsgPriority: 1, MsgRandom: 5, MsgBody: text('h5') });
    const older = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId, ReqMsgNumber: 10, ReqMsgSeq: 3 });
    expect((older.RspMsgList as { MsgSeq: number }[]).map((m) => m.MsgSeq)).toEqual([3, 2, 1]);
    expect(older.IsFinished).toBe(1);
    const all = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId, ReqMsgNumber: 30 });
    expect(all).toMatchObject({ IsFinished: 1 });
    expect(all.RspMsgList).toHaveLength(5);
    for (let i = 6; i <= 25; i++) await server.rest('group_open_http_svc/send_group_msg', { GroupId, Random: i, MsgBody: text(`h${i}`) });
    const capped = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId, ReqMsgNumber: 30 });
    expect(capped.IsFinished).toBe(0);
    expect((capped.RspMsgList as { MsgSeq: number }[]).map((m) => m.MsgSeq)).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
    expect((await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: 'missing', ReqMsgNumber: 1 })).ErrorCode).toBe(10010);
  });
});
