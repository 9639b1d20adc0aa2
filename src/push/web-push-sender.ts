/**
 * The Web Push sender (RFC 8030 with VAPID, RFC 8292, and aes128gcm payload encryption, RFC 8291),
 * through `web-push`: the VAPID keys and the trusted CAs are passed per call (the library's
 * module-wide setters would be module state), with a timeout, since the library has none.
 * Answers are classified per PushSender's contract.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import webpush, { WebPushError } from 'web-push';
import type { PushOutcome, PushSender } from './provider.ts';
import { PayloadTooLargeError, webPushPayload } from './notification.ts';

export interface WebPushSenderOptions {
  readonly vapid: { readonly subject: string; readonly publicKey: string; readonly privateKey: string };
  /** Extra trusted CAs (private push services, tests). */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

/** The VAPID keys as web-push generates them: a 65-byte uncompressed P-256 point and a 32-byte scalar, base64url. */
function checkVapid(v: WebPushSenderOptions['vapid']): void {
  const bytes = (s: string) => (/^[A-Za-z0-9_-]+=*$/.test(s) ? Buffer.from(s, 'base64url') : Buffer.alloc(0));
  const pub = bytes(v.publicKey);
  if (pub.length !== 65 || pub[0] !== 4) throw new Error('PARLEY_VAPID_PUBLIC_KEY must be a 65-byte uncompressed P-256 public key, base64url');
  if (bytes(v.privateKey).length !== 32) throw new Error('PARLEY_VAPID_PRIVATE_KEY must be a 32-byte P-256 private key, base64url');
}

/** The Topic header (≤ 32 base64url characters) of a conversation: a newer push replaces one the service still holds. */
export function topicOf(collapseId: string): string {
  return createHash('sha256').update(collapseId).digest('base64url').slice(0, 32);
}

/** Retry-After in seconds or as an HTTP date, ms. */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function outcomeOf(e: unknown): PushOutcome {
  // web-push rejects a timeout with a plain Error('Socket timeout'), without a code.
  if (!(e instanceof WebPushError)) return { ok: false, action: 'retry', status: 0, reason: (e as { code?: string }).code ?? ((e as Error).message === 'Socket timeout' ? 'ETIMEDOUT' : String(e)) };
  const status = e.statusCode;
  const reason = `HTTP ${status}`;
  if (status === 404 || status === 410) return { ok: false, action: 'drop-token', status, reason };
  if (status === 401 || status === 403) return { ok: false, action: 'fix-config', status, reason };
  if (status === 429 || status >= 500) {
    const after = retryAfterMs(e.headers['retry-after']);
    return { ok: false, action: 'retry', status, reason, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  }
  return { ok: false, action: 'drop-message', status, reason };
}

export function createWebPushSender(o: WebPushSenderOptions): PushSender<'webpush'> {
  checkVapid(o.vapid);
  const agent = new https.Agent({ keepAlive: true, ...(o.ca ? { ca: o.ca } : {}) });
  const vapidDetails = { subject: o.vapid.subject, publicKey: o.vapid.publicKey, privateKey: o.vapid.privateKey };
  return {
    provider: 'webpush',
    async send(target, n, { ttlSeconds }) {
      let payload: string;
      try {
        payload = JSON.stringify(webPushPayload(n));
      } catch (e) {
        if (e instanceof PayloadTooLargeError) return { ok: false, action: 'drop-message', status: 0, reason: 'PayloadTooLarge' };
        throw e;
      }
      try {
        const res = await webpush.sendNotification({ endpoint: target.endpoint, keys: target.keys }, payload, {
          vapidDetails,
          TTL: ttlSeconds,
          urgency: n.silent ? 'normal' : 'high',
          topic: topicOf(n.collapseId),
          agent,
          timeout: o.timeoutMs ?? 10_000,
        });
        const location = res.headers.location;
        return { ok: true, ...(typeof location === 'string' ? { id: location } : {}) };
      } catch (e) {
        return outcomeOf(e);
      }
    },
    async close() {
      agent.destroy();
    },
  };
}
