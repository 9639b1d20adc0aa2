/**
 * The rule of a change to one conversation of a user, applied by their inbox actor: what
 * `conversation` notice it appends (conversation-state.ts folds it into the row), or none when
 * nothing would change. Commands resolve what the inbox cannot know first (a group's head SEQ).
 */
import type { MessageLog, StoredEntry } from '../../../storage/store.ts';
import type { C2CMessage, ConversationNotice } from '../../protocol/entries.ts';
import { FLAG_DELETED, FLAG_RECALLED } from '../../protocol/entries.ts';
import { findC2CCopy } from '../c2c/find-copy.ts';
import { msgKeySecond } from '../c2c/msg-key.ts';
import { imError } from '../../protocol/errors.ts';
import { type ConversationState, countsUnread, parseConversationId } from './conversation-state.ts';

export type ConversationChange =
  /** Read: C2C up to `readTime` (Unix ms; absent = everything), a group through `groupSeq`. */
  | { readonly kind: 'read'; readonly conversationId: string; readonly operator: string; readonly readTime?: number; readonly groupSeq?: number }
  /** The other side of a C2C conversation read the user's messages up to `readTime`. */
  | { readonly kind: 'peerRead'; readonly conversationId: string; readonly operator: string; readonly readTime: number }
  /** The other side of a C2C conversation read these messages the user sent with IsNeedReadReceipt. */
  | { readonly kind: 'receipt'; readonly conversationId: string; readonly operator: string; readonly msgKeys: readonly string[] }
  | { readonly kind: 'pin' | 'unpin'; readonly conversationId: string; readonly operator: string }
  /** Delete from the list; `clearHistory` also deletes the user's copies of its C2C messages; a group's is hidden through `groupSeq`. */
  | { readonly kind: 'delete'; readonly conversationId: string; readonly operator: string; readonly clearHistory: boolean; readonly groupSeq?: number };

export interface ConversationChangeOutcome {
  /** Whether a notice was appended (false: nothing to change). */
  readonly changed: boolean;
  /** Unread messages of the conversation before and after the change. */
  readonly unreadBefore: number;
  readonly unread: number;
  /** Read up to (Unix ms), after the change. */
  readonly readTime: number;
}

/** What the inbox gives the rule: its user, stream, the row and the clock. */
export interface InboxSide {
  readonly me: string;
  readonly streamId: string;
  readonly log: MessageLog;
  readonly row: ConversationState | undefined;
  /** The user's C2C unread messages in all, and how many conversations are pinned, before the change. */
  readonly totalUnread: number;
  readonly pinned: number;
  readonly now: number;
}

/** Tencent's limit of pinned conversations per user (51012 beyond). */
export const MAX_PINNED = 50;

/** The notice a change appends, with the outcome to answer once it is stored; no notice when nothing changes. */
export async function planChange(side: InboxSide, c: ConversationChange): Promise<{ notice?: ConversationNotice; outcome: ConversationChangeOutcome }> {
  const { row, now } = side;
  const unreadBefore = row?.unread ?? 0;
  const unchanged = { outcome: { changed: false, unreadBefore, unread: unreadBefore, readTime: row?.readTime ?? 0 } };
  const base = { kind: 'conversation' as const, conversationId: c.conversationId, time: now, operator: c.operator };
  switch (c.kind) {
    case 'read': {
      const read = await readPosition(side, c);
      if (!read) return unchanged;
      const c2c = c.groupSeq === undefined;
      const notice: ConversationNotice = { ...base, change: 'read', ...read, ...(c2c ? { totalUnread: side.totalUnread - unreadBefore + read.unread } : {}) };
      return { notice, outcome: { changed: true, unreadBefore, unread: read.unread, readTime: read.readTime } };
    }
    case 'peerRead':
      if (row && row.peerReadTime >= c.readTime) return unchanged;
      return { notice: { ...base, change: 'peerRead', readTime: c.readTime }, outcome: { ...unchanged.outcome, changed: true } };
    case 'receipt': {
      const msgKeys = await receiptsAsked(side, c.conversationId, c.msgKeys);
      if (msgKeys.length === 0) return unchanged;
      return { notice: { ...base, change: 'receipt', msgKeys }, outcome: { ...unchanged.outcome, changed: true } };
    }
    case 'pin':
    case 'unpin':
      if ((c.kind === 'pin') === (row !== undefined && row.pinnedAt > 0 && !row.deleted)) return unchanged;
      if (c.kind === 'pin' && side.pinned >= MAX_PINNED) throw imError('ContactPinnedLimit', { userId: side.me, max: MAX_PINNED });
      return { notice: { ...base, change: c.kind }, outcome: { ...unchanged.outcome, changed: true } };
    case 'delete': {
      // A C2C conversation never had a row: nothing to delete (a group's is listed from membership).
      if (!row && c.groupSeq === undefined) return unchanged;
      if (c.clearHistory) await clearHistory(side, c.conversationId);
      const notice: ConversationNotice = { ...base, change: 'delete', ...(c.groupSeq !== undefined ? { readSeq: c.groupSeq } : {}), ...(c.clearHistory ? { clearHistory: true } : {}) };
      return { notice, outcome: { changed: true, unreadBefore, unread: 0, readTime: row?.readTime ?? 0 } };
    }
  }
}

