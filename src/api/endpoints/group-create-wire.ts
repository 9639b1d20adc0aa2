/**
 * The wire fields of create_group, shared by import_group (which adds CreateTime): the request
 * schema and its mapping to the create command's input.
 */
import { z } from 'zod';
import type { InputOf } from '../../im/command.ts';
import type { createGroupCommand } from '../../im/groups/create.ts';
import { count, keyValues, nonEmpty, str } from '../wire.ts';

const account = nonEmpty('GroupInvalidParam');

export const createGroupRequest = z.object({
  Owner_Account: account.optional(),
  Type: str('GroupInvalidParam'),
  GroupId: str('GroupIdInvalid').optional(),
  Name: str('GroupInvalidParam'),
  Introduction: str('GroupInvalidParam').optional(),
  Notification: str('GroupInvalidParam').optional(),
  FaceUrl: str('GroupInvalidParam').optional(),
  MaxMemberCount: count('GroupInvalidParam').optional(),
  MaxMemberNum: count('GroupInvalidParam').optional(),
  ApplyJoinOption: str('GroupInvalidParam').optional(),
  InviteJoinOption: str('GroupInvalidParam').optional(),
  AppDefinedData: keyValues('GroupInvalidParam').optional(),
  MemberList: z
    .array(
      z.object({ Member_Account: account, Role: str('GroupInvalidParam').optional(), AppMemberDefinedData: keyValues('GroupInvalidParam').optional() }),
      { error: 'GroupInvalidParam' },
    )
    .optional(),
});

export function createGroupFields(r: z.output<typeof createGroupRequest>): InputOf<typeof createGroupCommand> {
  return {
    owner: r.Owner_Account,
    type: r.Type,
    groupId: r.GroupId,
    name: r.Name,
    introduction: r.Introduction,
    notification: r.Notification,
    faceUrl: r.FaceUrl,
    maxMemberCount: r.MaxMemberCount ?? r.MaxMemberNum,
    applyJoinOption: r.ApplyJoinOption,
    inviteJoinOption: r.InviteJoinOption,
    appDefinedData: r.AppDefinedData?.map((kv) => ({ key: kv.Key, value: kv.Value })),
    members: r.MemberList?.map((m) => ({
      userId: m.Member_Account,
      role: m.Role,
      appMemberDefinedData: m.AppMemberDefinedData?.map((kv) => ({ key: kv.Key, value: kv.Value })),
    })),
  };
}
