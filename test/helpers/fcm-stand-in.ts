/**
 * A local stand-in for Google's OAuth2 token endpoint and FCM HTTP v1 on one HTTPS server, checking
 * the real protocol: the RS256 service-account assertion (signature, iss, aud, scope, exp), the
 * bearer token it issued, and the message's shape and size, answering with Google's JSON shapes.
 * Tests only.
 */
import { type KeyObject, randomBytes, verify } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestTls } from './push-tls.ts';

export interface FcmReceived {
  readonly token: string;
  readonly message: Record<string, unknown>;
}

export interface FcmStandIn {
  readonly baseUrl: string;
  readonly tokenUri: string;
  /** Accepted messages, in arrival order. */
  readonly received: FcmReceived[];
  /** Access tokens issued so far. */
  readonly tokenGrants: number;
  /** Later sends to `token` answer 404 UNREGISTERED. */
  unregister(token: string): void;
  /** Later sends to `token` answer `status` with this FcmError errorCode and these headers. */
  force(token: string, status: number, errorCode: string, headers?: Record<string, string>): void;
  /** Later sends with any access token issued so far answer 401 UNAUTHENTICATED. */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

export interface FcmStandInOptions {
  readonly tls: TestTls;
  readonly projectId: string;
  readonly clientEmail: string;
  readonly publicKey: KeyObject | string;
  /** Unix ms; decides JWT expiry and access-token age. Default Date.now. */
  readonly now?: () => number;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const ACCESS_TOKEN_SECONDS = 3599;
const MAX_MESSAGE_BYTES = 4096;
const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export async function startFcmStandIn(o: FcmStandInOptions): Promise<FcmStandIn> {
  const now = o.now ?? Date.now;
  const accessTokens = new Map<string, number>(); // token → expires at (ms)
  const forced = new Map<string, Answer>();
  const received: FcmReceived[] = [];
  let grants = 0;
  let sent = 0;

  const server = https.createServer({ key: o.tls.key, cert: o.tls.cert });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
  const tokenUri = `${baseUrl}/token`;
  const sendPath = `/v1/projects/${o.projectId}/messages:send`;

  const grant = (form: URLSearchParams): Answer => {
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' } };
    const problem = assertionProblem(form.get('assertion') ?? '', { ...o, tokenUri, nowSec: Math.floor(now() / 1000) });
    if (problem) return { status: 400, body: { error: 'invalid_grant', error_description: problem } };
    grants += 1;
    const token = `ya29.stand-in-${grants}-${randomBytes(12).toString('base64url')}`;
    accessTokens.set(token, now() + ACCESS_TOKEN_SECONDS * 1000);
    return { status: 200, body: { access_token: token, expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer' } };
  };

  const fcmSend = (authorization: string | undefined, raw: string): Answer => {
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const expiresAt = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (expiresAt === undefined || now() >= expiresAt) {
      return googleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    const parsed = parseJson(raw);
    const message = isObject(parsed) && Object.keys(parsed).length === 1 ? parsed.message : undefined;
    const problem = isObject(message) ? messageProblem(message) : 'the body must be {"message": {...}}';
    if (problem || !isObject(message)) return googleError(400, problem ?? 'no message', 'INVALID_ARGUMENT');
    const token = message.token as string;
    const answer = forced.get(token);
    if (answer) return answer;
    sent += 1;
    received.push({ token, message });
    return { status: 200, body: { name: `projects/${o.projectId}/messages/${sent}` } };
  };

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const a: Answer =
        req.method === 'POST' && req.url === '/token' ? grant(new URLSearchParams(raw))
        : req.method === 'POST' && req.url === sendPath ? fcmSend(req.headers.authorization, raw)
        : googleError(404, `The requested URL ${req.url ?? ''} was not found on this server.`);
      res.writeHead(a.status, { 'content-type': 'application/json; charset=UTF-8', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });

  return {
    baseUrl,
    tokenUri,
    received,
    get tokenGrants() {
      return grants;
    },
    unregister: (token) => forced.set(token, googleError(404, 'Requested entity was not found.', 'UNREGISTERED')),
    force: (token, status, errorCode, headers) => forced.set(token, { ...googleError(status, `forced ${errorCode}`, errorCode), ...(headers ? { headers } : {}) }),
    revokeAccessTokens: () => accessTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Google's error JSON; with an FcmError detail when `errorCode` is given. */
function googleError(code: number, message: string, errorCode?: string): Answer {
  const status = STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { status: code, body: { error: { code, message, status, ...(errorCode ? { details: [{ '@type': FCM_ERROR, errorCode }] } : {}) } } };
}

interface AssertionCheck {
  readonly publicKey: KeyObject | string;
  readonly clientEmail: string;
  readonly tokenUri: string;
  readonly nowSec: number;
}

/** What is wrong with an RFC 7523 assertion, as Google's error_description would say; undefined when it is good. */
function assertionProblem(jwt: string, c: AssertionCheck): string | undefined {
  const [h, p, s, ...rest] = jwt.split('.');
  if (!h || !p || !s || rest.length > 0) return 'Invalid JWT: not three base64url parts.';
  const header = parseJson(Buffer.from(h, 'base64url').toString('utf8'));
  const claims = parseJson(Buffer.from(p, 'base64url').toString('utf8'));
  if (!isObject(header) || header.alg !== 'RS256') return 'Invalid JWT: the algorithm must be RS256.';
  if (!verify('sha256', Buffer.from(`${h}.${p}`), c.publicKey, Buffer.from(s, 'base64url'))) return 'Invalid JWT Signature.';
  if (!isObject(claims)) return 'Invalid JWT: the claims are not an object.';
  if (claims.iss !== c.clientEmail) return 'Invalid JWT: iss is not the service account.';
  if (claims.aud !== c.tokenUri) return `Invalid JWT: aud must be ${c.tokenUri}.`;
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(SCOPE)) return 'Invalid JWT: the scope lacks firebase.messaging.';
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'Invalid JWT: iat and exp must be numbers.';
  if (exp <= c.nowSec) return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
  if (exp > iat + 3600) return 'Invalid JWT: exp is more than an hour after iat.';
  return undefined;
}

const MESSAGE_KEYS = new Set(['name', 'data', 'notification', 'android', 'webpush', 'apns', 'fcm_options', 'token', 'topic', 'condition']);
const NOTIFICATION_KEYS = new Set(['title', 'body', 'image']);
const ANDROID_KEYS = new Set(['collapse_key', 'priority', 'ttl', 'restricted_package_name', 'data', 'notification', 'fcm_options', 'direct_boot_ok']);
const ANDROID_NOTIFICATION_KEYS = new Set([
  'title', 'body', 'icon', 'color', 'sound', 'tag', 'click_action', 'body_loc_key', 'body_loc_args', 'title_loc_key', 'title_loc_args', 'channel_id',
  'ticker', 'sticky', 'event_time', 'local_only', 'notification_priority', 'default_sound', 'default_vibrate_timings', 'default_light_settings',
  'vibrate_timings', 'visibility', 'notification_count', 'light_settings', 'image', 'bypass_proxy_notification', 'proxy',
]);

/** What is wrong with a v1 message (the part of the protocol Parley uses); undefined when it is good. */
function messageProblem(m: Record<string, unknown>): string | undefined {
  const size = Buffer.byteLength(JSON.stringify(m));
  if (size > MAX_MESSAGE_BYTES) return `Message is too big: ${size} bytes, at most ${MAX_MESSAGE_BYTES}.`;
  const targets = ['token', 'topic', 'condition'].filter((k) => m[k] !== undefined);
  if (targets.length !== 1 || typeof m.token !== 'string' || m.token === '') return 'The message must have exactly one target, and it must be a token.';
  return (
    unknownKey(m, MESSAGE_KEYS, 'message') ??
    stringMap(m.data, 'message.data') ??
    notificationProblem(m.notification) ??
    androidProblem(m.android)
  );
}

function notificationProblem(n: unknown): string | undefined {
  if (n === undefined) return undefined;
  if (!isObject(n)) return 'message.notification must be an object.';
  for (const k of ['title', 'body', 'image']) if (n[k] !== undefined && typeof n[k] !== 'string') return `message.notification.${k} must be a string.`;
  return unknownKey(n, NOTIFICATION_KEYS, 'message.notification');
}

function androidProblem(a: unknown): string | undefined {
  if (a === undefined) return undefined;
  if (!isObject(a)) return 'message.android must be an object.';
  if (a.ttl !== undefined && (typeof a.ttl !== 'string' || !/^\d+(\.\d{1,9})?s$/.test(a.ttl))) return `Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(a.ttl)}`;
  if (a.priority !== undefined && a.priority !== 'NORMAL' && a.priority !== 'HIGH') return `Invalid value at 'message.android.priority', ${JSON.stringify(a.priority)}`;
  const n = a.notification;
  if (n !== undefined && !isObject(n)) return 'message.android.notification must be an object.';
  if (isObject(n) && n.notification_count !== undefined && !Number.isInteger(n.notification_count)) return 'message.android.notification.notification_count must be an integer.';
  if (isObject(n)) for (const k of ['title', 'body', 'sound', 'tag', 'channel_id']) if (n[k] !== undefined && typeof n[k] !== 'string') return `message.android.notification.${k} must be a string.`;
  return unknownKey(a, ANDROID_KEYS, 'message.android') ?? stringMap(a.data, 'message.android.data') ?? (isObject(n) ? unknownKey(n, ANDROID_NOTIFICATION_KEYS, 'message.android.notification') : undefined);
}

function stringMap(v: unknown, at: string): string | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) return `${at} must be a map of strings.`;
  const bad = Object.entries(v).find(([, x]) => typeof x !== 'string');
  return bad ? `Invalid value at '${at}[${bad[0]}].value' (TYPE_STRING), ${JSON.stringify(bad[1])}` : undefined;
}

function unknownKey(o: Record<string, unknown>, known: ReadonlySet<string>, at: string): string | undefined {
  const k = Object.keys(o).find((x) => !known.has(x));
  return k === undefined ? undefined : `Invalid JSON payload received. Unknown name "${k}" at '${at}': Cannot find field.`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
