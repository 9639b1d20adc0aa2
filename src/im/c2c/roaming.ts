/**
 * admin_getroammsg: one side's view of a C2C conversation, newest first, paged by LastMsgKey.
 * Reads the operator's inbox through the store's roaming index (peer, time).
 */
import { z } from 'zod';
import { inboxStream } from '../../protocol/streams.ts';
import { imError } from '../../protocol/errors.ts';
import { type C2CMessage, FLAG_DELETED } from '../../protocol/entries.ts';
import type { StoredEntry } from '../../../storage/store.ts';
import type { ImContext } from '../context.ts';
import { entryOf } from '../stream-page.ts';
import { defineCommand } from '../command.ts';
import { findC2CCopy } from './find-copy.ts';
import { msgKeySecond } from './msg-key.ts';

export interface RoamQuery {
  readonly operator: string;
  readonly peer: string;
  readonly maxCount: number;
  /** Unix seconds, inclusive. */
  readonly minTime: number;
  readonly maxTime: number;
  /** Continue below this message (the previous page's LastMsgKey). */
  readonly lastMsgKey?: string;
}

export interface RoamPage {
  readonly messages: readonly C2CMessage[];
  readonly complete: boolean;
}

const MAX_PAGE = 100;

function parseMsgKey(key: string): { second: number } {
  const second = msgKeySecond(key);
  if (second === undefined) throw imError('RoamMsgKeyInvalid', { msgKey: key });
  return { second };
}

/** The (time, seq) position of the message with `msgKey` in the operator's conversation with `peer`. */
async function positionOf(ctx: ImContext, q: RoamQuery, msgKey: string): Promise<{ time: number; seq: number }> {
  const { second } = parseMsgKey(msgKey);
  const hit = await findC2CCopy(ctx.store.messages, inboxStream(q.operator), q.peer, second, (m) => m.msgKey === msgKey);
  if (!hit) throw imError('RoamMsgKeyInvalid', { msgKey });
  return { time: hit.time, seq: hit.seq };
}

/** `c2c.roaming` (REST admin_getroammsg), App admins only. An empty `lastMsgKey` means the first page. */
export const roamingCommand = defineCommand({
  name: 'c2c.roaming',
  callers: ['admin'],
  owner: 'store',
  input: z.object({
    operator: z.string(),
    peer: z.string(),
    maxCount: z.number(),
    minTime: z.number(),
    maxTime: z.number(),
    lastMsgKey: z.string().optional().transform((k) => k || undefined),
  }),
  run: (ctx, _caller, q) => getRoamMessages(ctx, q),
});

async function getRoamMessages(ctx: ImContext, q: RoamQuery): Promise<RoamPage> {
  // An App admin identifier needs no account: it is the default sender of REST messages.
  const [unknown] = (await ctx.accounts.missing([q.operator, q.peer])).filter((id) => !ctx.identity.admins.has(id));
  if (unknown !== undefined) throw imError('AccountNotFound', { userId: unknown });
  const limit = Math.min(Math.max(q.maxCount, 1), MAX_PAGE);
  const before = q.lastMsgKey ? await positionOf(ctx, q, q.lastMsgKey) : undefined;
  const rows: StoredEntry[] = await ctx.store.messages.readConversation({
    streamId: inboxStream(q.operator),
    peer: q.peer,
    minTime: q.minTime * 1000,
    maxTime: q.maxTime * 1000 + 999,
    before,
    limit: limit + 1,
  });
  // A copy the operator deleted is not in their view (their peer's copy stays in the peer's).
  const page = rows.slice(0, limit).filter((r) => (r.flags & FLAG_DELETED) === 0).map((r) => entryOf(r) as C2CMessage);
  return { messages: page, complete: rows.length <= limit };
}
