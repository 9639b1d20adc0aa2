/**
 * The group a create command makes, as rules over the group actor's state: its record and initial
 * members before anything is stored, whether an existing group answers a retry, the refusal of a
 * taken id, and the `group.created` event.
 */
import type { GroupRecord } from '../../../storage/store.ts';
import { type ImError, imError } from '../../protocol/errors.ts';
import { type ParleyEvent, makeEvent } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { CreateGroupSpec } from '../actor-api.ts';
import { type ApplyJoinOption, type GroupProfile, type GroupState, type Member, emptyMemberProfile } from './group-model.ts';
import { policyOf } from './group-policy.ts';

/** The record and members of a group about to be created (the owner first, where the type lists members). */
/**
 * `baseSeq` is the group stream's head before the group exists: above 0 only when a dismissed group
 * had this id. Its members start reading after it, so nobody sees the earlier group's messages.
 */
export function newGroup(spec: CreateGroupSpec, time: number, baseSeq = 0): { record: GroupRecord; members: Member[] } {
  // An imported group (import_group) was created, and its initial members joined, at its CreateTime.
  const now = spec.importedAt ?? time;
  const profile: GroupProfile = {
    name: spec.name,
    introduction: spec.introduction,
    notification: spec.notification,
    faceUrl: spec.faceUrl,
    maxMemberCount: spec.maxMemberCount,
    applyJoinOption: spec.applyJoinOption as ApplyJoinOption,
    ...(spec.inviteJoinOption && spec.inviteJoinOption !== 'FreeAccess' ? { inviteJoinOption: spec.inviteJoinOption } : {}),
    muteAll: false,
    appDefinedData: { ...spec.appDefinedData },
    infoSeq: 0,
    lastInfoTime: now,
    lastMsgTime: 0,
    createRequest: spec.requestId,
    ...(baseSeq > 0 ? { baseSeq } : {}),
  };
  const owner = spec.owner && policyOf(spec.type).memberList ? [{ userId: spec.owner, role: 'Owner' as const, appMemberDefinedData: {} }] : [];
  const members = [...owner, ...spec.members].map(
    (m): Member => ({ userId: m.userId, role: m.role, joinedAt: now, joinSeq: baseSeq, profile: { ...emptyMemberProfile(), appMemberDefinedData: { ...m.appMemberDefinedData } } }),
  );
  return { record: { groupId: spec.groupId, type: spec.type, owner: spec.owner, createdAt: now, profile: JSON.stringify(profile) }, members };
}

/** Whether `existing` was made by this very request (a retry whose first answer was lost). */
export const createdBy = (existing: GroupState, spec: CreateGroupSpec): boolean => existing.profile.createRequest === spec.requestId;

/** The refusal of an id in use: 10025 when the caller chose it and already owns that group, else 10021 (always for an import). */
export function idTaken(spec: CreateGroupSpec, owner: string): ImError {
  return spec.importedAt === undefined && spec.idWasChosen && owner !== '' && owner === spec.owner
    ? imError('GroupIdTakenBySelf', { groupId: spec.groupId })
    : imError('GroupIdTaken', { groupId: spec.groupId });
}

export function groupCreatedEvent(spec: CreateGroupSpec, members: readonly Member[], now: number): ParleyEvent {
  return makeEvent('group.created', `g:${spec.groupId}#created`, groupStream(spec.groupId), now, {
    groupId: spec.groupId,
    groupType: spec.type,
    owner: spec.owner,
    operator: spec.operator,
    name: spec.name,
    members: members.map((m) => m.userId),
    appDefinedData: spec.appDefinedData,
    ...(spec.importedAt !== undefined ? { imported: true as const } : {}),
  });
}
