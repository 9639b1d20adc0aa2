/**
 * A local APNs for tests: HTTP/2 over TLS, checking what Apple's servers check and answering as
 * they do (`{"reason": …}`, 410 with a timestamp in ms) — the provider JWT (ES256 raw signature by
 * the key, `kid`, `iss`, at most an hour old by its clock), the method, path and device token, the
 * apns-* headers, the topic, and the payload's size and shape. Like APNs, a connection allows one
 * stream until a request on it succeeded. Tests only.
 */
import http2 from 'node:http2';
import { type KeyObject, createPublicKey, randomUUID, verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TestTls } from './push-tls.ts';

export interface ApnsReceived {
  /** The device token of the path, as sent. */
  readonly token: string;
  /** The request's headers (authorization included), pseudo-headers left out. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, parsed. */
  readonly payload: unknown;
}

export interface ApnsStandIn {
  /** https://localhost:<port> */
  readonly url: string;
  /** Accepted notifications, in the order their requests completed. */
  readonly received: ApnsReceived[];
  /** Later sends to the token answer 410 Unregistered with this timestamp (Unix ms). */
  unregister(token: string, atMs: number): void;
  /** The next send to the token (once its JWT and headers pass) answers so, with `{reason}` and these headers. */
  force(token: string, status: number, reason: string, headers?: Record<string, string>): void;
  /** Connections accepted so far. */
  readonly sessions: number;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

export interface ApnsStandInOptions {
  readonly tls: TestTls;
  readonly teamId: string;
  readonly keyId: string;
  /** The public half of the `.p8` key (KeyObject or PEM). */
  readonly publicKey: KeyObject | string;
  /** Topics it accepts. */
  readonly bundleIds: readonly string[];
  /** Its clock, Unix ms, for the JWT's age; default Date.now. */
  readonly now?: () => number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS announced once a request on a connection succeeded (default 1000); before that 1, as APNs. */
  readonly maxConcurrentStreams?: number;
}

const MAX_PAYLOAD = 4096;
const MAX_JWT_AGE_S = 3600;
const PUSH_TYPES = new Set(['alert', 'background', 'voip', 'complication', 'fileprovider', 'mdm', 'location', 'liveactivity', 'pushtotalk']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Refusal {
  readonly status: number;
  readonly reason: string;
}

interface Jwt {
  readonly header: { readonly alg?: unknown; readonly kid?: unknown };
  readonly claims: { readonly iss?: unknown; readonly iat?: unknown };
  readonly signed: Buffer;
  readonly signature: Buffer;
}

/** The bearer JWT's parts, or undefined when it is not three base64url parts with JSON objects in the first two. */
function parseJwt(token: string): Jwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
    const header = json(parts[0]);
    const claims = json(parts[1]);
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) return undefined;
    return { header, claims, signed: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

/** Why APNs would refuse the provider token, or undefined when it holds. */
function tokenProblem(authorization: string | undefined, o: ApnsStandInOptions, key: KeyObject, nowS: number): Refusal | undefined {
  const bearer = /^bearer (\S+)$/i.exec(authorization ?? '');
  if (!bearer) return { status: 403, reason: 'MissingProviderToken' };
  const jwt = parseJwt(bearer[1]);
  const invalid = { status: 403, reason: 'InvalidProviderToken' };
  if (!jwt || jwt.header.alg !== 'ES256' || jwt.header.kid !== o.keyId || jwt.claims.iss !== o.teamId) return invalid;
  // JOSE's ES256 signature is r||s, 64 bytes; a DER one (70-72 bytes) is the classic client bug.
  if (jwt.signature.length !== 64 || !verify('sha256', jwt.signed, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature)) return invalid;
  if (typeof jwt.claims.iat !== 'number' || nowS - jwt.claims.iat > MAX_JWT_AGE_S) return { status: 403, reason: 'ExpiredProviderToken' };
  return undefined;
}

/** Why APNs would refuse the request's method, path or apns-* headers, or undefined. */
function headerProblem(h: http2.IncomingHttpHeaders, o: ApnsStandInOptions): Refusal | undefined {
  if (h[':method'] !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };
  const path = /^\/3\/device\/([^/?]*)$/.exec(String(h[':path']));
  if (!path) return { status: 404, reason: 'BadPath' };
  if (path[1] === '') return { status: 400, reason: 'MissingDeviceToken' };
  if (!/^[0-9a-fA-F]{64,200}$/.test(path[1])) return { status: 400, reason: 'BadDeviceToken' };
  const topic = h['apns-topic'];
  if (topic === undefined || topic === '') return { status: 400, reason: 'MissingTopic' };
  if (!o.bundleIds.includes(String(topic))) return { status: 400, reason: 'BadTopic' };
  if (!PUSH_TYPES.has(String(h['apns-push-type']))) return { status: 400, reason: 'InvalidPushType' };
  const has = (name: string) => h[name] !== undefined;
  if (has('apns-priority') && !['10', '5', '1'].includes(String(h['apns-priority']))) return { status: 400, reason: 'BadPriority' };
  if (has('apns-collapse-id') && Buffer.byteLength(String(h['apns-collapse-id'])) > 64) return { status: 400, reason: 'BadCollapseId' };
  if (has('apns-expiration') && !/^\d+$/.test(String(h['apns-expiration']))) return { status: 400, reason: 'BadExpirationDate' };
  if (has('apns-id') && !UUID.test(String(h['apns-id']))) return { status: 400, reason: 'BadMessageId' };
  return undefined;
}

/** Why APNs would refuse the body, or undefined. Apple lists no reason for malformed JSON; PayloadEmpty is the nearest it has. */
function payloadProblem(body: Buffer): Refusal | undefined {
  if (body.length === 0) return { status: 400, reason: 'PayloadEmpty' };
  if (body.length > MAX_PAYLOAD) return { status: 413, reason: 'PayloadTooLarge' };
  try {
    const payload: unknown = JSON.parse(body.toString('utf8'));
    const aps = typeof payload === 'object' && payload !== null ? (payload as { aps?: unknown }).aps : undefined;
    if (typeof aps !== 'object' || aps === null || Array.isArray(aps)) return { status: 400, reason: 'PayloadEmpty' };
  } catch {
    return { status: 400, reason: 'PayloadEmpty' };
  }
  return undefined;
}

const headersOf = (h: http2.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter(([k, v]) => !k.startsWith(':') && v !== undefined).map(([k, v]) => [k, String(v)]));

export async function startApnsStandIn(o: ApnsStandInOptions): Promise<ApnsStandIn> {
  const now = o.now ?? Date.now;
  const key = typeof o.publicKey === 'string' ? createPublicKey(o.publicKey) : o.publicKey;
  const received: ApnsReceived[] = [];
  const unregistered = new Map<string, number>();
  const forced = new Map<string, { status: number; reason: string; headers: Record<string, string> }>();
  const open = new Set<http2.ServerHttp2Session>();
  const trusted = new WeakSet<http2.Http2Session>();
  let sessions = 0;

  /** The answer to a whole request: a refusal, a forced answer, 410 for an unregistered token, or 200 and it is recorded. */
  const answerOf = (h: http2.IncomingHttpHeaders, body: Buffer): { status: number; body?: object; headers?: Record<string, string> } => {
    const refused = tokenProblem(h.authorization, o, key, Math.floor(now() / 1000)) ?? headerProblem(h, o) ?? payloadProblem(body);
    if (refused) return { status: refused.status, body: { reason: refused.reason } };
    const token = String(h[':path']).slice('/3/device/'.length);
    const f = forced.get(token);
    if (f) {
      forced.delete(token);
      return { status: f.status, body: { reason: f.reason }, headers: f.headers };
    }
    const gone = unregistered.get(token);
    if (gone !== undefined) return { status: 410, body: { reason: 'Unregistered', timestamp: gone } };
    received.push({ token, headers: headersOf(h), payload: JSON.parse(body.toString('utf8')) });
    return { status: 200 };
  };

  const server = http2.createSecureServer({ key: o.tls.key, cert: o.tls.cert, settings: { maxConcurrentStreams: 1 } });
  server.on('session', (s) => {
    sessions++;
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
  });
  server.on('stream', (stream, h) => {
    const chunks: Buffer[] = [];
    stream.on('error', () => {});
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const a = answerOf(h, Buffer.concat(chunks));
      if (stream.destroyed || stream.closed) return;
      stream.respond({ ':status': a.status, 'apns-id': String(h['apns-id'] ?? randomUUID()), ...(a.body ? { 'content-type': 'application/json' } : {}), ...a.headers });
      stream.end(a.body ? JSON.stringify(a.body) : undefined);
      // APNs lifts the one-stream limit once a request with a valid token succeeded.
      const session = stream.session;
      if (a.status === 200 && session && !session.destroyed && !trusted.has(session)) {
        trusted.add(session);
        session.settings({ maxConcurrentStreams: o.maxConcurrentStreams ?? 1000 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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
