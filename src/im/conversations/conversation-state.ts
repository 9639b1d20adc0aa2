/**
 * A user's conversation list (Tencent's recent contacts) as a fold over their inbox stream: each
 * stored inbox entry changes at most one conversation, so the inbox actor keeps the rows in memory,
 * stores the rows a batch changed with that batch, and rebuilds any it lost from the entries after
 * the stored `appliedSeq`. Folding is idempotent per row (an entry at or below a row's `seq` is
 * skipped), so entries folded twice after a crash count once.
 *
 * C2C conversations live here whole: last message, unread count, read position. Group messages
 * are not inbox entries (read diffusion), so a group conversation's row holds only the user's side
 * (read SEQ, pin, deletion); its last message and unread count come from the group's stream when
 * the list is read (list-conversations.ts).
 */
import type { ConversationNotice, Entry, InboxNotice } from '../../protocol/entries.ts';
import { FLAG_DELETED } from '../../protocol/entries.ts';

export type ConversationType = 'c2c' | 'group';

export interface ConversationState {
  readonly type: ConversationType;
  /** The other user, or the group. */
  readonly peer: string;
  /** Inbox SEQ of the conversation's last message (C2C); 0 = none. */
  readonly lastSeq: number;
  /** Time of the last message (C2C), Unix ms; 0 = none. */
  readonly lastTime: number;
  /** Received messages not read yet (C2C). */
  readonly unread: number;
  /** Read through this SEQ: the inbox's (C2C), the group stream's (group). */
  readonly readSeq: number;
  /** Read up to this time, Unix ms. */
  readonly readTime: number;
  /** C2C: the other side read this user's messages up to this time, Unix ms. */
  readonly peerReadTime: number;
  /** When it was pinned, Unix ms; 0 = not pinned. */
  readonly pinnedAt: number;
  /** Deleted from the list by the user: hidden until its next message. */
  readonly deleted: boolean;
  /** Inbox SEQ of the last entry that changed it: devices sync the list from a SEQ on. */
  readonly seq: number;
}

/** Tencent's conversation id of a C2C or group conversation. */
export function conversationId(type: ConversationType, peer: string): string {
  return `${type}_${peer}`;
}

/** The type and peer of a conversation id; undefined if it is not one. */
export function parseConversationId(id: string): { type: ConversationType; peer: string } | undefined {
  const m = /^(c2c|group)_(.+)$/s.exec(id);
  return m ? { type: m[1] as ConversationType, peer: m[2] } : undefined;
}

const empty = (type: ConversationType, peer: string): ConversationState => ({
  type,
  peer,
  lastSeq: 0,
  lastTime: 0,
  unread: 0,
  readSeq: 0,
  readTime: 0,
  peerReadTime: 0,
  pinnedAt: 0,
  deleted: false,
  seq: 0,
});

/** What folding one entry does: nothing, a row's new state, or the row removed. */
export type Fold = undefined | { readonly key: string; readonly next: ConversationState | undefined };

/**
 * The change entry `seq` of `me`'s inbox makes to the conversation rows, `rows` being looked up by
 * conversation id. Entries of other kinds, and ones a row has folded already, change nothing.
 */
export function foldEntry(me: string, seq: number, entry: Entry, rows: (key: string) => ConversationState | undefined): Fold {
  switch (entry.kind) {
    case 'c2c': {
      const peer = entry.from === me ? entry.to : entry.from;
      const key = conversationId('c2c', peer);
      const row = rows(key);
      if (row && row.seq >= seq) return undefined;
      const counts = countsUnread(me, entry);
      if (entry.noLastMsg && !counts) return undefined;
      const base = row ?? empty('c2c', peer);
      const last = entry.noLastMsg ? {} : { lastSeq: seq, lastTime: entry.time, deleted: false };
      return { key, next: { ...base, ...last, unread: base.unread + (counts ? 1 : 0), seq } };
    }
    case 'c2c.change': {
      if (!entry.counted || (entry.change !== 'recall' && entry.change !== 'delete')) return undefined;
      const key = conversationId('c2c', entry.from === me ? entry.to : entry.from);
      const row = rows(key);
      if (!row || row.seq >= seq || entry.seq <= row.readSeq || row.unread === 0) return undefined;
      return { key, next: { ...row, unread: row.unread - 1, seq } };
    }
    case 'conversation':
      return foldNotice(seq, entry, rows);
    case 'notice':
      return foldMembership(seq, entry, rows);
    default:
      return undefined;
  }
}

/** Whether a message in `me`'s inbox counts as unread there: received, not NoUnread, not imported history, not deleted. */
export function countsUnread(me: string, m: Extract<Entry, { kind: 'c2c' }>): boolean {
  return m.from !== me && !m.noUnread && m.imported !== 'history' && (m.flags & FLAG_DELETED) === 0;
}

function foldNotice(seq: number, n: ConversationNotice, rows: (key: string) => ConversationState | undefined): Fold {
  const row = rows(n.conversationId);
  if (row && row.seq >= seq) return undefined;
  const parsed = parseConversationId(n.conversationId);
  if (!parsed) return undefined;
  const base = row ?? empty(parsed.type, parsed.peer);
  const key = n.conversationId;
  switch (n.change) {
    case 'read':
      return { key, next: { ...base, readSeq: Math.max(base.readSeq, n.readSeq ?? 0), readTime: Math.max(base.readTime, n.readTime ?? 0), unread: n.unread ?? 0, seq } };
    case 'peerRead':
      return { key, next: { ...base, peerReadTime: Math.max(base.peerReadTime, n.readTime ?? 0), seq } };
    case 'receipt':
      return undefined;
    case 'pin':
      return { key, next: { ...base, pinnedAt: n.time, deleted: false, seq } };
    case 'unpin':
      return { key, next: { ...base, pinnedAt: 0, seq } };
    case 'delete':
      return { key, next: { ...base, deleted: true, unread: 0, pinnedAt: 0, readSeq: Math.max(base.readSeq, n.readSeq ?? 0), seq } };
  }
}

/** Leaving a group, or its dismissal, forgets the user's side of its conversation. */
function foldMembership(seq: number, n: InboxNotice, rows: (key: string) => ConversationState | undefined): Fold {
  if (n.notice !== 'group.left' && n.notice !== 'group.dismissed') return undefined;
  const key = conversationId('group', n.groupId);
  const row = rows(key);
  return row && row.seq < seq ? { key, next: undefined } : undefined;
}
