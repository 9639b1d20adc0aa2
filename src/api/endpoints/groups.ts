/** `v4/group_open_http_svc/*`: groups (spec §3.6). */
import { z } from 'zod';
import { MAX_ADD_MEMBERS, addMembersCommand } from '../../im/groups/add-members.ts';
import { MAX_CREATE_MEMBERS, createGroupCommand } from '../../im/groups/create.ts';
import { MAX_DELETE_MEMBERS, deleteMembersCommand } from '../../im/groups/delete-members.ts';
import { groupHistoryCommand } from '../../im/groups/history.ts';
import { MAX_INFO_GROUPS, groupInfoCommand } from '../../im/groups/info.ts';
import { joinedGroupsCommand } from '../../im/groups/joined.ts';
import { groupSendCommand } from '../../im/groups/send.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { groupInfoFields, joinedGroupFields, historyMessageFields } from './group-fields.ts';
import { count, flag, forbidCallbacks, nonEmpty, renamed, sendMsgControl, str, u32 } from '../wire.ts';
import { offlinePushInfo } from '../../protocol/push.ts';
import { groupManageEndpoints } from './group-manage.ts';
import { createGroupFields, createGroupRequest } from './group-create-wire.ts';
import { groupImportEndpoints } from './group-import.ts';
import { groupAttrEndpoints } from './group-attr.ts';
import { groupAvChatRoomEndpoints } from './group-avchatroom.ts';
import { groupReceiptEndpoints } from './group-receipts.ts';

