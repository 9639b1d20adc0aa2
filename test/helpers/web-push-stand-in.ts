/**
 * A local Web Push service (RFC 8030) for tests, checking the real protocol: the VAPID JWT
 * (RFC 8292: ES256 signature by the key in `k`, `aud` = this origin, `exp` within 24 h, a
 * `mailto:`/`https:` `sub`, `k` = the key the subscription was made for), the TTL and
 * Content-Encoding headers and the 4096-byte limit; and it decrypts the aes128gcm payload
 * (RFC 8188 / 8291) with the keys of the browser it emulates. Tests only.
 */
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestTls } from './push-tls.ts';

export interface WebPushReceived {
  readonly endpoint: string;
  readonly headers: { readonly ttl?: string; readonly urgency?: string; readonly topic?: string };
  /** The decrypted payload, parsed. */
  readonly payload: unknown;
}

export interface WebPushStandIn {
  readonly origin: string;
  /** A browser's subscription restricted to `applicationServerKey` (the VAPID public key). */
  subscribe(applicationServerKey: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  /** Later pushes to it answer 410 Gone. */
  unsubscribe(endpoint: string): void;
  /** The next push to it answers `status` with these headers. */
  force(endpoint: string, status: number, headers?: Record<string, string>): void;
  readonly received: WebPushReceived[];
  close(): Promise<void>;
}

interface Subscription {
  readonly serverKey: string;
  readonly ecdh: ReturnType<typeof createECDH>;
  readonly auth: Buffer;
  gone: boolean;
  forced?: { status: number; headers: Record<string, string> };
}

const MAX_BODY = 4096;

/** Why the VAPID authorization is refused, or undefined when it holds. */
export function vapidProblem(authorization: string | undefined, origin: string, serverKey: string, nowS: number): { status: number; why: string } | undefined {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) return { status: 401, why: 'no vapid authorization' };
  const [, jwt, k] = m;
  if (k !== serverKey) return { status: 403, why: 'the key is not the one the subscription was made for' };
  const [h, p, sig] = jwt.split('.');
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  const signature = Buffer.from(sig ?? '', 'base64url');
  if (signature.length !== 64 || !verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, signature)) return { status: 403, why: 'bad signature' };
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (header.alg !== 'ES256') return { status: 403, why: 'alg must be ES256' };
  if (claims.aud !== origin) return { status: 403, why: `aud must be ${origin}` };
  if (typeof claims.exp !== 'number' || claims.exp <= nowS || claims.exp > nowS + 86_400) return { status: 403, why: 'exp must be within 24 hours' };
  if (!/^(mailto:|https:\/\/)/.test(claims.sub ?? '')) return { status: 403, why: 'sub must be mailto: or https:' };
  return undefined;
}

/** The plaintext of an aes128gcm body (one record) for the subscription's keys. */
export function decryptAes128gcm(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const senderKey = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record padding delimiter');
  return padded.subarray(0, end);
}

export async function startWebPushStandIn(o: { tls: TestTls; now?: () => number }): Promise<WebPushStandIn> {
  const now = o.now ?? Date.now;
  const subscriptions = new Map<string, Subscription>();
  const received: WebPushReceived[] = [];
  let origin = '';
  const server = https.createServer({ key: o.tls.key, cert: o.tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, headers: Record<string, string> = {}, text = '') => res.writeHead(status, headers).end(text);
      const endpoint = `${origin}${req.url ?? ''}`;
      const sub = subscriptions.get(endpoint);
      if (req.method !== 'POST' || !sub) return answer(404, {}, 'no such subscription');
      if (sub.gone) return answer(410, {}, 'unsubscribed');
      if (sub.forced) {
        const f = sub.forced;
        sub.forced = undefined;
        return answer(f.status, f.headers);
      }
      const problem = vapidProblem(req.headers.authorization, origin, sub.serverKey, Math.floor(now() / 1000));
      if (problem) return answer(problem.status, {}, problem.why);
      if (req.headers.ttl === undefined || !/^\d+$/.test(String(req.headers.ttl))) return answer(400, {}, 'TTL header required');
      const body = Buffer.concat(chunks);
      if (body.length > MAX_BODY) return answer(413, {}, 'payload too large');
      if (req.headers['content-encoding'] !== 'aes128gcm') return answer(415, {}, 'Content-Encoding must be aes128gcm');
      let payload: unknown;
      try {
        payload = JSON.parse(decryptAes128gcm(body, sub.ecdh, sub.auth).toString('utf8'));
      } catch {
        return answer(400, {}, 'cannot decrypt');
      }
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      received.push({ endpoint, headers: { ttl: header('ttl'), urgency: header('urgency'), topic: header('topic') }, payload });
      answer(201, { location: `${endpoint}/messages/${received.length}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    subscribe(applicationServerKey) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const endpoint = `${origin}/push/${randomBytes(12).toString('hex')}`;
      subscriptions.set(endpoint, { serverKey: applicationServerKey, ecdh, auth, gone: false });
      return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
    },
    unsubscribe(endpoint) {
      const s = subscriptions.get(endpoint);
      if (s) s.gone = true;
    },
    force(endpoint, status, headers = {}) {
      const s = subscriptions.get(endpoint);
      if (s) s.forced = { status, headers };
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
