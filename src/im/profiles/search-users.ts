/**
 * `profile.searchUsers` (client `user.search`, Tencent's searchUsers): the account whose id is the
 * keyword, then accounts whose nick begins with it ignoring case and width (storage/store.ts
 * `nickSearchKey`), paged from the store's index, never a scan. Each found user comes with the nick
 * and avatar they set.
 */
import { z } from 'zod';
import { type AccountRecord, BadCursorError } from '../../../storage/store.ts';
import type { FoundUser, SearchUsersResult } from '../../protocol/client-ops.ts';
import type { ProfileItem } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { ProfileTag } from './profile-tags.ts';

export const MAX_SEARCH_PAGE = 100;
const DEFAULT_SEARCH_PAGE = 20;

export const searchUsersCommand = defineCommand({
  name: 'profile.searchUsers',
  callers: ['admin', 'user'],
  owner: 'store',
  input: z.object({
    keyword: z.string(),
    cursor: z.string().default(''),
    limit: z.number().int().min(1).default(DEFAULT_SEARCH_PAGE).transform((n) => Math.min(n, MAX_SEARCH_PAGE)),
  }),
  run: async (ctx, _caller, { keyword, cursor, limit }): Promise<SearchUsersResult> => {
    if (keyword.trim() === '') throw imError('ProfileInvalidParam', { detail: 'the search keyword is empty' });
    const page = await ctx.store.accounts.searchAccounts({ keyword, cursor, limit }).catch((e: unknown) => {
      throw e instanceof BadCursorError ? imError('ProfileInvalidParam', { detail: 'the search cursor is not one this search answered' }) : e;
    });
    return { users: page.accounts.map(foundUser), cursor: page.next };
  },
});

function foundUser(a: AccountRecord): FoundUser {
  const items: ProfileItem[] = [];
  if (a.nick) items.push({ Tag: ProfileTag.Nick, Value: a.nick });
  if (a.faceUrl) items.push({ Tag: ProfileTag.Image, Value: a.faceUrl });
  return { userId: a.userId, items };
}
