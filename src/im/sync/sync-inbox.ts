/**
 * `inbox.sync` (client `sync`): a page of the user's inbox after a SEQ. Sync reads go straight to
 * the store: stored entries never change SEQ, and nothing unacknowledged is visible there.
 */
import { z } from 'zod';
import type { StreamPage } from '../../protocol/client-ops.ts';
import { inboxStream } from '../../protocol/streams.ts';
import { defineCommand } from '../command.ts';
import { readPage } from '../stream-page.ts';

export const DEFAULT_PAGE = 200;

export const syncInboxCommand = defineCommand({
  name: 'inbox.sync',
  callers: ['user'],
  owner: 'store',
  input: z.object({ after: z.number(), limit: z.number().default(DEFAULT_PAGE) }),
  run: (ctx, caller, { after, limit }): Promise<StreamPage> => readPage(ctx.store.messages, inboxStream(caller.userId), after, limit, ctx.now()),
});
