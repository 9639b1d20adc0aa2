/**
 * `v4/group_open_http_svc/*` management commands (spec §3.6): the group profile, members' fields
 * and roles, mutes, ownership, dismissal, recall and system notifications. Old field names are
 * read too (ShutUpAllMember, ShutUpTime); answers carry both spellings where Tencent's did change.
 */
import { z } from 'zod';
import { appGroupsCommand } from '../../im/groups/app-groups.ts';
import { changeOwnerCommand } from '../../im/groups/change-owner.ts';
import { destroyGroupCommand } from '../../im/groups/destroy.ts';
import { MAX_ROLE_ACCOUNTS, membersCommand, rolesCommand } from '../../im/groups/members.ts';
import { modifyInfoCommand } from '../../im/groups/modify-info.ts';
import { modifyMemberCommand } from '../../im/groups/modify-member.ts';
import { MAX_MUTE_ACCOUNTS, muteCommand, mutedCommand } from '../../im/groups/mute.ts';
import { deleteBySenderCommand, recallCommand } from '../../im/groups/recall.ts';
import { searchGroupsCommand } from '../../im/groups/search.ts';
import { MAX_NOTIFICATION_ACCOUNTS, systemNotificationCommand } from '../../im/groups/system-notification.ts';
import { type Endpoint, endpoint } from '../endpoint.ts';
import { count, keyValues, nonEmpty, renamed, str, u32 } from '../wire.ts';
import { memberFields, publicGroupFields } from './group-fields.ts';

