/**
 * The REST adapter: `POST /v4/<service>/<command>?sdkappid&identifier&usersig&random&contenttype`.
 * Checks the method, command, app and admin UserSig, the body size and JSON, decodes the request
 * with the command's schema, runs it and answers in Tencent's envelope — always HTTP 200.
 */
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.ts';
import type { ImContext } from '../im/context.ts';
import { type ErrorName, imError } from '../protocol/errors.ts';
import type { Endpoint, Service } from './endpoint.ts';
import { toRestError } from './rest-error.ts';
import { plainIp } from '../im/caller.ts';
import { decode } from '../protocol/decode.ts';
import { type Metrics, secondsSince } from '../ops/metrics.ts';

export interface RestDeps {
  readonly im: ImContext;
  readonly auth: Authenticator;
  readonly services: readonly Service[];
  /** Largest body of an ordinary command, bytes. */
  readonly maxBodyBytes: number;
  readonly log: Logger;
}

/** Hard cap on what is read at all; beyond it the request fails with 93000 before parsing. */
const READ_CAP = '1mb';

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}

function parseBody(raw: unknown, service: Service | undefined): unknown {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw imError(service?.bodyJson ?? 'BodyNotJson');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw imError('BodyNotObject');
  return json;
}

export function restRouter(deps: RestDeps): express.Router {
  const byService = new Map(deps.services.map((s) => [s.name, { service: s, commands: new Map(s.endpoints.map((e) => [e.command, e])) }]));
  const router = express.Router();

  const run = async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const found = byService.get(String(req.params.service));
    const internal: ErrorName = found?.service.internal ?? 'AccountInternal';
    let ep: Endpoint | undefined;
    let code = 0;
    try {
      if (req.method !== 'POST') throw imError('HttpMethodNotAllowed', { method: req.method });
      ep = found?.commands.get(String(req.params.command));
      if (!found || !ep) throw imError('UnknownCommand', { service: String(req.params.service), command: String(req.params.command) });
      const sdkAppId = queryString(req, 'sdkappid');
      if (!sdkAppId) throw imError('SdkAppIdMissing');
      if (Number(sdkAppId) !== deps.auth.sdkAppId) throw imError('SdkAppIdInvalid', { sdkAppId });
      const identifier = queryString(req, 'identifier') ?? '';
      await deps.auth.admin(identifier, queryString(req, 'usersig'), found.service.adminRequired);
      const size = Buffer.isBuffer(req.body) ? req.body.length : 0;
      const limit = deps.maxBodyBytes + (ep.bodyAllowance ?? 0) + (ep.carriesMessage ? deps.im.limits.maxMsgBytes : 0);
      if (size > limit) throw imError('BodyTooLong', { size, max: limit });
      const input = decode(ep.request, parseBody(req.body, found.service), found.service.invalid);
      const fields = await ep.handle(deps.im, { kind: 'admin', userId: identifier, clientIp: plainIp(req.socket.remoteAddress) }, input, found.service.invalid);
      res.json({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields });
    } catch (e) {
      const fail = toRestError(e, internal, deps.log, `${req.params.service}/${req.params.command}`);
      code = fail.ErrorCode;
      res.json(fail);
    }
    observe(deps.im.metrics, found && ep ? `${found.service.name}/${ep.command}` : 'unknown', ep?.sendPath, code, secondsSince(started));
  };

  router.all('/v4/:service/:command', express.raw({ type: () => true, limit: READ_CAP }), (req, res) => void run(req, res));
  // Any other path under /v4 (`/v4`, `/v4/openim`, `/v4/a/b/c`) still gets Tencent's envelope, not an HTML 404.
  router.use('/v4', (req: Request, res: Response) => {
    res.json(toRestError(imError('BadRequestPath', { path: req.originalUrl.split('?')[0] }), 'AccountInternal', deps.log, 'v4'));
  });
  // Bodies past the read cap, or unreadable ones, still get a Tencent envelope.
  router.use('/v4', (err: { type?: string; length?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
    const e = err.type === 'entity.too.large' ? imError('BodyTooLong', { size: err.length, max: READ_CAP }) : imError('BodyNotJson');
    res.json(toRestError(e, 'AccountInternal', deps.log, 'v4'));
  });
  return router;
}

function observe(metrics: Metrics, command: string, sendPath: 'c2c' | 'group' | undefined, code: number, seconds: number): void {
  metrics.restDuration.observe({ command, code: String(code) }, seconds);
  if (sendPath && code === 0) metrics.sendDuration.observe({ path: sendPath, transport: 'rest' }, seconds);
}
