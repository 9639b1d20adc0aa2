/**
 * Parley's domain events: what app servers consume from `parley.events` (and what webhooks and the
 * chat-record archiver are fed from). Versioned JSON; `docs/events.md` documents each type with an
 * example. Consumers must be idempotent on `id`: delivery is at least once, in order per `key`.
 *
 * Compatibility: fields are only ever added within a version; a type's meaning never changes.
 * A consumer ignores types and fields it does not know.
 */
import type { BroadcastMessage, C2CChangeNotice, C2CMessage, ConversationNotice, GroupInfoChanges, GroupMessage, GroupTip, MsgElem, MsgOrigin, ProfileItem, RelationNotice } from './entries.ts';
import type { Platform } from './client-ops.ts';

export const EVENT_VERSION = 1;

interface EventBase<T extends string, D> {
  /** Schema version of the envelope and of `data`. */
  readonly v: typeof EVENT_VERSION;
  /** Unique and stable: a re-emitted event has the same id. */
  readonly id: string;
  readonly type: T;
  /** When the action happened, Unix ms. */
  readonly time: number;
  /** Partition key: events with one key are delivered in order (a stream id: `u:<user>`, `g:<group>`). */
  readonly key: string;
  readonly data: D;
}

export interface C2CMessageData {
  /** SEQ in the receiver's inbox stream (`key`). */
  readonly seq: number;
  readonly message: C2CMessage;
  /** The receiver's C2C unread messages in all once it arrived; absent where unknown (no conversation list, or published again after a crash). */
  readonly unread?: number;
}

/**
 * A C2C message was recalled (`c2c.msg_recalled`) or modified (`c2c.msg_modified`); emitted once,
 * from the receiver's inbox (`key`), where `seq` is the change notice's SEQ and `msgSeq` the message's.
 */
export interface C2CMsgChangedData {
  readonly seq: number;
  readonly msgSeq: number;
  readonly from: string;
  readonly to: string;
  readonly msgKey: string;
  readonly operator: string;
  /** Modify: the new body and custom data. */
  readonly body?: EventMsgBody;
  readonly cloudCustomData?: string;
  /** Where the change came from (OptPlatform, ClientIP). */
  readonly origin?: MsgOrigin;
  /** Recall: the receiver's C2C unread messages in all after it; absent where unknown (as C2CMessageData's). */
  readonly unread?: number;
}

/**
 * A user read a C2C conversation (their device's read report, or admin_set_msg_read): emitted from
 * the reader's inbox (`key`). `unread` is the reader's C2C unread messages in all after the read.
 */
export interface C2CMsgReadData {
  readonly seq: number;
  readonly reporter: string;
  readonly peer: string;
  /** Read up to, Unix ms. */
  readonly readTime: number;
  readonly unread: number;
  /** The reader, or the App admin's identifier. */
  readonly operator: string;
}

export interface GroupMessageData {
  readonly seq: number;
  readonly message: GroupMessage;
}

/** A member read messages of the group that asked for read receipts (each message's counts after it). */
export interface GroupReceiptData {
  readonly groupId: string;
  readonly groupType: string;
  readonly reader: string;
  readonly receipts: readonly { readonly seq: number; readonly read: number; readonly unread: number }[];
}

export interface GroupMemberData {
  readonly groupId: string;
  readonly groupType: string;
  /** SEQ of the tip in the group stream; 0 when the group type stores no tips. */
  readonly seq: number;
  readonly operator: string;
  readonly members: readonly string[];
  /** Why members left: removed by someone else, or quit. */
  readonly reason?: 'kicked' | 'quit';
  /** How members joined, when the tip says (`Apply`: an application accepted by `operator`). */
  readonly joinType?: 'Apply' | 'Invited';
}

/**
 * Users who joined or left an AVChatRoom's live audience (they have no member rows). Announced in
 * batches: one event lists everyone who joined (or left) within about a second.
 */
export interface GroupAudienceData {
  readonly groupId: string;
  readonly groupType: string;
  readonly members: readonly string[];
  /** Why they left: they quit, or their last device went offline. */
  readonly reason?: 'quit' | 'offline';
}

