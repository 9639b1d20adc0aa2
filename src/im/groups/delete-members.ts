/** `group.deleteMembers` (REST delete_group_member, client `group.kick`): request checks here; who may remove whom in the group actor. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_DELETE_MEMBERS = 100;

export const deleteMembersCommand = defineCommand({
  name: 'group.deleteMembers',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), userIds: z.array(z.string()), silence: z.boolean().default(false), reason: z.string().default('') }),
  run: async (ctx, caller, { groupId, userIds, silence, reason }) => {
    requireGroupId(groupId);
    if (userIds.length === 0) throw imError('GroupInvalidParam', { detail: 'MemberToDel_Account is empty' });
    if (userIds.length > MAX_DELETE_MEMBERS) {
      throw imError('GroupTooManyAccounts', { field: 'MemberToDel_Account', count: userIds.length, max: MAX_DELETE_MEMBERS });
    }
    await ctx.actors.group(groupId).call({ op: 'removeMembers', operator: caller, userIds: [...new Set(userIds)], silence, reason });
  },
});
