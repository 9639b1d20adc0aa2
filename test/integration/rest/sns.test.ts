/**
 * The relationship chain over REST (v4/sns), as an app server migrating from Tencent IM calls it:
 * friend_add by the peer's AllowType (added, pending 30539, refused 30516) with ForceAddFlags,
 * friend_import, friend_update, friend_check, friend_get with its sequences, friend_get_list,
 * friend_delete(_all), the blacklist (ending friendships, CurruentSequence), friend groups, and the
 * Sns.* after-callbacks, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { waitFor } from '../../helpers/wait.ts';
import { Webhook } from '../../helpers/webhook.ts';

type Result = { To_Account: string; ResultCode: number; ResultInfo: string };
const WEB = 'AddSource_Type_Web';

describe.each(storeModes())('REST sns (%s store)', (mode) => {
  let hook: Webhook;
  let server: ParleyProcess;

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_CALLBACK_URL: hook.url } });
  });

  afterAll(async () => {
    await server.stop();
    await hook.close();
  });

  const sns = (command: string, body: Record<string, unknown>) => server.rest(`sns/${command}`, body);
  const allow = (userId: string, type: string) => server.rest('profile/portrait_set', { From_Account: userId, ProfileItem: [{ Tag: 'Tag_Profile_IM_AllowType', Value: type }] });
  const codes = (r: Record<string, unknown>) => (r.ResultItem as Result[]).map((x) => `${x.To_Account}:${x.ResultCode}`);
  const relation = async (from: string, to: string, checkType = 'CheckResult_Type_Both') =>
    ((await sns('friend_check', { From_Account: from, To_Account: [to], CheckType: checkType })).InfoItem as { Relation: string }[])[0].Relation;

  it('adds by the peer’s AllowType: AllowAny at once both ways, NeedConfirm pending (30539), DenyAny refused (30516) unless forced', async () => {
    await server.importAccounts(['f_ann', 'f_any', 'f_ask', 'f_deny']);
    await allow('f_any', 'AllowType_Type_AllowAny');
    await allow('f_deny', 'AllowType_Type_DenyAny');
    const add = (to: string[], extra: Record<string, unknown> = {}) => sns('friend_add', { From_Account: 'f_ann', AddFriendItem: to.map((t) => ({ To_Account: t, AddSource: WEB, Remark: `r-${t}` })), ...extra });
    const r = await add(['f_any', 'f_ask', 'f_deny', 'f_ghost', 'f_ann']);
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(codes(r)).toEqual(['f_any:0', 'f_ask:30539', 'f_deny:30516', 'f_ghost:30003', 'f_ann:30001']);
    expect(r.Fail_Account).toEqual(['f_ask', 'f_deny', 'f_ghost', 'f_ann']);
    expect(await relation('f_ann', 'f_any')).toBe('CheckResult_Type_BothWay');
    expect(await relation('f_ann', 'f_ask')).toBe('CheckResult_Type_NoRelation');
    expect(codes(await add(['f_any']))).toEqual(['f_any:30001']);
    expect(((await add(['f_any'])).ResultItem as Result[])[0].ResultInfo).toBe('Err_SNS_FriendAdd_Friend_Exist');

    expect(codes(await add(['f_deny'], { ForceAddFlags: 1, AddType: 'Add_Type_Single' }))).toEqual(['f_deny:0']);
    expect(await relation('f_ann', 'f_deny')).toBe('CheckResult_Type_AWithB');
    expect(await relation('f_ann', 'f_deny', 'CheckResult_Type_Single')).toBe('CheckResult_Type_AWithB');
    expect(await relation('f_deny', 'f_ann')).toBe('CheckResult_Type_BWithA');

    await waitFor(() => hook.of('Sns.CallbackFriendAdd', (h) => JSON.stringify(h.body.PairList).includes('f_any')).length > 0, 'the friend-add callback');
    expect(hook.of('Sns.CallbackFriendAdd', (h) => JSON.stringify(h.body.PairList).includes('f_any'))[0].body).toMatchObject({
      ClientCmd: 'friend_add',
      ForceFlag: 0,
      PairList: expect.arrayContaining([{ From_Account: 'f_ann', To_Account: 'f_any', Initiator_Account: 'f_ann' }, { From_Account: 'f_any', To_Account: 'f_ann', Initiator_Account: 'f_ann' }]),
    });
    // Bad fields are per item (30001); a bad request as a whole.
    expect(codes(await sns('friend_add', { From_Account: 'f_ann', AddFriendItem: [{ To_Account: 'f_ask', AddSource: 'Web' }] }))).toEqual(['f_ask:30001']);
    expect((await sns('friend_add', { From_Account: 'f_nobody', AddFriendItem: [{ To_Account: 'f_ask', AddSource: WEB }] })).ErrorCode).toBe(30003);
    expect((await sns('friend_add', { From_Account: 'f_ann', AddFriendItem: [] })).ErrorCode).toBe(30001);
  });

  it('imports friendships as they were, pages them with friend_get and its sequences, and reads fields with friend_get_list', async () => {
    await server.importAccounts(['g_ann', 'g_b1', 'g_b2', 'g_b3']);
    const items = ['g_b1', 'g_b2', 'g_b3'].map((t, i) => ({
      To_Account: t, AddSource: 'AddSource_Type_Ios', Remark: `friend ${i}`, GroupName: i === 0 ? ['work', 'chess'] : [], AddTime: 1_600_000_000 + i, CustomItem: [{ Tag: 'Tag_SNS_Custom_Level', Value: i }],
    }));
    const imported = await sns('friend_import', { From_Account: 'g_ann', AddFriendItem: items });
    expect(codes(imported)).toEqual(['g_b1:0', 'g_b2:0', 'g_b3:0']);
    expect(await relation('g_ann', 'g_b1')).toBe('CheckResult_Type_AWithB');

    const page = await sns('friend_get', { From_Account: 'g_ann', StartIndex: 0 });
    expect(page).toMatchObject({ ErrorCode: 0, FriendNum: 3, CompleteFlag: 1, NextStartIndex: 0 });
    expect(page.StandardSequence).toBeGreaterThan(0);
    const first = (page.UserDataItem as { To_Account: string; ValueItem: { Tag: string; Value: unknown }[] }[])[0];
    expect(first.To_Account).toBe('g_b1');
    expect(first.ValueItem).toEqual(expect.arrayContaining([
      { Tag: 'Tag_SNS_IM_AddSource', Value: 'AddSource_Type_Ios' },
      { Tag: 'Tag_SNS_IM_Remark', Value: 'friend 0' },
      { Tag: 'Tag_SNS_IM_Group', Value: ['work', 'chess'] },
      { Tag: 'Tag_SNS_IM_AddTime', Value: 1_600_000_000 },
      { Tag: 'Tag_SNS_Custom_Level', Value: 0 },
    ]));
    // A client that holds both parts gets no fields, only the list.
    const fresh = await sns('friend_get', { From_Account: 'g_ann', StartIndex: 0, StandardSequence: page.StandardSequence, CustomSequence: page.CustomSequence });
    expect((fresh.UserDataItem as { ValueItem: unknown[] }[]).map((u) => u.ValueItem)).toEqual([[], [], []]);

    expect(codes(await sns('friend_update', { From_Account: 'g_ann', UpdateItem: [{ To_Account: 'g_b2', SnsItem: [{ Tag: 'Tag_SNS_IM_Remark', Value: 'best' }, { Tag: 'Tag_SNS_IM_Group', Value: ['family'] }] }, { To_Account: 'g_nobody', SnsItem: [{ Tag: 'Tag_SNS_IM_Remark', Value: 'x' }] }] }))).toEqual(['g_b2:0', 'g_nobody:31704']);
    const after = await sns('friend_get', { From_Account: 'g_ann', StartIndex: 0, StandardSequence: page.StandardSequence, CustomSequence: page.CustomSequence });
    expect(after.StandardSequence).toBeGreaterThan(page.StandardSequence as number);
    expect(after.CustomSequence).toBe(page.CustomSequence);

    const list = await sns('friend_get_list', { From_Account: 'g_ann', To_Account: ['g_b2', 'g_b9'], TagList: ['Tag_SNS_IM_Remark', 'Tag_Profile_IM_Nick', 'Tag_SNS_IM_Group'] });
    expect(list.InfoItem).toEqual([
      { To_Account: 'g_b2', ResultCode: 0, ResultInfo: '', SnsProfileItem: [{ Tag: 'Tag_SNS_IM_Remark', Value: 'best' }, { Tag: 'Tag_Profile_IM_Nick', Value: '' }, { Tag: 'Tag_SNS_IM_Group', Value: ['family'] }] },
      expect.objectContaining({ To_Account: 'g_b9', ResultCode: 30001, ResultInfo: 'Err_SNS_FriendGetList_Friend_Not_Exist' }),
    ]);
    expect(list.Fail_Account).toEqual(['g_b9']);

    const groups = await sns('group_get', { From_Account: 'g_ann', NeedFriend: 'Need_Friend_Type_Yes' });
    expect(groups.ResultItem).toEqual([
      { GroupName: 'work', FriendNumber: 1, To_Account: ['g_b1'] },
      { GroupName: 'chess', FriendNumber: 1, To_Account: ['g_b1'] },
      { GroupName: 'family', FriendNumber: 1, To_Account: ['g_b2'] },
    ]);
  });

  it('deletes single and both ways (31704 for a stranger), and all friends at once', async () => {
    await server.importAccounts(['d_ann', 'd_bob', 'd_cat', 'd_dan']);
    for (const u of ['d_bob', 'd_cat', 'd_dan']) await allow(u, 'AllowType_Type_AllowAny');
    await sns('friend_add', { From_Account: 'd_ann', AddFriendItem: ['d_bob', 'd_cat', 'd_dan'].map((t) => ({ To_Account: t, AddSource: WEB })) });
    expect(codes(await sns('friend_delete', { From_Account: 'd_ann', To_Account: ['d_bob', 'd_zed'] }))).toEqual(['d_bob:0', 'd_zed:31704']);
    expect(await relation('d_ann', 'd_bob')).toBe('CheckResult_Type_BWithA');
    expect(codes(await sns('friend_delete', { From_Account: 'd_ann', To_Account: ['d_cat'], DeleteType: 'Delete_Type_Both' }))).toEqual(['d_cat:0']);
    expect(await relation('d_ann', 'd_cat')).toBe('CheckResult_Type_NoRelation');
    await waitFor(() => hook.of('Sns.CallbackFriendDelete', (h) => JSON.stringify(h.body.PairList).includes('d_cat')).length > 0, 'the friend-delete callback');
    expect((await sns('friend_delete_all', { From_Account: 'd_ann', DeleteType: 'Delete_Type_Both' })).ErrorCode).toBe(0);
    expect((await sns('friend_get', { From_Account: 'd_ann', StartIndex: 0 })).FriendNum).toBe(0);
    expect(await relation('d_dan', 'd_ann')).toBe('CheckResult_Type_NoRelation');
  });

  it('blacklists: ends the friendship both ways, refuses friend requests either way, lists with CurruentSequence, checks both ways', async () => {
    await server.importAccounts(['b_ann', 'b_bob', 'b_cat']);
    for (const u of ['b_ann', 'b_bob', 'b_cat']) await allow(u, 'AllowType_Type_AllowAny');
    await sns('friend_add', { From_Account: 'b_ann', AddFriendItem: [{ To_Account: 'b_bob', AddSource: WEB }] });
    const added = await sns('black_list_add', { From_Account: 'b_ann', To_Account: ['b_bob', 'b_cat', 'b_bob'] });
    expect(codes(added)).toEqual(['b_bob:0', 'b_cat:0', 'b_bob:30001']);
    expect((added.ResultItem as Result[])[2].ResultInfo).toBe('Err_SNS_BlackListAdd_Already_Exist');
    expect(await relation('b_ann', 'b_bob')).toBe('CheckResult_Type_NoRelation');
    expect(codes(await sns('friend_add', { From_Account: 'b_ann', AddFriendItem: [{ To_Account: 'b_bob', AddSource: WEB }] }))).toEqual(['b_bob:30515']);
    expect(codes(await sns('friend_add', { From_Account: 'b_bob', AddFriendItem: [{ To_Account: 'b_ann', AddSource: WEB }] }))).toEqual(['b_ann:30525']);

    const listed = await sns('black_list_get', { From_Account: 'b_ann', StartIndex: 0, MaxLimited: 1, LastSequence: 0 });
    expect(listed).toMatchObject({ ErrorCode: 0, StartIndex: 1, BlackListItem: [{ To_Account: 'b_bob' }] });
    expect(listed.CurruentSequence).toBeGreaterThan(0);
    expect((await sns('black_list_get', { From_Account: 'b_ann', StartIndex: 1, MaxLimited: 10, LastSequence: 0 })).StartIndex).toBe(0);
    const check = await sns('black_list_check', { From_Account: 'b_bob', To_Account: ['b_ann', 'b_cat'], CheckType: 'BlackCheckResult_Type_Both' });
    expect((check.BlackListCheckItem as { Relation: string }[]).map((x) => x.Relation)).toEqual(['BlackCheckResult_Type_BWithA', 'BlackCheckResult_Type_NO']);

    expect(codes(await sns('black_list_delete', { From_Account: 'b_ann', To_Account: ['b_bob', 'b_zed'] }))).toEqual(['b_bob:0', 'b_zed:30001']);
    expect(codes(await sns('friend_add', { From_Account: 'b_ann', AddFriendItem: [{ To_Account: 'b_bob', AddSource: WEB }] }))).toEqual(['b_bob:0']);
    await waitFor(() => hook.of('Sns.CallbackBlackListAdd', (h) => h.body.PairList !== undefined).length > 0, 'the blacklist callback');
    expect(hook.of('Sns.CallbackBlackListAdd')[0].body.PairList).toEqual([{ From_Account: 'b_ann', To_Account: 'b_bob' }, { From_Account: 'b_ann', To_Account: 'b_cat' }]);
  });

  it('keeps friend groups: ≤32 (30011), non-friends 32216, deleting a group leaves its friends friends', async () => {
    await server.importAccounts(['h_ann', 'h_bob', 'h_cat']);
    await allow('h_bob', 'AllowType_Type_AllowAny');
    await sns('friend_add', { From_Account: 'h_ann', AddFriendItem: [{ To_Account: 'h_bob', AddSource: WEB }] });
    const added = await sns('group_add', { From_Account: 'h_ann', GroupName: ['team'], To_Account: ['h_bob', 'h_cat'] });
    expect(codes(added)).toEqual(['h_bob:0', 'h_cat:32216']);
    expect(added.CurrentSequence).toBeGreaterThan(0);
    const many = Array.from({ length: 32 }, (_, i) => `g${i}`);
    expect((await sns('group_add', { From_Account: 'h_ann', GroupName: many })).ErrorCode).toBe(30011);
    expect((await sns('group_add', { From_Account: 'h_ann', GroupName: [''] })).ErrorCode).toBe(30001);
    const deleted = await sns('group_delete', { From_Account: 'h_ann', GroupName: ['team'] });
    expect(deleted.CurrentSequence).toBeGreaterThan(added.CurrentSequence as number);
    expect((await sns('group_get', { From_Account: 'h_ann' })).ResultItem).toEqual([]);
    expect(await relation('h_ann', 'h_bob')).toBe('CheckResult_Type_BothWay');
    expect((await sns('group_delete', { From_Account: 'h_ann', GroupName: ['team'] })).ErrorCode).toBe(30001);
  });
});
