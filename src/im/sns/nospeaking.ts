/**
 * `account.setNoSpeaking` / `account.getNoSpeaking` (REST openconfigsvr setnospeaking /
 * getnospeaking, spec §3.8): an account's global mutes for C2C and group sends from the client,
 * kept as until-times with the account (global-mute.ts). The send checks read them through the
 * account directory's short cache, so a change holds on every node within its window.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { applyNospeaking, nospeakingView } from './global-mute.ts';

export const setNoSpeakingCommand = defineCommand({
  name: 'account.setNoSpeaking',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ userId: z.string(), c2cS: z.number().optional(), groupS: z.number().optional() }),
  run: async (ctx, _caller, { userId, c2cS, groupS }): Promise<void> => {
    const account = (await ctx.store.accounts.getAccounts([userId])).get(userId);
    if (!account) throw imError('AccountNotFound', { userId });
    const change = applyNospeaking({ c2cUntil: account.c2cMutedUntil, groupUntil: account.groupMutedUntil }, { c2cS, groupS }, ctx.now());
    if (!change.ok) {
      const detail = change.reason === 'noTime' ? 'give C2CmsgNospeakingTime or GroupmsgNospeakingTime' : `${change.field} must be an integer from 0 to 4294967295`;
      throw imError('AccountInvalidParam', { detail });
    }
    await ctx.store.accounts.setNoSpeaking(userId, change.mute);
    ctx.accounts.forgetMutes(userId);
  },
});

export const getNoSpeakingCommand = defineCommand({
  name: 'account.getNoSpeaking',
  callers: ['admin'],
  owner: 'store',
  input: z.object({ userId: z.string() }),
  run: async (ctx, _caller, { userId }): Promise<{ c2cS: number; groupS: number }> => {
    const account = (await ctx.store.accounts.getAccounts([userId])).get(userId);
    if (!account) throw imError('AccountNotFound', { userId });
    return nospeakingView({ c2cUntil: account.c2cMutedUntil, groupUntil: account.groupMutedUntil }, ctx.now());
  },
});
