/** `account.kick` (REST kick): revokes the user's UserSigs issued until now and closes their devices' sessions. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';

export const kickAccountCommand = defineCommand({
  name: 'account.kick',
  callers: ['admin'],
  owner: 'inbox',
  input: z.object({ userId: z.string().optional() }),
  run: async (ctx, _caller, { userId }) => {
    if (userId === undefined || userId === '') throw imError('AccountInvalidParam', { detail: 'UserID is required' });
    if ((await ctx.accounts.missing([userId])).length > 0) throw imError('AccountNotFound', { userId });
    await ctx.store.accounts.revokeSigsBefore(userId, Math.floor(ctx.now() / 1000));
    await ctx.actors.inbox(userId).call({ op: 'kickDevices' });
  },
});
