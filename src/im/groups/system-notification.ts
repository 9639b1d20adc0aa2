/** `group.systemNotification` (REST send_group_system_notification): online members only, nothing stored. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_NOTIFICATION_ACCOUNTS = 500;

export const systemNotificationCommand = defineCommand({
  name: 'group.systemNotification',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), content: z.string(), userIds: z.array(z.string()).default([]) }),
  run: async (ctx, _caller, { groupId, content, userIds }) => {
    requireGroupId(groupId);
    if (content === '') throw imError('GroupInvalidParam', { detail: 'Content is required' });
    if (userIds.length > MAX_NOTIFICATION_ACCOUNTS) {
      throw imError('GroupTooManyAccounts', { field: 'ToMembers_Account', count: userIds.length, max: MAX_NOTIFICATION_ACCOUNTS });
    }
    await ctx.actors.group(groupId).call({ op: 'systemNotification', content, ...(userIds.length > 0 ? { userIds } : {}) });
  },
});
