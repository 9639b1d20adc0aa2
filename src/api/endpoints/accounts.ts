/** `v4/im_open_login_svc/*`: account import, check, deletion and kick (spec §3.1). */
import { z } from 'zod';
import { MAX_ACCOUNTS_PER_CALL } from '../../im/accounts/account-rules.ts';
import { checkAccountsCommand } from '../../im/accounts/check-accounts.ts';
import { deleteAccountsCommand } from '../../im/accounts/delete-accounts.ts';
import { importAccountCommand } from '../../im/accounts/import-account.ts';
import { importAccountsCommand } from '../../im/accounts/import-accounts.ts';
import { kickAccountCommand } from '../../im/accounts/kick-account.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { str } from '../wire.ts';

const userId = str('AccountNotString');

export const accountService: Service = {
  name: 'im_open_login_svc',
  bodyJson: 'BodyNotJson',
  invalid: 'AccountInvalidParam',
  adminRequired: 'AccountAdminRequired',
  internal: 'AccountInternal',
  endpoints: [
    endpoint({
      command: 'account_import',
      runs: importAccountCommand,
      // `Identifier` is the older name of `UserID`.
      request: z.object({ UserID: userId.optional(), Identifier: userId.optional(), Nick: z.string().optional(), FaceUrl: z.string().optional() }),
      input: (r) => ({ userId: r.UserID ?? r.Identifier ?? '', nick: r.Nick, faceUrl: r.FaceUrl }),
    }),
    endpoint({
      command: 'multiaccount_import',
      runs: importAccountsCommand,
      bodyAllowance: MAX_ACCOUNTS_PER_CALL * 40,
      request: z.object({ Accounts: z.array(userId, { error: 'AccountInvalidParam' }) }),
      input: (r) => ({ userIds: r.Accounts }),
      reply: (out) => ({ FailAccounts: out.failed }),
    }),
    endpoint({
      command: 'account_check',
      runs: checkAccountsCommand,
      bodyAllowance: MAX_ACCOUNTS_PER_CALL * 50,
      request: z.object({ CheckItem: z.array(z.object({ UserID: userId }), { error: 'AccountInvalidParam' }) }),
      input: (r) => ({ userIds: r.CheckItem.map((i) => i.UserID) }),
      reply: (results) => ({
        ResultItem: results.map((x) => ({ UserID: x.userId, ResultCode: 0, ResultInfo: '', AccountStatus: x.imported ? 'Imported' : 'NotImported' })),
      }),
    }),
    endpoint({
      command: 'account_delete',
      runs: deleteAccountsCommand,
      bodyAllowance: MAX_ACCOUNTS_PER_CALL * 50,
      request: z.object({ DeleteItem: z.array(z.object({ UserID: userId }), { error: 'AccountInvalidParam' }) }),
      input: (r) => ({ userIds: r.DeleteItem.map((i) => i.UserID) }),
      reply: (results) => ({ ResultItem: results.map((x) => ({ ResultCode: x.code, ResultInfo: x.info, UserID: x.userId })) }),
    }),
    endpoint({
      command: 'kick',
      runs: kickAccountCommand,
      request: z.object({ UserID: userId.optional(), Identifier: userId.optional() }),
      input: (r) => ({ userId: r.UserID ?? r.Identifier }),
    }),
  ],
};
