/**
 * Changes of a group as a whole, as the group actor's handlers run them over its state: the base
 * profile (modify_group_base_info), the owner (change_group_owner) and dismissal (destroy_group).
 * Each is stored before it is visible, then announced as the type's policy says.
 */
import type { GroupInfoChanges } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import { makeEvent } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { GroupInfoPatch } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { GROUP_DATA, mergeAppData } from './app-data.ts';
import { type GroupActorState, actingMember } from './group-actor-state.ts';
import { type GroupProfile, type Member, memberToRecord } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import { checkCanChangeOwner, checkCanDissolve, checkCanEditOptions, checkCanEditProfile, checkTakesInvitations } from './group-rules.ts';
import { notifyInboxes } from './notices.ts';
import { announce } from './tips.ts';

/** Byte limits of the base profile's text fields (spec §5.3). */
export const PROFILE_LIMITS = { name: 30, introduction: 240, notification: 300, faceUrl: 100 } as const;

/** The text field refused if over its limit (GroupInvalidParam); a name may not be empty. */
export function checkProfileText(field: keyof typeof PROFILE_LIMITS, v: string): string {
  if (field === 'name' && v === '') throw imError('GroupInvalidParam', { detail: 'Name may not be empty' });
  if (Buffer.byteLength(v) > PROFILE_LIMITS[field]) throw imError('GroupInvalidParam', { detail: `${field} is longer than ${PROFILE_LIMITS[field]} bytes` });
  return v;
}

/** What `patch` really changes in `p` (fields equal to the current value are left out), checked. */
function changesOf(s: GroupActorState, p: GroupProfile, patch: GroupInfoPatch): GroupInfoChanges {
  const changes: { -readonly [K in keyof GroupInfoChanges]: GroupInfoChanges[K] } = {};
  for (const field of ['name', 'introduction', 'notification', 'faceUrl'] as const) {
    const v = patch[field];
    if (v !== undefined && v !== p[field]) changes[field] = checkProfileText(field, v);
  }
  // An AVChatRoom has no member limit to change (Tencent ignores MaxMemberNum there).
  if (patch.maxMemberCount !== undefined && policyOf(s.group.type).memberList && patch.maxMemberCount !== p.maxMemberCount) {
    if (!Number.isInteger(patch.maxMemberCount) || patch.maxMemberCount < 1) throw imError('GroupInvalidParam', { detail: 'MaxMemberNum must be a positive integer' });
    if (patch.maxMemberCount < s.members.size) {
      throw imError('GroupInvalidParam', { detail: `MaxMemberNum ${patch.maxMemberCount} is below the ${s.members.size} members the group has` });
    }
    changes.maxMemberCount = patch.maxMemberCount;
  }
  if (patch.applyJoinOption !== undefined && patch.applyJoinOption !== p.applyJoinOption) changes.applyJoinOption = patch.applyJoinOption;
  if (patch.inviteJoinOption !== undefined && patch.inviteJoinOption !== (p.inviteJoinOption ?? 'FreeAccess')) {
    checkTakesInvitations(s.group.type);
    changes.inviteJoinOption = patch.inviteJoinOption;
  }
  if (patch.muteAll !== undefined && patch.muteAll !== p.muteAll) changes.muteAll = patch.muteAll;
  if (patch.appDefinedData !== undefined && Object.keys(patch.appDefinedData).length > 0) {
    mergeAppData(GROUP_DATA, p.appDefinedData, patch.appDefinedData);
    changes.appDefinedData = patch.appDefinedData;
  }
  return changes;
}

/** Name, introduction, notification and face are announced to members; the other options are not (spec §5.2). */
const ANNOUNCED: readonly (keyof GroupInfoChanges)[] = ['name', 'introduction', 'notification', 'faceUrl'];

/** Fields beyond the base profile, which plain members may not change even where they edit the profile (Work groups). */
const OPTIONS: readonly (keyof GroupInfoPatch)[] = ['maxMemberCount', 'applyJoinOption', 'inviteJoinOption', 'muteAll', 'appDefinedData'];

export async function modifyInfo(im: ImContext, s: GroupActorState, caller: Caller, patch: GroupInfoPatch): Promise<void> {
  const actor = actingMember(s, caller);
  checkCanEditProfile(s.group, caller, actor);
  if (OPTIONS.some((f) => patch[f] !== undefined)) checkCanEditOptions(s.group, caller, actor);
  const p = s.group.profile;
  const changes = changesOf(s, p, patch);
  if (Object.keys(changes).length === 0) return;
  const now = im.now();
  const { appDefinedData, ...plain } = changes;
  const next: GroupProfile = {
    ...p,
    ...plain,
    ...(appDefinedData ? { appDefinedData: mergeAppData(GROUP_DATA, p.appDefinedData, appDefinedData) } : {}),
    infoSeq: p.infoSeq + 1,
    lastInfoTime: now,
  };
  await im.store.groups.updateGroup(s.group.groupId, { profile: JSON.stringify(next) });
  s.group.profile = next;
  const delivery = ANNOUNCED.some((f) => f in changes) ? policyOf(s.group.type).profileTips : 'off';
  await announce(s, { tip: 'info', operator: caller.userId, members: [], changes }, delivery, s.members.keys(), now);
}

/** Hands the group to `newOwner`, a member; the previous owner stays as a plain member. */
export async function changeOwner(im: ImContext, s: GroupActorState, caller: Caller, newOwner: string): Promise<void> {
  checkCanChangeOwner(s.group, caller, actingMember(s, caller));
  const next = s.members.get(newOwner);
  if (!next) throw imError('NotGroupMember', { userId: newOwner, groupId: s.group.groupId });
  const previous = s.group.owner;
  if (previous === newOwner) return;
  const old = s.members.get(previous);
  const changed: Member[] = [{ ...next, role: 'Owner' }, ...(old ? [{ ...old, role: 'Member' as const }] : [])];
  await im.store.groups.putMembers(s.group.groupId, s.group.type, changed.map(memberToRecord));
  await im.store.groups.updateGroup(s.group.groupId, { owner: newOwner });
  for (const m of changed) s.members.set(m.userId, m);
  s.group.owner = newOwner;
  await announce(s, { tip: 'owner', operator: caller.userId, members: [newOwner], previous }, policyOf(s.group.type).profileTips, s.members.keys(), im.now());
}

/**
 * Dismisses the group: the record, members and their user→group rows go in one store write with
 * the `group.destroyed` event, then each member's inbox gets a `group.dismissed` notice.
 */
export async function destroy(im: ImContext, s: GroupActorState, caller: Caller): Promise<void> {
  checkCanDissolve(s.group, caller, actingMember(s, caller));
  const now = im.now();
  const members = [...s.members.keys()];
  const stream = groupStream(s.group.groupId);
  const event = makeEvent('group.destroyed', `${stream}#destroyed:${now}`, stream, now, {
    groupId: s.group.groupId,
    groupType: s.group.type,
    owner: s.group.owner,
    operator: caller.userId,
    name: s.group.profile.name,
    members,
  });
  await im.store.groups.deleteGroup(s.group.groupId, im.events.record(stream, [event]));
  s.stream.publishRecorded([event]);
  const notice = { notice: 'group.dismissed', groupId: s.group.groupId, groupSeq: s.stream.head, operator: caller.userId, time: now } as const;
  // An AVChatRoom's live audience has no member rows (nor inbox notices): it is told live, on the group stream, before it goes with the actor's state.
  if (s.audience.size > 0) s.stream.pushOnline({ kind: 'notice', ...notice }, s.audience.users());
  await notifyInboxes(im, members, notice);
}
