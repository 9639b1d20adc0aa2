/**
 * The group model: profile and member fields as Parley keeps them (JSON in the store's `profile`
 * columns) and the info shape actors return; what each type allows is in group-policy.ts.
 */
import type { GroupRecord, MemberRecord } from '../../../storage/store.ts';
import { imError } from '../../protocol/errors.ts';
import type { GroupType, MemberRole } from './group-types.ts';
import { policyOf } from './group-policy.ts';

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

/**
 * How members' invitations from the client are taken (Tencent's InviteJoinOption): FreeAccess as the
 * type's rule says (spec §5.2), NeedPermission an invitation by a plain member awaits the owner or an
 * admin, DisableInvite no invitations from the client at all (REST adds still work).
 */
export type InviteJoinOption = 'FreeAccess' | 'NeedPermission' | 'DisableInvite';

/** The group profile kept as JSON in GroupRecord.profile. */
export interface GroupProfile {
  name: string;
  introduction: string;
  notification: string;
  faceUrl: string;
  maxMemberCount: number;
  applyJoinOption: ApplyJoinOption;
  /** Absent = FreeAccess (groups made before it was kept). */
  inviteJoinOption?: InviteJoinOption;
  muteAll: boolean;
  appDefinedData: Record<string, string>;
  /** +1 per profile change. */
  infoSeq: number;
  lastInfoTime: number;
  /** Unix ms of the last stored message; 0 = none yet (a Work group is not yet activated). */
  lastMsgTime: number;
  /** The create request that made the group (CreateGroupSpec.requestId); absent on groups made before it was kept. */
  createRequest?: string;
  /**
   * Muted accounts → Unix ms until which they may not speak. Kept with the group, not the member, so a
   * mute survives leaving and re-joining (and covers AVChatRoom audiences, who have no member rows).
   * Expired entries are dropped when the map is next written.
   */
  muted?: Record<string, number>;
  /**
   * The stream's head when the group was created: a group made again under a dismissed group's id
   * continues its SEQs, and nobody reads the old group's messages. Absent = 0.
   */
  baseSeq?: number;
  /** The group's attributes (group_open_attr_http_svc); absent = none. */
  attrs?: GroupAttrs;
  /**
   * The stream's head after the latest import_group_msg batch. Tencent: importing messages resets
   * every member's unread count to 0, so an imported unread count (MemberProfile.unreadImported)
   * taken before it no longer holds. Absent = nothing imported.
   */
  importedUpTo?: number;
}

/**
 * Group attributes: key → value pairs in the order they were first set (Tencent returns a list),
 * and the times (Unix ms) of the attribute writes within the last second, for the write rate
 * limit (kept with the group, so the limit holds across actor moves).
 */
export interface GroupAttrs {
  readonly entries: readonly (readonly [key: string, value: string])[];
  readonly writes: readonly number[];
}

/** Member fields kept as JSON in MemberRecord.profile. */
export interface MemberProfile {
  nameCard: string;
  msgFlag: 'AcceptAndNotify' | 'AcceptNotNotify' | 'Discard';
  appMemberDefinedData: Record<string, string>;
  lastSendMsgTime: number;
  /**
   * An unread count set by migration (import_group_member UnreadMsgNum, set_unread_msg_num):
   * `count` messages unread when the group's head was `atSeq`, i.e. the member had read up to
   * `atSeq − count`. The conversation list (conversations/list-conversations.ts) reads it through
   * `importedReadSeq` (import-rules.ts) until the member reads the group. Absent = never set.
   */
  unreadImported?: { readonly count: number; readonly atSeq: number };
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
  /** An AVChatRoom's audience now (Tencent OnlineMemberNum); absent for other types. */
  readonly onlineMemberNum?: number;
}

export function emptyMemberProfile(): MemberProfile {
  return { nameCard: '', msgFlag: 'AcceptAndNotify', appMemberDefinedData: {}, lastSendMsgTime: 0 };
}

export function groupFromRecord(r: GroupRecord): GroupState {
  return { groupId: r.groupId, type: r.type, owner: r.owner, createdAt: r.createdAt, profile: JSON.parse(r.profile) as GroupProfile };
}

export function memberFromRecord(r: MemberRecord): Member {
  return { userId: r.userId, role: r.role, joinedAt: r.joinedAt, joinSeq: r.joinSeq, profile: { ...emptyMemberProfile(), ...(JSON.parse(r.profile) as Partial<MemberProfile>) } };
}

export function memberToRecord(m: Member): MemberRecord {
  return { userId: m.userId, role: m.role, joinedAt: m.joinedAt, joinSeq: m.joinSeq, profile: JSON.stringify(m.profile) };
}

/** The first SEQ a member may read minus one: pre-join history types read from the group's creation. */
export function readableAfter(type: GroupType, joinSeq: number, baseSeq = 0): number {
  return policyOf(type).preJoinHistory ? baseSeq : Math.max(joinSeq, baseSeq);
}
