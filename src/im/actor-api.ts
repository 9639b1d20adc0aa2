/**
 * The actors' call surfaces as seen by domain code. `Actors.inbox(id)` / `.group(id)` return a
 * reference that activates the actor if needed (exactly one in the cluster) and calls it, locally
 * or across nodes; nothing outside src/cluster knows where an actor runs. Each actor speaks one
 * typed protocol: a union of commands, each with its result type, handled by one exhaustive table.
 */
import type { BroadcastCondition, C2CMessage, GroupAt, GroupMessage, InboxOnlyEntry, MsgElem, MsgOrigin, SenderProfile, StreamEvent } from '../protocol/entries.ts';
import type { GroupView, Platform } from '../protocol/client-ops.ts';
import type { OfflinePushInfo } from '../protocol/push.ts';
import type { GroupType, MemberRole } from './groups/group-types.ts';
import type { Caller } from './caller.ts';
import type { ConversationChange, ConversationChangeOutcome } from './conversations/change-conversation.ts';
import type { ConversationState } from './conversations/conversation-state.ts';
import type { ContactChange, ContactChangeOutcome } from './conversations/change-contacts.ts';
import type { ContactGroupsState, ContactMarkState } from './conversations/contact-state.ts';
import type { ApplyJoinOption, GroupInfo, InviteJoinOption, Member, MemberProfile } from './groups/group-model.ts';

type MsgFlag = MemberProfile['msgFlag'];

/** What an inbox keeps of its user's conversations. */
export interface ConversationBookView {
  readonly enabled: boolean;
  readonly rows: readonly ConversationState[];
  readonly groups: ContactGroupsState;
  readonly marks: readonly ContactMarkState[];
  readonly head: number;
}

/**
 * An actor protocol: each command's arguments and result, by command name (declared as a `type`,
 * so it fits this constraint). Commands are plain JSON values (they may cross a process boundary),
 * discriminated by `op`.
 */
export type Protocol = Record<string, { readonly args: object; readonly result: unknown }>;

/** The commands of protocol `P` as one discriminated union: `{ op: 'deliverC2C', message, opts } | …`. */
export type CommandOf<P extends Protocol> = { [K in keyof P & string]: { readonly op: K } & P[K]['args'] }[keyof P & string];

/** The result of command `C` in protocol `P`. */
export type ResultOf<P extends Protocol, C extends { readonly op: keyof P }> = P[C['op']]['result'];

/** A reference to one actor: calls it with a command of its protocol, wherever it runs. */
export interface ActorRef<P extends Protocol> {
  call<C extends CommandOf<P>>(command: C): Promise<ResultOf<P, C>>;
}

/**
 * The table an actor hosts: one handler per command of its protocol. The mapped type makes the
 * table exhaustive — a command without a handler is a compile error, not a runtime miss.
 */
export type Handlers<P extends Protocol> = { readonly [K in keyof P & string]: (command: Extract<CommandOf<P>, { readonly op: K }>) => Promise<P[K]['result']> };

/** Runs `command` on `handlers`; an `op` the table lacks (a command for another kind of actor) is refused. */
export function dispatch<P extends Protocol>(handlers: Handlers<P>, command: { readonly op: string }): Promise<unknown> {
  if (!Object.hasOwn(handlers, command.op)) return Promise.reject(new Error(`this actor has no command ${JSON.stringify(command.op)}`));
  const handler = handlers[command.op as keyof P & string] as (c: typeof command) => Promise<unknown>;
  return handler(command);
}

export interface Actors {
  inbox(userId: string): ActorRef<InboxProtocol>;
  group(groupId: string): ActorRef<GroupProtocol>;
  /** The one broadcast actor, writer of `b:all`. */
  broadcast(): ActorRef<BroadcastProtocol>;
}

export interface C2CDeliverOptions {
  /** Seconds the entry is stored (offline delivery and roaming history); 0 = online only: not stored, no SEQ. */
  readonly storeS: number;
  /**
   * Seconds during which devices that sync receive it, at most `storeS`: shorter when MsgLifeTime
   * bounds offline delivery while roaming history keeps the message.
   */
  readonly offlineS: number;
  /** Push to the user's online devices. */
  readonly pushLive: boolean;
  /** One of them not to push: the device that sent the message, which gets the entry with its answer. */
  readonly exceptDevice?: string;
  /** Window in which the same sender + random is recognised as a retry, seconds. */
  readonly dedupWindowS: number;
  /**
   * An imported message (importmsg): a copy already stored with the same MsgSeq, MsgRandom and
   * time (either direction) is the message itself, whenever it was imported.
   */
  readonly imported?: boolean;
}

