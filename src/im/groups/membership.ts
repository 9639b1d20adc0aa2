/**
 * Member changes, as the group actor's handlers run them over its state: add and remove, and a
 * user's own join and quit; each stored before it is visible, then a tip in the group stream (where
 * the type keeps tips) and a notice in each affected member's inbox.
 */
import type { AddMembersResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { type Member, emptyMemberProfile, memberToRecord } from './group-model.ts';
import { checkCanJoin, checkCanQuit, checkCanRemove, checkTypeAllowsRemoval, inviteMode } from './group-rules.ts';
import { inviteForApproval } from './applications-in-group.ts';
import { imError } from '../../protocol/errors.ts';
import { announce } from './tips.ts';
import { type GroupActorState, actingMember } from './group-actor-state.ts';
import { notifyInboxes } from './notices.ts';
import { policyOf } from './group-policy.ts';

/**
 * `caller` adds (invites) `userIds`: added at once, or — for a plain member where the group's
 * InviteJoinOption is NeedPermission — each recorded as an invitation awaiting the owner or an
 * admin (result 3). The invite callback may refuse some (result 0); members are result 2.
 */
export async function addMembers(im: ImContext, s: GroupActorState, caller: Caller, userIds: readonly string[], silence: boolean): Promise<AddMembersResult> {
  const mode = inviteMode(s.group, caller, actingMember(s, caller));
  let fresh = userIds.filter((u) => !s.members.has(u));
  const decision = await im.hooks.beforeInvite({ caller, groupId: s.group.groupId, groupType: s.group.type, members: fresh });
  if (decision.action === 'reject') throw decision.error;
  const refused = 'refused' in decision ? new Set(decision.refused) : new Set<string>();
  fresh = fresh.filter((u) => !refused.has(u));
  if (s.members.size + fresh.length > s.group.profile.maxMemberCount) {
    throw imError('GroupFull', { groupId: s.group.groupId, max: s.group.profile.maxMemberCount });
  }
  const outcome = (added: 1 | 3): AddMembersResult => ({ results: userIds.map((userId) => ({ userId, result: fresh.includes(userId) ? added : refused.has(userId) ? 0 : 2 })) });
  if (mode === 'approval') {
    await inviteForApproval(im, s, caller.userId, fresh);
    return outcome(3);
  }
  const now = im.now();
  const joinSeq = s.stream.head;
  const added: Member[] = fresh.map((userId) => ({ userId, role: 'Member', joinedAt: now, joinSeq, profile: emptyMemberProfile() }));
  await im.store.groups.putMembers(s.group.groupId, s.group.type, added.map(memberToRecord));
  for (const m of added) s.members.set(m.userId, m);
  if (added.length > 0) {
    if (!silence) await announce(s, { tip: 'join', operator: caller.userId, members: fresh }, policyOf(s.group.type).memberTips, s.members.keys(), now);
    await notifyInboxes(im, fresh, { notice: 'group.joined', groupId: s.group.groupId, groupSeq: joinSeq, operator: caller.userId, time: now });
  }
  return outcome(1);
}

export async function removeMembers(im: ImContext, s: GroupActorState, caller: Caller, userIds: readonly string[], silence: boolean, reason: string): Promise<void> {
  checkTypeAllowsRemoval(s.group);
  const actor = actingMember(s, caller);
  const targets = userIds.map((u) => s.members.get(u)).filter((m): m is Member => m !== undefined);
  for (const t of targets) checkCanRemove(s.group, caller, actor, t);
  if (targets.length === 0) return;
  const gone = targets.map((t) => t.userId);
  await im.store.groups.removeMembers(s.group.groupId, gone);
  const audience = [...s.members.keys()];
  for (const u of gone) s.members.delete(u);
  if (!silence) await announce(s, { tip: 'kick', operator: caller.userId, members: gone, ...(reason ? { reason } : {}) }, policyOf(s.group.type).memberTips, audience, im.now());
  await notifyInboxes(im, gone, { notice: 'group.left', groupId: s.group.groupId, groupSeq: s.stream.head, operator: caller.userId, time: im.now() });
}

/** `userId` joins by themself where nobody need approve (checkCanJoin), as a plain member reading from now on. */
export async function join(im: ImContext, s: GroupActorState, userId: string): Promise<void> {
  checkCanJoin(s.group, userId, s.members.get(userId), s.members.size);
  const now = im.now();
  const joinSeq = s.stream.head;
  const member: Member = { userId, role: 'Member', joinedAt: now, joinSeq, profile: emptyMemberProfile() };
  await im.store.groups.putMembers(s.group.groupId, s.group.type, [memberToRecord(member)]);
  s.members.set(userId, member);
  await announce(s, { tip: 'join', operator: userId, members: [userId] }, policyOf(s.group.type).memberTips, s.members.keys(), now);
  await notifyInboxes(im, [userId], { notice: 'group.joined', groupId: s.group.groupId, groupSeq: joinSeq, operator: userId, time: now });
}

/**
 * `userId` leaves by themself (checkCanQuit). An owner who may quit leaves the group ownerless; the
 * owner is cleared first, so a crash in between leaves a quit that a retry completes.
 */
export async function quit(im: ImContext, s: GroupActorState, userId: string): Promise<void> {
  const member = s.members.get(userId);
  checkCanQuit(s.group, userId, member);
  if (s.group.owner === userId) {
    await im.store.groups.updateGroup(s.group.groupId, { owner: '' });
    s.group.owner = '';
  }
  const audience = [...s.members.keys()];
  await im.store.groups.removeMembers(s.group.groupId, [userId]);
  s.members.delete(userId);
  const now = im.now();
  await announce(s, { tip: 'quit', operator: userId, members: [userId] }, policyOf(s.group.type).memberTips, audience, now);
  await notifyInboxes(im, [userId], { notice: 'group.left', groupId: s.group.groupId, groupSeq: s.stream.head, operator: userId, time: now });
}
