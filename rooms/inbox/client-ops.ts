/**
 * The inbox room's client operations: a dispatch table from op name to one domain function of
 * src/im. Each entry only decodes the arguments (protocol schemas) and supplies the caller as the
 * sender; every rule lives in src/im, shared with REST.
 */
import type { z } from 'zod';
import { sendC2C } from '../../src/im/c2c/send.ts';
import type { Caller } from '../../src/im/caller.ts';
import type { ImContext } from '../../src/im/context.ts';
import { sendGroupMessage } from '../../src/im/groups/send.ts';
import { joinedGroups, pullGroup, syncInbox } from '../../src/im/sync.ts';
import { Op, groupPullArgs, sendC2CArgs, sendGroupArgs, syncArgs } from '../../src/protocol/client-ops.ts';
import { imError } from '../../src/protocol/errors.ts';
import type { Metrics } from '../../src/ops/metrics.ts';

export type OpHandler = (im: ImContext, caller: Caller & { kind: 'user' }, raw: unknown) => Promise<unknown>;

function decode<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw imError('ClientBadRequest', { detail: `${issue.path.join('.') || 'args'}: ${issue.message}` });
}

const HANDLERS: Readonly<Record<Op, OpHandler>> = {
  [Op.SendC2C]: (im, caller, raw) => {
    const a = decode(sendC2CArgs, raw);
    return sendC2C(im, caller, {
      from: caller.userId,
      to: a.to,
      body: a.body,
      cloudCustomData: a.cloudCustomData,
      random: a.random,
      msgSeq: a.msgSeq,
      // An online-only client message is neither kept for offline devices nor in roaming history.
      lifetimeS: a.onlineOnly ? 0 : undefined,
      roaming: !a.onlineOnly,
      senderSync: 'push',
    });
  },
  [Op.SendGroup]: (im, caller, raw) => {
    const a = decode(sendGroupArgs, raw);
    return sendGroupMessage(im, caller, { ...a, from: caller.userId });
  },
  [Op.Sync]: (im, caller, raw) => {
    const a = decode(syncArgs, raw);
    return syncInbox(im, caller.userId, a.after, a.limit);
  },
  [Op.GroupPull]: (im, caller, raw) => {
    const a = decode(groupPullArgs, raw);
    return pullGroup(im, caller, a.groupId, a.after, a.limit);
  },
  [Op.Groups]: (im, caller) => joinedGroups(im, caller.userId),
};

/** Op name → handler. A Map: op names come off the wire, and `__proto__` or `toString` must find nothing. */
export const CLIENT_OPS: ReadonlyMap<string, OpHandler> = new Map(Object.entries(HANDLERS));

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