export interface C2CDelivery {
  /** SEQ in this inbox; 0 when online-only. */
  readonly seq: number;
  /** The message as stored: on a retried send, the original (its MsgKey and time). */
  readonly message: C2CMessage;
  readonly duplicate: boolean;
}

/** A user's inbox actor: owns the `u:<userId>` stream and the user's online devices. */
export type InboxProtocol = {
  /** Appends a C2C message (received or sent) to this inbox; rejects with 90008/90012 if the account is unknown. */
  deliverC2C: { args: { readonly message: C2CMessage; readonly opts: C2CDeliverOptions }; result: C2CDelivery };
  /** Appends a notice (group joined/left) and pushes it to online devices. */
  appendNotice: { args: { readonly notice: InboxOnlyEntry }; result: { seq: number } };
  /** Pushes an event to online devices without storing it. */
  pushLive: { args: { readonly event: StreamEvent }; result: void };
  /**
   * Recalls or modifies a C2C message of this inbox (found by `msgKey` among the messages with the
   * other side) and appends the change notice; nothing changes when the inbox holds no such
   * message (`missing`) or it was recalled already (`recalled`).
   */
  changeC2C: { args: { readonly change: C2CChange }; result: C2CChangeOutcome };
  /**
   * The user's conversation rows (deleted ones included) and the inbox's head SEQ
   * (conversations/conversation-state.ts), with the conversation groups and marks (contact-state.ts);
   * `enabled` false where the app keeps none (PARLEY_CONVERSATIONS).
   */
  conversations: { args: Record<never, never>; result: ConversationBookView };
  /** Reads, pins, unpins or deletes one conversation of the user (conversations/change-conversation.ts). */
  changeConversation: { args: { readonly change: ConversationChange }; result: ConversationChangeOutcome };
  /** Changes the user's conversation groups or marks (conversations/change-contacts.ts); `operator` is who asks. */
  changeContacts: { args: { readonly change: ContactChange; readonly operator: string }; result: ContactChangeOutcome };
  /** The devices connected now, oldest login first. */
  devices: { args: Record<never, never>; result: readonly { readonly platform: Platform }[] };
  /** Closes every device session (REST kick). */
  kickDevices: { args: Record<never, never>; result: void };
  /**
   * Deletes the account (account_delete): its devices are closed, its record and profile deleted
   * with the `account.deleted` event, then every inbox entry; false if there was no account.
   */
  deleteAccount: { args: Record<never, never>; result: boolean };
  /** Publishes the inbox's events that may be missing (the emission backlog sweep). */
  flushEvents: { args: Record<never, never>; result: void };
};

export type InboxCommand = CommandOf<InboxProtocol>;

/** A recall or modification of one C2C message, as each side's inbox applies it. */
export interface C2CChange {
  /** `delete` applies to one inbox only: its user's view. */
  readonly change: 'recall' | 'modify' | 'delete';
  readonly from: string;
  readonly to: string;
  readonly msgKey: string;
  /** The sender, or the App admin's identifier. */
  readonly operator: string;
  readonly origin: MsgOrigin;
  /** Modify: the new body (absent = keep it) and custom data (absent = keep it). */
  readonly body?: readonly MsgElem[];
  readonly cloudCustomData?: string;
}

export type C2CChangeOutcome = { readonly outcome: 'changed'; readonly seq: number } | { readonly outcome: 'missing' } | { readonly outcome: 'recalled' };

export interface CreateGroupSpec {
  readonly groupId: string;
  /**
   * Names this create request: an attempt that finds the group already made by the same request
   * (its earlier attempt applied but the answer was lost, or a retry raced it) answers success.
   */
  readonly requestId: string;
  readonly idWasChosen: boolean;
  readonly type: GroupType;
  readonly owner: string;
  readonly operator: string;
  readonly name: string;
  readonly introduction: string;
  readonly notification: string;
  readonly faceUrl: string;
  readonly maxMemberCount: number;
  readonly applyJoinOption: string;
  readonly inviteJoinOption?: InviteJoinOption;
  readonly appDefinedData: Readonly<Record<string, string>>;
  readonly members: readonly { userId: string; role: MemberRole; appMemberDefinedData: Readonly<Record<string, string>> }[];
  /**
   * Set by import_group (migration): the group's creation time, Unix ms. An imported group sends no
   * membership notices, has no after-create callback (its `group.created` event says `imported`),
   * and any id in use is refused with 10021.
   */
  readonly importedAt?: number;
}

