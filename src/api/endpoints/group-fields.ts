/**
 * Tencent's field names for group data: group info with its response filters, joined-group items
 * and history messages. Mute fields are emitted under both the current and the old names
 * (MuteAllMember/ShutUpAllMember, MuteUntil/ShutUpUntil), as clients of either era parse them.
 */
import type { HistoryItem } from '../../im/groups/history.ts';
import type { JoinedGroup } from '../../im/groups/joined.ts';
import type { GroupInfo, Member } from '../../im/groups/group-model.ts';

type Fields = Record<string, unknown>;

interface InfoFilter {
  readonly GroupBaseInfoFilter?: readonly string[];
  readonly MemberInfoFilter?: readonly string[];
  readonly AppDefinedDataFilter_Group?: readonly string[];
  readonly AppDefinedDataFilter_GroupMember?: readonly string[];
}

const PRIORITY_NUMBER = { High: 1, Normal: 2, Low: 3, Lowest: 4 } as const;
const seconds = (ms: number): number => Math.floor(ms / 1000);

const keyValues = (data: Readonly<Record<string, string>>, only?: readonly string[]): { Key: string; Value: string }[] =>
  Object.entries(data)
    .filter(([k]) => !only || only.includes(k))
    .map(([Key, Value]) => ({ Key, Value }));

function pick(fields: Fields, only?: readonly string[]): Fields {
  if (!only) return fields;
  return Object.fromEntries(Object.entries(fields).filter(([k]) => k === 'GroupId' || k === 'Member_Account' || only.includes(k)));
}

/** Unix s of a mute (as Tencent reports it), 0 when none or over. */
const muteSeconds = (muted: Readonly<Record<string, number>> | undefined, userId: string, now: number): number => {
  const until = muted?.[userId] ?? 0;
  return until > now ? seconds(until) : 0;
};

export function memberFields(m: Member, muted: Readonly<Record<string, number>> | undefined, now: number, filter?: InfoFilter): Fields {
  const muteUntil = muteSeconds(muted, m.userId, now);
  const base = pick(
    {
      Member_Account: m.userId,
      Role: m.role,
      JoinTime: seconds(m.joinedAt),
      MsgSeq: m.joinSeq,
      MsgFlag: m.profile.msgFlag,
      LastSendMsgTime: seconds(m.profile.lastSendMsgTime),
      NameCard: m.profile.nameCard,
      MuteUntil: muteUntil,
      ShutUpUntil: muteUntil,
    },
    filter?.MemberInfoFilter,
  );
  return { ...base, AppMemberDefinedData: keyValues(m.profile.appMemberDefinedData, filter?.AppDefinedDataFilter_GroupMember) };
}

export function groupInfoFields(g: GroupInfo, sdkAppId: number, now: number, filter?: InfoFilter): Fields {
  const p = g.profile;
  const muteAll = p.muteAll ? 'On' : 'Off';
  const base = pick(
    {
      GroupId: g.groupId,
      Type: g.type,
      Appid: sdkAppId,
      Name: p.name,
      Introduction: p.introduction,
      Notification: p.notification,
      FaceUrl: p.faceUrl,
      Owner_Account: g.owner,
      CreateTime: seconds(g.createdAt),
      InfoSeq: p.infoSeq,
      LastInfoTime: seconds(p.lastInfoTime),
      LastMsgTime: seconds(p.lastMsgTime),
      NextMsgSeq: g.nextMsgSeq,
      MemberNum: g.members.length,
      MaxMemberNum: p.maxMemberCount,
      ApplyJoinOption: p.applyJoinOption,
      InviteJoinOption: p.inviteJoinOption ?? 'FreeAccess',
      MuteAllMember: muteAll,
      ShutUpAllMember: muteAll,
      ...(g.onlineMemberNum !== undefined ? { OnlineMemberNum: g.onlineMemberNum } : {}),
    },
    filter?.GroupBaseInfoFilter,
  );
  return {
    ...base,
    AppDefinedData: keyValues(p.appDefinedData, filter?.AppDefinedDataFilter_Group),
    MemberList: g.members.map((m) => memberFields(m, p.muted, now, filter)),
  };
}

