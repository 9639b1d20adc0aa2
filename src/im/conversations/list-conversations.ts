/**
 * `conversation.list` (client; REST recentcontact/get_list pages it, recent-contacts.ts): a user's
 * conversations. C2C ones come whole from the inbox actor's rows; group ones are the groups the
 * user is a member of (not AVChatRooms), their last message and unread count read from the group's
 * stream (head SEQ, newest entry) against the row's read SEQ or the member's join SEQ.
 */
import { z } from 'zod';
import type { ConversationView } from '../../protocol/client-ops.ts';
import { FLAG_DELETED, type StreamEvent } from '../../protocol/entries.ts';
import { groupStream, inboxStream } from '../../protocol/streams.ts';
import { forClients, entryOf } from '../stream-page.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { policyOf } from '../groups/group-policy.ts';
import { groupFromRecord, memberFromRecord } from '../groups/group-model.ts';
import { importedReadSeq } from '../groups/import-rules.ts';
import { type ConversationState, conversationId } from './conversation-state.ts';
import type { ContactMarkState } from './contact-state.ts';
import type { ContactGroupItem } from '../../protocol/entries.ts';

export interface ListOptions {
  /** Only the C2C conversations changed after this inbox SEQ (deleted ones included), and every group's. */
  readonly since?: number;
  /** Read each conversation's last message too. */
  readonly withLastMessage: boolean;
  /** Leave the group conversations out. */
  readonly c2cOnly?: boolean;
  /** Only the unread counts are wanted: group conversations are not read for their last message's time (it stays 0). */
  readonly countsOnly?: boolean;
}

export interface ConversationList {
  /** Pinned first (newest pin first), then newest message first. */
  readonly conversations: readonly ConversationView[];
  /** The inbox SEQ the list is current to. */
  readonly cursor: number;
}

/** A user's conversations (`userId` must be an account). */
export async function listConversations(ctx: ImContext, userId: string, o: ListOptions): Promise<ConversationList> {
  const { enabled, rows, head, groups: contactGroups, marks } = await ctx.actors.inbox(userId).call({ op: 'conversations' });
  // The app keeps no conversations (PARLEY_CONVERSATIONS off): none are listed, none count unread.
  if (!enabled) return { conversations: [], cursor: head };
  const groups = o.c2cOnly ? [] : await ctx.store.groups.groupsOfUser(userId);
  const byKey = new Map(rows.map((r) => [conversationId(r.type, r.peer), r]));
  const now = ctx.now();
  const keepMs = ctx.limits.roamingRetentionS * 1000;
  const c2c = rows.filter((r) => r.type === 'c2c' && (o.since === undefined || r.seq > o.since));
  const views: ConversationView[] = [];
  for (const r of c2c) {
    // A conversation lives as long as its last message stays in roaming (spec §8.1), unless pinned.
    const expired = r.lastTime > 0 && r.lastTime + keepMs < now && r.pinnedAt === 0;
    if ((r.deleted || expired) && o.since === undefined) continue;
    views.push({ ...viewOf(r, r.lastTime, r.unread), ...(r.deleted || expired ? { deleted: true as const } : {}) });
  }
  const visibleGroups = groups.filter((g) => policyOf(g.type).memberList);
  const heads = await ctx.store.messages.headSeqs(visibleGroups.map((g) => groupStream(g.groupId)));
  const groupViews = await Promise.all(
    visibleGroups.map(async (g) => {
      const stream = groupStream(g.groupId);
      const groupHead = heads.get(stream) ?? 0;
      const row = byKey.get(conversationId('group', g.groupId)) ?? emptyGroupRow(g.groupId);
      if (row.deleted && groupHead <= row.readSeq) return undefined;
      const counts = policyOf(g.type).unread;
      // Until the user reads the group here, migration may have set where they had read to.
      const migrated = counts && row.readSeq === 0 && groupHead > 0 ? await migratedReadSeq(ctx, g.groupId, userId) : undefined;
      const readThrough = row.readSeq > 0 ? Math.max(row.readSeq, g.joinSeq) : (migrated ?? g.joinSeq);
      const last = groupHead > g.joinSeq && !o.countsOnly ? (await ctx.store.messages.readEntriesBefore(stream, groupHead + 1, 1))[0] : undefined;
      const unread = counts ? Math.max(0, groupHead - readThrough) : 0;
      const view = viewOf({ ...row, readSeq: readThrough }, last?.time ?? 0, unread);
      return last && o.withLastMessage ? { ...view, lastMessage: { stream, seq: last.seq, entry: forClients(entryOf(last)) } } : view;
    }),
  );
  for (const v of groupViews) if (v) views.push(v);
  if (o.withLastMessage) await attachLastC2C(ctx, userId, views, byKey);
  const marked = withMarks(views, marks, contactGroups.groups);
  return { conversations: marked.sort(byPinThenTime), cursor: head };
}

