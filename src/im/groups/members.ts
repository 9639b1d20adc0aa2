/** add_group_member / delete_group_member: request checks here, membership rules in the group actor. */
import { imError } from '../../protocol/errors.ts';
import type { AddMembersResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { requireGroupId } from './group-id.ts';

export const MAX_ADD_MEMBERS = 300;
export const MAX_DELETE_MEMBERS = 100;

export async function addGroupMembers(
  ctx: ImContext,
  caller: Caller,
  groupId: string,
  userIds: readonly string[],
  silence: boolean,
): Promise<AddMembersResult> {
  requireGroupId(groupId);
  if (userIds.length === 0) throw imError('GroupInvalidParam', { detail: 'MemberList is empty' });
  if (userIds.length > MAX_ADD_MEMBERS) {
    throw imError('GroupTooManyAccounts', { field: 'MemberList', count: userIds.length, max: MAX_ADD_MEMBERS });
  }
  const unique = [...new Set(userIds)];
  const missing = await ctx.accounts.missing(unique);
  if (missing.length === unique.length) throw imError('GroupMemberAccountNotFound', { userId: missing.join(', ') });
  const r = await ctx.actors.group(groupId).call({ op: 'addMembers', operator: caller, userIds: unique.filter((id) => !missing.includes(id)), silence });
  return { results: [...r.results, ...missing.map((userId) => ({ userId, result: 0 as const }))] };
}

export async function deleteGroupMembers(
  ctx: ImContext,
  caller: Caller,
  groupId: string,
  userIds: readonly string[],
  silence: boolean,
  reason: string,
): Promise<void> {
  requireGroupId(groupId);
  if (userIds.length === 0) throw imError('GroupInvalidParam', { detail: 'MemberToDel_Account is empty' });
  if (userIds.length > MAX_DELETE_MEMBERS) {
    throw imError('GroupTooManyAccounts', { field: 'MemberToDel_Account', count: userIds.length, max: MAX_DELETE_MEMBERS });
  }
  await ctx.actors.group(groupId).call({ op: 'removeMembers', operator: caller, userIds: [...new Set(userIds)], silence, reason });
}