/** What search_group may show of a group anyone can find (Tencent's GroupBasePublicInfoFilter names). */
export const PUBLIC_GROUP_FIELDS = [
  'GroupId', 'Type', 'Name', 'Introduction', 'FaceUrl', 'Owner_Account', 'CreateTime', 'LastMsgTime',
  'MemberNum', 'MaxMemberNum', 'ApplyJoinOption', 'OnlineMemberNum',
] as const;

/** A group's public fields (all of them, or those of `only` among them): no members, notification or custom data. */
export function publicGroupFields(g: GroupInfo, only?: readonly string[]): Fields {
  const shown = only ? PUBLIC_GROUP_FIELDS.filter((f) => only.includes(f)) : PUBLIC_GROUP_FIELDS;
  const { MemberList: _m, AppDefinedData: _a, ...base } = groupInfoFields(g, 0, 0, { GroupBaseInfoFilter: shown, MemberInfoFilter: [] });
  return base;
}

export function joinedGroupFields(j: JoinedGroup, userId: string, now: number, filter?: { GroupBaseInfoFilter?: readonly string[]; SelfInfoFilter?: readonly string[] }): Fields {
  const g = j.group;
  const base = pick(
    {
      GroupId: g.groupId,
      Type: g.type,
      Name: g.profile.name,
      Introduction: g.profile.introduction,
      Notification: g.profile.notification,
      FaceUrl: g.profile.faceUrl,
      Owner_Account: g.owner,
      CreateTime: seconds(g.createdAt),
      LastMsgTime: seconds(g.profile.lastMsgTime),
      NextMsgSeq: j.nextMsgSeq,
      MaxMemberNum: g.profile.maxMemberCount,
      ApplyJoinOption: g.profile.applyJoinOption,
      InviteJoinOption: g.profile.inviteJoinOption ?? 'FreeAccess',
    },
    filter?.GroupBaseInfoFilter,
  );
  if (!filter?.SelfInfoFilter) return base;
  const m = j.self;
  const muteUntil = muteSeconds(g.profile.muted, userId, now);
  const self = pick(
    {
      Role: m?.role ?? 'Member',
      JoinTime: seconds(j.membership.joinedAt),
      MsgFlag: m?.profile.msgFlag ?? 'AcceptAndNotify',
      MsgSeq: j.membership.joinSeq,
      NameCard: m?.profile.nameCard ?? '',
      MuteUntil: muteUntil,
      ShutUpUntil: muteUntil,
    },
    filter.SelfInfoFilter,
  );
  return { ...base, SelfInfo: self };
}

export function historyMessageFields(item: HistoryItem): Fields {
  const e = item.entry;
  if (!e) return { MsgSeq: item.seq, IsPlaceMsg: item.recalled ? 2 : 1, MsgBody: [] };
  if (e.kind === 'group') {
    return {
      From_Account: e.from,
      IsPlaceMsg: item.recalled ? 2 : 0,
      IsSystemMsg: 0,
      MsgPriority: PRIORITY_NUMBER[e.priority],
      MsgRandom: e.random,
      MsgSeq: item.seq,
      MsgTimeStamp: seconds(e.time),
      MsgBody: e.body,
      ...(e.cloudCustomData !== undefined ? { CloudCustomData: e.cloudCustomData } : {}),
    };
  }
  // Tips and other system entries are system messages without a body of their own.
  const time = 'time' in e ? e.time : 0;
  return { From_Account: '', IsPlaceMsg: 0, IsSystemMsg: 1, MsgPriority: 2, MsgRandom: 0, MsgSeq: item.seq, MsgTimeStamp: seconds(time), MsgBody: [] };
}
