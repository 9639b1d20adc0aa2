/**
 * The inbox room's client operations: each op maps its arguments (protocol schemas, shared with
 * the SDK) to the input of one domain command (src/im/command.ts), with the logged-in user as the
 * caller. Defaults and rules are the command's, shared with REST.
 */
import type { z } from 'zod';
import { sendC2CCommand } from '../../src/im/c2c/send.ts';
import { type CallerKind, type CallerOf, type Command, accepts, execute } from '../../src/im/command.ts';
import type { ImContext } from '../../src/im/context.ts';
import { groupSendCommand } from '../../src/im/groups/send.ts';
import { myGroupsCommand } from '../../src/im/sync/my-groups.ts';
import { pullGroupCommand } from '../../src/im/sync/pull-group.ts';
import { syncInboxCommand } from '../../src/im/sync/sync-inbox.ts';
import { Op, type OpTypes, groupPullArgs, groupsArgs, sendC2CArgs, sendGroupArgs, syncArgs } from '../../src/protocol/client-ops.ts';
import { decode } from '../../src/protocol/decode.ts';
import type { Metrics } from '../../src/ops/metrics.ts';

type OpHandler = (im: ImContext, caller: CallerOf<'user'>, raw: unknown) => Promise<unknown>;

/**
 * Mounts `runs` as client op `op`: decodes the arguments (ClientBadRequest unless a field names
 * its own code) and maps them to the command's input. Refuses a command users may not issue.
 */
function clientOp<O extends Op, A, S extends z.ZodType, K extends CallerKind>(
  op: O,
  spec: { readonly args: z.ZodType<A>; readonly runs: Command<S, OpTypes[O]['result'], K>; readonly input: (args: A) => z.input<S> },
): [O, OpHandler] {
  if (!accepts(spec.runs, 'user')) throw new Error(`client op ${op}: command ${spec.runs.name} is not for users`);
  return [op, (im, caller, raw) => execute(im, caller as CallerOf<K>, spec.runs, spec.input(decode(spec.args, raw ?? {}, 'ClientBadRequest')), 'ClientBadRequest')];
}

/** Op name → handler. A Map: op names come off the wire, and `__proto__` or `toString` must find nothing. */
export const CLIENT_OPS: ReadonlyMap<string, OpHandler> = new Map([
  clientOp(Op.SendC2C, {
    args: sendC2CArgs,
    runs: sendC2CCommand,
    input: (a) => ({ to: a.to, body: a.body, cloudCustomData: a.cloudCustomData, random: a.random, msgSeq: a.msgSeq, onlineOnly: a.onlineOnly }),
  }),
  clientOp(Op.SendGroup, { args: sendGroupArgs, runs: groupSendCommand, input: (a) => a }),
  clientOp(Op.Sync, { args: syncArgs, runs: syncInboxCommand, input: (a) => a }),
  clientOp(Op.GroupPull, { args: groupPullArgs, runs: pullGroupCommand, input: (a) => a }),
  clientOp(Op.Groups, { args: groupsArgs, runs: myGroupsCommand, input: () => ({}) }),
]);

const SEND_PATHS: ReadonlyMap<string, 'c2c' | 'group'> = new Map([
  [Op.SendC2C, 'c2c'],
  [Op.SendGroup, 'group'],
]);

/** Records one client operation: its duration by op and code, and for sends the send latency. */
export function observeOp(metrics: Metrics, op: string, code: number, seconds: number): void {
  metrics.clientOpDuration.observe({ op, code: String(code) }, seconds);
  const path = SEND_PATHS.get(op);
  if (path && code === 0) metrics.sendDuration.observe({ path, transport: 'client' }, seconds);
}