export interface GroupCreatedData {
  readonly groupId: string;
  readonly groupType: string;
  readonly owner: string;
  readonly operator: string;
  readonly name: string;
  readonly members: readonly string[];
  readonly appDefinedData: Readonly<Record<string, string>>;
  /** Set when the group was brought in by import_group (migration): it has no after-create callback. */
  readonly imported?: true;
}

/** A change of the group (its profile, owner, members' fields); `seq` is its tip's SEQ, 0 when the type stores none. */
interface GroupChangeBase {
  readonly groupId: string;
  readonly groupType: string;
  readonly seq: number;
  readonly operator: string;
}

export interface GroupInfoChangedData extends GroupChangeBase {
  readonly changes: GroupInfoChanges;
}

export interface GroupOwnerChangedData extends GroupChangeBase {
  readonly owner: string;
  /** The owner before (empty for an ownerless group). */
  readonly previous: string;
}

/** Member fields that changed, for every account in `members`. */
export interface MemberChanges {
  readonly role?: 'Admin' | 'Member';
  /** Muted until (Unix ms); 0 = unmuted. */
  readonly muteUntil?: number;
  readonly nameCard?: string;
  readonly msgFlag?: string;
  /** Changed keys; `""` = deleted. */
  readonly appMemberDefinedData?: Readonly<Record<string, string>>;
}

export interface GroupMembersChangedData extends GroupChangeBase {
  readonly members: readonly string[];
  readonly changes: MemberChanges;
}

export interface GroupMsgRecalledData extends GroupChangeBase {
  /** SEQs of the recalled messages. */
  readonly seqs: readonly number[];
}

export interface GroupMsgModifiedData extends GroupChangeBase {
  /** SEQ of the message that changed (`seq` is the tip's). */
  readonly msgSeq: number;
  readonly body: EventMsgBody;
  readonly cloudCustomData?: string;
}

export interface GroupDestroyedData {
  readonly groupId: string;
  readonly groupType: string;
  readonly owner: string;
  readonly operator: string;
  readonly name: string;
  /** The members when it was dismissed. */
  readonly members: readonly string[];
}

/**
 * A group message that was not sent: refused (by a group rule, such as a muted sender, or by the app
 * server's before-callback) or dropped over the group's rate (`errorCode` 10023, while the sender was
 * told MsgDropReason MsgFreqCtrl). At most one a second per group and error code: the first failure of
 * a second stands for the others, counted in `suppressed` (those since the previous report).
 */
export interface GroupSendFailedData {
  readonly groupId: string;
  readonly groupType: string;
  /** The message as it would have been stored (no SEQ). */
  readonly message: GroupMessage;
  readonly onlineOnly: boolean;
  readonly errorCode: number;
  readonly errorInfo: string;
  readonly suppressed: number;
}

/**
 * A group that became full (an add, join or import reached MaxMemberNum) or refused one for being full
 * (`refused`). At most one a minute per group.
 */
export interface GroupFullData {
  readonly groupId: string;
  readonly groupType: string;
  readonly refused: boolean;
}

export interface AccountImportedData {
  readonly userIds: readonly string[];
}

/** An account was deleted (account_delete) with its profile, relationship data and inbox. */
export interface AccountDeletedData {
  readonly userId: string;
}

export interface StateChangedData {
  readonly userId: string;
  readonly action: 'Login' | 'Logout' | 'Disconnect';
  readonly reason: 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut' | 'Kicked';
  readonly platform: Platform;
  /** Login: the platforms of the devices this login closed (PARLEY_LOGIN_POLICY). */
  readonly kickedDevices?: readonly Platform[];
}

/** A user's profile fields were set (portrait_set, or the user from a device). */
export interface ProfileChangedData {
  readonly userId: string;
  /** The user, or the App admin's identifier. */
  readonly operator: string;
  /** The fields set, with their new values, in the order given. */
  readonly items: readonly ProfileItem[];
  /** Where it was set from (Tencent's OptPlatform): `RESTAPI`, or the device's platform. */
  readonly platform: string;
}

