/**
 * Pending friend requests from the client (Tencent's SDK getFriendApplicationList,
 * acceptFriendApplication, refuseFriendApplication; Tencent has no REST for them): the caller's
 * requests, sent and received, paged from the store; and the answers of the peer by the rules of
 * friend-responses.ts, each one store write with its event and notices.
 */
import { z } from 'zod';
import { pairKey } from '../../../storage/store.ts';
import type { FriendRequestsResult } from '../../protocol/client-ops.ts';
import { type ImError, imError } from '../../protocol/errors.ts';
import { type Caller, platformOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { type FriendResponseItem, decideFriendResponse } from './friend-responses.ts';
import { type ItemResult, failed, friendRecord, ok, perItem, touch, writeRelations } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

/** Most requests one page holds. */
export const MAX_REQUESTS_PAGE = 100;

export const friendRequestsCommand = defineCommand({
  name: 'sns.friendRequests',
  callers: ['user'],
  owner: 'store',
  input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).default(MAX_REQUESTS_PAGE).transform((n) => Math.min(n, MAX_REQUESTS_PAGE)) }),
  run: async (ctx, caller, { offset, limit }): Promise<FriendRequestsResult> => {
    const r = ctx.store.relations;
    const [page, counts] = await Promise.all([r.listRequests(caller.userId, offset, limit), r.requestCounts(caller.userId)]);
    const end = offset + page.length;
    return {
      requests: page.map((q) => ({ from: q.from, to: q.to, addSource: q.addSource, addWording: q.addWording, remark: q.remark, groupName: q.groupName, time: q.time, sent: q.from === caller.userId })),
      sent: counts.sent,
      received: counts.received,
      unread: counts.unread,
      next: page.length > 0 && end < counts.sent + counts.received ? end : 0,
    };
  },
});

const responseItem = z.object({ to: z.string(), action: z.enum(['Response_Action_Agree', 'Response_Action_AgreeAndAdd', 'Response_Action_Reject']), remark: z.string().optional(), tagName: z.string().optional() });

export const friendRespondCommand = defineCommand({
  name: 'sns.friendRespond',
  callers: ['user'],
  owner: 'store',
  input: z.object({ items: z.array(responseItem) }),
  run: async (ctx, caller, { items }): Promise<ItemResult[]> => {
    if (items.length === 0 || items.length > MAX_REQUESTS_PAGE) throw imError('SnsInvalidParam', { detail: `answer 1 to ${MAX_REQUESTS_PAGE} requests at a time` });
    const results: ItemResult[] = [];
    for (const item of items) results.push(await perItem(item.to, () => respondOne(ctx, caller, item)));
    return results;
  },
});

/** Sns.CallbackPrevFriendResponse for an answer the rules let through; the app server's error, if it refuses. */
async function askApp(ctx: ImContext, caller: Caller, item: FriendResponseItem): Promise<ImError | undefined> {
  const d = await ctx.hooks.beforeFriendResponse({ caller, items: [{ to: item.to, action: item.action, remark: item.remark ?? '', tagName: item.tagName ?? '' }] });
  if (d.action === 'reject') return d.error;
  return 'refused' in d ? d.refused.get(item.to) : undefined;
}

