/** `group.changeOwner` (REST change_group_owner): the new owner must be a member; the group actor applies it. */
import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const changeOwnerCommand = defineCommand({
  name: 'group.changeOwner',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), newOwner: z.string() }),
  run: async (ctx, caller, { groupId, newOwner }) => {
    requireGroupId(groupId);
    await ctx.actors.group(groupId).call({ op: 'changeOwner', operator: caller, newOwner });
  },
});
