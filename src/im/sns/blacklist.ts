/**
 * The blacklist (REST black_list_add, black_list_delete, black_list_get, black_list_check): the rules
 * of blacklist-rules.ts over point reads; adding ends the friendships and pending requests between
 * the two in the same store write.
 */
import { z } from 'zod';
import { pairKey } from '../../../storage/store.ts';
import { imError } from '../../protocol/errors.ts';
import { type Caller, platformOf } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { defineCommand } from '../command.ts';
import { type BlackRelation, checkBlackRelation, decideBlacklistAdd, decideBlacklistDelete } from './blacklist-rules.ts';
import { requireAccount } from './friend-add.ts';
import { MAX_CHECK_ACCOUNTS } from './friend-queries.ts';
import { type ItemResult, failed, ok, touch, writeRelations, ownerOf } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

const targets = z.object({ from: z.string().optional(), to: z.array(z.string()) });

/** Whose blacklist a call is about (ownerOf), once the targets are 1 to MAX_CHECK_ACCOUNTS and the owner exists. */
async function blacklistOwner(ctx: ImContext, caller: Caller, named: string | undefined, to: readonly string[]): Promise<string> {
  const from = ownerOf(caller, named);
  if (to.length === 0 || to.length > MAX_CHECK_ACCOUNTS) throw imError('SnsInvalidParam', { detail: `To_Account must hold 1 to ${MAX_CHECK_ACCOUNTS} accounts` });
  await requireAccount(ctx, from);
  return from;
}

export const blacklistAddCommand = defineCommand({
  name: 'sns.blacklistAdd',
  callers: ['admin', 'user'],
  owner: 'store',
  input: targets,
  run: async (ctx, caller, { from: named, to }): Promise<ItemResult[]> => {
    const from = await blacklistOwner(ctx, caller, named, to);
    const r = ctx.store.relations;
    const missing = new Set(await ctx.accounts.missing(to));
    const known = to.filter((b) => !missing.has(b));
    const [listed, links, requests, size] = await Promise.all([
      r.blacklistedAmong(known.map((b) => ({ owner: from, target: b }))),
      r.friendsAmong(known.flatMap((b) => [{ owner: from, friend: b }, { owner: b, friend: from }])),
      r.requestsAmong(known.flatMap((b) => [{ from, to: b }, { from: b, to: from }])),
      r.blacklistCount(from),
    ]);
    const outcome = decideBlacklistAdd(
      from,
      size,
      known.map((b) => ({
        to: b,
        listed: listed.has(pairKey(from, b)),
        aHasB: links.has(pairKey(from, b)),
        bHasA: links.has(pairKey(b, from)),
        pendingAToB: requests.has(pairKey(from, b)),
        pendingBToA: requests.has(pairKey(b, from)),
      })),
    );
    if (outcome.added.length > 0) {
      const now = ctx.now();
      const changed = new Map<string, SnsChange[]>();
      touch(changed, from, 'blacklist');
      for (const l of outcome.unlink) touch(changed, l.owner, 'friendList');
      const change = { putBlacklist: outcome.added.map((target) => ({ owner: from, target, time: now })), removeFriends: outcome.unlink, removeRequests: outcome.dropPending };
      await writeRelations(ctx, from, change, changed, { action: 'blacklist.added', operator: caller.userId, user: from, pairs: outcome.added.map((b) => ({ from, to: b })), platform: platformOf(caller) });
    }
    // outcome.items follow `known`, the request's order without the unknown accounts.
    let next = 0;
    return to.map((b) => {
      if (missing.has(b)) return failed(b, imError('SnsAccountNotFound', { userId: b }));
      const item = outcome.items[next++];
      return item?.error ? failed(b, item.error) : ok(b);
    });
  },
});

export const blacklistDeleteCommand = defineCommand({
  name: 'sns.blacklistDelete',
  callers: ['admin', 'user'],
  owner: 'store',
  input: targets,
  run: async (ctx, caller, { from: named, to }): Promise<ItemResult[]> => {
    const from = await blacklistOwner(ctx, caller, named, to);
    const listed = await ctx.store.relations.blacklistedAmong(to.map((b) => ({ owner: from, target: b })));
    const outcome = decideBlacklistDelete(from, to.map((b) => ({ to: b, listed: listed.has(pairKey(from, b)) })));
    if (outcome.removed.length > 0) {
      const changed = new Map<string, SnsChange[]>([[from, ['blacklist']]]);
      const change = { removeBlacklist: outcome.removed.map((target) => ({ owner: from, target })) };
      await writeRelations(ctx, from, change, changed, { action: 'blacklist.deleted', operator: caller.userId, user: from, pairs: outcome.removed.map((b) => ({ from, to: b })), platform: platformOf(caller) });
    }
    return outcome.items.map((i) => (i.error ? failed(i.to, i.error) : ok(i.to)));
  },
});

export interface BlacklistPage {
  readonly entries: readonly { readonly to: string; readonly time: number }[];
  /** Where the next page starts; 0 when this was the last. */
  readonly next: number;
  readonly sequence: number;
}

export const blacklistGetCommand = defineCommand({
  name: 'sns.blacklistGet',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), startIndex: z.number().int().min(0), maxLimited: z.number().int().min(1) }),
  run: async (ctx, caller, { from: named, startIndex, maxLimited }): Promise<BlacklistPage> => {
    const from = ownerOf(caller, named);
    await requireAccount(ctx, from);
    const r = ctx.store.relations;
    const limit = Math.min(maxLimited, MAX_CHECK_ACCOUNTS);
    const [page, count, seqs] = await Promise.all([r.listBlacklist(from, startIndex, limit), r.blacklistCount(from), r.relationSequences(from)]);
    const end = startIndex + page.length;
    return { entries: page.map((b) => ({ to: b.target, time: b.time })), next: end < count ? end : 0, sequence: seqs.blacklist };
  },
});

export const blacklistCheckCommand = defineCommand({
  name: 'sns.blacklistCheck',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), to: z.array(z.string()), checkType: z.enum(['BlackCheckResult_Type_Single', 'BlackCheckResult_Type_Both']) }),
  run: async (ctx, caller, { from: named, to, checkType }): Promise<{ to: string; relation: BlackRelation }[]> => {
    const from = await blacklistOwner(ctx, caller, named, to);
    const listed = await ctx.store.relations.blacklistedAmong(to.flatMap((b) => [{ owner: from, target: b }, { owner: b, target: from }]));
    return to.map((b) => ({ to: b, relation: checkBlackRelation(listed.has(pairKey(from, b)), listed.has(pairKey(b, from)), checkType) }));
  },
});
