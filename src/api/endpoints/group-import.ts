/**
 * `v4/group_open_http_svc/*` migration commands (spec §3.6, §8.6): import_group, import_group_member,
 * import_group_msg and set_unread_msg_num. Times on the wire are Unix seconds.
 */
import { z } from 'zod';
import { MAX_CREATE_MEMBERS } from '../../im/groups/create.ts';
import { importGroupCommand } from '../../im/groups/import-group.ts';
import { MAX_IMPORT_MEMBERS, importMembersCommand } from '../../im/groups/import-members.ts';
import { MAX_IMPORT_MESSAGES, importMessagesCommand } from '../../im/groups/import-messages.ts';
import { setUnreadCommand } from '../../im/groups/set-unread.ts';
import { type Endpoint, endpoint } from '../endpoint.ts';
import { flag, nonEmpty, str, u32 } from '../wire.ts';
import { createGroupFields, createGroupRequest } from './group-create-wire.ts';

const groupId = nonEmpty('GroupInvalidParam');
const account = nonEmpty('GroupInvalidParam');
const seconds = (ms: number): number => Math.floor(ms / 1000);
/** Room for one imported message of the default size (12 KB) and its fields. */
const MESSAGE_ALLOWANCE = 12 * 1024 + 256;

export const groupImportEndpoints: readonly Endpoint[] = [
  endpoint({
    command: 'import_group',
    runs: importGroupCommand,
    bodyAllowance: MAX_CREATE_MEMBERS * 120,
    request: createGroupRequest.extend({ CreateTime: u32('GroupInvalidParam').optional() }),
    input: (r) => ({ ...createGroupFields(r), createTimeS: r.CreateTime }),
    reply: (out) => ({ GroupId: out.groupId }),
  }),
  endpoint({
    command: 'import_group_member',
    runs: importMembersCommand,
    bodyAllowance: MAX_IMPORT_MEMBERS * 100,
    request: z.object({
      GroupId: groupId,
      MemberList: z.array(
        z.object({
          Member_Account: account,
          Role: str('GroupInvalidParam').optional(),
          JoinTime: u32('GroupInvalidParam').optional(),
          UnreadMsgNum: u32('GroupInvalidParam').optional(),
        }, { error: 'GroupInvalidParam' }),
        { error: 'GroupInvalidParam' },
      ),
    }),
    input: (r) => ({
      groupId: r.GroupId,
      members: r.MemberList.map((m) => ({ userId: m.Member_Account, role: m.Role, joinTimeS: m.JoinTime, unread: m.UnreadMsgNum })),
    }),
    reply: (out) => ({ MemberList: out.results.map((x) => ({ Member_Account: x.userId, Result: x.result })) }),
  }),
  endpoint({
    command: 'import_group_msg',
    runs: importMessagesCommand,
    carriesMessage: true,
    bodyAllowance: MAX_IMPORT_MESSAGES * MESSAGE_ALLOWANCE,
    request: z.object({
      GroupId: groupId,
      // Conversations (recent contacts) do not exist yet: accepted, changes nothing.
      RecentContactFlag: flag('GroupInvalidParam').optional(),
      TopicId: z.literal('', { error: 'GroupTopicUnsupported' }).optional(),
      MsgList: z.array(
        z.object({
          From_Account: account,
          SendTime: u32('GroupInvalidParam'),
          Random: u32('GroupInvalidParam').optional(),
          MsgBody: z.array(z.unknown(), { error: 'GroupInvalidParam' }),
          CloudCustomData: str('GroupInvalidParam').optional(),
        }, { error: 'GroupInvalidParam' }),
        { error: 'GroupInvalidParam' },
      ),
    }),
    input: (r) => ({
      groupId: r.GroupId,
      messages: r.MsgList.map((m) => ({ from: m.From_Account, sendTimeS: m.SendTime, random: m.Random, body: m.MsgBody, cloudCustomData: m.CloudCustomData })),
    }),
    reply: (out) => ({ ImportMsgResult: out.map((x) => ({ MsgSeq: x.seq, MsgTime: seconds(x.time), Result: x.code })) }),
  }),
  endpoint({
    command: 'set_unread_msg_num',
    runs: setUnreadCommand,
    request: z.object({ GroupId: groupId, Member_Account: account, UnreadMsgNum: u32('GroupInvalidParam') }),
    input: (r) => ({ groupId: r.GroupId, userId: r.Member_Account, count: r.UnreadMsgNum }),
  }),
];
