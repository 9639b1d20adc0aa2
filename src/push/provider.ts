/**
 * The seam between the push dispatcher and each provider (issue 16 items 3 and 4): a sender takes
 * one device's address and one notification and answers what happened, already classified, so the
 * dispatcher's retry and clean-up rules are one piece of code for all three providers.
 *
 * Contract: `send` never rejects. A network or TLS failure, a timeout or a refused stream is
 * `{ ok: false, action: 'retry', status: 0 }` with the error's code as `reason`.
 */
import type { PushTarget } from '../protocol/push.ts';
import type { PushNotification } from './notification.ts';

export type PushProvider = PushTarget['provider'];

/** What to do after a failed send. */
export type PushFailureAction =
  /** The token or subscription is dead: remove the registration (never for auth or config errors). */
  | 'drop-token'
  /** Try again later, not before `retryAfterMs` when given. */
  | 'retry'
  /** This notification can never be sent (malformed, too large): give it up, keep the token. */
  | 'drop-message'
  /** Our credentials or configuration are wrong: stop sending to this provider and tell ops. */
  | 'fix-config';

export type PushOutcome =
  | { readonly ok: true; /** The provider's id of the notification, when it gives one (apns-id, FCM name, Location). */ readonly id?: string }
  | {
      readonly ok: false;
      readonly action: PushFailureAction;
      /** HTTP status; 0 when no answer came. */
      readonly status: number;
      /** The provider's reason (APNs `reason`, FCM errorCode, a Web Push status text) or the error code. */
      readonly reason: string;
      readonly retryAfterMs?: number;
      /** APNs 410: when the token stopped being valid, Unix ms; a registration made after it stays. */
      readonly invalidatedAt?: number;
    };

export interface SendOptions {
  /** How long the provider should keep trying to deliver, seconds (0: now or never). */
  readonly ttlSeconds: number;
}

/** One provider's sender; one per process, holding its connections and cached credentials. */
export interface PushSender<P extends PushProvider = PushProvider> {
  readonly provider: P;
  send(target: Extract<PushTarget, { provider: P }>, n: PushNotification, o: SendOptions): Promise<PushOutcome>;
  /** Closes connections; sends after it fail with `retry`. */
  close(): Promise<void>;
}

/** A failed send. */
export type PushFailure = Extract<PushOutcome, { ok: false }>;

/** No answer came: retry, the error's code (ECONNREFUSED, ETIMEDOUT, NGHTTP2_REFUSED_STREAM, a TLS code) as the reason. */
export function networkFailure(e: unknown): PushFailure {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
  return { ok: false, action: 'retry', status: 0, reason: code ?? (e instanceof Error ? e.message : String(e)) };
}

/** One try of a send with the credential it used (none when no credential could be had). */
export interface CredentialedAttempt<C> {
  readonly outcome: PushOutcome;
  readonly credential?: C;
}

/**
 * Sends once with the cached credential (APNs' provider JWT, FCM's access token) and, when the
 * provider refused that credential (`refused`), once more after `forget` dropped it, so the next
 * try signs or fetches a new one; a burst of such answers replaces it once, as `forget` drops only
 * the credential it is given. A network failure on either try is `networkFailure`.
 */
export async function sendWithFreshCredential<C>(attempt: () => Promise<CredentialedAttempt<C>>, refused: (f: PushFailure) => boolean, forget: (credential: C) => void): Promise<PushOutcome> {
  try {
    const first = await attempt();
    if (first.outcome.ok || !refused(first.outcome) || first.credential === undefined) return first.outcome;
    forget(first.credential);
    return (await attempt()).outcome;
  } catch (e) {
    return networkFailure(e);
  }
}
