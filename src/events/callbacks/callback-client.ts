/**
 * The HTTP side of Tencent callbacks (spec §7.1): one JSON POST per callback to the app server's URL
 * with Tencent's query string (plus `Sign`/`RequestTime` when a token is configured), bounded by a
 * timeout. Node's fetch keeps connections to the app server alive and pools them per origin.
 */
import { createHash } from 'node:crypto';
import type { CallbackCommand } from '../../protocol/callback-commands.ts';

export interface CallbackClientOptions {
  readonly url: string;
  /** Console token: when set, every URL carries `Sign = hex(sha256(token + RequestTime))` and `RequestTime`. */
  readonly token?: string;
  readonly sdkAppId: number;
  /** Longest a request may take, answer included, ms. */
  readonly timeoutMs: number;
  /** Unix ms; `RequestTime` is taken from it. */
  readonly now: () => number;
}

export interface CallbackRequest {
  readonly command: CallbackCommand;
  /** The body's fields besides `CallbackCommand` (spec §7.3). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** `OptPlatform`: `RESTAPI` for REST callers, the device's platform for clients, `Unknown` when not known. */
  readonly platform: string;
  /** `ClientIP`; empty when not known. */
  readonly clientIp?: string;
}

/** What the app server answered: a JSON object with an integer ErrorCode; other fields (MsgBody …) depend on the command. */
export interface CallbackAnswer {
  readonly ErrorCode: number;
  readonly ErrorInfo: string;
  readonly [field: string]: unknown;
}

/**
 * The result of one request. A failure is anything but HTTP 200 with a JSON object carrying an
 * integer ErrorCode: a timeout, a refused connection, another status, a body that is not JSON.
 */
export type CallbackOutcome = { readonly ok: true; readonly answer: CallbackAnswer } | { readonly ok: false; readonly reason: string };

export interface CallbackClient {
  /** Never rejects; `signal` aborts the request early (shutdown), which is reported as a failure. */
  send(req: CallbackRequest, signal?: AbortSignal): Promise<CallbackOutcome>;
}

/** Tencent's documented signature (spec §7.1, §9 open question 1): hex sha256 of the token followed by RequestTime. */
export function callbackSign(token: string, requestTimeS: number): string {
  return createHash('sha256').update(`${token}${requestTimeS}`).digest('hex');
}

/** The callback URL: the configured one plus Tencent's query parameters (added to any it already has). */
export function callbackUrl(o: Pick<CallbackClientOptions, 'url' | 'token' | 'sdkAppId'>, req: CallbackRequest, requestTimeS: number): string {
  const url = new URL(o.url);
  url.searchParams.set('SdkAppid', String(o.sdkAppId));
  url.searchParams.set('CallbackCommand', req.command);
  url.searchParams.set('contenttype', 'json');
  url.searchParams.set('ClientIP', req.clientIp ?? '');
  url.searchParams.set('OptPlatform', req.platform);
  if (o.token !== undefined) {
    url.searchParams.set('Sign', callbackSign(o.token, requestTimeS));
    url.searchParams.set('RequestTime', String(requestTimeS));
  }
  return url.toString();
}

/** Reads an answer body; undefined when it is not a JSON object with an integer ErrorCode (a numeric string is accepted). */
export function parseAnswer(text: string): CallbackAnswer | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const code = typeof o.ErrorCode === 'string' && o.ErrorCode.trim() !== '' ? Number(o.ErrorCode) : o.ErrorCode;
  if (typeof code !== 'number' || !Number.isInteger(code)) return undefined;
  return { ...o, ErrorCode: code, ErrorInfo: typeof o.ErrorInfo === 'string' ? o.ErrorInfo : '' };
}

export function createCallbackClient(o: CallbackClientOptions): CallbackClient {
  return {
    async send(req, signal) {
      const requestTimeS = Math.floor(o.now() / 1000);
      const timeout = AbortSignal.timeout(o.timeoutMs);
      try {
        const res = await fetch(callbackUrl(o, req, requestTimeS), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ CallbackCommand: req.command, ...req.payload }),
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
        const text = await res.text();
        if (res.status !== 200) return { ok: false, reason: `HTTP ${res.status}` };
        const answer = parseAnswer(text);
        return answer ? { ok: true, answer } : { ok: false, reason: 'the answer is not a JSON object with an integer ErrorCode' };
      } catch (e) {
        if (timeout.aborted) return { ok: false, reason: `no answer within ${o.timeoutMs} ms` };
        if (signal?.aborted) return { ok: false, reason: 'stopped' };
        return { ok: false, reason: describe(e) };
      }
    },
  };
}

/** fetch reports network errors as `TypeError: fetch failed` with the useful part (ECONNREFUSED …) in `cause`. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause : undefined;
  const code = cause && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code ?? cause?.message ?? e.message;
}
