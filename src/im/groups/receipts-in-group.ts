/**
 * Read receipts of group messages sent with IsNeedReadReceipt (Work, Public and Meeting groups), as
 * the group actor's handlers run them over its state: a member reports reading messages, the
 * receipts are stored (ReceiptStore), and each sender's devices are told the new counts live
 * (`groupReceipt`) while the `group.msg_receipt` event drives Group.CallbackAfterReadReceipt. The
 * counts: members who read it, and members who could read it and have not — the members who had
 * joined when it was sent (all of them where new members read earlier history), or its targeted
 * receivers, never its sender.
 */
import { randomUUID } from 'node:crypto';
import { FLAG_RECALLED, type GroupMessage, type GroupReceiptNotice } from '../../protocol/entries.ts';
import { errors as catalogue, imError } from '../../protocol/errors.ts';
import { makeEvent } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { ReceiptCount, ReceiptMembersPage, ReceiptMembersQuery } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { policyOf } from './group-policy.ts';

/** Tencent takes up to 50 messages per read report; receipt member pages hold up to 200. */
export const MAX_RECEIPT_SEQS = 50;
export const MAX_RECEIPT_PAGE = 200;
const DEFAULT_MAX_MEMBERS = 200;

/** The group keeps read receipts, and is small enough for them. */
function checkReceipts(im: ImContext, s: GroupActorState): void {
  if (!policyOf(s.group.type).receipts) throw imError('GroupReceiptsUnsupported', { type: s.group.type });
  const max = im.limits.receiptMaxMembers ?? DEFAULT_MAX_MEMBERS;
  if (s.members.size > max) throw imError('GroupReceiptTooLarge', { groupId: s.group.groupId, count: s.members.size, max });
}

/** The stored message at `seq` if it asked for read receipts (and was not recalled). */
async function receiptMessage(s: GroupActorState, seq: number): Promise<GroupMessage | undefined> {
  if (!Number.isInteger(seq) || seq < 1 || seq > s.stream.head) return undefined;
  const row = await s.stream.read(seq);
  if (!row || (row.flags & FLAG_RECALLED) !== 0) return undefined;
  const entry = JSON.parse(row.payload) as { kind: string };
  return entry.kind === 'group' && (entry as GroupMessage).needReadReceipt ? (entry as GroupMessage) : undefined;
}

/** Whether `userId`, a member now, could read message `seq`. */
function mayRead(s: GroupActorState, m: GroupMessage, seq: number, userId: string): boolean {
  if (userId === m.from) return false;
  if (m.to) return m.to.includes(userId);
  const member = s.members.get(userId);
  return member !== undefined && (policyOf(s.group.type).preJoinHistory || member.joinSeq < seq);
}

function* readersOf(s: GroupActorState, m: GroupMessage, seq: number): Iterable<string> {
  for (const userId of s.members.keys()) if (mayRead(s, m, seq, userId)) yield userId;
}

function countOf(s: GroupActorState, m: GroupMessage, seq: number, read: ReadonlySet<string>): { read: number; unread: number } {
  let unread = 0;
  for (const userId of readersOf(s, m, seq)) if (!read.has(userId)) unread++;
  return { read: read.size, unread };
}

