/**
 * What receivers see of a sender, with real clients on both stores: C2C and group messages carry
 * the sender's profile fields the app selects (PARLEY_MESSAGE_PROFILE_TAGS; here nick, avatar and a
 * custom tag) and, in groups, the sender's name card; a change of the sender's profile shows in the
 * next message; friends online are told of a profile change live, others are not, and never of a
 * field only its owner may read. Search finds users by id and by nick prefix, paged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFriends, deleteFriendRequests, friendRequests, readFriendRequests } from '../../src/client/friends.ts';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { searchUsers, setSelfProfile } from '../../src/client/profiles.ts';
import type { C2CMessage, GroupMessage, ProfileNotice } from '../../src/protocol/entries.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const NICK = 'Tag_Profile_IM_Nick';
const IMAGE = 'Tag_Profile_IM_Image';
const VIP = 'Tag_Profile_Custom_Vip';
const SECRET = 'Tag_Profile_Custom_Secret';
const WEB = 'AddSource_Type_Web';
const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] as const;
const textOf = (m: C2CMessage | GroupMessage): string => String((m.body[0]?.MsgContent as { Text?: string }).Text);

const c2cOf = (o: Online, text: string): C2CMessage | undefined =>
  o.events.flatMap((e) => (e.entry.kind === 'c2c' && textOf(e.entry) === text ? [e.entry] : []))[0];
const groupMsgOf = (o: Online, text: string): GroupMessage | undefined =>
  o.events.flatMap((e) => (e.entry.kind === 'group' && textOf(e.entry) === text ? [e.entry] : []))[0];
const profileOf = (o: Online, userId: string): ProfileNotice[] => o.events.flatMap((e) => (e.entry.kind === 'profile' && e.entry.userId === userId ? [e.entry] : []));

describe.each(storeModes())('sender profiles and user search (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);
  const portraitSet = (from: string, items: unknown) => server.rest('profile/portrait_set', { From_Account: from, ProfileItem: items });

  beforeAll(async () => {
    server = await ParleyProcess.start({
      env: {
        ...storeEnv(mode),
        PARLEY_PROFILE_CUSTOM_TAGS: 'Vip:string:10,Secret:r=self:w=admin',
        PARLEY_MESSAGE_PROFILE_TAGS: `${NICK},${IMAGE},${VIP}`,
      },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  it('puts the sender’s nick, avatar and selected tags in C2C messages, from clients and REST, and the latest after a change', async () => {
    const [sam, rue] = await online('s_sam', 's_rue');
    await portraitSet('s_sam', [{ Tag: NICK, Value: 'Sam' }, { Tag: IMAGE, Value: 'http://x/sam.png' }, { Tag: VIP, Value: 'gold' }, { Tag: 'Tag_Profile_IM_Level', Value: 9 }]);
    await sam.c.sendC2C('s_rue', TEXT('hi'));
    await waitFor(() => c2cOf(rue, 'hi') !== undefined, 'Rue to receive the message');
    // Only the selected tags, never the others (Level).
    expect(c2cOf(rue, 'hi')?.senderProfile).toEqual({ [NICK]: 'Sam', [IMAGE]: 'http://x/sam.png', [VIP]: 'gold' });
    // The sender's own other devices get the same copy.
    await waitFor(() => c2cOf(sam, 'hi') !== undefined, 'Sam’s own copy');
    expect(c2cOf(sam, 'hi')?.senderProfile).toMatchObject({ [NICK]: 'Sam' });

    // Changed from the device: the next message shows it.
    await setSelfProfile(sam.c, [{ Tag: NICK, Value: 'Samuel' }]);
    await sam.c.sendC2C('s_rue', TEXT('renamed'));
    await waitFor(() => c2cOf(rue, 'renamed') !== undefined, 'the message after the rename');
    expect(c2cOf(rue, 'renamed')?.senderProfile).toEqual({ [NICK]: 'Samuel', [IMAGE]: 'http://x/sam.png', [VIP]: 'gold' });

    // REST sendmsg as the user carries it too; Rue set nothing, so her messages carry none.
    expect((await server.rest('openim/sendmsg', { From_Account: 's_sam', To_Account: 's_rue', MsgRandom: 7, MsgBody: TEXT('by rest') })).ErrorCode).toBe(0);
    await waitFor(() => c2cOf(rue, 'by rest') !== undefined, 'the REST message');
    expect(c2cOf(rue, 'by rest')?.senderProfile).toMatchObject({ [NICK]: 'Samuel' });
    await rue.c.sendC2C('s_sam', TEXT('plain'));
    await waitFor(() => c2cOf(sam, 'plain') !== undefined, 'Sam to receive Rue’s message');
    expect(c2cOf(sam, 'plain')?.senderProfile).toBeUndefined();

    // What was sent keeps the profile of its time, also when synced later.
    const synced: C2CMessage[] = [];
    const again = await server.login('s_rue', { onEvent: (e) => e.entry.kind === 'c2c' && synced.push(e.entry) });
    clients.push(again);
    expect(synced.find((m) => textOf(m) === 'hi')?.senderProfile).toMatchObject({ [NICK]: 'Sam' });
  });

  it('puts the sender’s profile and name card in group messages', async () => {
    const [gil, hal] = await online('s_gil', 's_hal');
    await portraitSet('s_gil', [{ Tag: NICK, Value: 'Gil' }]);
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 's_gil', Type: 'Public', GroupId: 's_team', Name: 'Team', MemberList: [{ Member_Account: 's_hal' }] });
    expect(created.ErrorCode).toBe(0);
    expect((await server.rest('group_open_http_svc/modify_group_member_info', { GroupId: 's_team', Member_Account: 's_gil', NameCard: 'Captain' })).ErrorCode).toBe(0);
    await gil.c.sendGroup('s_team', TEXT('team hi'));
    await waitFor(() => groupMsgOf(hal, 'team hi') !== undefined, 'Hal to receive the group message');
    expect(groupMsgOf(hal, 'team hi')).toMatchObject({ senderProfile: { [NICK]: 'Gil' }, senderNameCard: 'Captain' });
    await hal.c.sendGroup('s_team', TEXT('no card'));
    await waitFor(() => groupMsgOf(gil, 'no card') !== undefined, 'Gil to receive Hal’s message');
    expect(groupMsgOf(gil, 'no card')?.senderProfile).toBeUndefined();
    expect(groupMsgOf(gil, 'no card')?.senderNameCard).toBeUndefined();
  });

  it('tells friends online of a profile change live, without fields only the owner reads; strangers hear nothing', async () => {
    const [ivy, jon, kit] = await online('s_ivy', 's_jon', 's_kit');
    await server.rest('sns/friend_import', { From_Account: 's_ivy', AddFriendItem: [{ To_Account: 's_jon', AddSource: WEB }] });
    await server.rest('sns/friend_import', { From_Account: 's_jon', AddFriendItem: [{ To_Account: 's_ivy', AddSource: WEB }] });
    await setSelfProfile(ivy.c, [{ Tag: NICK, Value: 'Ivy' }]);
    await waitFor(() => profileOf(jon, 's_ivy').length > 0, 'Jon to be told of his friend’s change');
    expect(profileOf(jon, 's_ivy')[0]).toMatchObject({ kind: 'profile', userId: 's_ivy', operator: 's_ivy', items: [{ Tag: NICK, Value: 'Ivy' }] });
    // A field only Ivy and the admin read is not told; a change of only such fields tells nobody.
    expect((await portraitSet('s_ivy', [{ Tag: SECRET, Value: 'x' }, { Tag: VIP, Value: 'silver' }])).ErrorCode).toBe(0);
    await waitFor(() => profileOf(jon, 's_ivy').length > 1, 'the admin’s change told');
    expect(profileOf(jon, 's_ivy')[1].items).toEqual([{ Tag: VIP, Value: 'silver' }]);
    expect((await portraitSet('s_ivy', [{ Tag: SECRET, Value: 'y' }])).ErrorCode).toBe(0);
    // Ivy's own devices hear of every change (in their inbox); her last one comes after whatever Jon could have got.
    await waitFor(() => profileOf(ivy, 's_ivy').length === 3, 'Ivy’s devices told of all three changes');
    await setSelfProfile(ivy.c, [{ Tag: IMAGE, Value: 'http://x/ivy.png' }]);
    await waitFor(() => profileOf(jon, 's_ivy').length > 2, 'the next change told');
    expect(profileOf(jon, 's_ivy').map((n) => n.items.map((i) => i.Tag))).toEqual([[NICK], [VIP], [IMAGE]]);
    expect(profileOf(kit, 's_ivy')).toEqual([]);
  });

  it('finds users by exact id and by nick prefix, ignoring case and width, a page at a time', async () => {
    const [finder] = await online('s_finder');
    const ids = ['s_ab1', 's_ab2', 's_ab3', 's_ab4', 's_ab5'];
    await server.importAccounts(ids);
    const nicks = ['Abel', 'abby', 'ＡＢＣ', 'Abner', 'Zed ab'];
    for (let i = 0; i < ids.length; i++) await portraitSet(ids[i], [{ Tag: NICK, Value: nicks[i] }]);
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await searchUsers(finder.c, 'AB', { cursor, limit: 2 });
      seen.push(...page.users.map((u) => u.userId));
      cursor = page.cursor;
      pages++;
    } while (cursor !== '' && pages < 10);
    // Zed's nick does not begin with "ab"; the others come in nick order, each once.
    expect(seen).toEqual(['s_ab2', 's_ab3', 's_ab1', 's_ab4']);
    const exact = await searchUsers(finder.c, 's_ab5');
    expect(exact.users).toEqual([{ userId: 's_ab5', items: [{ Tag: NICK, Value: 'Zed ab' }] }]);
    // An empty keyword is refused by the op's arguments (the client's bad-request code), a blank one by the search.
    await expect(searchUsers(finder.c, '')).rejects.toMatchObject({ code: 70402 });
    await expect(searchUsers(finder.c, ' ')).rejects.toMatchObject({ code: 40001 });
    await expect(searchUsers(finder.c, 'ab', { cursor: 'made-up' })).rejects.toMatchObject({ code: 40001 });
  });

  it('counts unread friend requests until they are marked read, and deletes requests unanswered', async () => {
    const [lia, max, ned] = await online('s_lia', 's_max', 's_ned');
    expect((await addFriends(lia.c, [{ to: 's_ned', addSource: WEB }])).results[0].code).toBe(30539);
    expect((await addFriends(max.c, [{ to: 's_ned', addSource: WEB }])).results[0].code).toBe(30539);
    expect(await friendRequests(ned.c)).toMatchObject({ received: 2, unread: 2 });
    await readFriendRequests(ned.c);
    expect(await friendRequests(ned.c)).toMatchObject({ received: 2, unread: 0 });
    const del = await deleteFriendRequests(ned.c, [{ userId: 's_lia', type: 'received' }, { userId: 's_lia', type: 'sent' }]);
    expect(del.results.map((r) => r.code)).toEqual([0, 30614]);
    expect((await friendRequests(ned.c)).requests.map((r) => r.from)).toEqual(['s_max']);
    expect((await friendRequests(lia.c)).requests).toEqual([]);
    await waitFor(() => lia.events.some((e) => e.entry.kind === 'relation' && e.entry.action === 'friend.request_dropped'), 'Lia to be told her request is gone');
    expect((await deleteFriendRequests(max.c, [{ userId: 's_ned', type: 'sent' }])).results[0].code).toBe(0);
    expect(await friendRequests(ned.c)).toMatchObject({ received: 0, unread: 0, requests: [] });
  });
});
