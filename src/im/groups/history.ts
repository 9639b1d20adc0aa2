/** group_msg_get_simple: up to 20 messages at or below a SEQ, newest first, with holes marked. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { FLAG_RECALLED, type Entry } from '../../protocol/entries.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { ImContext } from '../context.ts';
import { entryOf } from '../stream-page.ts';
import { requireGroupId } from './group-id.ts';
import { policyOf } from './group-policy.ts';

export const MAX_HISTORY_PAGE = 20;

export interface HistoryItem {
  readonly seq: number;
  /** undefined = a hole (expired or deleted). */
  readonly entry?: Entry;
  readonly recalled: boolean;
}

export interface HistoryPage {
  readonly items: readonly HistoryItem[];
  /** All requested messages were returned (or there are none older); false when the page limit cut it. */
  readonly finished: boolean;
}

/** `group.history` (REST group_msg_get_simple): newest first from `upToSeq` (default: the head). */
export const groupHistoryCommand = defineCommand({
  name: 'group.history',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ groupId: z.string(), count: z.number(), upToSeq: z.number().optional(), withRecalled: z.boolean().default(false) }),
  run: (ctx, _caller, i) => groupHistory(ctx, i.groupId, i.count, i.upToSeq, i.withRecalled),
});

async function groupHistory(
  ctx: ImContext,
  groupId: string,
  count: number,
  upToSeq: number | undefined,
  withRecalled: boolean,
): Promise<HistoryPage> {
  requireGroupId(groupId);
  if (!Number.isInteger(count) || count < 1) throw imError('GroupInvalidParam', { detail: 'ReqMsgNumber must be a positive integer' });
  const group = await ctx.store.groups.getGroup(groupId);
  if (!group) throw imError('GroupNotFound', { groupId });
  if (!policyOf(group.type).history) throw imError('GroupNoRoaming', { type: group.type });
  const stream = groupStream(groupId);
  const head = (await ctx.store.messages.headSeqs([stream])).get(stream) ?? 0;
  const top = Math.min(upToSeq ?? head, head);
  const n = Math.min(count, MAX_HISTORY_PAGE, top);
  if (n <= 0) return { items: [], finished: true };
  const rows = await ctx.store.messages.readEntriesBefore(stream, top + 1, n);
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const items: HistoryItem[] = [];
  for (let seq = top; seq > top - n; seq--) {
    const row = bySeq.get(seq);
    if (!row) {
      items.push({ seq, recalled: false });
      continue;
    }
    const recalled = (row.flags & FLAG_RECALLED) !== 0;
    items.push(recalled && !withRecalled ? { seq, recalled } : { seq, entry: entryOf(row), recalled });
  }
  return { items, finished: n === count || top - n <= 0 };
}
