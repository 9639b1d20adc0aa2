/**
 * What each of the five group types allows (spec §5.2): one policy object per type, read by the
 * group rules, the commands and the sync paths. A rule asks the policy ("who may kick here?"),
 * never the type name, so a type's behaviour is stated once, in this table.
 */
import type { GroupType, MemberRole } from './group-types.ts';

/** The least role an action needs, among members; App admins may always act. */
export type LeastRole = 'Member' | 'Admin' | 'Owner';

/** How notifications of a kind reach members: stored in the group stream (with a SEQ), pushed live only, or not sent. */
export type TipDelivery = 'stored' | 'live' | 'off';

export interface GroupPolicy {
  /** Whether the group has admins besides its owner. */
  readonly admins: boolean;
  /** Who may change the base profile (name, introduction, notification, face); App admins always. */
  readonly editProfile: LeastRole;
  /** Who may dissolve the group: its owner (and App admins), or App admins only (Work groups). */
  readonly dissolve: 'Owner' | 'AppAdmin';
  /** A user can find the group by its exact id. */
  readonly findById: boolean;
  /** How a user joins by applying: not at all, with the owner's or an admin's approval, or freely. */
  readonly apply: 'none' | 'approval' | 'free';
  /** Who may add members directly: any member (Work, Community) or the owner and admins. */
  readonly invite: LeastRole;
  /** The owner may quit (the group becomes ownerless). */
  readonly ownerMayQuit: boolean;
  /** Who may remove members (admins only plain members); undefined = nobody (AVChatRoom: mute instead). */
  readonly kick: LeastRole | undefined;
  /** Who may mute members; undefined = nobody (Work groups). */
  readonly mute: LeastRole | undefined;
  /** Members are kept as rows, added by REST or invitation (AVChatRoom audiences join live instead). */
  readonly memberList: boolean;
  /** Member custom fields (AppMemberDefinedData) are kept. */
  readonly memberFields: boolean;
  /** Messages count as unread for members. */
  readonly unread: boolean;
  /** Messages are stored and can be pulled (roaming). */
  readonly history: boolean;
  /** Members may read messages sent before they joined. */
  readonly preJoinHistory: boolean;
  /** Member join, quit and removal notifications. */
  readonly memberTips: TipDelivery;
  /** Notifications of name, introduction, notification, face and owner changes. */
  readonly profileTips: TipDelivery;
  /** Non-owners see the group only after its first message (Work groups). */
  readonly needsActivation: boolean;
  /** New members receive offline pushes by default, or only what arrives while they are online. */
  readonly offlinePush: boolean;
  /** The migration commands (import_group, import_group_member, import_group_msg) may target it. */
  readonly importable: boolean;
  /** Stored messages may be recalled. */
  readonly recall: boolean;
  /** A message may be sent to some members only (To_Account): Work, Public and Meeting groups. */
  readonly targeted: boolean;
  /** A message may mention everyone (`@all`). */
  readonly atAll: boolean;
  /** Messages may ask for read receipts (IsNeedReadReceipt): Work, Public and Meeting groups. */
  readonly receipts: boolean;
  /** Listed by get_joined_group_list only when asked (`WithHugeGroups`). */
  readonly huge: boolean;
  /** clear_group_attr may empty its attributes at once (Tencent: not Community groups, which delete them by key). */
  readonly clearAttrs: boolean;
  readonly defaultMaxMembers: number;
}

export const GROUP_POLICY: Readonly<Record<GroupType, GroupPolicy>> = {
  Private: {
    admins: false, editProfile: 'Member', dissolve: 'AppAdmin', findById: false, apply: 'none', invite: 'Member', ownerMayQuit: true,
    kick: 'Owner', mute: undefined, memberList: true, memberFields: true, unread: true, history: true, preJoinHistory: false,
    memberTips: 'stored', profileTips: 'stored', needsActivation: true, offlinePush: true, importable: true, recall: true, targeted: true, atAll: true, receipts: true,
    huge: false, clearAttrs: true, defaultMaxMembers: 2000,
  },
  Public: {
    admins: true, editProfile: 'Admin', dissolve: 'Owner', findById: true, apply: 'approval', invite: 'Admin', ownerMayQuit: false,
    kick: 'Admin', mute: 'Admin', memberList: true, memberFields: true, unread: true, history: true, preJoinHistory: false,
    memberTips: 'stored', profileTips: 'stored', needsActivation: false, offlinePush: true, importable: true, recall: true, targeted: true, atAll: true, receipts: true,
    huge: false, clearAttrs: true, defaultMaxMembers: 2000,
  },
  ChatRoom: {
    admins: true, editProfile: 'Owner', dissolve: 'Owner', findById: true, apply: 'free', invite: 'Admin', ownerMayQuit: false,
    kick: 'Admin', mute: 'Admin', memberList: true, memberFields: true, unread: false, history: true, preJoinHistory: true,
    memberTips: 'off', profileTips: 'stored', needsActivation: false, offlinePush: false, importable: true, recall: true, targeted: true, atAll: true, receipts: true,
    huge: false, clearAttrs: true, defaultMaxMembers: 2000,
  },
  AVChatRoom: {
    admins: false, editProfile: 'Owner', dissolve: 'Owner', findById: true, apply: 'free', invite: 'Owner', ownerMayQuit: false,
    kick: undefined, mute: 'Owner', memberList: false, memberFields: false, unread: false, history: false, preJoinHistory: false,
    memberTips: 'live', profileTips: 'live', needsActivation: false, offlinePush: false, importable: false, recall: false, targeted: false, atAll: false, receipts: false,
    huge: true, clearAttrs: true, defaultMaxMembers: 1_000_000,
  },
  Community: {
    admins: true, editProfile: 'Admin', dissolve: 'Owner', findById: true, apply: 'free', invite: 'Member', ownerMayQuit: false,
    kick: 'Admin', mute: 'Admin', memberList: true, memberFields: true, unread: true, history: true, preJoinHistory: false,
    memberTips: 'stored', profileTips: 'stored', needsActivation: false, offlinePush: true, importable: true, recall: true, targeted: false, atAll: true, receipts: false,
    huge: false, clearAttrs: false, defaultMaxMembers: 100_000,
  },
};

export const policyOf = (type: GroupType): GroupPolicy => GROUP_POLICY[type];

const RANK: Readonly<Record<MemberRole, number>> = { Member: 0, Admin: 1, Owner: 2 };

/** Whether `role` is at least `least` (Owner ≥ Admin ≥ Member). */
export const atLeast = (role: MemberRole, least: LeastRole): boolean => RANK[role] >= RANK[least];

/** Whether `actor` outranks `target`: admins act only on plain members, the owner on everyone else. */
export const outranks = (actor: MemberRole, target: MemberRole): boolean => RANK[actor] > RANK[target];
