/**
 * `group.addMembers` (REST add_group_member, client `group.invite`): request checks here; who may
 * invite, capacity and the invite callback in the group actor (membership.ts). Unknown accounts are
 * reported as not added (Result 0) unless every one is unknown.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_ADD_MEMBERS = 300;

export const addMembersCommand = defineCommand({
  name: 'group.addMembers',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), userIds: z.array(z.string()), silence: z.boolean().default(false) }),
  run: async (ctx, caller, { groupId, userIds, silence }) => {
    requireGroupId(groupId);
    if (userIds.length === 0) throw imError('GroupInvalidParam', { detail: 'MemberList is empty' });
    if (userIds.length > MAX_ADD_MEMBERS) throw imError('GroupTooManyAccounts', { field: 'MemberList', count: userIds.length, max: MAX_ADD_MEMBERS });
    const unique = [...new Set(userIds)];
    const missing = await ctx.accounts.missing(unique);
    if (missing.length === unique.length) throw imError('GroupMemberAccountNotFound', { userId: missing.join(', ') });
    const r = await ctx.actors.group(groupId).call({ op: 'addMembers', operator: caller, userIds: unique.filter((id) => !missing.includes(id)), silence });
    return { results: [...r.results, ...missing.map((userId) => ({ userId, result: 0 as const }))] };
  },
});
