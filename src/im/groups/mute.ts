/** `group.mute` (REST forbid_send_msg) and `group.muted` (get_group_muted_account / get_group_shutted_uin). */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_MUTE_ACCOUNTS = 500;

export const muteCommand = defineCommand({
  name: 'group.mute',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), userIds: z.array(z.string()), seconds: z.number().int().min(0).max(0xffff_ffff) }),
  run: async (ctx, caller, { groupId, userIds, seconds }) => {
    requireGroupId(groupId);
    if (userIds.length === 0) throw imError('GroupInvalidParam', { detail: 'Members_Account is empty' });
    if (userIds.length > MAX_MUTE_ACCOUNTS) throw imError('GroupTooManyAccounts', { field: 'Members_Account', count: userIds.length, max: MAX_MUTE_ACCOUNTS });
    await ctx.actors.group(groupId).call({ op: 'mute', operator: caller, userIds: [...new Set(userIds)], seconds });
  },
});

export const mutedCommand = defineCommand({
  name: 'group.muted',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: (ctx, caller, { groupId }) => {
    requireGroupId(groupId);
    return ctx.actors.group(groupId).call({ op: 'muted', operator: caller });
  },
});
