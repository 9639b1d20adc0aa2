/**
 * `c2c.readReceipt` (REST openim/c2c_msg_read_receipt; the SDK's sendMessageReadReceipts in C2C):
 * the reader tells the sender they read messages it sent with IsNeedReadReceipt. The sender's inbox
 * checks each MsgKey against its own copy (20022 for one it does not hold, nothing sent then) and
 * appends a `conversation` notice (`change: 'receipt'`) naming those that asked, which the sender's
 * devices sync. Messages that asked for no receipt are passed over.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { conversationId } from '../conversations/conversation-state.ts';
import { msgKeySecond } from './msg-key.ts';

/** Messages one receipt may name. */
export const MAX_RECEIPT_KEYS = 100;

export const c2cReadReceiptCommand = defineCommand({
  name: 'c2c.readReceipt',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ reader: z.string().optional(), peer: z.string(), msgKeys: z.array(z.string()) }),
  run: async (ctx, caller, i): Promise<void> => {
    if (i.msgKeys.length === 0 || i.msgKeys.length > MAX_RECEIPT_KEYS) throw imError('C2CInvalidParam', { detail: `name 1 to ${MAX_RECEIPT_KEYS} messages in one read receipt` });
    for (const msgKey of i.msgKeys) if (msgKeySecond(msgKey) === undefined) throw imError('C2CMsgKeyInvalid', { msgKey });
    const reader = caller.kind === 'user' ? caller.userId : (i.reader ?? '');
    const missing = await ctx.accounts.missing([reader, i.peer]);
    if (missing.includes(reader)) throw imError('FromAccountNotFound', { userId: reader });
    if (missing.includes(i.peer)) throw imError('ToAccountNotFound', { userId: i.peer });
    const change = { kind: 'receipt' as const, conversationId: conversationId('c2c', reader), operator: caller.userId, msgKeys: i.msgKeys };
    await ctx.actors.inbox(i.peer).call({ op: 'changeConversation', change });
  },
});
