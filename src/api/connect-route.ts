/**
 * `POST /connect {UserID, UserSig, Platform}`: a device's way into its inbox. Verifies the
 * UserSig, imports the account on first login (as Tencent's SDK login does), and answers with a
 * seat reservation for `client.consumeSeatReservation`. Errors use the REST envelope and codes.
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

export interface ConnectDeps {
  readonly im: ImContext;
  readonly auth: Authenticator;
  readonly actors: ColyseusActors;
  readonly log: Logger;
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