/** Where a read leaves the conversation; undefined when it reads nothing new. */
async function readPosition(side: InboxSide, c: Extract<ConversationChange, { kind: 'read' }>): Promise<{ readSeq: number; readTime: number; unread: number } | undefined> {
  const { row, now } = side;
  if (c.groupSeq !== undefined) {
    if (row && row.readSeq >= c.groupSeq) return undefined;
    return { readSeq: c.groupSeq, readTime: now, unread: 0 };
  }
  if (!row || row.deleted) return undefined;
  const readTime = c.readTime ?? now;
  if (row.unread === 0 && readTime <= row.readTime) return undefined;
  if (readTime >= row.lastTime || row.unread === 0) return { readSeq: Math.max(row.readSeq, row.lastSeq), readTime: Math.max(readTime, row.readTime), unread: 0 };
  // Part of the conversation stays unread: count the unread messages after readTime, oldest last.
  const later = await unreadAfter(side, row, readTime);
  const unread = Math.min(row.unread, later.length);
  const firstUnread = later[unread - 1];
  return { readSeq: firstUnread === undefined ? Math.max(row.readSeq, row.lastSeq) : Math.max(row.readSeq, firstUnread - 1), readTime: Math.max(readTime, row.readTime), unread };
}

/**
 * The MsgKeys among `msgKeys` of messages this user sent to the conversation's peer with
 * IsNeedReadReceipt (and did not recall); 20022 for one this inbox does not hold.
 */
async function receiptsAsked(side: InboxSide, conversationId: string, msgKeys: readonly string[]): Promise<string[]> {
  const peer = parseConversationId(conversationId)?.peer ?? '';
  const asked: string[] = [];
  for (const msgKey of new Set(msgKeys)) {
    const second = msgKeySecond(msgKey) ?? 0;
    const row = await findC2CCopy(side.log, side.streamId, peer, second, (m) => m.msgKey === msgKey && m.from === side.me && m.to === peer);
    if (!row || (row.flags & FLAG_DELETED) !== 0) throw imError('C2CMsgNotFound', { msgKey, from: side.me, to: peer });
    const m = JSON.parse(row.payload) as C2CMessage;
    if (m.needReadReceipt && (row.flags & FLAG_RECALLED) === 0) asked.push(msgKey);
  }
  return asked;
}

/** Page size of walks through a conversation's messages. */
const PAGE = 200;

/** The inbox's copies of messages with `peer` sent after `minTime`, newest first, page by page (the roaming index). */
async function* conversationRows(side: InboxSide, peer: string, minTime: number): AsyncGenerator<StoredEntry> {
  let before: { time: number; seq: number } | undefined;
  for (;;) {
    const page = await side.log.readConversation({ streamId: side.streamId, peer, minTime, maxTime: Number.MAX_SAFE_INTEGER, limit: PAGE, ...(before ? { before } : {}) });
    yield* page;
    if (page.length < PAGE) return;
    const last = page[page.length - 1];
    before = { time: last.time, seq: last.seq };
  }
}

/** SEQs of the messages counted unread after `readTime`, newest first, at most the row's unread count. */
async function unreadAfter(side: InboxSide, row: ConversationState, readTime: number): Promise<number[]> {
  const seqs: number[] = [];
  for await (const e of conversationRows(side, row.peer, readTime + 1)) {
    if (seqs.length === row.unread) break;
    if (e.seq > row.readSeq && (e.flags & FLAG_DELETED) === 0 && countsUnread(side.me, JSON.parse(e.payload) as C2CMessage)) seqs.push(e.seq);
  }
  return seqs;
}

/** Deletes every copy of a C2C conversation's messages in this inbox (Tencent ClearRamble); a group's history is not the user's to delete. */
async function clearHistory(side: InboxSide, conversationId: string): Promise<void> {
  const parsed = parseConversationId(conversationId);
  if (parsed?.type !== 'c2c') return;
  for await (const e of conversationRows(side, parsed.peer, 0)) {
    if ((e.flags & FLAG_DELETED) === 0) await side.log.updateEntry(side.streamId, e.seq, { flags: e.flags | FLAG_DELETED });
  }
}
