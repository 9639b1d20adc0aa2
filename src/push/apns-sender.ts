/**
 * The APNs sender (iOS push): HTTP/2 with token authentication, on `node:http2` and `node:crypto`
 * alone (push notes §3), each answer classified into a PushOutcome (§3.4).
 * - One long-lived session per endpoint (production, sandbox: a device token belongs to one),
 *   opened on first use and again after it closed, went away or failed. A session is used only once
 *   the server's SETTINGS arrived: APNs allows one stream until a request succeeded, and streams
 *   opened before its limit is known are refused (§3.5); after it, nghttp2 queues what exceeds it.
 * - One ES256 JWT for every request and connection, signed again once it is 50 minutes old by the
 *   injected clock (APNs refuses one older than 60 and throttles re-signing more often than every
 *   20), and at once when APNs calls it expired — that request is then sent once more.
 */
import http2 from 'node:http2';
import { type KeyObject, createPrivateKey, sign } from 'node:crypto';
import type { PushTarget } from '../protocol/push.ts';
import { type PushNotification, PayloadTooLargeError, apnsPayload } from './notification.ts';
import { type PushFailure, type PushOutcome, type PushSender, type SendOptions, networkFailure, sendWithFreshCredential } from './provider.ts';

type ApnsTarget = Extract<PushTarget, { provider: 'apns' }>;
type FailureDetail = Pick<PushFailure, 'retryAfterMs' | 'invalidatedAt'>;

export interface ApnsSenderOptions {
  /** The `.p8` token-auth key Apple issues (PKCS#8 PEM, P-256); anything else throws at creation. */
  readonly keyPem: string;
  /** The key's 10-character Key ID (the JWT's `kid`). */
  readonly keyId: string;
  /** The 10-character Team ID (the JWT's `iss`). */
  readonly teamId: string;
  /** Origins of the two environments: https://api.push.apple.com and https://api.sandbox.push.apple.com. */
  readonly endpoints: { readonly production: string; readonly sandbox: string };
  /** PEM of a CA trusted instead of the system roots: tests and private stand-ins only. */
  readonly ca?: string;
  /** Unix ms; decides the JWT's `iat`, its age and `apns-expiration`. */
  readonly now: () => number;
  /** Deadline of a connection's setup and, separately, of each request's answer, ms; default 10000. */
  readonly timeoutMs?: number;
}

/** A JWT is signed again at this age (APNs: between 20 and 60 minutes). */
const JWT_REFRESH_MS = 50 * 60_000;
/** Bound on an answer's body (APNs' are a few dozen bytes); a longer one fails as ERESPONSETOOLARGE. */
const MAX_ANSWER_BYTES = 16 * 1024;
/** HTTP/2 error codes (RFC 9113 §7) by number, for the reason of a reset stream. */
const H2_ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR',
  'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];

/** Reasons that mean the device token is dead (§3.4); a 410 always does. */
const DEAD_TOKEN = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic', 'Unregistered', 'ExpiredToken']);
/** Reasons that are our configuration's fault, whatever the status (a 403 always is). */
const BAD_CONFIG = new Set(['BadTopic', 'MissingTopic', 'TopicDisallowed', 'TooManyProviderTokenUpdates', 'BadCertificate', 'BadCertificateEnvironment']);

interface Answer {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: string;
}

export function createApnsSender(o: ApnsSenderOptions): PushSender<'apns'> {
  const jwt = jwtSource(o, signingKey(o.keyPem));
  const timeoutMs = o.timeoutMs ?? 10_000;
  const sessions = sessionPool(o.ca, timeoutMs);
  let closed = false;

  const attempt = async (origin: string, headers: http2.OutgoingHttpHeaders, body: string) => {
    const token = jwt.get();
    const session = await sessions.get(origin);
    const answer = await post(session, { ...headers, authorization: `bearer ${token}` }, body, timeoutMs);
    return { outcome: outcomeOf(answer, o.now), credential: token };
  };

  const send = async (target: ApnsTarget, n: PushNotification, so: SendOptions): Promise<PushOutcome> => {
    if (closed) return { ok: false, action: 'retry', status: 0, reason: 'ECLOSED' };
    let body: string;
    try {
      body = JSON.stringify(apnsPayload(n));
    } catch (e) {
      return { ok: false, action: 'drop-message', status: 0, reason: e instanceof PayloadTooLargeError ? 'PayloadTooLarge' : String(e) };
    }
    const origin = target.environment === 'production' ? o.endpoints.production : o.endpoints.sandbox;
    const headers = requestHeaders(target, n, so.ttlSeconds, o.now());
    // Still expired after signing anew: our clock is wrong, which outcomeOf calls fix-config (a 403).
    return sendWithFreshCredential(() => attempt(origin, headers, body), (f) => f.reason === 'ExpiredProviderToken', (token) => jwt.forget(token));
  };

  return {
    provider: 'apns',
    send,
    close: async () => {
      closed = true;
      await sessions.close();
    },
  };
}

