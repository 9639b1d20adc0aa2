/**
 * `group.join` and `group.quit` (client `group.join`, `group.quit`): a user joins or leaves a group
 * by themself. Who may, and the tips and notices, are the group actor's (membership.ts; in an
 * AVChatRoom the live audience, audience-changes.ts).
 */
import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';
import type { JoinResult } from '../actor-api.ts';

export const joinGroupCommand = defineCommand({
  name: 'group.join',
  callers: ['user'],
  owner: 'group',
  // `message`: the application's, where the group needs approval (applications-in-group.ts).
  input: z.object({ groupId: z.string(), message: z.string().default('') }),
  run: async (ctx, caller, { groupId, message }): Promise<JoinResult> => {
    requireGroupId(groupId);
    return ctx.actors.group(groupId).call({ op: 'join', userId: caller.userId, caller, message });
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
