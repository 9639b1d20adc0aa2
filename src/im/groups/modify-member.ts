/** `group.modifyMember` (REST modify_group_member_info): request checks here; permissions and limits in the group actor. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const MSG_FLAGS = ['AcceptAndNotify', 'AcceptNotNotify', 'Discard'] as const;
const ROLES = ['Admin', 'Member'] as const;

export const modifyMemberCommand = defineCommand({
  name: 'group.modifyMember',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({
    groupId: z.string(),
    userId: z.string(),
    role: z.string().optional(),
    msgFlag: z.string().optional(),
    nameCard: z.string().optional(),
    /** Seconds from now; 0 unmutes. */
    muteS: z.number().int().min(0).max(0xffff_ffff).optional(),
    appMemberDefinedData: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
  }),
  run: async (ctx, caller, { groupId, userId, role, msgFlag, appMemberDefinedData, ...fields }) => {
    requireGroupId(groupId);
    const newRole = role === undefined ? undefined : ROLES.find((r) => r === role);
    if (role !== undefined && !newRole) throw imError('GroupInvalidParam', { detail: 'Role must be Admin or Member' });
    const flag = msgFlag === undefined ? undefined : MSG_FLAGS.find((f) => f === msgFlag);
    if (msgFlag !== undefined && !flag) throw imError('GroupInvalidParam', { detail: `MsgFlag must be one of ${MSG_FLAGS.join(', ')}` });
    const patch = {
      ...fields,
      ...(newRole ? { role: newRole } : {}),
      ...(flag ? { msgFlag: flag } : {}),
      ...(appMemberDefinedData ? { appMemberDefinedData: Object.fromEntries(new Map(appMemberDefinedData.map((kv) => [kv.key, kv.value]))) } : {}),
    };
    await ctx.actors.group(groupId).call({ op: 'modifyMember', operator: caller, userId, patch });
  },
});
