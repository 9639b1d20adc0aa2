/**
 * What a stream holds and what clients receive: the entry types, shared by server, store and SDK.
 * Times are Unix milliseconds inside Parley (REST answers convert to Tencent's seconds).
 */
import type { OfflinePushInfo } from './push.ts';

/** One element of a Tencent `MsgBody`: `{MsgType, MsgContent}` (spec §4.1). */
export interface MsgElem {
  readonly MsgType: string;
  readonly MsgContent: Readonly<Record<string, unknown>>;
}

/** Bit set in `flags` when a message was recalled (Tencent's MsgFlagBits 8). */
export const FLAG_RECALLED = 8;

/** Bit set in `flags` of one inbox's copy its user deleted (`c2c.delete`): sync and roaming skip it there. */
export const FLAG_DELETED = 16;

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
  /** The sender's profile fields as of the send; absent when none (see SenderProfile). */
  readonly senderProfile?: SenderProfile;
  /**
   * Brought in by importmsg (migration) with its original `time`: no callbacks, not in chat-record
   * files; `'history'` (SyncFromOldSystem 2) is never pushed live, `'live'` (5) is.
   */
  readonly imported?: 'history' | 'live';
  /**
   * Set on a stored copy whose offline delivery ends before its roaming retention (a MsgLifeTime
   * shorter than history): after this Unix ms, syncing devices no longer receive it; it stays in
   * roaming history.
   */
  readonly offlineUntil?: number;
  /** Tencent SendMsgControl NoUnread: the message does not count as unread for the receiver. */
  readonly noUnread?: true;
  /** Tencent SendMsgControl NoLastMsg: the message does not become its conversation's last message. */
  readonly noLastMsg?: true;
  /** Tencent IsNeedReadReceipt: the sender wants to know when the receiver read it (`conversation` `receipt` notices). */
  readonly needReadReceipt?: true;
  /** Tencent OfflinePushInfo as the send gave it: how a receiver who is not online is notified (src/push). */
  readonly offlinePush?: OfflinePushInfo;
}

/**
 * The sender's profile fields a message carries, as of its send (Tencent's message nickName and
 * faceURL): tag → value for the tags the app selects (PARLEY_MESSAGE_PROFILE_TAGS, by default
 * Tag_Profile_IM_Nick and Tag_Profile_IM_Image) that the sender has set.
 */
export type SenderProfile = Readonly<Record<string, string | number>>;

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
  /**
   * Targeted receivers (Tencent To_Account): only they and the sender see the message, live and when
   * pulling; others find its SEQ missing from their pages. Absent = every member.
   */
  readonly to?: readonly string[];
  /** Mentions (Tencent GroupAtInfo): `'@all'` for GroupAtAllFlag 1, else the mentioned account, in the order of the text. */
  readonly atInfo?: readonly GroupAt[];
  /** The sender asked for no after-send callback (Tencent ForbidAfterSendMsgCallback). */
  readonly noAfterCallback?: true;
  /** Tencent IsNeedReadReceipt: members report reading it, the sender sees who did (`groupReceipt`). */
  readonly needReadReceipt?: true;
  readonly origin?: MsgOrigin;
  /** The sender's profile fields as of the send; absent when none (see SenderProfile). */
  readonly senderProfile?: SenderProfile;
  /** The sender's name card in the group (Tencent NameCard) as of the send; absent when none. */
  readonly senderNameCard?: string;
  /** Tencent OfflinePushInfo as the send gave it: how members who are not online are notified (src/push). */
  readonly offlinePush?: OfflinePushInfo;
  /**
   * Brought in by import_group_msg (migration): history with its original `time`, never pushed
   * live, no after-send callback, not in chat-record files.
   */
  readonly imported?: true;
}

/** One mention of a group message: everyone, or one account. */
export type GroupAt = { readonly all: true } | { readonly userId: string };

/** Base-profile fields a change names: only those that changed; an AppDefinedData key with `""` was deleted. */
export interface GroupInfoChanges {
  readonly name?: string;
  readonly introduction?: string;
  readonly notification?: string;
  readonly faceUrl?: string;
  readonly maxMemberCount?: number;
  readonly applyJoinOption?: 'FreeAccess' | 'NeedPermission' | 'DisableApply';
  readonly inviteJoinOption?: 'FreeAccess' | 'NeedPermission' | 'DisableInvite';
  readonly muteAll?: boolean;
  readonly appDefinedData?: Readonly<Record<string, string>>;
}

