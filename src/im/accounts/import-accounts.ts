/** `accounts.import` (REST multiaccount_import): imports the valid ids, reports the others as failed. */
import { isValidUserId } from '../../protocol/ids.ts';
import { defineCommand } from '../command.ts';
import { accountList, checkBatch, importAccounts } from './account-rules.ts';

export const importAccountsCommand = defineCommand({
  name: 'accounts.import',
  callers: ['admin'],
  owner: 'store',
  input: accountList,
  run: async (ctx, _caller, { userIds }) => {
    checkBatch(userIds.length);
    const failed = userIds.filter((id) => !isValidUserId(id));
    const ok = [...new Set(userIds.filter((id) => isValidUserId(id)))];
    await importAccounts(ctx, ok.map((userId) => ({ userId })));
    return { failed };
  },
});
