/**
 * What a stream holds and what clients receive: the entry types, shared by server, store and SDK.
 * Times are Unix milliseconds inside Parley (REST answers convert to Tencent's seconds).
 */

/** One element of a Tencent `MsgBody`: `{MsgType, MsgContent}` (spec §4.1). */
export interface MsgElem {
  readonly MsgType: string;
  readonly MsgContent: Readonly<Record<string, unknown>>;
}

/** Bit set in `flags` when a message was recalled (Tencent's MsgFlagBits 8). */
export const FLAG_RECALLED = 8;

/**
 * Where a message was sent from: Tencent's `OptPlatform` (`RESTAPI` or the device platform) and the
 * sender's `ClientIP`, for the app server's after-callbacks. Stored with the message, never shown
 * to clients (the SDK's pages and pushes leave it out).
 */
export interface MsgOrigin {
  readonly platform: string;
  readonly clientIp: string;
}

export interface C2CMessage {
  readonly kind: 'c2c';
  readonly from: string;
  readonly to: string;
  readonly time: number;
  /** Tencent MsgKey: `{msgSeq}_{random}_{unix seconds}`. */
  readonly msgKey: string;
  /** Sender-chosen u32 (Tencent MsgSeq of C2C messages); not unique. */
  readonly msgSeq: number;
  readonly random: number;
  readonly body: readonly MsgElem[];
  readonly cloudCustomData?: string;
  readonly flags: number;
  /** The sender asked for no after-send callback (Tencent ForbidAfterSendMsgCallback), or the command has none (batchsendmsg). */
  readonly noAfterCallback?: true;
  readonly origin?: MsgOrigin;
  /**
   * Set on a stored copy whose offline delivery ends before its roaming retention (a MsgLifeTime
   * shorter than history): after this Unix ms, syncing devices no longer receive it; it stays in
   * roaming history.
   */
  readonly offlineUntil?: number;
}

export type MsgPriority = 'High' | 'Normal' | 'Low' | 'Lowest';

export interface GroupMessage {
  readonly kind: 'group';
  readonly groupId: string;
  readonly from: string;
  readonly time: number;
  readonly random: number;
  readonly body: readonly MsgElem[];
  readonly cloudCustomData?: string;
  readonly priority: MsgPriority;
  readonly flags: number;
  /** Mentions (Tencent GroupAtInfo): `'@all'` for GroupAtAllFlag 1, else the mentioned account, in the order of the text. */
  readonly atInfo?: readonly GroupAt[];
  /** The sender asked for no after-send callback (Tencent ForbidAfterSendMsgCallback). */
  readonly noAfterCallback?: true;
  readonly origin?: MsgOrigin;
}

/** One mention of a group message: everyone, or one account. */
export type GroupAt = { readonly all: true } | { readonly userId: string };

export type GroupTipType = 'join' | 'quit' | 'kick';

/** A group system tip (member joined, left, was removed); stored in the group stream where the type keeps tips. */
export interface GroupTip {
  readonly kind: 'tip';
  readonly groupId: string;
  readonly tip: GroupTipType;
  readonly operator: string;
  readonly members: readonly string[];
  readonly time: number;
  /** Why members were removed, as the remover gave it (Tencent delete_group_member `Reason`). */
  readonly reason?: string;
}

export type InboxNoticeType = 'group.joined' | 'group.left' | 'group.dismissed';

/**
 * A notice in a user's inbox. Group membership notices carry the group's SEQ at the moment of the
 * change: a joined member syncs the group from `groupSeq` on, a removed one stops there.
 */
export interface InboxNotice {
  readonly kind: 'notice';
  readonly notice: InboxNoticeType;
  readonly groupId: string;
  readonly groupSeq: number;
  readonly operator: string;
  readonly time: number;
}

export type Entry = C2CMessage | GroupMessage | GroupTip | InboxNotice;

/**
 * An entry as delivered: the stream it belongs to and its SEQ there. `seq` is 0 for online-only
 * entries, which are never stored and carry no SEQ.
 */
export interface StreamEvent {
  readonly stream: string;
  readonly seq: number;
  readonly entry: Entry;
}
