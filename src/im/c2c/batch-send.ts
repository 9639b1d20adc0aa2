/**
 * batchsendmsg: the same message to up to 500 receivers, each written independently; failures are
 * reported per receiver. No callbacks, before or after, no friend/blacklist checks (spec §3.2, §7.3).
 */
import { z } from 'zod';
import { offlinePushInfo } from '../../protocol/push.ts';
import { errors as catalogue, imError, isImError } from '../../protocol/errors.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { C2C_BODY_ERRORS, checkContent } from '../message-body.ts';
import { type SendC2CInput, buildC2CMessage, c2cRetention, deliverBothSides, senderHasInbox } from './send.ts';
import { originOf, senderOf } from '../caller.ts';
import { randomU32 } from '../ids.ts';
import { defineCommand } from '../command.ts';

export const MAX_BATCH_TARGETS = 500;
/** Receivers written at once; bounds the actors activated by one request. */
const CONCURRENCY = 32;

export interface BatchSendInput extends Omit<SendC2CInput, 'to' | 'forbidBeforeCallback' | 'forbidAfterCallback'> {
  readonly to: readonly string[];
}

export interface BatchSendOutput {
  readonly msgKey: string;
  readonly time: number;
  readonly errors: readonly { userId: string; code: number }[];
}

/**
 * `c2c.batchSend` (REST batchsendmsg), App admins only. The sender defaults to the caller; a
 * lifetime of 0 also keeps the message out of roaming history (unlike sendmsg). When every
 * receiver is unknown the whole call fails (ToAccountNotFound); otherwise failures are listed.
 */
export const batchSendCommand = defineCommand({
  name: 'c2c.batchSend',
  callers: ['admin'],
  owner: 'inbox',
  input: z.object({
    from: z.string().optional(),
    to: z.array(z.string()).min(1, { error: 'ToAccountInvalid' }),
    body: z.unknown(),
    cloudCustomData: z.string().optional(),
    random: z.number().default(randomU32),
    msgSeq: z.number().optional(),
    lifetimeS: z.number().optional(),
    senderSync: z.enum(['push', 'skip', 'store']).default('store'),
    noUnread: z.boolean().default(false),
    noLastMsg: z.boolean().default(false),
    needReadReceipt: z.boolean().default(false),
    offlinePush: offlinePushInfo('OfflinePushInfoInvalid').optional(),
  }),
  run: async (ctx, caller, i) => {
    const out = await batchSendC2C(ctx, caller, { ...i, from: senderOf(caller, i.from), roaming: i.lifetimeS !== 0 });
    if (out.errors.length === new Set(i.to).size) throw imError('ToAccountNotFound', { userId: out.errors.map((e) => e.userId).join(', ') });
    return out;
  },
});

async function batchSendC2C(ctx: ImContext, caller: Caller, input: BatchSendInput): Promise<BatchSendOutput> {
  if (input.to.length > MAX_BATCH_TARGETS) {
    throw imError('BatchTooManyTargets', { count: input.to.length, max: MAX_BATCH_TARGETS });
  }
  const body = checkContent(ctx, input.body, input.cloudCustomData, C2C_BODY_ERRORS);
  const senderSync = (await senderHasInbox(ctx, caller, input.from)) ? input.senderSync : 'skip';
  const retention = c2cRetention(ctx.limits, input.lifetimeS, input.roaming);
  const targets = [...new Set(input.to)];
  const senderProfile = ctx.senderProfiles.peek(input.from) ?? (await ctx.senderProfiles.load(input.from));
  const template = buildC2CMessage({ ...input, to: '', forbidAfterCallback: true }, ctx.now(), body, originOf(caller), senderProfile);
  const errors: { userId: string; code: number }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const to = targets[next++];
      try {
        await deliverBothSides(ctx, { ...template, to }, retention, senderSync);
      } catch (e) {
        if (!isImError(e)) ctx.log.error({ err: e, to }, 'batchsendmsg: delivery failed');
        errors.push({ userId: to, code: errorCodeFor(e) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
  return { msgKey: template.msgKey, time: template.time, errors };
}

/** Tencent reports an unknown receiver of batchsendmsg as 70107, other failures with their own code. */
function errorCodeFor(e: unknown): number {
  if (!isImError(e)) return catalogue.BatchTargetInternal.code;
  return e.errorName === 'ToAccountNotFound' ? catalogue.AccountNotFound.code : e.code;
}
