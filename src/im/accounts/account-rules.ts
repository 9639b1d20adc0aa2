/** What the account commands share: the batch limit and the `account.imported` event. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { makeEvent } from '../../protocol/events.ts';
import { inboxStream } from '../../protocol/streams.ts';
import type { ImContext } from '../context.ts';

export const MAX_ACCOUNTS_PER_CALL = 100;

/** The input of the commands over a list of accounts: 1 to MAX_ACCOUNTS_PER_CALL ids (checked by `checkBatch`). */
export const accountList = z.object({ userIds: z.array(z.string()) });

export function checkBatch(n: number): void {
  if (n === 0) throw imError('AccountInvalidParam', { detail: 'the account list is empty' });
  if (n > MAX_ACCOUNTS_PER_CALL) throw imError('AccountInvalidParam', { detail: `at most ${MAX_ACCOUNTS_PER_CALL} accounts per call, got ${n}` });
}

/**
 * Imports accounts with their `account.imported` event (one per call, under the first account's
 * inbox stream) recorded in the same store write, then publishes it.
 */
export async function importAccounts(ctx: ImContext, accounts: readonly { userId: string; nick?: string; faceUrl?: string }[]): Promise<void> {
  if (accounts.length === 0) return;
  const now = ctx.now();
  const userIds = accounts.map((a) => a.userId);
  const stream = inboxStream(userIds[0]);
  const events = [makeEvent('account.imported', `account:${now}:${userIds.join(',')}`, stream, now, { userIds })];
  await ctx.store.accounts.importAccounts(accounts, now, ctx.events.record(stream, events));
  ctx.events.publishRecorded(stream, events);
  for (const a of accounts) if (a.nick !== undefined || a.faceUrl !== undefined) ctx.senderProfiles.forget(a.userId);
}
