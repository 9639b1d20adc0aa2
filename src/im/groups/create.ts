/** create_group: validates the request, picks or checks the id, and asks the group's actor to create it. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { imError, isImError } from '../../protocol/errors.ts';
import type { GroupType, MemberRole } from './group-types.ts';
import type { CreateGroupSpec } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { type ApplyJoinOption, TYPE_RULES, parseGroupType } from './group-model.ts';
import { checkCustomGroupId, generateGroupId } from './group-id.ts';
import { defineCommand } from '../command.ts';

export const MAX_CREATE_MEMBERS = 100;
const APPLY_OPTIONS: readonly ApplyJoinOption[] = ['FreeAccess', 'NeedPermission', 'DisableApply'];
const FIELD_LIMITS = { Name: 30, Introduction: 240, Notification: 300, FaceUrl: 100 } as const;

const keyValues = z.array(z.object({ key: z.string(), value: z.string() })).optional();

const createGroupInput = z.object({
  owner: z.string().optional(),
  type: z.string(),
  groupId: z.string().optional(),
  name: z.string(),
  introduction: z.string().optional(),
  notification: z.string().optional(),
  faceUrl: z.string().optional(),
  maxMemberCount: z.number().optional(),
  applyJoinOption: z.string().default('NeedPermission'),
  appDefinedData: keyValues,
  members: z.array(z.object({ userId: z.string(), role: z.string().optional(), appMemberDefinedData: keyValues })).default([]),
});
export type CreateGroupInput = z.output<typeof createGroupInput>;


function checkLength(field: keyof typeof FIELD_LIMITS, v: string | undefined): string {
  if (v !== undefined && Buffer.byteLength(v) > FIELD_LIMITS[field]) {
    throw imError('GroupInvalidParam', { detail: `${field} is longer than ${FIELD_LIMITS[field]} bytes` });
  }
  return v ?? '';
}

const toRecord = (kv?: readonly { key: string; value: string }[]): Record<string, string> =>
  Object.fromEntries((kv ?? []).map((x) => [x.key, x.value]));

function memberSpecs(input: CreateGroupInput, type: GroupType, owner: string): CreateGroupSpec['members'] {
  const list = input.members;
  if (list.length > 0 && !TYPE_RULES[type].memberList) {
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
    if (m.role === 'Admin' && !TYPE_RULES[type].admins) {
      throw imError('GroupInvalidParam', { detail: `${type} groups have no admins` });
    }
    out.push({ userId: m.userId, role: m.role === 'Admin' ? 'Admin' : 'Member', appMemberDefinedData: toRecord(m.appMemberDefinedData) });
  }
  return out;
}

async function checkAccountsExist(ctx: ImContext, ids: readonly string[]): Promise<void> {
  const missing = await ctx.accounts.missing(ids);
  if (missing.length > 0) throw imError('GroupMemberAccountNotFound', { userId: missing.join(', ') });
}

/**
 * `group.create` (REST create_group). The owner defaults to a user caller (an App admin's group may
 * be ownerless); ApplyJoinOption defaults to NeedPermission, MaxMemberCount to the type's.
 */
export const createGroupCommand = defineCommand({
  name: 'group.create',
  callers: ['admin'],
  owner: 'group',
  input: createGroupInput,
  run: (ctx, caller, input) => createGroup(ctx, caller, input),
});

export async function createGroup(ctx: ImContext, caller: Caller, input: CreateGroupInput): Promise<{ groupId: string; type: GroupType }> {
  const type = parseGroupType(input.type);
  if (!input.name) throw imError('GroupInvalidParam', { detail: 'Name is required' });
  const owner = input.owner ?? (caller.kind === 'user' ? caller.userId : '');
  const members = memberSpecs(input, type, owner);
  const applyJoinOption = input.applyJoinOption;
  if (!(APPLY_OPTIONS as readonly string[]).includes(applyJoinOption)) {
    throw imError('GroupInvalidParam', { detail: `ApplyJoinOption must be one of ${APPLY_OPTIONS.join(', ')}` });
  }
  const maxMemberCount = input.maxMemberCount ?? TYPE_RULES[type].defaultMaxMembers;
  if (!Number.isInteger(maxMemberCount) || maxMemberCount < 1) throw imError('GroupInvalidParam', { detail: 'MaxMemberCount must be a positive integer' });
  if (members.length + (owner ? 1 : 0) > maxMemberCount) throw imError('GroupFull', { groupId: input.groupId ?? '', max: maxMemberCount });
  await checkAccountsExist(ctx, [...(owner ? [owner] : []), ...members.map((m) => m.userId)]);
  const decision = await ctx.hooks.beforeCreateGroup({ caller, groupType: type, owner, name: input.name, members: members.map((m) => m.userId) });
  if (decision.action === 'reject') throw decision.error;
  if (input.groupId !== undefined) checkCustomGroupId(input.groupId, type);
  const base = {
    requestId: randomUUID(),
    idWasChosen: input.groupId !== undefined,
    type,
    owner,
    operator: caller.userId,
    name: checkLength('Name', input.name),
    introduction: checkLength('Introduction', input.introduction),
    notification: checkLength('Notification', input.notification),
    faceUrl: checkLength('FaceUrl', input.faceUrl),
    maxMemberCount,
    applyJoinOption,
    appDefinedData: toRecord(input.appDefinedData),
    members,
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