const groupId = nonEmpty('GroupInvalidParam');
const account = nonEmpty('GroupInvalidParam');
const priorities = ['High', 'Normal', 'Low', 'Lowest'] as const;
const filter = z.array(z.string({ error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' }).optional();

export const groupService: Service = {
  name: 'group_open_http_svc',
  bodyJson: 'GroupBodyJson',
  invalid: 'GroupInvalidParam',
  adminRequired: 'GroupAdminRequired',
  internal: 'GroupInternal',
  endpoints: [
    ...groupManageEndpoints,
    ...groupImportEndpoints,
    // Tencent documents the attribute writes under group_open_http_svc too (and reads under group_open_attr_http_svc).
    ...groupAttrEndpoints,
    ...groupAvChatRoomEndpoints,
    ...groupReceiptEndpoints,
    endpoint({
      command: 'create_group',
      runs: createGroupCommand,
      bodyAllowance: MAX_CREATE_MEMBERS * 120,
      request: createGroupRequest,
      input: createGroupFields,
      reply: (out) => ({ GroupId: out.groupId, ...(out.type === 'Community' ? { Type: out.type, HugeGroupFlag: 1 } : {}) }),
    }),
    endpoint({
      command: 'get_group_info',
      runs: groupInfoCommand,
      bodyAllowance: MAX_INFO_GROUPS * 60,
      request: z.object({
        GroupIdList: z.array(groupId, { error: 'GroupInvalidParam' }),
        ResponseFilter: z
          .object({
            GroupBaseInfoFilter: filter,
            MemberInfoFilter: filter,
            AppDefinedDataFilter_Group: filter,
            AppDefinedDataFilter_GroupMember: filter,
          })
          .optional(),
      }),
      input: (r) => ({ groupIds: r.GroupIdList }),
      reply: (results, r, ctx) => ({
        GroupInfo: results.map((g) =>
          g.ok
            ? { ErrorCode: 0, ErrorInfo: '', ...groupInfoFields(g.info, ctx.identity.sdkAppId, ctx.now(), r.ResponseFilter) }
            : { GroupId: g.groupId, ErrorCode: g.code, ErrorInfo: g.info },
        ),
      }),
    }),
    endpoint({
      command: 'add_group_member',
      runs: addMembersCommand,
      bodyAllowance: MAX_ADD_MEMBERS * 40,
      request: z.object({
        GroupId: groupId,
        Silence: flag('GroupInvalidParam').optional(),
        MemberList: z.array(z.object({ Member_Account: account }), { error: 'GroupInvalidParam' }),
      }),
      input: (r) => ({ groupId: r.GroupId, userIds: r.MemberList.map((m) => m.Member_Account), silence: r.Silence === 1 }),
      reply: (out) => ({ MemberList: out.results.map((x) => ({ Member_Account: x.userId, Result: x.result })) }),
    }),
    endpoint({
      command: 'delete_group_member',
      runs: deleteMembersCommand,
      bodyAllowance: MAX_DELETE_MEMBERS * 40,
      request: z.object({
        GroupId: groupId,
        Silence: flag('GroupInvalidParam').optional(),
        Reason: str('GroupInvalidParam').optional(),
        MemberToDel_Account: z.array(account, { error: 'GroupInvalidParam' }),
      }),
      input: (r) => ({ groupId: r.GroupId, userIds: r.MemberToDel_Account, silence: r.Silence === 1, reason: r.Reason }),
    }),
    endpoint({
      command: 'get_joined_group_list',
      runs: joinedGroupsCommand,
      request: z.object({
        Member_Account: account,
        WithHugeGroups: flag('GroupInvalidParam').optional(),
        WithNoActiveGroups: flag('GroupInvalidParam').optional(),
        Limit: count('GroupInvalidParam').optional(),
        Offset: count('GroupInvalidParam').optional(),
        GroupType: str('GroupInvalidParam').optional(),
        ResponseFilter: z.object({ GroupBaseInfoFilter: filter, SelfInfoFilter: filter }).optional(),
      }),
      input: (r) => ({
        userId: r.Member_Account,
        withHugeGroups: r.WithHugeGroups === 1,
        withNoActiveGroups: r.WithNoActiveGroups === 1,
        groupType: r.GroupType,
        limit: r.Limit,
        offset: r.Offset,
        withSelfInfo: r.ResponseFilter?.SelfInfoFilter !== undefined,
      }),
      reply: (out, r, ctx) => ({ TotalCount: out.total, GroupIdList: out.groups.map((g) => joinedGroupFields(g, r.Member_Account, ctx.now(), r.ResponseFilter)) }),
    }),
    endpoint({
      command: 'send_group_msg',
      runs: groupSendCommand,
      sendPath: 'group',
      carriesMessage: true,
      // Older wrappers send MsgOnlineOnlyFlag.
      request: renamed(
        { OnlineOnlyFlag: 'MsgOnlineOnlyFlag' },
        z.object({
          GroupId: groupId,
          Random: u32('GroupInvalidParam'),
          MsgBody: z.array(z.unknown(), { error: 'GroupInvalidParam' }),
          From_Account: account.optional(),
          MsgPriority: z.enum(priorities, { error: 'GroupInvalidParam' }).optional(),
          CloudCustomData: str('GroupInvalidParam').optional(),
          OnlineOnlyFlag: flag('GroupInvalidParam').optional(),
          OfflinePushInfo: offlinePushInfo('GroupInvalidParam').optional(),
          SendMsgControl: sendMsgControl('GroupInvalidParam', ['NoUnread', 'NoLastMsg']).optional(),
          SupportMessageExtension: flag('GroupInvalidParam').optional(),
          // Targeted receivers and Community topics are not built yet: refused, never silently sent to everyone.
          To_Account: z.array(z.string({ error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' }).optional(),
          TopicId: z.literal('', { error: 'GroupTopicUnsupported' }).optional(),
          GroupAtInfo: z
            .array(
              z.object({ GroupAtAllFlag: flag('GroupInvalidParam'), GroupAt_Account: str('GroupInvalidParam').optional() }, { error: 'GroupInvalidParam' }),
              { error: 'GroupInvalidParam' },
            )
            .optional(),
          ForbidCallbackControl: z.array(z.string({ error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' }).optional(),
          IsNeedReadReceipt: flag('GroupInvalidParam').optional(),
        }).refine((r) => r.OnlineOnlyFlag !== 1 || (r.SendMsgControl?.length ?? 0) === 0, {
          error: 'SendMsgControl does not go with OnlineOnlyFlag 1',
          path: ['SendMsgControl'],
        }),
      ),
      input: (r) => ({
        groupId: r.GroupId,
        from: r.From_Account,
        random: r.Random,
        body: r.MsgBody,
        cloudCustomData: r.CloudCustomData,
        priority: r.MsgPriority,
        onlineOnly: r.OnlineOnlyFlag === 1,
        atInfo: r.GroupAtInfo?.map((a) => ({ all: a.GroupAtAllFlag === 1, userId: a.GroupAt_Account })),
        to: r.To_Account,
        ...forbidCallbacks(r.ForbidCallbackControl),
        needReadReceipt: r.IsNeedReadReceipt === 1,
        offlinePush: r.OfflinePushInfo,
      }),
      reply: (out) => ({ MsgTime: Math.floor(out.time / 1000), MsgSeq: out.seq, MsgDropReason: out.dropReason ?? '' }),
    }),
    endpoint({
      command: 'group_msg_get_simple',
      runs: groupHistoryCommand,
      request: z.object({
        GroupId: groupId,
        ReqMsgNumber: count('GroupInvalidParam'),
        ReqMsgSeq: count('GroupInvalidParam').optional(),
        WithRecalledMsg: flag('GroupInvalidParam').optional(),
      }),
      input: (r) => ({ groupId: r.GroupId, count: r.ReqMsgNumber, upToSeq: r.ReqMsgSeq, withRecalled: r.WithRecalledMsg === 1 }),
      reply: (page, r) => ({ GroupId: r.GroupId, IsFinished: page.finished ? 1 : 0, RspMsgList: page.items.map(historyMessageFields) }),
    }),
  ],
};