/** The `.p8` key as a KeyObject; throws (without the key's text) when it is not a P-256 private key. */
function signingKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new Error(`the APNs key is not a PEM private key (expected the .p8 file from Apple): ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('the APNs key is not an EC P-256 key (expected the .p8 file from Apple)');
  return key;
}

/** The provider JWT, cached and signed again once 50 minutes old by `o.now`. */
function jwtSource(o: ApnsSenderOptions, key: KeyObject) {
  let cached: { readonly token: string; readonly signedAt: number } | undefined;
  return {
    get(): string {
      const now = o.now();
      if (!cached || now - cached.signedAt >= JWT_REFRESH_MS) cached = { token: providerJwt(o, key, now), signedAt: now };
      return cached.token;
    },
    /** Drops `token`, unless another send already replaced it (so a burst of expired answers signs once). */
    forget(token: string): void {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/** `{alg: ES256, kid}.{iss, iat}` signed with the raw 64-byte r||s signature JOSE requires. */
function providerJwt(o: ApnsSenderOptions, key: KeyObject, nowMs: number): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'ES256', kid: o.keyId })}.${part({ iss: o.teamId, iat: Math.floor(nowMs / 1000) })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function requestHeaders(t: ApnsTarget, n: PushNotification, ttlSeconds: number, nowMs: number): http2.OutgoingHttpHeaders {
  const ttl = Math.max(0, Math.floor(ttlSeconds));
  return {
    ':method': 'POST',
    ':path': `/3/device/${t.token}`,
    'apns-topic': t.bundleId,
    'apns-push-type': 'alert',
    // Quiet hours: 5 delivers when the device's power allows and never wakes it.
    'apns-priority': n.silent ? '5' : '10',
    ...(n.collapseId !== '' ? { 'apns-collapse-id': n.collapseId } : {}),
    // 0: deliver now or never; otherwise APNs keeps it (the latest per app) until then.
    'apns-expiration': String(ttl === 0 ? 0 : Math.floor(nowMs / 1000) + ttl),
    'content-type': 'application/json',
  };
}

interface SessionPool {
  /** The origin's session once its SETTINGS arrived; rejects when it cannot be opened within the deadline. */
  get(origin: string): Promise<http2.ClientHttp2Session>;
  /** Closes every session: open streams finish (each within its own deadline), opening ones are destroyed; later gets reject. */
  close(): Promise<void>;
}

function sessionPool(ca: string | undefined, timeoutMs: number): SessionPool {
  const ready = new Map<string, Promise<http2.ClientHttp2Session>>();
  const live = new Set<OpenedSession>();
  let closed = false;

  const open = (origin: string) => {
    const opened = openSession(origin, ca, timeoutMs, {
      unusable: () => {
        if (ready.get(origin) === opened.ready) ready.delete(origin);
      },
      closed: () => live.delete(opened),
    });
    live.add(opened);
    ready.set(origin, opened.ready);
    return opened.ready;
  };

  return {
    get: (origin) => (closed ? Promise.reject(coded('ECLOSED', 'the APNs sender is closed')) : (ready.get(origin) ?? open(origin))),
    close: async () => {
      closed = true;
      ready.clear();
      await Promise.all([...live].map(({ session, usable }) => new Promise<void>((resolve) => {
        session.once('close', () => resolve());
        if (usable()) session.close();
        else session.destroy();
      })));
    },
  };
}

interface OpenedSession {
  readonly session: http2.ClientHttp2Session;
  /** Resolves once the server's SETTINGS arrived; rejects on an error, a close before them, or ETIMEDOUT. */
  readonly ready: Promise<http2.ClientHttp2Session>;
  readonly usable: () => boolean;
}

/** Connects to `origin`; `on.unusable` once it takes no new streams (error, GOAWAY, close), `on.closed` when it is gone. */
function openSession(origin: string, ca: string | undefined, timeoutMs: number, on: { unusable(): void; closed(): void }): OpenedSession {
  const session = http2.connect(origin, ca !== undefined ? { ca } : {});
  let usable = false;
  const ready = new Promise<http2.ClientHttp2Session>((resolve, reject) => {
    const timer = setTimeout(() => session.destroy(coded('ETIMEDOUT', `no HTTP/2 SETTINGS from ${origin} within ${timeoutMs} ms`)), timeoutMs);
    session.once('remoteSettings', () => {
      clearTimeout(timer);
      usable = true;
      resolve(session);
    });
    session.on('error', (e) => {
      on.unusable();
      reject(e);
    });
    // APNs sends GOAWAY before it closes a connection (Shutdown, idle): the next send opens a new one.
    session.once('goaway', () => on.unusable());
    session.once('close', () => {
      clearTimeout(timer);
      on.unusable();
      on.closed();
      reject(coded('ECONNRESET', `the connection to ${origin} closed before its SETTINGS arrived`));
    });
  });
  return { session, ready, usable: () => usable && !session.closed && !session.destroyed };
}

/** One request on `session`; rejects on a reset stream or a lost connection, or as ETIMEDOUT without a whole answer in time. */
function post(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = session.request(headers);
    const chunks: Buffer[] = [];
    let size = 0;
    let answer: http2.IncomingHttpHeaders | undefined;
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    const cancel = (e: Error) => {
      req.close(http2.constants.NGHTTP2_CANCEL);
      fail(e);
    };
    const timer = setTimeout(() => cancel(coded('ETIMEDOUT', `APNs did not answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (h) => (answer = h));
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ANSWER_BYTES) cancel(coded('ERESPONSETOOLARGE', 'the answer is too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve({ status: Number(answer?.[':status'] ?? 0), headers: answer ?? {}, body: Buffer.concat(chunks).toString('utf8') });
    });
    // A refused or reset stream: its reason is the HTTP/2 error code, e.g. NGHTTP2_REFUSED_STREAM.
    req.on('error', (e) => fail(req.rstCode !== undefined && req.rstCode > 0 ? coded(`NGHTTP2_${H2_ERRORS[req.rstCode] ?? req.rstCode}`, e.message) : e));
    req.on('close', () => fail(coded('ECONNRESET', 'the stream closed without a whole answer')));
    req.end(body);
  });
}