/** The responder B (the caller) answers A's (`item.to`) request. */
async function respondOne(ctx: ImContext, caller: Caller, item: FriendResponseItem): Promise<ItemResult> {
  const b = caller.userId;
  const a = item.to;
  const r = ctx.store.relations;
  const [requests, links, aCount, bCount, aGroups, bGroups] = await Promise.all([
    r.requestsAmong([{ from: a, to: b }, { from: b, to: a }]),
    r.friendsAmong([{ owner: a, friend: b }, { owner: b, friend: a }]),
    r.friendCount(a),
    r.friendCount(b),
    r.friendGroups(a),
    r.friendGroups(b),
  ]);
  const req = requests.get(pairKey(a, b));
  const outcome = decideFriendResponse({
    responder: b,
    item,
    state: {
      request: req && { from: req.from, to: req.to, addType: req.addType, remark: req.remark, addSource: req.addSource, addWording: req.addWording, ...(req.groupName ? { groupName: req.groupName } : {}) },
      requesterHasResponder: links.has(pairKey(a, b)),
      responderHasRequester: links.has(pairKey(b, a)),
      requesterFriendCount: aCount,
      responderFriendCount: bCount,
      requesterGroups: aGroups,
      responderGroups: bGroups,
      pendingResponderToRequester: requests.has(pairKey(b, a)),
    },
  });
  if (outcome.kind === 'refused') return failed(a, outcome.error);
  const veto = await askApp(ctx, caller, item);
  if (veto) return failed(a, veto);
  const who = { operator: b, user: b, platform: platformOf(caller) };
  if (outcome.kind === 'rejected') {
    await writeRelations(ctx, b, { removeRequests: outcome.dropPending }, new Map(), { action: 'friend.request_dropped', ...who, pairs: outcome.dropPending.map((p) => ({ from: p.from, to: p.to })) });
    return ok(a);
  }
  const now = ctx.now();
  const changed = new Map<string, SnsChange[]>();
  for (const l of outcome.links) touch(changed, l.owner, 'friendList');
  const groupsOf = new Map([[a, aGroups], [b, bGroups]]);
  const friendGroups = [...new Set(outcome.createsGroups.map((g) => g.owner))].map((owner) => {
    touch(changed, owner, 'groups');
    return { owner, names: [...(groupsOf.get(owner) ?? []), ...outcome.createsGroups.filter((g) => g.owner === owner).map((g) => g.name)] };
  });
  const change = { putFriends: outcome.links.map((l) => friendRecord(l, now)), removeRequests: outcome.dropPending, friendGroups };
  await writeRelations(ctx, b, change, changed, { action: 'friend.added', ...who, pairs: outcome.links.map((l) => ({ from: l.owner, to: l.friend })), response: true, initiator: a });
  return ok(a);
}

/** `friend.requestsRead` (Tencent's setFriendApplicationRead): the received requests made until now are read. */
export const readFriendRequestsCommand = defineCommand({
  name: 'sns.friendRequestsRead',
  callers: ['user'],
  owner: 'store',
  input: z.object({}),
  run: async (ctx, caller): Promise<void> => {
    await ctx.store.relations.markRequestsRead(caller.userId, ctx.now());
  },
});

/**
 * `friend.deleteRequests` (Tencent's deleteFriendApplication): pending requests leave both users'
 * lists unanswered — the one received from each `userId`, or the one sent to it; 30614 for none.
 */
export const deleteFriendRequestsCommand = defineCommand({
  name: 'sns.friendRequestsDelete',
  callers: ['user'],
  owner: 'store',
  input: z.object({ items: z.array(z.object({ userId: z.string(), type: z.enum(['received', 'sent']) })) }),
  run: async (ctx, caller, { items }): Promise<ItemResult[]> => {
    if (items.length === 0 || items.length > MAX_REQUESTS_PAGE) throw imError('SnsInvalidParam', { detail: `delete 1 to ${MAX_REQUESTS_PAGE} requests at a time` });
    const me = caller.userId;
    const pairs = items.map((i) => (i.type === 'received' ? { from: i.userId, to: me } : { from: me, to: i.userId }));
    const pending = await ctx.store.relations.requestsAmong(pairs);
    const gone = pairs.filter((p, i) => pending.has(pairKey(p.from, p.to)) && pairs.findIndex((q) => q.from === p.from && q.to === p.to) === i);
    if (gone.length > 0) {
      await writeRelations(ctx, me, { removeRequests: gone }, new Map(), { action: 'friend.request_dropped', operator: me, user: me, platform: platformOf(caller), pairs: gone });
    }
    return items.map((i, n) => (pending.has(pairKey(pairs[n].from, pairs[n].to)) ? ok(i.userId) : failed(i.userId, imError('SnsPendingNotFound', { userId: pairs[n].from, peer: pairs[n].to }))));
  },
});

