/** Account commands: import (one, many), check, kick. */
import { imError } from '../protocol/errors.ts';
import type { ImContext } from './context.ts';
import { isValidUserId } from '../protocol/ids.ts';
import { makeEvent } from '../protocol/events.ts';

export const MAX_ACCOUNTS_PER_CALL = 100;

export interface ImportAccountInput {
  readonly userId: string;
  readonly nick?: string;
  readonly faceUrl?: string;
}

const MAX_PROFILE_VALUE_BYTES = 500;

export async function importAccount(ctx: ImContext, input: ImportAccountInput): Promise<void> {
  if (!isValidUserId(input.userId)) throw imError('AccountInvalidParam', { detail: 'UserID must be 1 to 32 bytes of well-formed text without control characters' });
  for (const [field, v] of [['Nick', input.nick], ['FaceUrl', input.faceUrl]] as const) {
    if (v !== undefined && Buffer.byteLength(v) > MAX_PROFILE_VALUE_BYTES) {
      throw imError('AccountInvalidParam', { detail: `${field} is longer than ${MAX_PROFILE_VALUE_BYTES} bytes` });
    }
  }
  await ctx.store.accounts.importAccounts([input], ctx.now());
  await publishImported(ctx, [input.userId]);
}

async function publishImported(ctx: ImContext, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const now = ctx.now();
  await ctx.events.publish([makeEvent('account.imported', `account:${now}:${userIds.join(',')}`, `u:${userIds[0]}`, now, { userIds })]);
}

/** Imports the valid ids and returns the ones that could not be imported. */
export async function importAccounts(ctx: ImContext, userIds: readonly string[]): Promise<{ failed: string[] }> {
  checkBatch(userIds.length);
  const failed = userIds.filter((id) => !isValidUserId(id));
  const ok = [...new Set(userIds.filter((id) => isValidUserId(id)))];
  await ctx.store.accounts.importAccounts(ok.map((userId) => ({ userId })), ctx.now());
  await publishImported(ctx, ok);
  return { failed };
}

/** Whether each account exists; an id that is not a valid UserID cannot exist. */
export async function checkAccounts(ctx: ImContext, userIds: readonly string[]): Promise<{ userId: string; imported: boolean }[]> {
  checkBatch(userIds.length);
  const missing = new Set(await ctx.accounts.missing(userIds));
  return userIds.map((userId) => ({ userId, imported: !missing.has(userId) }));
}

/** Revokes the user's UserSigs issued until now and closes their device sessions. */
export async function kickAccount(ctx: ImContext, userId: string | undefined): Promise<void> {
  if (userId === undefined || userId === '') throw imError('AccountInvalidParam', { detail: 'UserID is required' });
  if ((await ctx.accounts.missing([userId])).length > 0) throw imError('AccountNotFound', { userId });
  await ctx.store.accounts.revokeSigsBefore(userId, Math.floor(ctx.now() / 1000));
  await ctx.actors.inbox(userId).call({ op: 'kickDevices' });
}

function checkBatch(n: number): void {
  if (n === 0) throw imError('AccountInvalidParam', { detail: 'the account list is empty' });
  if (n > MAX_ACCOUNTS_PER_CALL) throw imError('AccountInvalidParam', { detail: `at most ${MAX_ACCOUNTS_PER_CALL} accounts per call, got ${n}` });
}
