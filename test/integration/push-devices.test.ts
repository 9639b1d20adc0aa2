/**
 * The offline-push device registry on both stores with real clients: an APNs, an FCM and a Web Push
 * registration per device, replaced on re-registration, refused with 70402 when malformed, kept
 * across a crash; a registered phone whose app closed its connection shows as PushOnline in
 * query_online_status (and its detail) until it unregisters, while a browser never does.
 */
import { describe, expect, it } from 'vitest';
import { hookedServer } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { eventually } from '../helpers/wait.ts';

const APNS = { provider: 'apns' as const, token: 'ab'.repeat(32), bundleId: 'com.example.chat', environment: 'sandbox' as const };
const FCM = { provider: 'fcm' as const, token: 'fcm-registration-token:APA91b' };
// A P-256 public key is 65 bytes, the auth secret 16: base64url without padding.
const WEB = { provider: 'webpush' as const, endpoint: 'https://push.example.net/send/abc', keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) } };

describe.each(storeModes())('push devices (%s store)', (mode) => {
  const rig = hookedServer(storeEnv(mode));
  const status = (ids: string[], detail = false) => rig.server.rest('openim/query_online_status', { To_Account: ids, ...(detail ? { IsNeedDetail: 1 } : {}) });

  it('registers each device, replaces a re-registration, refuses a malformed one, and keeps them across a crash', async () => {
    const phone = await rig.server.login('pd_amy', { platform: 'iOS' });
    const tablet = await rig.server.login('pd_amy', { platform: 'Android' });
    const browser = await rig.server.login('pd_amy', { platform: 'Web' });
    rig.clients.push(phone, tablet, browser);
    // This server has no provider configured: devices may register, nothing is pushed.
    expect(await phone.pushConfig()).toEqual({ providers: [] });
    const first = await phone.registerPush({ deviceId: 'amy-phone', target: APNS, settings: { sound: 'ping.caf', quietHours: { from: 1320, to: 420, utcOffsetMinutes: 480 } } });
    expect(first).toMatchObject({ deviceId: 'amy-phone', platform: 'iOS', target: APNS, settings: { enabled: true, doNotDisturb: false, sound: 'ping.caf' } });
    await tablet.registerPush({ deviceId: 'amy-tablet', target: FCM });
    await browser.registerPush({ deviceId: 'amy-browser', target: WEB });
    await phone.registerPush({ deviceId: 'amy-phone', target: { ...APNS, token: 'cd'.repeat(32) } });
    const { devices } = await browser.pushDevices();
    expect(devices.map((d) => [d.deviceId, d.platform, d.target.provider])).toEqual([
      ['amy-browser', 'Web', 'webpush'],
      ['amy-phone', 'iOS', 'apns'],
      ['amy-tablet', 'Android', 'fcm'],
    ]);
    expect(devices.find((d) => d.deviceId === 'amy-phone')?.target).toEqual({ ...APNS, token: 'cd'.repeat(32) });

    await expect(phone.registerPush({ deviceId: 'x', target: { ...APNS, token: 'not-hex' } })).rejects.toMatchObject({ code: 70402 });
    await expect(browser.registerPush({ deviceId: 'x', target: { ...WEB, endpoint: 'http://push.example.net/plain' } })).rejects.toMatchObject({ code: 70402 });
    await expect(browser.registerPush({ deviceId: 'x', target: { ...WEB, keys: { p256dh: 'short', auth: 'A'.repeat(22) } } })).rejects.toMatchObject({ code: 70402 });
    await expect(browser.registerPush({ deviceId: '', target: FCM })).rejects.toMatchObject({ code: 70402 });

    await rig.server.restart();
    const again = await rig.server.login('pd_amy', { platform: 'Web' });
    rig.clients.push(again);
    expect((await again.pushDevices()).devices.map((d) => d.deviceId)).toEqual(['amy-browser', 'amy-phone', 'amy-tablet']);
    expect(await again.unregisterPush('amy-tablet')).toEqual({ removed: true });
    expect(await again.unregisterPush('amy-tablet')).toEqual({ removed: false });
  });

  it('shows a registered phone whose app closed its connection as PushOnline until it unregisters; a browser is Offline', async () => {
    const phone = await rig.server.login('pd_ben', { platform: 'iOS' });
    await phone.registerPush({ deviceId: 'ben-phone', target: APNS });
    const browser = await rig.server.login('pd_cat', { platform: 'Web' });
    await browser.registerPush({ deviceId: 'cat-browser', target: WEB });
    expect((await status(['pd_ben'])).QueryResult).toEqual([{ To_Account: 'pd_ben', Status: 'Online' }]);

    // The app went to the background: its socket closed, its registration stays.
    await phone.close();
    await browser.close();
    await eventually(async () => expect((await status(['pd_ben'])).QueryResult).toEqual([{ To_Account: 'pd_ben', Status: 'PushOnline' }]));
    expect((await status(['pd_ben', 'pd_cat'], true)).QueryResult).toEqual([
      { To_Account: 'pd_ben', Status: 'PushOnline', Detail: [{ Platform: 'iPhone', Status: 'PushOnline' }] },
      { To_Account: 'pd_cat', Status: 'Offline', Detail: [] },
    ]);
    expect((await rig.server.rest('openim/querystate', { To_Account: ['pd_ben'] })).QueryResult).toEqual([{ To_Account: 'pd_ben', State: 'PushOnline' }]);

    // Back online from the web, the phone still shows in the detail as reachable by push.
    const web = await rig.server.login('pd_ben', { platform: 'Web' });
    rig.clients.push(web);
    expect((await status(['pd_ben'], true)).QueryResult).toEqual([
      { To_Account: 'pd_ben', Status: 'Online', Detail: [{ Platform: 'Web', Status: 'Online' }, { Platform: 'iPhone', Status: 'PushOnline' }] },
    ]);
    await web.unregisterPush('ben-phone');
    await web.close();
    await eventually(async () => expect((await status(['pd_ben'])).QueryResult).toEqual([{ To_Account: 'pd_ben', Status: 'Offline' }]));
  });
});
