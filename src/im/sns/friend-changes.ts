/**
 * Changing and ending friendships (REST friend_update, friend_delete, friend_delete_all). Every
 * change is one store write with the owners' sequences and its `relation.changed` event.
 */
import { z } from 'zod';
import { type FriendKey, type FriendRecord, pairKey } from '../../../storage/store.ts';
import { imError } from '../../protocol/errors.ts';
import { type Caller, platformOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { requireAccount } from './friend-add.ts';
import { checkRemark, snsInvalid } from './friend-fields.ts';
import { setFriendGroups } from './friend-groups.ts';
import { decideFriendDelete } from './friend-rules.ts';
import { FRIEND_PAGE, MAX_CHECK_ACCOUNTS } from './friend-queries.ts';
import { type ItemResult, failed, ok, perItem, touch, writeRelations, ownerOf } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

const actorOf = (caller: Caller, from: string) => ({ operator: caller.userId, user: from, platform: platformOf(caller) });

export const friendDeleteCommand = defineCommand({
  name: 'sns.friendDelete',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), to: z.array(z.string()), deleteType: z.enum(['Delete_Type_Single', 'Delete_Type_Both']).default('Delete_Type_Single') }),
  run: async (ctx, caller, { from: named, to, deleteType }): Promise<ItemResult[]> => {
    const from = ownerOf(caller, named);
    if (to.length === 0 || to.length > MAX_CHECK_ACCOUNTS) throw imError('SnsInvalidParam', { detail: `To_Account must hold 1 to ${MAX_CHECK_ACCOUNTS} accounts` });
    await requireAccount(ctx, from);
    const links = await ctx.store.relations.friendsAmong(to.flatMap((b) => [{ owner: from, friend: b }, { owner: b, friend: from }]));
    const gone: FriendKey[] = [];
    const results = to.map((b) => {
      const outcome = decideFriendDelete({ from, to: b, aHasB: links.has(pairKey(from, b)), bHasA: links.has(pairKey(b, from)), deleteType });
      if (outcome.kind === 'refused') return failed(b, outcome.error);
      for (const l of outcome.links) if (!gone.some((g) => g.owner === l.owner && g.friend === l.friend)) gone.push(l);
      return ok(b);
    });
    await removeLinks(ctx, caller, from, gone);
    return results;
  },
});

export const friendDeleteAllCommand = defineCommand({
  name: 'sns.friendDeleteAll',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), deleteType: z.enum(['Delete_Type_Single', 'Delete_Type_Both']).default('Delete_Type_Single') }),
  run: async (ctx, caller, { from: named, deleteType }): Promise<void> => {
    const from = ownerOf(caller, named);
    await requireAccount(ctx, from);
    await deleteAllFriends(ctx, caller, from, deleteType);
  },
});

/** Empties `from`'s friend list a page at a time (and, for Both, removes `from` from each friend's). */
export async function deleteAllFriends(ctx: ImContext, caller: Caller, from: string, deleteType: 'Delete_Type_Single' | 'Delete_Type_Both'): Promise<void> {
  // Page from the start each time: every page removed shortens the list.
  for (;;) {
    const page = await ctx.store.relations.listFriends(from, 0, FRIEND_PAGE);
    if (page.length === 0) return;
    const gone: FriendKey[] = page.map((f) => ({ owner: from, friend: f.friend }));
    if (deleteType === 'Delete_Type_Both') {
      const back = await ctx.store.relations.friendsAmong(page.map((f) => ({ owner: f.friend, friend: from })));
      for (const f of back.values()) gone.push({ owner: f.owner, friend: from });
    }
    await removeLinks(ctx, caller, from, gone);
  }
}

async function removeLinks(ctx: ImContext, caller: Caller, from: string, gone: readonly FriendKey[]): Promise<void> {
  if (gone.length === 0) return;
  const changed = new Map<string, SnsChange[]>();
  for (const l of gone) touch(changed, l.owner, 'friendList');
  await writeRelations(ctx, from, { removeFriends: gone }, changed, { action: 'friend.deleted', ...actorOf(caller, from), pairs: gone.map((l) => ({ from: l.owner, to: l.friend })) });
}

/** Tags friend_update changes (spec §3.4). */
const REMARK = 'Tag_SNS_IM_Remark';
const GROUP = 'Tag_SNS_IM_Group';
const CUSTOM = /^Tag_SNS_Custom_[A-Za-z]{1,8}$/;

const updateItem = z.object({ to: z.string(), items: z.array(z.object({ tag: z.string(), value: z.unknown() })) });

export const friendUpdateCommand = defineCommand({
  name: 'sns.friendUpdate',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), items: z.array(updateItem) }),
  run: async (ctx, caller, { from: named, items }): Promise<ItemResult[]> => {
    const from = ownerOf(caller, named);
    if (items.length === 0 || items.length > MAX_CHECK_ACCOUNTS) throw imError('SnsInvalidParam', { detail: `UpdateItem must hold 1 to ${MAX_CHECK_ACCOUNTS} items` });
    await requireAccount(ctx, from);
    const results: ItemResult[] = [];
    for (const item of items) results.push(await perItem(item.to, () => updateOne(ctx, caller, from, item)));
    return results;
  },
});

async function updateOne(ctx: ImContext, caller: Caller, from: string, item: z.output<typeof updateItem>): Promise<ItemResult> {
  const r = ctx.store.relations;
  const [links, current] = await Promise.all([r.friendsAmong([{ owner: from, friend: item.to }]), r.friendGroups(from)]);
  const f = links.get(pairKey(from, item.to));
  if (!f) return failed(item.to, imError('SnsNotFriend', { userId: from, peer: item.to }));
  if (item.items.length === 0) return failed(item.to, snsInvalid('SnsItem is empty'));
  let next: FriendRecord = f;
  let groups = current;
  const parts = new Set<SnsChange>();
  for (const { tag, value } of item.items) {
    if (tag === REMARK) {
      if (typeof value !== 'string') return failed(item.to, snsInvalid(`${REMARK} must be a string`));
      const bad = checkRemark(value);
      if (bad) return failed(item.to, bad);
      next = { ...next, remark: value };
      parts.add('friendStandard');
    } else if (tag === GROUP) {
      if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) return failed(item.to, snsInvalid(`${GROUP} must be a list of names`));
      const set = setFriendGroups(from, groups, value);
      next = { ...next, groups: set.friendGroups };
      if (set.created.length > 0) parts.add('groups');
      groups = set.groups;
      parts.add('friendStandard');
    } else if (CUSTOM.test(tag)) {
      if (typeof value !== 'string' && typeof value !== 'number') return failed(item.to, snsInvalid(`${tag} must be a string or an integer`));
      next = { ...next, custom: { ...next.custom, [tag]: value } };
      parts.add('friendCustom');
    } else {
      return failed(item.to, snsInvalid(`${tag} cannot be updated (only ${REMARK}, ${GROUP} and Tag_SNS_Custom_* tags)`));
    }
  }
  const changed = new Map<string, SnsChange[]>([[from, [...parts]]]);
  const friendGroups = groups !== current ? [{ owner: from, names: groups }] : [];
  await writeRelations(ctx, from, { putFriends: [next], friendGroups }, changed, { action: 'friend.updated', ...actorOf(caller, from), pairs: [{ from, to: item.to }] });
  return ok(item.to);
}