/**
 * The relationship chain changed. `action`: `friend.added` (friend_add, an accepted request; `pairs`
 * are the directions formed, `from`'s list now holding `to`), `friend.imported` (friend_import),
 * `friend.requested` (a request now pending from `from` to `to`), `friend.updated` (friend_update),
 * `friend.deleted` (the directions removed), `blacklist.added` / `blacklist.deleted` (`from`'s
 * blacklist and `to`), `groups.changed` (friend groups of `operator`'s user), `friend.request_dropped`
 * (a request refused by its peer).
 */
export interface RelationChangedData {
  readonly action: RelationNotice['action'];
  /** The user who acted, or the App admin's identifier. */
  readonly operator: string;
  /** The user whose request it is (From_Account). */
  readonly user: string;
  readonly pairs: readonly { readonly from: string; readonly to: string }[];
  /** Where it came from (Tencent's OptPlatform): `RESTAPI`, or the device's platform. */
  readonly platform: string;
  /** friend.added: ForceAddFlags was set. */
  readonly force?: boolean;
  /** friend.added: by a response to a request (Tencent's ClientCmd friend_response) rather than friend_add. */
  readonly response?: boolean;
  /** friend.added by a response: who had asked (Tencent's Initiator_Account); else `user`. */
  readonly initiator?: string;
}

/** An all-member push was accepted (im_push): `seq` is its SEQ in the broadcast stream `b:all` (`key`). */
export interface BroadcastMessageData {
  readonly seq: number;
  readonly message: BroadcastMessage;
}

/**
 * An all-member push task started or finished delivering (`state`), with the targeted users found
 * online and handed it live so far, and the offline-push notifications queued (one per device).
 * Offline targets read it when their devices next sync.
 */
export interface BroadcastTaskData {
  readonly taskId: string;
  readonly seq: number;
  readonly state: 'running' | 'done';
  readonly online: number;
  readonly pushed: number;
}

export type ParleyEvent =
  | EventBase<'account.imported', AccountImportedData>
  | EventBase<'account.deleted', AccountDeletedData>
  | EventBase<'relation.changed', RelationChangedData>
  | EventBase<'profile.changed', ProfileChangedData>
  | EventBase<'c2c.message', C2CMessageData>
  | EventBase<'c2c.msg_recalled', C2CMsgChangedData>
  | EventBase<'c2c.msg_modified', C2CMsgChangedData>
  | EventBase<'c2c.msg_read', C2CMsgReadData>
  | EventBase<'group.created', GroupCreatedData>
  | EventBase<'group.message', GroupMessageData>
  | EventBase<'group.member_joined', GroupMemberData>
  | EventBase<'group.member_left', GroupMemberData>
  | EventBase<'group.audience_joined', GroupAudienceData>
  | EventBase<'group.audience_left', GroupAudienceData>
  | EventBase<'group.info_changed', GroupInfoChangedData>
  | EventBase<'group.owner_changed', GroupOwnerChangedData>
  | EventBase<'group.members_changed', GroupMembersChangedData>
  | EventBase<'group.msg_receipt', GroupReceiptData>
  | EventBase<'group.msg_recalled', GroupMsgRecalledData>
  | EventBase<'group.msg_modified', GroupMsgModifiedData>
  | EventBase<'group.destroyed', GroupDestroyedData>
  | EventBase<'group.send_failed', GroupSendFailedData>
  | EventBase<'group.full', GroupFullData>
  | EventBase<'state.changed', StateChangedData>
  | EventBase<'broadcast.message', BroadcastMessageData>
  | EventBase<'broadcast.task', BroadcastTaskData>;

export type EventType = ParleyEvent['type'];

type DataOf<T extends EventType> = Extract<ParleyEvent, { type: T }>['data'];

export function makeEvent<T extends EventType>(type: T, id: string, key: string, time: number, data: DataOf<T>): Extract<ParleyEvent, { type: T }> {
  return { v: EVENT_VERSION, id, type, time, key, data } as Extract<ParleyEvent, { type: T }>;
}

/** Message bodies in events are Tencent MsgBody arrays, as sent. */
export type EventMsgBody = readonly MsgElem[];

