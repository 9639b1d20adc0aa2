/**
 * `pushTargets.*Tag*` (REST all_member_push im_add_tag, im_get_tag, im_remove_tag,
 * im_remove_all_tags; spec §3.7): free-form tags on users, which im_push conditions match.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { PUSH_TARGET_LIMITS, checkAccounts, checkTag } from './rules.ts';

const userTags = z.array(z.object({ userId: z.string(), tags: z.array(z.string()) }));

/** The tag lists of a request, each user's merged when the user is named twice. */
function byUser(items: readonly { userId: string; tags: readonly string[] }[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const i of items) {
    const tags = out.get(i.userId) ?? new Set<string>();
    for (const t of i.tags) tags.add(t);
    out.set(i.userId, tags);
  }
  return out;
}

export const addTagsCommand = defineCommand({
  name: 'pushTargets.addTags',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ items: userTags }),
  run: async (ctx, _caller, { items }): Promise<void> => {
    checkAccounts('UserTags', items.length);
    const adds = byUser(items);
    for (const [userId, tags] of adds) {
      if (tags.size > PUSH_TARGET_LIMITS.tagsPerRequest) throw imError('PushTooManyTags', { detail: `${tags.size} tags for ${userId} in one request, at most ${PUSH_TARGET_LIMITS.tagsPerRequest}` });
      for (const t of tags) checkTag(t);
    }
    const held = await ctx.store.pushTargets.tagsOf([...adds.keys()]);
    for (const [userId, tags] of adds) {
      const total = new Set([...(held.get(userId) ?? []), ...tags]).size;
      if (total > PUSH_TARGET_LIMITS.tagsPerUser) throw imError('PushTooManyTags', { detail: `${userId} would hold ${total} tags, at most ${PUSH_TARGET_LIMITS.tagsPerUser}: remove some first` });
    }
    await ctx.store.pushTargets.addTags([...adds].map(([userId, tags]) => ({ userId, tags: [...tags] })));
  },
});

export const getTagsCommand = defineCommand({
  name: 'pushTargets.getTags',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ userIds: z.array(z.string()) }),
  run: async (ctx, _caller, { userIds }): Promise<{ items: { userId: string; tags: string[] }[] }> => {
    checkAccounts('To_Account', userIds.length);
    const held = await ctx.store.pushTargets.tagsOf(userIds);
    return { items: userIds.map((userId) => ({ userId, tags: held.get(userId) ?? [] })) };
  },
});

export const removeTagsCommand = defineCommand({
  name: 'pushTargets.removeTags',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ items: userTags }),
  run: async (ctx, _caller, { items }): Promise<void> => {
    checkAccounts('UserTags', items.length);
    await ctx.store.pushTargets.removeTags([...byUser(items)].map(([userId, tags]) => ({ userId, tags: [...tags] })));
  },
});

export const removeAllTagsCommand = defineCommand({
  name: 'pushTargets.removeAllTags',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ userIds: z.array(z.string()) }),
  run: async (ctx, _caller, { userIds }): Promise<void> => {
    checkAccounts('To_Account', userIds.length);
    await ctx.store.pushTargets.removeAllTags(userIds);
  },
});
