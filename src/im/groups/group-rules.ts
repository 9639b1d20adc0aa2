/** Who may do what in a group (spec §5.2): pure functions over group state, used by the group actor. */
import { imError } from '../../protocol/errors.ts';
import type { Caller } from '../caller.ts';
import type { GroupAt } from '../../protocol/entries.ts';
import type { GroupState, Member } from './group-model.ts';
import { TYPE_RULES } from './group-model.ts';

/** May `caller` add `count` members? Work groups let any member invite; other types need owner/admin. */
export function checkCanAddMembers(g: GroupState, caller: Caller, actor: Member | undefined): void {
  if (!TYPE_RULES[g.type].memberList) {
    throw imError('GroupNoPermission', { detail: `${g.type} groups have no member list; members join from the client` });
  }
  if (caller.kind === 'admin') return;
  if (!actor) throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
  if (TYPE_RULES[g.type].invitedBy === 'member') return;
  if (actor.role === 'Member') throw imError('GroupNoPermission', { detail: `only the owner or an admin may add members to a ${g.type} group` });
}

/** Does the group's type let anyone be removed? AVChatRoom does not (10004, whoever is named, members or not). */
export function checkTypeAllowsRemoval(g: GroupState): void {
  if (!TYPE_RULES[g.type].memberList) throw imError('GroupInvalidParam', { detail: `${g.type} members cannot be removed; mute them instead` });
}

/** May `caller` remove `target`? Owner removes anyone but itself; admins remove plain members. */
export function checkCanRemove(g: GroupState, caller: Caller, actor: Member | undefined, target: Member): void {
  checkTypeAllowsRemoval(g);
  if (target.role === 'Owner') throw imError('GroupNoPermission', { detail: 'the owner cannot be removed' });
  if (caller.kind === 'admin') return;
  if (!actor) throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
  if (actor.role === 'Owner') return;
  if (actor.role === 'Admin' && target.role === 'Member' && TYPE_RULES[g.type].admins) return;
  throw imError('GroupNoPermission', { detail: `${caller.userId} may not remove ${target.userId}` });
}

/** Mentions the group's type allows: no @all in an AVChatRoom (spec §3.6). */
export function checkAtInfo(g: GroupState, atInfo: readonly GroupAt[] | undefined): void {
  if (!TYPE_RULES[g.type].atAll && atInfo?.some((a) => 'all' in a)) throw imError('GroupInvalidParam', { detail: `a ${g.type} message cannot mention everyone` });
}

/** May `sender` post now? Members only (App admins always), not muted, and not while everyone is muted. */
export function checkCanSend(g: GroupState, caller: Caller, sender: Member | undefined, now: number): void {
  if (caller.kind === 'admin') return;
  if (!sender) throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
  if (sender.profile.muteUntil > now) throw imError('GroupSenderMuted', { userId: sender.userId, groupId: g.groupId });
  if (g.profile.muteAll && sender.role === 'Member') throw imError('GroupSenderMuted', { userId: sender.userId, groupId: g.groupId });
}