/** One member of import_group_member, its account known to exist. */
export interface ImportedMember {
  readonly userId: string;
  readonly role: 'Admin' | 'Member';
  /** When they joined, Unix ms; absent = now. Must lie after the group's creation and not in the future. */
  readonly joinedAt?: number;
  /** Their unread count (clamped to the group's message count); absent = none set. */
  readonly unread?: number;
}

/** One message of import_group_msg, its body already checked. */
export interface ImportedMessage {
  readonly from: string;
  /** When it was sent, Unix ms (a whole second: Tencent's SendTime). */
  readonly time: number;
  readonly random: number;
  readonly body: GroupMessage['body'];
  readonly cloudCustomData?: string;
}

/** Per imported message: its SEQ and time, or (`code` ≠ 0, `seq` 0) why it was not stored — 10004 for its time. */
export interface ImportMessageResult {
  readonly seq: number;
  readonly time: number;
  readonly code: number;
}

/** A change of a group's attributes: add or replace some, replace all, delete some, delete all. */
export type GroupAttrChange =
  | { readonly kind: 'modify'; readonly attrs: readonly (readonly [key: string, value: string])[] }
  | { readonly kind: 'set'; readonly attrs: readonly (readonly [key: string, value: string])[] }
  | { readonly kind: 'delete'; readonly keys: readonly string[] }
  | { readonly kind: 'clear' };

export interface AddMembersResult {
  /**
   * Per requested account (Tencent's add_group_member Result): 0 failed, 1 added, 2 already a member,
   * 3 invited, awaiting the owner or an admin (InviteJoinOption NeedPermission).
   */
  readonly results: readonly { userId: string; result: 0 | 1 | 2 | 3 }[];
}

export interface GroupSendSpec {
  readonly caller: Caller;
  readonly from: string;
  readonly random: number;
  readonly body: GroupMessage['body'];
  readonly cloudCustomData?: string;
  readonly priority: GroupMessage['priority'];
  readonly onlineOnly: boolean;
  readonly atInfo?: readonly GroupAt[];
  /** Targeted receivers (To_Account); absent = everyone. */
  readonly to?: readonly string[];
  readonly forbidBeforeCallback: boolean;
  readonly forbidAfterCallback: boolean;
  /** Tencent IsNeedReadReceipt; refused (10007) in types without read receipts. */
  readonly needReadReceipt?: boolean;
  /** Tencent OfflinePushInfo, stored with the message. */
  readonly offlinePush?: OfflinePushInfo;
  /** The sender's profile fields the message carries (read by the command, not the actor). */
  readonly senderProfile: SenderProfile;
}

/** Group message read receipts (groups/receipts-in-group.ts). */
export interface ReceiptCount {
  readonly seq: number;
  /** 0, or why this message has no counts: 10062 no receipts asked (or no such message), 10007 not the caller's. */
  readonly code: number;
  readonly read: number;
  readonly unread: number;
}

export interface ReceiptMembersQuery {
  readonly seq: number;
  /** The members who have not read it, rather than those who have. */
  readonly unread: boolean;
  /** The last member of the previous page ('' = from the start); members come in id order. */
  readonly cursor: string;
  readonly count: number;
}

export interface ReceiptMembersPage {
  readonly seq: number;
  readonly userIds: readonly string[];
  /** Where the next page starts; '' when this is the last. */
  readonly cursor: string;
}

/** modify_group_base_info: the fields to change; absent ones stay. `appDefinedData` values of `""` delete their key. */
export interface GroupInfoPatch {
  readonly name?: string;
  readonly introduction?: string;
  readonly notification?: string;
  readonly faceUrl?: string;
  readonly maxMemberCount?: number;
  readonly applyJoinOption?: ApplyJoinOption;
  readonly inviteJoinOption?: InviteJoinOption;
  readonly muteAll?: boolean;
  readonly appDefinedData?: Readonly<Record<string, string>>;
}

/** modify_group_msg: the stored message's new content; absent fields stay. */
export interface MessagePatch {
  readonly body?: readonly MsgElem[];
  readonly cloudCustomData?: string;
}

/** modify_group_member_info: the member fields to change. `muteS` 0 unmutes. */
export interface MemberPatch {
  readonly role?: 'Admin' | 'Member';
  readonly msgFlag?: MsgFlag;
  readonly nameCard?: string;
  readonly muteS?: number;
  readonly appMemberDefinedData?: Readonly<Record<string, string>>;
}

export interface MemberPageQuery {
  readonly offset: number;
  readonly limit: number;
  /** Only members with one of these roles; all when absent. */
  readonly roles?: readonly MemberRole[];
}

