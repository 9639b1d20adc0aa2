/**
 * The APNs sender against a local APNs that checks what Apple's does (HTTP/2 + TLS, the ES256
 * provider token, apns-* headers, topic, payload, one stream until a request succeeded): what an
 * iPhone would be sent, a burst on a fresh connection, the endpoint per environment, how the JWT is
 * reused and signed again, and how every kind of failure is classified for the dispatcher.
 */
import { generateKeyPairSync } from 'node:crypto';
import { type Server, type Socket, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createApnsSender } from '../../src/push/apns-sender.ts';
import type { PushNotification } from '../../src/push/notification.ts';
import type { PushTarget } from '../../src/protocol/push.ts';
import { type ApnsStandIn, startApnsStandIn } from '../helpers/apns-stand-in.ts';
import { testTls } from '../helpers/push-tls.ts';

const TEAM = 'TEAM123456';
const KEY_ID = 'KEY1234567';
const BUNDLE = 'com.example.chat';
const T0 = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;
const NOTE: PushNotification = { title: 'Amy', body: 'lunch?', badge: 2, ext: '{"c":"c2c_amy"}', mutableContent: false, threadId: 'c2c_amy', collapseId: 'c2c_amy' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type ApnsTarget = Extract<PushTarget, { provider: 'apns' }>;

const tls = testTls();
const p8 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = p8();
const keyPem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const token = (n: number) => n.toString(16).padStart(64, '0');
const target = (n: number, environment: ApnsTarget['environment'] = 'sandbox'): ApnsTarget => ({ provider: 'apns', token: token(n), bundleId: BUNDLE, environment });

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** Two fresh stand-ins (sandbox, production) and a sender pointed at them; `clock.ours` is the sender's, `clock.apple` theirs. */
async function rig(o: { keyPem?: string; maxConcurrentStreams?: number } = {}) {
  const clock = { ours: T0, apple: T0 };
  const start = async () => {
    const s = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: key.publicKey, bundleIds: [BUNDLE], now: () => clock.apple, ...(o.maxConcurrentStreams ? { maxConcurrentStreams: o.maxConcurrentStreams } : {}) });
    closers.push(() => s.close());
    return s;
  };
  const sandbox = await start();
  const production = await start();
  const sender = createApnsSender({ keyPem: o.keyPem ?? keyPem, keyId: KEY_ID, teamId: TEAM, endpoints: { production: production.url, sandbox: sandbox.url }, ca: tls.ca, now: () => clock.ours });
  closers.push(() => sender.close());
  const send = (t: ApnsTarget = target(1), n: PushNotification = NOTE, ttlSeconds = 3600) => sender.send(t, n, { ttlSeconds });
  return { clock, sandbox, production, sender, send };
}

const to = (s: ApnsStandIn, n: number) => s.received.filter((r) => r.token === token(n));
const authorizationOf = (s: ApnsStandIn, n: number) => to(s, n)[0]?.headers.authorization;

