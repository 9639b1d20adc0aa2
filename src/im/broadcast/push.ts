/**
 * `broadcast.push` (REST all_member_push im_push, spec §3.7): one message to every user, or to the
 * users matching tag or attribute conditions. Checked here (sender, body, lifetime, condition),
 * then stored once in `b:all` by the broadcast actor, which keeps the quota; the answer is the
 * TaskId at once, and the delivery job runs from the stored push's event.
 *
 * Who receives it: accounts (every Parley account was imported or logged in), online ones live as
 * the job finds them, offline ones when their devices next sync within MsgLifeTime (0, the default:
 * online users only). Targets are matched by their tags and attributes at delivery.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { offlinePushInfo } from '../../protocol/push.ts';
import type { BroadcastPushResult } from '../actor-api.ts';
import { senderOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import { randomU32 } from '../ids.ts';
import { C2C_BODY_ERRORS, checkContent } from '../message-body.ts';
import { MAX_LIFETIME_S } from '../c2c/send.ts';
import { resolveCondition } from './condition.ts';

const tags = z.array(z.string()).optional();
const attrs = z.record(z.string(), z.string()).optional();

export const broadcastPushCommand = defineCommand({
  name: 'broadcast.push',
  callers: ['admin'],
  owner: 'broadcast',
  input: z.object({
    from: z.string().optional(),
    random: z.number().default(randomU32),
    body: z.unknown(),
    /** Seconds; 0 (the default) = online users only. */
    lifetimeS: z.number().default(0),
    condition: z.object({ tagsOr: tags, tagsAnd: tags, attrsOr: attrs, attrsAnd: attrs }).optional(),
    offlinePush: offlinePushInfo('OfflinePushInfoInvalid').optional(),
  }),
  run: async (ctx, caller, i): Promise<BroadcastPushResult> => {
    const from = senderOf(caller, i.from);
    if (!ctx.identity.admins.has(from) && !(await ctx.accounts.exists(from))) throw imError('FromAccountNotFound', { userId: from });
    if (i.lifetimeS > MAX_LIFETIME_S) throw imError('PushLifeTimeTooLong', { seconds: i.lifetimeS });
    const body = checkContent(ctx, i.body, undefined, C2C_BODY_ERRORS);
    const condition = resolveCondition(i.condition, i.condition?.attrsOr || i.condition?.attrsAnd ? await ctx.store.pushTargets.attrNames() : new Map());
    const senderProfile = ctx.senderProfiles.peek(from) ?? (await ctx.senderProfiles.load(from));
    return ctx.actors.broadcast().call({
      op: 'push',
      spec: {
        from,
        random: i.random,
        body,
        lifetimeS: Math.min(i.lifetimeS, ctx.limits.offlineRetentionS),
        ...(condition ? { condition } : {}),
        ...(i.offlinePush ? { offlinePush: i.offlinePush } : {}),
        senderProfile,
      },
    });
  },
});
