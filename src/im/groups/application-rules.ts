/**
 * Applications to join a group that needs approval (spec §5.2: Public groups, by their owner or an
 * admin): pure rules over group state — whether a join becomes an application, who may apply and
 * who may decide, and how a stored application reads for a user (Tencent's V2TIMGroupApplication).
 */
import type { GroupApplication } from '../../protocol/client-ops.ts';
import { imError } from '../../protocol/errors.ts';
import type { AccountRecord, GroupApplicationRecord } from '../../../storage/store.ts';
import type { Caller } from '../caller.ts';
import type { GroupState, Member } from './group-model.ts';
import { atLeast, policyOf } from './group-policy.ts';

/** Longest application or decision message, bytes (Tencent states none; this bounds what the store keeps). */
export const MAX_APPLICATION_MSG_BYTES = 1024;

/** Does a user's join need the approval of the owner or an admin (the type asks for it and the group is NeedPermission)? */
export function needsApproval(g: GroupState): boolean {
  return policyOf(g.type).memberList && policyOf(g.type).apply === 'approval' && g.profile.applyJoinOption === 'NeedPermission';
}

/** May `userId` apply to join? Only a non-member, where approval is needed (`needsApproval`), while the group has room. */
export function checkCanApply(g: GroupState, userId: string, member: Member | undefined, size: number): void {
  if (member) throw imError('GroupAlreadyMember', { userId, groupId: g.groupId });
  if (!needsApproval(g)) throw imError('GroupNoPermission', { detail: `group ${g.groupId} takes no applications to join` });
  if (size >= g.profile.maxMemberCount) throw imError('GroupFull', { groupId: g.groupId, max: g.profile.maxMemberCount });
}

/** Refuses (10004) a message longer than MAX_APPLICATION_MSG_BYTES. */
export function checkApplicationMessage(message: string): void {
  const size = Buffer.byteLength(message);
  if (size > MAX_APPLICATION_MSG_BYTES) throw imError('GroupInvalidParam', { detail: `the application message is ${size} bytes, at most ${MAX_APPLICATION_MSG_BYTES} are allowed` });
}

/** May `caller` accept or refuse applications to the group? Its owner or an admin, or an App admin. */
export function checkCanDecide(g: GroupState, caller: Caller, actor: Member | undefined): void {
  if (caller.kind === 'admin') return;
  if (!actor) throw imError('NotGroupMember', { userId: caller.userId, groupId: g.groupId });
  if (!atLeast(actor.role, 'Admin')) throw imError('GroupNoPermission', { detail: `only the owner or an admin may decide applications to group ${g.groupId}` });
}

/** The application to decide: it must exist (10004) and be pending (10024). */
export function checkDecidable(g: GroupState, applicant: string, app: GroupApplicationRecord | undefined): GroupApplicationRecord {
  if (!app) throw imError('GroupApplicationNotFound', { userId: applicant, groupId: g.groupId });
  if (app.state !== 'pending') throw imError('GroupApplicationHandled', { userId: applicant, groupId: g.groupId, state: app.state });
  return app;
}

/** Who must see a new application: the owner and the admins (the applicant sees their own too, indexed by the store). */
export function managersOf(g: GroupState, members: Iterable<Member>): string[] {
  const admins = [...members].filter((m) => m.role === 'Admin').map((m) => m.userId);
  return [...new Set([...(g.owner ? [g.owner] : []), ...admins])];
}

/** Who sent an application: the inviter of an invitation, else the applicant. */
export const senderOf = (a: GroupApplicationRecord): string => a.inviter || a.applicant;

/**
 * A stored application as `viewer` sees it, in Tencent's V2TIMGroupApplication terms: from its
 * sender (`sender` is their account), type 0 for a request to join and 2 for an invitation awaiting
 * the owner or an admin (`toUser` the invitee); handleStatus 0 while pending, 2 when the viewer
 * decided it, 1 when someone else did (always 1 for the sender).
 */
export function applicationView(a: GroupApplicationRecord, viewer: string, sender: AccountRecord | undefined): GroupApplication {
  const handleStatus = a.state === 'pending' ? 0 : a.handler === viewer ? 2 : 1;
  return {
    groupId: a.groupId,
    groupType: a.groupType,
    applicant: a.applicant,
    fromUser: senderOf(a),
    fromUserNickName: sender?.nick ?? '',
    fromUserFaceUrl: sender?.faceUrl ?? '',
    toUser: a.inviter ? a.applicant : '',
    addTime: a.time,
    requestMsg: a.message,
    handledMsg: a.handledMessage,
    type: a.inviter ? 2 : 0,
    handleStatus,
    handleResult: a.state === 'accepted' ? 1 : 0,
    handler: a.handler,
    handledAt: a.handledAt,
    sent: senderOf(a) === viewer,
  };
}
