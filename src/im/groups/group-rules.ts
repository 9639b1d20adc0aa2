/**
 * Who may do what in a group (spec §5.2): pure functions over group state and the type's policy,
 * used by the group actor. App admins may do anything the type allows at all; members act by role
 * (App admin ≥ owner ≥ admin ≥ member, admins only on plain members).
 */
import { imError } from '../../protocol/errors.ts';
import type { Caller } from '../caller.ts';
import type { GroupAt } from '../../protocol/entries.ts';
import type { GroupState, Member } from './group-model.ts';
import type { GroupType } from './group-types.ts';
import { type LeastRole, atLeast, outranks, policyOf } from './group-policy.ts';

const noPermission = (detail: string) => imError('GroupNoPermission', { detail });

/** The acting member, or NotGroupMember; undefined for App admins (who need no membership). */
function requireActor(g: GroupState, caller: Caller, actor: Member | undefined): Member | undefined {
  if (caller.kind === 'admin') return undefined;
  if (!actor) throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
  return actor;
}

/** May `caller` act where the type requires at least `least`? */
function checkRole(g: GroupState, caller: Caller, actor: Member | undefined, least: LeastRole, what: string): void {
  const m = requireActor(g, caller, actor);
  if (m && !atLeast(m.role, least)) throw noPermission(`only ${least === 'Owner' ? 'the owner' : least === 'Admin' ? 'the owner or an admin' : 'members'} may ${what} in a ${g.type} group`);
}

/** Does the type take invitations at all (an AVChatRoom has no member list: everyone joins from the client)? 10007 if not. */
export function checkTakesInvitations(type: GroupType): void {
  if (!policyOf(type).memberList) throw noPermission(`${type} groups have no member list; members join from the client`);
}

/**
 * How `caller`'s invitation is taken: `direct` (the invitees are added) or `approval` (each becomes an
 * invitation awaiting the owner or an admin), by the group's InviteJoinOption. An App admin (REST
 * add_group_member) always adds directly. From the client: FreeAccess follows the type (Work and
 * Community members invite, other types need the owner or an admin); NeedPermission lets any member
 * invite, a plain member's invitation awaiting approval; DisableInvite takes none (10007).
 */
export function inviteMode(g: GroupState, caller: Caller, actor: Member | undefined): 'direct' | 'approval' {
  checkTakesInvitations(g.type);
  if (caller.kind === 'admin') return 'direct';
  const option = g.profile.inviteJoinOption ?? 'FreeAccess';
  if (option === 'DisableInvite') throw noPermission(`group ${g.groupId} takes no invitations from the client (InviteJoinOption DisableInvite)`);
  if (option === 'FreeAccess') {
    checkRole(g, caller, actor, policyOf(g.type).invite, 'add members');
    return 'direct';
  }
  const m = requireActor(g, caller, actor);
  return m && atLeast(m.role, 'Admin') ? 'direct' : 'approval';
}

/** Does the group's type let anyone be removed? AVChatRoom does not (10004, whoever is named, members or not). */
export function checkTypeAllowsRemoval(g: GroupState): void {
  if (policyOf(g.type).kick === undefined) throw imError('GroupInvalidParam', { detail: `${g.type} members cannot be removed; mute them instead` });
}

/** May `caller` remove `target`? Never the owner; members by the type's kick role, admins only plain members. */
export function checkCanRemove(g: GroupState, caller: Caller, actor: Member | undefined, target: Member): void {
  checkTypeAllowsRemoval(g);
  if (target.role === 'Owner') throw noPermission('the owner cannot be removed');
  const m = requireActor(g, caller, actor);
  if (!m) return;
  const least = policyOf(g.type).kick ?? 'Owner';
  if (!atLeast(m.role, least) || !outranks(m.role, target.role)) throw noPermission(`${m.userId} may not remove ${target.userId}`);
}

/** May `caller` change the group's base profile (name, introduction, notification, face, options)? */
export function checkCanEditProfile(g: GroupState, caller: Caller, actor: Member | undefined): void {
  checkRole(g, caller, actor, policyOf(g.type).editProfile, 'change the group profile');
}

/**
 * May `caller` change the group's options (member limit, ApplyJoinOption, mute-all, custom fields)?
 * As for the profile, but never as a plain member: in a Work group, where members edit the
 * profile, only the owner may (spec §5.2).
 */
export function checkCanEditOptions(g: GroupState, caller: Caller, actor: Member | undefined): void {
  const p = policyOf(g.type);
  const least: LeastRole = p.editProfile !== 'Member' ? p.editProfile : p.admins ? 'Admin' : 'Owner';
  checkRole(g, caller, actor, least, 'change the group options');
}

/**
 * May `userId` join by themself? Only where nobody has to approve: a type that takes members
 * freely, or one with approval whose group is set to FreeAccess; never a Work group (members
 * invite) nor a group set to DisableApply. Where approval is needed the group actor records an
 * application instead (applications-in-group.ts); this refuses a direct join there.
 */
export function checkCanJoin(g: GroupState, userId: string, member: Member | undefined, size: number): void {
  const p = policyOf(g.type);
  if (!p.memberList) throw noPermission(`${g.type} audiences do not join as members; they join the live audience (audience-changes.ts)`);
  if (member) throw imError('GroupAlreadyMember', { userId, groupId: g.groupId });
  if (p.apply === 'none') throw noPermission(`${g.type} groups take no join requests; a member must invite you`);
  const option = g.profile.applyJoinOption;
  if (option === 'DisableApply') throw noPermission(`group ${g.groupId} takes no join requests (DisableApply)`);
  if (p.apply === 'approval' && option !== 'FreeAccess') {
    throw noPermission(`joining group ${g.groupId} needs the approval of its owner or an admin: apply to join instead`);
  }
  if (size >= g.profile.maxMemberCount) throw imError('GroupFull', { groupId: g.groupId, max: g.profile.maxMemberCount });
}

