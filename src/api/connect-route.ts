/**
 * `POST /connect {UserID, UserSig, Platform}`: a device's way into its inbox. Verifies the
 * UserSig, imports the account on first login (as Tencent's SDK login does), and answers with a
 * seat reservation for `client.consumeSeatReservation`. Errors use the REST envelope and codes.
 * Logins are counted per user and per address before the UserSig is checked (70114 beyond the
 * rates), so guessing at UserSigs costs one count each.
 */
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.ts';
import type { ColyseusActors } from '../cluster/colyseus-actors.ts';
import { reserveInboxSeat } from '../cluster/seat-reservations.ts';
import type { ImContext } from '../im/context.ts';
import { connectRequest } from '../protocol/client-ops.ts';
import { imError } from '../protocol/errors.ts';
import { toRestError } from './rest-error.ts';
import type { RateCounters, RateKey } from '../ops/rate-counters.ts';
import { plainIp } from '../im/caller.ts';

export interface ConnectDeps {
  readonly im: ImContext;
  readonly auth: Authenticator;
  readonly actors: ColyseusActors;
  readonly counters: RateCounters;
  /** Logins a second per user and per address; 0 = no limit. */
  readonly loginRate: { readonly perUser: number; readonly perIp: number };
  readonly log: Logger;
}

/** Counts the login and refuses it past either rate; a failure to count lets it through (logged). */
async function admitLogin(deps: ConnectDeps, userId: string, ip: string): Promise<void> {
  const { perUser, perIp } = deps.loginRate;
  const keys: RateKey[] = [];
  if (perUser > 0) keys.push({ key: `login-user:${userId}`, limit: perUser });
  if (perIp > 0 && ip !== '') keys.push({ key: `login-ip:${ip}`, limit: perIp });
  if (keys.length === 0) return;
  let within: boolean[];
  try {
    within = await deps.counters.take(keys, deps.im.now());
  } catch (e) {
    deps.log.warn({ err: e }, 'login rate not counted; the login goes through');
    return;
  }
  const over = keys.findIndex((_, i) => !within[i]);
  if (over >= 0) throw imError('LoginTooFrequent', { what: keys[over].key.startsWith('login-user:') ? `of ${userId}` : `from ${ip}` });
}

export function connectRouter(deps: ConnectDeps): express.Router {
  const router = express.Router();
  const handle = async (req: Request, res: Response): Promise<void> => {
    try {
      const parsed = connectRequest.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw imError('ClientBadRequest', { detail: `${issue.path.join('.')}: ${issue.message}` });
      }
      const { UserID, UserSig, Platform } = parsed.data;
      await admitLogin(deps, UserID, plainIp(req.socket.remoteAddress));
      await deps.auth.user(UserID, UserSig);
      await deps.im.store.accounts.importAccounts([{ userId: UserID }], deps.im.now());
      const reservation = await reserveInboxSeat(deps.actors, UserID, UserSig, Platform, req.headers, req.socket.remoteAddress);
      res.json({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', SeatReservation: reservation });
    } catch (e) {
      res.json(toRestError(e, 'AccountInternal', deps.log, 'connect'));
    }
  };
  router.post('/connect', express.json({ limit: '16kb' }), (req, res) => void handle(req, res));
  router.use('/connect', (_err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    res.json(toRestError(imError('BodyNotJson'), 'AccountInternal', deps.log, 'connect'));
  });
  return router;
}
