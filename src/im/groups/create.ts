/** create_group: validates the request, picks or checks the id, and asks the group's actor to create it. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { imError, isImError } from '../../protocol/errors.ts';
import type { GroupType, MemberRole } from './group-types.ts';
import type { CreateGroupSpec } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { parseGroupType } from './group-model.ts';
import { GROUP_DATA, MEMBER_DATA, appDataOf } from './app-data.ts';
import { parseApplyJoinOption, parseInviteJoinOption } from './modify-info.ts';
import { checkTakesInvitations } from './group-rules.ts';
import type { InviteJoinOption } from './group-model.ts';
import { checkProfileText } from './profile-changes.ts';
import { checkCustomGroupId, generateGroupId } from './group-id.ts';
import { defineCommand } from '../command.ts';
import { policyOf } from './group-policy.ts';

export const MAX_CREATE_MEMBERS = 100;

const keyValues = z.array(z.object({ key: z.string(), value: z.string() })).optional();

export const createGroupInput = z.object({
  owner: z.string().optional(),
  type: z.string(),
  groupId: z.string().optional(),
  name: z.string(),
  introduction: z.string().optional(),
  notification: z.string().optional(),
  faceUrl: z.string().optional(),
  maxMemberCount: z.number().optional(),
  applyJoinOption: z.string().default('NeedPermission'),
  inviteJoinOption: z.string().optional(),
  appDefinedData: keyValues,
  members: z.array(z.object({ userId: z.string(), role: z.string().optional(), appMemberDefinedData: keyValues })).default([]),
});
export type CreateGroupInput = z.output<typeof createGroupInput>;


function memberSpecs(input: CreateGroupInput, type: GroupType, owner: string): CreateGroupSpec['members'] {
  const list = input.members;
  if (list.length > 0 && !policyOf(type).memberList) {
    throw imError('GroupNoPermission', { detail: `${type} groups take no MemberList; members join from the client` });
  }
  if (list.length > MAX_CREATE_MEMBERS) {
    throw imError('GroupTooManyAccounts', { field: 'MemberList', count: list.length, max: MAX_CREATE_MEMBERS });
  }
  const seen = new Set<string>(owner ? [owner] : []);
  const out: { userId: string; role: MemberRole; appMemberDefinedData: Record<string, string> }[] = [];
  for (const m of list) {
    if (seen.has(m.userId)) continue;
    seen.add(m.userId);
    if (m.role !== undefined && m.role !== 'Admin' && m.role !== 'Member') {
      throw imError('GroupInvalidParam', { detail: `Role of ${m.userId} must be Admin or Member` });
    }
    if (m.role === 'Admin' && !policyOf(type).admins) {
      throw imError('GroupInvalidParam', { detail: `${type} groups have no admins` });
    }
    out.push({ userId: m.userId, role: m.role === 'Admin' ? 'Admin' : 'Member', appMemberDefinedData: appDataOf(MEMBER_DATA, m.appMemberDefinedData) });
  }
  return out;
}

async function checkAccountsExist(ctx: ImContext, ids: readonly string[]): Promise<void> {
  const missing = await ctx.accounts.missing(ids);
  if (missing.length > 0) throw imError('GroupMemberAccountNotFound', { userId: missing.join(', ') });
}

/**
 * `group.create` (REST create_group, client `group.create`). A user's group is always their own
 * (naming another owner is 10007); an App admin's names its owner or is ownerless. ApplyJoinOption
 * defaults to NeedPermission, MaxMemberCount to the type's.
 */
export const createGroupCommand = defineCommand({
  name: 'group.create',
  callers: ['admin', 'user'],
  owner: 'group',
  input: createGroupInput,
  run: (ctx, caller, input) => createGroup(ctx, caller, input),
});

