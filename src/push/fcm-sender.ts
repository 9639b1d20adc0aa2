/**
 * The FCM HTTP v1 sender (Android push): a service account's RS256 JWT traded for an OAuth2 access
 * token (RFC 7523 JWT bearer grant), then one `messages:send` request per device over a keep-alive
 * HTTPS agent, each answer classified into a PushOutcome (push notes §4.3).
 */
import { sign } from 'node:crypto';
import https from 'node:https';
import type { PushTarget } from '../protocol/push.ts';
import { type PushNotification, PayloadTooLargeError, fcmMessage } from './notification.ts';
import { type CredentialedAttempt, type PushFailure, type PushOutcome, type PushSender, type SendOptions, networkFailure, sendWithFreshCredential } from './provider.ts';

/** Google's token endpoint, for a service account that names none. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** An access token is refetched this long before Google says it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** Bound on an answer's body; a longer one fails the request as ERESPONSETOOLARGE. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface FcmServiceAccount {
  readonly projectId: string;
  readonly clientEmail: string;
  /** PEM (PKCS#8, as in Google's JSON). */
  readonly privateKey: string;
  readonly tokenUri: string;
}

export interface FcmSenderOptions {
  readonly serviceAccount: FcmServiceAccount;
  /** `https://fcm.googleapis.com` in production. */
  readonly baseUrl: string;
  /** PEM of a CA to trust instead of the system roots: tests only. */
  readonly ca?: string;
  /** Unix ms; decides the JWT's iat/exp and the access token's age. */
  readonly now: () => number;
  /** Deadline of each HTTP request (token fetch or send), ms; default 10000. */
  readonly timeoutMs?: number;
}

