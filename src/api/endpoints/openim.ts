/** `v4/openim/*`: C2C messages (spec §3.2). */
import { z } from 'zod';
import { MAX_BATCH_TARGETS, batchSendCommand } from '../../im/c2c/batch-send.ts';
import { modifyC2CCommand, recallC2CCommand } from '../../im/c2c/change.ts';
import { importC2CCommand } from '../../im/c2c/import.ts';
import { c2cReadReceiptCommand } from '../../im/c2c/read-receipt.ts';
import { MAX_UNREAD_PEERS, readConversationCommand, unreadCountsCommand } from '../../im/conversations/conversation-commands.ts';
import { conversationId } from '../../im/conversations/conversation-state.ts';
import { roamingCommand } from '../../im/c2c/roaming.ts';
import { MAX_STATUS_ACCOUNTS, type StatusAnswer, queryStatusCommand } from '../../im/presence/query-status.ts';
import type { Platform } from '../../protocol/client-ops.ts';
import { type SenderSync, sendC2CCommand } from '../../im/c2c/send.ts';
import { FLAG_RECALLED } from '../../protocol/entries.ts';
import { modifyMessageCommand } from '../../im/groups/modify-message.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { offlinePushInfo } from '../../protocol/push.ts';
import { count, flag, forbidCallbacks, nonEmpty, renamed, sendMsgControl, str, u32 } from '../wire.ts';

/** Fields shared by sendmsg and batchsendmsg. */
const messageFields = {
  SyncOtherMachine: z.union([z.literal(1), z.literal(2)], { error: 'SyncOtherMachineInvalid' }).optional(),
  From_Account: str('FromAccountNotFound').optional(),
  MsgLifeTime: count('MsgLifeTimeInvalid').optional(),
  MsgSeq: u32('MsgSeqInvalid').optional(),
  MsgRandom: u32('MsgRandomInvalid'),
  MsgBody: z.array(z.unknown(), { error: 'MsgBodyNotArray' }),
  CloudCustomData: str('C2CInvalidParam').optional(),
  OfflinePushInfo: offlinePushInfo('OfflinePushInfoInvalid').optional(),
  SendMsgControl: sendMsgControl('C2CInvalidParam', ['NoUnread', 'NoLastMsg', 'WithMuteNotifications']).optional(),
  IsNeedReadReceipt: flag('C2CInvalidParam').optional(),
  SupportMessageExtension: flag('C2CInvalidParam').optional(),
  ForbidCallbackControl: z.array(z.string({ error: 'C2CInvalidParam' }), { error: 'C2CInvalidParam' }).optional(),
};

const senderSync = (v: 1 | 2 | undefined): SenderSync | undefined => (v === 1 ? 'push' : v === 2 ? 'skip' : undefined);

type MessageFields = z.output<z.ZodObject<typeof messageFields>>;

/** The fields sendmsg and batchsendmsg share, as command input. */
const messageInput = (r: MessageFields) => ({
  from: r.From_Account,
  body: r.MsgBody,
  cloudCustomData: r.CloudCustomData,
  random: r.MsgRandom,
  msgSeq: r.MsgSeq,
  lifetimeS: r.MsgLifeTime,
  senderSync: senderSync(r.SyncOtherMachine),
  noUnread: r.SendMsgControl?.includes('NoUnread') ?? false,
  noLastMsg: r.SendMsgControl?.includes('NoLastMsg') ?? false,
  needReadReceipt: r.IsNeedReadReceipt === 1,
  offlinePush: r.OfflinePushInfo,
});

/** Platform names of query_online_status's Detail; the older querystate says `IPhone`. */
const TENCENT_PLATFORM: Readonly<Record<Platform, string>> = { iOS: 'iPhone', Android: 'Android', Web: 'Web', Windows: 'PC', Linux: 'PC', Mac: 'Mac', iPad: 'iPad' };

/** query_online_status's QueryResult (`Status`), or querystate's older one (`State`, `IPhone`). */
function statusReply(a: StatusAnswer, legacy: boolean) {
  const platform = (p: Platform): string => (legacy && p === 'iOS' ? 'IPhone' : TENCENT_PLATFORM[p]);
  return {
    QueryResult: a.statuses.map((s) => ({
      To_Account: s.userId,
      [legacy ? 'State' : 'Status']: s.status,
      ...(s.devices ? { Detail: s.devices.map((d) => ({ Platform: platform(d.platform), Status: d.status })) } : {}),
    })),
    ErrorList: a.errors.map((e) => ({ To_Account: e.userId, ErrorCode: e.code })),
  };
}

