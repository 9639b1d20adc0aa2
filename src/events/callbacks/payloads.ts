/**
 * Callback bodies (spec §7.3), built from the before-hook events and from the domain events. Field
 * names are Tencent's; message and group times are Unix seconds where Tencent uses seconds
 * (`MsgTime`), `EventTime` is Unix ms.
 */
import type { BeforeApplyJoinEvent, BeforeC2CSendEvent, BeforeCreateGroupEvent, BeforeGroupSendEvent, BeforeFriendAddEvent, BeforeFriendResponseEvent, BeforeInviteEvent } from '../../im/hooks.ts';
import type { C2CMessage, GroupMessage, MsgOrigin } from '../../protocol/entries.ts';
import type { ParleyEvent, RelationChangedData } from '../../protocol/events.ts';
import type { AfterCommand } from '../../protocol/callback-commands.ts';

export type Payload = Readonly<Record<string, unknown>>;

const seconds = (ms: number): number => Math.floor(ms / 1000);
const accounts = (ids: readonly string[]) => ids.map((id) => ({ Member_Account: id }));

function c2cFields(m: C2CMessage, onlineOnly: boolean): Payload {
  return {
    From_Account: m.from,
    To_Account: m.to,
    MsgSeq: m.msgSeq,
    MsgRandom: m.random,
    MsgTime: seconds(m.time),
    MsgKey: m.msgKey,
    OnlineOnlyFlag: onlineOnly ? 1 : 0,
    MsgBody: m.body,
    CloudCustomData: m.cloudCustomData ?? '',
  };
}

function groupSendFields(m: GroupMessage, groupType: string, operator: string, onlineOnly: boolean): Payload {
  return {
    GroupId: m.groupId,
    Type: groupType,
    From_Account: m.from,
    Operator_Account: operator,
    Random: m.random,
    OnlineOnlyFlag: onlineOnly ? 1 : 0,
    MsgBody: m.body,
    CloudCustomData: m.cloudCustomData ?? '',
  };
}

export const beforeC2CSendPayload = (e: BeforeC2CSendEvent): Payload => c2cFields(e.message, e.onlineOnly);

export const beforeGroupSendPayload = (e: BeforeGroupSendEvent, now: number): Payload => ({
  ...groupSendFields(e.message, e.groupType, e.caller.userId, e.onlineOnly),
  EventTime: now,
});

/** `CreateGroupNum` (how many groups the operator created before) is not sent: Parley does not count them. */
export const beforeCreateGroupPayload = (e: BeforeCreateGroupEvent, now: number): Payload => ({
  Operator_Account: e.caller.userId,
  Owner_Account: e.owner,
  Type: e.groupType,
  Name: e.name,
  MemberList: accounts(e.members),
  EventTime: now,
});

export const beforeInvitePayload = (e: BeforeInviteEvent, now: number): Payload => ({
  GroupId: e.groupId,
  Type: e.groupType,
  Operator_Account: e.caller.userId,
  DestinationMembers: accounts(e.members),
  EventTime: now,
});

export const beforeApplyJoinPayload = (e: BeforeApplyJoinEvent, now: number): Payload => ({
  GroupId: e.groupId,
  Type: e.groupType,
  Requestor_Account: e.caller.userId,
  EventTime: now,
});

export const beforeFriendAddPayload = (e: BeforeFriendAddEvent, now: number): Payload => ({
  Requester_Account: e.caller.userId,
  From_Account: e.caller.userId,
  FriendItem: e.items.map((i) => ({ To_Account: i.to, Remark: i.remark, GroupName: i.groupName, AddSource: i.addSource, AddWording: i.addWording })),
  AddType: e.addType,
  ForceAddFlags: 0,
  EventTime: now,
});

