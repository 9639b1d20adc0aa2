/**
 * Following online status beyond friends, with real clients on both stores (Tencent's
 * subscribeUserStatus): a subscriber hears each followed user come, go (PushOnline while a phone
 * of theirs is registered for push) and come back, across a restart; past the limit the oldest
 * subscription gives way; unsubscribing stops it all. Without PARLEY_FRIEND_STATUS_PUSH, so only
 * subscriptions tell anyone.
 */
import { describe, expect, it } from 'vitest';
import type { StreamEvent, UserStatusNotice } from '../../src/protocol/entries.ts';
import { hookedServer } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const APNS = { provider: 'apns' as const, token: 'ef'.repeat(32), bundleId: 'com.example.chat', environment: 'production' as const };
const heard = (events: StreamEvent[], userId: string): UserStatusNotice['status'][] =>
  events.flatMap((e) => (e.entry.kind === 'status' && e.entry.userId === userId ? [e.entry.status] : []));

describe.each(storeModes())('status subscriptions (%s store)', (mode) => {
  const rig = hookedServer({ ...storeEnv(mode), PARLEY_STATUS_SUBSCRIPTIONS_MAX: '2' });

  it('tells a subscriber of each change of the users it follows, keeps the newest past the limit, and stops on unsubscribe', async () => {
    await rig.server.importAccounts(['ss_eve', 'ss_fay', 'ss_gus']);
    const [dee, hal] = await rig.online('ss_dee', 'ss_hal');
    // Hal follows Eve and Fay throughout: when Hal has heard a change, Dee would have too.
    await hal.c.subscribeStatus(['ss_eve', 'ss_fay']);

    const first = await dee.c.subscribeStatus(['ss_eve', 'ss_fay', 'ss_dee', 'ss_nobody']);
    expect(first.statuses).toEqual([
      { userId: 'ss_eve', status: 'Offline' },
      { userId: 'ss_fay', status: 'Offline' },
    ]);
    expect(first.errors).toEqual([
      { userId: 'ss_nobody', code: 70107 },
      { userId: 'ss_dee', code: 70402 },
    ]);

    const phone = await rig.server.login('ss_eve', { platform: 'iOS' });
    await waitFor(() => heard(dee.events, 'ss_eve').length === 1, 'Dee to hear Eve come online');
    await phone.registerPush({ deviceId: 'eve-phone', target: APNS });
    await phone.close();
    await waitFor(() => heard(dee.events, 'ss_eve').length === 2, 'Dee to hear Eve go away');
    expect(heard(dee.events, 'ss_eve')).toEqual(['Online', 'PushOnline']);
    expect(heard(dee.events, 'ss_dee')).toEqual([]);

    // Subscriptions are stored: they hold across a restart and a new login.
    await rig.server.restart();
    const deeSaw: StreamEvent[] = [];
    const halSaw: StreamEvent[] = [];
    const deeAgain = await rig.server.login('ss_dee', { onEvent: (e) => deeSaw.push(e) });
    const halAgain = await rig.server.login('ss_hal', { onEvent: (e) => halSaw.push(e) });
    rig.clients.push(deeAgain, halAgain);
    const fay = await rig.server.login('ss_fay');
    await waitFor(() => heard(deeSaw, 'ss_fay').length === 1, 'Dee to hear Fay come online after the restart');

    // A third subscription past the limit of 2: Eve's, the oldest (made with Fay's, and first by id), gives way.
    await deeAgain.subscribeStatus(['ss_gus']);
    const eve = await rig.server.login('ss_eve');
    await waitFor(() => heard(halSaw, 'ss_eve').length === 1, 'Hal to hear Eve come back');
    await deeAgain.userStatus(['ss_eve']); // a round trip on Dee's socket: anything sent before it has arrived
    expect(heard(deeSaw, 'ss_eve')).toEqual([]);

    await deeAgain.unsubscribeStatus();
    await fay.close();
    await eve.close();
    await waitFor(() => heard(halSaw, 'ss_fay').length === 2 && heard(halSaw, 'ss_eve').length === 2, 'Hal to hear Fay and Eve go');
    await deeAgain.userStatus(['ss_fay']);
    expect(heard(deeSaw, 'ss_fay')).toEqual(['Online']);
    expect(heard(halSaw, 'ss_fay')).toEqual(['Online', 'Offline']);
    expect(heard(halSaw, 'ss_eve')).toEqual(['Online', 'PushOnline']);
  });

  it('refuses a subscription without users, or to a malformed id', async () => {
    const [ivy] = await rig.online('ss_ivy');
    await expect(ivy.c.subscribeStatus([])).rejects.toMatchObject({ code: 70402 });
    await expect(ivy.c.subscribeStatus(['x'.repeat(33)])).rejects.toMatchObject({ code: 70402 });
    await ivy.c.unsubscribeStatus(['ss_nobody']);
  });
});
