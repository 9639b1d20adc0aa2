/**
 * Whether a client may send a C2C message from S to R (spec §3.8, §6.3, §8.7): the receiver-side
 * checks the receiver's inbox actor makes before storing anything. REST sendmsg/batchsendmsg skip
 * them all, so their commands never call this.
 */
import { mutedAt } from './global-mute.ts';

/** What the check reads. Times are Unix ms; the clock is the caller's. */
export interface C2CSendInput {
  readonly now: number;
  /** S's global C2C mute (setnospeaking C2CmsgNospeakingTime), 0 = none. */
  readonly senderMutedUntil: number;
  /** S is in R's blacklist. (S blacklisting R does not stop S writing to R.) */
  readonly receiverBlacklistsSender: boolean;
  /** The app setting "C2C messages only between friends". */
  readonly friendsOnly: boolean;
  /** S has R / R has S in their friend list. */
  readonly senderHasReceiver: boolean;
  readonly receiverHasSender: boolean;
  /** The console option that shows a blacklisted sender's message as sent (it is still not delivered). */
  readonly blockedLooksSent?: boolean;
}

export type C2CDenial = 'muted' | 'blacklisted' | 'notFriends' | 'notReceiversFriend' | 'notSendersFriend';

/**
 * `silent`: answer the sender with success (as a stored send would), deliver and store nothing.
 * Only a blacklisted send can be silent, and only with `blockedLooksSent`.
 */
export type C2CSendCheck = { readonly allowed: true } | { readonly allowed: false; readonly reason: C2CDenial; readonly silent: boolean };

/** The catalogue entry each denial becomes (entries to add to src/protocol/errors.ts), and its Tencent code. */
export const C2C_DENIAL_ERRORS = {
  muted: { name: 'C2CSenderMuted', code: 20012 },
  blacklisted: { name: 'C2CBlacklisted', code: 20007 },
  notFriends: { name: 'C2CNotFriends', code: 20009 },
  notReceiversFriend: { name: 'C2CNotReceiversFriend', code: 20010 },
  notSendersFriend: { name: 'C2CNotSendersFriend', code: 20011 },
} as const satisfies Record<C2CDenial, { name: string; code: number }>;

const deny = (reason: C2CDenial, silent = false): C2CSendCheck => ({ allowed: false, reason, silent });

/**
 * The checks, in order, the first failing one deciding:
 *  1. S globally muted for C2C → 20012 — first, as Tencent refuses a muted sender before anything
 *     else (even the before-send callback), and it is S's own state, so it tells S nothing about R;
 *  2. S in R's blacklist → 20007 — before the friend check, since blacklisting ends the friendship
 *     and the sender would otherwise only ever see a friend error;
 *  3. friends-only app: both must have the other — neither → 20009, S has R but R not S → 20010
 *     (S is not in R's list), R has S but S not R → 20011 (R is not in S's list).
 * The C2C before-send callback runs only for an allowed send.
 */
export function checkC2CSend(input: C2CSendInput): C2CSendCheck {
  if (mutedAt(input.senderMutedUntil, input.now)) return deny('muted');
  if (input.receiverBlacklistsSender) return deny('blacklisted', input.blockedLooksSent ?? false);
  if (input.friendsOnly) {
    if (!input.senderHasReceiver && !input.receiverHasSender) return deny('notFriends');
    if (!input.receiverHasSender) return deny('notReceiversFriend');
    if (!input.senderHasReceiver) return deny('notSendersFriend');
  }
  return { allowed: true };
}
