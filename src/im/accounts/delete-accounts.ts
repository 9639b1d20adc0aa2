/**
 * `accounts.delete` (REST account_delete): deletes up to 100 accounts, each on its own: its
 * relationship data (sns/forget-relations.ts), then, in its inbox actor, its sessions, its record
 * and profile with the `account.deleted` event, and its inbox entries. An unknown id is 70107 in
 * its item; a deleted id may be imported again, as a new account (storage `deleteAccount`).
 * The steps are idempotent and the record goes last but one, so an item that failed half-way is
 * completed by calling again. Group memberships stay, as with Tencent's deletion.
 */
import { type ImError, errors as catalogue, isImError } from '../../protocol/errors.ts';
import type { Caller } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { forgetRelations } from '../sns/forget-relations.ts';
import { accountList, checkBatch } from './account-rules.ts';

/** Tencent's ResultInfo for an unknown account; apps compare it verbatim. */
export const ACCOUNT_NOT_EXIST_INFO = 'Err_TLS_PT_Open_Login_Account_Not_Exist';

export interface DeleteAccountResult {
  readonly userId: string;
  readonly code: number;
  readonly info: string;
}

export const deleteAccountsCommand = defineCommand({
  name: 'accounts.delete',
  callers: ['admin'],
  owner: 'inbox',
  input: accountList,
  run: async (ctx, caller, { userIds }): Promise<DeleteAccountResult[]> => {
    checkBatch(userIds.length);
    const results: DeleteAccountResult[] = [];
    for (const userId of userIds) results.push(await deleteOne(ctx, caller, userId));
    return results;
  },
});

async function deleteOne(ctx: ImContext, caller: Caller, userId: string): Promise<DeleteAccountResult> {
  try {
    // The store, not the directory's memory: another node may have deleted it a moment ago.
    if (!(await ctx.store.accounts.getAccounts([userId])).has(userId)) return notFound(userId);
    await forgetRelations(ctx, caller, userId);
    const existed = await ctx.actors.inbox(userId).call({ op: 'deleteAccount' });
    return existed ? { userId, code: 0, info: '' } : notFound(userId);
  } catch (e) {
    if (!isImError(e)) throw e;
    return failed(userId, e);
  }
}

const notFound = (userId: string): DeleteAccountResult => ({ userId, code: catalogue.AccountNotFound.code, info: ACCOUNT_NOT_EXIST_INFO });
const failed = (userId: string, e: ImError): DeleteAccountResult => ({ userId, code: e.code, info: e.info });