/** An APNs answer as an outcome (push notes §3.4). */
function outcomeOf(a: Answer, now: () => number): PushOutcome {
  if (a.status === 200) return typeof a.headers['apns-id'] === 'string' ? { ok: true, id: a.headers['apns-id'] } : { ok: true };
  const body = jsonObject(a.body);
  const reason = typeof body.reason === 'string' ? body.reason : `HTTP ${a.status}`;
  const fail = (action: PushFailure['action'], extra: FailureDetail = {}): PushFailure => ({ ok: false, action, status: a.status, reason, ...extra });
  if (a.status === 410 || DEAD_TOKEN.has(reason)) {
    const at = a.status === 410 ? unixMs(body.timestamp) : undefined;
    return fail('drop-token', at !== undefined ? { invalidatedAt: at } : {});
  }
  if (a.status === 403 || BAD_CONFIG.has(reason)) return fail('fix-config');
  if (a.status === 429 || a.status >= 500) return fail('retry', retryAfter(a, now));
  if (a.status === 400 || a.status === 413) return fail('drop-message');
  // 404 BadPath, 405 or a status APNs does not give: the endpoint is not APNs as configured.
  return fail('fix-config');
}

/** A 410 `timestamp` as Unix ms: APNs gives ms; a value below 1e12 is read as seconds. */
function unixMs(t: unknown): number | undefined {
  const n = typeof t === 'string' ? Number(t) : t;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  return n < 1e12 ? n * 1000 : n;
}

/** `retryAfterMs` from a `retry-after` header in seconds or as an HTTP date; nothing when absent or unreadable. */
function retryAfter(a: Answer, now: () => number): FailureDetail {
  const v = a.headers['retry-after'];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  if (!s) return {};
  if (/^\d+$/.test(s)) return { retryAfterMs: Number(s) * 1000 };
  const at = Date.parse(s);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - now()) };
}

function jsonObject(s: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

