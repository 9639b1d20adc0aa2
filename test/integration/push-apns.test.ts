/**
 * The APNs sender against a local APNs that checks what Apple's does (HTTP/2 + TLS, the ES256
 * provider token, apns-* headers, topic, payload): notifications arrive with their headers and
 * payload, a burst on a fresh connection limited to one stream all arrive on one connection, the
 * token's environment picks the endpoint, the JWT is reused and signed again as it ages, and
 * every kind of refusal comes back classified.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApnsSenderOptions, createApnsSender } from '../../src/push/apns-sender.ts';
import type { PushNotification } from '../../src/push/notification.ts';
import { testTls } from '../helpers/push-tls.ts';
import { type ApnsStandIn, startApnsStandIn } from '../helpers/apns-stand-in.ts';

const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const BUNDLE = 'com.example.chat';
const NOTE: PushNotification = { title: 'Amy', body: 'lunch?', badge: 2, ext: '{"c":"c2c_amy"}', mutableContent: false, threadId: 'c2c_amy', collapseId: 'c2c_amy' };
const token = (n: number) => n.toString(16).padStart(64, '0');
const target = (n: number, environment: 'sandbox' | 'production' = 'sandbox') => ({ provider: 'apns' as const, token: token(n), bundleId: BUNDLE, environment });

describe('APNs sender', () => {
  const tls = testTls();
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let clock = Date.now();
  const now = () => clock;
  let sandbox: ApnsStandIn;
  let production: ApnsStandIn;
  const senders: ReturnType<typeof createApnsSender>[] = [];
  const sender = (o: Partial<ApnsSenderOptions> = {}) => {
    const s = createApnsSender({ keyPem, keyId: KEY_ID, teamId: TEAM, endpoints: { production: production.url, sandbox: sandbox.url }, ca: tls.ca, now, ...o });
    senders.push(s);
    return s;
  };
  const at = (standIn: ApnsStandIn, n: number) => standIn.received.filter((r) => r.token === token(n));

  beforeAll(async () => {
    sandbox = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: key.publicKey, bundleIds: [BUNDLE], now, maxConcurrentStreams: 1 });
    production = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: key.publicKey, bundleIds: [BUNDLE], now });
  });
  afterAll(async () => {
    await Promise.all(senders.map((s) => s.close()));
    await Promise.all([sandbox.close(), production.close()]);
  });

  it('delivers a notification with its headers and payload', async () => {
    const s = sender();
    const outcome = await s.send(target(1), NOTE, { ttlSeconds: 3600 });
    expect(outcome).toMatchObject({ ok: true });
    const [got] = at(sandbox, 1);
    expect(got.headers).toMatchObject({ 'apns-topic': BUNDLE, 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': 'c2c_amy', 'apns-expiration': String(Math.floor(clock / 1000) + 3600) });
    expect(got.payload).toEqual({ aps: { alert: { title: 'Amy', body: 'lunch?' }, badge: 2, sound: 'default', 'thread-id': 'c2c_amy' }, ext: '{"c":"c2c_amy"}' });
  });

  it('sends a quiet-hours notification at priority 5 without sound', async () => {
    await sender().send(target(2), { ...NOTE, silent: true }, { ttlSeconds: 60 });
    const [got] = at(sandbox, 2);
    expect(got.headers['apns-priority']).toBe('5');
    expect(got.payload).toMatchObject({ aps: { 'interruption-level': 'passive' } });
    expect((got.payload as { aps: Record<string, unknown> }).aps.sound).toBeUndefined();
  });

  it('delivers a burst of 50 on a fresh connection limited to one stream, over that one connection', async () => {
    const before = sandbox.sessions;
    const s = sender();
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => s.send(target(100 + i), NOTE, { ttlSeconds: 60 })));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(50);
    expect(sandbox.sessions - before).toBe(1);
  });

  it('sends production tokens to the production endpoint', async () => {
    const s = sender();
    await s.send(target(3, 'production'), NOTE, { ttlSeconds: 60 });
    expect([at(production, 3).length, at(sandbox, 3).length]).toEqual([1, 0]);
  });

  it('answers drop-token for an unregistered token (with when) and a bad one', async () => {
    const s = sender();
    sandbox.unregister(token(4), 1_700_000_000_000);
    expect(await s.send(target(4), NOTE, { ttlSeconds: 60 })).toEqual({ ok: false, action: 'drop-token', status: 410, reason: 'Unregistered', invalidatedAt: 1_700_000_000_000 });
    sandbox.force(token(5), 400, 'BadDeviceToken');
    expect(await s.send(target(5), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'drop-token', status: 400, reason: 'BadDeviceToken' });
  });

  it('answers retry with Retry-After for 429, fix-config for a foreign key or topic', async () => {
    const s = sender();
    sandbox.force(token(6), 429, 'TooManyRequests', { 'retry-after': '30' });
    expect(await s.send(target(6), NOTE, { ttlSeconds: 60 })).toEqual({ ok: false, action: 'retry', status: 429, reason: 'TooManyRequests', retryAfterMs: 30_000 });
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await sender({ keyPem: foreign }).send(target(7), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'fix-config', status: 403, reason: 'InvalidProviderToken' });
    expect(await s.send({ ...target(8), bundleId: 'com.example.other' }, NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'fix-config', status: 400, reason: 'BadTopic' });
  });

  it('reuses one JWT, signs a new one after 50 minutes, and reports a clock so far behind that every token is expired', async () => {
    const s = sender();
    const auth = (n: number) => at(production, n)[0].headers.authorization;
    await s.send(target(10, 'production'), NOTE, { ttlSeconds: 60 });
    clock += 49 * 60_000;
    await s.send(target(11, 'production'), NOTE, { ttlSeconds: 60 });
    expect(auth(11)).toBe(auth(10));
    clock += 2 * 60_000;
    await s.send(target(12, 'production'), NOTE, { ttlSeconds: 60 });
    expect(auth(12)).not.toBe(auth(11));
    // Signed again, still expired: our clock is wrong, which is configuration, not the device's fault.
    const behind = sender({ now: () => clock - 70 * 60_000 });
    expect(await behind.send(target(14, 'production'), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'fix-config', reason: 'ExpiredProviderToken' });
  });

  it('signs a new JWT and sends again when APNs says the one it holds expired', async () => {
    let apnsClock = clock;
    let ours = clock;
    const apns = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: key.publicKey, bundleIds: [BUNDLE], now: () => apnsClock });
    try {
      const s = sender({ now: () => ours, endpoints: { production: apns.url, sandbox: apns.url } });
      expect(await s.send(target(30), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: true });
      // APNs' clock runs an hour ahead of the token, ours only ten minutes: the token is still fresh to us.
      apnsClock += 61 * 60_000;
      ours += 10 * 60_000;
      expect(await s.send(target(31), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: true });
      const auth = (n: number) => apns.received.find((r) => r.token === token(n))?.headers.authorization;
      expect(auth(31)).not.toBe(auth(30));
    } finally {
      await apns.close();
    }
  });

  it('answers retry with status 0 when APNs cannot be reached, and drop-message for an Ext too big, without a request', async () => {
    const gone = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: key.publicKey, bundleIds: [BUNDLE] });
    const url = gone.url;
    await gone.close();
    expect(await sender({ endpoints: { production: url, sandbox: url } }).send(target(20), NOTE, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'retry', status: 0, reason: 'ECONNREFUSED' });
    expect(await sender().send(target(21), { ...NOTE, ext: 'x'.repeat(5000) }, { ttlSeconds: 60 })).toMatchObject({ ok: false, action: 'drop-message' });
    expect(at(sandbox, 21)).toEqual([]);
  });
});
