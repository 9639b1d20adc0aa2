/**
 * The group model: profile and member fields as Parley keeps them (JSON in the store's `profile`
 * columns), the per-type rules of spec §5.2, and the info shape actors return.
 */
import type { GroupRecord, MemberRecord } from '../../../storage/store.ts';
import { imError } from '../../protocol/errors.ts';
import type { GroupType, MemberRole } from './group-types.ts';

export const GROUP_TYPES: readonly GroupType[] = ['Private', 'Public', 'ChatRoom', 'AVChatRoom', 'Community'];

/** Every wire name of a type: the REST names and the newer SDK names (Work, Meeting). A Map, so `__proto__` finds nothing. */
export const GROUP_TYPE_NAMES: ReadonlyMap<string, GroupType> = new Map<string, GroupType>([
  ...GROUP_TYPES.map((t): [string, GroupType] => [t, t]),
  ['Work', 'Private'],
  ['Meeting', 'ChatRoom'],
]);

/** A group type from its wire name; GroupInvalidParam for any other. */
export function parseGroupType(t: string): GroupType {
  const type = GROUP_TYPE_NAMES.get(t);
  if (!type) throw imError('GroupInvalidParam', { detail: `Type must be one of ${GROUP_TYPES.join(', ')} (or Work, Meeting), got ${JSON.stringify(t)}` });
  return type;
}

export type ApplyJoinOption = 'FreeAccess' | 'NeedPermission' | 'DisableApply';

export interface TypeRules {
  /** Whether the group has admins besides its owner. */
  readonly admins: boolean;
  /** Messages are stored and can be pulled (roaming). */
  readonly history: boolean;
  /** Members may read messages sent before they joined. */
  readonly preJoinHistory: boolean;
  /** Member join/quit/kick tips are stored in the group stream (and consume a SEQ). */
  readonly storedTips: boolean;
  /** Members are added by REST/invite (AVChatRoom audiences join live instead). */
  readonly memberList: boolean;
  /** Non-owners see the group only after its first message (Work groups). */
  readonly needsActivation: boolean;
  /** Who may add members: any member (Work, Community) or only the owner and admins. */
  readonly invitedBy: 'member' | 'admin';
  /** A message may mention everyone (`@all`); not in an AVChatRoom. */
  readonly atAll: boolean;
  /** Listed by get_joined_group_list only when asked (`WithHugeGroups`: AVChatRoom). */
  readonly huge: boolean;
  readonly defaultMaxMembers: number;
}

export const TYPE_RULES: Readonly<Record<GroupType, TypeRules>> = {
  Private: { admins: false, history: true, preJoinHistory: false, storedTips: true, memberList: true, needsActivation: true, invitedBy: 'member', atAll: true, huge: false, defaultMaxMembers: 2000 },
  Public: { admins: true, history: true, preJoinHistory: false, storedTips: true, memberList: true, needsActivation: false, invitedBy: 'admin', atAll: true, huge: false, defaultMaxMembers: 2000 },
  ChatRoom: { admins: true, history: true, preJoinHistory: true, storedTips: false, memberList: true, needsActivation: false, invitedBy: 'admin', atAll: true, huge: false, defaultMaxMembers: 2000 },
  AVChatRoom: { admins: false, history: false, preJoinHistory: false, storedTips: false, memberList: false, needsActivation: false, invitedBy: 'admin', atAll: false, huge: true, defaultMaxMembers: 1_000_000 },
  Community: { admins: true, history: true, preJoinHistory: false, storedTips: true, memberList: true, needsActivation: false, invitedBy: 'member', atAll: true, huge: false, defaultMaxMembers: 100_000 },
};

/** The group profile kept as JSON in GroupRecord.profile. */
export interface GroupProfile {
  name: string;
  introduction: string;
  notification: string;
  faceUrl: string;
  maxMemberCount: number;
  applyJoinOption: ApplyJoinOption;
  muteAll: boolean;
  appDefinedData: Record<string, string>;
  /** +1 per profile change. */
  infoSeq: number;
  lastInfoTime: number;
  /** Unix ms of the last stored message; 0 = none yet (a Work group is not yet activated). */
  lastMsgTime: number;
  /** The create request that made the group (CreateGroupSpec.requestId); absent on groups made before it was kept. */
  createRequest?: string;
}

/** Member fields kept as JSON in MemberRecord.profile. */
export interface MemberProfile {
  nameCard: string;
  /** Unix ms until which the member may not speak; 0 = not muted. */
  muteUntil: number;
  msgFlag: 'AcceptAndNotify' | 'AcceptNotNotify' | 'Discard';
  appMemberDefinedData: Record<string, string>;
  lastSendMsgTime: number;
}

export interface Member {
  readonly userId: string;
  readonly role: MemberRole;
  readonly joinedAt: number;
  readonly joinSeq: number;
  readonly profile: MemberProfile;
}

export interface GroupState {
  readonly groupId: string;
  readonly type: GroupType;
  owner: string;
  readonly createdAt: number;
  profile: GroupProfile;
}

/** What `GroupActor.info()` returns: the state plus live figures. */
export interface GroupInfo {
  readonly groupId: string;
  readonly type: GroupType;
  readonly owner: string;
  readonly createdAt: number;
  readonly profile: GroupProfile;
  /** The next SEQ to be assigned (Tencent NextMsgSeq). */
  readonly nextMsgSeq: number;
  readonly members: readonly Member[];
}

export function emptyMemberProfile(): MemberProfile {
  return { nameCard: '', muteUntil: 0, msgFlag: 'AcceptAndNotify', appMemberDefinedData: {}, lastSendMsgTime: 0 };
}

export function groupFromRecord(r: GroupRecord): GroupState {
  return { groupId: r.groupId, type: r.type, owner: r.owner, createdAt: r.createdAt, profile: JSON.parse(r.profile) as GroupProfile };
}

export function memberFromRecord(r: MemberRecord): Member {
  return { userId: r.userId, role: r.role, joinedAt: r.joinedAt, joinSeq: r.joinSeq, profile: JSON.parse(r.profile) as MemberProfile };
}

export function memberToRecord(m: Member): MemberRecord {
  return { userId: m.userId, role: m.role, joinedAt: m.joinedAt, joinSeq: m.joinSeq, profile: JSON.stringify(m.profile) };
}

/** The first SEQ a member may read minus one: pre-join history types read from the start. */
export function readableAfter(type: GroupType, joinSeq: number): number {
  return TYPE_RULES[type].preJoinHistory ? 0 : joinSeq;
}
