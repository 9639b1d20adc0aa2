/** `group.destroy` (REST destroy_group): who may dismiss which type is the group actor's rule. */
import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const destroyGroupCommand = defineCommand({
  name: 'group.destroy',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: async (ctx, caller, { groupId }) => {
    requireGroupId(groupId);
    await ctx.actors.group(groupId).call({ op: 'destroy', operator: caller });
  },
});
