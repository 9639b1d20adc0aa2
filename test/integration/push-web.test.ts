/**
 * The Web Push sender against a local push service that checks what a real one does: the VAPID
 * JWT (signature, audience, expiry, subject, the subscription's key) and the aes128gcm payload,
 * which it decrypts with the emulated browser's keys. Dead subscriptions, a foreign VAPID key,
 * throttling and an unreachable service come back classified.
 */
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebPushSender, topicOf } from '../../src/push/web-push-sender.ts';
import type { PushNotification } from '../../src/push/notification.ts';
import type { PushSender } from '../../src/push/provider.ts';
import { testTls } from '../helpers/push-tls.ts';
import { type WebPushStandIn, startWebPushStandIn } from '../helpers/web-push-stand-in.ts';

const NOTE: PushNotification = { title: 'Amy', body: 'lunch?', badge: 3, ext: '{"c":"c2c_amy"}', mutableContent: false, threadId: 'c2c_amy', collapseId: 'c2c_amy' };

describe('Web Push sender', () => {
  const tls = testTls();
  const vapid = webpush.generateVAPIDKeys();
  let service: WebPushStandIn;
  let sender: PushSender<'webpush'>;
  const target = (sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => ({ provider: 'webpush' as const, ...sub });

  beforeAll(async () => {
    service = await startWebPushStandIn({ tls });
    sender = createWebPushSender({ vapid: { subject: 'mailto:ops@example.com', ...vapid }, ca: tls.ca });
  });
  afterAll(async () => {
    await sender.close();
    await service.close();
  });

  it('delivers an encrypted push the browser decrypts, with TTL, urgency and a per-conversation topic', async () => {
    const sub = service.subscribe(vapid.publicKey);
    const outcome = await sender.send(target(sub), NOTE, { ttlSeconds: 3600 });
    expect(outcome).toMatchObject({ ok: true });
    const [got] = service.received.filter((r) => r.endpoint === sub.endpoint);
    expect(got.payload).toEqual({ title: 'Amy', body: 'lunch?', tag: 'c2c_amy', badgeCount: 3, ext: '{"c":"c2c_amy"}' });
    expect(got.headers).toEqual({ ttl: '3600', urgency: 'high', topic: topicOf('c2c_amy') });
    expect(topicOf('c2c_amy')).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(topicOf(`group_${'x'.repeat(60)}`)).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
  });

  it('sends quiet-hours pushes at normal urgency, marked silent', async () => {
    const sub = service.subscribe(vapid.publicKey);
    await sender.send(target(sub), { ...NOTE, silent: true }, { ttlSeconds: 60 });
    const [got] = service.received.filter((r) => r.endpoint === sub.endpoint);
    expect(got.headers.urgency).toBe('normal');
    expect(got.payload).toMatchObject({ silent: true });
  });

  it('cuts a long text to fit one record, and it still decrypts', async () => {
    const sub = service.subscribe(vapid.publicKey);
    expect(await sender.send(target(sub), { ...NOTE, body: '长'.repeat(3000) }, { ttlSeconds: 60 })).toMatchObject({ ok: true });
    const body = (service.received.find((r) => r.endpoint === sub.endpoint)?.payload as { body: string }).body;
    expect(body.endsWith('…')).toBe(true);
    expect(body.startsWith('长长长')).toBe(true);
  });

  it('answers drop-token for an unsubscribed (410) or unknown (404) endpoint', async () => {
    const sub = service.subscribe(vapid.publicKey);
    service.unsubscribe(sub.endpoint);
    expect(await sender.send(target(sub), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'drop-token', status: 410 });
    expect(await sender.send(target({ ...sub, endpoint: `${service.origin}/push/none` }), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'drop-token', status: 404 });
  });

  it('answers fix-config for a sender with another VAPID key, and keeps the subscription working for the right one', async () => {
    const sub = service.subscribe(vapid.publicKey);
    const other = createWebPushSender({ vapid: { subject: 'mailto:ops@example.com', ...webpush.generateVAPIDKeys() }, ca: tls.ca });
    try {
      expect(await other.send(target(sub), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'fix-config', status: 403 });
    } finally {
      await other.close();
    }
    expect(await sender.send(target(sub), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: true });
  });

  it('answers retry with Retry-After for 429, and with status 0 when the service cannot be reached', async () => {
    const sub = service.subscribe(vapid.publicKey);
    service.force(sub.endpoint, 429, { 'retry-after': '7' });
    expect(await sender.send(target(sub), NOTE, { ttlSeconds: 60 })).toEqual({ ok: false, action: 'retry', status: 429, reason: 'HTTP 429', retryAfterMs: 7000 });
    const gone = await startWebPushStandIn({ tls });
    const dead = gone.subscribe(vapid.publicKey);
    await gone.close();
    expect(await sender.send(target(dead), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'retry', status: 0, reason: 'ECONNREFUSED' });
  });

  it('gives up a push whose Ext alone is too big, without a request', async () => {
    const sub = service.subscribe(vapid.publicKey);
    // Status 0: no answer came, because no request went (a 413 from the service would say so).
    expect(await sender.send(target(sub), { ...NOTE, ext: 'x'.repeat(5000) }, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'drop-message', status: 0 });
    expect(service.received.filter((r) => r.endpoint === sub.endpoint)).toEqual([]);
  });

  it('refuses malformed VAPID keys at start, naming the key', () => {
    expect(() => createWebPushSender({ vapid: { subject: 'mailto:a@b.c', publicKey: 'short', privateKey: vapid.privateKey } })).toThrow(/PARLEY_VAPID_PUBLIC_KEY/);
    expect(() => createWebPushSender({ vapid: { subject: 'mailto:a@b.c', publicKey: vapid.publicKey, privateKey: 'AAAA' } })).toThrow(/PARLEY_VAPID_PRIVATE_KEY/);
  });
});
