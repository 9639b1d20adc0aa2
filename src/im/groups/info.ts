/**
 * get_group_info: each group's info from its actor, with a per-group error for missing ones; and a
 * user's view of one group (client `group.info`).
 */
import { z } from 'zod';
import { imError, isImError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import type { GroupInfo } from './group-model.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_INFO_GROUPS = 50;

export type GroupInfoResult =
  | { readonly groupId: string; readonly ok: true; readonly info: GroupInfo }
  | { readonly groupId: string; readonly ok: false; readonly code: number; readonly info: string };

/** `group.info` (REST get_group_info): 1 to 50 groups, each answered by its actor or with its own error. */
export const groupInfoCommand = defineCommand({
  name: 'group.info',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupIds: z.array(z.string()) }),
  run: (ctx, _caller, { groupIds }) => {
    if (groupIds.length === 0 || groupIds.length > MAX_INFO_GROUPS) {
      throw imError('GroupInvalidParam', { detail: `GroupIdList must hold 1 to ${MAX_INFO_GROUPS} ids` });
    }
    return getGroupInfos(ctx, groupIds);
  },
});

/** `group.view` (client `group.info`): one group as the calling user may see it, with its member count. */
export const groupViewCommand = defineCommand({
  name: 'group.view',
  callers: ['user'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: (ctx, caller, { groupId }) => {
    requireGroupId(groupId);
    return ctx.actors.group(groupId).call({ op: 'view', viewer: caller });
  },
});

/** Each group's info from its actor, or its own error (unknown, dismissed, a bad id). */
export async function getGroupInfos(ctx: ImContext, groupIds: readonly string[]): Promise<GroupInfoResult[]> {
  return Promise.all(
    groupIds.map(async (groupId): Promise<GroupInfoResult> => {
      try {
        requireGroupId(groupId);
        return { groupId, ok: true, info: await ctx.actors.group(groupId).call({ op: 'info' }) };
      } catch (e) {
        if (!isImError(e)) throw e;
        return { groupId, ok: false, code: e.code, info: e.info };
      }
    }),
  );
}
