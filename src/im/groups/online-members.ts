/** get_online_member_num: how many users watch an AVChatRoom now (its live audience); 10007 for other types. */
import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

/** `group.onlineMembers` (REST get_online_member_num). */
export const onlineMembersCommand = defineCommand({
  name: 'group.onlineMembers',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string() }),
  run: (ctx, _caller, { groupId }) => {
    requireGroupId(groupId);
    return ctx.actors.group(groupId).call({ op: 'onlineMembers' });
  },
});
