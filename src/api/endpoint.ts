/** The shape of one REST command: its Tencent request schema and a handler calling src/im. */
import type { z } from 'zod';
import type { Caller } from '../im/caller.ts';
import type { ImContext } from '../im/context.ts';
import type { ErrorName } from '../protocol/errors.ts';

/** Tencent response fields beyond the envelope; `ActionStatus` may be overridden (batch partial failure). */
export type ResponseFields = Record<string, unknown>;

export interface Endpoint<I = never> {
  readonly command: string;
  readonly request: z.ZodType<I>;
  /** Body bytes allowed above the base limit, for commands carrying lists. */
  readonly bodyAllowance?: number;
  /**
   * The command carries a message (MsgBody + CloudCustomData): its body may also hold one more
   * message's worth of bytes, so a message over the message limit is refused as too long (80002)
   * rather than as an over-long request (93000).
   */
  readonly carriesMessage?: boolean;
  /** Sends are also timed as `parley_send_seconds{path}`. */
  readonly sendPath?: 'c2c' | 'group';
  readonly handle: (ctx: ImContext, caller: Caller, req: I) => Promise<ResponseFields>;
}

/**
 * Per service: the errors Tencent uses there for a bad body, a bad field without its own code, a
 * caller that is not an App admin (spec §1.1: 70403 / 90009 / 10007 / 1002 by service), and an
 * internal failure.
 */
export interface Service {
  readonly name: string;
  readonly bodyJson: ErrorName;
  readonly invalid: ErrorName;
  readonly adminRequired: ErrorName;
  readonly internal: ErrorName;
  readonly endpoints: readonly Endpoint<never>[];
}

/** Declares an endpoint; keeps `I` inferred from the schema while the service list holds them uniformly. */
export function endpoint<I>(e: Endpoint<I>): Endpoint<never> {
  return e as unknown as Endpoint<never>;
}
