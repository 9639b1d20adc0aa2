/**
 * SDK calls for applications to join groups, as Tencent's client SDK offers them (joinGroup with a
 * message, getGroupApplicationList, setGroupApplicationRead, accept/refuseGroupApplication): plain
 * functions over a logged-in ParleyClient. Managers also learn of new applications live, as
 * `group.application` inbox notices; applicants as `group.application.accepted` / `.refused`.
 */
import {
  type GroupApplication,
  type GroupApplicationsArgs,
  type GroupApplicationsResult,
  type JoinGroupResult,
  Op,
} from '../protocol/client-ops.ts';
import { errors } from '../protocol/errors.ts';
import { isValidGroupId, isValidUserId } from '../protocol/ids.ts';
import { type ParleyClient, ParleyError } from './parley-client.ts';

export type { GroupApplication, GroupApplicationsResult };

/** Rejects ids the wire's UTF-8 would turn into look-alikes before the server saw them. */
function checkIds(groupId: string, userId?: string): ParleyError | undefined {
  if (!isValidGroupId(groupId)) return new ParleyError(errors.GroupIdInvalid.code, `groupId: ${JSON.stringify(groupId)} is not a group id (1 to 48 bytes of printable ASCII)`);
  if (userId !== undefined && !isValidUserId(userId)) return new ParleyError(errors.ClientBadRequest.code, `${JSON.stringify(userId)} is not a UserID (1 to 32 bytes of well-formed text)`);
  return undefined;
}

/**
 * Joins `groupId`, applying with `message` where the group needs approval (a NeedPermission Public
 * group): the answer then has `pending: true`, and the owner and admins are told. Applying again
 * while pending replaces the message. Refused with 10007 where applications are not taken
 * (DisableApply, Work groups), 10013 for a member, 10014 when full, 10016 (or the app's code) when
 * the app server's Group.CallbackBeforeApplyJoinGroup vetoes it.
 */
export function applyToJoinGroup(client: ParleyClient, groupId: string, message = ''): Promise<JoinGroupResult> {
  const bad = checkIds(groupId);
  return bad ? Promise.reject(bad) : client.call(Op.JoinGroup, { groupId, message });
}

/** A page of the applications the user sees: to groups they manage (received) and their own (sent); newest first. */
export function groupApplications(client: ParleyClient, opts: GroupApplicationsArgs = {}): Promise<GroupApplicationsResult> {
  return client.call(Op.GroupApplications, opts);
}

/** Marks the application list read up to `upTo` (Unix ms; the server's now when absent); kept on the server, never moved back. */
export function markGroupApplicationsRead(client: ParleyClient, upTo?: number): Promise<void> {
  return client.call(Op.ReadGroupApplications, upTo === undefined ? {} : { upTo });
}

/**
 * Accepts `applicant`'s application, or the invitation of `applicant` (GroupApplication.applicant),
 * as the owner or an admin: they become a member. 10024 if it was already decided.
 */
export function acceptGroupApplication(client: ParleyClient, groupId: string, applicant: string, message?: string): Promise<void> {
  const bad = checkIds(groupId, applicant);
  return bad ? Promise.reject(bad) : client.call(Op.AcceptGroupApplication, { groupId, applicant, message });
}

/** Refuses `applicant`'s application or invitation (the owner or an admin); the applicant (or the inviter) is told, with `message`. 10024 if it was already decided. */
export function refuseGroupApplication(client: ParleyClient, groupId: string, applicant: string, message?: string): Promise<void> {
  const bad = checkIds(groupId, applicant);
  return bad ? Promise.reject(bad) : client.call(Op.RefuseGroupApplication, { groupId, applicant, message });
}
