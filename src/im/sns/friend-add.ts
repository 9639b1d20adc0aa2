/**
 * `sns.friendAdd` (REST friend_add): adds friends by the rules of friend-rules.ts, item by item —
 * each item read from the store (the two directions, blacklists, counts, the peer's AllowType) and
 * written on its own, so a refused item writes nothing and the next item sees the earlier ones.
 * ForceAddFlags is the App admin's. REST adds call no before-callback (Tencent: only client
 * requests do) but report Sns.CallbackFriendAdd, through the `relation.changed` event.
 */
import { z } from 'zod';
import { pairKey } from '../../../storage/store.ts';
import { type ImError, imError } from '../../protocol/errors.ts';
import { type Caller, platformOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { loadProfiles } from '../profiles/load-profiles.ts';
import { adminForbidsFriendRequests, allowTypeOf } from '../profiles/profile-tags.ts';
import type { AddFriendItem } from './friend-fields.ts';
import { type AddType, type FriendAddState, decideFriendAdd } from './friend-rules.ts';
import { type ItemResult, failed, friendRecord, ok, perItem, touch, writeRelations, ownerOf } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

/** Most AddFriendItem entries one friend_add takes (Tencent states none; friend_import's is 1000). */
export const MAX_ADD_ITEMS = 100;

const itemInput = z.object({ to: z.string(), remark: z.string().optional(), groupName: z.string().optional(), addSource: z.string(), addWording: z.string().optional() });

export const friendAddCommand = defineCommand({
  name: 'sns.friendAdd',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), items: z.array(itemInput), addType: z.enum(['Add_Type_Single', 'Add_Type_Both']).default('Add_Type_Both'), force: z.boolean().default(false) }),
  run: async (ctx, caller, { from: named, items, addType, force }): Promise<ItemResult[]> => {
    const from = ownerOf(caller, named);
    if (items.length === 0) throw imError('SnsInvalidParam', { detail: 'AddFriendItem is empty' });
    if (items.length > MAX_ADD_ITEMS) throw imError('SnsInvalidParam', { detail: `AddFriendItem holds ${items.length} items, at most ${MAX_ADD_ITEMS} are allowed` });
    await requireAccount(ctx, from);
    const results: ItemResult[] = [];
    // ForceAddFlags is the App admin's alone.
    for (const item of items) results.push(await perItem(item.to, () => addOne(ctx, caller, from, item, addType, force && caller.kind === 'admin')));
    return results;
  },
});

/** From_Account must exist (30003). */
export async function requireAccount(ctx: ImContext, userId: string): Promise<void> {
  if ((await ctx.accounts.missing([userId])).length > 0) throw imError('SnsAccountNotFound', { userId });
}

async function addOne(ctx: ImContext, caller: Caller, from: string, item: AddFriendItem, addType: AddType, force: boolean): Promise<ItemResult> {
  const to = item.to;
  const profiles = await loadProfiles(ctx, [from, to]);
  const peer = profiles.get(to);
  if (!peer) return failed(to, imError('SnsAccountNotFound', { userId: to }));
  const state = await addState(ctx, from, to, profiles.get(from) ?? new Map(), peer);
  const outcome = decideFriendAdd({ from, item, addType, force, state });
  if (outcome.kind === 'refused') return failed(to, outcome.error);
  const veto = caller.kind === 'user' ? await askApp(ctx, caller, item, addType) : undefined;
  if (veto) return failed(to, veto);
  const now = ctx.now();
  const operator = { operator: caller.userId, user: from, platform: platformOf(caller) };
  const changed = new Map<string, SnsChange[]>();
  if (outcome.kind === 'pending') {
    const r = outcome.request;
    const request = { from: r.from, to: r.to, addType: r.addType, remark: r.remark, groupName: r.groupName ?? '', addSource: r.addSource, addWording: r.addWording, time: now };
    await writeRelations(ctx, from, { putRequests: [request] }, changed, { action: 'friend.requested', ...operator, pairs: [{ from, to }] });
    return failed(to, outcome.result);
  }
  for (const l of outcome.links) touch(changed, l.owner, 'friendList');
  const groups = outcome.createsGroups.length > 0 ? [{ owner: from, names: [...state.aGroups, ...outcome.createsGroups.map((g) => g.name)] }] : [];
  for (const g of groups) touch(changed, g.owner, 'groups');
  const change = { putFriends: outcome.links.map((l) => friendRecord(l, now)), removeRequests: outcome.dropPending, friendGroups: groups };
  await writeRelations(ctx, from, change, changed, { action: 'friend.added', ...operator, pairs: outcome.links.map((l) => ({ from: l.owner, to: l.friend })), force });
  return ok(to);
}

/** Sns.CallbackPrevFriendAdd for a client's request the rules let through (REST adds ask nothing, as Tencent's); the app server's error, if it refuses. */
async function askApp(ctx: ImContext, caller: Caller, item: AddFriendItem, addType: AddType): Promise<ImError | undefined> {
  const fields = { to: item.to, remark: item.remark ?? '', groupName: item.groupName ?? '', addSource: item.addSource, addWording: item.addWording ?? '' };
  const d = await ctx.hooks.beforeFriendAdd({ caller, items: [fields], addType });
  if (d.action === 'reject') return d.error;
  return 'refused' in d ? d.refused.get(item.to) : undefined;
}

/** What decideFriendAdd reads of A (`from`) and B (`to`). */
async function addState(ctx: ImContext, from: string, to: string, a: ReadonlyMap<string, string | number>, b: ReadonlyMap<string, string | number>): Promise<FriendAddState> {
  const r = ctx.store.relations;
  const [links, black, requests, aCount, bCount, aGroups, aReq, bReq] = await Promise.all([
    r.friendsAmong([{ owner: from, friend: to }, { owner: to, friend: from }]),
    r.blacklistedAmong([{ owner: from, target: to }, { owner: to, target: from }]),
    r.requestsAmong([{ from, to }, { from: to, to: from }]),
    r.friendCount(from),
    r.friendCount(to),
    r.friendGroups(from),
    r.requestCounts(from),
    r.requestCounts(to),
  ]);
  return {
    aHasB: links.has(pairKey(from, to)),
    bHasA: links.has(pairKey(to, from)),
    aFriendCount: aCount,
    bFriendCount: bCount,
    aBlacklistsB: black.has(pairKey(from, to)),
    bBlacklistsA: black.has(pairKey(to, from)),
    bAllowType: allowTypeOf(b),
    aForbidden: adminForbidsFriendRequests(a),
    aGroups,
    aPendingOut: aReq.sent,
    bPendingIn: bReq.received,
    pendingAToB: requests.has(pairKey(from, to)),
    pendingBToA: requests.has(pairKey(to, from)),
  };
}
