/**
 * `group.setUnread` (REST set_unread_msg_num, migration): a member's unread count, clamped to the
 * group's message count and kept with the member (MemberProfile.unreadImported), which the
 * conversation list counts from until the member reads the group. Nothing happens, successfully, in types without unread counts
 * (Meeting/ChatRoom, AVChatRoom); a non-member is refused with 10007.
 */
import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const setUnreadCommand = defineCommand({
  name: 'group.setUnread',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), userId: z.string(), count: z.number().int().min(0) }),
  run: (ctx, _caller, { groupId, userId, count }) => {
    requireGroupId(groupId);
    return ctx.actors.group(groupId).call({ op: 'setUnread', userId, count });
  },
});
