/** The group a create command makes: its record and initial members, before anything is stored. */
import type { GroupRecord } from '../../../storage/store.ts';
import type { CreateGroupSpec } from '../actor-api.ts';
import { type ApplyJoinOption, type GroupProfile, type Member, TYPE_RULES, emptyMemberProfile } from './group-model.ts';

/** The record and members of a group about to be created (the owner first, where the type lists members). */
export function newGroup(spec: CreateGroupSpec, now: number): { record: GroupRecord; members: Member[] } {
  const profile: GroupProfile = {
    name: spec.name,
    introduction: spec.introduction,
    notification: spec.notification,
    faceUrl: spec.faceUrl,
    maxMemberCount: spec.maxMemberCount,
    applyJoinOption: spec.applyJoinOption as ApplyJoinOption,
    muteAll: false,
    appDefinedData: { ...spec.appDefinedData },
    infoSeq: 0,
    lastInfoTime: now,
    lastMsgTime: 0,
    createRequest: spec.requestId,
  };
  const owner = spec.owner && TYPE_RULES[spec.type].memberList ? [{ userId: spec.owner, role: 'Owner' as const, appMemberDefinedData: {} }] : [];
  const members = [...owner, ...spec.members].map(
    (m): Member => ({ userId: m.userId, role: m.role, joinedAt: now, joinSeq: 0, profile: { ...emptyMemberProfile(), appMemberDefinedData: { ...m.appMemberDefinedData } } }),
  );
  return { record: { groupId: spec.groupId, type: spec.type, owner: spec.owner, createdAt: now, profile: JSON.stringify(profile) }, members };
}
