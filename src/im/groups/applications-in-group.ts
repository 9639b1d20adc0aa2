/**
 * Applications to join, as the group actor's change handlers run them over its state: a user
 * applies (the before-apply callback, then a durable application and a `group.application` notice
 * to the owner and admins), or a plain member invites where invitations need approval (a durable
 * invitation and a `group.invitation` notice to them); the owner or an admin accepts (the applicant
 * or invitee becomes a member, with a 'join' tip whose join type is Apply or Invited) or refuses
 * it, the applicant (or the inviter) told in their inbox. A decision stays listed for
 * `ImLimits.applicationKeepS`.
 */
import type { ApplicationDecision, GroupApplicationRecord } from '../../../storage/store.ts';
import { imError } from '../../protocol/errors.ts';
import type { JoinResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { checkApplicationMessage, checkCanApply, checkCanDecide, checkDecidable, managersOf } from './application-rules.ts';
import { type GroupActorState, actingMember } from './group-actor-state.ts';
import { type Member, emptyMemberProfile, memberToRecord } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import { notifyInboxes } from './notices.ts';
import { announce } from './tips.ts';

/**
 * `caller` applies to join with `message` (checkCanApply). Applying again while pending replaces the
 * message (and time) of the one application, and tells the managers again; after a decision it
 * starts a new one.
 */
export async function apply(im: ImContext, s: GroupActorState, caller: Caller, message: string): Promise<JoinResult> {
  const g = s.group;
  const applicant = caller.userId;
  checkCanApply(g, applicant, s.members.get(applicant), s.members.size);
  checkApplicationMessage(message);
  const decision = await im.hooks.beforeApplyJoin({ caller, groupId: g.groupId, groupType: g.type });
  if (decision.action === 'reject') throw decision.error;
  const now = im.now();
  const app: GroupApplicationRecord = { groupId: g.groupId, groupType: g.type, applicant, inviter: '', message, time: now, state: 'pending', handler: '', handledMessage: '', handledAt: 0 };
  const managers = managersOf(g, s.members.values());
  await im.store.groups.putApplication(app, managers);
  await notifyInboxes(im, managers, { notice: 'group.application', groupId: g.groupId, groupSeq: s.stream.head, operator: applicant, applicant, message, time: now });
  return { audience: false, pending: true };
}

/**
 * `inviter` (a plain member, where the group's InviteJoinOption is NeedPermission) invites
 * `invitees` (none of them members; the invite callback has run): each becomes an invitation
 * awaiting the owner or an admin — replacing any application of theirs to the group — and the
 * managers get a `group.invitation` notice per invitee. The invitees learn nothing until accepted.
 */
export async function inviteForApproval(im: ImContext, s: GroupActorState, inviter: string, invitees: readonly string[]): Promise<void> {
  const g = s.group;
  const now = im.now();
  const managers = managersOf(g, s.members.values());
  for (const applicant of invitees) {
    const app: GroupApplicationRecord = { groupId: g.groupId, groupType: g.type, applicant, inviter, message: '', time: now, state: 'pending', handler: '', handledMessage: '', handledAt: 0 };
    await im.store.groups.putApplication(app, managers);
    await notifyInboxes(im, managers, { notice: 'group.invitation', groupId: g.groupId, groupSeq: s.stream.head, operator: inviter, applicant, message: '', time: now });
  }
}

/** How long a decided application stays listed, when ImLimits.applicationKeepS is absent: 7 days. */
const DEFAULT_KEEP_S = 7 * 86_400;

/**
 * The owner, an admin or an App admin accepts (`accept`) or refuses the pending application (or
 * invitation) of `applicant` (10024 once decided). Accepting a full group fails with 10014 and
 * leaves it pending. The member row is stored before the decision, so a crash in between leaves a
 * member whose application a retry decides; a decision lost to another actor takes the row back.
 * The applicant of an application is told of the decision; for an invitation its inviter is, and
 * the invitee only learns they joined.
 */
export async function decide(im: ImContext, s: GroupActorState, caller: Caller, applicant: string, accept: boolean, message: string): Promise<void> {
  const g = s.group;
  checkCanDecide(g, caller, actingMember(s, caller));
  checkApplicationMessage(message);
  const { inviter } = checkDecidable(g, applicant, await im.store.groups.getApplication(g.groupId, applicant));
  const now = im.now();
  const keepUntil = now + (im.limits.applicationKeepS ?? DEFAULT_KEEP_S) * 1000;
  const d: ApplicationDecision = { state: accept ? 'accepted' : 'refused', handler: caller.userId, handledMessage: message, handledAt: now, keepUntil };
  const notice = { groupId: g.groupId, operator: caller.userId, applicant, message, time: now };
  const told = inviter || applicant;
  const kind = inviter ? 'group.invitation' : 'group.application';
  if (!accept) {
    await storeDecision(im, s, applicant, d);
    await notifyInboxes(im, [told], { ...notice, notice: `${kind}.refused`, groupSeq: s.stream.head });
    return;
  }
  const fresh = !s.members.has(applicant);
  if (fresh && s.members.size >= g.profile.maxMemberCount) throw imError('GroupFull', { groupId: g.groupId, max: g.profile.maxMemberCount });
  const joinSeq = s.stream.head;
  const member: Member = { userId: applicant, role: 'Member', joinedAt: now, joinSeq, profile: emptyMemberProfile() };
  if (fresh) await im.store.groups.putMembers(g.groupId, g.type, [memberToRecord(member)]);
  try {
    await storeDecision(im, s, applicant, d);
  } catch (e) {
    if (fresh) await im.store.groups.removeMembers(g.groupId, [applicant]);
    throw e;
  }
  if (fresh) {
    s.members.set(applicant, member);
    const joined = inviter ? { operator: inviter, joinType: 'Invited' as const } : { operator: caller.userId, joinType: 'Apply' as const };
    await announce(s, { tip: 'join', members: [applicant], ...joined }, policyOf(g.type).memberTips, s.members.keys(), now);
    await notifyInboxes(im, [applicant], { notice: 'group.joined', groupId: g.groupId, groupSeq: joinSeq, operator: joined.operator, time: now });
  }
  await notifyInboxes(im, [told], { ...notice, notice: `${kind}.accepted`, groupSeq: joinSeq });
}

/** Stores the decision, or 10024 when the application was decided meanwhile (by another actor of the group). */
async function storeDecision(im: ImContext, s: GroupActorState, applicant: string, d: ApplicationDecision): Promise<void> {
  if (await im.store.groups.decideApplication(s.group.groupId, applicant, d)) return;
  throw imError('GroupApplicationHandled', { userId: applicant, groupId: s.group.groupId, state: 'decided meanwhile' });
}
