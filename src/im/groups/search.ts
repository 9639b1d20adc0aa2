/**
 * `groups.search` (REST search_group, Tencent's legacy fuzzy search): groups whose name contains the
 * text, of the types a stranger may find, one page of them answered by their actors.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { GROUP_TYPES } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import { type GroupInfoResult, getGroupInfos } from './info.ts';

/**
 * Page size ceiling and default. The legacy page's figures were not found; its successor
 * (v4/group_search/search, cloud.tencent.com/document/product/269/114549) caps `Count` at 100 and
 * treats more as 100, which we follow; the default of 20 is ours.
 */
export const MAX_SEARCH_PAGE = 100;
export const DEFAULT_SEARCH_PAGE = 20;

/** Types found by search: those a non-member may find by id (never Private/Work). */
const SEARCHABLE = GROUP_TYPES.filter((t) => policyOf(t).findById);

export interface GroupSearchResult {
  readonly groups: readonly GroupInfoResult[];
  readonly total: number;
}

export const searchGroupsCommand = defineCommand({
  name: 'groups.search',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ text: z.string(), page: z.number().int().min(0).default(0), perPage: z.number().int().min(0).optional() }),
  run: async (ctx, _caller, { text, page, perPage }): Promise<GroupSearchResult> => {
    if (text === '') throw imError('GroupInvalidParam', { detail: 'Content must not be empty' });
    const limit = Math.min(perPage || DEFAULT_SEARCH_PAGE, MAX_SEARCH_PAGE);
    const offset = page * limit;
    if (!Number.isSafeInteger(offset)) throw imError('GroupInvalidParam', { detail: 'PageNum is too large' });
    const found = await ctx.store.groups.searchGroups({ text, types: SEARCHABLE, offset, limit });
    // A group dismissed since the search answers with its own error, as in get_group_info.
    return { groups: await getGroupInfos(ctx, found.groupIds), total: found.total };
  },
});