interface TipBase {
  readonly kind: 'tip';
  readonly groupId: string;
  /** Who made the change (an App admin's identifier, or a member). */
  readonly operator: string;
  /** The accounts the change is about (joined, left, promoted, muted, the new owner); empty for profile changes. */
  readonly members: readonly string[];
  readonly time: number;
}

/** Members joined, quit, or were removed (`reason`: as the remover gave it, Tencent delete_group_member `Reason`). */
export interface GroupMemberTip extends TipBase {
  readonly tip: 'join' | 'quit' | 'kick';
  readonly reason?: string;
  /**
   * How members joined, where the operator does not tell: `Apply` for an application accepted by
   * `operator` (Tencent's AfterNewMemberJoin JoinType). Absent: a user joining alone by themself
   * applied, anyone else was invited.
   */
  readonly joinType?: 'Apply' | 'Invited';
}

/** The base profile changed (Tencent's group-info-change tip). */
export interface GroupInfoTip extends TipBase {
  readonly tip: 'info';
  readonly changes: GroupInfoChanges;
}

/** `members[0]` became the owner; `previous` was (empty for an ownerless group). */
export interface GroupOwnerTip extends TipBase {
  readonly tip: 'owner';
  readonly previous: string;
}

/** `members` became admins or plain members again. */
export interface GroupRoleTip extends TipBase {
  readonly tip: 'role';
  readonly role: 'Admin' | 'Member';
}

/** `members` were muted until `until` (Unix ms), or unmuted (`until` 0). */
export interface GroupMuteTip extends TipBase {
  readonly tip: 'mute';
  readonly until: number;
}

/** Messages were recalled: their SEQs now read as holes. */
export interface GroupRecallTip extends TipBase {
  readonly tip: 'recall';
  readonly seqs: readonly number[];
}

/** A group system tip; stored in the group stream (with a SEQ) where the type keeps that kind, else pushed live only. */
/** The message at `seq` was changed (modify_group_msg): its new body and custom data, for devices that hold it. */
export interface GroupModifyTip extends TipBase {
  readonly tip: 'modify';
  readonly seq: number;
  readonly body: readonly MsgElem[];
  readonly cloudCustomData?: string;
}

export type GroupTip = GroupMemberTip | GroupInfoTip | GroupOwnerTip | GroupRoleTip | GroupMuteTip | GroupRecallTip | GroupModifyTip;
export type GroupTipType = GroupTip['tip'];

/**
 * A custom notification an App admin sent to a group's online members (send_group_system_notification):
 * never stored, never given a SEQ; clients surface it as Tencent's REST custom data.
 */
export interface GroupSystemNotice {
  readonly kind: 'groupSystem';
  readonly groupId: string;
  readonly content: string;
  readonly time: number;
}

/**
 * The group's attributes changed (group_open_attr_http_svc; Tencent's SDK reports it as
 * onGroupAttributeChanged with every attribute): `attrs` holds all of them as they are now, `{}`
 * once cleared. Pushed live to the online members only: never stored, no SEQ; a client that missed
 * it asks for the attributes again.
 */
export interface GroupAttrNotice {
  readonly kind: 'groupAttr';
  readonly groupId: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly time: number;
}

/**
 * Kinds of inbox notice. Membership: `group.joined`, `group.left`, `group.dismissed`. Applications
 * to join (Tencent's onReceiveJoinApplication / onApplicationProcessed): `group.application` to the
 * group's owner and admins when someone applies (or applies again with a new message; `operator`
 * and `applicant` are the applicant, `message` theirs); `group.application.accepted` and
 * `group.application.refused` to the applicant once decided (`operator` is who decided, `message`
 * their message). An accepted applicant also gets `group.joined`. Invitations awaiting approval
 * (InviteJoinOption NeedPermission): `group.invitation` to the owner and admins (`operator` is the
 * inviter, `applicant` the invitee), `group.invitation.accepted` / `.refused` to the inviter once
 * decided; an accepted invitee gets `group.joined` only.
 */
export type InboxNoticeType =
  | 'group.joined'
  | 'group.left'
  | 'group.dismissed'
  | 'group.application'
  | 'group.application.accepted'
  | 'group.application.refused'
  | 'group.invitation'
  | 'group.invitation.accepted'
  | 'group.invitation.refused';

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
  /** Application notices: who applied; invitation notices: the invitee. */
  readonly applicant?: string;
  /** Application notices: the application's message (`group.application`) or the decider's (accepted, refused). */
  readonly message?: string;
}