const groupId = nonEmpty('GroupInvalidParam');
const account = nonEmpty('GroupInvalidParam');
const accounts = z.array(account, { error: 'GroupInvalidParam' });
const onOff = z.enum(['On', 'Off'], { error: 'GroupInvalidParam' });
const filter = z.array(z.string({ error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' }).optional();
const kv = (list: readonly { Key: string; Value: string }[] | undefined) => list?.map((x) => ({ key: x.Key, value: x.Value }));
const seconds = (ms: number): number => Math.floor(ms / 1000);

const mutedList = (list: readonly { userId: string; until: number }[]) => list.map((m) => ({ account: m.userId, until: seconds(m.until) }));

export const groupManageEndpoints: readonly Endpoint[] = [
  endpoint({
    command: 'get_appid_group_list',
    runs: appGroupsCommand,
    request: z.object({ Limit: count('GroupInvalidParam').optional(), Next: count('GroupInvalidParam').optional(), GroupType: str('GroupInvalidParam').optional() }),
    input: (r) => ({ limit: r.Limit, after: r.Next, type: r.GroupType }),
    reply: (page) => ({ TotalCount: page.total, GroupIdList: page.groups.map((g) => ({ GroupId: g.groupId })), Next: page.next }),
  }),
  endpoint({
    command: 'search_group',
    runs: searchGroupsCommand,
    request: z.object({
      Content: str('GroupInvalidParam'),
      PageNum: count('GroupInvalidParam').optional(),
      GroupPerPage: count('GroupInvalidParam').optional(),
      ResponseFilter: z.object({ GroupBasePublicInfoFilter: filter }).optional(),
    }),
    input: (r) => ({ text: r.Content, page: r.PageNum, perPage: r.GroupPerPage }),
    reply: (out, r) => ({
      TotalRecord: out.total,
      GroupInfo: out.groups.map((g) =>
        g.ok
          ? { ErrorCode: 0, ErrorInfo: '', ...publicGroupFields(g.info, r.ResponseFilter?.GroupBasePublicInfoFilter) }
          : { GroupId: g.groupId, ErrorCode: g.code, ErrorInfo: g.info },
      ),
    }),
  }),
  endpoint({
    command: 'modify_group_base_info',
    runs: modifyInfoCommand,
    request: renamed(
      { MuteAllMember: 'ShutUpAllMember', MaxMemberNum: 'MaxMemberCount' },
      z.object({
        GroupId: groupId,
        Name: str('GroupInvalidParam').optional(),
        Introduction: str('GroupInvalidParam').optional(),
        Notification: str('GroupInvalidParam').optional(),
        FaceUrl: str('GroupInvalidParam').optional(),
        MaxMemberNum: count('GroupInvalidParam').optional(),
        ApplyJoinOption: str('GroupInvalidParam').optional(),
        InviteJoinOption: str('GroupInvalidParam').optional(),
        MuteAllMember: onOff.optional(),
        AppDefinedData: keyValues('GroupInvalidParam').optional(),
      }),
    ),
    input: (r) => ({
      groupId: r.GroupId,
      name: r.Name,
      introduction: r.Introduction,
      notification: r.Notification,
      faceUrl: r.FaceUrl,
      maxMemberCount: r.MaxMemberNum,
      applyJoinOption: r.ApplyJoinOption,
      inviteJoinOption: r.InviteJoinOption,
      muteAll: r.MuteAllMember === undefined ? undefined : r.MuteAllMember === 'On',
      appDefinedData: kv(r.AppDefinedData),
    }),
  }),
  endpoint({
    command: 'modify_group_member_info',
    runs: modifyMemberCommand,
    request: renamed(
      { MuteTime: 'ShutUpTime' },
      z.object({
        GroupId: groupId,
        Member_Account: account,
        Role: str('GroupInvalidParam').optional(),
        MsgFlag: str('GroupInvalidParam').optional(),
        NameCard: str('GroupInvalidParam').optional(),
        MuteTime: u32('GroupInvalidParam').optional(),
        AppMemberDefinedData: keyValues('GroupInvalidParam').optional(),
      }),
    ),
    input: (r) => ({
      groupId: r.GroupId,
      userId: r.Member_Account,
      role: r.Role,
      msgFlag: r.MsgFlag,
      nameCard: r.NameCard,
      muteS: r.MuteTime,
      appMemberDefinedData: kv(r.AppMemberDefinedData),
    }),
  }),
  endpoint({
    command: 'forbid_send_msg',
    runs: muteCommand,
    bodyAllowance: MAX_MUTE_ACCOUNTS * 40,
    request: renamed({ MuteTime: 'ShutUpTime' }, z.object({ GroupId: groupId, Members_Account: accounts, MuteTime: u32('GroupInvalidParam') })),
    input: (r) => ({ groupId: r.GroupId, userIds: r.Members_Account, seconds: r.MuteTime }),
  }),
  endpoint({
    command: 'get_group_muted_account',
    runs: mutedCommand,
    request: z.object({ GroupId: groupId }),
    input: (r) => ({ groupId: r.GroupId }),
    reply: (out, r) => ({ GroupId: r.GroupId, MutedAccountList: mutedList(out).map((m) => ({ Member_Account: m.account, MutedUntil: m.until })) }),
  }),
  endpoint({
    command: 'get_group_shutted_uin',
    runs: mutedCommand,
    request: z.object({ GroupId: groupId }),
    input: (r) => ({ groupId: r.GroupId }),
    reply: (out, r) => ({ GroupId: r.GroupId, ShuttedUinList: mutedList(out).map((m) => ({ Member_Account: m.account, ShuttedUntil: m.until })) }),
  }),
  endpoint({
    command: 'get_group_member_info',
    runs: membersCommand,
    request: z.object({
      GroupId: groupId,
      MemberInfoFilter: filter,
      MemberRoleFilter: filter,
      AppDefinedDataFilter_GroupMember: filter,
      Limit: count('GroupInvalidParam').optional(),
      Offset: count('GroupInvalidParam').optional(),
      /** Community groups page by an opaque cursor: `""` first, `""` answered at the end. */
      Next: str('GroupInvalidParam').optional(),
    }),
    input: (r) => ({ groupId: r.GroupId, offset: r.Next ? Number.parseInt(r.Next, 10) || 0 : (r.Offset ?? 0), limit: r.Limit, roles: r.MemberRoleFilter }),
    reply: (page, r, ctx) => ({
      MemberNum: page.total,
      MemberList: page.members.map((m) => memberFields(m, page.muted, ctx.now(), r)),
      ...(r.Next !== undefined ? { Next: page.next > 0 ? String(page.next) : '' } : {}),
    }),
  }),
  endpoint({
    command: 'get_role_in_group',
    runs: rolesCommand,
    bodyAllowance: MAX_ROLE_ACCOUNTS * 40,
    request: z.object({ GroupId: groupId, User_Account: accounts }),
    input: (r) => ({ groupId: r.GroupId, userIds: r.User_Account }),
    reply: (out) => ({ UserIdList: out.map((x) => ({ Member_Account: x.userId, Role: x.role })) }),
  }),
  endpoint({
    command: 'change_group_owner',
    runs: changeOwnerCommand,
    request: z.object({ GroupId: groupId, NewOwner_Account: account }),
    input: (r) => ({ groupId: r.GroupId, newOwner: r.NewOwner_Account }),
  }),
  endpoint({
    command: 'destroy_group',
    runs: destroyGroupCommand,
    request: z.object({ GroupId: groupId }),
    input: (r) => ({ groupId: r.GroupId }),
  }),
  endpoint({
    command: 'group_msg_recall',
    runs: recallCommand,
    request: z.object({ GroupId: groupId, MsgSeqList: z.array(z.object({ MsgSeq: count('GroupInvalidParam') }, { error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' }) }),
    input: (r) => ({ groupId: r.GroupId, seqs: r.MsgSeqList.map((m) => m.MsgSeq) }),
    reply: (out) => ({ RecallRetList: out.map((x) => ({ MsgSeq: x.seq, RetCode: x.code })) }),
  }),
  endpoint({
    command: 'delete_group_msg_by_sender',
    runs: deleteBySenderCommand,
    request: z.object({ GroupId: groupId, Sender_Account: account }),
    input: (r) => ({ groupId: r.GroupId, sender: r.Sender_Account }),
  }),
  endpoint({
    command: 'send_group_system_notification',
    runs: systemNotificationCommand,
    bodyAllowance: MAX_NOTIFICATION_ACCOUNTS * 40,
    request: z.object({ GroupId: groupId, Content: str('GroupInvalidParam'), ToMembers_Account: accounts.optional() }),
    input: (r) => ({ groupId: r.GroupId, content: r.Content, userIds: r.ToMembers_Account }),
  }),
];
