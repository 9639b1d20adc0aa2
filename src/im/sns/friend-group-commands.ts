/**
 * Friend groups (REST sns group_add, group_delete, group_get): at most 32 per user, a friend in
 * several. The names are kept with the owner; each friend's groups with the friendship
 * (Tag_SNS_IM_Group), so a group's members are found by reading the friend list page by page.
 */
import { z } from 'zod';
import { type FriendRecord, pairKey } from '../../../storage/store.ts';
import { platformOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { requireAccount } from './friend-add.ts';
import { type GroupView, decideGroupAdd, decideGroupDelete, groupViews } from './friend-groups.ts';
import { FRIEND_PAGE } from './friend-queries.ts';
import { type ItemResult, failed, ok, writeRelations, ownerOf } from './relation-writes.ts';
import type { SnsChange } from './sns-sequences.ts';

/** Every friend of `owner`, read a page at a time (at most 3,000). */
async function allFriends(ctx: ImContext, owner: string): Promise<FriendRecord[]> {
  const out: FriendRecord[] = [];
  for (let offset = 0; ; offset += FRIEND_PAGE) {
    const page = await ctx.store.relations.listFriends(owner, offset, FRIEND_PAGE);
    out.push(...page);
    if (page.length < FRIEND_PAGE) return out;
  }
}

export const friendGroupAddCommand = defineCommand({
  name: 'sns.groupAdd',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), names: z.array(z.string()), to: z.array(z.string()).optional() }),
  run: async (ctx, caller, { from: named, names, to }): Promise<{ sequence: number; items?: ItemResult[] }> => {
    const from = ownerOf(caller, named);
    await requireAccount(ctx, from);
    const r = ctx.store.relations;
    const [groups, links] = await Promise.all([r.friendGroups(from), r.friendsAmong((to ?? []).map((b) => ({ owner: from, friend: b })))]);
    const outcome = decideGroupAdd({ owner: from, groups, names, to: (to ?? []).map((account) => ({ account, isFriend: links.has(pairKey(from, account)) })) });
    const putFriends = outcome.joins.flatMap((j) => {
      const f = links.get(pairKey(from, j.friend));
      return f ? [{ ...f, groups: [...new Set([...f.groups, ...j.groups])] }] : [];
    });
    const parts: SnsChange[] = ['groups', ...(putFriends.length > 0 ? (['friendStandard'] as const) : [])];
    const written = await writeRelations(ctx, from, { friendGroups: [{ owner: from, names: [...outcome.groups] }], putFriends }, new Map([[from, parts]]), {
      action: 'groups.changed', operator: caller.userId, user: from, pairs: putFriends.map((f) => ({ from, to: f.friend })), platform: platformOf(caller),
    });
    const sequence = written.get(from)?.groups ?? 0;
    return to ? { sequence, items: outcome.items.map((i) => (i.error ? failed(i.to, i.error) : ok(i.to))) } : { sequence };
  },
});

export const friendGroupDeleteCommand = defineCommand({
  name: 'sns.groupDelete',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), names: z.array(z.string()) }),
  run: async (ctx, caller, { from: named, names }): Promise<{ sequence: number }> => {
    const from = ownerOf(caller, named);
    await requireAccount(ctx, from);
    const outcome = decideGroupDelete(from, await ctx.store.relations.friendGroups(from), names);
    const putFriends = (await allFriends(ctx, from)).filter((f) => f.groups.some((g) => outcome.deleted.includes(g))).map((f) => ({ ...f, groups: f.groups.filter((g) => !outcome.deleted.includes(g)) }));
    const parts: SnsChange[] = ['groups', ...(putFriends.length > 0 ? (['friendStandard'] as const) : [])];
    const written = await writeRelations(ctx, from, { friendGroups: [{ owner: from, names: outcome.groups }], putFriends }, new Map([[from, parts]]), {
      action: 'groups.changed', operator: caller.userId, user: from, pairs: putFriends.map((f) => ({ from, to: f.friend })), platform: platformOf(caller),
    });
    return { sequence: written.get(from)?.groups ?? 0 };
  },
});

export const friendGroupGetCommand = defineCommand({
  name: 'sns.groupGet',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ from: z.string().optional(), names: z.array(z.string()).optional(), needFriend: z.boolean() }),
  run: async (ctx, caller, { from: named, names, needFriend }): Promise<{ groups: GroupView[]; sequence: number }> => {
    const from = ownerOf(caller, named);
    await requireAccount(ctx, from);
    const [groups, friends, seqs] = await Promise.all([ctx.store.relations.friendGroups(from), allFriends(ctx, from), ctx.store.relations.relationSequences(from)]);
    const membership = new Map(friends.map((f) => [f.friend, f.groups]));
    return { groups: groupViews(groups, membership, names, needFriend), sequence: seqs.groups };
  },
});
