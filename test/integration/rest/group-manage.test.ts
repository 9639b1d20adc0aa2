import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { text } from '../../helpers/wait.ts';

type Fields = Record<string, unknown>;
type Member = Fields & { Member_Account: string; Role: string };
type GroupInfo = Fields & { MemberList: Member[]; AppDefinedData: { Key: string; Value: string }[] };

describe.each(storeModes())('REST group management (%s store)', (mode) => {
  let server: ParleyProcess;
  const svc = (command: string, body: Fields) => server.rest(`group_open_http_svc/${command}`, body);
  const create = async (body: Fields): Promise<string> => {
    const r = await svc('create_group', body);
    expect(r.ErrorCode).toBe(0);
    return r.GroupId as string;
  };
  const info = async (GroupId: string): Promise<GroupInfo> => ((await svc('get_group_info', { GroupIdList: [GroupId] })).GroupInfo as GroupInfo[])[0];
  const members = (...ids: string[]) => ids.map((Member_Account) => ({ Member_Account }));
  const send = (GroupId: string, From_Account: string, Random: number) => svc('send_group_msg', { GroupId, From_Account, Random, MsgBody: text(`m${Random}`) });

  beforeAll(async () => {
    // Paging get_appid_group_list goes faster than Tencent's 1 call a second (rate-limits.test.ts checks that).
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_REST_RATES: 'group_open_http_svc/get_appid_group_list=1000' } });
    await server.importAccounts(['owner', 'ann', 'ben', 'cat', 'dan']);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('modify_group_base_info changes the profile, counts InfoSeq, merges AppDefinedData ("" deletes) and announces with a tip', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'before', AppDefinedData: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }], MemberList: members('ann') });
    const before = await info(GroupId);
    const r = await svc('modify_group_base_info', {
      GroupId,
      Name: 'after',
      Introduction: 'intro',
      Notification: 'notice',
      FaceUrl: 'http://face',
      MaxMemberNum: 50,
      ApplyJoinOption: 'FreeAccess',
      ShutUpAllMember: 'On',
      AppDefinedData: [{ Key: 'a', Value: '' }, { Key: 'c', Value: '3' }],
    });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const g = await info(GroupId);
    expect(g).toMatchObject({ Name: 'after', Introduction: 'intro', Notification: 'notice', FaceUrl: 'http://face', MaxMemberNum: 50, ApplyJoinOption: 'FreeAccess', MuteAllMember: 'On', ShutUpAllMember: 'On' });
    expect(g.AppDefinedData).toEqual([{ Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
    expect(g.InfoSeq).toBe((before.InfoSeq as number) + 1);
    // A Public group stores the profile tip: it takes the next SEQ.
    expect(g.NextMsgSeq).toBe((before.NextMsgSeq as number) + 1);
    const history = await svc('group_msg_get_simple', { GroupId, ReqMsgNumber: 1 });
    expect((history.RspMsgList as Fields[])[0]).toMatchObject({ IsSystemMsg: 1, MsgSeq: before.NextMsgSeq });
    // Only mute-all changes: no tip (spec §5.2), no SEQ.
    await svc('modify_group_base_info', { GroupId, MuteAllMember: 'Off' });
    expect(await info(GroupId)).toMatchObject({ MuteAllMember: 'Off', NextMsgSeq: g.NextMsgSeq, InfoSeq: (g.InfoSeq as number) + 1 });
  });

  it('modify_group_base_info refuses bad fields with 10004, an unknown group with 10010, and changes nothing then', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'strict', MemberList: members('ann', 'ben') });
    const cases: [string, Fields, number][] = [
      ['name too long', { Name: 'n'.repeat(31) }, 10004],
      ['empty name', { Name: '' }, 10004],
      ['introduction too long', { Introduction: 'i'.repeat(241) }, 10004],
      ['bad join option', { ApplyJoinOption: 'Anyone' }, 10004],
      ['limit below the members', { MaxMemberNum: 2 }, 10004],
      ['bad mute flag', { MuteAllMember: 'Yes' }, 10004],
      ['too many custom keys', { AppDefinedData: Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }, 10004],
      ['bad custom key', { AppDefinedData: [{ Key: 'no spaces', Value: 'v' }] }, 10004],
      ['custom value too long', { AppDefinedData: [{ Key: 'k', Value: 'v'.repeat(513) }] }, 10004],
    ];
    for (const [name, body, code] of cases) expect({ name, code: (await svc('modify_group_base_info', { GroupId, ...body })).ErrorCode }).toEqual({ name, code });
    expect(await info(GroupId)).toMatchObject({ Name: 'strict', InfoSeq: 0, MaxMemberNum: 2000, AppDefinedData: [] });
    expect((await svc('modify_group_base_info', { GroupId: 'no-such-group', Name: 'x' })).ErrorCode).toBe(10010);
  });

  it('forbid_send_msg mutes members until a time, lists them under both names, survives leaving, and is refused in Work groups', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'mutes', MemberList: members('ann', 'ben') });
    const t0 = Math.floor(Date.now() / 1000);
    expect((await svc('forbid_send_msg', { GroupId, Members_Account: ['ann'], MuteTime: 600 })).ErrorCode).toBe(0);
    expect((await svc('forbid_send_msg', { GroupId, Members_Account: ['ben'], ShutUpTime: 0xffffffff })).ErrorCode).toBe(0);
    const muted = await svc('get_group_muted_account', { GroupId });
    const list = muted.MutedAccountList as { Member_Account: string; MutedUntil: number }[];
    expect(list.map((m) => m.Member_Account).sort()).toEqual(['ann', 'ben']);
    const ann = list.find((m) => m.Member_Account === 'ann')!;
    expect(ann.MutedUntil).toBeGreaterThanOrEqual(t0 + 600);
    expect(ann.MutedUntil).toBeLessThan(t0 + 700);
    expect(list.find((m) => m.Member_Account === 'ben')!.MutedUntil).toBe(0xffffffff);
    const old = await svc('get_group_shutted_uin', { GroupId });
    expect(old.ShuttedUinList).toContainEqual({ Member_Account: 'ann', ShuttedUntil: ann.MutedUntil });
    expect((await info(GroupId)).MemberList.find((m) => m.Member_Account === 'ann')).toMatchObject({ MuteUntil: ann.MutedUntil, ShutUpUntil: ann.MutedUntil });

    // Leaving and joining again keeps the mute.
    await svc('delete_group_member', { GroupId, MemberToDel_Account: ['ann'] });
    await svc('add_group_member', { GroupId, MemberList: members('ann') });
    expect((await info(GroupId)).MemberList.find((m) => m.Member_Account === 'ann')?.MuteUntil).toBe(ann.MutedUntil);

    expect((await svc('forbid_send_msg', { GroupId, Members_Account: ['ann'], MuteTime: 0 })).ErrorCode).toBe(0);
    expect(((await svc('get_group_muted_account', { GroupId })).MutedAccountList as Member[]).map((m) => m.Member_Account)).toEqual(['ben']);

    const work = await create({ Owner_Account: 'owner', Type: 'Private', Name: 'work', MemberList: members('ann') });
    expect((await svc('forbid_send_msg', { GroupId: work, Members_Account: ['ann'], MuteTime: 60 })).ErrorCode).toBe(10007);
    expect((await svc('forbid_send_msg', { GroupId, Members_Account: ['owner'], MuteTime: 60 })).ErrorCode).toBe(0);
    expect((await svc('forbid_send_msg', { GroupId, Members_Account: [], MuteTime: 60 })).ErrorCode).toBe(10004);
    expect((await svc('forbid_send_msg', { GroupId, Members_Account: ['ann'], MuteTime: -1 })).ErrorCode).toBe(10004);
  });

  it('modify_group_member_info sets roles, name cards, message flags, mutes and custom fields with the type’s rules', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'fields', MemberList: members('ann', 'ben') });
    const modify = (body: Fields) => svc('modify_group_member_info', { GroupId, ...body });
    expect((await modify({ Member_Account: 'ann', Role: 'Admin', NameCard: 'Annie', MsgFlag: 'AcceptNotNotify', AppMemberDefinedData: [{ Key: 'level', Value: '3' }] })).ErrorCode).toBe(0);
    expect((await modify({ Member_Account: 'ben', ShutUpTime: 120 })).ErrorCode).toBe(0);
    const g = await info(GroupId);
    expect(g.MemberList.find((m) => m.Member_Account === 'ann')).toMatchObject({ Role: 'Admin', NameCard: 'Annie', MsgFlag: 'AcceptNotNotify', AppMemberDefinedData: [{ Key: 'level', Value: '3' }] });
    expect(g.MemberList.find((m) => m.Member_Account === 'ben')?.MuteUntil).toBeGreaterThan(Date.now() / 1000);
    const roles = await svc('get_role_in_group', { GroupId, User_Account: ['owner', 'ann', 'ben', 'dan'] });
    expect(roles.UserIdList).toEqual([
      { Member_Account: 'owner', Role: 'Owner' },
      { Member_Account: 'ann', Role: 'Admin' },
      { Member_Account: 'ben', Role: 'Member' },
      { Member_Account: 'dan', Role: 'NotMember' },
    ]);
    expect((await modify({ Member_Account: 'ann', Role: 'Member' })).ErrorCode).toBe(0);
    expect(((await svc('get_role_in_group', { GroupId, User_Account: ['ann'] })).UserIdList as Member[])[0].Role).toBe('Member');

    const cases: [string, Fields, number][] = [
      ["the owner's role", { Member_Account: 'owner', Role: 'Member' }, 10007],
      ['an unknown role', { Member_Account: 'ann', Role: 'Owner' }, 10004],
      ['a name card too long', { Member_Account: 'ann', NameCard: 'n'.repeat(51) }, 10004],
      ['an unknown flag', { Member_Account: 'ann', MsgFlag: 'Loud' }, 10004],
      ['too many custom keys', { Member_Account: 'ann', AppMemberDefinedData: Array.from({ length: 6 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }, 10004],
      ['a value too long', { Member_Account: 'ann', AppMemberDefinedData: [{ Key: 'k', Value: 'v'.repeat(65) }] }, 10004],
      ['a non-member', { Member_Account: 'dan', NameCard: 'x' }, 10007],
    ];
    for (const [name, body, code] of cases) expect({ name, code: (await modify(body)).ErrorCode }).toEqual({ name, code });

    const work = await create({ Owner_Account: 'owner', Type: 'Private', Name: 'work roles', MemberList: members('ann') });
    expect((await svc('modify_group_member_info', { GroupId: work, Member_Account: 'ann', Role: 'Admin' })).ErrorCode).toBe(10007);
    expect((await svc('modify_group_member_info', { GroupId: work, Member_Account: 'ann', MuteTime: 60 })).ErrorCode).toBe(10007);
    expect((await svc('modify_group_member_info', { GroupId: work, Member_Account: 'ann', NameCard: 'ok' })).ErrorCode).toBe(0);
  });

  it('get_group_member_info pages members with role and field filters; an AVChatRoom keeps no member list', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'paging', MemberList: [{ Member_Account: 'ann', Role: 'Admin' }, ...members('ben', 'cat', 'dan')] });
    const page = (body: Fields) => svc('get_group_member_info', { GroupId, ...body });
    const first = await page({ Limit: 2, Offset: 0 });
    expect(first).toMatchObject({ ErrorCode: 0, MemberNum: 5 });
    expect((first.MemberList as Member[]).map((m) => m.Member_Account)).toEqual(['owner', 'ann']);
    expect(((await page({ Limit: 2, Offset: 4 })).MemberList as Member[]).map((m) => m.Member_Account)).toEqual(['dan']);
    const admins = await page({ MemberRoleFilter: ['Owner', 'Admin'], MemberInfoFilter: ['Role'] });
    expect(admins.MemberList).toEqual([
      { Member_Account: 'owner', Role: 'Owner', AppMemberDefinedData: [] },
      { Member_Account: 'ann', Role: 'Admin', AppMemberDefinedData: [] },
    ]);
    expect((await page({ MemberRoleFilter: ['Boss'] })).ErrorCode).toBe(10004);
    const av = await create({ Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live' });
    expect((await svc('get_group_member_info', { GroupId: av })).ErrorCode).toBe(10007);

    const community = await create({ Owner_Account: 'owner', Type: 'Community', GroupId: `@TGS#_paging-${mode}`, Name: 'community', MemberList: members('ann', 'ben') });
    const c1 = await svc('get_group_member_info', { GroupId: community, Limit: 2, Next: '' });
    expect((c1.MemberList as Member[]).map((m) => m.Member_Account)).toEqual(['owner', 'ann']);
    const c2 = await svc('get_group_member_info', { GroupId: community, Limit: 2, Next: c1.Next });
    expect((c2.MemberList as Member[]).map((m) => m.Member_Account)).toEqual(['ben']);
    expect(c2.Next).toBe('');
  });

  it('change_group_owner hands the group to a member and gives an ownerless group an owner', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'handover', MemberList: members('ann') });
    expect((await svc('change_group_owner', { GroupId, NewOwner_Account: 'dan' })).ErrorCode).toBe(10007);
    expect((await svc('change_group_owner', { GroupId, NewOwner_Account: 'ann' })).ErrorCode).toBe(0);
    const g = await info(GroupId);
    expect(g.Owner_Account).toBe('ann');
    expect(g.MemberList.map((m) => `${m.Member_Account}:${m.Role}`)).toEqual(['owner:Member', 'ann:Owner']);

    const ownerless = await create({ Type: 'Public', Name: 'nobody’s', MemberList: members('ben') });
    expect((await info(ownerless)).Owner_Account).toBe('');
    expect((await svc('change_group_owner', { GroupId: ownerless, NewOwner_Account: 'ben' })).ErrorCode).toBe(0);
    expect((await info(ownerless)).Owner_Account).toBe('ben');
    const av = await create({ Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live owner' });
    expect((await svc('change_group_owner', { GroupId: av, NewOwner_Account: 'ann' })).ErrorCode).toBe(10007);
  });

  it('destroy_group removes the group and its memberships; its id can be used again, with none of the old history', async () => {
    const GroupId = `doomed-${mode}`;
    await create({ Owner_Account: 'owner', Type: 'ChatRoom', GroupId, Name: 'doomed', MemberList: members('ann') });
    expect((await send(GroupId, 'ann', 1)).MsgSeq).toBeGreaterThan(0);
    expect((await svc('destroy_group', { GroupId })).ErrorCode).toBe(0);
    expect((await info(GroupId)).ErrorCode).toBe(10010);
    const joined = await svc('get_joined_group_list', { Member_Account: 'ann' });
    expect((joined.GroupIdList as { GroupId: string }[]).map((g) => g.GroupId)).not.toContain(GroupId);
    expect((await svc('destroy_group', { GroupId })).ErrorCode).toBe(10010);
    expect((await send(GroupId, 'ann', 2)).ErrorCode).toBe(10010);

    await create({ Owner_Account: 'owner', Type: 'ChatRoom', GroupId, Name: 'reborn', MemberList: members('ben') });
    const reborn = await info(GroupId);
    expect(reborn).toMatchObject({ Name: 'reborn', MemberNum: 2 });
    // SEQs continue (a SEQ is never reused); the new group starts reading after the old one's.
    expect(reborn.NextMsgSeq as number).toBeGreaterThan(1);
  });

  it('group_msg_recall marks messages recalled per SEQ with Tencent’s RetCodes; history shows them as holes', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'recall', MemberList: members('ann') });
    const s1 = (await send(GroupId, 'ann', 1)).MsgSeq as number;
    const s2 = (await send(GroupId, 'owner', 2)).MsgSeq as number;
    const r = await svc('group_msg_recall', { GroupId, MsgSeqList: [{ MsgSeq: s1 }, { MsgSeq: 999 }] });
    expect(r).toMatchObject({ ErrorCode: 0, RecallRetList: [{ MsgSeq: s1, RetCode: 0 }, { MsgSeq: 999, RetCode: 10030 }] });
    const history = await svc('group_msg_get_simple', { GroupId, ReqMsgNumber: 20, ReqMsgSeq: s2 });
    const bySeq = new Map((history.RspMsgList as Fields[]).map((m) => [m.MsgSeq, m]));
    expect(bySeq.get(s1)).toMatchObject({ IsPlaceMsg: 2 });
    expect(bySeq.get(s2)).toMatchObject({ IsPlaceMsg: 0, MsgBody: text('m2') });
    const withRecalled = await svc('group_msg_get_simple', { GroupId, ReqMsgNumber: 20, ReqMsgSeq: s2, WithRecalledMsg: 1 });
    expect((withRecalled.RspMsgList as Fields[]).find((m) => m.MsgSeq === s1)).toMatchObject({ IsPlaceMsg: 2, MsgBody: text('m1') });
    // The recall is announced with a tip of its own; recalling a tip is refused.
    const head = ((await info(GroupId)).NextMsgSeq as number) - 1;
    expect(head).toBe(s2 + 1);
    expect((await svc('group_msg_recall', { GroupId, MsgSeqList: [{ MsgSeq: head }] })).RecallRetList).toEqual([{ MsgSeq: head, RetCode: 10032 }]);
    expect((await svc('group_msg_recall', { GroupId, MsgSeqList: [] })).ErrorCode).toBe(10004);
    expect((await svc('group_msg_recall', { GroupId, MsgSeqList: Array.from({ length: 11 }, (_, i) => ({ MsgSeq: i + 1 })) })).ErrorCode).toBe(10004);
    const av = await create({ Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live recall' });
    expect((await svc('group_msg_recall', { GroupId: av, MsgSeqList: [{ MsgSeq: 1 }] })).RecallRetList).toEqual([{ MsgSeq: 1, RetCode: 10033 }]);
  });

  it('modify_group_msg (openim) rewrites a stored message in place and tells devices with a tip', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'edits', MemberList: members('ann') });
    const seq = (await send(GroupId, 'ann', 1)).MsgSeq as number;
    const r = await server.rest('openim/modify_group_msg', { GroupId, MsgSeq: seq, MsgBody: text('edited'), CloudCustomData: 'v2' });
    expect(r.ErrorCode).toBe(0);
    const history = await svc('group_msg_get_simple', { GroupId, ReqMsgNumber: 1, ReqMsgSeq: seq });
    expect((history.RspMsgList as Fields[])[0]).toMatchObject({ MsgSeq: seq, From_Account: 'ann', MsgBody: text('edited'), CloudCustomData: 'v2' });
    expect((await info(GroupId)).NextMsgSeq).toBe(seq + 2);
    expect((await server.rest('openim/modify_group_msg', { GroupId, MsgSeq: 999, MsgBody: text('x') })).ErrorCode).toBe(10030);
    expect((await server.rest('openim/modify_group_msg', { GroupId, MsgSeq: seq + 1, MsgBody: text('x') })).ErrorCode).toBe(10030);
    expect((await server.rest('openim/modify_group_msg', { GroupId, MsgSeq: seq })).ErrorCode).toBe(10004);
    expect((await server.rest('openim/modify_group_msg', { GroupId, MsgSeq: seq, MsgBody: 'text' })).ErrorCode).toBe(10004);
    const av = await create({ Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live edits' });
    expect((await server.rest('openim/modify_group_msg', { GroupId: av, MsgSeq: 1, MsgBody: text('x') })).ErrorCode).toBe(10007);
  });

  it('delete_group_msg_by_sender hides one sender’s messages and no one else’s, without a tip', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'spam', MemberList: members('ann', 'ben') });
    for (let i = 1; i <= 4; i++) await send(GroupId, i % 2 ? 'ann' : 'ben', i);
    const next = (await info(GroupId)).NextMsgSeq;
    expect((await svc('delete_group_msg_by_sender', { GroupId, Sender_Account: 'ann' })).ErrorCode).toBe(0);
    expect((await info(GroupId)).NextMsgSeq).toBe(next);
    const history = await svc('group_msg_get_simple', { GroupId, ReqMsgNumber: 4 });
    const list = history.RspMsgList as Fields[];
    expect(list.filter((m) => m.IsPlaceMsg === 2)).toHaveLength(2);
    expect(list.filter((m) => m.IsPlaceMsg === 0).map((m) => m.From_Account)).toEqual(['ben', 'ben']);
  });

  it('send_group_system_notification is accepted for a group (online members only) and refused without content', async () => {
    const GroupId = await create({ Owner_Account: 'owner', Type: 'Public', Name: 'notify', MemberList: members('ann') });
    const next = (await info(GroupId)).NextMsgSeq;
    expect((await svc('send_group_system_notification', { GroupId, Content: 'maintenance at noon' })).ErrorCode).toBe(0);
    expect((await svc('send_group_system_notification', { GroupId, Content: 'ann only', ToMembers_Account: ['ann'] })).ErrorCode).toBe(0);
    expect((await info(GroupId)).NextMsgSeq).toBe(next);
    expect((await svc('send_group_system_notification', { GroupId, Content: '' })).ErrorCode).toBe(10004);
    expect((await svc('send_group_system_notification', { GroupId: 'no-such-group', Content: 'x' })).ErrorCode).toBe(10010);
  });

  it('get_appid_group_list pages every group with Next, counts by type, and refuses an unknown type', async () => {
    const made = [
      await create({ Owner_Account: 'owner', Type: 'Community', GroupId: `@TGS#_list-a-${mode}`, Name: 'a' }),
      await create({ Owner_Account: 'owner', Type: 'Community', GroupId: `@TGS#_list-b-${mode}`, Name: 'b' }),
    ];
    const seen: string[] = [];
    let Next = 0;
    let total = 0;
    do {
      const r = await svc('get_appid_group_list', { Limit: 3, Next, GroupType: 'Community' });
      expect(r.ErrorCode).toBe(0);
      total = r.TotalCount as number;
      seen.push(...(r.GroupIdList as { GroupId: string }[]).map((g) => g.GroupId));
      Next = r.Next as number;
    } while (Next !== 0);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of made) expect(seen).toContain(id);
    expect(seen).toHaveLength(total);
    const all = await svc('get_appid_group_list', {});
    expect(all.TotalCount as number).toBeGreaterThan(total);
    expect((await svc('get_appid_group_list', { GroupType: 'BChatRoom' })).TotalCount).toBe(0);
    expect((await svc('get_appid_group_list', { GroupType: 'Party' })).ErrorCode).toBe(10004);
  });

  it('search_group finds groups by a part of their name (after a rename too), pages them, shows public fields only and never finds Private ones', async () => {
    const tag = `Fd${mode.slice(0, 2)}${Date.now() % 1e7}`;
    const pub = await create({ Owner_Account: 'owner', Type: 'Public', Name: `club ${tag}`, Introduction: 'hello', Notification: 'secret', AppDefinedData: [{ Key: 'k', Value: 'v' }], MemberList: members('ann') });
    const room = await create({ Owner_Account: 'owner', Type: 'ChatRoom', Name: `${tag.toLowerCase()} room` });
    await create({ Owner_Account: 'owner', Type: 'Private', Name: `private ${tag}`, MemberList: members('ann') });
    const renamed = await create({ Owner_Account: 'owner', Type: 'Community', Name: 'not yet' });

    const r = await svc('search_group', { Content: tag });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, TotalRecord: 2 });
    const found = r.GroupInfo as Fields[];
    expect(found.map((g) => g.GroupId).sort()).toEqual([pub, room].sort());
    const club = found.find((g) => g.GroupId === pub);
    expect(club).toMatchObject({ ErrorCode: 0, Type: 'Public', Name: `club ${tag}`, Introduction: 'hello', Owner_Account: 'owner', MemberNum: 2, ApplyJoinOption: expect.any(String) });
    expect(club).not.toHaveProperty('Notification');
    expect(club).not.toHaveProperty('MemberList');
    expect(club).not.toHaveProperty('AppDefinedData');

    expect((await svc('modify_group_base_info', { GroupId: renamed, Name: `now ${tag}` })).ErrorCode).toBe(0);
    const pages = await Promise.all([0, 1, 2].map((PageNum) => svc('search_group', { Content: tag, PageNum, GroupPerPage: 1 })));
    expect(pages.map((p) => p.TotalRecord)).toEqual([3, 3, 3]);
    expect(pages.flatMap((p) => (p.GroupInfo as Fields[]).map((g) => g.GroupId)).sort()).toEqual([pub, room, renamed].sort());

    const filtered = await svc('search_group', { Content: `club ${tag}`, ResponseFilter: { GroupBasePublicInfoFilter: ['Name', 'Notification', 'MemberNum'] } });
    expect(filtered.GroupInfo).toEqual([{ ErrorCode: 0, ErrorInfo: '', GroupId: pub, Name: `club ${tag}`, MemberNum: 2 }]);
    expect((await svc('search_group', { Content: `private ${tag}` })).TotalRecord).toBe(0);
    expect((await svc('search_group', { Content: '' })).ErrorCode).toBe(10004);
    expect((await svc('search_group', {})).ErrorCode).toBe(10004);
  });
});