export const beforeFriendResponsePayload = (e: BeforeFriendResponseEvent, now: number): Payload => ({
  Requester_Account: e.caller.userId,
  From_Account: e.caller.userId,
  ResponseFriendItem: e.items.map((i) => ({ To_Account: i.to, Remark: i.remark, TagName: i.tagName, ResponseAction: i.action })),
  EventTime: now,
});

/** An after-callback to send for a domain event. */
export interface AfterCallback {
  readonly command: AfterCommand;
  readonly payload: Payload;
  /** OptPlatform; `Unknown` where the event does not record the sender's device. */
  readonly platform: string;
  /** ClientIP; empty where the event does not record it. */
  readonly clientIp?: string;
}

const UNKNOWN_ORIGIN: MsgOrigin = { platform: 'Unknown', clientIp: '' };
/** Changes an App admin made (its events say who, not from where). */
const REST_ORIGIN: MsgOrigin = { platform: 'RESTAPI', clientIp: '' };

/** The group whose type an event's callback needs but the event does not carry (a message event, or a tip without it). */
export function groupTypeNeeded(e: ParleyEvent): string | undefined {
  if (e.type === 'group.message') return e.data.message.groupId;
  const tipped = e.type === 'group.member_joined' || e.type === 'group.member_left' || e.type === 'group.info_changed' || e.type === 'group.msg_recalled';
  if (tipped && !e.data.groupType) return e.data.groupId;
  return undefined;
}

/** State.StateChange names the iPhone platform `IOS` (spec §7.1). */
const statePlatform = (p: string): string => (p === 'iOS' ? 'IOS' : p);

/**
 * The after-callback a domain event stands for, if any. Messages sent with
 * ForbidAfterSendMsgCallback have none, nor do imported groups and messages (import_group,
 * import_group_msg). Only stored messages have events, so online-only messages
 * (OnlineOnlyFlag 1, MsgLifeTime 0) get no after-callback. `groupType` is the group's type when
 * `groupTypeNeeded(e)` named a group.
 */
