/**
 * The REST adapter: `POST /v4/<service>/<command>?sdkappid&identifier&usersig&random&contenttype`.
 * Checks the method, command, app and admin UserSig, the command's and the app's call rate
 * (rest-rates.ts, counted across the cluster), the body size and JSON, decodes the request with
 * the command's schema, runs it and answers in Tencent's envelope — always HTTP 200.
 *
 * It is a plain `node:http` handler that answers every path under `/v4` before the Colyseus router
 * and Express see the request (`answerFirst`): an app server's hot path pays for one query parse,
 * one body read and one `res.end`, not for a router stack, CORS header objects and `res.json`
 * (measured, issue 12). REST is called server to server, so no CORS headers are sent.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.ts';
import type { ImContext } from '../im/context.ts';
import { type ErrorName, type ErrorParams, imError } from '../protocol/errors.ts';
import type { Endpoint, ResponseFields, Service } from './endpoint.ts';
import { type FailEnvelope, toRestError } from './rest-error.ts';
import { plainIp } from '../im/caller.ts';
import { decode } from '../protocol/decode.ts';
import { type Metrics, secondsSince } from '../ops/metrics.ts';
import type { RateCounters, RateKey } from '../ops/rate-counters.ts';
import { type RestRates, rateError } from './rest-rates.ts';

export interface RestDeps {
  readonly im: ImContext;
  readonly auth: Authenticator;
  readonly services: readonly Service[];
  /** Largest body of an ordinary command, bytes. */
  readonly maxBodyBytes: number;
  readonly rates: RestRates;
  /** Where calls are counted: in this process, or (in a cluster) in Redis. */
  readonly counters: RateCounters;
  readonly log: Logger;
}

/** Hard cap on what is read at all; beyond it the request fails with 93000 before parsing. */
const READ_CAP = 1024 * 1024;

/** Answers the request if it is one of ours; false leaves it to the next handler. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Puts `handler` in front of every `request` listener of `server` (Colyseus's router, Express):
 * a request it answers reaches no other listener. Call after the server is bound.
 */
export function answerFirst(server: Server, handler: HttpHandler): void {
  const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (handler(req, res)) return;
    for (const listener of others) listener.call(server, req, res);
  });
}

/** The path part of a request URL under `/v4` (case-insensitive, as Express matched it), else undefined. */
function v4Path(url: string): string | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.length < 3 || path.slice(0, 3).toLowerCase() !== '/v4') return undefined;
  return path.length === 3 || path[3] === '/' ? path : undefined;
}

/** `/v4/<service>/<command>` (a trailing slash allowed), URI-decoded; undefined for any other shape. */
function routeOf(path: string): { service: string; command: string } | undefined {
  const parts = path.split('/');
  if (parts.length === 5 && parts[4] === '') parts.pop();
  if (parts.length !== 4 || !parts[2] || !parts[3]) return undefined;
  try {
    return { service: decodeURIComponent(parts[2]), command: decodeURIComponent(parts[3]) };
  } catch {
    return undefined;
  }
}

function queryString(query: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = query[name];
  return typeof v === 'string' ? v : undefined;
}

function parseBody(raw: Buffer, service: Service | undefined): unknown {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw imError(service?.bodyJson ?? 'BodyNotJson');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw imError('BodyNotObject');
  return json;
}

function answer(res: ServerResponse, body: FailEnvelope | ResponseFields, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/**
 * Reads the whole body, up to READ_CAP bytes. Over the cap (declared or streamed) it answers
 * `tooLong` at once and closes the connection rather than read the rest.
 */
function readBody(req: IncomingMessage, onBody: (body: Buffer) => void, tooLong: (size: number) => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > READ_CAP) {
    tooLong(declared);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > READ_CAP) {
      over = true;
      tooLong(size);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) onBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  });
  // An aborted upload has nobody left to answer.
  req.on('error', () => undefined);
}

