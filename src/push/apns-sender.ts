/**
 * The APNs sender: HTTP/2 with token (ES256 JWT) authentication, on `node:http2` alone.
 * - One long-lived session per endpoint (production, sandbox; a token belongs to one), opened on
 *   first use and again after it closes or goes away. A session is used only once the server's
 *   SETTINGS arrived: APNs allows one stream until a request succeeded, and streams opened before
 *   its limit is known are refused.
 * - One JWT for every request of the process, signed again after 50 minutes (APNs refuses one
 *   older than 60 and throttles re-signing more often than every 20), and at once when APNs says
 *   it expired (that request is retried once).
 * Answers are classified per PushSender's contract (apple's reasons, ../shared/notes/push.md §3.4).
 */
import http2 from 'node:http2';
import { sign } from 'node:crypto';
import type { PushTarget } from '../protocol/push.ts';
import type { PushOutcome, PushSender, SendOptions } from './provider.ts';
import { type PushNotification, PayloadTooLargeError, apnsPayload } from './notification.ts';

type ApnsTarget = Extract<PushTarget, { provider: 'apns' }>;

export interface ApnsSenderOptions {
  /** The `.p8` token-auth key (PKCS#8 PEM, P-256). */
  readonly keyPem: string;
  readonly keyId: string;
  readonly teamId: string;
  /** Origins of the two environments, e.g. https://api.push.apple.com. */
  readonly endpoints: { readonly production: string; readonly sandbox: string };
  /** Extra trusted CAs (private deployments, tests). */
  readonly ca?: string;
  /** Unix ms. */
  readonly now: () => number;
  readonly timeoutMs?: number;
}

const JWT_REFRESH_MS = 50 * 60_000;
const TOKEN_DROPPED = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic', 'Unregistered', 'ExpiredToken']);
const CONFIG_400 = new Set(['BadTopic', 'MissingTopic', 'TopicDisallowed', 'BadCertificate', 'BadCertificateEnvironment']);

interface Answer {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly body: string;
}

class ApnsSender implements PushSender<'apns'> {
  readonly provider = 'apns' as const;
  readonly #o: ApnsSenderOptions;
  readonly #sessions = new Map<string, Promise<http2.ClientHttp2Session>>();
  #jwt: { token: string; signedAt: number } | undefined;
  #closed = false;

  constructor(o: ApnsSenderOptions) {
    this.#o = o;
    sign('sha256', Buffer.from('check'), { key: o.keyPem, dsaEncoding: 'ieee-p1363' }); // a malformed key fails at start
  }