export function afterCallbackOf(e: ParleyEvent, groupType = ''): AfterCallback | undefined {
  switch (e.type) {
    case 'c2c.message': {
      const m = e.data.message;
      if (m.noAfterCallback) return undefined;
      // UnreadMsgNum: the receiver's C2C unread total, -1 (Tencent's "unknown") where Parley cannot tell.
      const payload = { ...c2cFields(m, false), SendMsgResult: 0, ErrorInfo: 'send msg succeed', UnreadMsgNum: e.data.unread ?? -1 };
      return { command: 'C2C.CallbackAfterSendMsg', payload, ...(m.origin ?? UNKNOWN_ORIGIN) };
    }
    case 'c2c.msg_recalled': {
      const d = e.data;
      const payload = { From_Account: d.from, To_Account: d.to, MsgKey: d.msgKey, UnreadMsgNum: d.unread ?? -1, EventTime: e.time };
      return { command: 'C2C.CallbackAfterMsgWithDraw', payload, ...(d.origin ?? UNKNOWN_ORIGIN) };
    }
    case 'c2c.msg_modified':
      return undefined;
    case 'c2c.msg_read': {
      const d = e.data;
      const payload = { Report_Account: d.reporter, Peer_Account: d.peer, LastReadTime: seconds(d.readTime), UnreadMsgNum: d.unread, EventTime: e.time };
      return { command: 'C2C.CallbackAfterMsgReport', payload, ...(d.operator === d.reporter ? UNKNOWN_ORIGIN : REST_ORIGIN) };
    }
    case 'group.message': {
      const m = e.data.message;
      // Imported messages (import_group_msg) are history: Tencent calls no callback for them.
      if (m.noAfterCallback || m.imported) return undefined;
      const payload = { ...groupSendFields(m, groupType, m.from, false), MsgSeq: e.data.seq, MsgTime: seconds(m.time), EventTime: e.time };
      return { command: 'Group.CallbackAfterSendMsg', payload, ...(m.origin ?? UNKNOWN_ORIGIN) };
    }
    case 'group.created': {
      const d = e.data;
      // import_group triggers no callback (Tencent); the event still tells app servers the group exists.
      if (d.imported) return undefined;
      const payload = {
        GroupId: d.groupId,
        Operator_Account: d.operator,
        Owner_Account: d.owner,
        Type: d.groupType,
        Name: d.name,
        // Tencent lists the initial members besides the owner.
        MemberList: accounts(d.members.filter((m) => m !== d.owner)),
        UserDefinedDataList: Object.entries(d.appDefinedData).map(([Key, Value]) => ({ Key, Value })),
        EventTime: e.time,
      };
      return { command: 'Group.CallbackAfterCreateGroup', payload, platform: 'Unknown' };
    }
    case 'group.member_joined': {
      const d = e.data;
      // An accepted application says so (its operator is the approver); else a user who joined by themself is the operator of their own join.
      const joinType = d.joinType ?? (d.members.length === 1 && d.members[0] === d.operator ? 'Apply' : 'Invited');
      const payload = { GroupId: d.groupId, Type: d.groupType || groupType, JoinType: joinType, Operator_Account: d.operator, NewMemberList: accounts(d.members), EventTime: e.time };
      return { command: 'Group.CallbackAfterNewMemberJoin', payload, platform: 'Unknown' };
    }
    case 'group.member_left': {
      const d = e.data;
      const payload = {
        GroupId: d.groupId,
        Type: d.groupType || groupType,
        ExitType: d.reason === 'quit' ? 'Quit' : 'Kicked',
        Operator_Account: d.operator,
        ExitMemberList: accounts(d.members),
        EventTime: e.time,
      };
      return { command: 'Group.CallbackAfterMemberExit', payload, platform: 'Unknown' };
    }
    case 'group.audience_joined':
    case 'group.audience_left': {
      // AVChatRoom audiences coming online or going offline (joined, quit, last device gone), in batches.
      const d = e.data;
      const payload = { GroupId: d.groupId, EventType: e.type === 'group.audience_joined' ? 'Online' : 'Offline', MemberList: accounts(d.members), EventTime: e.time };
      return { command: 'Group.CallbackOnMemberStateChange', payload, platform: 'Unknown' };
    }
    case 'group.info_changed': {
      const d = e.data;
      // Tencent reports changes of these four fields only.
      const c = d.changes;
      const fields = {
        ...(c.name !== undefined ? { Name: c.name } : {}),
        ...(c.introduction !== undefined ? { Introduction: c.introduction } : {}),
        ...(c.notification !== undefined ? { Notification: c.notification } : {}),
        ...(c.faceUrl !== undefined ? { FaceUrl: c.faceUrl } : {}),
      };
      if (Object.keys(fields).length === 0) return undefined;
      const payload = { GroupId: d.groupId, Type: d.groupType || groupType, Operator_Account: d.operator, ...fields, EventTime: e.time };
      return { command: 'Group.CallbackAfterGroupInfoChanged', payload, platform: 'Unknown' };
    }
    case 'group.destroyed': {
      const d = e.data;
      // Tencent leaves the member list out for Community groups.
      const members = d.groupType === 'Community' ? {} : { MemberList: accounts(d.members) };
      const payload = { GroupId: d.groupId, Type: d.groupType, Owner_Account: d.owner, Name: d.name, ...members, EventTime: e.time };
      return { command: 'Group.CallbackAfterGroupDestroyed', payload, platform: 'Unknown' };
    }
    case 'group.msg_recalled': {
      const d = e.data;
      const payload = { Operator_Account: d.operator, Type: d.groupType || groupType, GroupId: d.groupId, MsgSeqList: d.seqs.map((MsgSeq) => ({ MsgSeq })), TopicId: '', EventTime: e.time };
      return { command: 'Group.CallbackAfterRecallMsg', payload, platform: 'Unknown' };
    }
    case 'group.send_failed': {
      const d = e.data;
      const m = d.message;
      const payload = { ...groupSendFields(m, d.groupType, m.from, d.onlineOnly), MsgTime: seconds(m.time), ErrorCode: d.errorCode, ErrorInfo: d.errorInfo, EventTime: e.time };
      return { command: 'Group.CallbackSendMsgException', payload, ...(m.origin ?? UNKNOWN_ORIGIN) };
    }
    case 'group.full':
      return { command: 'Group.CallbackAfterGroupFull', payload: { GroupId: e.data.groupId, EventTime: e.time }, platform: 'Unknown' };
    case 'group.msg_modified':
    case 'group.owner_changed':
    case 'group.members_changed':
      return undefined;
    case 'group.msg_receipt': {
      const d = e.data;
      const list = d.receipts.map((r) => ({ MsgSeq: r.seq, ReadNum: r.read, UnreadNum: r.unread, ReadReceiptMembers: [{ Member_Account: d.reader }] }));
      return { command: 'Group.CallbackAfterReadReceipt', payload: { GroupId: d.groupId, Type: d.groupType, GroupMsgReceiptList: list, EventTime: e.time }, ...UNKNOWN_ORIGIN };
    }
    case 'state.changed': {
      const d = e.data;
      // Tencent's reasons are Register, Unregister, LinkClose and TimeOut: a session the server ended on purpose (a kick) is an Unregister.
      const reason = d.reason === 'Kicked' ? 'Unregister' : d.reason;
      // KickedDevice names platforms as the SDK does (`iOS`), unlike OptPlatform.
      const kicked = d.kickedDevices?.length ? { KickedDevice: d.kickedDevices.map((p) => ({ Platform: p })) } : {};
      const payload = { EventTime: e.time, Info: { Action: d.action, To_Account: d.userId, Reason: reason }, ...kicked };
      return { command: 'State.StateChange', payload, platform: statePlatform(d.platform) };
    }
    case 'profile.changed': {
      const d = e.data;
      const payload = { Operator_Account: d.operator, From_Account: d.userId, EventTime: e.time, ProfileItem: d.items };
      return { command: 'Profile.CallbackPortraitSet', payload, platform: d.platform };
    }
    case 'relation.changed':
      return relationCallback(e.data, e.time);
    case 'account.imported':
    case 'account.deleted':
      return undefined;
  }
}

