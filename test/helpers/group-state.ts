/** Group state for the unit tests of group rules: a group of a type, its members and callers. */
import type { Caller } from '../../src/im/caller.ts';
import { type GroupProfile, type GroupState, type Member, emptyMemberProfile } from '../../src/im/groups/group-model.ts';
import type { GroupType, MemberRole } from '../../src/im/groups/group-types.ts';

/** Group `g` of `type`, owned by `owner`, with a NeedPermission profile of 100 members unless `profile` says otherwise. */
export const groupOf = (type: GroupType, profile: Partial<GroupProfile> = {}): GroupState => ({
  groupId: 'g',
  type,
  owner: 'owner',
  createdAt: 0,
  profile: { name: 'g', introduction: '', notification: '', faceUrl: '', maxMemberCount: 100, applyJoinOption: 'NeedPermission', muteAll: false, appDefinedData: {}, infoSeq: 0, lastInfoTime: 0, lastMsgTime: 0, ...profile },
});
export const memberOf = (userId: string, role: MemberRole): Member => ({ userId, role, joinedAt: 0, joinSeq: 0, profile: emptyMemberProfile() });
export const userCaller = (userId: string): Caller => ({ kind: 'user', userId, platform: 'Web' });
export const adminCaller: Caller = { kind: 'admin', userId: 'administrator' };
