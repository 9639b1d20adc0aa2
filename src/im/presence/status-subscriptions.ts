/**
 * Following users' online status beyond mutual friends (Tencent's subscribeUserStatus and
 * unsubscribeUserStatus): a user subscribes to up to `limits.statusSubscriptionsMax` others, the
 * oldest subscriptions giving way beyond it, and each of those users' status changes reaches the
 * subscriber's devices live (presence/announce-status.ts). Subscriptions are kept in the store, so
 * they hold across the subscriber's logins and whichever node runs the followed user's inbox.
 */
import { z } from 'zod';
import { errors as catalogue } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { type StatusAnswer, statusesOf } from './query-status.ts';

const DEFAULT_MAX = 200;

export const subscribeStatusCommand = defineCommand({
  name: 'state.subscribe',
  callers: ['user'],
  owner: 'store',
  input: z.object({ userIds: z.array(z.string()).min(1).max(100) }),
  run: async (ctx, caller, { userIds }): Promise<StatusAnswer> => {
    const others = userIds.filter((id) => id !== caller.userId);
    const answer = others.length > 0 ? await statusesOf(ctx, others, false) : { statuses: [], errors: [] };
    const subs = ctx.store.statusSubscriptions;
    await subs.subscribe(caller.userId, answer.statuses.map((s) => s.userId), ctx.now());
    // Two subscribes racing may both pass the limit for a moment; the next one trims again.
    const all = await subs.subscriptionsOf(caller.userId);
    const over = all.length - (ctx.limits.statusSubscriptionsMax ?? DEFAULT_MAX);
    if (over > 0) await subs.unsubscribe(caller.userId, all.slice(0, over).map((s) => s.target));
    const self = others.length < userIds.length ? [{ userId: caller.userId, code: catalogue.ClientBadRequest.code }] : [];
    return { statuses: answer.statuses, errors: [...answer.errors, ...self] };
  },
});

export const unsubscribeStatusCommand = defineCommand({
  name: 'state.unsubscribe',
  callers: ['user'],
  owner: 'store',
  input: z.object({ userIds: z.array(z.string()).max(100).optional() }),
  run: async (ctx, caller, { userIds }): Promise<void> => {
    const subs = ctx.store.statusSubscriptions;
    const targets = userIds && userIds.length > 0 ? userIds : (await subs.subscriptionsOf(caller.userId)).map((s) => s.target);
    await subs.unsubscribe(caller.userId, targets);
  },
});