export const openimService: Service = {
  name: 'openim',
  bodyJson: 'C2CBodyJson',
  invalid: 'C2CInvalidParam',
  adminRequired: 'C2CAdminRequired',
  internal: 'C2CInternal',
  endpoints: [
    endpoint({
      command: 'sendmsg',
      runs: sendC2CCommand,
      sendPath: 'c2c',
      carriesMessage: true,
      request: z.object({ ...messageFields, To_Account: nonEmpty('ToAccountInvalid') }),
      input: (r) => ({ ...messageInput(r), to: r.To_Account, ...forbidCallbacks(r.ForbidCallbackControl) }),
      reply: (out) => ({ MsgTime: Math.floor(out.time / 1000), MsgKey: out.msgKey }),
    }),
    endpoint({
      command: 'batchsendmsg',
      runs: batchSendCommand,
      bodyAllowance: MAX_BATCH_TARGETS * 40,
      carriesMessage: true,
      request: z.object({ ...messageFields, To_Account: z.array(nonEmpty('ToAccountInvalid'), { error: 'ToAccountInvalid' }) }),
      // batchsendmsg calls back nothing: ForbidCallbackControl has nothing to skip.
      input: (r) => ({ ...messageInput(r), to: r.To_Account }),
      reply: (out) => ({
        ...(out.errors.length > 0 ? { ActionStatus: 'SomeError' } : {}),
        MsgKey: out.msgKey,
        ErrorList: out.errors.map((e) => ({ To_Account: e.userId, ErrorCode: e.code })),
      }),
    }),
    endpoint({
      command: 'admin_getroammsg',
      runs: roamingCommand,
      // The earlier page names the two accounts From_Account / To_Account; published SDKs still send those.
      request: renamed(
        { Operator_Account: 'From_Account', Peer_Account: 'To_Account' },
        z.object({
          Operator_Account: nonEmpty('C2CInvalidParam'),
          Peer_Account: nonEmpty('C2CInvalidParam'),
          MaxCnt: count('C2CInvalidParam'),
          MinTime: count('C2CInvalidParam'),
          MaxTime: count('C2CInvalidParam'),
          LastMsgKey: str('RoamMsgKeyInvalid').optional(),
        }),
      ),
      input: (r) => ({ operator: r.Operator_Account, peer: r.Peer_Account, maxCount: r.MaxCnt, minTime: r.MinTime, maxTime: r.MaxTime, lastMsgKey: r.LastMsgKey }),
      reply: (page) => {
        const last = page.messages[page.messages.length - 1];
        return {
          Complete: page.complete ? 1 : 0,
          MsgCnt: page.messages.length,
          LastMsgTime: last ? Math.floor(last.time / 1000) : 0,
          LastMsgKey: last?.msgKey ?? '',
          MsgList: page.messages.map((m) => ({
            From_Account: m.from,
            To_Account: m.to,
            MsgSeq: m.msgSeq,
            MsgRandom: m.random,
            MsgTimeStamp: Math.floor(m.time / 1000),
            MsgFlagBits: m.flags & FLAG_RECALLED,
            IsPeerRead: 0,
            MsgKey: m.msgKey,
            MsgBody: m.body,
            CloudCustomData: m.cloudCustomData ?? '',
          })),
        };
      },
    }),
    endpoint({
      command: 'importmsg',
      runs: importC2CCommand,
      carriesMessage: true,
      request: z.object({
        SyncFromOldSystem: z.union([z.literal(2), z.literal(5)], { error: 'SyncFromOldSystemInvalid' }),
        From_Account: nonEmpty('FromAccountNotFound'),
        To_Account: nonEmpty('ToAccountInvalid'),
        MsgSeq: u32('MsgSeqInvalid').optional(),
        MsgRandom: u32('MsgRandomInvalid'),
        MsgTimeStamp: count('MsgTimeStampInvalid'),
        MsgBody: z.array(z.unknown(), { error: 'MsgBodyNotArray' }),
        CloudCustomData: str('C2CInvalidParam').optional(),
      }),
      input: (r) => ({
        mode: r.SyncFromOldSystem,
        from: r.From_Account,
        to: r.To_Account,
        msgSeq: r.MsgSeq,
        random: r.MsgRandom,
        timeS: r.MsgTimeStamp,
        body: r.MsgBody,
        cloudCustomData: r.CloudCustomData,
      }),
    }),
    endpoint({
      command: 'admin_msgwithdraw',
      runs: recallC2CCommand,
      request: z.object({ From_Account: nonEmpty('C2CInvalidParam'), To_Account: nonEmpty('C2CInvalidParam'), MsgKey: str('C2CMsgKeyInvalid') }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account, msgKey: r.MsgKey }),
    }),
    endpoint({
      command: 'modify_c2c_msg',
      runs: modifyC2CCommand,
      carriesMessage: true,
      request: z.object({
        From_Account: nonEmpty('C2CInvalidParam'),
        To_Account: nonEmpty('C2CInvalidParam'),
        MsgKey: str('C2CMsgKeyInvalid'),
        MsgBody: z.array(z.unknown(), { error: 'MsgBodyNotArray' }).optional(),
        CloudCustomData: str('C2CInvalidParam').optional(),
      }),
      input: (r) => ({ from: r.From_Account, to: r.To_Account, msgKey: r.MsgKey, body: r.MsgBody, cloudCustomData: r.CloudCustomData }),
      // Tencent answers this command's success with ErrorInfo "succeed" (spec §3.2).
      reply: () => ({ ErrorInfo: 'succeed' }),
    }),
    ...(['query_online_status', 'querystate'] as const).map((command) =>
      endpoint({
        command,
        runs: queryStatusCommand,
        bodyAllowance: MAX_STATUS_ACCOUNTS * 40,
        request: z.object({ To_Account: z.array(nonEmpty('C2CInvalidParam'), { error: 'C2CInvalidParam' }), IsNeedDetail: flag('C2CInvalidParam').optional() }),
        input: (r) => ({ userIds: r.To_Account, detail: r.IsNeedDetail === 1 }),
        reply: (a) => statusReply(a, command === 'querystate'),
      }),
    ),
    endpoint({
      command: 'admin_set_msg_read',
      runs: readConversationCommand,
      request: z.object({
        Report_Account: nonEmpty('C2CInvalidParam'),
        Peer_Account: nonEmpty('C2CInvalidParam'),
        // Unix seconds, as a number or a string of digits; absent = now.
        MsgReadTime: z.union([count('C2CInvalidParam'), z.string().regex(/^\d+$/, { error: 'C2CInvalidParam' }).transform(Number)], { error: 'C2CInvalidParam' }).optional(),
      }),
      // Everything sent in MsgReadTime's second or before is read.
      input: (r) => ({ userId: r.Report_Account, conversationId: conversationId('c2c', r.Peer_Account), ...(r.MsgReadTime !== undefined ? { readTime: r.MsgReadTime * 1000 + 999 } : {}) }),
    }),
    endpoint({
      command: 'c2c_msg_read_receipt',
      runs: c2cReadReceiptCommand,
      request: z
        .object({
          Operator_Account: nonEmpty('C2CInvalidParam'),
          Peer_Account: nonEmpty('C2CInvalidParam'),
          C2CMsgInfo: z.array(z.object({ From_Account: nonEmpty('C2CInvalidParam'), To_Account: nonEmpty('C2CInvalidParam'), MsgKey: str('C2CInvalidParam') }), { error: 'C2CInvalidParam' }),
        })
        // Each message was sent by the peer to the reader.
        .refine((r) => r.C2CMsgInfo.every((m) => m.From_Account === r.Peer_Account && m.To_Account === r.Operator_Account), {
          error: 'every C2CMsgInfo item must be From_Account Peer_Account, To_Account Operator_Account',
          path: ['C2CMsgInfo'],
        }),
      input: (r) => ({ reader: r.Operator_Account, peer: r.Peer_Account, msgKeys: r.C2CMsgInfo.map((m) => m.MsgKey) }),
    }),
    endpoint({
      command: 'get_c2c_unread_msg_num',
      runs: unreadCountsCommand,
      request: z.object({
        To_Account: nonEmpty('C2CInvalidParam'),
        Peer_Account: z.array(nonEmpty('C2CInvalidParam'), { error: 'C2CInvalidParam' }).max(MAX_UNREAD_PEERS, { error: 'C2CInvalidParam' }).optional(),
      }),
      input: (r) => ({ userId: r.To_Account, peers: r.Peer_Account }),
      reply: (a) =>
        a.peers
          ? { C2CUnreadMsgNumList: a.peers.map((p) => ({ Peer_Account: p.userId, C2CUnreadMsgNum: p.unread })), ...(a.errors.length > 0 ? { ErrorList: a.errors.map((e) => ({ Peer_Account: e.userId, ErrorCode: e.code })) } : {}) }
          : { AllC2CUnreadMsgNum: a.c2c },
    }),
    endpoint({
      command: 'modify_group_msg',
      runs: modifyMessageCommand,
      carriesMessage: true,
      request: z.object({
        GroupId: nonEmpty('GroupInvalidParam'),
        MsgSeq: count('GroupInvalidParam'),
        MsgBody: z.array(z.unknown(), { error: 'GroupInvalidParam' }).optional(),
        CloudCustomData: str('GroupInvalidParam').optional(),
        TopicId: z.literal('', { error: 'GroupTopicUnsupported' }).optional(),
      }),
      input: (r) => ({ groupId: r.GroupId, seq: r.MsgSeq, body: r.MsgBody, cloudCustomData: r.CloudCustomData }),
    }),
  ],
};
