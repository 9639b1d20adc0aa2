/**
 * Colyseus answers a refused matchmaking call (`POST /matchmake/<method>/<room>`) with its own
 * error code as the HTTP status (520 invalid method, 522 unknown room…), which reads as a server
 * failure. Clients only ever use joinById and reconnect; every refusal is the caller's mistake,
 * so it is answered 4xx with a JSON body `{code, error}` naming the Colyseus reason.
 */
import { ErrorCode, ServerError, matchMaker } from '@colyseus/core';

/** Colyseus matchmaking codes → the HTTP status a client should see. */
const HTTP_STATUS: ReadonlyMap<number, number> = new Map([
  [ErrorCode.MATCHMAKE_NO_HANDLER, 403], // a method clients may not call (create, joinOrCreate…)
  [ErrorCode.MATCHMAKE_INVALID_CRITERIA, 400],
  [ErrorCode.MATCHMAKE_INVALID_ROOM_ID, 404],
  [ErrorCode.MATCHMAKE_UNHANDLED, 400],
  [ErrorCode.MATCHMAKE_EXPIRED, 410],
  [ErrorCode.AUTH_FAILED, 401],
  [ErrorCode.APPLICATION_ERROR, 400],
]);

/** Wraps the matchmaker controller (process-wide, like `exposedMethods`) so its refusals become 4xx. */
export function answerMatchmakingRefusalsAs4xx(controller: typeof matchMaker.controller = matchMaker.controller): void {
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (...args: Parameters<typeof invoke>) => {
    try {
      return await invoke(...args);
    } catch (e) {
      const code = (e as { code?: number }).code ?? ErrorCode.MATCHMAKE_UNHANDLED;
      const status = HTTP_STATUS.get(code) ?? (code >= 400 && code < 500 ? code : 400);
      throw new ServerError(status, `${(e as Error).message} (matchmaking error ${code})`);
    }
  };
}
