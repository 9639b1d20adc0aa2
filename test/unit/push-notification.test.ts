/**
 * The offline-push notification of a message: OfflinePushInfo honoured field by field (spec §4.4),
 * Tencent's default text per element, the badge from the unread total, one thread per
 * conversation, and each provider's payload fitted to its limit without cutting Ext.
 */
import { describe, expect, it } from 'vitest';
import { PAYLOAD_LIMITS, PayloadTooLargeError, apnsPayload, fcmMessage, notificationOf, textOf, webPushPayload } from '../../src/push/notification.ts';

const text = (t: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text: t } });
const c2c = { conversationId: 'c2c_amy', from: 'amy', senderNick: 'Amy', body: [text('hello')], unread: 3 };
const bytes = (o: unknown) => Buffer.byteLength(JSON.stringify(o));

describe('offline-push notifications', () => {
  it('derives title, text and badge from a C2C message, and from a group message with its sender', () => {
    expect(notificationOf(c2c)).toEqual({ title: 'Amy', body: 'hello', badge: 3, mutableContent: false, threadId: 'c2c_amy', collapseId: 'c2c_amy' });
    const group = notificationOf({ conversationId: 'group_g1', from: 'ben', groupName: 'Climbers', body: [text('on my way')], unread: 9 });
    expect(group).toMatchObject({ title: 'Climbers', body: 'ben: on my way', badge: 9, threadId: 'group_g1' });
  });

  it('takes Tencent’s default text for each element kind, and a custom element’s Desc', () => {
    expect(
      textOf([
        text('look'),
        { MsgType: 'TIMImageElem', MsgContent: { ImageInfoArray: [] } },
        { MsgType: 'TIMFaceElem', MsgContent: { Index: 1 } },
        { MsgType: 'TIMSoundElem', MsgContent: {} },
        { MsgType: 'TIMVideoFileElem', MsgContent: {} },
        { MsgType: 'TIMFileElem', MsgContent: {} },
        { MsgType: 'TIMLocationElem', MsgContent: { Desc: 'Base camp' } },
        { MsgType: 'TIMCustomElem', MsgContent: { Data: '{}', Desc: 'sent you a gift' } },
        { MsgType: 'TIMCustomElem', MsgContent: { Data: '{}' } },
      ]),
    ).toBe('look [Image] [Face] [Voice] [Video] [File] Base camp sent you a gift [Custom Message]');
  });

  it('honours OfflinePushInfo: no push, title and text, Ext, sounds, badge mode, APNs specifics', () => {
    expect(notificationOf({ ...c2c, info: { PushFlag: 1 } })).toBeUndefined();
    const n = notificationOf({
      ...c2c,
      info: {
        PushFlag: 0,
        Title: 'New message',
        Desc: 'You have a message',
        Ext: '{"route":"chat/amy"}',
        AndroidInfo: { Sound: 'ding' },
        ApnsInfo: { Sound: 'ding.caf', BadgeMode: 1, Title: 'iOS title', SubTitle: 'from Amy', Image: 'https://img.example/a.png' },
      },
    });
    expect(n).toEqual({
      title: 'New message',
      body: 'You have a message',
      apnsTitle: 'iOS title',
      subtitle: 'from Amy',
      ext: '{"route":"chat/amy"}',
      apnsSound: 'ding.caf',
      androidSound: 'ding',
      image: 'https://img.example/a.png',
      mutableContent: true,
      threadId: 'c2c_amy',
      collapseId: 'c2c_amy',
    });
    if (!n) throw new Error('expected a notification');
    expect(apnsPayload(n)).toEqual({
      aps: { alert: { title: 'iOS title', subtitle: 'from Amy', body: 'You have a message' }, sound: 'ding.caf', 'thread-id': 'c2c_amy', 'mutable-content': 1 },
      ext: '{"route":"chat/amy"}',
      image: 'https://img.example/a.png',
    });
    expect(fcmMessage(n, 'tok')).toEqual({
      token: 'tok',
      notification: { title: 'New message', body: 'You have a message', image: 'https://img.example/a.png' },
      data: { ext: '{"route":"chat/amy"}' },
      android: { priority: 'HIGH', notification: { tag: 'c2c_amy', sound: 'ding' } },
    });
    expect(webPushPayload(n)).toEqual({ title: 'New message', body: 'You have a message', tag: 'c2c_amy', image: 'https://img.example/a.png', ext: '{"route":"chat/amy"}' });
  });

  it('puts the badge in each provider’s field, with the default APNs sound', () => {
    const n = notificationOf(c2c);
    if (!n) throw new Error('expected a notification');
    expect(apnsPayload(n)).toEqual({ aps: { alert: { title: 'Amy', body: 'hello' }, badge: 3, sound: 'default', 'thread-id': 'c2c_amy' } });
    expect(fcmMessage(n, 't')).toMatchObject({ android: { notification: { tag: 'c2c_amy', notification_count: 3 } } });
    expect(webPushPayload(n)).toEqual({ title: 'Amy', body: 'hello', tag: 'c2c_amy', badgeCount: 3 });
  });

  it('cuts a long text to fit each provider, on a character boundary, keeping Ext whole', () => {
    const ext = JSON.stringify({ route: 'chat/amy', pad: 'x'.repeat(500) });
    const n = notificationOf({ ...c2c, body: [text('山'.repeat(3000) + '"\\')], info: { Ext: ext } });
    if (!n) throw new Error('expected a notification');
    for (const [payload, limit] of [
      [apnsPayload(n), PAYLOAD_LIMITS.apns],
      [fcmMessage(n, 'tok'), PAYLOAD_LIMITS.fcm],
      [fcmMessage(n, 'tok', 2_419_200), PAYLOAD_LIMITS.fcm],
      [webPushPayload(n), PAYLOAD_LIMITS.webpush],
    ] as const) {
      expect(bytes(payload)).toBeLessThanOrEqual(limit);
      expect(bytes(payload)).toBeGreaterThan(limit - 8); // cut no more than a character or so
      expect(JSON.stringify(payload)).toContain(JSON.stringify(ext));
      const body = ((payload as { aps?: { alert: { body: string } } }).aps?.alert.body ?? (payload as { notification?: { body: string } }).notification?.body ?? (payload as { body: string }).body) as string;
      expect(body.endsWith('山…')).toBe(true);
    }
  });

  it('hashes a conversation id longer than APNs’ 64-byte collapse id, and refuses an Ext too big for any text', () => {
    const long = `group_${'g'.repeat(70)}`;
    const n = notificationOf({ ...c2c, conversationId: long });
    expect(n?.threadId).toBe(long);
    expect(Buffer.byteLength(n?.collapseId ?? '')).toBeLessThanOrEqual(64);
    expect(notificationOf({ ...c2c, conversationId: `group_${'g'.repeat(71)}` })?.collapseId).not.toBe(n?.collapseId);
    const huge = notificationOf({ ...c2c, info: { Ext: 'e'.repeat(5000) } });
    if (!huge) throw new Error('expected a notification');
    expect(() => apnsPayload(huge)).toThrow(PayloadTooLargeError);
  });
});
