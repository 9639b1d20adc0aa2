/**
 * account_delete over REST with real clients watching, on both stores: per-item ResultItem (70107
 * with Tencent's ResultInfo for an unknown id), the deleted user's devices closed and their
 * UserSigs refused, their profile, friendships both ways, requests, blacklist and inbox gone, and
 * the id imported again as a new account whose inbox SEQ continues after the old one's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyClient } from '../../src/client/parley-client.ts';
import { addFriends, friendRequests, friends } from '../../src/client/friends.ts';
import { searchUsers } from '../../src/client/profiles.ts';
import type { StreamEvent } from '../../src/protocol/entries.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }] as const;
const WEB = 'AddSource_Type_Web';

describe.each(storeModes())('account_delete (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);
  const del = (...ids: string[]) => server.rest('im_open_login_svc/account_delete', { DeleteItem: ids.map((UserID) => ({ UserID })) });

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  it('answers per item: 0 for a deleted account, 70107 with Err_TLS_PT_Open_Login_Account_Not_Exist for an unknown or already deleted one', async () => {
    await server.importAccounts(['d_one']);
    const r = await del('d_one', 'd_ghost');
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.ResultItem).toEqual([
      { ResultCode: 0, ResultInfo: '', UserID: 'd_one' },
      { ResultCode: 70107, ResultInfo: 'Err_TLS_PT_Open_Login_Account_Not_Exist', UserID: 'd_ghost' },
    ]);
    expect(((await del('d_one')).ResultItem as { ResultCode: number }[])[0].ResultCode).toBe(70107);
    const check = await server.rest('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'd_one' }] });
    expect((check.ResultItem as { AccountStatus: string }[])[0].AccountStatus).toBe('NotImported');
    expect((await server.rest('im_open_login_svc/account_delete', { DeleteItem: [] })).ErrorCode).toBe(70402);
    expect((await server.rest('im_open_login_svc/account_delete', {})).ErrorCode).toBe(70402);
    const many = Array.from({ length: 101 }, (_, i) => ({ UserID: `d_many${i}` }));
    expect((await server.rest('im_open_login_svc/account_delete', { DeleteItem: many })).ErrorCode).toBe(70402);
  });

  it('removes the account with its profile, relationships and inbox; closes its sessions; the id comes back as a new account', async () => {
    const [dan, eve, fay] = await online('d_dan', 'd_eve', 'd_fay');
    await server.rest('profile/portrait_set', { From_Account: 'd_dan', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Dandelion' }, { Tag: 'Tag_Profile_IM_Level', Value: 3 }] });
    // Dan and Eve are friends both ways; Dan asked Fay (NeedConfirm); Dan blacklisted nobody yet, then Fay.
    await server.rest('sns/friend_import', { From_Account: 'd_dan', AddFriendItem: [{ To_Account: 'd_eve', AddSource: WEB }] });
    await server.rest('sns/friend_import', { From_Account: 'd_eve', AddFriendItem: [{ To_Account: 'd_dan', AddSource: WEB }] });
    expect((await addFriends(dan.c, [{ to: 'd_fay', addSource: WEB }])).results[0].code).toBe(30539);
    await server.rest('sns/black_list_add', { From_Account: 'd_dan', To_Account: ['d_fay'] });
    // Dan's inbox holds a message from Eve.
    const sent = await eve.c.sendC2C('d_dan', TEXT('before'));
    await waitFor(() => dan.events.some((e) => e.entry.kind === 'c2c'), 'Dan to receive the message');
    const oldHead = Math.max(...dan.events.filter((e) => e.stream === 'u:d_dan').map((e) => e.seq));
    const earlierSig = server.userSig('d_dan', { time: Math.floor(Date.now() / 1000) - 60 });
    const closed = new Promise<number>((resolve) => dan.c.onState((s) => s === 'closed' && resolve(dan.c.closeCode)));

    expect(((await del('d_dan')).ResultItem as { ResultCode: number }[])[0].ResultCode).toBe(0);
    expect(await closed).toBe(4100);

    // Gone for everyone else: the profile, Eve's friendship, Fay's pending request, sends to the id.
    const got = await server.rest('profile/portrait_get', { To_Account: ['d_dan'], TagList: ['Tag_Profile_IM_Nick'] });
    expect((got.UserProfileItem as { ResultCode: number }[])[0].ResultCode).toBe(40003);
    expect((await friends(eve.c)).friends.map((f) => f.to)).not.toContain('d_dan');
    expect((await friendRequests(fay.c)).requests).toEqual([]);
    await expect(eve.c.sendC2C('d_dan', TEXT('after'))).rejects.toMatchObject({ code: 90012 });
    expect((await searchUsers(eve.c, 'Dandelion')).users).toEqual([]);
    const roam = await server.rest('openim/admin_getroammsg', { Operator_Account: 'd_dan', Peer_Account: 'd_eve', MaxCnt: 10, MinTime: 0, MaxTime: Math.floor(Date.now() / 1000) + 60 });
    expect(roam.MsgList ?? []).toEqual([]);

    // The id imported again is a new account: an empty profile and inbox, no relationships; the old UserSig no longer opens it.
    await server.importAccounts(['d_dan']);
    await expect(ParleyClient.login({ endpoint: server.url, userId: 'd_dan', userSig: earlierSig })).rejects.toMatchObject({ code: 70003 });
    const events: StreamEvent[] = [];
    const again = await server.login('d_dan', { onEvent: (e) => events.push(e) });
    clients.push(again);
    expect(events.filter((e) => e.entry.kind === 'c2c')).toEqual([]);
    const level = await server.rest('profile/portrait_get', { To_Account: ['d_dan'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Level'] });
    expect((level.UserProfileItem as { ProfileItem: unknown[] }[])[0].ProfileItem).toEqual([{ Tag: 'Tag_Profile_IM_Nick', Value: '' }, { Tag: 'Tag_Profile_IM_Level', Value: 0 }]);
    expect((await friends(again)).friends).toEqual([]);
    const black = await server.rest('sns/black_list_get', { From_Account: 'd_dan', StartIndex: 0, MaxLimited: 10, LastSequence: 0 });
    expect(black.BlackListItem ?? []).toEqual([]);
    // Its inbox goes on after the old SEQs: none is used twice.
    await eve.c.sendC2C('d_dan', TEXT('welcome back'));
    await waitFor(() => events.some((e) => e.entry.kind === 'c2c'), 'the new account to receive a message');
    const first = events.find((e) => e.entry.kind === 'c2c');
    expect(first?.seq).toBeGreaterThan(oldHead);
    expect(sent.msgKey).not.toBe('');
  });
});