/** Readers per SEQ, as stored. */
async function readersBySeq(im: ImContext, groupId: string, seqs: readonly number[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>(seqs.map((seq) => [seq, new Set<string>()]));
  for (const r of await im.store.receipts.receiptsOf(groupId, seqs)) out.get(r.seq)?.add(r.userId);
  return out;
}

/**
 * `reader` (a member) read the messages at `seqs`. Every SEQ must be a stored message that asked
 * for receipts (10061 for 0, an online-only message's; 10062 otherwise), else nothing is recorded.
 * The reader's own messages, and messages they could not read, are passed over.
 */
export async function readReceipts(im: ImContext, s: GroupActorState, reader: string, seqs: readonly number[]): Promise<void> {
  checkReceipts(im, s);
  if (!s.members.has(reader)) throw imError('NotGroupMember', { userId: reader, groupId: s.group.groupId });
  const messages = new Map<number, GroupMessage>();
  for (const seq of new Set(seqs)) {
    if (seq === 0) throw imError('GroupReceiptOnline');
    const m = await receiptMessage(s, seq);
    if (!m) throw imError('GroupReceiptMissing', { groupId: s.group.groupId, seq });
    if (mayRead(s, m, seq, reader)) messages.set(seq, m);
  }
  const groupId = s.group.groupId;
  const readers = await readersBySeq(im, groupId, [...messages.keys()]);
  const now = im.now();
  const fresh = [...messages.keys()].filter((seq) => !readers.get(seq)?.has(reader));
  if (fresh.length === 0) return;
  await im.store.receipts.addReceipts(groupId, fresh.map((seq) => ({ seq, userId: reader, time: now })), im.limits.roamingRetentionS);
  const counts = fresh.map((seq) => {
    const read = readers.get(seq) ?? new Set<string>();
    read.add(reader);
    return { seq, ...countOf(s, messages.get(seq) as GroupMessage, seq, read) };
  });
  tellSenders(s, messages, counts, now);
  const stream = groupStream(groupId);
  await s.stream.emit([makeEvent('group.msg_receipt', `${stream}#receipt:${now}:${randomUUID()}`, stream, now, { groupId, groupType: s.group.type, reader, receipts: counts })]);
}

/** Each sender's devices get their messages' new counts, live. */
function tellSenders(s: GroupActorState, messages: ReadonlyMap<number, GroupMessage>, counts: readonly { seq: number; read: number; unread: number }[], now: number): void {
  const bySender = new Map<string, { seq: number; read: number; unread: number }[]>();
  for (const c of counts) {
    const from = messages.get(c.seq)?.from ?? '';
    bySender.set(from, [...(bySender.get(from) ?? []), c]);
  }
  for (const [from, receipts] of bySender) {
    const notice: GroupReceiptNotice = { kind: 'groupReceipt', groupId: s.group.groupId, receipts, time: now };
    s.stream.pushOnline(notice, [from]);
  }
}

/** Whether `caller` may see a message's receipts: App admins any, a user their own. */
const mayInspect = (caller: Caller, m: GroupMessage): boolean => caller.kind === 'admin' || caller.userId === m.from;

/** The counts of each message asked (get_group_msg_receipt; the SDK's getMessageReadReceipts). */
export async function receiptCounts(im: ImContext, s: GroupActorState, caller: Caller, seqs: readonly number[]): Promise<ReceiptCount[]> {
  checkReceipts(im, s);
  const unique = [...new Set(seqs)];
  const messages = await Promise.all(unique.map((seq) => receiptMessage(s, seq)));
  const found = unique.filter((_, i) => messages[i] !== undefined);
  const readers = await readersBySeq(im, s.group.groupId, found);
  const bySeq = new Map(unique.map((seq, i): [number, ReceiptCount] => {
    const m = messages[i];
    if (!m) return [seq, { seq, code: catalogue.GroupReceiptMissing.code, read: 0, unread: 0 }];
    if (!mayInspect(caller, m)) return [seq, { seq, code: catalogue.GroupNoPermission.code, read: 0, unread: 0 }];
    return [seq, { seq, code: 0, ...countOf(s, m, seq, readers.get(seq) ?? new Set()) }];
  }));
  return seqs.map((seq) => bySeq.get(seq) as ReceiptCount);
}

/** A page of the members who read a message, or have not (get_group_msg_receipt_detail; getGroupMessageReadMemberList). */
export async function receiptMembers(im: ImContext, s: GroupActorState, caller: Caller, q: ReceiptMembersQuery): Promise<ReceiptMembersPage> {
  checkReceipts(im, s);
  const m = await receiptMessage(s, q.seq);
  if (!m) throw imError('GroupReceiptMissing', { groupId: s.group.groupId, seq: q.seq });
  if (!mayInspect(caller, m)) throw imError('GroupNoPermission', { detail: `only the sender of MsgSeq ${q.seq} may see who read it` });
  const read = (await readersBySeq(im, s.group.groupId, [q.seq])).get(q.seq) ?? new Set<string>();
  const all = q.unread ? [...readersOf(s, m, q.seq)].filter((u) => !read.has(u)) : [...read];
  const after = all.filter((u) => u > q.cursor).sort();
  const count = Math.min(Math.max(1, q.count), MAX_RECEIPT_PAGE);
  const userIds = after.slice(0, count);
  return { seq: q.seq, userIds, cursor: after.length > count ? userIds[userIds.length - 1] : '' };
}