/** One profile field as Tencent's wire carries it (portrait_set/get, Profile.CallbackPortraitSet): a Tag_Profile_* tag and its value. */
export interface ProfileItem {
  readonly Tag: string;
  readonly Value: string | number;
}

/**
 * The user's own profile changed (REST portrait_set, or `profile.set` from one of their devices):
 * `items` are the fields set, with their new values, so the other devices update their copy.
 */
export interface ProfileNotice {
  readonly kind: 'profile';
  readonly userId: string;
  /** Who set it: the user, or the App admin's identifier. */
  readonly operator: string;
  readonly items: readonly ProfileItem[];
  readonly time: number;
}

/**
 * The user's relationship chain changed (the `relation.changed` event's `action`, `user` and
 * `pairs`): every device updates its friend list, requests or blacklist. Sent to the users whose
 * lists changed, the requester and the peer of a friend request, and the owner of a blacklist.
 */
export interface RelationNotice {
  readonly kind: 'relation';
  readonly action: 'friend.added' | 'friend.imported' | 'friend.requested' | 'friend.updated' | 'friend.deleted' | 'friend.request_dropped' | 'blacklist.added' | 'blacklist.deleted' | 'groups.changed';
  /** Whose request it was. */
  readonly user: string;
  readonly pairs: readonly { readonly from: string; readonly to: string }[];
  readonly time: number;
}

/**
 * A C2C message was recalled or modified (admin_msgwithdraw, modify_c2c_msg, the sender's `c2c.recall`):
 * both sides' inboxes get this notice, and their devices update the message at `seq` of this inbox
 * (`msgKey` names it on both sides). A recalled message stays, with flags 8 (Tencent's MsgFlagBits),
 * in sync and roaming; a modified one reads with `body` and `cloudCustomData` from then on.
 */
export interface C2CChangeNotice {
  readonly kind: 'c2c.change';
  /** `delete`: the user deleted their own copy (only their inbox gets this notice). */
  readonly change: 'recall' | 'modify' | 'delete';
  readonly from: string;
  readonly to: string;
  readonly msgKey: string;
  /** The message's SEQ in this inbox. */
  readonly seq: number;
  /** The sender, or the App admin's identifier. */
  readonly operator: string;
  readonly time: number;
  /** Modify: the new body and custom data. */
  readonly body?: readonly MsgElem[];
  readonly cloudCustomData?: string;
  /** Where the change came from, for the app server's callback; never sent to devices. */
  readonly origin?: MsgOrigin;
  /** The message counted as unread in this inbox (received, not NoUnread, not imported history). */
  readonly counted?: true;
}

/**
 * The user's conversation list changed (src/im/conversations): kept in the inbox so every device of
 * the user applies the same change, and folded into the inbox's conversation rows.
 * - `read`: the user read the conversation through `readSeq` (the inbox SEQ of a C2C conversation,
 *   the group SEQ of a group's) and up to `readTime`; `unread` messages are left unread (0 when
 *   read to the end).
 * - `peerRead`: the other side of the C2C conversation read this user's messages up to `readTime`
 *   (Tencent's C2C read receipt).
 * - `receipt`: the other side reported reading these messages of this user's, sent with
 *   IsNeedReadReceipt (`msgKeys`; Tencent's C2C message read receipts); the row does not change.
 * - `pin` / `unpin`: the conversation is shown first (Tencent's pinned conversations) or no longer.
 * - `delete`: the conversation leaves the list until its next message (its unread count with it);
 *   `clearHistory` = its messages were deleted from this user's roaming too (Tencent ClearRamble).
 */
export interface ConversationNotice {
  readonly kind: 'conversation';
  readonly change: 'read' | 'peerRead' | 'receipt' | 'pin' | 'unpin' | 'delete';
  /** Tencent's conversation id: `c2c_<userId>` or `group_<groupId>`. */
  readonly conversationId: string;
  readonly time: number;
  readonly readSeq?: number;
  readonly readTime?: number;
  readonly unread?: number;
  /** read: the user's C2C unread messages in all, after this read. */
  readonly totalUnread?: number;
  readonly clearHistory?: true;
  /** receipt: the messages read, by MsgKey. */
  readonly msgKeys?: readonly string[];
  /** Who made the change: the user, or the App admin's identifier (admin_set_msg_read, recentcontact/delete). */
  readonly operator: string;
}

/**
 * A change to the user's conversation groups or conversation marks (Tencent's conversation groups
 * and marks, which live apart from the conversation list: a conversation can be marked or grouped
 * whether it is listed or not). It carries the state after the change, so each device sets it:
 * `groups` (every group, when they changed), and per conversation its marks and groups as they are
 * now; a conversation with no mark, custom mark or group left is unmarked. `deletedGroups` are
 * deleted groups: every conversation leaves them.
 */