export interface MemberPage {
  /** Members of the group in all (before the role filter and paging). */
  readonly total: number;
  readonly members: readonly Member[];
  /** Muted accounts → until (Unix ms), for the members' MuteUntil. */
  readonly muted: Readonly<Record<string, number>>;
  /** Offset of the next page; 0 when this one is the last. */
  readonly next: number;
}

/** Per SEQ of a recall request: 0 recalled, else Tencent's RetCode (10030 not found, 10031 too late, 10033 type, 10007 not yours). */
export interface RecallResult {
  readonly seq: number;
  readonly code: number;
}

/** What `group.join` did: joined the live audience of an AVChatRoom (in the actor's memory, for this session), or the member rows. */
export interface JoinResult {
  readonly audience: boolean;
  /** Set where the group needs approval (applications-in-group.ts): an application was recorded instead; not a member yet. */
  readonly pending?: true;
}

export interface GroupSendResult {
  /** 0 for online-only and dropped messages. */
  readonly seq: number;
  readonly time: number;
  /** Set when rate control dropped the message (spec §5.6): it was neither stored nor delivered. */
  readonly dropReason?: 'MsgFreqCtrl';
}

/** A group's actor: owns the `g:<groupId>` stream, the group profile and its members. */
export type GroupProtocol = {
  create: { args: { readonly spec: CreateGroupSpec }; result: { groupId: string } };
  /** The group's info with its member list; rejects 10010 if there is no such group. */
  info: { args: Record<never, never>; result: GroupInfo };
  /** The profile as `viewer` may see it, with the member count, not the list (10007 for a non-member where the type is not findable by id). */
  view: { args: { readonly viewer: Caller }; result: GroupView };
  addMembers: { args: { readonly operator: Caller; readonly userIds: readonly string[]; readonly silence: boolean }; result: AddMembersResult };
  /** `reason` is Tencent's delete_group_member Reason, shown with the removal tip. */
  removeMembers: { args: { readonly operator: Caller; readonly userIds: readonly string[]; readonly silence: boolean; readonly reason: string }; result: void };
  sendMessage: { args: { readonly spec: GroupSendSpec }; result: GroupSendResult };
  modifyInfo: { args: { readonly operator: Caller; readonly patch: GroupInfoPatch }; result: void };
  modifyMember: { args: { readonly operator: Caller; readonly userId: string; readonly patch: MemberPatch }; result: void };
  /** Mutes accounts for `seconds` (0 unmutes; 4294967295 = for ever); members, or anyone in an AVChatRoom. */
  mute: { args: { readonly operator: Caller; readonly userIds: readonly string[]; readonly seconds: number }; result: void };
  /** Accounts muted now, with until when (Unix ms); a user must be a member (in an AVChatRoom, the owner). */
  muted: { args: { readonly operator: Caller }; result: readonly { readonly userId: string; readonly until: number }[] };
  /** A page of members; a user must be a member. Refused (10007) for types without member lists. */
  members: { args: { readonly operator: Caller; readonly query: MemberPageQuery }; result: MemberPage };
  /** Each account's role, or NotMember. */
  roles: { args: { readonly userIds: readonly string[] }; result: readonly { readonly userId: string; readonly role: MemberRole | 'NotMember' }[] };
  changeOwner: { args: { readonly operator: Caller; readonly newOwner: string }; result: void };
  /**
   * `userId` leaves by themself (a 'quit' tip, a `group.left` notice). The owner may only where the
   * type lets the group become ownerless (Work), else 10009; 10007 for a non-member. In an
   * AVChatRoom the user leaves its live audience (10007 if not in it), without a notice.
   */
  quit: { args: { readonly userId: string }; result: void };
  /**
   * `userId` joins by themself, where the type and ApplyJoinOption take members without approval
   * (a 'join' tip, a `group.joined` notice); where approval is needed `caller` applies with
   * `message` instead (`pending`, see decideApplication); 10007 where joining is closed,
   * 10013 for a member, 10014 when full. In an AVChatRoom the user joins its live audience instead
   * (again: nothing changes; 10014 past MaxMemberNum), until they quit or their last device leaves.
   */
  join: { args: { readonly userId: string; readonly caller: Caller; readonly message?: string }; result: JoinResult };
  /**
   * Where the group needs approval `join` applies instead (with `caller`, for the before-apply
   * callback, and `message`); the owner, an admin or an App admin accepts or refuses a pending
   * application here: 10024 once decided, 10014 accepting into a full group.
   */
  decideApplication: { args: { readonly operator: Caller; readonly applicant: string; readonly accept: boolean; readonly message: string }; result: void };
  /** `userId`'s last device went offline: they leave the AVChatRoom's audience if in it; nothing otherwise (no group either). */
  leaveAudience: { args: { readonly userId: string }; result: void };
  /** get_online_member_num: the users in the AVChatRoom's audience now; 10007 for other types. */
  onlineMembers: { args: Record<never, never>; result: { readonly count: number } };
  /** Dismisses the group: its record and members are removed, members get a `group.dismissed` notice. */
  destroy: { args: { readonly operator: Caller }; result: void };
  recall: { args: { readonly operator: Caller; readonly seqs: readonly number[] }; result: readonly RecallResult[] };
  /** A member read the messages at `seqs` (groups/receipts-in-group.ts). */
  readReceipts: { args: { readonly userId: string; readonly seqs: readonly number[] }; result: void };
  /** Read and unread counts of messages that asked for read receipts. */
  receiptCounts: { args: { readonly operator: Caller; readonly seqs: readonly number[] }; result: readonly ReceiptCount[] };
  /** A page of the members who read a message, or have not. */
  receiptMembers: { args: { readonly operator: Caller; readonly query: ReceiptMembersQuery }; result: ReceiptMembersPage };
  /** Gives the stored message at `seq` new content; 10030 if there is none. */
  modifyMessage: { args: { readonly operator: Caller; readonly seq: number; readonly patch: MessagePatch }; result: void };
  /** Marks `sender`'s messages among the latest 1000 recalled, without a tip (delete_group_msg_by_sender). */
  deleteBySender: { args: { readonly sender: string }; result: void };
  /** Pushes `content` to the online members among `userIds` (all when absent); nothing is stored. */
  systemNotification: { args: { readonly content: string; readonly userIds?: readonly string[] }; result: void };
  /**
   * import_group_member: members brought in by migration, without tips, notices or callbacks
   * (10007 where the type is not importable). Per member: 0 failed (JoinTime not after the group's
   * creation, or in the future; the group full), 1 added, 2 already a member.
   */
  importMembers: { args: { readonly members: readonly ImportedMember[] }; result: AddMembersResult };
  /**
   * import_group_msg: history stored under the next SEQs with its original times, never pushed live
   * and without callbacks (10007 where the type is not importable). A message must be later than the
   * group's creation and its latest message (and the previous one of the list), and before now.
   */
  importMessages: { args: { readonly messages: readonly ImportedMessage[] }; result: readonly ImportMessageResult[] };
  /** set_unread_msg_num: a member's unread count, clamped to the group's message count; nothing for types without unread counts; 10007 for a non-member. */
  setUnread: { args: { readonly userId: string; readonly count: number }; result: void };
  /** The group's attributes, in the order they were first set. */
  attrs: { args: Record<never, never>; result: readonly (readonly [key: string, value: string])[] };
  /** Changes the group's attributes (10045–10050 past the limits); online members get a live `groupAttr` entry. */
  changeAttrs: { args: { readonly change: GroupAttrChange }; result: void };
  /** Publishes the group's events that may be missing (the emission backlog sweep). */
  flushEvents: { args: Record<never, never>; result: void };
};

