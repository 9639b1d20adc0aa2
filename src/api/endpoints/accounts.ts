/** `v4/im_open_login_svc/*`: account import, check and kick (spec §3.1). */
import { z } from 'zod';
import { MAX_ACCOUNTS_PER_CALL, checkAccounts, importAccount, importAccounts, kickAccount } from '../../im/accounts.ts';
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
      // `Identifier` is the older name of `UserID`.
      request: z
        .object({ UserID: userId.optional(), Identifier: userId.optional(), Nick: z.string().optional(), FaceUrl: z.string().optional() })
        .transform((r) => ({ userId: r.UserID ?? r.Identifier ?? '', nick: r.Nick, faceUrl: r.FaceUrl })),
      handle: async (ctx, _caller, r) => {
        await importAccount(ctx, r);
        return {};
      },
    }),
    endpoint({
      command: 'multiaccount_import',
      bodyAllowance: MAX_ACCOUNTS_PER_CALL * 40,
      request: z.object({ Accounts: z.array(userId, { error: 'AccountInvalidParam' }) }),
      handle: async (ctx, _caller, r) => ({ FailAccounts: (await importAccounts(ctx, r.Accounts)).failed }),
    }),
    endpoint({
      command: 'account_check',
      bodyAllowance: MAX_ACCOUNTS_PER_CALL * 50,
      request: z.object({ CheckItem: z.array(z.object({ UserID: userId }), { error: 'AccountInvalidParam' }) }),
      handle: async (ctx, _caller, r) => {
        const results = await checkAccounts(ctx, r.CheckItem.map((i) => i.UserID));
        return {
          ResultItem: results.map((x) => ({
            UserID: x.userId,
            ResultCode: 0,
            ResultInfo: '',
            AccountStatus: x.imported ? 'Imported' : 'NotImported',
          })),
        };
      },
    }),
    endpoint({
      command: 'kick',
      request: z.object({ UserID: userId.optional(), Identifier: userId.optional() }).transform((r) => r.UserID ?? r.Identifier),
      handle: async (ctx, _caller, id) => {
        await kickAccount(ctx, id);
        return {};
      },
    }),
  ],
};
