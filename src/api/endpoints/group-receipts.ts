/**
 * Group message read receipts over REST (`v4/group_open_http_svc/*`): group_msg_receipt (a member
 * reports reading), get_group_msg_receipt (counts per message) and get_group_msg_receipt_detail (who
 * read it, or has not). MsgSeqList items are `{MsgSeq}`.
 */
import { z } from 'zod';
import { readReceiptCommand, receiptCountsCommand, receiptMembersCommand } from '../../im/groups/receipts.ts';
import { type Endpoint, endpoint } from '../endpoint.ts';
import { count, flag, nonEmpty, str } from '../wire.ts';

const groupId = nonEmpty('GroupInvalidParam');
const seqList = z.array(z.object({ MsgSeq: count('GroupInvalidParam') }, { error: 'GroupInvalidParam' }), { error: 'GroupInvalidParam' });

export const groupReceiptEndpoints: readonly Endpoint[] = [
  endpoint({
    command: 'group_msg_receipt',
    runs: readReceiptCommand,
    request: z.object({ GroupId: groupId, From_Account: nonEmpty('GroupInvalidParam'), MsgSeqList: seqList }),
    input: (r) => ({ groupId: r.GroupId, userId: r.From_Account, seqs: r.MsgSeqList.map((x) => x.MsgSeq) }),
  }),
  endpoint({
    command: 'get_group_msg_receipt',
    runs: receiptCountsCommand,
    request: z.object({ GroupId: groupId, MsgSeqList: seqList }),
    input: (r) => ({ groupId: r.GroupId, seqs: r.MsgSeqList.map((x) => x.MsgSeq) }),
    reply: (counts) => ({ GroupMsgReceiptList: counts.map((c) => ({ Code: c.code, MsgSeq: c.seq, ReadNum: c.read, UnreadNum: c.unread })) }),
  }),
  endpoint({
    command: 'get_group_msg_receipt_detail',
    runs: receiptMembersCommand,
    request: z.object({ GroupId: groupId, MsgSeq: count('GroupInvalidParam'), Filter: flag('GroupInvalidParam').optional(), Cursor: str('GroupInvalidParam').optional(), Count: count('GroupInvalidParam').optional() }),
    input: (r) => ({ groupId: r.GroupId, seq: r.MsgSeq, unread: r.Filter === 1, cursor: r.Cursor ?? '', ...(r.Count ? { count: r.Count } : {}) }),
    reply: (page, r) => ({
      IsFinished: page.cursor === '' ? 1 : 0,
      MsgSeq: page.seq,
      ...(r.Filter === 1 ? { UnreadList: page.userIds.map((u) => ({ Unread_Account: u })) } : { ReadList: page.userIds.map((u) => ({ Read_Account: u })) }),
      Cursor: page.cursor,
    }),
  }),
];