  async send(target: ApnsTarget, n: PushNotification, { ttlSeconds }: SendOptions): Promise<PushOutcome> {
    let body: string;
    try {
      body = JSON.stringify(apnsPayload(n));
    } catch (e) {
      if (e instanceof PayloadTooLargeError) return { ok: false, action: 'drop-message', status: 0, reason: 'PayloadTooLarge' };
      throw e;
    }
    if (this.#closed) return { ok: false, action: 'retry', status: 0, reason: 'ECLOSED' };
    const origin = target.environment === 'production' ? this.#o.endpoints.production : this.#o.endpoints.sandbox;
    const headers = {
      ':method': 'POST',
      ':path': `/3/device/${target.token}`,
      'apns-topic': target.bundleId,
      'apns-push-type': 'alert',
      'apns-priority': n.silent ? '5' : '10',
      'apns-collapse-id': n.collapseId,
      'apns-expiration': String(ttlSeconds === 0 ? 0 : Math.floor(this.#o.now() / 1000) + ttlSeconds),
    };
    try {
      let answer = await this.#request(origin, headers, body);
      if (answer.status === 403 && reasonOf(answer) === 'ExpiredProviderToken') {
        this.#jwt = undefined;
        answer = await this.#request(origin, headers, body);
      }
      return classify(answer);
    } catch (e) {
      return { ok: false, action: 'retry', status: 0, reason: (e as { code?: string }).code ?? String(e) };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map(async (p) => {
      const s = await p.catch(() => undefined);
      if (s && !s.closed) await new Promise<void>((resolve) => s.close(() => resolve()));
    }));
  }

  /** The JWT every request carries, signed again once it is 50 minutes old. */
  #token(): string {
    const now = this.#o.now();
    if (!this.#jwt || now - this.#jwt.signedAt >= JWT_REFRESH_MS) {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${part({ alg: 'ES256', kid: this.#o.keyId })}.${part({ iss: this.#o.teamId, iat: Math.floor(now / 1000) })}`;
      const signature = sign('sha256', Buffer.from(unsigned), { key: this.#o.keyPem, dsaEncoding: 'ieee-p1363' }).toString('base64url');
      this.#jwt = { token: `${unsigned}.${signature}`, signedAt: now };
    }
    return this.#jwt.token;
  }

  /** The endpoint's session, once its SETTINGS arrived; a new one after the last closed. */
  #session(origin: string): Promise<http2.ClientHttp2Session> {
    const open = this.#sessions.get(origin);
    if (open) return open;
    const opening = new Promise<http2.ClientHttp2Session>((resolve, reject) => {
      const s = http2.connect(origin, this.#o.ca ? { ca: this.#o.ca } : {});
      const forget = () => {
        if (this.#sessions.get(origin) === opening) this.#sessions.delete(origin);
      };
      s.once('remoteSettings', () => resolve(s));
      s.once('error', (e) => {
        forget();
        reject(e);
      });
      s.once('goaway', forget);
      s.once('close', forget);
      s.unref();
    });
    this.#sessions.set(origin, opening);
    return opening;
  }

  async #request(origin: string, headers: Record<string, string>, body: string): Promise<Answer> {
    const session = await this.#session(origin);
    return new Promise<Answer>((resolve, reject) => {
      const req = session.request({ ...headers, authorization: `bearer ${this.#token()}` });
      const chunks: Buffer[] = [];
      let responseHeaders: http2.IncomingHttpHeaders = {};
      req.setTimeout(this.#o.timeoutMs ?? 10_000, () => {
        req.close(http2.constants.NGHTTP2_CANCEL);
        reject(Object.assign(new Error('APNs did not answer in time'), { code: 'ETIMEDOUT' }));
      });
      req.on('response', (h) => (responseHeaders = h));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve({ status: Number(responseHeaders[':status'] ?? 0), headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') }));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function reasonOf(a: Answer): string {
  try {
    return String((JSON.parse(a.body) as { reason?: unknown }).reason ?? `HTTP ${a.status}`);
  } catch {
    return `HTTP ${a.status}`;
  }
}

/** APNs' 410 `timestamp` as Unix ms (documented as ms; seconds are read as such). */
function invalidatedAt(a: Answer): number | undefined {
  try {
    const t = Number((JSON.parse(a.body) as { timestamp?: unknown }).timestamp);
    return Number.isFinite(t) && t > 0 ? (t < 1e12 ? t * 1000 : t) : undefined;
  } catch {
    return undefined;
  }
}

function classify(a: Answer): PushOutcome {
  if (a.status === 200) return { ok: true, ...(typeof a.headers['apns-id'] === 'string' ? { id: a.headers['apns-id'] } : {}) };
  const reason = reasonOf(a);
  const status = a.status;
  if (status === 410 || TOKEN_DROPPED.has(reason)) {
    const at = status === 410 ? invalidatedAt(a) : undefined;
    return { ok: false, action: 'drop-token', status, reason, ...(at !== undefined ? { invalidatedAt: at } : {}) };
  }
  if (status === 429 && reason === 'TooManyProviderTokenUpdates') return { ok: false, action: 'fix-config', status, reason };
  if (status === 429 || status >= 500) {
    const after = Number(a.headers['retry-after']);
    return { ok: false, action: 'retry', status, reason, ...(Number.isFinite(after) && a.headers['retry-after'] !== undefined ? { retryAfterMs: after * 1000 } : {}) };
  }
  if (status === 403 || CONFIG_400.has(reason)) return { ok: false, action: 'fix-config', status, reason };
  return { ok: false, action: 'drop-message', status, reason };
}

export function createApnsSender(o: ApnsSenderOptions): PushSender<'apns'> {
  return new ApnsSender(o);
}