describe('APNs sender', () => {
  it('delivers a notification with its topic, push type, priority, collapse id, expiration and payload', async () => {
    const { send, sandbox } = await rig();
    const outcome = await send(target(1), NOTE, 3600);
    expect(outcome).toEqual({ ok: true, id: expect.stringMatching(UUID) });
    const [got] = to(sandbox, 1);
    expect(got.headers).toMatchObject({ 'apns-topic': BUNDLE, 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': 'c2c_amy', 'apns-expiration': String(T0 / 1000 + 3600) });
    expect(got.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(got.payload).toEqual({ aps: { alert: { title: 'Amy', body: 'lunch?' }, badge: 2, sound: 'default', 'thread-id': 'c2c_amy' }, ext: '{"c":"c2c_amy"}' });
  });

  it('sends with expiration 0 (now or never) when the ttl is 0', async () => {
    const { send, sandbox } = await rig();
    expect(await send(target(1), NOTE, 0)).toMatchObject({ ok: true });
    expect(to(sandbox, 1)[0].headers['apns-expiration']).toBe('0');
  });

  it('sends a quiet-hours notification at priority 5, passive and without sound', async () => {
    const { send, sandbox } = await rig();
    expect(await send(target(2), { ...NOTE, silent: true })).toMatchObject({ ok: true });
    const [got] = to(sandbox, 2);
    expect(got.headers['apns-priority']).toBe('5');
    const aps = (got.payload as { aps: Record<string, unknown> }).aps;
    expect(aps['interruption-level']).toBe('passive');
    expect(aps).not.toHaveProperty('sound');
  });

  it('delivers all of a burst of 50 on a fresh connection limited to one stream, over one reused connection', async () => {
    const { send, sandbox } = await rig({ maxConcurrentStreams: 1 });
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => send(target(100 + i))));
    expect(burst.filter((o) => !o.ok)).toEqual([]);
    expect(new Set(sandbox.received.map((r) => r.token)).size).toBe(50);
    const again = await Promise.all(Array.from({ length: 10 }, (_, i) => send(target(200 + i))));
    expect(again.every((o) => o.ok)).toBe(true);
    expect(sandbox.sessions).toBe(1);
  });

  it("sends each token to its environment's endpoint", async () => {
    const { send, sandbox, production } = await rig();
    await send(target(3, 'production'));
    await send(target(4, 'sandbox'));
    expect([to(production, 3).length, to(sandbox, 3).length]).toEqual([1, 0]);
    expect([to(production, 4).length, to(sandbox, 4).length]).toEqual([0, 1]);
  });

  it('answers drop-token with invalidatedAt for an unregistered token', async () => {
    const { send, sandbox } = await rig();
    sandbox.unregister(token(5), 1_700_000_000_000);
    expect(await send(target(5))).toEqual({ ok: false, action: 'drop-token', status: 410, reason: 'Unregistered', invalidatedAt: 1_700_000_000_000 });
  });

  it("answers drop-token for a token of another app, and for a token APNs calls bad", async () => {
    const { send, sandbox } = await rig();
    sandbox.force(token(6), 400, 'DeviceTokenNotForTopic');
    expect(await send(target(6))).toEqual({ ok: false, action: 'drop-token', status: 400, reason: 'DeviceTokenNotForTopic' });
    expect(await send({ ...target(7), token: 'zz'.repeat(32) })).toEqual({ ok: false, action: 'drop-token', status: 400, reason: 'BadDeviceToken' });
  });

  it('answers retry with retryAfterMs for 429 with retry-after, and retry for 503', async () => {
    const { send, sandbox } = await rig();
    sandbox.force(token(8), 429, 'TooManyRequests', { 'retry-after': '30' });
    expect(await send(target(8))).toEqual({ ok: false, action: 'retry', status: 429, reason: 'TooManyRequests', retryAfterMs: 30_000 });
    sandbox.force(token(8), 503, 'ServiceUnavailable');
    expect(await send(target(8))).toEqual({ ok: false, action: 'retry', status: 503, reason: 'ServiceUnavailable' });
    expect(await send(target(8))).toMatchObject({ ok: true });
  });

  it('answers fix-config for a key APNs does not know and for a topic it does not serve', async () => {
    const foreign = await rig({ keyPem: p8().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(await foreign.send(target(9))).toEqual({ ok: false, action: 'fix-config', status: 403, reason: 'InvalidProviderToken' });
    const { send } = await rig();
    expect(await send({ ...target(9), bundleId: 'com.example.other' })).toEqual({ ok: false, action: 'fix-config', status: 400, reason: 'BadTopic' });
  });

  it('reuses one JWT for 50 minutes and signs a new one after', async () => {
    const { send, clock, production, sandbox } = await rig();
    await send(target(10, 'production'));
    clock.ours = clock.apple = T0 + 49 * MINUTE;
    await send(target(11, 'sandbox'));
    expect(authorizationOf(sandbox, 11)).toBe(authorizationOf(production, 10));
    clock.ours = clock.apple = T0 + 51 * MINUTE;
    expect(await send(target(12, 'production'))).toMatchObject({ ok: true });
    expect(authorizationOf(production, 12)).not.toBe(authorizationOf(production, 10));
  });

  it('signs a new JWT and sends once more when APNs calls the one it holds expired', async () => {
    const { send, clock, sandbox } = await rig();
    expect(await send(target(13))).toMatchObject({ ok: true });
    // APNs' clock 61 minutes past the token's iat, ours only 10: to us the token is still fresh.
    clock.apple = T0 + 61 * MINUTE;
    clock.ours = T0 + 10 * MINUTE;
    expect(await send(target(14))).toMatchObject({ ok: true });
    expect(authorizationOf(sandbox, 14)).not.toBe(authorizationOf(sandbox, 13));
  });

  it('answers fix-config when even a new JWT is expired (our clock is behind)', async () => {
    const { send, clock } = await rig();
    clock.ours = T0 - 70 * MINUTE;
    expect(await send(target(15))).toEqual({ ok: false, action: 'fix-config', status: 403, reason: 'ExpiredProviderToken' });
  });

  it('answers retry with status 0 when APNs refuses the connection or never completes it', async () => {
    const gone = await startApnsStandIn({ tls, teamId: TEAM, keyId: KEY_ID, publicKey: key.publicKey, bundleIds: [BUNDLE] });
    await gone.close();
    const refused = createApnsSender({ keyPem, keyId: KEY_ID, teamId: TEAM, endpoints: { production: gone.url, sandbox: gone.url }, ca: tls.ca, now: () => T0 });
    closers.push(() => refused.close());
    expect(await refused.send(target(16), NOTE, { ttlSeconds: 60 })).toEqual({ ok: false, action: 'retry', status: 0, reason: 'ECONNREFUSED' });

    const silent = await silentServer();
    const stuck = createApnsSender({ keyPem, keyId: KEY_ID, teamId: TEAM, endpoints: { production: silent.url, sandbox: silent.url }, ca: tls.ca, now: () => T0, timeoutMs: 300 });
    closers.push(() => stuck.close());
    expect(await stuck.send(target(17), NOTE, { ttlSeconds: 60 })).toEqual({ ok: false, action: 'retry', status: 0, reason: 'ETIMEDOUT' });
  });

  it('answers drop-message for an Ext too big for APNs, without a request', async () => {
    const { send, sandbox } = await rig();
    expect(await send(target(18), { ...NOTE, ext: 'x'.repeat(5000) })).toEqual({ ok: false, action: 'drop-message', status: 0, reason: 'PayloadTooLarge' });
    expect(sandbox.received).toEqual([]);
  });

  it('answers retry after close', async () => {
    const { send, sender } = await rig();
    expect(await send(target(19))).toMatchObject({ ok: true });
    await sender.close();
    expect(await send(target(19))).toEqual({ ok: false, action: 'retry', status: 0, reason: 'ECLOSED' });
  });

  it('refuses at creation a key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const create = (pem: string) => () => createApnsSender({ keyPem: pem, keyId: KEY_ID, teamId: TEAM, endpoints: { production: 'https://localhost:1', sandbox: 'https://localhost:1' }, now: () => T0 });
    expect(create(rsa)).toThrow(/not an EC P-256 key/);
    expect(create('not a key')).toThrow(/not a PEM private key/);
  });
});

/** A TCP server that accepts connections and never answers (so no TLS handshake ever completes). */
async function silentServer(): Promise<{ url: string }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `https://localhost:${(server.address() as AddressInfo).port}` };
}