/** The Sns.* after-callback of a relationship change (spec §7.3); imports, requests, updates and friend groups have none. */
function relationCallback(d: RelationChangedData, time: number): AfterCallback | undefined {
  const pairs = d.pairs.map((p) => ({ From_Account: p.from, To_Account: p.to }));
  const base = { platform: d.platform };
  switch (d.action) {
    case 'friend.added': {
      const rest = d.platform === 'RESTAPI';
      const clientCmd = d.response ? (rest ? 'friend_response' : 'FriendResponse') : rest ? 'friend_add' : 'FriendAdd';
      const payload = {
        PairList: d.pairs.map((p) => ({ From_Account: p.from, To_Account: p.to, Initiator_Account: d.initiator ?? d.user })),
        ClientCmd: clientCmd,
        ...(rest ? { Admin_Account: d.operator } : {}),
        ForceFlag: d.force ? 1 : 0,
        EventTime: time,
      };
      return { command: 'Sns.CallbackFriendAdd', payload, ...base };
    }
    case 'friend.deleted':
      return { command: 'Sns.CallbackFriendDelete', payload: { PairList: pairs, EventTime: time }, ...base };
    case 'blacklist.added':
      return { command: 'Sns.CallbackBlackListAdd', payload: { PairList: pairs, EventTime: time }, ...base };
    case 'blacklist.deleted':
      return { command: 'Sns.CallbackBlackListDelete', payload: { PairList: pairs, EventTime: time }, ...base };
    default:
      return undefined;
  }
}
