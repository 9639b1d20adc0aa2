/** `account.import` (REST account_import): creates one account, or updates its nick and face URL. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { isValidUserId } from '../../protocol/ids.ts';
import { defineCommand } from '../command.ts';
import { importAccounts } from './account-rules.ts';

const MAX_PROFILE_VALUE_BYTES = 500;

export const importAccountCommand = defineCommand({
  name: 'account.import',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ userId: z.string(), nick: z.string().optional(), faceUrl: z.string().optional() }),
  run: async (ctx, _caller, input) => {
    if (!isValidUserId(input.userId)) throw imError('AccountInvalidParam', { detail: 'UserID must be 1 to 32 bytes of well-formed text without control characters' });
    for (const [field, v] of [['Nick', input.nick], ['FaceUrl', input.faceUrl]] as const) {
      if (v !== undefined && Buffer.byteLength(v) > MAX_PROFILE_VALUE_BYTES) {
        throw imError('AccountInvalidParam', { detail: `${field} is longer than ${MAX_PROFILE_VALUE_BYTES} bytes` });
      }
    }
    await importAccounts(ctx, [input]);
  },
});
