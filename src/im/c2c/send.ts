/**
 * C2C send: one message into the receiver's inbox and, per SyncOtherMachine, the sender's. The
 * receiver's copy is written first; the sender's copy is the receiver's stored message, so a
 * retried send (same sender, receiver and random) returns the original MsgKey and time and
 * stores nothing new in either inbox.
 */
import { imError } from '../../protocol/errors.ts';
import type { C2CMessage } from '../../protocol/entries.ts';
import { type Caller, isAdmin } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { randomU32 } from '../ids.ts';
import { C2C_BODY_ERRORS, checkMsgBody } from '../message-body.ts';

/** SyncOtherMachine: 1 = store and push to the sender's devices, 2 = leave the sender's inbox alone, omitted = store only. */
export type SenderSync = 'push' | 'skip' | 'store';

export interface SendC2CInput {
  readonly from: string;
  readonly to: string;
  readonly body: unknown;
  readonly cloudCustomData?: string;
  readonly random: number;
  readonly msgSeq?: number;
  /** Offline retention, seconds; 0 = online only. */
  readonly lifetimeS: number;
  readonly senderSync: SenderSync;
  /** Tencent ForbidCallbackControl: skip the before-send / after-send callback for this message. */
  readonly forbidBeforeCallback?: boolean;
  readonly forbidAfterCallback?: boolean;
}

export interface SendC2COutput {
  readonly msgKey: string;
  readonly time: number;
  /** SEQ of the sender's copy in the sender's inbox; 0 if none was stored. */
  readonly seq: number;
}

export function buildC2CMessage(input: SendC2CInput, now: number, body: C2CMessage['body']): C2CMessage {
  const msgSeq = input.msgSeq ?? randomU32();
  return {
    kind: 'c2c',
    from: input.from,
    to: input.to,
    time: now,
    msgKey: `${msgSeq}_${input.random}_${Math.floor(now / 1000)}`,
    msgSeq,
    random: input.random,
    body,
    cloudCustomData: input.cloudCustomData,
    flags: 0,
    ...(input.forbidAfterCallback ? { noAfterCallback: true as const } : {}),
  };
}

/** Checks that an admin-chosen sender exists (a logged-in user always does). */
export async function checkSender(ctx: ImContext, caller: Caller, from: string): Promise<void> {
  if (!isAdmin(caller) || from === caller.userId) return;
  if (!(await ctx.accounts.exists(from))) throw imError('FromAccountNotFound', { userId: from });
}

export async function sendC2C(ctx: ImContext, caller: Caller, input: SendC2CInput): Promise<SendC2COutput> {
  const body = checkMsgBody(input.body, input.cloudCustomData, ctx.limits.maxMsgBytes, C2C_BODY_ERRORS);
  await checkSender(ctx, caller, input.from);
  let msg = buildC2CMessage(input, ctx.now(), body);
  if (!input.forbidBeforeCallback) {
    const decision = await ctx.hooks.beforeC2CSend({ caller, message: msg, onlineOnly: input.lifetimeS === 0 });
    if (decision.action === 'reject') throw decision.error;
    // Dropped by the app server: the sender is told it was sent, nothing is stored or delivered.
    if (decision.action === 'drop') return { msgKey: msg.msgKey, time: msg.time, seq: 0 };
    if (decision.action === 'rewrite') msg = { ...msg, body: decision.body ?? msg.body, cloudCustomData: decision.cloudCustomData ?? msg.cloudCustomData };
  }
  return deliverBothSides(ctx, msg, input.lifetimeS, input.senderSync);
}

/** Writes `msg` to the receiver's inbox, then the sender's copy; used by sendmsg, batchsendmsg and clients. */
export async function deliverBothSides(ctx: ImContext, msg: C2CMessage, lifetimeS: number, senderSync: SenderSync): Promise<SendC2COutput> {
  const dedupWindowS = ctx.limits.dedupWindowS;
  const delivered = await ctx.actors.inbox(msg.to).call('deliverC2C', msg, { lifetimeS, pushLive: true, dedupWindowS });
  let seq = 0;
  if (senderSync !== 'skip' && msg.from !== msg.to) {
    const ownLifetime = lifetimeS === 0 ? 0 : ctx.limits.offlineRetentionS;
    const own = await ctx.actors.inbox(msg.from).call('deliverC2C', delivered.message, {
      lifetimeS: ownLifetime,
      pushLive: senderSync === 'push',
      dedupWindowS,
    });
    seq = own.seq;
  } else if (msg.from === msg.to) {
    seq = delivered.seq;
  }
  return { msgKey: delivered.message.msgKey, time: delivered.message.time, seq };
}
