/**
 * `broadcast.pull` (client `broadcast.pull`): a page of the broadcast stream `b:all` after a SEQ,
 * holding the pushes that target the caller and still wait for offline devices (MsgLifeTime);
 * the others are holes the page's `through` steps over. Read diffusion: every user reads the one
 * stored copy, matched against their tags and attributes as they are now.
 */
import { z } from 'zod';
import type { StreamPage } from '../../protocol/client-ops.ts';
import { BROADCAST_STREAM } from '../../protocol/streams.ts';
import { defineCommand } from '../command.ts';
import { readPage } from '../stream-page.ts';
import { DEFAULT_PAGE } from '../sync/sync-inbox.ts';
import { matches } from './condition.ts';

export const pullBroadcastCommand = defineCommand({
  name: 'broadcast.pull',
  callers: ['user'],
  owner: 'store',
  input: z.object({ after: z.number(), limit: z.number().default(DEFAULT_PAGE) }),
  run: async (ctx, caller, { after, limit }): Promise<StreamPage> => {
    const log = ctx.store.messages;
    const head = (await log.headSeqs([BROADCAST_STREAM])).get(BROADCAST_STREAM) ?? 0;
    if (head <= after) return { events: [], through: Math.max(head, after), head };
    const me = [caller.userId];
    const [tags, attrs] = await Promise.all([ctx.store.pushTargets.tagsOf(me), ctx.store.pushTargets.attrsOf(me)]);
    const facts = { tags: tags.get(caller.userId), attrs: attrs.get(caller.userId) };
    return readPage(log, BROADCAST_STREAM, after, limit, ctx.now(), 0, undefined, (e) => e.kind !== 'broadcast' || matches(e.condition, facts));
  },
});
