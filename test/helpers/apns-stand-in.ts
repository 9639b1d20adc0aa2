/**
 * A local APNs for tests: HTTP/2 over TLS, checking what Apple's servers check and answering as
 * they do (`{"reason": …}`, 410 with a timestamp) — the provider JWT (ES256 raw signature by the
 * key, `kid`, `iss`, at most an hour old by its clock), the path and device token, the apns-*
 * headers, the topic, and the payload's size and shape. Tests only.
 */
import http2 from 'node:http2';
import { type KeyObject, createPublicKey, randomUUID, verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestTls } from './push-tls.ts';

export interface ApnsReceived {
  readonly token: string;
  /** The request's headers, pseudo-headers left out. */
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

export interface ApnsStandIn {
  /** https://localhost:<port> */
  readonly url: string;
  readonly received: ApnsReceived[];
  /** Later sends to the token answer 410 Unregistered with this timestamp (Unix ms). */
  unregister(token: string, atMs: number): void;
  /** The next send to the token answers so. */
  force(token: string, status: number, reason: string, headers?: Record<string, string>): void;
  /** Connections accepted so far. */
  readonly sessions: number;
  close(): Promise<void>;
}

export interface ApnsStandInOptions {
  readonly tls: TestTls;
  readonly teamId: string;
  readonly keyId: string;
  readonly publicKey: KeyObject | string;
  readonly bundleIds: readonly string[];
  readonly now?: () => number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS it announces (APNs: 1 until a request succeeded); default 1000. */
  readonly maxConcurrentStreams?: number;
}

const MAX_PAYLOAD = 4096;
const PUSH_TYPES = new Set(['alert', 'background', 'voip', 'complication', 'fileprovider', 'mdm', 'location', 'liveactivity', 'pushtotalk']);

type Refusal = { readonly status: number; readonly reason: string };

/** Why the provider token is refused, or undefined when it holds. */
function tokenProblem(authorization: string | undefined, o: ApnsStandInOptions, nowS: number): Refusal | undefined {
  const m = /^bearer (\S+)$/.exec(authorization ?? '');
  if (!m) return { status: 403, reason: 'MissingProviderToken' };
  const [h, p, sig] = m[1].split('.');
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; kid?: string };
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; iat?: number };
    const signature = Buffer.from(sig ?? '', 'base64url');
    if (header.alg !== 'ES256' || header.kid !== o.keyId || claims.iss !== o.teamId || signature.length !== 64) return { status: 403, reason: 'InvalidProviderToken' };
    if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: typeof o.publicKey === 'string' ? createPublicKey(o.publicKey) : o.publicKey, dsaEncoding: 'ieee-p1363' }, signature)) return { status: 403, reason: 'InvalidProviderToken' };
    if (typeof claims.iat !== 'number' || nowS - claims.iat > 3600) return { status: 403, reason: 'ExpiredProviderToken' };
    return undefined;
  } catch {
    return { status: 403, reason: 'InvalidProviderToken' };
  }
}

/** Why the request is refused, apart from its token, or undefined. */
function requestProblem(h: http2.IncomingHttpHeaders, body: Buffer, o: ApnsStandInOptions): Refusal | undefined {
  if (h[':method'] !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };
  const path = /^\/3\/device\/(.*)$/.exec(String(h[':path']));
  if (!path) return { status: 404, reason: 'BadPath' };
  if (!/^[0-9a-fA-F]{64,200}$/.test(path[1])) return { status: 400, reason: 'BadDeviceToken' };
  const topic = h['apns-topic'];
  if (topic === undefined) return { status: 400, reason: 'MissingTopic' };
  if (!o.bundleIds.includes(String(topic))) return { status: 400, reason: 'BadTopic' };
  if (!PUSH_TYPES.has(String(h['apns-push-type']))) return { status: 400, reason: 'InvalidPushType' };
  if (h['apns-priority'] !== undefined && !['10', '5', '1'].includes(String(h['apns-priority']))) return { status: 400, reason: 'BadPriority' };
  if (h['apns-collapse-id'] !== undefined && Buffer.byteLength(String(h['apns-collapse-id'])) > 64) return { status: 400, reason: 'BadCollapseId' };
  if (h['apns-expiration'] !== undefined && !/^\d+$/.test(String(h['apns-expiration']))) return { status: 400, reason: 'BadExpirationDate' };
  if (body.length === 0) return { status: 400, reason: 'PayloadEmpty' };
  if (body.length > MAX_PAYLOAD) return { status: 413, reason: 'PayloadTooLarge' };
  try {
    const payload = JSON.parse(body.toString('utf8')) as { aps?: unknown };
    if (typeof payload.aps !== 'object' || payload.aps === null) return { status: 400, reason: 'PayloadEmpty' };
  } catch {
    return { status: 400, reason: 'BadPayload' };
  }
  return undefined;
}

export async function startApnsStandIn(o: ApnsStandInOptions): Promise<ApnsStandIn> {
  const now = o.now ?? Date.now;
  const received: ApnsReceived[] = [];
  const unregistered = new Map<string, number>();
  const forced = new Map<string, { status: number; reason: string; headers: Record<string, string> }>();
  let sessions = 0;
  const server = http2.createSecureServer({ key: o.tls.key, cert: o.tls.cert, settings: { maxConcurrentStreams: o.maxConcurrentStreams ?? 1000 } });
  server.on('session', () => sessions++);
  server.on('stream', (stream, h) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const answer = (status: number, body?: object, headers: Record<string, string> = {}) => {
        stream.respond({ ':status': status, 'apns-id': String(h['apns-id'] ?? randomUUID()), ...headers });
        stream.end(body ? JSON.stringify(body) : undefined);
      };
      const body = Buffer.concat(chunks);
      const refused = tokenProblem(h.authorization, o, Math.floor(now() / 1000)) ?? requestProblem(h, body, o);
      if (refused) return answer(refused.status, { reason: refused.reason });
      const token = String(h[':path']).slice('/3/device/'.length);
      const f = forced.get(token);
      if (f) {
        forced.delete(token);
        return answer(f.status, { reason: f.reason }, f.headers);
      }
      const gone = unregistered.get(token);
      if (gone !== undefined) return answer(410, { reason: 'Unregistered', timestamp: gone });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(h)) if (!k.startsWith(':') && v !== undefined) headers[k] = String(v);
      received.push({ token, headers, payload: JSON.parse(body.toString('utf8')) });
      answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const open = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    received,
    unregister: (token, atMs) => void unregistered.set(token, atMs),
    force: (token, status, reason, headers = {}) => void forced.set(token, { status, reason, headers }),
    get sessions() {
      return sessions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