/** The views with their conversations' marks and conversation groups (by name). */
function withMarks(views: ConversationView[], marks: readonly ContactMarkState[], groups: readonly ContactGroupItem[]): ConversationView[] {
  if (marks.length === 0) return views;
  const byId = new Map(marks.map((m) => [m.conversationId, m]));
  const names = new Map(groups.map((g) => [g.id, g.name]));
  return views.map((v) => {
    const m = byId.get(v.conversationId);
    if (!m) return v;
    const contactGroups = m.groupIds.flatMap((id) => names.get(id) ?? []);
    return { ...v, ...(m.bits.length > 0 ? { marks: m.bits } : {}), ...(m.custom !== '' ? { customMark: m.custom } : {}), ...(contactGroups.length > 0 ? { contactGroups } : {}) };
  });
}

/** The read position migration gave a member (import_group_member UnreadMsgNum, set_unread_msg_num; import-rules.ts). */
async function migratedReadSeq(ctx: ImContext, groupId: string, userId: string): Promise<number | undefined> {
  const [member, group] = await Promise.all([ctx.store.groups.getMember(groupId, userId), ctx.store.groups.getGroup(groupId)]);
  return member && group ? importedReadSeq(memberFromRecord(member).profile, groupFromRecord(group).profile) : undefined;
}

const viewOf = (r: ConversationState, lastTime: number, unread: number): ConversationView => ({
  conversationId: conversationId(r.type, r.peer),
  type: r.type,
  peer: r.peer,
  lastTime,
  unread,
  readTime: r.readTime,
  readSeq: r.readSeq,
  peerReadTime: r.peerReadTime,
  pinnedAt: r.deleted ? 0 : r.pinnedAt,
});

const emptyGroupRow = (groupId: string): ConversationState => ({
  type: 'group', peer: groupId, lastSeq: 0, lastTime: 0, unread: 0, readSeq: 0, readTime: 0, peerReadTime: 0, pinnedAt: 0, deleted: false, seq: 0,
});

/** Pinned first, newest pin first; then newest message first; ties by id, so pages are stable. */
export function byPinThenTime(a: ConversationView, b: ConversationView): number {
  return b.pinnedAt - a.pinnedAt || b.lastTime - a.lastTime || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);
}

/** Reads each C2C conversation's last message from the inbox (a copy the user deleted is left out). */
async function attachLastC2C(ctx: ImContext, userId: string, views: ConversationView[], rows: Map<string, ConversationState>): Promise<void> {
  const stream = inboxStream(userId);
  await Promise.all(
    views.map(async (v, i) => {
      const seq = v.type === 'c2c' ? (rows.get(v.conversationId)?.lastSeq ?? 0) : 0;
      if (seq === 0) return;
      const [stored] = await ctx.store.messages.readEntries(stream, seq - 1, 1);
      if (!stored || stored.seq !== seq || (stored.flags & FLAG_DELETED) !== 0) return;
      const lastMessage: StreamEvent = { stream, seq, entry: forClients(entryOf(stored)) };
      views[i] = { ...v, lastMessage };
    }),
  );
}

export const listConversationsCommand = defineCommand({
  name: 'conversation.list',
  callers: ['user'],
  owner: 'inbox',
  input: z.object({ since: z.number().int().min(0).optional() }),
  run: (ctx, caller, { since }): Promise<ConversationList> => listConversations(ctx, caller.userId, { since, withLastMessage: true }),
});
