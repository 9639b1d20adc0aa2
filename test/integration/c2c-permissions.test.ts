/**
 * Client sends checked against the relationship chain, from real clients: a blacklisted sender
 * refused (20007) while the one who blacklisted still writes, global mutes by setnospeaking for C2C
 * (20012) and groups (10017) with getnospeaking's remaining seconds, the friends-only switch
 * (20009–20011) — and REST sends passing all of them, as Tencent's do; on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFriends, addToBlacklist, removeFromBlacklist } from '../../src/client/friends.ts';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { text } from '../helpers/wait.ts';

const WEB = 'AddSource_Type_Web';

describe.each(storeModes())('client send checks (%s store)', (mode) => {
  let server: ParleyProcess;
  let strict: ParleyProcess;
  const clients: ParleyClient[] = [];
  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);
  const restSend = (from: string, to: string) =>
    server.rest('openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: Math.floor(Math.random() * 1e9), MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'rest' } }] });

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    strict = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_C2C_FRIENDS_ONLY: 'true' } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([server.stop(), strict.stop()]);
  });

  it('refuses a client message from someone in the receiver’s blacklist (20007); the other way and REST still go', async () => {
    const [ann, bob] = await online('k_ann', 'k_bob');
    await addToBlacklist(ann.c, ['k_bob']);
    await expect(bob.c.sendC2C('k_ann', text('let me talk'))).rejects.toMatchObject({ code: 20007 });
    expect((await ann.c.sendC2C('k_bob', text('I still can'))).seq).toBeGreaterThan(0);
    expect((await restSend('k_bob', 'k_ann')).ErrorCode).toBe(0);
    await removeFromBlacklist(ann.c, ['k_bob']);
    expect((await bob.c.sendC2C('k_ann', text('thanks'))).seq).toBeGreaterThan(0);
  });

  it('mutes an account globally: client C2C 20012 and group 10017 until cancelled; REST sends and getnospeaking', async () => {
    const [cat, dan] = await online('m_cat', 'm_dan');
    const g = (await dan.c.createGroup({ type: 'Work', name: 'g', members: [{ userId: 'm_cat' }] })).groupId;
    expect((await server.rest('openconfigsvr/setnospeaking', { Set_Account: 'm_cat', C2CmsgNospeakingTime: 4294967295, GroupmsgNospeakingTime: 600 })).ErrorCode).toBe(0);
    const got = await server.rest('openconfigsvr/getnospeaking', { Get_Account: 'm_cat' });
    expect(got).toMatchObject({ ErrorCode: 0, C2CmsgNospeakingTime: 4294967295 });
    expect(got.GroupmsgNospeakingTime).toBeGreaterThan(590);
    expect(got.GroupmsgNospeakingTime).toBeLessThanOrEqual(600);
    await expect(cat.c.sendC2C('m_dan', text('hi'))).rejects.toMatchObject({ code: 20012 });
    await expect(cat.c.sendGroup(g, text('hi all'))).rejects.toMatchObject({ code: 10017 });
    expect((await restSend('m_cat', 'm_dan')).ErrorCode).toBe(0);
    expect((await server.rest('openconfigsvr/setnospeaking', { Set_Account: 'm_cat', C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 0 })).ErrorCode).toBe(0);
    expect(await server.rest('openconfigsvr/getnospeaking', { Get_Account: 'm_cat' })).toMatchObject({ C2CmsgNospeakingTime: 0, GroupmsgNospeakingTime: 0 });
    expect((await cat.c.sendC2C('m_dan', text('hi'))).seq).toBeGreaterThan(0);
    expect((await cat.c.sendGroup(g, text('hi all'))).seq).toBeGreaterThan(0);
    expect((await server.rest('openconfigsvr/setnospeaking', { Set_Account: 'm_cat' })).ErrorCode).toBe(70402);
    expect((await server.rest('openconfigsvr/setnospeaking', { Set_Account: 'm_cat', C2CmsgNospeakingTime: -1 })).ErrorCode).toBe(70402);
    expect((await server.rest('openconfigsvr/getnospeaking', { Get_Account: 'm_ghost' })).ErrorCode).toBe(70107);
  });

  it('lets only friends both ways chat where PARLEY_C2C_FRIENDS_ONLY is on (20009, 20010, 20011)', async () => {
    await strict.importAccounts(['s_eve', 's_fay']);
    const [eve, fay] = await Promise.all(['s_eve', 's_fay'].map((id) => strict.login(id)));
    clients.push(eve, fay);
    await expect(eve.sendC2C('s_fay', text('hello stranger'))).rejects.toMatchObject({ code: 20009 });
    // Eve adds Fay one way (forced over REST): Eve has Fay, Fay does not have Eve.
    await strict.rest('sns/friend_add', { From_Account: 's_eve', AddFriendItem: [{ To_Account: 's_fay', AddSource: WEB }], AddType: 'Add_Type_Single', ForceAddFlags: 1 });
    await expect(eve.sendC2C('s_fay', text('hi'))).rejects.toMatchObject({ code: 20010 });
    await expect(fay.sendC2C('s_eve', text('hi'))).rejects.toMatchObject({ code: 20011 });
    await strict.rest('profile/portrait_set', { From_Account: 's_eve', ProfileItem: [{ Tag: 'Tag_Profile_IM_AllowType', Value: 'AllowType_Type_AllowAny' }] });
    expect((await addFriends(fay, [{ to: 's_eve', addSource: WEB }])).results[0].code).toBe(0);
    expect((await eve.sendC2C('s_fay', text('friends now'))).seq).toBeGreaterThan(0);
    expect((await fay.sendC2C('s_eve', text('yes'))).seq).toBeGreaterThan(0);
  });
});
