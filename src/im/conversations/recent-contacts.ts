/**
 * `recentcontact.list` (REST recentcontact/get_list): a user's conversation list in pages, as
 * Tencent pages it. With AssistFlags bit 0 (or bit 2) pinned conversations come first, as their own
 * section with its own cursor (TopTimeStamp, TopStartIndex), flagged TopFlag 1; bit 1 includes
 * empty conversations (no message yet). Each section is ordered newest message first; a cursor is
 * (the next conversation's message second, its rank among that second's), 0/0 meaning the start,
 * so a conversation whose message is newer than the walk never makes another page repeat one.
 */
import { z } from 'zod';
import type { ConversationView } from '../../protocol/client-ops.ts';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { listConversations } from './list-conversations.ts';

/** Conversations per page. */
export const RECENT_PAGE = 100;

export interface Cursor {
  readonly time: number;
  readonly index: number;
}

export interface RecentContactsPage {
  readonly items: readonly { readonly type: 'c2c' | 'group'; readonly peer: string; readonly time: number; readonly pinned: boolean }[];
  readonly complete: boolean;
  readonly cursor: Cursor;
  readonly topCursor: Cursor;
}

/** A conversation's second for the cursor: an empty one's (0) sorts after every other, but not as "the start". */
const cursorSecond = (v: ConversationView): number => Math.max(1, Math.floor(v.lastTime / 1000));

/** The section from `c` on (the whole of it for 0/0). */
function resume(section: readonly ConversationView[], c: Cursor): ConversationView[] {
  if (c.time === 0 && c.index === 0) return [...section];
  const at = section.findIndex((v) => cursorSecond(v) === c.time);
  const from = at === -1 ? section.findIndex((v) => cursorSecond(v) < c.time) : at + c.index;
  return from === -1 ? [] : section.slice(from);
}

/** The cursor of the conversation at `pos` of the section (past the end: one that resumes nothing). */
function cursorAt(section: readonly ConversationView[], pos: number): Cursor {
  if (section.length === 0) return { time: 0, index: 0 };
  const v = section[Math.min(pos, section.length - 1)];
  const time = cursorSecond(v);
  const first = section.findIndex((x) => cursorSecond(x) === time);
  return { time, index: pos - first };
}

export const recentContactsCommand = defineCommand({
  name: 'recentcontact.list',
  callers: ['admin'],
  owner: 'inbox',
  input: z.object({
    userId: z.string(),
    cursor: z.object({ time: z.number(), index: z.number() }),
    topCursor: z.object({ time: z.number(), index: z.number() }),
    pinnedFirst: z.boolean(),
    withEmpty: z.boolean(),
  }),
  run: async (ctx, _caller, i): Promise<RecentContactsPage> => {
    if (!(await ctx.accounts.exists(i.userId))) throw imError('ContactAccountNotFound', { userId: i.userId });
    const list = await listConversations(ctx, i.userId, { withLastMessage: false });
    const shown = list.conversations.filter((v) => i.withEmpty || v.lastTime > 0);
    const byTime = (a: ConversationView, b: ConversationView) => b.lastTime - a.lastTime || (a.conversationId < b.conversationId ? -1 : 1);
    const pinned = i.pinnedFirst ? shown.filter((v) => v.pinnedAt > 0).sort(byTime) : [];
    const normal = shown.filter((v) => !i.pinnedFirst || v.pinnedAt === 0).sort(byTime);
    const fromPinned = resume(pinned, i.topCursor).slice(0, RECENT_PAGE);
    const restPinned = resume(pinned, i.topCursor).length - fromPinned.length;
    const fromNormal = resume(normal, i.cursor);
    const taken = fromNormal.slice(0, RECENT_PAGE - fromPinned.length);
    const normalPos = normal.length - fromNormal.length + taken.length;
    const pinnedPos = pinned.length - restPinned;
    return {
      items: [...fromPinned, ...taken].map((v) => ({ type: v.type, peer: v.peer, time: Math.floor(v.lastTime / 1000), pinned: v.pinnedAt > 0 && i.pinnedFirst })),
      complete: restPinned === 0 && normalPos >= normal.length,
      cursor: normalPos >= normal.length ? cursorAt(normal, normal.length) : cursorAt(normal, normalPos),
      topCursor: cursorAt(pinned, pinnedPos),
    };
  },
});