/** May `userId` quit? A member may; the owner only where the group may become ownerless (Work), else 10009. */
export function checkCanQuit(g: GroupState, userId: string, member: Member | undefined): void {
  if (!policyOf(g.type).memberList) throw noPermission(`${g.type} audiences do not quit as members; they leave the live audience (audience-changes.ts)`);
  if (!member) throw imError('NotGroupMember', { userId, groupId: g.groupId });
  if (member.role === 'Owner' && !policyOf(g.type).ownerMayQuit) throw imError('GroupOwnerCannotQuit', { type: g.type, groupId: g.groupId });
}

/** May `caller` see the group's profile? Members and App admins always; anyone where the type is findable by id. */
export function checkCanView(g: GroupState, caller: Caller, actor: Member | undefined): void {
  if (caller.kind === 'admin' || actor || policyOf(g.type).findById) return;
  throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
}

/** May `caller` dissolve the group? Work groups only by an App admin; other types by the owner too. */
export function checkCanDissolve(g: GroupState, caller: Caller, actor: Member | undefined): void {
  if (caller.kind === 'admin') return;
  if (policyOf(g.type).dissolve === 'AppAdmin') throw noPermission(`only an App admin may dismiss a ${g.type} group`);
  checkRole(g, caller, actor, 'Owner', 'dismiss the group');
}

/** Does the type let members be muted at all? Work groups do not (10007). */
export function checkTypeAllowsMute(g: GroupState): LeastRole {
  const least = policyOf(g.type).mute;
  if (least === undefined) throw noPermission(`members of a ${g.type} group cannot be muted`);
  return least;
}

/**
 * May `caller` mute `userId` (a member, or in an AVChatRoom anyone)? By the type's mute role, and
 * only someone they outrank: never the owner, admins only plain members.
 */
export function checkCanMute(g: GroupState, caller: Caller, actor: Member | undefined, target: Member | undefined): void {
  const least = checkTypeAllowsMute(g);
  if (target?.role === 'Owner' && caller.kind === 'user') throw noPermission('the owner cannot be muted');
  const m = requireActor(g, caller, actor);
  if (!m) return;
  if (!atLeast(m.role, least) || (target && !outranks(m.role, target.role))) throw noPermission(`${m.userId} may not mute ${target?.userId ?? 'that account'}`);
}

/** May `caller` make `target` an admin or a plain member? Only the owner (or an App admin), in types with admins. */
export function checkCanSetRole(g: GroupState, caller: Caller, actor: Member | undefined, target: Member): void {
  if (!policyOf(g.type).admins) throw noPermission(`${g.type} groups have no admins`);
  if (target.role === 'Owner') throw noPermission("the owner's role cannot be changed; transfer the group instead");
  checkRole(g, caller, actor, 'Owner', 'appoint admins');
}

/**
 * May `caller` change `target`'s member fields (name card, custom data)? Their own always; others'
 * as the owner, or as an admin over plain members.
 */
export function checkCanEditMember(g: GroupState, caller: Caller, actor: Member | undefined, target: Member): void {
  const m = requireActor(g, caller, actor);
  if (!m || m.userId === target.userId) return;
  if (!outranks(m.role, target.role) || m.role === 'Member') throw noPermission(`${m.userId} may not change the member fields of ${target.userId}`);
}

/** May `caller` hand the group to another member? The owner, or an App admin (also to give an ownerless group an owner). */
export function checkCanChangeOwner(g: GroupState, caller: Caller, actor: Member | undefined): void {
  if (!policyOf(g.type).memberList) throw noPermission(`${g.type} groups cannot change owner`);
  checkRole(g, caller, actor, 'Owner', 'transfer the group');
}

/** Targeted receivers (To_Account): at most 50, in the types that allow them. */
export const MAX_TARGETS = 50;
export function checkTargets(g: GroupState, to: readonly string[] | undefined): void {
  if (!to) return;
  if (!policyOf(g.type).targeted) throw noPermission(`${g.type} groups take no messages to some members only (To_Account)`);
  if (to.length === 0 || to.length > MAX_TARGETS) throw imError('GroupInvalidParam', { detail: `To_Account must hold 1 to ${MAX_TARGETS} accounts` });
}

/** Mentions the group's type allows: no @all in an AVChatRoom (spec §3.6). */
export function checkAtInfo(g: GroupState, atInfo: readonly GroupAt[] | undefined): void {
  if (!policyOf(g.type).atAll && atInfo?.some((a) => 'all' in a)) throw imError('GroupInvalidParam', { detail: `a ${g.type} message cannot mention everyone` });
}

/** Unix ms until which `userId` may not speak in the group (0 = not muted); mutes outlive membership. */
export const mutedUntil = (g: GroupState, userId: string): number => g.profile.muted?.[userId] ?? 0;

/** May `sender` post now? Members only (App admins always), not muted, and not while everyone is muted. */
export function checkCanSend(g: GroupState, caller: Caller, sender: Member | undefined, now: number): void {
  if (caller.kind === 'admin') return;
  if (!sender) throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
  if (mutedUntil(g, sender.userId) > now) throw imError('GroupSenderMuted', { userId: sender.userId, groupId: g.groupId });
  if (g.profile.muteAll && sender.role === 'Member') throw imError('GroupSenderMuted', { userId: sender.userId, groupId: g.groupId });
}
