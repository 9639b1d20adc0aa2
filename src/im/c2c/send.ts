/**
 * C2C send: one message into the receiver's inbox and, per SyncOtherMachine, the sender's. Every
 * rule that could refuse either write (the sender may be named, the receiver exists, the body is
 * valid, the app server allows it) is checked before the first write, so a refused send stores
 * nothing. The receiver's copy is written first; the sender's copy is the receiver's stored
 * message, so a retried send (same sender, receiver and random) returns the original MsgKey and
 * time and stores nothing new in either inbox.
 */
import { z } from 'zod';
import { imError, isImError } from '../../protocol/errors.ts';
import type { C2CMessage, MsgOrigin, SenderProfile } from '../../protocol/entries.ts';
import { type OfflinePushInfo, offlinePushInfo } from '../../protocol/push.ts';
import type { C2CDeliverOptions } from '../actor-api.ts';
import { type Caller, originOf, senderOf } from '../caller.ts';
import type { ImContext, ImLimits } from '../context.ts';
import { randomU32 } from '../ids.ts';
import { C2C_BODY_ERRORS, checkContent } from '../message-body.ts';
import { defineCommand } from '../command.ts';
import { C2C_DENIAL_ERRORS, checkC2CSend } from '../sns/c2c-permission.ts';
import type { PairRelations } from '../sns/relation-gate.ts';

/** SyncOtherMachine: 1 = store and push to the sender's devices, 2 = leave the sender's inbox alone, omitted = store only. */
export type SenderSync = 'push' | 'skip' | 'store';

/** Tencent's longest MsgLifeTime: 7 days. */
export const MAX_LIFETIME_S = 604_800;

export interface SendC2CInput {
  readonly from: string;
  readonly to: string;
  readonly body: unknown;
  readonly cloudCustomData?: string;
  /** Tencent MsgRandom (the commands draw one when the caller gives none). */
  readonly random: number;
  readonly msgSeq?: number;
  /**
   * Tencent MsgLifeTime, seconds: how long the message waits for devices that are offline. Omitted =
   * the offline retention; longer values clamp to it (and to 7 days); 0 = online devices only.
   */
  readonly lifetimeS?: number;
  /**
   * Keep the message in roaming history (admin_getroammsg) for the roaming retention, whatever its
   * lifetime. sendmsg does; batchsendmsg with MsgLifeTime 0 and client online-only sends do not.
   */
  readonly roaming: boolean;
  readonly senderSync: SenderSync;
  /** Tencent ForbidCallbackControl: skip the before-send / after-send callback for this message. */
  readonly forbidBeforeCallback?: boolean;
  readonly forbidAfterCallback?: boolean;
  /** Tencent SendMsgControl NoUnread / NoLastMsg: the receiver's unread count, or the conversation's last message, stays. */
  readonly noUnread?: boolean;
  readonly noLastMsg?: boolean;
  /** Tencent IsNeedReadReceipt. */
  readonly needReadReceipt?: boolean;
  /** Tencent OfflinePushInfo, stored with the message for the receiver's offline push. */
  readonly offlinePush?: OfflinePushInfo;
}

export interface SendC2COutput {
  readonly msgKey: string;
  readonly time: number;
  /** SEQ of the sender's copy in the sender's inbox; 0 if none was stored. */
  readonly seq: number;
  /** The sender's copy, when the device that sent it was not pushed it (it gets it with this answer). */
  readonly own?: C2CMessage;
}

/** How long each side keeps the message. `receiver.storeS` 0 = online only: nothing is stored on either side. */
export interface C2CRetention {
  readonly receiver: Pick<C2CDeliverOptions, 'storeS' | 'offlineS'>;
  readonly sender: Pick<C2CDeliverOptions, 'storeS' | 'offlineS'>;
}

/** Offline delivery (MsgLifeTime) and roaming history are separate clocks; a stored entry lives as long as the longer. */
export function c2cRetention(limits: ImLimits, lifetimeS: number | undefined, roaming: boolean): C2CRetention {
  const offlineS = Math.min(lifetimeS ?? limits.offlineRetentionS, MAX_LIFETIME_S, limits.offlineRetentionS);
  const roamS = roaming ? limits.roamingRetentionS : 0;
  const storeS = Math.max(offlineS, roamS);
  if (storeS === 0) return { receiver: { storeS: 0, offlineS: 0 }, sender: { storeS: 0, offlineS: 0 } };
  // The sender's own devices always catch up on what they sent while it is kept.
  const senderOfflineS = Math.max(limits.offlineRetentionS, roamS);
  return { receiver: { storeS, offlineS }, sender: { storeS: senderOfflineS, offlineS: senderOfflineS } };
}