export type GroupCommand = CommandOf<GroupProtocol>;

/** An all-member push (im_push) as the broadcast actor stores it; src/im/broadcast/push.ts checks it first. */
export interface BroadcastSpec {
  readonly from: string;
  readonly random: number;
  readonly body: readonly MsgElem[];
  /** Tencent MsgLifeTime: how long devices that sync later still receive it, seconds; 0 = online users only. */
  readonly lifetimeS: number;
  /** Absent: everyone. */
  readonly condition?: BroadcastCondition;
  readonly offlinePush?: OfflinePushInfo;
  readonly senderProfile?: SenderProfile;
}

export interface BroadcastPushResult {
  readonly taskId: string;
  /** SEQ in `b:all`. */
  readonly seq: number;
  /** A retry (same sender and MsgRandom within the dedup window): the first push's task, nothing new stored. */
  readonly duplicate: boolean;
}

/** The broadcast actor: owns `b:all` and the im_push quota. */
export type BroadcastProtocol = {
  /** Stores a push (90024 / 90047 past the quota); its delivery job starts from the stored entry's event. */
  push: { args: { readonly spec: BroadcastSpec }; result: BroadcastPushResult };
  /** Publishes the stream's events that may be missing (the emission backlog sweep). */
  flushEvents: { args: Record<never, never>; result: void };
};

export type BroadcastCommand = CommandOf<BroadcastProtocol>;

/** Any actor's command, as the node bus carries it. */
export type ActorCommand = InboxCommand | GroupCommand | BroadcastCommand;
