/**
 * User profiles over REST (portrait_set, portrait_get) and from real clients (setSelfInfo and
 * getUsersInfo as Tencent's SDK offers them): standard and custom tags with their value rules and
 * codes, account_import's Nick and FaceUrl as profile fields, the change reaching the user's other
 * devices, Profile.CallbackPortraitSet, and profiles that outlive a restart, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { getProfiles, setSelfProfile } from '../../src/client/profiles.ts';
import type { ProfileNotice } from '../../src/protocol/entries.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';
import { Webhook } from '../helpers/webhook.ts';

const NICK = 'Tag_Profile_IM_Nick';
const IMAGE = 'Tag_Profile_IM_Image';
const GENDER = 'Tag_Profile_IM_Gender';
const LEVEL = 'Tag_Profile_IM_Level';
const ALLOW = 'Tag_Profile_IM_AllowType';
const HOBBY = 'Tag_Profile_Custom_Hobby';
const SECRET = 'Tag_Profile_Custom_Secret';

type Item = { Tag: string; Value: string | number };
const profileEntries = (o: Online): ProfileNotice[] => o.events.flatMap((e) => (e.entry.kind === 'profile' ? [e.entry] : []));

describe.each(storeModes())('profiles (%s store)', (mode) => {
  let hook: Webhook;
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({
      env: { ...storeEnv(mode), PARLEY_CALLBACK_URL: hook.url, PARLEY_PROFILE_CUSTOM_TAGS: 'Hobby:string:20,Secret:r=self:w=admin' },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    await hook.close();
  });

  const portraitSet = (from: string, items: unknown) => server.rest('profile/portrait_set', { From_Account: from, ProfileItem: items });
  const portraitGet = (to: unknown, tags: unknown) => server.rest('profile/portrait_get', { To_Account: to, TagList: tags });

  it('sets standard and custom tags over REST and reads them back in the order asked, unset ones as their defaults', async () => {
    await server.rest('im_open_login_svc/account_import', { UserID: 'p_ann', Nick: 'Ann', FaceUrl: 'http://x/ann.png' });
    const set = await portraitSet('p_ann', [{ Tag: GENDER, Value: 'Gender_Type_Female' }, { Tag: LEVEL, Value: 7 }, { Tag: HOBBY, Value: 'chess' }]);
    expect(set).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const got = await portraitGet(['p_ann'], [LEVEL, NICK, GENDER, ALLOW, IMAGE, HOBBY, 'Tag_Profile_IM_SelfSignature']);
    expect(got).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(got.Fail_Account).toBeUndefined();
    expect(got.UserProfileItem).toEqual([
      {
        To_Account: 'p_ann',
        ResultCode: 0,
        ResultInfo: '',
        ProfileItem: [
          { Tag: LEVEL, Value: 7 },
          { Tag: NICK, Value: 'Ann' },
          { Tag: GENDER, Value: 'Gender_Type_Female' },
          { Tag: ALLOW, Value: 'AllowType_Type_NeedConfirm' },
          { Tag: IMAGE, Value: 'http://x/ann.png' },
          { Tag: HOBBY, Value: 'chess' },
          { Tag: 'Tag_Profile_IM_SelfSignature', Value: '' },
        ],
      },
    ]);
    // Nick set through the profile is the account's nick, as account_import's is.
    await portraitSet('p_ann', [{ Tag: NICK, Value: 'Annie' }]);
    expect(((await portraitGet(['p_ann'], [NICK])).UserProfileItem as { ProfileItem: Item[] }[])[0].ProfileItem).toEqual([{ Tag: NICK, Value: 'Annie' }]);
    await server.rest('im_open_login_svc/account_import', { UserID: 'p_ann', Nick: 'Ann again' });
    expect(((await portraitGet(['p_ann'], [NICK, LEVEL])).UserProfileItem as { ProfileItem: Item[] }[])[0].ProfileItem).toEqual([{ Tag: NICK, Value: 'Ann again' }, { Tag: LEVEL, Value: 7 }]);
  });

  it('refuses a bad portrait_set whole, with the code of the first bad item', async () => {
    await server.importAccounts(['p_bad']);
    const code = async (items: unknown, from = 'p_bad') => (await portraitSet(from, items)).ErrorCode;
    expect(await code([{ Tag: 'Tag_Profile_IM_Nope', Value: 'x' }])).toBe(40009);
    expect(await code([{ Tag: 'Tag_Profile_Custom_Undeclared', Value: 'x' }])).toBe(40009);
    expect(await code([{ Tag: LEVEL, Value: 'seven' }])).toBe(40610);
    expect(await code([{ Tag: NICK, Value: 5 }])).toBe(40610);
    expect(await code([{ Tag: GENDER, Value: 'Gender_Type_Robot' }])).toBe(40605);
    expect(await code([{ Tag: LEVEL, Value: 4294967296 }])).toBe(40605);
    expect(await code([{ Tag: NICK, Value: 'n'.repeat(501) }])).toBe(40601);
    expect(await code([{ Tag: HOBBY, Value: 'h'.repeat(21) }])).toBe(40601);
    expect(await code([{ Tag: 'Tag_Profile_IM_Location', Value: 'l'.repeat(17) }])).toBe(40601);
    expect(await code([])).toBe(40001);
    expect(await code([{ Tag: LEVEL, Value: 1 }, { Tag: LEVEL, Value: 2 }])).toBe(40001);
    expect(await code([{ Tag: LEVEL, Value: 1 }], 'p_nobody')).toBe(40003);
    // All or nothing: the good first item of a refused request is not written.
    expect(await code([{ Tag: LEVEL, Value: 3 }, { Tag: GENDER, Value: 'bad' }])).toBe(40605);
    expect(((await portraitGet(['p_bad'], [LEVEL])).UserProfileItem as { ProfileItem: Item[] }[])[0].ProfileItem).toEqual([{ Tag: LEVEL, Value: 0 }]);
    expect((await server.rest('profile/portrait_set', { ProfileItem: [{ Tag: LEVEL, Value: 1 }] })).ErrorCode).toBe(40001);
  });

  it('answers portrait_get per account: 40003 in the item of an unknown one, listed in Fail_Account; a bad TagList fails the call', async () => {
    await server.importAccounts(['p_cat']);
    const got = await portraitGet(['p_cat', 'p_ghost'], [LEVEL]);
    expect(got).toMatchObject({ ErrorCode: 0, Fail_Account: ['p_ghost'] });
    expect(got.UserProfileItem).toEqual([
      { To_Account: 'p_cat', ProfileItem: [{ Tag: LEVEL, Value: 0 }], ResultCode: 0, ResultInfo: '' },
      expect.objectContaining({ To_Account: 'p_ghost', ProfileItem: [], ResultCode: 40003 }),
    ]);
    expect((await portraitGet(['p_cat'], ['Tag_Profile_IM_Nope'])).ErrorCode).toBe(40009);
    expect((await portraitGet(['p_cat'], [])).ErrorCode).toBe(40001);
    expect((await portraitGet([], [LEVEL])).ErrorCode).toBe(40002);
    expect((await portraitGet(Array.from({ length: 101 }, (_, i) => `p_${i}`), [LEVEL])).ErrorCode).toBe(40001);
  });

  it('lets a user set their own profile from a device: the other device is told, others read it, the app server is called back', async () => {
    const [dev1, bob] = await online('p_dee', 'p_bob');
    const dev2: Online = { c: await server.login('p_dee', { platform: 'iOS', onEvent: (ev) => dev2.events.push(ev) }), events: [] };
    clients.push(dev2.c);
    await setSelfProfile(dev1.c, [{ Tag: NICK, Value: 'Dee' }, { Tag: HOBBY, Value: 'climbing' }]);
    for (const d of [dev1, dev2]) await waitFor(() => profileEntries(d).length > 0, 'each device of the user to be told');
    expect(profileEntries(dev2)[0]).toMatchObject({ userId: 'p_dee', operator: 'p_dee', items: [{ Tag: NICK, Value: 'Dee' }, { Tag: HOBBY, Value: 'climbing' }] });
    const seen = await getProfiles(bob.c, ['p_dee'], [NICK, HOBBY]);
    expect(seen.profiles).toEqual([{ userId: 'p_dee', code: 0, info: '', items: [{ Tag: NICK, Value: 'Dee' }, { Tag: HOBBY, Value: 'climbing' }] }]);
    await waitFor(() => hook.of('Profile.CallbackPortraitSet', (h) => h.body.From_Account === 'p_dee').length > 0, 'the after-set callback');
    const called = hook.of('Profile.CallbackPortraitSet', (h) => h.body.From_Account === 'p_dee')[0];
    expect(called.body).toMatchObject({ CallbackCommand: 'Profile.CallbackPortraitSet', Operator_Account: 'p_dee', ProfileItem: [{ Tag: NICK, Value: 'Dee' }, { Tag: HOBBY, Value: 'climbing' }] });
    expect(called.query.OptPlatform).toBe('Web');

    // A tag only the App admin writes, and only its owner reads.
    await expect(setSelfProfile(dev1.c, [{ Tag: SECRET, Value: 'x' }])).rejects.toMatchObject({ code: 40008 });
    await expect(setSelfProfile(dev1.c, [{ Tag: 'Tag_Profile_IM_AdminForbidType', Value: 'AdminForbid_Type_None' }])).rejects.toMatchObject({ code: 40008 });
    expect((await portraitSet('p_dee', [{ Tag: SECRET, Value: 'vip' }])).ErrorCode).toBe(0);
    expect((await getProfiles(dev1.c, ['p_dee'], [SECRET])).profiles[0]).toMatchObject({ code: 0, items: [{ Tag: SECRET, Value: 'vip' }] });
    expect((await getProfiles(bob.c, ['p_dee'], [SECRET])).profiles[0]).toMatchObject({ code: 40007, items: [] });
    expect((await getProfiles(bob.c, ['p_dee', 'p_nobody'], [NICK])).profiles.map((p) => p.code)).toEqual([0, 40003]);
    await expect(setSelfProfile(dev1.c, [{ Tag: LEVEL, Value: 'high' }])).rejects.toMatchObject({ code: 40610 });
    await waitFor(() => hook.of('Profile.CallbackPortraitSet', (h) => h.body.From_Account === 'p_dee').length > 1, 'the admin set’s callback');
    expect(hook.of('Profile.CallbackPortraitSet', (h) => h.body.From_Account === 'p_dee')[1].query.OptPlatform).toBe('RESTAPI');
  });

  it('keeps profiles across a restart', async () => {
    await server.importAccounts(['p_eve']);
    await portraitSet('p_eve', [{ Tag: LEVEL, Value: 9 }, { Tag: IMAGE, Value: 'http://x/eve.png' }]);
    await server.restart();
    expect(((await portraitGet(['p_eve'], [IMAGE, LEVEL])).UserProfileItem as { ProfileItem: Item[] }[])[0].ProfileItem).toEqual([
      { Tag: IMAGE, Value: 'http://x/eve.png' },
      { Tag: LEVEL, Value: 9 },
    ]);
  });
});
