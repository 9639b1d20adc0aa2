/** `group.modifyInfo` (REST modify_group_base_info): request checks here; who may change what, limits and the tip in the group actor. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import type { ApplyJoinOption, InviteJoinOption } from './group-model.ts';
import { requireGroupId } from './group-id.ts';

export const APPLY_JOIN_OPTIONS: readonly ApplyJoinOption[] = ['FreeAccess', 'NeedPermission', 'DisableApply'];

/** An ApplyJoinOption from the wire; GroupInvalidParam for any other value. */
export function parseApplyJoinOption(v: string): ApplyJoinOption {
  const option = APPLY_JOIN_OPTIONS.find((o) => o === v);
  if (!option) throw imError('GroupInvalidParam', { detail: `ApplyJoinOption must be one of ${APPLY_JOIN_OPTIONS.join(', ')}` });
  return option;
}

export const INVITE_JOIN_OPTIONS: readonly InviteJoinOption[] = ['FreeAccess', 'NeedPermission', 'DisableInvite'];

/** An InviteJoinOption from the wire; GroupInvalidParam for any other value. */
export function parseInviteJoinOption(v: string): InviteJoinOption {
  const option = INVITE_JOIN_OPTIONS.find((o) => o === v);
  if (!option) throw imError('GroupInvalidParam', { detail: `InviteJoinOption must be one of ${INVITE_JOIN_OPTIONS.join(', ')}` });
  return option;
}

export const modifyInfoCommand = defineCommand({
  name: 'group.modifyInfo',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({
    groupId: z.string(),
    name: z.string().optional(),
    introduction: z.string().optional(),
    notification: z.string().optional(),
    faceUrl: z.string().optional(),
    maxMemberCount: z.number().optional(),
    applyJoinOption: z.string().optional(),
    inviteJoinOption: z.string().optional(),
    muteAll: z.boolean().optional(),
    /** `""` deletes a key. */
    appDefinedData: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
  }),
  run: async (ctx, caller, { groupId, applyJoinOption, inviteJoinOption, appDefinedData, ...fields }) => {
    requireGroupId(groupId);
    const patch = {
      ...fields,
      ...(applyJoinOption !== undefined ? { applyJoinOption: parseApplyJoinOption(applyJoinOption) } : {}),
      ...(inviteJoinOption !== undefined ? { inviteJoinOption: parseInviteJoinOption(inviteJoinOption) } : {}),
      ...(appDefinedData ? { appDefinedData: Object.fromEntries(new Map(appDefinedData.map((kv) => [kv.key, kv.value]))) } : {}),
    };
    await ctx.actors.group(groupId).call({ op: 'modifyInfo', operator: caller, patch });
  },
});
