/**
 * The shape of one REST command: its Tencent request schema and the mapping to and from the one
 * domain command it runs (src/im/command.ts). Mappings only rename and reshape fields; defaults,
 * clamps and rules belong to the command.
 */
import type { z } from 'zod';
import { type CallerKind, type CallerOf, type Command, type InputOf, type OutputOf, accepts, execute } from '../im/command.ts';
import type { ImContext } from '../im/context.ts';
import type { ErrorName } from '../protocol/errors.ts';

/** Tencent response fields beyond the envelope; `ActionStatus` may be overridden (batch partial failure). */
export type ResponseFields = Record<string, unknown>;

export type AdminCaller = CallerOf<'admin'>;

interface EndpointOptions {
  readonly command: string;
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
}

export interface EndpointSpec<W, C> extends EndpointOptions {
  readonly request: z.ZodType<W>;
  readonly runs: C;
  /** Wire fields → the command's input. */
  readonly input: (req: W, caller: AdminCaller) => InputOf<C>;
  /** The command's output → Tencent's response fields (none when omitted). */
  readonly reply?: (out: OutputOf<C>, req: W, ctx: ImContext) => ResponseFields;
}

/** An endpoint as the router holds it: decode with `request`, then `handle`. */
export interface Endpoint extends EndpointOptions {
  readonly request: z.ZodType;
  /** Name of the domain command it runs. */
  readonly runs: string;
  readonly handle: (ctx: ImContext, caller: AdminCaller, req: unknown, invalid: ErrorName) => Promise<ResponseFields>;
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
  readonly endpoints: readonly Endpoint[];
}

/** Declares an endpoint running `spec.runs`; refuses, when mounted, a command App admins may not issue. */
export function endpoint<W, S extends z.ZodType, O, K extends CallerKind>(spec: EndpointSpec<W, Command<S, O, K>>): Endpoint {
  const cmd = spec.runs;
  if (!accepts(cmd, 'admin')) throw new Error(`${spec.command}: command ${cmd.name} is not for App admins`);
  const { request, input, reply, runs: _runs, ...options } = spec;
  return {
    ...options,
    request,
    runs: cmd.name,
    handle: async (ctx, caller, req, invalid) => {
      const out = await execute(ctx, caller as CallerOf<K>, cmd, input(req as W, caller), invalid);
      return reply ? reply(out, req as W, ctx) : {};
    },
  };
}
