/**
 * A user's conversation groups and conversation marks (Tencent's 会话分组 and 会话标记, REST
 * recentcontact/*_contact_group and mark_contact), folded from the `contact` notices of their inbox
 * like the conversation rows (conversation-state.ts) and stored beside them in the inbox's projection:
 * one row holds the groups, one row per marked or grouped conversation its marks. They live apart
 * from the conversation list (a conversation can be marked whether it is listed or not).
 *
 * Not to be confused with IM groups: a conversation group is a named folder of the user's conversations.
 */
import type { ContactGroupItem, ContactMarkItem, ContactNotice } from '../../protocol/entries.ts';

/** The projection key of the groups' row, and the prefix of the marks' rows (conversation ids start c2c_ or group_, so none clash). */
export const GROUPS_KEY = 'contact-groups';
const MARK_PREFIX = 'mark:';

export const markKey = (conversationId: string): string => MARK_PREFIX + conversationId;
/** Whether a projection key is one of these rows (else it is a conversation's). */
export const isContactKey = (key: string): boolean => key === GROUPS_KEY || key.startsWith(MARK_PREFIX);

export interface ContactGroupsState {
  readonly groups: readonly ContactGroupItem[];
  /** The id the next group gets: ids are never reused, so a device's cached id keeps its meaning. */
  readonly nextId: number;
  readonly seq: number;
}

export interface ContactMarkState extends ContactMarkItem {
  /** When it was first marked or grouped (the order get_contact_group pages in), and last changed; Unix ms. */
  readonly created: number;
  readonly time: number;
  readonly seq: number;
}

export type ContactRow = ContactGroupsState | ContactMarkState;

export const NO_GROUPS: ContactGroupsState = { groups: [], nextId: 1, seq: 0 };

/** Whether a conversation's marks hold anything (a row with nothing left is removed). */
export const isMarked = (m: ContactMarkItem): boolean => m.bits.length > 0 || m.custom !== '' || m.groupIds.length > 0;

/** One row's change: its new state, or removed. */
export interface ContactFold {
  readonly key: string;
  readonly next: ContactRow | undefined;
}

/**
 * The rows a `contact` notice at `seq` changes, `rows` being looked up by key and `marked` listing
 * the marks' rows (for a group's deletion, which every conversation leaves). A row folded at or
 * after `seq` already is left alone, so a notice folded twice changes nothing the second time.
 */
export function foldContactNotice(seq: number, n: ContactNotice, rows: (key: string) => ContactRow | undefined, marked: () => Iterable<ContactMarkState>): ContactFold[] {
  const out: ContactFold[] = [];
  const groups = rows(GROUPS_KEY) as ContactGroupsState | undefined;
  if (n.groups && (!groups || groups.seq < seq)) {
    const nextId = Math.max(groups?.nextId ?? 1, ...n.groups.map((g) => g.id + 1), ...(n.deletedGroups ?? []).map((id) => id + 1));
    out.push({ key: GROUPS_KEY, next: { groups: n.groups, nextId, seq } });
  }
  const explicit = new Map((n.marks ?? []).map((m) => [markKey(m.conversationId), m]));
  const gone = new Set(n.deletedGroups ?? []);
  if (gone.size > 0) {
    for (const row of marked()) {
      const key = markKey(row.conversationId);
      if (explicit.has(key) || row.seq >= seq || !row.groupIds.some((id) => gone.has(id))) continue;
      out.push(markFold(key, row, { ...row, groupIds: row.groupIds.filter((id) => !gone.has(id)) }, n.time, seq));
    }
  }
  for (const [key, m] of explicit) {
    const row = rows(key) as ContactMarkState | undefined;
    if (row && row.seq >= seq) continue;
    out.push(markFold(key, row, m, n.time, seq));
  }
  return out;
}

function markFold(key: string, row: ContactMarkState | undefined, m: ContactMarkItem, time: number, seq: number): ContactFold {
  if (!isMarked(m)) return { key, next: undefined };
  const next: ContactMarkState = { conversationId: m.conversationId, bits: m.bits, custom: m.custom, groupIds: m.groupIds, created: row?.created ?? time, time, seq };
  return { key, next };
}
