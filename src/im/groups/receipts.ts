/**
 * Group message read receipts (receipts-in-group.ts): `group.readReceipt` (REST group_msg_receipt;
 * the SDK's sendMessageReadReceipts), `group.receipts` (get_group_msg_receipt; getMessageReadReceipts)
 * and `group.receiptMembers` (get_group_msg_receipt_detail; getGroupMessageReadMemberList).
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';
import type { ReceiptCount, ReceiptMembersPage } from '../actor-api.ts';
import { MAX_RECEIPT_PAGE, MAX_RECEIPT_SEQS } from './receipts-in-group.ts';

const seqList = z.array(z.number().int().min(0));

function checkSeqs(seqs: readonly number[]): void {
  if (seqs.length === 0) throw imError('GroupInvalidParam', { detail: 'MsgSeqList is empty' });
  if (seqs.length > MAX_RECEIPT_SEQS) throw imError('GroupInvalidParam', { detail: `MsgSeqList holds ${seqs.length} SEQs, at most ${MAX_RECEIPT_SEQS} are allowed` });
}

export const readReceiptCommand = defineCommand({
  name: 'group.readReceipt',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), userId: z.string().optional(), seqs: seqList }),
  run: async (ctx, caller, i): Promise<void> => {
    requireGroupId(i.groupId);
    checkSeqs(i.seqs);
    // An App admin reports for a member (From_Account), who must be an account.
    const userId = caller.kind === 'user' ? caller.userId : (i.userId ?? '');
    if (caller.kind === 'admin' && !(userId && (await ctx.accounts.exists(userId)))) throw imError('GroupMemberAccountNotFound', { userId });
    await ctx.actors.group(i.groupId).call({ op: 'readReceipts', userId, seqs: i.seqs });
  },
});

export const receiptCountsCommand = defineCommand({
  name: 'group.receipts',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), seqs: seqList }),
  run: (ctx, caller, i): Promise<readonly ReceiptCount[]> => {
    requireGroupId(i.groupId);
    checkSeqs(i.seqs);
    return ctx.actors.group(i.groupId).call({ op: 'receiptCounts', operator: caller, seqs: i.seqs });
  },
});

export const receiptMembersCommand = defineCommand({
  name: 'group.receiptMembers',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({
    groupId: z.string(),
    seq: z.number().int().min(0),
    unread: z.boolean().default(false),
    cursor: z.string().default(''),
    // Tencent takes more and answers 200.
    count: z.number().int().min(1).default(MAX_RECEIPT_PAGE).transform((n) => Math.min(n, MAX_RECEIPT_PAGE)),
  }),
  run: (ctx, caller, i): Promise<ReceiptMembersPage> => {
    requireGroupId(i.groupId);
    if (i.seq === 0) throw imError('GroupReceiptOnline');
    return ctx.actors.group(i.groupId).call({ op: 'receiptMembers', operator: caller, query: { seq: i.seq, unread: i.unread, cursor: i.cursor, count: i.count } });
  },
});
