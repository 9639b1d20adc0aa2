/** `group.members` (REST get_group_member_info) and `group.roles` (get_role_in_group), answered by the group actor. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';
import type { MemberRole } from './group-types.ts';

/** get_group_member_info returns at most this many members per call (Tencent: Limit ≤ 6000). */
export const MAX_MEMBER_PAGE = 6000;
export const MAX_ROLE_ACCOUNTS = 500;
const ROLES: readonly MemberRole[] = ['Owner', 'Admin', 'Member'];

export const membersCommand = defineCommand({
  name: 'group.members',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(0).optional(), roles: z.array(z.string()).optional() }),
  run: async (ctx, caller, { groupId, offset, limit, roles }) => {
    requireGroupId(groupId);
    const bad = roles?.find((r) => !(ROLES as readonly string[]).includes(r));
    if (bad !== undefined) throw imError('GroupInvalidParam', { detail: `MemberRoleFilter holds ${JSON.stringify(bad)}; roles are ${ROLES.join(', ')}` });
    // Limit 0 or absent: as many as a page holds.
    const query = { offset, limit: Math.min(limit || MAX_MEMBER_PAGE, MAX_MEMBER_PAGE), ...(roles && roles.length > 0 ? { roles: roles as MemberRole[] } : {}) };
    return ctx.actors.group(groupId).call({ op: 'members', operator: caller, query });
  },
});

export const rolesCommand = defineCommand({
  name: 'group.roles',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), userIds: z.array(z.string()) }),
  run: (ctx, _caller, { groupId, userIds }) => {
    requireGroupId(groupId);
    if (userIds.length === 0) throw imError('GroupInvalidParam', { detail: 'User_Account is empty' });
    if (userIds.length > MAX_ROLE_ACCOUNTS) throw imError('GroupTooManyAccounts', { field: 'User_Account', count: userIds.length, max: MAX_ROLE_ACCOUNTS });
    return ctx.actors.group(groupId).call({ op: 'roles', userIds });
  },
});
