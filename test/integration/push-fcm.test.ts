/**
 * The FCM HTTP v1 sender against a local stand-in of Google's token endpoint and FCM that checks the
 * real protocol (RS256 service-account assertion, bearer token, message shape and size): what an
 * Android device would be shown, how the OAuth token is cached, refreshed and refetched, and how
 * each failure is classified for the dispatcher.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createFcmSender, serviceAccountFromJson } from '../../src/push/fcm-sender.ts';
import { type PushNotification, type PushSource, notificationOf } from '../../src/push/notification.ts';
import { startFcmStandIn } from '../helpers/fcm-stand-in.ts';
import { testTls } from '../helpers/push-tls.ts';

const PROJECT = 'parley-test';
const EMAIL = 'push@parley-test.iam.gserviceaccount.com';
const TOKEN = 'fcm-token:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx';
const TTL = { ttlSeconds: 3600 };
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const account = rsa();
const tls = testTls();

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** A fresh stand-in and a sender pointed at it, sharing one fake clock. */
async function rig(o: { privateKey?: string; timeoutMs?: number } = {}) {
  const clock = { t: Date.UTC(2025, 0, 1) };
  const now = () => clock.t;
  const standIn = await startFcmStandIn({ tls, projectId: PROJECT, clientEmail: EMAIL, publicKey: account.publicKey, now });
  closers.push(() => standIn.close());
  const serviceAccount = { projectId: PROJECT, clientEmail: EMAIL, privateKey: o.privateKey ?? account.privateKey, tokenUri: standIn.tokenUri };
  const sender = createFcmSender({ serviceAccount, baseUrl: standIn.baseUrl, ca: tls.ca, now, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
  closers.push(() => sender.close());
  const send = (n: PushNotification = note(), token = TOKEN, ttlSeconds = TTL.ttlSeconds) => sender.send({ provider: 'fcm', token }, n, { ttlSeconds });
  return { clock, standIn, sender, send };
}

/** Alice's "Hi Bob" to Bob, who has 3 unread, as Bob's notification. */
function note(over: Partial<PushSource> = {}, extra: Partial<PushNotification> = {}): PushNotification {
  const n = notificationOf({
    conversationId: 'c2c_alice',
    from: 'alice',
    senderNick: 'Alice',
    body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Hi Bob' } }],
    info: { Ext: '{"conv":"c2c_alice"}', AndroidInfo: { Sound: 'ping' } },
    unread: 3,
    ...over,
  });
  if (!n) throw new Error('no notification');
  return { ...n, ...extra };
}

const MIN = 60_000;

describe('FCM HTTP v1 sender', () => {
  it('delivers a notification with its title, body, ext, conversation tag, badge, high priority and ttl', async () => {
    const { standIn, send } = await rig();
    const outcome = await send();
    expect(outcome).toEqual({ ok: true, id: `projects/${PROJECT}/messages/1` });
    expect(standIn.received).toHaveLength(1);
    expect(standIn.received[0]).toEqual({
      token: TOKEN,
      message: {
        token: TOKEN,
        notification: { title: 'Alice', body: 'Hi Bob' },
        data: { ext: '{"conv":"c2c_alice"}' },
        android: { priority: 'HIGH', ttl: '3600s', notification: { tag: 'c2c_alice', sound: 'ping', notification_count: 3 } },
      },
    });
  });

  it('sends a quiet-hours notification at normal priority and without sound', async () => {
    const { standIn, send } = await rig();
    expect(await send(note({}, { silent: true }))).toMatchObject({ ok: true });
    const android = standIn.received[0].message.android as { priority: string; notification: Record<string, unknown> };
    expect(android.priority).toBe('NORMAL');
    expect(android.notification).not.toHaveProperty('sound');
    expect(android.notification).toMatchObject({ tag: 'c2c_alice', notification_count: 3 });
  });

  it('leaves the badge alone when BadgeMode is 1', async () => {
    const { standIn, send } = await rig();
    await send(note({ info: { ApnsInfo: { BadgeMode: 1 } } }));
    expect((standIn.received[0].message.android as { notification: object }).notification).not.toHaveProperty('notification_count');
  });

  it('fetches the OAuth token once for several sends, and again only when it nears expiry', async () => {
    const { clock, standIn, send } = await rig();
    const burst = await Promise.all([send(), send(), send()]);
    expect(burst.every((o) => o.ok)).toBe(true);
    await send();
    expect(standIn.tokenGrants).toBe(1);
    clock.t += 50 * MIN;
    await send();
    expect(standIn.tokenGrants).toBe(1);
    clock.t += 6 * MIN; // 56 minutes: within 5 minutes of the 3599 s expiry
    expect(await send()).toMatchObject({ ok: true });
    expect(standIn.tokenGrants).toBe(2);
    expect(standIn.received).toHaveLength(6);
  });

  it('refetches a revoked access token once and the send succeeds', async () => {
    const { standIn, send } = await rig();
    await send();
    standIn.revokeAccessTokens();
    expect(await send()).toMatchObject({ ok: true });
    expect(standIn.tokenGrants).toBe(2);
    expect(standIn.received).toHaveLength(2);
  });

  it('answers drop-token for an unregistered token', async () => {
    const { standIn, send } = await rig();
    standIn.unregister(TOKEN);
    expect(await send()).toEqual({ ok: false, action: 'drop-token', status: 404, reason: 'UNREGISTERED' });
    expect(await send(note(), 'another-token')).toMatchObject({ ok: true });
  });

  it('answers retry with retryAfterMs for 429 QUOTA_EXCEEDED with Retry-After', async () => {
    const { standIn, send } = await rig();
    standIn.force(TOKEN, 429, 'QUOTA_EXCEEDED', { 'retry-after': '60' });
    expect(await send()).toEqual({ ok: false, action: 'retry', status: 429, reason: 'QUOTA_EXCEEDED', retryAfterMs: 60_000 });
  });

  it('classifies the other FCM errors by errorCode: a token of another project is dropped, auth errors are config and keep the token', async () => {
    const { standIn, send } = await rig();
    const cases = [
      [403, 'SENDER_ID_MISMATCH', 'drop-token'],
      [401, 'THIRD_PARTY_AUTH_ERROR', 'fix-config'],
      [403, 'PERMISSION_DENIED', 'fix-config'],
      [400, 'INVALID_ARGUMENT', 'drop-message'],
      [503, 'UNAVAILABLE', 'retry'],
      [500, 'INTERNAL', 'retry'],
    ] as const;
    for (const [status, errorCode, action] of cases) {
      standIn.force(`t-${errorCode}`, status, errorCode);
      expect(await send(note(), `t-${errorCode}`)).toEqual({ ok: false, action, status, reason: errorCode });
    }
    // A 401 that is not UNAUTHENTICATED is no reason to refetch the access token.
    expect(standIn.tokenGrants).toBe(1);
  });

  it('answers fix-config when the service account is signed with another key', async () => {
    const { standIn, send } = await rig({ privateKey: rsa().privateKey });
    expect(await send()).toEqual({ ok: false, action: 'fix-config', status: 400, reason: 'invalid_grant' });
    expect(standIn.tokenGrants).toBe(0);
    expect(standIn.received).toHaveLength(0);
  });

  it('answers retry with status 0 and the error code when the server is stopped', async () => {
    const { standIn, send } = await rig();
    await send();
    await standIn.close();
    const outcome = await send();
    expect(outcome).toMatchObject({ ok: false, action: 'retry', status: 0 });
    expect(outcome.ok === false && outcome.reason).toMatch(/^E[A-Z]+$/);
  });

  it('answers retry with status 0 ETIMEDOUT when the server never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))));
    const url = `https://localhost:${(silent.address() as AddressInfo).port}`;
    const sender = createFcmSender({
      serviceAccount: { projectId: PROJECT, clientEmail: EMAIL, privateKey: account.privateKey, tokenUri: `${url}/token` },
      baseUrl: url,
      ca: tls.ca,
      now: Date.now,
      timeoutMs: 200,
    });
    closers.push(() => sender.close());
    expect(await sender.send({ provider: 'fcm', token: TOKEN }, note(), TTL)).toEqual({ ok: false, action: 'retry', status: 0, reason: 'ETIMEDOUT' });
  });

  it('answers drop-message without any request when Ext alone is too big', async () => {
    const { standIn, send } = await rig();
    expect(await send(note({ info: { Ext: 'x'.repeat(5000) } }))).toMatchObject({ ok: false, action: 'drop-message', status: 0 });
    expect(standIn.tokenGrants).toBe(0);
    expect(standIn.received).toHaveLength(0);
  });

  it('cuts a long body so the message with its ttl fits 4096 bytes, and delivers it', async () => {
    const { standIn, send } = await rig();
    expect(await send(note({ info: { Desc: '长'.repeat(3000) } }), TOKEN, 2_419_200)).toMatchObject({ ok: true });
    const { message } = standIn.received[0];
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(4096);
    expect((message.notification as { body: string }).body).toMatch(/^长+…$/);
    expect((message.android as { ttl: string }).ttl).toBe('2419200s');
  });

  it('answers retry after close', async () => {
    const { sender, standIn } = await rig();
    await sender.close();
    expect(await sender.send({ provider: 'fcm', token: TOKEN }, note(), TTL)).toMatchObject({ ok: false, action: 'retry', status: 0 });
    expect(standIn.received).toHaveLength(0);
  });
});

describe('serviceAccountFromJson', () => {
  const google = {
    type: 'service_account',
    project_id: PROJECT,
    private_key_id: '0123456789abcdef',
    private_key: account.privateKey,
    client_email: EMAIL,
    client_id: '123456789012345678901',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: 'https://www.googleapis.com/robot/v1/metadata/x509/push%40parley-test.iam.gserviceaccount.com',
    universe_domain: 'googleapis.com',
  };

  it('reads the project, client email, private key and token URI of a Google service-account JSON', () => {
    expect(serviceAccountFromJson(JSON.stringify(google))).toEqual({
      projectId: PROJECT,
      clientEmail: EMAIL,
      privateKey: account.privateKey,
      tokenUri: 'https://oauth2.googleapis.com/token',
    });
  });

  it('names a missing field, and refuses what is not JSON', () => {
    const { client_email: _, ...noEmail } = google;
    expect(() => serviceAccountFromJson(JSON.stringify(noEmail))).toThrow(/client_email/);
    expect(() => serviceAccountFromJson(JSON.stringify({ ...google, private_key: '' }))).toThrow(/private_key/);
    expect(() => serviceAccountFromJson('{not json')).toThrow(/not JSON/);
  });
});
