/**
 * `group.importMembers` (REST import_group_member, migration): up to 300 members with their role
 * (Admin or a plain member), join time and unread count, added without tips, notices or callbacks.
 * Request checks here; join times, capacity and the unread clamp in the group actor
 * (import-in-group.ts). Per member: 0 failed (an unknown account among them), 1 added, 2 already a member.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import type { AddMembersResult, ImportedMember } from '../actor-api.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_IMPORT_MEMBERS = 300;

const importMembersInput = z.object({
  groupId: z.string(),
  members: z.array(
    z.object({
      userId: z.string(),
      role: z.string().optional(),
      /** Unix s; absent or 0 = now. */
      joinTimeS: z.number().int().min(0).optional(),
      unread: z.number().int().min(0).optional(),
    }),
  ),
});

function roleOf(role: string | undefined, userId: string): ImportedMember['role'] {
  if (role === undefined || role === 'Member') return 'Member';
  if (role === 'Admin') return 'Admin';
  throw imError('GroupInvalidParam', { detail: `Role of ${userId} must be Admin (or left out for a plain member)` });
}

export const importMembersCommand = defineCommand({
  name: 'group.importMembers',
  callers: ['admin'],
  owner: 'group',
  input: importMembersInput,
  run: async (ctx, _caller, { groupId, members }): Promise<AddMembersResult> => {
    requireGroupId(groupId);
    if (members.length === 0) throw imError('GroupInvalidParam', { detail: 'MemberList is empty' });
    if (members.length > MAX_IMPORT_MEMBERS) throw imError('GroupTooManyAccounts', { field: 'MemberList', count: members.length, max: MAX_IMPORT_MEMBERS });
    const specs = members.map(
      (m): ImportedMember => ({
        userId: m.userId,
        role: roleOf(m.role, m.userId),
        ...(m.joinTimeS ? { joinedAt: m.joinTimeS * 1000 } : {}),
        ...(m.unread !== undefined ? { unread: m.unread } : {}),
      }),
    );
    const missing = new Set(await ctx.accounts.missing([...new Set(specs.map((m) => m.userId))]));
    const r = await ctx.actors.group(groupId).call({ op: 'importMembers', members: specs.filter((m) => !missing.has(m.userId)) });
    const byUser = new Map(r.results.map((x) => [x.userId, x.result]));
    return { results: members.map((m) => ({ userId: m.userId, result: byUser.get(m.userId) ?? 0 })) };
  },
});
