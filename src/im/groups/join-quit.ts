/**
 * `group.join` and `group.quit` (client `group.join`, `group.quit`): a user joins or leaves a group
 * by themself. Who may, and the tips and notices, are the group actor's (membership.ts).
 */
import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const joinGroupCommand = defineCommand({
  name: 'group.join',
  callers: ['user'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: async (ctx, caller, { groupId }) => {
    requireGroupId(groupId);
    await ctx.actors.group(groupId).call({ op: 'join', userId: caller.userId });
  },
});

export const quitGroupCommand = defineCommand({
  name: 'group.quit',
  callers: ['user'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: async (ctx, caller, { groupId }) => {
    requireGroupId(groupId);
    await ctx.actors.group(groupId).call({ op: 'quit', userId: caller.userId });
  },
});
