/**
 * Recalling and modifying one C2C message named by its MsgKey: `c2c.recall` (REST admin_msgwithdraw,
 * client `c2c.recall`) and `c2c.modify` (REST modify_c2c_msg); and `c2c.delete`, a user's own copies. The change is applied by each side's
 * inbox actor to its own copy — the receiver's first, then the sender's — each appending a
 * `c2c.change` notice that its devices sync; the receiver's notice is the `c2c.msg_recalled` /
 * `c2c.msg_modified` event (and C2C.CallbackAfterMsgWithDraw). A side that no longer holds the
 * message (it expired, or the account is gone) is skipped; 20022 when neither does, 20023 when
 * every copy was recalled already. A retry after a partial failure completes the other side.
 */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import type { C2CChange, C2CChangeOutcome } from '../actor-api.ts';
import { type Caller, originOf, senderOf } from '../caller.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { C2C_BODY_ERRORS, checkContent } from '../message-body.ts';
import { msgKeySecond } from './msg-key.ts';

const target = { from: z.string().optional(), to: z.string(), msgKey: z.string() };

/** A user recalls only what they sent, within the recall window; an App admin anything, at any time. */
export const recallC2CCommand = defineCommand({
  name: 'c2c.recall',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object(target),
  run: async (ctx, caller, i): Promise<void> => {
    const second = requireMsgKey(i.msgKey);
    const windowS = ctx.limits.recallWindowS;
    if (caller.kind === 'user' && ctx.now() - second * 1000 > windowS * 1000) throw imError('C2CRecallTooLate', { msgKey: i.msgKey, seconds: windowS });
    await changeBothSides(ctx, { change: 'recall', ...sides(caller, i), msgKey: i.msgKey, operator: caller.userId, origin: originOf(caller) });
  },
});

/** The new content is checked as a send's is; only App admins modify (Tencent's modify_c2c_msg). */
export const modifyC2CCommand = defineCommand({
  name: 'c2c.modify',
  callers: ['admin'],
  owner: 'inbox',
  input: z.object({ ...target, body: z.unknown().optional(), cloudCustomData: z.string().optional() }),
  run: async (ctx, caller, i): Promise<void> => {
    requireMsgKey(i.msgKey);
    if (i.body === undefined && i.cloudCustomData === undefined) throw imError('C2CInvalidParam', { detail: 'give MsgBody or CloudCustomData to change' });
    const body = i.body !== undefined ? checkContent(ctx, i.body, i.cloudCustomData, C2C_BODY_ERRORS) : undefined;
    const patch = { ...(body ? { body } : {}), ...(i.cloudCustomData !== undefined ? { cloudCustomData: i.cloudCustomData } : {}) };
    await changeBothSides(ctx, { change: 'modify', ...sides(caller, i), msgKey: i.msgKey, operator: caller.userId, origin: originOf(caller), ...patch });
  },
});

function requireMsgKey(msgKey: string): number {
  const second = msgKeySecond(msgKey);
  if (second === undefined) throw imError('C2CMsgKeyInvalid', { msgKey });
  return second;
}

const sides = (caller: Caller, i: { from?: string; to: string }) => ({ from: senderOf(caller, i.from), to: i.to });

async function changeBothSides(ctx: ImContext, change: C2CChange): Promise<void> {
  const { from, to, msgKey } = change;
  const missing = new Set(await ctx.accounts.missing(from === to ? [to] : [from, to]));
  const outcomes: C2CChangeOutcome[] = [];
  // The receiver's copy first: its notice is the change's event.
  for (const side of from === to ? [to] : [to, from]) {
    if (!missing.has(side)) outcomes.push(await ctx.actors.inbox(side).call({ op: 'changeC2C', change }));
  }
  if (outcomes.some((o) => o.outcome === 'changed')) return;
  if (outcomes.some((o) => o.outcome === 'recalled')) throw imError('C2CMsgRecalled', { msgKey });
  throw imError('C2CMsgNotFound', { msgKey, from, to });
}

/** Tencent's deleteMessages takes at most 30 messages of one conversation at a time. */
export const MAX_DELETE_KEYS = 30;

/**
 * `c2c.delete` (the client's deleteMessages, cloud side): the caller's own copies of messages with
 * `peer`, sent or received, leave the caller's view — sync and roaming skip them, the caller's
 * other devices get a `c2c.change` notice — while the peer's copies stay. Keys the caller does not
 * hold (any more) are ignored, so a repeated delete is harmless.
 */
export const deleteC2CCommand = defineCommand({
  name: 'c2c.delete',
  callers: ['user'],
  owner: 'inbox',
  input: z.object({ peer: z.string(), msgKeys: z.array(z.string()) }),
  run: async (ctx, caller, { peer, msgKeys }): Promise<void> => {
    if (msgKeys.length === 0 || msgKeys.length > MAX_DELETE_KEYS) throw imError('C2CInvalidParam', { detail: `delete 1 to ${MAX_DELETE_KEYS} messages at a time` });
    for (const msgKey of msgKeys) requireMsgKey(msgKey);
    const me = caller.userId;
    for (const msgKey of new Set(msgKeys)) {
      await ctx.actors.inbox(me).call({ op: 'changeC2C', change: { change: 'delete', from: me, to: peer, msgKey, operator: me, origin: originOf(caller) } });
    }
  },
});