export async function createGroup(ctx: ImContext, caller: Caller, input: CreateGroupInput): Promise<{ groupId: string; type: GroupType }> {
  const draft = await draftGroup(ctx, caller, input);
  const decision = await ctx.hooks.beforeCreateGroup({ caller, groupType: draft.type, owner: draft.owner, name: input.name, members: draft.members.map((m) => m.userId) });
  if (decision.action === 'reject') throw decision.error;
  return makeGroup(ctx, caller, input, draft);
}

/** What a create request asks for, checked up to where the app server is asked (create) or the group made (import). */
export interface GroupDraft {
  readonly type: GroupType;
  readonly owner: string;
  readonly members: CreateGroupSpec['members'];
  readonly applyJoinOption: string;
  readonly inviteJoinOption: InviteJoinOption;
  readonly maxMemberCount: number;
}

/** Checks type, name, owner, members (they must exist), join option and member limit. */
export async function draftGroup(ctx: ImContext, caller: Caller, input: CreateGroupInput): Promise<GroupDraft> {
  const type = parseGroupType(input.type);
  if (!input.name) throw imError('GroupInvalidParam', { detail: 'Name is required' });
  if (caller.kind === 'user' && input.owner !== undefined && input.owner !== caller.userId) {
    throw imError('GroupNoPermission', { detail: 'a user creates groups they own; the owner cannot be someone else' });
  }
  const owner = input.owner ?? (caller.kind === 'user' ? caller.userId : '');
  const members = memberSpecs(input, type, owner);
  const applyJoinOption = parseApplyJoinOption(input.applyJoinOption);
  const inviteJoinOption = input.inviteJoinOption === undefined ? 'FreeAccess' : parseInviteJoinOption(input.inviteJoinOption);
  if (inviteJoinOption !== 'FreeAccess') checkTakesInvitations(type);
  const maxMemberCount = input.maxMemberCount ?? policyOf(type).defaultMaxMembers;
  if (!Number.isInteger(maxMemberCount) || maxMemberCount < 1) throw imError('GroupInvalidParam', { detail: 'MaxMemberCount must be a positive integer' });
  if (members.length + (owner ? 1 : 0) > maxMemberCount) throw imError('GroupFull', { groupId: input.groupId ?? '', max: maxMemberCount });
  await checkAccountsExist(ctx, [...(owner ? [owner] : []), ...members.map((m) => m.userId)]);
  return { type, owner, members, applyJoinOption, inviteJoinOption, maxMemberCount };
}

/**
 * Checks the rest (custom id, profile texts, custom data) and has the group's actor create it; an
 * import names its creation time (`importedAt`, Unix ms).
 */
export async function makeGroup(ctx: ImContext, caller: Caller, input: CreateGroupInput, draft: GroupDraft, importedAt?: number): Promise<{ groupId: string; type: GroupType }> {
  const { type, owner, members, applyJoinOption, inviteJoinOption, maxMemberCount } = draft;
  if (input.groupId !== undefined) checkCustomGroupId(input.groupId, type);
  const base = {
    requestId: randomUUID(),
    idWasChosen: input.groupId !== undefined,
    type,
    owner,
    operator: caller.userId,
    name: checkProfileText('name', input.name),
    introduction: checkProfileText('introduction', input.introduction ?? ''),
    notification: checkProfileText('notification', input.notification ?? ''),
    faceUrl: checkProfileText('faceUrl', input.faceUrl ?? ''),
    maxMemberCount,
    applyJoinOption,
    inviteJoinOption,
    appDefinedData: appDataOf(GROUP_DATA, input.appDefinedData),
    members,
    ...(importedAt !== undefined ? { importedAt } : {}),
  };
  // A generated id can collide with an existing group; the actor reports that and we draw again.
  for (let attempt = 0; ; attempt++) {
    const groupId = input.groupId ?? generateGroupId(type);
    try {
      return { ...(await ctx.actors.group(groupId).call({ op: 'create', spec: { ...base, groupId } })), type };
    } catch (e) {
      if (input.groupId !== undefined || attempt >= 4 || !(isImError(e) && e.errorName === 'GroupIdTaken')) throw e;
    }
  }
}