export function buildC2CMessage(input: SendC2CInput, now: number, body: C2CMessage['body'], origin: MsgOrigin, senderProfile: SenderProfile): C2CMessage {
  const random = input.random;
  const msgSeq = input.msgSeq ?? randomU32();
  return {
    kind: 'c2c',
    from: input.from,
    to: input.to,
    time: now,
    msgKey: `${msgSeq}_${random}_${Math.floor(now / 1000)}`,
    msgSeq,
    random,
    body,
    cloudCustomData: input.cloudCustomData,
    flags: 0,
    ...(input.forbidAfterCallback ? { noAfterCallback: true as const } : {}),
    ...(input.noUnread ? { noUnread: true as const } : {}),
    ...(input.noLastMsg ? { noLastMsg: true as const } : {}),
    ...(input.needReadReceipt ? { needReadReceipt: true as const } : {}),
    ...(input.offlinePush ? { offlinePush: input.offlinePush } : {}),
    origin,
    ...(Object.keys(senderProfile).length > 0 ? { senderProfile } : {}),
  };
}

/**
 * Checks that `from` may send and tells whether it has an inbox for its copy. A logged-in user
 * always has one; an App admin may name any existing account, or an admin identifier, which needs
 * no account (Tencent's default sender) and so keeps no copy.
 */
export async function senderHasInbox(ctx: ImContext, caller: Caller, from: string): Promise<boolean> {
  if (caller.kind === 'user') return true;
  if (await ctx.accounts.exists(from)) return true;
  if (ctx.identity.admins.has(from)) return false;
  throw imError('FromAccountNotFound', { userId: from });
}

/**
 * `c2c.send` (REST sendmsg, client `c2c.send`). Defaults: the sender is the caller (an App admin may
 * name another); `random` and `msgSeq` are drawn; a user's own devices get the sender's copy pushed,
 * an admin's request stores it only (SyncOtherMachine omitted). `onlineOnly` = lifetime 0 and no
 * roaming history; a `lifetimeS` of 0 alone keeps roaming (Tencent sendmsg).
 */
export const sendC2CCommand = defineCommand({
  name: 'c2c.send',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({
    from: z.string().optional(),
    to: z.string(),
    body: z.unknown(),
    cloudCustomData: z.string().optional(),
    random: z.number().default(randomU32),
    msgSeq: z.number().optional(),
    lifetimeS: z.number().optional(),
    onlineOnly: z.boolean().default(false),
    senderSync: z.enum(['push', 'skip', 'store']).optional(),
    forbidBeforeCallback: z.boolean().default(false),
    forbidAfterCallback: z.boolean().default(false),
    noUnread: z.boolean().default(false),
    noLastMsg: z.boolean().default(false),
    needReadReceipt: z.boolean().default(false),
    offlinePush: offlinePushInfo('OfflinePushInfoInvalid').optional(),
  }),
  run: (ctx, caller, i) =>
    sendC2C(ctx, caller, {
      ...i,
      from: senderOf(caller, i.from),
      lifetimeS: i.onlineOnly ? 0 : i.lifetimeS,
      roaming: !i.onlineOnly,
      senderSync: i.senderSync ?? (caller.kind === 'user' ? 'push' : 'store'),
    }),
});

/** The send itself, once every default is resolved. */
export async function sendC2C(ctx: ImContext, caller: Caller, input: SendC2CInput): Promise<SendC2COutput> {
  const body = checkContent(ctx, input.body, input.cloudCustomData, C2C_BODY_ERRORS);
  const senderCopy = caller.kind === 'user' || (await senderHasInbox(ctx, caller, input.from));
  if (!ctx.accounts.known(input.to) && (await ctx.accounts.missing([input.to])).length > 0) throw imError('ToAccountNotFound', { userId: input.to });
  if (caller.kind === 'user') await checkClientSend(ctx, input.from, input.to);
  const retention = c2cRetention(ctx.limits, input.lifetimeS, input.roaming);
  const senderProfile = ctx.senderProfiles.peek(input.from) ?? (await ctx.senderProfiles.load(input.from));
  let msg = buildC2CMessage(input, ctx.now(), body, originOf(caller), senderProfile);
  if (!input.forbidBeforeCallback) {
    const decision = await ctx.hooks.beforeC2CSend({ caller, message: msg, onlineOnly: retention.receiver.offlineS === 0 });
    if (decision.action === 'reject') throw decision.error;
    // Dropped by the app server: the sender is told it was sent, nothing is stored or delivered.
    if (decision.action === 'drop') return { msgKey: msg.msgKey, time: msg.time, seq: 0 };
    if (decision.action === 'rewrite') msg = { ...msg, body: decision.body ?? msg.body, cloudCustomData: decision.cloudCustomData ?? msg.cloudCustomData };
  }
  return deliverBothSides(ctx, msg, retention, senderCopy ? input.senderSync : 'skip', { device: caller.kind === 'user' ? caller.device : undefined });
}

