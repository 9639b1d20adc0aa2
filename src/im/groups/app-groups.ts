/** `groups.list` (REST get_appid_group_list): every group of the app, paged by the store's cursor. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { GROUP_TYPE_NAMES } from './group-model.ts';

/** Tencent's page size ceiling (and default). */
export const MAX_GROUP_LIST_PAGE = 10_000;

export const appGroupsCommand = defineCommand({
  name: 'groups.list',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ limit: z.number().int().min(0).optional(), after: z.number().int().min(0).default(0), type: z.string().optional() }),
  run: async (ctx, _caller, { limit, after, type }) => {
    if (after > Number.MAX_SAFE_INTEGER) throw imError('GroupInvalidParam', { detail: 'Next is not a cursor this list gave' });
    const pageSize = Math.min(limit || MAX_GROUP_LIST_PAGE, MAX_GROUP_LIST_PAGE);
    if (type === undefined || type === '') return ctx.store.groups.listGroups({ after, limit: pageSize });
    // BChatRoom is a legacy type Parley never creates: a valid filter that matches nothing.
    if (type === 'BChatRoom') return { groups: [], next: 0, total: 0 };
    const groupType = GROUP_TYPE_NAMES.get(type);
    if (!groupType) throw imError('GroupInvalidParam', { detail: `GroupType ${JSON.stringify(type)} is not a group type` });
    return ctx.store.groups.listGroups({ type: groupType, after, limit: pageSize });
  },
});
