/**
 * Who gets a message's offline push: nobody while the user has a device connected; otherwise each
 * registered device with pushes on and not in do-not-disturb, silently in its quiet hours (read in
 * its UTC offset, across midnight), with its own sound where the message names none.
 */
import { describe, expect, it } from 'vitest';
import type { C2CMessage } from '../../src/protocol/entries.ts';
import type { PushDeviceRecord } from '../../storage/store.ts';
import { inQuietHours, planC2CPush } from '../../src/push/push-plan.ts';
import { apnsPayload } from '../../src/push/notification.ts';

const message: C2CMessage = {
  kind: 'c2c', from: 'amy', to: 'ben', time: 0, msgKey: '1_2_3', msgSeq: 1, random: 2, flags: 0,
  body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'dinner?' } }],
  senderProfile: { Tag_Profile_IM_Nick: 'Amy' },
};
const device = (deviceId: string, settings: object, target: object = { provider: 'fcm', token: `tok-${deviceId}` }): PushDeviceRecord => ({
  userId: 'ben', deviceId, platform: 'Android', provider: 'fcm', target: JSON.stringify(target),
  settings: JSON.stringify({ enabled: true, doNotDisturb: false, ...settings }), registeredAt: 0, lastActiveAt: 0,
});
// 2026-12-03 12:00 UTC
const NOON = Date.UTC(2026, 11, 3, 12, 0);

describe('offline-push plan', () => {
  it('pushes to every enabled device of a user with none connected, and to none of one who is online', () => {
    const devices = [device('a', {}), device('b', { enabled: false }), device('c', { doNotDisturb: true }), device('d', {}, { provider: 'webpush', endpoint: 'https://p.example/1', keys: { p256dh: 'k', auth: 'a' } })];
    const plan = planC2CPush(message, 4, { online: false, devices, now: NOON });
    expect(plan.map((p) => [p.deviceId, p.target.provider, p.notification.title, p.notification.body, p.notification.badge, p.notification.threadId])).toEqual([
      ['a', 'fcm', 'Amy', 'dinner?', 4, 'c2c_amy'],
      ['d', 'webpush', 'Amy', 'dinner?', 4, 'c2c_amy'],
    ]);
    expect(planC2CPush(message, 4, { online: true, devices, now: NOON })).toEqual([]);
  });

  it('pushes no imported history, no message to oneself, and nothing with PushFlag 1', () => {
    const state = { online: false, devices: [device('a', {})], now: NOON };
    expect(planC2CPush({ ...message, imported: 'history' }, 1, state)).toEqual([]);
    expect(planC2CPush({ ...message, imported: 'live' }, 1, state)).toHaveLength(1);
    expect(planC2CPush({ ...message, from: 'ben' }, 1, state)).toEqual([]);
    expect(planC2CPush({ ...message, offlinePush: { PushFlag: 1 } }, 1, state)).toEqual([]);
    expect(planC2CPush({ ...message, senderProfile: undefined }, 1, state)[0].notification.title).toBe('amy');
  });

  it('goes silent in quiet hours, read in the device’s own offset and across midnight', () => {
    // 22:00–07:00 at UTC+8: noon UTC is 20:00 there (loud), 15:00 UTC is 23:00 there (quiet).
    const q = { quietHours: { from: 22 * 60, to: 7 * 60, utcOffsetMinutes: 480 } };
    const s = { enabled: true, doNotDisturb: false, ...q };
    expect(inQuietHours(s, NOON)).toBe(false);
    expect(inQuietHours(s, NOON + 3 * 3_600_000)).toBe(true);
    expect(inQuietHours(s, NOON + 10 * 3_600_000)).toBe(true); // 06:00 next day there
    expect(inQuietHours(s, NOON + 11 * 3_600_000)).toBe(false); // 07:00
    // A window within a day, at a negative offset: 09:00–17:00 at UTC-5 is 14:00–22:00 UTC.
    const day = { enabled: true, doNotDisturb: false, quietHours: { from: 9 * 60, to: 17 * 60, utcOffsetMinutes: -300 } };
    expect([13, 14, 21, 22].map((h) => inQuietHours(day, Date.UTC(2026, 11, 3, h)))).toEqual([false, true, true, false]);

    const [quiet] = planC2CPush(message, 1, { online: false, devices: [device('a', q)], now: NOON + 3 * 3_600_000 });
    expect(quiet.notification.silent).toBe(true);
    expect(apnsPayload(quiet.notification)).toMatchObject({ aps: { 'interruption-level': 'passive' } });
    expect((apnsPayload(quiet.notification).aps as Record<string, unknown>).sound).toBeUndefined();
  });

  it('uses the device’s sound where the message names none', () => {
    const [own] = planC2CPush(message, 1, { online: false, devices: [device('a', { sound: 'chime' })], now: NOON });
    expect([own.notification.apnsSound, own.notification.androidSound]).toEqual(['chime', 'chime']);
    const [named] = planC2CPush({ ...message, offlinePush: { ApnsInfo: { Sound: 'bell.caf' } } }, 1, { online: false, devices: [device('a', { sound: 'chime' })], now: NOON });
    expect([named.notification.apnsSound, named.notification.androidSound]).toEqual(['bell.caf', 'chime']);
  });
});