type TokenResult = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly outcome: PushFailure };
interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}
interface Http {
  post(url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer>;
}

/** Reads Google's service-account JSON; throws naming the field that is missing or not a string. */
export function serviceAccountFromJson(json: string): FcmServiceAccount {
  let o: unknown;
  try {
    o = JSON.parse(json);
  } catch {
    throw new Error('the FCM service account is not JSON (expected the key file downloaded from the Firebase console)');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('the FCM service account JSON is not an object');
  const r = o as Record<string, unknown>;
  if (r.type !== undefined && r.type !== 'service_account') throw new Error(`the FCM service account JSON has type "${String(r.type)}", not "service_account"`);
  const field = (name: string) => {
    const v = r[name];
    if (typeof v !== 'string' || v === '') throw new Error(`the FCM service account JSON has no ${name}`);
    return v;
  };
  const tokenUri = r.token_uri === undefined ? GOOGLE_TOKEN_URI : field('token_uri');
  return { projectId: field('project_id'), clientEmail: field('client_email'), privateKey: field('private_key'), tokenUri };
}

export function createFcmSender(o: FcmSenderOptions): PushSender<'fcm'> {
  const agent = new https.Agent({ keepAlive: true, ...(o.ca !== undefined ? { ca: o.ca } : {}) });
  const http = httpClient(agent, o.timeoutMs ?? 10_000);
  const tokens = tokenSource(o, http);
  const url = `${o.baseUrl.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(o.serviceAccount.projectId)}/messages:send`;
  let closed = false;

  const attempt = async (body: string): Promise<CredentialedAttempt<string>> => {
    const t = await tokens.get();
    if (!t.ok) return { outcome: t.outcome };
    const answer = await http.post(url, { authorization: `Bearer ${t.token}`, 'content-type': 'application/json; charset=utf-8' }, body);
    return { outcome: outcomeOf(answer, o.now), credential: t.token };
  };

  const send = async (target: Extract<PushTarget, { provider: 'fcm' }>, n: PushNotification, so: SendOptions): Promise<PushOutcome> => {
    if (closed) return { ok: false, action: 'retry', status: 0, reason: 'ECLOSED' };
    let body: string;
    try {
      body = JSON.stringify({ message: fcmMessage(n, target.token, so.ttlSeconds) });
    } catch (e) {
      if (e instanceof PayloadTooLargeError) return { ok: false, action: 'drop-message', status: 0, reason: 'PayloadTooLarge' };
      return networkFailure(e);
    }
    // UNAUTHENTICATED: the access token was revoked or expired early; fetch a new one and try once more.
    return sendWithFreshCredential(() => attempt(body), (f) => f.reason === 'UNAUTHENTICATED', (token) => tokens.forget(token));
  };

  return {
    provider: 'fcm',
    send,
    close: async () => {
      closed = true;
      agent.destroy();
    },
  };
}

/**
 * OAuth2 access tokens for the service account: cached until 5 minutes before `expires_in` (by the
 * injected clock); callers arriving during a fetch share it. A failed fetch is not cached.
 */
function tokenSource(o: FcmSenderOptions, http: Http) {
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<TokenResult> | undefined;

  const fetchToken = async (): Promise<TokenResult> => {
    let assertion: string;
    try {
      assertion = serviceAccountJwt(o.serviceAccount, o.now());
    } catch (e) {
      return { ok: false, outcome: { ok: false, action: 'fix-config', status: 0, reason: `private key: ${(e as Error).message}` } };
    }
    const form = new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString();
    const a = await http.post(o.serviceAccount.tokenUri, { 'content-type': 'application/x-www-form-urlencoded' }, form);
    const parsed = jsonObject(a.body);
    if (a.status === 200 && typeof parsed.access_token === 'string') {
      const expiresInMs = (typeof parsed.expires_in === 'number' ? parsed.expires_in : 3600) * 1000;
      cached = { token: parsed.access_token, refreshAt: o.now() + expiresInMs - REFRESH_MARGIN_MS };
      return { ok: true, token: parsed.access_token };
    }
    const reason = typeof parsed.error === 'string' ? parsed.error : `token endpoint answered ${a.status}`;
    const transient = a.status === 429 || a.status >= 500;
    return { ok: false, outcome: { ok: false, action: transient ? 'retry' : 'fix-config', status: a.status, reason, ...retryAfter(a, o.now) } };
  };

  return {
    async get(): Promise<TokenResult> {
      if (cached && o.now() < cached.refreshAt) return { ok: true, token: cached.token };
      inFlight ??= fetchToken().finally(() => (inFlight = undefined));
      return inFlight;
    },
    /** Drops `token` from the cache, unless another send already replaced it. */
    forget(token: string): void {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/** The RFC 7523 assertion: `{iss, scope, aud, iat, exp}` signed RS256 with the account's key. */
function serviceAccountJwt(sa: FcmServiceAccount, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: sa.clientEmail, scope: FCM_SCOPE, aud: sa.tokenUri, iat, exp: iat + 3600 })}`;
  return `${input}.${sign('sha256', Buffer.from(input), sa.privateKey).toString('base64url')}`;
}

/** An FCM answer as an outcome: `details[].errorCode` first, then `error.status` (push notes §4.3). */
function outcomeOf(a: HttpAnswer, now: () => number): PushOutcome {
  const body = jsonObject(a.body);
  if (a.status === 200) return typeof body.name === 'string' ? { ok: true, id: body.name } : { ok: true };
  const err = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : {};
  const code = fcmErrorCode(err) ?? (typeof err.status === 'string' ? err.status : `HTTP ${a.status}`);
  const message = typeof err.message === 'string' ? err.message : '';
  const fail = (action: PushFailure['action']): PushFailure => ({ ok: false, action, status: a.status, reason: code, ...(action === 'retry' ? retryAfter(a, now) : {}) });
  switch (code) {
    case 'UNREGISTERED':
    case 'SENDER_ID_MISMATCH':
      return fail('drop-token');
    case 'INVALID_ARGUMENT':
      return fail(/registration token/i.test(message) ? 'drop-token' : 'drop-message');
    case 'QUOTA_EXCEEDED':
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return fail('retry');
    case 'THIRD_PARTY_AUTH_ERROR':
    case 'PERMISSION_DENIED':
    case 'UNAUTHENTICATED':
      return fail('fix-config');
  }
  if (a.status === 429 || a.status >= 500) return fail('retry');
  if (a.status === 400 || a.status === 413) return fail('drop-message');
  // A bare 404 NOT_FOUND (no UNREGISTERED) is a wrong project or base URL: never a reason to drop tokens.
  return fail('fix-config');
}

function fcmErrorCode(err: Record<string, unknown>): string | undefined {
  if (!Array.isArray(err.details)) return undefined;
  for (const d of err.details as unknown[]) {
    if (typeof d === 'object' && d !== null && typeof (d as Record<string, unknown>).errorCode === 'string') return (d as Record<string, string>).errorCode;
  }
  return undefined;
}

/** `retryAfterMs` from a Retry-After header in seconds or as an HTTP date; nothing when absent or unreadable. */
function retryAfter(a: HttpAnswer, now: () => number): { retryAfterMs?: number } {
  const v = a.headers['retry-after'];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  if (!s) return {};
  if (/^\d+$/.test(s)) return { retryAfterMs: Number(s) * 1000 };
  const at = Date.parse(s);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - now()) };
}

const jsonObject = (s: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};


/** POSTs over `agent`; rejects on a network or TLS error, or as ETIMEDOUT when no whole answer came within `timeoutMs`. */
function httpClient(agent: https.Agent, timeoutMs: number): Http {
  return {
    post: (url, headers, body) =>
      new Promise<HttpAnswer>((resolve, reject) => {
        const req = https.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(Object.assign(new Error('the answer is too large'), { code: 'ERESPONSETOOLARGE' }));
            else chunks.push(c);
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }));
          });
        });
        const fail = (e: Error) => {
          clearTimeout(timer);
          reject(e);
        };
        const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
        req.on('error', fail);
        req.end(body);
      }),
  };
}
