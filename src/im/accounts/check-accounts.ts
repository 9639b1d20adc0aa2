/** `accounts.check` (REST account_check): whether each account exists; an invalid UserID cannot. */
import { defineCommand } from '../command.ts';
import { accountList, checkBatch } from './account-rules.ts';

export const checkAccountsCommand = defineCommand({
  name: 'accounts.check',
  callers: ['admin'],
  owner: 'store',
  input: accountList,
  run: async (ctx, _caller, { userIds }) => {
    checkBatch(userIds.length);
    const missing = new Set(await ctx.accounts.missing(userIds));
    return userIds.map((userId) => ({ userId, imported: !missing.has(userId) }));
  },
});
