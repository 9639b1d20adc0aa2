/**
 * The relationship chain from real clients, as Tencent's SDK offers it: a friend request to a
 * NeedConfirm user, listed for both, accepted on one of the peer's devices and seen on the others
 * and on the requester's; refusal; the friend list and check; deleting; the blacklist, whose target
 * is never told; the app server's Sns.CallbackPrevFriendAdd / PrevFriendResponse vetoes — on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addFriendGroups,
  addFriends,
  addToBlacklist,
  blacklist,
  checkFriends,
  deleteAllFriends,
  deleteFriendGroups,
  deleteFriends,
  friendGroups,
  friendRequests,
  friends,
  removeFromBlacklist,
  respondToFriends,
  updateFriends,
} from '../../src/client/friends.ts';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { RelationNotice } from '../../src/protocol/entries.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { Webhook } from '../helpers/webhook.ts';

const WEB = 'AddSource_Type_Web';
const relationsOf = (o: Online, action: RelationNotice['action']): RelationNotice[] =>
  o.events.flatMap((e) => (e.entry.kind === 'relation' && e.entry.action === action ? [e.entry] : []));

describe.each(storeModes())('friends from real clients (%s store)', (mode) => {
  let server: ParleyProcess;
  let hook: Webhook;
  const clients: ParleyClient[] = [];
  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);
  /** A second device of `userId`, recording its events. */
  async function secondDevice(userId: string): Promise<Online> {
    const o: Online = { c: await server.login(userId, { platform: 'iOS', onEvent: (ev) => o.events.push(ev) }), events: [] };
    clients.push(o.c);
    return o;
  }

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_CALLBACK_URL: hook.url } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    await hook.close();
  });

  it('sends a request to a NeedConfirm user, accepted on one of their devices and seen on every device of both', async () => {
    const [ann, bob] = await online('c_ann', 'c_bob');
    const [ann2, bob2] = await Promise.all([secondDevice('c_ann'), secondDevice('c_bob')]);
    const asked = await addFriends(ann.c, [{ to: 'c_bob', addSource: WEB, addWording: 'hi, it is Ann', remark: 'Bobby' }]);
    expect(asked.results).toEqual([{ to: 'c_bob', code: 30539, info: expect.any(String) }]);
    for (const d of [bob, bob2, ann2]) await waitFor(() => relationsOf(d, 'friend.requested').length > 0, `${d.c.userId} to be told of the request`);
    expect(relationsOf(bob2, 'friend.requested')[0]).toMatchObject({ user: 'c_ann', pairs: [{ from: 'c_ann', to: 'c_bob' }] });
    expect((await friendRequests(bob.c)).requests).toEqual([expect.objectContaining({ from: 'c_ann', to: 'c_bob', addWording: 'hi, it is Ann', sent: false })]);
    expect(await friendRequests(ann.c)).toMatchObject({ sent: 1, received: 0, requests: [expect.objectContaining({ to: 'c_bob', sent: true })] });

    expect((await respondToFriends(bob2.c, [{ to: 'c_ann', action: 'Response_Action_AgreeAndAdd', remark: 'Annie' }])).results).toEqual([{ to: 'c_ann', code: 0, info: '' }]);
    for (const d of [ann, ann2, bob]) await waitFor(() => relationsOf(d, 'friend.added').length > 0, `${d.c.userId} to see the new friendship`);
    expect((await checkFriends(ann.c, ['c_bob'])).results).toEqual([{ to: 'c_bob', relation: 'CheckResult_Type_BothWay' }]);
    const list = await friends(ann.c);
    expect(list).toMatchObject({ friendNum: 1, complete: true });
    expect(list.friends[0].tags).toEqual(expect.arrayContaining([{ Tag: 'Tag_SNS_IM_Remark', Value: 'Bobby' }]));
    expect((await friends(bob.c)).friends[0].tags).toEqual(expect.arrayContaining([{ Tag: 'Tag_SNS_IM_Remark', Value: 'Annie' }]));
    expect((await friendRequests(bob.c)).requests).toEqual([]);
    expect((await respondToFriends(bob.c, [{ to: 'c_ann', action: 'Response_Action_Agree' }])).results[0].code).toBe(30614);
  });

  it('refuses a request, which drops it for both; deletes a friend; a blacklisted user is not told and cannot ask again', async () => {
    const [cat, dan] = await online('c_cat', 'c_dan');
    await addFriends(cat.c, [{ to: 'c_dan', addSource: WEB }]);
    expect((await respondToFriends(dan.c, [{ to: 'c_cat', action: 'Response_Action_Reject' }])).results[0].code).toBe(0);
    await waitFor(() => relationsOf(cat, 'friend.request_dropped').length > 0, 'the requester to see the request dropped');
    expect((await friendRequests(cat.c)).requests).toEqual([]);

    await addFriends(cat.c, [{ to: 'c_dan', addSource: WEB }]);
    await respondToFriends(dan.c, [{ to: 'c_cat', action: 'Response_Action_Agree' }]);
    expect((await checkFriends(dan.c, ['c_cat'])).results[0].relation).toBe('CheckResult_Type_BWithA');
    expect((await deleteFriends(cat.c, ['c_dan', 'c_nobody'])).results.map((r) => r.code)).toEqual([0, 31704]);

    expect((await addToBlacklist(dan.c, ['c_cat'])).results).toEqual([{ to: 'c_cat', code: 0, info: '' }]);
    expect((await blacklist(dan.c)).entries.map((e) => e.to)).toEqual(['c_cat']);
    expect((await addFriends(cat.c, [{ to: 'c_dan', addSource: WEB }])).results[0].code).toBe(30525);
    expect(relationsOf(cat, 'blacklist.added')).toEqual([]);
    expect((await removeFromBlacklist(dan.c, ['c_cat'])).results[0].code).toBe(0);
    expect((await blacklist(dan.c)).entries).toEqual([]);
  });

  it('asks the app server before a client request and before an answer; its per-item code refuses that one only', async () => {
    const [gus, hal, ivy] = await online('v_gus', 'v_hal', 'v_ivy');
    const prevAdd = (h: { body: Record<string, unknown> }) => h.body.Requester_Account === 'v_gus';
    hook.on((h) => h.command === 'Sns.CallbackPrevFriendAdd' && prevAdd(h) && JSON.stringify(h.body.FriendItem).includes('v_ivy'), {
      json: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ResultItem: [{ To_Account: 'v_ivy', ResultCode: 38001, ResultInfo: 'not today' }] },
    });
    const asked = await addFriends(gus.c, [{ to: 'v_hal', addSource: WEB, addWording: 'hello' }]);
    expect(asked.results[0].code).toBe(30539);
    const refused = await addFriends(gus.c, [{ to: 'v_ivy', addSource: WEB }]);
    expect(refused.results).toEqual([{ to: 'v_ivy', code: 38001, info: 'not today' }]);
    expect((await friendRequests(ivy.c)).requests).toEqual([]);
    expect(hook.of('Sns.CallbackPrevFriendAdd', prevAdd)[0].body).toMatchObject({
      From_Account: 'v_gus',
      FriendItem: [{ To_Account: 'v_hal', AddSource: WEB, AddWording: 'hello', Remark: '', GroupName: '' }],
      AddType: 'Add_Type_Both',
    });
    hook.on((h) => h.command === 'Sns.CallbackPrevFriendResponse' && h.body.Requester_Account === 'v_hal', { json: { ActionStatus: 'FAIL', ErrorCode: 38002, ErrorInfo: 'reviewing' } }, 1);
    expect((await respondToFriends(hal.c, [{ to: 'v_gus', action: 'Response_Action_Agree' }])).results).toEqual([{ to: 'v_gus', code: 38002, info: 'reviewing' }]);
    expect((await friendRequests(hal.c)).requests).toHaveLength(1);
    expect(hook.of('Sns.CallbackPrevFriendResponse', (h) => h.body.Requester_Account === 'v_hal')[0].body).toMatchObject({ ResponseFriendItem: [{ To_Account: 'v_gus', ResponseAction: 'Response_Action_Agree' }] });
    expect((await respondToFriends(hal.c, [{ to: 'v_gus', action: 'Response_Action_Agree' }])).results[0].code).toBe(0);
    // REST adds ask nothing (Tencent: only client requests are called back).
    const before = hook.of('Sns.CallbackPrevFriendAdd').length;
    await server.rest('sns/friend_add', { From_Account: 'v_ivy', AddFriendItem: [{ To_Account: 'v_gus', AddSource: WEB }] });
    expect(hook.of('Sns.CallbackPrevFriendAdd').length).toBe(before);
  });

  it('keeps friend groups and friend fields from the client: remark and groups set, a group deleted, every friend removed', async () => {
    const [joe, kim, lee] = await online('w_joe', 'w_kim', 'w_lee');
    for (const u of ['w_kim', 'w_lee']) await server.rest('profile/portrait_set', { From_Account: u, ProfileItem: [{ Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_AllowAny' }] });
    await addFriends(joe.c, [{ to: 'w_kim', addSource: WEB }, { to: 'w_lee', addSource: WEB }]);
    const made = await addFriendGroups(joe.c, ['climbing'], ['w_kim', 'w_nobody']);
    expect(made.results?.map((r) => r.code)).toEqual([0, 32216]);
    expect((await updateFriends(joe.c, [{ to: 'w_lee', tags: [{ Tag: 'Tag_SNS_IM_Remark', Value: 'Lee!' }, { Tag: 'Tag_SNS_IM_Group', Value: ['climbing', 'work'] }] }])).results[0].code).toBe(0);
    expect((await friendGroups(joe.c)).groups).toEqual([
      { name: 'climbing', friendNumber: 2, friends: ['w_kim', 'w_lee'] },
      { name: 'work', friendNumber: 1, friends: ['w_lee'] },
    ]);
    const dropped = await deleteFriendGroups(joe.c, ['climbing']);
    expect(dropped.sequence).toBeGreaterThan(made.sequence);
    expect((await friendGroups(joe.c)).groups.map((g) => g.name)).toEqual(['work']);
    await deleteAllFriends(joe.c, 'Delete_Type_Both');
    expect((await friends(joe.c)).friendNum).toBe(0);
    expect((await checkFriends(kim.c, ['w_joe'])).results[0].relation).toBe('CheckResult_Type_NoRelation');
    expect((await friends(lee.c)).friendNum).toBe(0);
  });
});
