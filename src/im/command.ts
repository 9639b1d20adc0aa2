/**
 * The command seam (DESIGN §4): every Tencent command and client operation is one `Command`,
 * declared once in its own module under src/im. A command states
 * - its input schema: the domain fields with their defaults (a failing field names its catalogue
 *   error, else the transport's generic one);
 * - who may issue it (`callers`): a transport can only mount a command its callers may issue, so
 *   REST (App admins) and the inbox room (logged-in users) cannot expose the wrong one;
 * - which actor owns the state it reads or changes (`owner`), for the reader and for routing;
 * - its rule (`run`): executor-side checks, then the call to the owning actor, whose handler applies
 *   the state-dependent rules of src/im.
 * Transports are mappers: wire fields in, a command input out, the output back to wire fields. A
 * default or clamp therefore lives in the command, and REST and client behave alike by construction.
 */
import type { z } from 'zod';
import { type ErrorName } from '../protocol/errors.ts';
import { decode } from '../protocol/decode.ts';
import type { Caller } from './caller.ts';
import type { ImContext } from './context.ts';

export type CallerKind = Caller['kind'];
export type CallerOf<K extends CallerKind> = Extract<Caller, { kind: K }>;

/** Where the state a command works on lives: an actor's, or the store's for reads answered from it. */
export type CommandOwner = 'inbox' | 'group' | 'broadcast' | 'store';

export interface Command<S extends z.ZodType = z.ZodType, O = unknown, K extends CallerKind = CallerKind> {
  /** Stable name (`group.addMembers`), for logs and the command index; unique. */
  readonly name: string;
  readonly callers: readonly K[];
  readonly owner: CommandOwner;
  readonly input: S;
  readonly run: (ctx: ImContext, caller: CallerOf<K>, input: z.output<S>) => Promise<O>;
}

/** What a transport hands the command: the schema's input side (defaults may be left out). */
export type InputOf<C> = C extends Command<infer S, infer _O, infer _K> ? z.input<S> : never;
export type OutputOf<C> = C extends Command<infer _S, infer O, infer _K> ? O : never;

/** Declares a command; keeps its schema, output and caller kinds inferred. */
export function defineCommand<S extends z.ZodType, O, K extends CallerKind>(c: Command<S, O, K>): Command<S, O, K> {
  return c;
}

/** Whether callers of kind `kind` may issue `cmd`; transports check it once, when they mount it. */
export function accepts(cmd: { readonly callers: readonly CallerKind[] }, kind: CallerKind): boolean {
  return cmd.callers.includes(kind);
}

/**
 * Runs `cmd` for `caller`: decodes the input (a failure without its own code raises `invalid`, the
 * transport's generic code) and applies the rule. The caller kind was checked when mounted.
 */
export async function execute<S extends z.ZodType, O, K extends CallerKind>(
  ctx: ImContext,
  caller: CallerOf<K>,
  cmd: Command<S, O, K>,
  input: z.input<S>,
  invalid: ErrorName,
): Promise<O> {
  return cmd.run(ctx, caller, decode(cmd.input, input, invalid));
}