/** The event (if any) a stored stream entry stands for; `id` is `<stream>#<seq>`, stable across re-emission. */
export function eventOfEntry(
  streamId: string,
  seq: number,
  entry: C2CMessage | GroupMessage | BroadcastMessage | GroupTip | C2CChangeNotice | ConversationNotice | { kind: string },
  groupType?: string,
  unread?: number,
): ParleyEvent | undefined {
  const id = `${streamId}#${seq}`;
  switch (entry.kind) {
    case 'c2c': {
      const m = entry as C2CMessage;
      // A C2C message is one business event: it is emitted from the receiver's inbox only.
      return streamId === `u:${m.to}` ? makeEvent('c2c.message', id, streamId, m.time, { seq, message: m, ...(unread !== undefined ? { unread } : {}) }) : undefined;
    }
    case 'c2c.change': {
      const n = entry as C2CChangeNotice;
      // A deletion changes one user's view only: no business event.
      if (streamId !== `u:${n.to}` || n.change === 'delete') return undefined;
      const data = { seq, msgSeq: n.seq, from: n.from, to: n.to, msgKey: n.msgKey, operator: n.operator, ...(n.origin ? { origin: n.origin } : {}) };
      if (n.change === 'recall') return makeEvent('c2c.msg_recalled', id, streamId, n.time, { ...data, ...(unread !== undefined ? { unread } : {}) });
      return makeEvent('c2c.msg_modified', id, streamId, n.time, { ...data, ...(n.body ? { body: n.body } : {}), ...(n.cloudCustomData !== undefined ? { cloudCustomData: n.cloudCustomData } : {}) });
    }
    case 'conversation': {
      const n = entry as ConversationNotice;
      if (n.change !== 'read' || !n.conversationId.startsWith('c2c_') || !streamId.startsWith('u:')) return undefined;
      const data = { seq, reporter: streamId.slice(2), peer: n.conversationId.slice(4), readTime: n.readTime ?? n.time, unread: n.totalUnread ?? 0, operator: n.operator };
      return makeEvent('c2c.msg_read', id, streamId, n.time, data);
    }
    case 'group': {
      const m = entry as GroupMessage;
      return makeEvent('group.message', id, streamId, m.time, { seq, message: m });
    }
    case 'broadcast': {
      const m = entry as BroadcastMessage;
      return makeEvent('broadcast.message', id, streamId, m.time, { seq, message: m });
    }
    case 'tip':
      return eventOfTip(id, streamId, seq, entry as GroupTip, groupType ?? '');
    default:
      return undefined;
  }
}

/** The event a group tip stands for (a tip is how the group's members learn of the change). */
function eventOfTip(id: string, key: string, seq: number, t: GroupTip, groupType: string): ParleyEvent {
  const base = { groupId: t.groupId, groupType, seq, operator: t.operator };
  switch (t.tip) {
    case 'join':
      return makeEvent('group.member_joined', id, key, t.time, { ...base, members: t.members, ...(t.joinType ? { joinType: t.joinType } : {}) });
    case 'quit':
    case 'kick':
      return makeEvent('group.member_left', id, key, t.time, { ...base, members: t.members, reason: t.tip === 'kick' ? 'kicked' : 'quit' });
    case 'info':
      return makeEvent('group.info_changed', id, key, t.time, { ...base, changes: t.changes });
    case 'owner':
      return makeEvent('group.owner_changed', id, key, t.time, { ...base, owner: t.members[0] ?? '', previous: t.previous });
    case 'role':
      return makeEvent('group.members_changed', id, key, t.time, { ...base, members: t.members, changes: { role: t.role } });
    case 'mute':
      return makeEvent('group.members_changed', id, key, t.time, { ...base, members: t.members, changes: { muteUntil: t.until } });
    case 'recall':
      return makeEvent('group.msg_recalled', id, key, t.time, { ...base, seqs: t.seqs });
    case 'modify':
      return makeEvent('group.msg_modified', id, key, t.time, { ...base, msgSeq: t.seq, body: t.body, ...(t.cloudCustomData !== undefined ? { cloudCustomData: t.cloudCustomData } : {}) });
  }
}
