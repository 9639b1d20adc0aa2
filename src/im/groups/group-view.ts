/**
 * A group as a user sees it (client `group.info`), from the group actor's state: the profile and the
 * member count, never the member list; members also see the notification, the custom fields and
 * their own membership, others (where the type is findable by id) only the public part.
 */
import type { GroupView } from '../../protocol/client-ops.ts';
import type { Caller } from '../caller.ts';
import { type GroupActorState, actingMember } from './group-actor-state.ts';
import { checkCanView, mutedUntil } from './group-rules.ts';

export function viewOf(s: GroupActorState, caller: Caller): GroupView {
  const me = actingMember(s, caller);
  checkCanView(s.group, caller, me);
  const g = s.group;
  const p = g.profile;
  const view: GroupView = {
    groupId: g.groupId,
    type: g.type,
    owner: g.owner,
    createdAt: g.createdAt,
    name: p.name,
    introduction: p.introduction,
    faceUrl: p.faceUrl,
    maxMemberCount: p.maxMemberCount,
    memberNum: s.members.size,
    applyJoinOption: p.applyJoinOption,
    inviteJoinOption: p.inviteJoinOption ?? 'FreeAccess',
    muteAll: p.muteAll,
    nextMsgSeq: s.stream.head + 1,
    lastInfoTime: p.lastInfoTime,
    lastMsgTime: p.lastMsgTime,
  };
  if (caller.kind === 'user' && !me) return view;
  const self = me && { role: me.role, joinedAt: me.joinedAt, msgFlag: me.profile.msgFlag, nameCard: me.profile.nameCard, muteUntil: mutedUntil(g, me.userId) };
  return { ...view, notification: p.notification, appDefinedData: { ...p.appDefinedData }, ...(self ? { self } : {}) };
}