export function restHandler(deps: RestDeps): HttpHandler {
  const byService = new Map(deps.services.map((s) => [s.name, { service: s, commands: new Map(s.endpoints.map((e) => [e.command, e])) }]));

  const run = async (req: IncomingMessage, route: { service: string; command: string }, query: ReturnType<typeof parseQuery>, raw: Buffer): Promise<ResponseFields | FailEnvelope> => {
    const started = performance.now();
    const found = byService.get(route.service);
    const internal: ErrorName = found?.service.internal ?? 'AccountInternal';
    let ep: Endpoint | undefined;
    let code = 0;
    let reply: ResponseFields | FailEnvelope;
    try {
      if (req.method !== 'POST') throw imError('HttpMethodNotAllowed', { method: req.method });
      ep = found?.commands.get(route.command);
      if (!found || !ep) throw imError('UnknownCommand', route);
      const sdkAppId = queryString(query, 'sdkappid');
      if (!sdkAppId) throw imError('SdkAppIdMissing');
      if (Number(sdkAppId) !== deps.auth.sdkAppId) throw imError('SdkAppIdInvalid', { sdkAppId });
      const identifier = queryString(query, 'identifier') ?? '';
      await deps.auth.admin(identifier, queryString(query, 'usersig'), found.service.adminRequired);
      await admit(deps, `${found.service.name}/${ep.command}`);
      const limit = deps.maxBodyBytes + (ep.bodyAllowance ?? 0) + (ep.carriesMessage ? deps.im.limits.maxMsgBytes : 0);
      if (raw.length > limit) throw imError('BodyTooLong', { size: raw.length, max: limit });
      const input = decode(ep.request, parseBody(raw, found.service), found.service.invalid);
      const fields = await ep.handle(deps.im, { kind: 'admin', userId: identifier, clientIp: plainIp(req.socket.remoteAddress) }, input, found.service.invalid);
      reply = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields };
    } catch (e) {
      const fail = toRestError(e, internal, deps.log, `${route.service}/${route.command}`);
      code = fail.ErrorCode;
      reply = fail;
    }
    observe(deps.im.metrics, found && ep ? `${found.service.name}/${ep.command}` : 'unknown', ep?.sendPath, code, secondsSince(started));
    return reply;
  };

  const fail = (res: ServerResponse, name: ErrorName, info: ErrorParams, close = false): void =>
    answer(res, toRestError(imError(name, info), 'AccountInternal', deps.log, 'v4'), close);

  return (req, res) => {
    const url = req.url ?? '/';
    const path = v4Path(url);
    // CORS preflights stay with the Colyseus router, which answers them for every path.
    if (path === undefined || req.method === 'OPTIONS') return false;
    const route = routeOf(path);
    // Any other path under /v4 (`/v4`, `/v4/openim`, `/v4/a/b/c`) still gets Tencent's envelope, not an HTML 404.
    if (!route) {
      req.resume();
      fail(res, 'BadRequestPath', { path });
      return true;
    }
    const q = url.indexOf('?');
    const query = q === -1 ? {} : parseQuery(url.slice(q + 1));
    readBody(
      req,
      (raw) =>
        void run(req, route, query, raw)
          .then((reply) => answer(res, reply))
          .catch((e: unknown) => deps.log.error({ err: e, path }, 'REST answer failed')),
      (size) => fail(res, 'BodyTooLong', { size, max: '1mb' }, true),
    );
    return true;
  };
}

/**
 * Counts the call against its command's rate and the app's, and refuses it over either (the
 * command's first). Counting never blocks the API: when the counters fail (Redis down) the call goes
 * through, and the failure is logged.
 */
async function admit(deps: RestDeps, path: string): Promise<void> {
  const rate = deps.rates.rateOf(path);
  const appRate = deps.rates.appRate;
  if (rate === 0 && appRate === 0) return;
  const keys: RateKey[] = [];
  if (rate > 0) keys.push({ key: `rest:${path}`, limit: rate });
  if (appRate > 0) keys.push({ key: 'rest', limit: appRate });
  let within: boolean[];
  try {
    within = await deps.counters.take(keys, deps.im.now());
  } catch (e) {
    deps.log.warn({ err: e, command: path }, 'REST rate not counted; the call goes through');
    return;
  }
  if (rate > 0 && !within[0]) {
    deps.im.metrics.restRefused.inc({ command: path, limit: 'command' });
    throw imError(rateError(path), { command: path, limit: rate });
  }
  if (appRate > 0 && !within[keys.length - 1]) {
    deps.im.metrics.restRefused.inc({ command: path, limit: 'app' });
    throw imError('RestAppRateLimited', { limit: appRate });
  }
}

function observe(metrics: Metrics, command: string, sendPath: 'c2c' | 'group' | undefined, code: number, seconds: number): void {
  metrics.restDuration.observe({ command, code: String(code) }, seconds);
  if (sendPath && code === 0) metrics.sendDuration.observe({ path: sendPath, transport: 'rest' }, seconds);
}
