/**
 * WebSocket close codes Parley sends to clients, grouped by what the client should do next, so the
 * SDK's reconnect logic is a table lookup (`closeAction`).
 *
 * - 4100–4199 "give up": the session ended for a reason reconnecting cannot fix (kicked, UserSig
 *   expired or revoked). The app must log in again with a fresh UserSig.
 * - 4200–4299 "reconnect": the server moved or restarted the inbox actor; run `/connect` again with
 *   the same UserSig and resume from the cursors.
 * Colyseus reserves 4000–4010; 4001 (server shutdown) is treated as "reconnect".
 */
export const CloseCode = {
  Kicked: 4100,
  UserSigExpired: 4101,
  UserSigRevoked: 4102,
  ReplacedByNewLogin: 4103,
  /** The join carried no valid UserSig for this inbox. */
  Unauthorized: 4104,
  ActorMoved: 4200,
  ServerRestarting: 4201,
  /** The device kept flooding past its rate: log in again after a pause (the SDK waits SLOW_DOWN_MS). */
  SlowDown: 4202,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Colyseus' own codes that reach Parley clients. */
const COLYSEUS_CONSENTED = 4000;
const COLYSEUS_SERVER_SHUTDOWN = 4001;

export type CloseAction = 'done' | 'give-up' | 'reconnect';

/** What a client does after its socket closed with `code`. */
export function closeAction(code: number): CloseAction {
  if (code === COLYSEUS_CONSENTED || code === 1000) return 'done';
  if (code >= 4100 && code <= 4199) return 'give-up';
  if (code === COLYSEUS_SERVER_SHUTDOWN || (code >= 4200 && code <= 4299)) return 'reconnect';
  // 1001/1005/1006 and everything else: the network dropped; reconnect.
  return 'reconnect';
}