export interface ContactNotice {
  readonly kind: 'contact';
  readonly time: number;
  readonly groups?: readonly ContactGroupItem[];
  readonly deletedGroups?: readonly number[];
  readonly marks?: readonly ContactMarkItem[];
  /** The user, or the App admin's identifier (recentcontact/*_contact_group, mark_contact). */
  readonly operator: string;
}

/** A conversation group: its id (never reused for the user) and name. */
export interface ContactGroupItem {
  readonly id: number;
  readonly name: string;
}

/** One conversation's marks: the standard mark's set bits (0–63), the custom mark, and the ids of its groups. */
export interface ContactMarkItem {
  readonly conversationId: string;
  readonly bits: readonly number[];
  readonly custom: string;
  readonly groupIds: readonly number[];
}

/**
 * A followed user came online (their first device connected) or went away (their last device left:
 * `PushOnline` while a mobile device of theirs is registered for offline push, else `Offline`),
 * pushed live to those who subscribed to their status (`user.subscribeStatus`) and, when the app
 * turns it on (PARLEY_FRIEND_STATUS_PUSH), their mutual friends (Tencent's onUserStatusChanged).
 * Never stored: a device that was away asks `user.status`.
 */
export interface UserStatusNotice {
  readonly kind: 'status';
  readonly userId: string;
  readonly status: 'Online' | 'PushOnline' | 'Offline';
  readonly time: number;
}

/**
 * Members read messages of the group the user sent with a read receipt asked (Tencent's
 * onRecvMessageReadReceipts): each message's count of members who read it and who have not yet.
 * Pushed live to the sender's devices, never stored: a device that was away asks `group.receipts`.
 */
export interface GroupReceiptNotice {
  readonly kind: 'groupReceipt';
  readonly groupId: string;
  readonly receipts: readonly { readonly seq: number; readonly read: number; readonly unread: number }[];
  readonly time: number;
}

/** What a user's inbox holds besides C2C messages: notices, kept with a SEQ so every device syncs them. */
/**
 * Who an all-member push is for (Tencent im_push `Condition`): users holding any (`tagsOr`) or all
 * (`tagsAnd`) of the tags, or whose attributes match any (`attrsOr`) or all (`attrsAnd`) of the
 * pairs, by attribute slot ("0"–"9", as resolved from the app's attribute names when pushed).
 * Tags and attributes never mix; parts given together must all hold. Absent: everyone.
 */
export interface BroadcastCondition {
  readonly tagsOr?: readonly string[];
  readonly tagsAnd?: readonly string[];
  readonly attrsOr?: Readonly<Record<string, string>>;
  readonly attrsAnd?: Readonly<Record<string, string>>;
}

/**
 * A message to every user or to those matching a condition (REST im_push), stored once in the
 * broadcast stream `b:all` and read by each targeted user (read diffusion). Every push takes a SEQ
 * there, also an online-only one (MsgLifeTime 0), whose `offlineUntil` is its own time: devices
 * syncing later skip it. Targets are matched when delivered live and again when a device syncs.
 */
export interface BroadcastMessage {
  readonly kind: 'broadcast';
  /** Tencent TaskId, answered by im_push. */
  readonly taskId: string;
  readonly from: string;
  readonly time: number;
  readonly random: number;
  readonly body: readonly MsgElem[];
  /** Absent: everyone. Never shown to clients. */
  readonly condition?: BroadcastCondition;
  /** Unix ms after which syncing devices no longer receive it (time + MsgLifeTime). */
  readonly offlineUntil: number;
  readonly offlinePush?: OfflinePushInfo;
  readonly senderProfile?: SenderProfile;
}

export type InboxOnlyEntry = InboxNotice | ProfileNotice | RelationNotice | C2CChangeNotice | ConversationNotice | ContactNotice;

export type Entry = C2CMessage | GroupMessage | BroadcastMessage | GroupTip | GroupSystemNotice | GroupAttrNotice | InboxNotice | ProfileNotice | RelationNotice | C2CChangeNotice | ConversationNotice | ContactNotice | UserStatusNotice | GroupReceiptNotice;

/**
 * An entry as delivered: the stream it belongs to and its SEQ there. `seq` is 0 for online-only
 * entries, which are never stored and carry no SEQ.
 */
export interface StreamEvent {
  readonly stream: string;
  readonly seq: number;
  readonly entry: Entry;
}
