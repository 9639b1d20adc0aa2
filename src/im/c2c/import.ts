/**
 * `c2c.import` (REST importmsg): one historical C2C message into both sides' inboxes with its
 * original time (migration, spec §8.6). SyncFromOldSystem 2 is history: kept for roaming
 * (admin_getroammsg) for the roaming retention from its time, never pushed, never delivered to a
 * syncing device as new; 5 is a message of the transition period, pushed and synced like a send.
 * No checks of relations, no callbacks, not in chat-record files. Importing the same message again
 * (same MsgSeq, MsgRandom and MsgTimeStamp in the conversation, either direction) stores nothing.
 */
import { z } from 'zod';
import type { C2CMessage } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import { originOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import { C2C_BODY_ERRORS, checkContent } from '../message-body.ts';
import { c2cRetention, deliverBothSides, senderHasInbox } from './send.ts';

/** How far ahead of the server's clock a MsgTimeStamp may be (clock skew), seconds. */
const FUTURE_SKEW_S = 300;

export const importC2CCommand = defineCommand({
  name: 'c2c.import',
  callers: ['admin'],
  owner: 'inbox',
  input: z.object({
    mode: z.union([z.literal(2), z.literal(5)]),
    from: z.string(),
    to: z.string(),
    msgSeq: z.number().int().default(0),
    random: z.number().int(),
    timeS: z.number().int(),
    body: z.unknown(),
    cloudCustomData: z.string().optional(),
  }),
  run: async (ctx, caller, i): Promise<void> => {
    const now = ctx.now();
    if (i.timeS > now / 1000 + FUTURE_SKEW_S) throw imError('MsgTimeStampInvalid', { detail: `${i.timeS} is in the future` });
    const history = i.mode === 2;
    // History is kept for roaming only: no device receives it by sync (offline delivery 0).
    const roamS = ctx.limits.roamingRetentionS;
    const retention = history ? { receiver: { storeS: roamS, offlineS: 0 }, sender: { storeS: roamS, offlineS: 0 } } : c2cRetention(ctx.limits, undefined, true);
    if (i.timeS * 1000 + retention.receiver.storeS * 1000 <= now) {
      throw imError('MsgTimeStampInvalid', { detail: `${i.timeS} is older than the roaming retention (${roamS} s; raise PARLEY_ROAMING_RETENTION_S to import older history)` });
    }
    const body = checkContent(ctx, i.body, i.cloudCustomData, C2C_BODY_ERRORS);
    const senderCopy = await senderHasInbox(ctx, caller, i.from);
    if ((await ctx.accounts.missing([i.to])).length > 0) throw imError('ToAccountNotFound', { userId: i.to });
    const message: C2CMessage = {
      kind: 'c2c',
      from: i.from,
      to: i.to,
      time: i.timeS * 1000,
      msgKey: `${i.msgSeq}_${i.random}_${i.timeS}`,
      msgSeq: i.msgSeq,
      random: i.random,
      body,
      ...(i.cloudCustomData !== undefined ? { cloudCustomData: i.cloudCustomData } : {}),
      flags: 0,
      noAfterCallback: true,
      imported: history ? 'history' : 'live',
      origin: originOf(caller),
    };
    await deliverBothSides(ctx, message, retention, senderCopy ? (history ? 'store' : 'push') : 'skip', { imported: true, pushLive: !history });
  },
});
