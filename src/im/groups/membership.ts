/**
 * Member changes, as the group actor's handlers run them over its state: add and remove, each
 * stored before it is visible, then a tip in the group stream (where the type keeps tips) and a
 * notice in each affected member's inbox.
 */
import type { AddMembersResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { type GroupState, type Member, emptyMemberProfile, memberToRecord } from './group-model.ts';
import { checkCanAddMembers, checkCanRemove, checkTypeAllowsRemoval } from './group-rules.ts';
import { imError } from '../../protocol/errors.ts';
import { announce } from './tips.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { notifyInboxes } from './notices.ts';
import { policyOf } from './group-policy.ts';

const operatorMember = (s: GroupActorState, caller: Caller): Member | undefined =>
  caller.kind === 'user' ? s.members.get(caller.userId) : undefined;

export async function addMembers(im: ImContext, s: GroupActorState, caller: Caller, userIds: readonly string[], silence: boolean): Promise<AddMembersResult> {
  checkCanAddMembers(s.group, caller, operatorMember(s, caller));
  let fresh = userIds.filter((u) => !s.members.has(u));
  const decision = await im.hooks.beforeInvite({ caller, groupId: s.group.groupId, groupType: s.group.type, members: fresh });
  if (decision.action === 'reject') throw decision.error;
  const refused = 'refused' in decision ? new Set(decision.refused) : new Set<string>();
  fresh = fresh.filter((u) => !refused.has(u));
  if (s.members.size + fresh.length > s.group.profile.maxMemberCount) {
    throw imError('GroupFull', { groupId: s.group.groupId, max: s.group.profile.maxMemberCount });
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
  return { results: userIds.map((userId) => ({ userId, result: fresh.includes(userId) ? 1 : refused.has(userId) ? 0 : 2 })) };
}

export async function removeMembers(im: ImContext, s: GroupActorState, caller: Caller, userIds: readonly string[], silence: boolean, reason: string): Promise<void> {
  checkTypeAllowsRemoval(s.group);
  const actor = operatorMember(s, caller);
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
