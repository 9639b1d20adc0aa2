/**
 * The client protocol over the inbox room: request/response operations (`room.request(REQUEST,
 * {op, args})`, answered with the result or rejected with a `WireError` — an unknown `op` too, with
 * 60009) and the events the server pushes. Argument schemas are shared by server (validation) and
 * SDK (types).
 */
import { z } from 'zod';
import type { ContactGroupItem, ContactMarkItem, Entry, ProfileItem, StreamEvent } from './entries.ts';
import { isValidGroupId, isValidUserId } from './ids.ts';
import { type PushSettings, type PushTarget, offlinePushInfo, pushSettings, pushTarget } from './push.ts';

export const Op = {
  SendC2C: 'c2c.send',
  SendGroup: 'group.send',
  Sync: 'sync',
  GroupPull: 'group.pull',
  BroadcastPull: 'broadcast.pull',
  Groups: 'groups',
  CreateGroup: 'group.create',
  InviteToGroup: 'group.invite',
  KickFromGroup: 'group.kick',
  QuitGroup: 'group.quit',
  JoinGroup: 'group.join',
  GroupInfo: 'group.info',
  ModifyGroup: 'group.modify',
  ModifyGroupMember: 'group.modifyMember',
  MuteInGroup: 'group.mute',
  GroupMuted: 'group.muted',
  GroupMembers: 'group.members',
  TransferGroup: 'group.transfer',
  DismissGroup: 'group.dismiss',
  RecallInGroup: 'group.recall',
  GroupApplications: 'group.applications',
  ReadGroupApplications: 'group.applicationsRead',
  AcceptGroupApplication: 'group.acceptApplication',
  RefuseGroupApplication: 'group.refuseApplication',
  SetProfile: 'profile.set',
  GetProfiles: 'profile.get',
  AddFriends: 'friend.add',
  FriendRequests: 'friend.requests',
  RespondFriends: 'friend.respond',
  Friends: 'friend.list',
  DeleteFriends: 'friend.delete',
  CheckFriends: 'friend.check',
  AddToBlacklist: 'blacklist.add',
  RemoveFromBlacklist: 'blacklist.delete',
  Blacklist: 'blacklist.list',
  UpdateFriends: 'friend.update',
  DeleteAllFriends: 'friend.deleteAll',
  AddFriendGroups: 'friendGroup.add',
  DeleteFriendGroups: 'friendGroup.delete',
  FriendGroups: 'friendGroup.list',
  ReadFriendRequests: 'friend.requestsRead',
  DeleteFriendRequests: 'friend.deleteRequests',
  SearchUsers: 'user.search',
  RecallC2C: 'c2c.recall',
  UserStatus: 'user.status',
  DeleteC2C: 'c2c.delete',
  Conversations: 'conversation.list',
  ReadConversation: 'conversation.read',
  PinConversation: 'conversation.pin',
  DeleteConversation: 'conversation.delete',
  UnreadCounts: 'conversation.unread',
  Contacts: 'contact.list',
  CreateContactGroup: 'contact.group.create',
  DeleteContactGroups: 'contact.group.delete',
  RenameContactGroup: 'contact.group.rename',
  ContactGroupConversations: 'contact.group.conversations',
  MarkConversations: 'contact.mark',
  ReadGroupReceipts: 'group.readReceipt',
  GroupReceipts: 'group.receipts',
  GroupReceiptMembers: 'group.receiptMembers',
  ReadC2CReceipts: 'c2c.readReceipt',
  RegisterPush: 'push.register',
  UnregisterPush: 'push.unregister',
  PushDevices: 'push.devices',
  SubscribeStatus: 'user.subscribeStatus',
  UnsubscribeStatus: 'user.unsubscribeStatus',
  PushConfig: 'push.config',
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** The one Colyseus request type every operation travels in; its payload is an `OpRequest`. */
export const REQUEST = 'op';

/** Payload of a `REQUEST`: which operation, with its arguments. */
export interface OpRequest {
  readonly op: string;
  readonly args?: unknown;
}

/** Server → client message types. */
export const ServerMessage = {
  /** A `StreamEvent`: a new entry in one of the user's streams (inbox or a group). */
  Event: 'ev',
} as const;

const u32 = z.number().int().min(0).max(0xffffffff);
const userId = z.string().refine(isValidUserId, 'must be a UserID: 1 to 32 bytes of well-formed text');
const groupId = z.string().refine(isValidGroupId, 'must be a group id: 1 to 48 bytes of printable ASCII');
const msgElem = z.object({ MsgType: z.string(), MsgContent: z.record(z.string(), z.unknown()) });

export const sendC2CArgs = z.object({
  to: userId,
  body: z.array(msgElem).min(1),
  random: u32.optional(),
  msgSeq: u32.optional(),
  cloudCustomData: z.string().optional(),
  /** Deliver to online devices only; nothing is stored. */
  onlineOnly: z.boolean().optional(),
  /** The receiver may tell the sender they read it (`c2c.readReceipt`). */
  needReadReceipt: z.boolean().optional(),
  /** Tencent OfflinePushInfo: the push the receiver gets when not online (90043 when malformed). */
  offlinePush: offlinePushInfo('OfflinePushInfoInvalid').optional(),
});
export type SendC2CArgs = z.infer<typeof sendC2CArgs>;
export interface SendC2CResult {
  readonly msgKey: string;
  readonly time: number;
  /** SEQ of the sender's copy in the sender's inbox stream (0 when online-only). */
  readonly seq: number;
  /**
   * The sender's copy as the user's other devices receive it (at `seq` of the inbox stream). The
   * sending device is not pushed it: this answer carries it instead (one frame, not two), and the
   * SDK hands it on as that stream's entry.
   */
  readonly entry?: Entry;
}

/**
 * Recalls a C2C message the caller sent to `to` (Tencent's revokeMessage), within the recall window
 * (120 s by default; 20016 after it): both sides' devices get a `c2c.change` entry. 20022 for no such
 * message, 20023 when it was recalled already, 90054 for a malformed MsgKey.
 */
export const recallC2CArgs = z.object({ to: userId, msgKey: z.string().min(1) });
export type RecallC2CArgs = z.infer<typeof recallC2CArgs>;

/**
 * Deletes the caller's own copies of messages with `peer` (Tencent's deleteMessages, cloud side;
 * ≤30): they leave the caller's sync and roaming, the peer keeps theirs; the caller's devices get a
 * `c2c.change` entry with `change: 'delete'`. Keys not held are ignored.
 */
export const deleteC2CArgs = z.object({ peer: userId, msgKeys: z.array(z.string().min(1)).min(1).max(30) });
export type DeleteC2CArgs = z.infer<typeof deleteC2CArgs>;

/** Whether users are online (Tencent's getUserStatus): `Online` while any device is connected, else `Offline`; unknown ones 70107 in `errors`. */
export const userStatusArgs = z.object({ userIds: z.array(userId).min(1).max(500) });
export type UserStatusArgs = z.infer<typeof userStatusArgs>;
export interface UserStatusResult {
  readonly statuses: readonly { readonly userId: string; readonly status: 'Online' | 'PushOnline' | 'Offline' }[];
  readonly errors: readonly { readonly userId: string; readonly code: number }[];
}

/**
 * Follows users' online status beyond mutual friends (Tencent's subscribeUserStatus): each change
 * of theirs reaches the caller's devices as a live `status` entry. Answers their statuses now, as
 * `user.status` does (70107 unknown, 70402 the caller itself, in `errors`). Subscriptions last until
 * unsubscribed; past PARLEY_STATUS_SUBSCRIPTIONS_MAX the oldest give way.
 */
export const subscribeStatusArgs = z.object({ userIds: z.array(userId).min(1).max(100) });
export type SubscribeStatusArgs = z.infer<typeof subscribeStatusArgs>;
/** Stops following those users, or everyone without `userIds` (or with an empty list). */
export const unsubscribeStatusArgs = z.object({ userIds: z.array(userId).max(100).optional() });
export type UnsubscribeStatusArgs = z.infer<typeof unsubscribeStatusArgs>;

export const sendGroupArgs = z.object({
  groupId,
  body: z.array(msgElem).min(1),
  random: u32.optional(),
  cloudCustomData: z.string().optional(),
  priority: z.enum(['High', 'Normal', 'Low', 'Lowest']).optional(),
  onlineOnly: z.boolean().optional(),
  /** Only these members (and the sender) receive it; at most 50. */
  to: z.array(userId).max(50).optional(),
  /** Members report reading it (`group.readReceipt`); the sender's devices get `groupReceipt` entries. */
  needReadReceipt: z.boolean().optional(),
  /** Tencent OfflinePushInfo: the push members get when not online (10004 when malformed). */
  offlinePush: offlinePushInfo('GroupInvalidParam').optional(),
});
export type SendGroupArgs = z.infer<typeof sendGroupArgs>;
export interface SendGroupResult {
  readonly seq: number;
  readonly time: number;
}

export const syncArgs = z.object({
  after: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type SyncArgs = z.infer<typeof syncArgs>;

export const groupPullArgs = syncArgs.extend({ groupId });
export type GroupPullArgs = z.infer<typeof groupPullArgs>;

/**
 * A page of a stream. Every stored entry with `after < seq <= through` is in `events`; SEQs in
 * that range that are missing expired or were never visible to this reader. `head` is the
 * stream's highest SEQ: when `through < head`, ask again with `after = through`.
 */
export interface StreamPage {
  readonly events: readonly StreamEvent[];
  readonly through: number;
  readonly head: number;
}

export interface JoinedGroup {
  readonly groupId: string;
  readonly type: string;
  readonly name: string;
  /** The group's highest SEQ now. */
  readonly head: number;
  /** The member sees entries with SEQ above this. */
  readonly readableAfter: number;
}
export interface GroupsResult {
  readonly groups: readonly JoinedGroup[];
}

export const groupsArgs = z.object({}).optional();

// ---- group management (a Tencent client SDK's group calls; the rules are the REST commands') ----

/** Type names a client may use: the REST names and the SDK's newer Work (= Private) and Meeting (= ChatRoom). */
export const GROUP_TYPE_INPUTS = ['Work', 'Public', 'Meeting', 'AVChatRoom', 'Community', 'Private', 'ChatRoom'] as const;
export type GroupTypeInput = (typeof GROUP_TYPE_INPUTS)[number];
/** A group type as the server reports it: the REST names (Work is `Private`, Meeting `ChatRoom`). */
export type ReportedGroupType = 'Private' | 'Public' | 'ChatRoom' | 'AVChatRoom' | 'Community';
export type GroupRole = 'Owner' | 'Admin' | 'Member';
export type ApplyJoinOption = 'FreeAccess' | 'NeedPermission' | 'DisableApply';
const applyJoinOption = z.enum(['FreeAccess', 'NeedPermission', 'DisableApply']);
/**
 * How members' invitations are taken (Tencent's InviteJoinOption): FreeAccess by the type's rule (Work
 * and Community members invite, other types the owner or an admin), NeedPermission any member invites
 * and a plain member's invitation awaits the owner or an admin, DisableInvite none from the client.
 */
export type InviteJoinOption = 'FreeAccess' | 'NeedPermission' | 'DisableInvite';
const inviteJoinOption = z.enum(['FreeAccess', 'NeedPermission', 'DisableInvite']);
/** `AcceptAndNotify` (default), `AcceptNotNotify` (no offline push), `Discard` (nothing pushed; history still readable). */
const msgFlag = z.enum(['AcceptAndNotify', 'AcceptNotNotify', 'Discard']);
/** Custom fields as key/value pairs; in a change, a value of `""` deletes its key. */
const keyValues = z.array(z.object({ key: z.string(), value: z.string() }));
const userIds = z.array(userId).min(1);
const groupOnly = z.object({ groupId });

/** The caller becomes the owner. AVChatRoom takes no `members` (everyone joins it from the client). */
export const createGroupArgs = z.object({
  type: z.enum(GROUP_TYPE_INPUTS),
  name: z.string(),
  /** A custom id (not starting with `@TGS#`; a Community's must start with `@TGS#_`); generated when absent. */
  groupId: groupId.optional(),
  introduction: z.string().optional(),
  notification: z.string().optional(),
  faceUrl: z.string().optional(),
  /** Default NeedPermission; types that need no approval (Meeting, AVChatRoom, Community) ignore it but DisableApply. */
  applyJoinOption: applyJoinOption.optional(),
  /** Default FreeAccess; not for an AVChatRoom (10007). */
  inviteJoinOption: inviteJoinOption.optional(),
  appDefinedData: keyValues.optional(),
  members: z.array(z.object({ userId, role: z.enum(['Admin', 'Member']).optional() })).optional(),
});
export type CreateGroupArgs = z.infer<typeof createGroupArgs>;
export interface CreateGroupResult {
  readonly groupId: string;
  readonly type: ReportedGroupType;
}

export const inviteArgs = z.object({ groupId, userIds });
export type InviteArgs = z.infer<typeof inviteArgs>;
export interface InviteResult {
  /**
   * Per account: 0 not added (unknown account, or refused by the app server), 1 added, 2 already a
   * member, 3 invited, awaiting the owner or an admin (the group's InviteJoinOption is NeedPermission).
   */
  readonly results: readonly { readonly userId: string; readonly result: 0 | 1 | 2 | 3 }[];
}

/** Removing someone who is not a member succeeds; `reason` is shown with the removal tip. */
export const kickArgs = z.object({ groupId, userIds, reason: z.string().optional() });
export type KickArgs = z.infer<typeof kickArgs>;

export const quitArgs = groupOnly;
export type QuitArgs = z.infer<typeof quitArgs>;
/** `message`: where the group needs approval (a NeedPermission Public group), the application's message for its owner and admins (Tencent joinGroup's `message`). */
export const joinArgs = z.object({ groupId, message: z.string().optional() });
export type JoinArgs = z.infer<typeof joinArgs>;
/**
 * `audience`: the user joined an AVChatRoom's live audience, which lasts while they are online in
 * this session (the SDK joins again after it reconnects), rather than becoming a member.
 */
export interface JoinGroupResult {
  readonly audience: boolean;
  /** Set when the group needs approval: an application was recorded (or its message updated) instead; the user is no member yet. */
  readonly pending?: true;
}
export const groupInfoArgs = groupOnly;
export type GroupInfoArgs = z.infer<typeof groupInfoArgs>;

/** The caller's own membership in a group. */
export interface GroupSelf {
  readonly role: GroupRole;
  /** Unix ms. */
  readonly joinedAt: number;
  readonly msgFlag: z.infer<typeof msgFlag>;
  readonly nameCard: string;
  /** Unix ms until which the caller may not speak; 0 = not muted. */
  readonly muteUntil: number;
}

/**
 * A group's profile as a user sees it: members see all of it; anyone else (types findable by id)
 * the public part — no notification, no custom fields, no `self`. Times are Unix ms.
 */
export interface GroupView {
  readonly groupId: string;
  readonly type: ReportedGroupType;
  /** `""` for an ownerless group. */
  readonly owner: string;
  readonly createdAt: number;
  readonly name: string;
  readonly introduction: string;
  readonly notification?: string;
  readonly faceUrl: string;
  readonly maxMemberCount: number;
  /** Members kept as rows (0 for an AVChatRoom, whose audience is not counted here). */
  readonly memberNum: number;
  readonly applyJoinOption: ApplyJoinOption;
  readonly inviteJoinOption: InviteJoinOption;
  readonly muteAll: boolean;
  readonly appDefinedData?: Readonly<Record<string, string>>;
  /** The SEQ the next stored message gets. */
  readonly nextMsgSeq: number;
  readonly lastInfoTime: number;
  /** 0 = no message yet. */
  readonly lastMsgTime: number;
  readonly self?: GroupSelf;
}

/** Changes the fields given; absent ones stay. Who may change what depends on the type and role. */
export const modifyGroupArgs = z.object({
  groupId,
  name: z.string().optional(),
  introduction: z.string().optional(),
  notification: z.string().optional(),
  faceUrl: z.string().optional(),
  applyJoinOption: applyJoinOption.optional(),
  inviteJoinOption: inviteJoinOption.optional(),
  muteAll: z.boolean().optional(),
  appDefinedData: keyValues.optional(),
});
export type ModifyGroupArgs = z.infer<typeof modifyGroupArgs>;

/**
 * Changes one member: one's own name card, message flag and custom data; as the owner (or an admin
 * over plain members) others' name card, custom data and mute; as the owner others' role.
 */
export const modifyGroupMemberArgs = z.object({
  groupId,
  userId,
  role: z.enum(['Admin', 'Member']).optional(),
  msgFlag: msgFlag.optional(),
  nameCard: z.string().optional(),
  /** Seconds from now; 0 unmutes, 4294967295 mutes for ever. */
  muteS: u32.optional(),
  appMemberDefinedData: keyValues.optional(),
});
export type ModifyGroupMemberArgs = z.infer<typeof modifyGroupMemberArgs>;

export const muteArgs = z.object({
  groupId,
  userIds,
  /** Seconds from now; 0 unmutes, 4294967295 mutes for ever. */
  seconds: u32,
});
export type MuteArgs = z.infer<typeof muteArgs>;

export const mutedArgs = groupOnly;
export type MutedArgs = z.infer<typeof mutedArgs>;
export interface MutedResult {
  /** Accounts muted now, with until when (Unix ms). */
  readonly muted: readonly { readonly userId: string; readonly until: number }[];
}

export const groupMembersArgs = z.object({
  groupId,
  offset: z.number().int().min(0).optional(),
  /** Per page; absent or 0 = as many as a page holds (6000). */
  limit: z.number().int().min(0).optional(),
  roles: z.array(z.enum(['Owner', 'Admin', 'Member'])).optional(),
});
export type GroupMembersArgs = z.infer<typeof groupMembersArgs>;
export interface GroupMemberInfo {
  readonly userId: string;
  readonly role: GroupRole;
  /** Unix ms. */
  readonly joinedAt: number;
  readonly nameCard: string;
  /** Unix ms; 0 = not muted. */
  readonly muteUntil: number;
  readonly appMemberDefinedData: Readonly<Record<string, string>>;
}
export interface GroupMembersResult {
  /** Members in all, before the role filter and paging. */
  readonly total: number;
  /** In the order the group keeps them, the owner first. */
  readonly members: readonly GroupMemberInfo[];
  /** The offset of the next page; 0 when this was the last. */
  readonly next: number;
}

export const transferArgs = z.object({ groupId, newOwner: userId });
export type TransferArgs = z.infer<typeof transferArgs>;

export const dismissArgs = groupOnly;
export type DismissArgs = z.infer<typeof dismissArgs>;

/** At most 10 SEQs; a user recalls their own messages within the recall window, the owner and admins anyone's. */
export const recallArgs = z.object({ groupId, seqs: z.array(z.number().int()).min(1) });
export type RecallArgs = z.infer<typeof recallArgs>;
export interface RecallInGroupResult {
  /** Per SEQ: 0 recalled, else Tencent's RetCode (10030 not found, 10031 too late, 10032 not a message, 10033 type keeps no recall, 10007 not yours). */
  readonly results: readonly { readonly seq: number; readonly code: number }[];
}

// ---- applications to join (Tencent's group pendency: getGroupApplicationList, accept/refuseGroupApplication, setGroupApplicationRead) ----

/**
 * An application to join a group, or an invitation awaiting approval, as one user sees it, with
 * Tencent's V2TIMGroupApplication fields (times are Unix ms here). The managers (owner and admins
 * when it was made) see it as received, its sender (the applicant, or the inviter) as sent; decided
 * ones stay listed with their result for the server's PARLEY_APPLICATION_KEEP_DAYS, or until the
 * applicant applies (or is invited) again.
 */
export interface GroupApplication {
  readonly groupId: string;
  readonly groupType: ReportedGroupType;
  /** Who would join: `fromUser` for a request to join, `toUser` for an invitation. Accept or refuse by it. */
  readonly applicant: string;
  /** Its sender: the applicant, or the inviting member. */
  readonly fromUser: string;
  readonly fromUserNickName: string;
  readonly fromUserFaceUrl: string;
  /** The invitee of an invitation; `""` for a request to join. */
  readonly toUser: string;
  /** When it was (last) made, Unix ms. */
  readonly addTime: number;
  /** The sender's message. */
  readonly requestMsg: string;
  /** The decider's message; `""` while pending. */
  readonly handledMsg: string;
  /** Tencent's application type: 0 a request to join, 2 an invitation; both approved by the owner or an admin. */
  readonly type: 0 | 2;
  /** 0 pending, 1 decided by someone else, 2 decided by you (Tencent's handleStatus). */
  readonly handleStatus: 0 | 1 | 2;
  /** 1 accepted, 0 refused; meaningful once decided (Tencent's handleResult). */
  readonly handleResult: 0 | 1;
  /** Who decided it; `""` while pending. */
  readonly handler: string;
  /** When it was decided, Unix ms; 0 while pending. */
  readonly handledAt: number;
  /** Sent by the caller (their application, or their invitation), not one to a group they manage. */
  readonly sent: boolean;
}

export const groupApplicationsArgs = z.object({
  offset: z.number().int().min(0).optional(),
  /** Per page, 1–100; absent = 100. */
  limit: z.number().int().min(1).max(100).optional(),
});
export type GroupApplicationsArgs = z.infer<typeof groupApplicationsArgs>;
export interface GroupApplicationsResult {
  /** Pending applications to the caller's groups made after their read marker (Tencent's unreadCount). */
  readonly unreadCount: number;
  /** The read marker, Unix ms (0 = never marked). */
  readonly readUpTo: number;
  /** Applications the caller sees in all. */
  readonly total: number;
  /** Newest first. */
  readonly applications: readonly GroupApplication[];
  /** The offset of the next page; 0 when this was the last. */
  readonly next: number;
}

/** Marks the caller's applications read up to `upTo` (Unix ms; absent = now). The marker never moves back. */
export const readGroupApplicationsArgs = z.object({ upTo: z.number().int().min(0).optional() });
export type ReadGroupApplicationsArgs = z.infer<typeof readGroupApplicationsArgs>;

/**
 * Accepts or refuses `applicant`'s pending application to `groupId`, or the invitation of `applicant`
 * (its owner or an admin); 10024 if already decided. `message` reaches the applicant (or the inviter).
 */
export const decideApplicationArgs = z.object({ groupId, applicant: userId, message: z.string().optional() });
export type DecideApplicationArgs = z.infer<typeof decideApplicationArgs>;

// ---- profiles (Tencent's setSelfInfo / getUsersInfo; the rules are portrait_set's and portrait_get's) ----

/**
 * Sets fields of the caller's own profile: `Tag_Profile_IM_*` standard tags and the app's
 * `Tag_Profile_Custom_*` tags, each checked (40009 unknown tag, 40008 not writable, 40610 wrong type,
 * 40605 bad value, 40601 too long); nothing is set when one is refused. The caller's other devices
 * get a `profile` entry in the inbox.
 */
export const setProfileArgs = z.object({ items: z.array(z.object({ Tag: z.string(), Value: z.union([z.string(), z.number()]) })) });
export type SetProfileArgs = z.infer<typeof setProfileArgs>;

/** Reads `tagList` of up to 100 accounts, friends or not; unset tags read as their defaults. */
export const getProfilesArgs = z.object({ userIds: z.array(userId).min(1), tagList: z.array(z.string()).min(1) });
export type GetProfilesArgs = z.infer<typeof getProfilesArgs>;
export interface GetProfilesResult {
  /** One per account asked for, in order: its items, or `code` (40003 no such account, 40007 a tag you may not read) and `info`. */
  readonly profiles: readonly { readonly userId: string; readonly items: readonly ProfileItem[]; readonly code: number; readonly info: string }[];
}

// ---- the relationship chain (Tencent's addFriend, getFriendApplicationList, accept/refuseFriendApplication, getFriendList, deleteFromFriendList, checkFriend, addToBlackList, deleteFromBlackList, getBlackList) ----

/** One account's answer: 0, or Tencent's code (e.g. 30539 a request now pending, 30515/30525 blacklists, 31704 not a friend) and info. */
export interface SnsItemResult {
  readonly to: string;
  readonly code: number;
  readonly info: string;
}
export interface SnsResults {
  readonly results: readonly SnsItemResult[];
}

/**
 * Asks to add friends, by each peer's AllowType (AllowAny: added; NeedConfirm: a pending request,
 * code 30539; DenyAny: 30516). `addSource` is `AddSource_Type_` + 1–8 letters.
 */
export const addFriendsArgs = z.object({
  items: z.array(z.object({ to: userId, addSource: z.string(), remark: z.string().optional(), groupName: z.string().optional(), addWording: z.string().optional() })).min(1),
  addType: z.enum(['Add_Type_Single', 'Add_Type_Both']).optional(),
});
export type AddFriendsArgs = z.infer<typeof addFriendsArgs>;

/** The caller's pending friend requests, sent and received, newest first (≤100 a page). */
export const friendRequestsArgs = z.object({ offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(100).optional() });
export type FriendRequestsArgs = z.infer<typeof friendRequestsArgs>;
/** A pending friend request as one of its two users sees it. */
export interface FriendRequestView {
  readonly from: string;
  readonly to: string;
  readonly addSource: string;
  readonly addWording: string;
  /** The requester's remark and group for the peer, applied when it is accepted. */
  readonly remark: string;
  readonly groupName: string;
  readonly time: number;
  /** Sent by the caller (else received). */
  readonly sent: boolean;
}
export interface FriendRequestsResult {
  readonly requests: readonly FriendRequestView[];
  readonly sent: number;
  readonly received: number;
  /** Received requests made after the caller last marked them read (`friend.requestsRead`). */
  readonly unread: number;
  /** The offset of the next page; 0 when this was the last. */
  readonly next: number;
}

/** Marks the received requests read (Tencent's setFriendApplicationRead): `unread` counts only later ones. */
export const readFriendRequestsArgs = z.object({});
export type ReadFriendRequestsArgs = z.infer<typeof readFriendRequestsArgs>;

/**
 * Deletes pending requests without answering them (Tencent's deleteFriendApplication): the one
 * received from `userId`, or the one the caller sent to `userId`. 30614 for an item with none.
 */
export const deleteFriendRequestsArgs = z.object({ items: z.array(z.object({ userId, type: z.enum(['received', 'sent']) })).min(1).max(100) });
export type DeleteFriendRequestsArgs = z.infer<typeof deleteFriendRequestsArgs>;

/**
 * Finds users (Tencent's searchUsers): the account whose id is `keyword` exactly, then those whose
 * nick begins with it, ignoring case and width; ≤100 a page, the next page by `cursor`.
 */
export const searchUsersArgs = z.object({ keyword: z.string().min(1).max(100), cursor: z.string().optional(), limit: z.number().int().min(1).max(100).optional() });
export type SearchUsersArgs = z.infer<typeof searchUsersArgs>;
export interface FoundUser {
  readonly userId: string;
  /** Tag_Profile_IM_Nick and Tag_Profile_IM_Image, those set. */
  readonly items: readonly ProfileItem[];
}
export interface SearchUsersResult {
  readonly users: readonly FoundUser[];
  /** The cursor of the next page; '' when this was the last. */
  readonly cursor: string;
}

/**
 * Answers requests received from `to`: Agree (the requester gets the caller as a friend),
 * AgreeAndAdd (both ways, the caller's side with `remark` and `tagName`), Reject. 30614 when there is none.
 */
export const respondFriendsArgs = z.object({
  items: z.array(z.object({ to: userId, action: z.enum(['Response_Action_Agree', 'Response_Action_AgreeAndAdd', 'Response_Action_Reject']), remark: z.string().optional(), tagName: z.string().optional() })).min(1),
});
export type RespondFriendsArgs = z.infer<typeof respondFriendsArgs>;

/** A page of the caller's friends (100 from `startIndex`), each with Tencent's Tag_SNS_IM_* fields. */
export const friendsArgs = z.object({ startIndex: z.number().int().min(0).optional() });
export type FriendsArgs = z.infer<typeof friendsArgs>;
export interface FriendsResult {
  readonly friends: readonly { readonly to: string; readonly tags: readonly { readonly Tag: string; readonly Value: string | number | readonly string[] }[] }[];
  readonly standardSequence: number;
  readonly customSequence: number;
  readonly friendNum: number;
  readonly complete: boolean;
  readonly nextStartIndex: number;
}

export const deleteFriendsArgs = z.object({ to: z.array(userId).min(1), deleteType: z.enum(['Delete_Type_Single', 'Delete_Type_Both']).optional() });
export type DeleteFriendsArgs = z.infer<typeof deleteFriendsArgs>;

export const checkFriendsArgs = z.object({ to: z.array(userId).min(1), checkType: z.enum(['CheckResult_Type_Single', 'CheckResult_Type_Both']) });
export type CheckFriendsArgs = z.infer<typeof checkFriendsArgs>;
export interface CheckFriendsResult {
  readonly results: readonly { readonly to: string; readonly relation: 'CheckResult_Type_BothWay' | 'CheckResult_Type_AWithB' | 'CheckResult_Type_BWithA' | 'CheckResult_Type_NoRelation' }[];
}

/** Blacklisting ends the friendship both ways; a blacklisted user's client C2C messages to the caller are refused. */
export const blacklistArgs = z.object({ to: z.array(userId).min(1) });
export type BlacklistArgs = z.infer<typeof blacklistArgs>;
export const blacklistPageArgs = z.object({ startIndex: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() });
export type BlacklistPageArgs = z.infer<typeof blacklistPageArgs>;
export interface BlacklistPageResult {
  readonly entries: readonly { readonly to: string; readonly time: number }[];
  readonly next: number;
  readonly sequence: number;
}

/**
 * Changes friends' fields: `Tag_SNS_IM_Remark` (string), `Tag_SNS_IM_Group` (the friend's groups, a
 * list of names; new ones are created), `Tag_SNS_Custom_*` (string or integer). 31704 for a stranger.
 */
export const updateFriendsArgs = z.object({ items: z.array(z.object({ to: userId, tags: z.array(z.object({ Tag: z.string(), Value: z.unknown() })).min(1) })).min(1) });
export type UpdateFriendsArgs = z.infer<typeof updateFriendsArgs>;

export const deleteAllFriendsArgs = z.object({ deleteType: z.enum(['Delete_Type_Single', 'Delete_Type_Both']).optional() });
export type DeleteAllFriendsArgs = z.infer<typeof deleteAllFriendsArgs>;

/** Creates friend groups (≤32 in all; 30011 beyond) and puts the friends `to` names into all of them (32216 for a stranger). */
export const addFriendGroupsArgs = z.object({ names: z.array(z.string()).min(1), to: z.array(userId).optional() });
export type AddFriendGroupsArgs = z.infer<typeof addFriendGroupsArgs>;
export interface FriendGroupsChanged {
  /** The friend groups' sequence after the change (Tencent's CurrentSequence). */
  readonly sequence: number;
  readonly results?: readonly SnsItemResult[];
}
/** Deletes friend groups (every name must exist, else 30001); their friends stay friends. */
export const deleteFriendGroupsArgs = z.object({ names: z.array(z.string()).min(1) });
export type DeleteFriendGroupsArgs = z.infer<typeof deleteFriendGroupsArgs>;
/** The caller's friend groups (only `names` when given), with their friends. */
export const friendGroupsArgs = z.object({ names: z.array(z.string()).optional() });
export type FriendGroupsArgs = z.infer<typeof friendGroupsArgs>;
export interface FriendGroupsResult {
  readonly groups: readonly { readonly name: string; readonly friendNumber: number; readonly friends?: readonly string[] }[];
  readonly sequence: number;
}

/** Tencent's conversation id: `c2c_<userId>` or `group_<groupId>`. */
const conversationIdArg = z.string().regex(/^(c2c|group)_./s, 'must be a conversation id: c2c_<userId> or group_<groupId>');

/**
 * The caller's conversations (Tencent's getConversationList), pinned first, then newest first.
 * With `since` (the `cursor` of an earlier answer) only the C2C conversations changed after it,
 * deleted ones included (`deleted`), and every group conversation (their last message moves with
 * the group's stream). `cursor` is the caller's inbox SEQ the answer is current to.
 */
export const conversationsArgs = z.object({ since: z.number().int().min(0).optional() });
export type ConversationsArgs = z.infer<typeof conversationsArgs>;
export interface ConversationView {
  readonly conversationId: string;
  readonly type: 'c2c' | 'group';
  /** The other user, or the group. */
  readonly peer: string;
  /** The last message (Unix ms), 0 for an empty conversation. */
  readonly lastTime: number;
  /** The last message's entry, in its stream: the caller's inbox (C2C) or the group's. */
  readonly lastMessage?: StreamEvent;
  readonly unread: number;
  /** Read up to (Unix ms); the group SEQ read through for groups (`readSeq`). */
  readonly readTime: number;
  readonly readSeq: number;
  /** C2C: the other side has read the caller's messages up to this time (read receipts). */
  readonly peerReadTime: number;
  /** When pinned (Unix ms), 0 when not. */
  readonly pinnedAt: number;
  /** Only in answers with `since`: the conversation was deleted. */
  readonly deleted?: true;
  /** Its standard mark's set bits (0 star, 1 unread, 2 fold, 3 hide; 32–63 the app's), custom mark and conversation groups, when it has any. */
  readonly marks?: readonly number[];
  readonly customMark?: string;
  readonly contactGroups?: readonly string[];
}
export interface ConversationsResult {
  readonly conversations: readonly ConversationView[];
  readonly cursor: number;
}

/**
 * Marks a conversation read to its end (Tencent's markC2CMessageAsRead / markGroupMessageAsRead):
 * the caller's other devices get the `conversation` entry; in C2C the other side gets a `peerRead`
 * one (their read receipt).
 */
export const readConversationArgs = z.object({ conversationId: conversationIdArg });
export type ReadConversationArgs = z.infer<typeof readConversationArgs>;
/** Pins a conversation, or unpins it (Tencent's pinConversation; 51012 past 50 pinned). */
export const pinConversationArgs = z.object({ conversationId: conversationIdArg, pinned: z.boolean() });
export type PinConversationArgs = z.infer<typeof pinConversationArgs>;
/** Deletes a conversation from the list (Tencent's deleteConversation); `clearHistory` also deletes the caller's copies of its C2C messages. */
export const deleteConversationArgs = z.object({ conversationId: conversationIdArg, clearHistory: z.boolean().optional() });
export type DeleteConversationArgs = z.infer<typeof deleteConversationArgs>;
/** Unread counts (Tencent's getTotalUnreadMessageCount): in all, of C2C and of groups, and per peer for `peers` (≤ 10). */
export const unreadCountsArgs = z.object({ peers: z.array(userId).max(10).optional() });
export type UnreadCountsArgs = z.infer<typeof unreadCountsArgs>;
export interface UnreadCountsResult {
  readonly total: number;
  readonly c2c: number;
  readonly group: number;
  readonly peers?: readonly { readonly userId: string; readonly unread: number }[];
}

export const contactsArgs = z.object({});
/** A conversation group (Tencent's conversation group, a named folder of conversations; not an IM group). */
export type ContactGroupView = ContactGroupItem;
/** One conversation's marks and conversation groups (by id), as the `contact` entries carry them, and when they last changed (Unix ms). */
export interface ContactMarksView extends ContactMarkItem {
  readonly time: number;
}
/** Per conversation of a change: 0, or the code it failed with alone (51007 its group does not exist, 51008 past 1,000 marked). */
export interface ContactResultView {
  readonly conversationId: string;
  readonly code: number;
}
/** The caller's conversation groups and every marked or grouped conversation (Tencent's getConversationGroupList). */
export interface ContactsResult {
  readonly groups: readonly ContactGroupView[];
  readonly conversations: readonly ContactMarksView[];
}
/** Creates a conversation group (≤ 20, names ≤ 32 bytes), with conversations in it (Tencent's createConversationGroup). */
export const createContactGroupArgs = z.object({ name: z.string(), conversationIds: z.array(conversationIdArg).optional() });
export type CreateContactGroupArgs = z.infer<typeof createContactGroupArgs>;
export interface ContactGroupChanged {
  readonly group: ContactGroupView;
  readonly results: readonly ContactResultView[];
}
/** Deletes conversation groups by name; their conversations stay (Tencent's deleteConversationGroup). */
export const deleteContactGroupsArgs = z.object({ names: z.array(z.string()).min(1) });
export type DeleteContactGroupsArgs = z.infer<typeof deleteContactGroupsArgs>;
export const renameContactGroupArgs = z.object({ name: z.string(), newName: z.string() });
export type RenameContactGroupArgs = z.infer<typeof renameContactGroupArgs>;
/** Adds conversations to a group and takes others out (Tencent's addConversationsToGroup / deleteConversationsFromGroup). */
export const contactGroupConversationsArgs = z.object({ name: z.string(), add: z.array(conversationIdArg).optional(), remove: z.array(conversationIdArg).optional() });
export type ContactGroupConversationsArgs = z.infer<typeof contactGroupConversationsArgs>;
/** Sets or clears standard mark bits and sets the custom mark of up to 100 conversations (Tencent's markConversation / setConversationCustomData). */
export const markConversationsArgs = z.object({
  items: z.array(z.object({ conversationId: conversationIdArg, set: z.array(z.number().int()).optional(), clear: z.array(z.number().int()).optional(), customMark: z.string().optional() })),
});
export type MarkConversationsArgs = z.infer<typeof markConversationsArgs>;

/**
 * Reports reading group messages sent with `needReadReceipt` (Tencent's sendMessageReadReceipts; up
 * to 50): their senders' devices get `groupReceipt` entries with the new counts. 10062 for a SEQ that
 * asked for none, 10061 for 0 (an online-only message), 10060 in a group over PARLEY_GROUP_RECEIPT_MAX_MEMBERS.
 */
export const readGroupReceiptsArgs = z.object({ groupId, seqs: z.array(z.number().int().min(0)).min(1).max(50) });
export type ReadGroupReceiptsArgs = z.infer<typeof readGroupReceiptsArgs>;
/** Read and unread counts of the caller's own messages (getMessageReadReceipts); `code` 10062 / 10007 per message without them. */
export const groupReceiptsArgs = readGroupReceiptsArgs;
export interface GroupReceiptsResult {
  readonly receipts: readonly { readonly seq: number; readonly code: number; readonly read: number; readonly unread: number }[];
}
/** Who read one of the caller's messages, or has not (`unread`), paged by `cursor` in member id order (getGroupMessageReadMemberList). */
export const groupReceiptMembersArgs = z.object({ groupId, seq: z.number().int().min(1), unread: z.boolean().optional(), cursor: z.string().optional(), count: z.number().int().min(1).max(200).optional() });
export type GroupReceiptMembersArgs = z.infer<typeof groupReceiptMembersArgs>;
export interface GroupReceiptMembersResult {
  readonly userIds: readonly string[];
  /** Pass it back for the next page; '' when this was the last. */
  readonly cursor: string;
}

/**
 * Tells `peer` this user read messages it sent with `needReadReceipt` (Tencent's sendMessageReadReceipts
 * in C2C; up to 100 MsgKeys): the peer's devices get a `conversation` entry `{change: 'receipt', conversationId: 'c2c_<reader>', msgKeys}`.
 * 20022 for a MsgKey the peer does not hold; messages that asked for no receipt are passed over.
 */
export const readC2CReceiptsArgs = z.object({ peer: userId, msgKeys: z.array(z.string()).min(1).max(100) });
export type ReadC2CReceiptsArgs = z.infer<typeof readC2CReceiptsArgs>;

/**
 * Registers this device for offline push (replacing its earlier registration): `deviceId` is the
 * app's stable id of the device; `target` where APNs, FCM or Web Push reaches it; `settings` its
 * push preferences. Register again on every login; unregister on logout. A registered mobile device
 * counts as `PushOnline` for 7 days after its last connection.
 */
export const registerPushArgs = z.object({ deviceId: z.string().min(1).max(128), target: pushTarget, settings: pushSettings.optional() });
export type RegisterPushArgs = z.input<typeof registerPushArgs>;
export const unregisterPushArgs = z.object({ deviceId: z.string().min(1).max(128) });
export const pushDevicesArgs = z.object({});
export type UnregisterPushArgs = z.infer<typeof unregisterPushArgs>;
/**
 * What a device needs to register (Tencent's console shows it; here the server tells): the
 * providers this server pushes through, and the VAPID public key a browser subscribes with
 * (`pushManager.subscribe({applicationServerKey})`) when Web Push is on.
 */
export const pushConfigArgs = z.object({});
export interface PushConfigView {
  readonly providers: readonly PushTarget['provider'][];
  readonly vapidPublicKey?: string;
}
export interface PushDeviceView {
  readonly deviceId: string;
  readonly platform: string;
  readonly target: PushTarget;
  readonly settings: PushSettings;
  readonly registeredAt: number;
  readonly lastActiveAt: number;
}

/** Arguments and results per op, for the SDK's typed `call`. */
export interface OpTypes {
  [Op.SendC2C]: { args: SendC2CArgs; result: SendC2CResult };
  [Op.SendGroup]: { args: SendGroupArgs; result: SendGroupResult };
  [Op.Sync]: { args: SyncArgs; result: StreamPage };
  [Op.GroupPull]: { args: GroupPullArgs; result: StreamPage };
  [Op.BroadcastPull]: { args: SyncArgs; result: StreamPage };
  [Op.Groups]: { args: Record<string, never>; result: GroupsResult };
  [Op.CreateGroup]: { args: CreateGroupArgs; result: CreateGroupResult };
  [Op.InviteToGroup]: { args: InviteArgs; result: InviteResult };
  [Op.KickFromGroup]: { args: KickArgs; result: void };
  [Op.QuitGroup]: { args: QuitArgs; result: void };
  [Op.JoinGroup]: { args: JoinArgs; result: JoinGroupResult };
  [Op.GroupInfo]: { args: GroupInfoArgs; result: GroupView };
  [Op.ModifyGroup]: { args: ModifyGroupArgs; result: void };
  [Op.ModifyGroupMember]: { args: ModifyGroupMemberArgs; result: void };
  [Op.MuteInGroup]: { args: MuteArgs; result: void };
  [Op.GroupMuted]: { args: MutedArgs; result: MutedResult };
  [Op.GroupMembers]: { args: GroupMembersArgs; result: GroupMembersResult };
  [Op.TransferGroup]: { args: TransferArgs; result: void };
  [Op.DismissGroup]: { args: DismissArgs; result: void };
  [Op.RecallInGroup]: { args: RecallArgs; result: RecallInGroupResult };
  [Op.GroupApplications]: { args: GroupApplicationsArgs; result: GroupApplicationsResult };
  [Op.ReadGroupApplications]: { args: ReadGroupApplicationsArgs; result: void };
  [Op.AcceptGroupApplication]: { args: DecideApplicationArgs; result: void };
  [Op.RefuseGroupApplication]: { args: DecideApplicationArgs; result: void };
  [Op.SetProfile]: { args: SetProfileArgs; result: void };
  [Op.GetProfiles]: { args: GetProfilesArgs; result: GetProfilesResult };
  [Op.AddFriends]: { args: AddFriendsArgs; result: SnsResults };
  [Op.FriendRequests]: { args: FriendRequestsArgs; result: FriendRequestsResult };
  [Op.RespondFriends]: { args: RespondFriendsArgs; result: SnsResults };
  [Op.Friends]: { args: FriendsArgs; result: FriendsResult };
  [Op.DeleteFriends]: { args: DeleteFriendsArgs; result: SnsResults };
  [Op.CheckFriends]: { args: CheckFriendsArgs; result: CheckFriendsResult };
  [Op.AddToBlacklist]: { args: BlacklistArgs; result: SnsResults };
  [Op.RemoveFromBlacklist]: { args: BlacklistArgs; result: SnsResults };
  [Op.Blacklist]: { args: BlacklistPageArgs; result: BlacklistPageResult };
  [Op.UpdateFriends]: { args: UpdateFriendsArgs; result: SnsResults };
  [Op.DeleteAllFriends]: { args: DeleteAllFriendsArgs; result: void };
  [Op.AddFriendGroups]: { args: AddFriendGroupsArgs; result: FriendGroupsChanged };
  [Op.DeleteFriendGroups]: { args: DeleteFriendGroupsArgs; result: FriendGroupsChanged };
  [Op.FriendGroups]: { args: FriendGroupsArgs; result: FriendGroupsResult };
  [Op.ReadFriendRequests]: { args: ReadFriendRequestsArgs; result: void };
  [Op.DeleteFriendRequests]: { args: DeleteFriendRequestsArgs; result: SnsResults };
  [Op.SearchUsers]: { args: SearchUsersArgs; result: SearchUsersResult };
  [Op.RecallC2C]: { args: RecallC2CArgs; result: void };
  [Op.UserStatus]: { args: UserStatusArgs; result: UserStatusResult };
  [Op.DeleteC2C]: { args: DeleteC2CArgs; result: void };
  [Op.Conversations]: { args: ConversationsArgs; result: ConversationsResult };
  [Op.ReadConversation]: { args: ReadConversationArgs; result: void };
  [Op.PinConversation]: { args: PinConversationArgs; result: void };
  [Op.DeleteConversation]: { args: DeleteConversationArgs; result: void };
  [Op.UnreadCounts]: { args: UnreadCountsArgs; result: UnreadCountsResult };
  [Op.Contacts]: { args: Record<string, never>; result: ContactsResult };
  [Op.CreateContactGroup]: { args: CreateContactGroupArgs; result: ContactGroupChanged };
  [Op.DeleteContactGroups]: { args: DeleteContactGroupsArgs; result: { readonly groups: readonly ContactGroupView[] } };
  [Op.RenameContactGroup]: { args: RenameContactGroupArgs; result: ContactGroupView };
  [Op.ContactGroupConversations]: { args: ContactGroupConversationsArgs; result: ContactGroupChanged };
  [Op.MarkConversations]: { args: MarkConversationsArgs; result: { readonly results: readonly ContactResultView[] } };
  [Op.ReadGroupReceipts]: { args: ReadGroupReceiptsArgs; result: void };
  [Op.GroupReceipts]: { args: ReadGroupReceiptsArgs; result: GroupReceiptsResult };
  [Op.GroupReceiptMembers]: { args: GroupReceiptMembersArgs; result: GroupReceiptMembersResult };
  [Op.ReadC2CReceipts]: { args: ReadC2CReceiptsArgs; result: void };
  [Op.RegisterPush]: { args: RegisterPushArgs; result: PushDeviceView };
  [Op.UnregisterPush]: { args: UnregisterPushArgs; result: { readonly removed: boolean } };
  [Op.PushDevices]: { args: Record<string, never>; result: { readonly devices: readonly PushDeviceView[] } };
  [Op.SubscribeStatus]: { args: SubscribeStatusArgs; result: UserStatusResult };
  [Op.UnsubscribeStatus]: { args: UnsubscribeStatusArgs; result: void };
  [Op.PushConfig]: { args: Record<string, never>; result: PushConfigView };
}

/** Body of `POST /connect`. */
export const connectRequest = z.object({
  UserID: userId,
  UserSig: z.string(),
  Platform: z.enum(['iOS', 'Android', 'Web', 'Windows', 'Mac', 'iPad', 'Linux']).optional(),
});
export type ConnectRequest = z.infer<typeof connectRequest>;
export type Platform = NonNullable<ConnectRequest['Platform']>;