/**
 * The checks of a client's send (REST sends skip them, as Tencent's), before the before-send
 * callback: the sender's global mute (20012), the receiver's blacklist (20007), and where only
 * friends may chat, the friendship both ways (20009–20011). A message to oneself is never refused
 * for relations.
 */
async function checkClientSend(ctx: ImContext, from: string, to: string): Promise<void> {
  const now = ctx.now();
  // Cache hits answer without an await: most sends of a conversation read nothing.
  const senderMutedUntil = (ctx.accounts.peekMutes(from) ?? (await ctx.accounts.mutes(from))).c2cUntil;
  const relations = from === to ? SELF : (ctx.relationGate.peek(from, to) ?? (await ctx.relationGate.pair(from, to)));
  const check = checkC2CSend({ now, senderMutedUntil, friendsOnly: ctx.relationGate.friendsOnly, ...relations });
  if (!check.allowed) throw imError(C2C_DENIAL_ERRORS[check.reason].name, { from, to, userId: from });
}

/** A message to oneself is never refused for relations. */
const SELF: PairRelations = { receiverBlacklistsSender: false, senderHasReceiver: true, receiverHasSender: true };

/** Attempts at the sender's copy once the receiver's is stored; each retry is deduplicated by the inbox. */
const SENDER_COPY_ATTEMPTS = 3;

/**
 * Writes `msg` to the receiver's inbox, then the sender's copy; used by sendmsg, batchsendmsg and
 * clients, after every check. The second write can only fail for want of the store or the actor
 * (never for a rule): it is retried, and if it still fails the send answers an error whose retry
 * (same random) completes the sender's side without a second receiver copy.
 */
export async function deliverBothSides(
  ctx: ImContext,
  msg: C2CMessage,
  retention: C2CRetention,
  senderSync: SenderSync,
  o: { readonly imported?: boolean; readonly pushLive?: boolean; /** The sending device: its copy comes back in the answer instead of a push. */ readonly device?: string } = {},
): Promise<SendC2COutput> {
  const dedupWindowS = ctx.limits.dedupWindowS;
  const imported = o.imported ? { imported: true } : {};
  const delivered = await ctx.actors.inbox(msg.to).call({ op: 'deliverC2C', message: msg, opts: { ...retention.receiver, pushLive: o.pushLive ?? true, dedupWindowS, ...imported } });
  if (msg.from === msg.to) return { msgKey: delivered.message.msgKey, time: delivered.message.time, seq: delivered.seq };
  if (senderSync === 'skip') return { msgKey: delivered.message.msgKey, time: delivered.message.time, seq: 0 };
  const exceptDevice = senderSync === 'push' ? o.device : undefined;
  const opts: C2CDeliverOptions = { ...retention.sender, pushLive: senderSync === 'push', dedupWindowS, ...imported, ...(exceptDevice ? { exceptDevice } : {}) };
  for (let attempt = 1; ; attempt++) {
    try {
      const own = await ctx.actors.inbox(msg.from).call({ op: 'deliverC2C', message: delivered.message, opts });
      return { msgKey: delivered.message.msgKey, time: delivered.message.time, seq: own.seq, ...(exceptDevice ? { own: own.message } : {}) };
    } catch (e) {
      const retriable = !isImError(e) || e.errorName === 'StreamUnavailable';
      if (!retriable || attempt >= SENDER_COPY_ATTEMPTS) {
        ctx.log.warn({ err: e, from: msg.from, to: msg.to, msgKey: msg.msgKey }, "C2C send: the sender's copy failed after the receiver's was stored; a retry completes it");
        throw e;
      }
    }
  }
}
