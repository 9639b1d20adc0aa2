/** `v4/group_open_http_svc/*`: groups (spec §3.6). */
import { z } from 'zod';
import { MAX_CREATE_MEMBERS, createGroup, parseGroupType } from '../../im/groups/create.ts';
import { groupHistory } from '../../im/groups/history.ts';
import { MAX_INFO_GROUPS, getGroupInfos } from '../../im/groups/info.ts';
import { getJoinedGroups } from '../../im/groups/joined.ts';
import { MAX_ADD_MEMBERS, MAX_DELETE_MEMBERS, addGroupMembers, deleteGroupMembers } from '../../im/groups/members.ts';
import { sendGroupMessage } from '../../im/groups/send.ts';
import { imError } from '../../protocol/errors.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { groupInfoFields, joinedGroupFields, historyMessageFields } from './group-fields.ts';
import { count, flag, keyValues, nonEmpty, renamed, sendMsgControl, str, u32 } from '../wire.ts';
import { offlinePushInfo } from '../offline-push-info.ts';

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
    endpoint({
      command: 'create_group',
      bodyAllowance: MAX_CREATE_MEMBERS * 120,
      request: z.object({
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
        AppDefinedData: keyValues('GroupInvalidParam').optional(),
        MemberList: z
          .array(
            z.object({ Member_Account: account, Role: str('GroupInvalidParam').optional(), AppMemberDefinedData: keyValues('GroupInvalidParam').optional() }),
            { error: 'GroupInvalidParam' },
          )
          .optional(),
      }),
      handle: async (ctx, caller, r) => {
        const out = await createGroup(ctx, caller, {
          owner: r.Owner_Account,
          type: r.Type,
          groupId: r.GroupId,
          name: r.Name,
          introduction: r.Introduction,
          notification: r.Notification,
          faceUrl: r.FaceUrl,
          maxMemberCount: r.MaxMemberCount ?? r.MaxMemberNum,
          applyJoinOption: r.ApplyJoinOption,
          appDefinedData: r.AppDefinedData?.map((kv) => ({ key: kv.Key, value: kv.Value })),
          members: r.MemberList?.map((m) => ({
            userId: m.Member_Account,
            role: m.Role,
            appMemberDefinedData: m.AppMemberDefinedData?.map((kv) => ({ key: kv.Key, value: kv.Value })),
          })),
        });
        return { GroupId: out.groupId, ...(out.type === 'Community' ? { Type: out.type, HugeGroupFlag: 1 } : {}) };
      },
    }),
    endpoint({
      command: 'get_group_info',
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
      handle: async (ctx, _caller, r) => {
        if (r.GroupIdList.length === 0 || r.GroupIdList.length > MAX_INFO_GROUPS) {
          throw imError('GroupInvalidParam', { detail: `GroupIdList must hold 1 to ${MAX_INFO_GROUPS} ids` });
        }
        const results = await getGroupInfos(ctx, r.GroupIdList);
        return {
          GroupInfo: results.map((g) =>
            g.ok
              ? { ErrorCode: 0, ErrorInfo: '', ...groupInfoFields(g.info, ctx.identity.sdkAppId, r.ResponseFilter) }
              : { GroupId: g.groupId, ErrorCode: g.code, ErrorInfo: g.info },
          ),
        };
      },
    }),
    endpoint({
      command: 'add_group_member',
      bodyAllowance: MAX_ADD_MEMBERS * 40,
      request: z.object({
        GroupId: groupId,
        Silence: flag('GroupInvalidParam').optional(),
        MemberList: z.array(z.object({ Member_Account: account }), { error: 'GroupInvalidParam' }),
      }),
      handle: async (ctx, caller, r) => {
        const out = await addGroupMembers(ctx, caller, r.GroupId, r.MemberList.map((m) => m.Member_Account), r.Silence === 1);
        return { MemberList: out.results.map((x) => ({ Member_Account: x.userId, Result: x.result })) };
      },
    }),
    endpoint({
      command: 'delete_group_member',
      bodyAllowance: MAX_DELETE_MEMBERS * 40,
      request: z.object({
        GroupId: groupId,
        Silence: flag('GroupInvalidParam').optional(),
        Reason: str('GroupInvalidParam').optional(),
        MemberToDel_Account: z.array(account, { error: 'GroupInvalidParam' }),
      }),
      handle: async (ctx, caller, r) => {
        await deleteGroupMembers(ctx, caller, r.GroupId, r.MemberToDel_Account, r.Silence === 1, r.Reason ?? '');
        return {};
      },
    }),
    endpoint({
      command: 'get_joined_group_list',
      request: z.object({
        Member_Account: account,
        WithHugeGroups: flag('GroupInvalidParam').optional(),
        WithNoActiveGroups: flag('GroupInvalidParam').optional(),
        Limit: count('GroupInvalidParam').optional(),
        Offset: count('GroupInvalidParam').optional(),
        GroupType: str('GroupInvalidParam').optional(),
        ResponseFilter: z.object({ GroupBaseInfoFilter: filter, SelfInfoFilter: filter }).optional(),
      }),
      handle: async (ctx, _caller, r) => {
        const out = await getJoinedGroups(ctx, {
          userId: r.Member_Account,
          withHugeGroups: r.WithHugeGroups === 1,
          withNoActiveGroups: r.WithNoActiveGroups === 1,
          groupType: r.GroupType === undefined ? undefined : parseGroupType(r.GroupType),
          limit: r.Limit,
          offset: r.Offset ?? 0,
          withSelfInfo: r.ResponseFilter?.SelfInfoFilter !== undefined,
        });
        return { TotalCount: out.total, GroupIdList: out.groups.map((g) => joinedGroupFields(g, r.ResponseFilter)) };
      },
    }),
    endpoint({
      command: 'send_group_msg',
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
          To_Account: z.array(z.string(), { error: 'GroupInvalidParam' }).max(0, { error: 'GroupTargetedUnsupported' }).optional(),
          TopicId: z.literal('', { error: 'GroupTopicUnsupported' }).optional(),
          GroupAtInfo: z
            .array(
              z.object({ GroupAtAllFlag: flag('GroupInvalidParam'), GroupAt_Account: str('GroupInvalidParam').optional() }, { error: 'GroupInvalidParam' }),
              { error: 'GroupInvalidParam' },
            )
            .optional(),
          ForbidCallbackControl: z.array(z.string({ error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' }).optional(),
        }),
      ),
      handle: async (ctx, caller, r) => {
        if (r.OnlineOnlyFlag === 1 && (r.SendMsgControl?.length ?? 0) > 0) {
          throw imError('GroupInvalidParam', { detail: 'SendMsgControl does not go with OnlineOnlyFlag 1' });
        }
        const out = await sendGroupMessage(ctx, caller, {
          groupId: r.GroupId,
          from: r.From_Account ?? caller.userId,
          random: r.Random,
          body: r.MsgBody,
          cloudCustomData: r.CloudCustomData,
          priority: r.MsgPriority,
          onlineOnly: r.OnlineOnlyFlag === 1,
          atInfo: r.GroupAtInfo?.map((a) => ({ all: a.GroupAtAllFlag === 1, userId: a.GroupAt_Account })),
          forbidBeforeCallback: r.ForbidCallbackControl?.includes('ForbidBeforeSendMsgCallback') ?? false,
          forbidAfterCallback: r.ForbidCallbackControl?.includes('ForbidAfterSendMsgCallback') ?? false,
        });
        return { MsgTime: Math.floor(out.time / 1000), MsgSeq: out.seq, MsgDropReason: '' };
      },
    }),
    endpoint({
      command: 'group_msg_get_simple',
      request: z.object({
        GroupId: groupId,
        ReqMsgNumber: count('GroupInvalidParam'),
        ReqMsgSeq: count('GroupInvalidParam').optional(),
        WithRecalledMsg: flag('GroupInvalidParam').optional(),
      }),
      handle: async (ctx, _caller, r) => {
        const page = await groupHistory(ctx, r.GroupId, r.ReqMsgNumber, r.ReqMsgSeq, r.WithRecalledMsg === 1);
        return { GroupId: r.GroupId, IsFinished: page.finished ? 1 : 0, RspMsgList: page.items.map(historyMessageFields) };
      },
    }),
  ],
};
