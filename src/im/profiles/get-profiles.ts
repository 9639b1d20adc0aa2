/**
 * `profile.get` (REST portrait_get, client `profile.get`): the tags `tagList` names of each account
 * in `userIds`, friends or not (spec §3.3). The tag list is checked once for all (40001 / 40009); an
 * account that does not exist answers 40003 in its own item, and a tag the reader may not read
 * 40007 in its account's item.
 */
import { z } from 'zod';
import type { ProfileItem } from '../../protocol/entries.ts';
import { imError, isImError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { loadProfiles } from './load-profiles.ts';
import { readPortrait, resolveTagList } from './profile-tags.ts';

/** Most accounts one call reads (Tencent: 100). */
export const MAX_PROFILE_ACCOUNTS = 100;

/** One account's answer: its items, or the code and info of why not. */
export interface ProfileResult {
  readonly userId: string;
  readonly items: readonly ProfileItem[];
  readonly code: number;
  readonly info: string;
}

export const getProfilesCommand = defineCommand({
  name: 'profile.get',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({ userIds: z.array(z.string()), tagList: z.unknown() }),
  run: async (ctx, caller, { userIds, tagList }): Promise<ProfileResult[]> => {
    if (userIds.length === 0) throw imError('ProfileNoTarget');
    if (userIds.length > MAX_PROFILE_ACCOUNTS) throw imError('ProfileInvalidParam', { detail: `To_Account holds ${userIds.length} accounts, at most ${MAX_PROFILE_ACCOUNTS} are allowed` });
    const custom = ctx.customProfileTags ?? [];
    resolveTagList(tagList, custom);
    const profiles = await loadProfiles(ctx, userIds);
    return userIds.map((userId) => {
      const values = profiles.get(userId);
      try {
        if (!values) throw imError('ProfileAccountNotFound', { userId });
        return { userId, items: readPortrait(userId, values, tagList, caller, custom), code: 0, info: '' };
      } catch (e) {
        if (!isImError(e)) throw e;
        return { userId, items: [], code: e.code, info: e.info };
      }
    });
  },
});
