/**
 * Changes of and reads over members, as the group actor's handlers run them over its state: member
 * fields and roles (modify_group_member_info), mutes (forbid_send_msg, kept with the group so they
 * outlive membership), and the member pages and role lookups answered from the actor's memory.
 */
import { imError } from '../../protocol/errors.ts';
import { type MemberChanges, makeEvent } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { MemberPage, MemberPageQuery, MemberPatch } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import { MEMBER_DATA, mergeAppData } from './app-data.ts';
import { type GroupActorState, actingMember } from './group-actor-state.ts';
import { type GroupProfile, type Member, memberToRecord } from './group-model.ts';
import type { MemberRole } from './group-types.ts';
import { policyOf } from './group-policy.ts';
import { checkCanEditMember, checkCanMute, checkCanSetRole, checkTypeAllowsMute } from './group-rules.ts';
import { announce } from './tips.ts';
import { randomUUID } from 'node:crypto';

/** MuteTime 4294967295 (u32 max) mutes for ever: until the largest Unix second Tencent reports. */
export const MUTE_FOREVER_S = 0xffff_ffff;
export const MAX_NAME_CARD_BYTES = 50;

/** Unix ms a mute of `seconds` lasts until; 0 unmutes. */
export const muteUntilOf = (seconds: number, now: number): number =>
  seconds === 0 ? 0 : seconds >= MUTE_FOREVER_S ? MUTE_FOREVER_S * 1000 : now + seconds * 1000;

/** The group's mute map with `userIds` set to `until` (0 removes) and expired entries dropped. */
function withMutes(p: GroupProfile, userIds: readonly string[], until: number, now: number): Record<string, number> {
  const next = new Map(Object.entries(p.muted ?? {}).filter(([, u]) => u > now));
  for (const u of userIds) {
    if (until > now) next.set(u, until);
    else next.delete(u);
  }
  return Object.fromEntries(next);
}

async function storeMutes(im: ImContext, s: GroupActorState, userIds: readonly string[], until: number, now: number): Promise<void> {
  const profile: GroupProfile = { ...s.group.profile, muted: withMutes(s.group.profile, userIds, until, now) };
  await im.store.groups.updateGroup(s.group.groupId, { profile: JSON.stringify(profile) });
  s.group.profile = profile;
}

/** forbid_send_msg: mutes (or with 0 unmutes) members — in an AVChatRoom anyone — for `seconds`. */
export async function mute(im: ImContext, s: GroupActorState, caller: Caller, userIds: readonly string[], seconds: number): Promise<void> {
  checkTypeAllowsMute(s.group);
  const actor = actingMember(s, caller);
  const keepsMembers = policyOf(s.group.type).memberList;
  const targets = keepsMembers ? userIds.filter((u) => s.members.has(u)) : [...userIds];
  if (targets.length === 0) throw imError('NotGroupMember', { userId: userIds.join(', '), groupId: s.group.groupId });
  for (const u of targets) checkCanMute(s.group, caller, actor, s.members.get(u));
  const now = im.now();
  const until = muteUntilOf(seconds, now);
  await storeMutes(im, s, targets, until, now);
  await announce(s, { tip: 'mute', operator: caller.userId, members: targets, until }, policyOf(s.group.type).profileTips, s.members.keys(), now);
}

/** Accounts muted now; a user asks as a member (in an AVChatRoom, as its owner). */
export function mutedNow(s: GroupActorState, caller: Caller, now: number): { userId: string; until: number }[] {
  if (caller.kind === 'user' && !actingMember(s, caller)) throw imError('NotGroupMember', { userId: caller.userId, groupId: s.group.groupId });
  return Object.entries(s.group.profile.muted ?? {})
    .filter(([, until]) => until > now)
    .map(([userId, until]) => ({ userId, until }));
}

function checkPatch(s: GroupActorState, patch: MemberPatch): void {
  if (patch.nameCard !== undefined && Buffer.byteLength(patch.nameCard) > MAX_NAME_CARD_BYTES) {
    throw imError('GroupInvalidParam', { detail: `NameCard is longer than ${MAX_NAME_CARD_BYTES} bytes` });
  }
  if (patch.appMemberDefinedData && !policyOf(s.group.type).memberFields) {
    throw imError('GroupNoPermission', { detail: `${s.group.type} groups keep no member custom fields` });
  }
}

/**
 * modify_group_member_info: role (by the owner), mute (by the type's mute role), message flag (the
 * member's own, or an App admin's), name card and custom fields (own, or by someone who outranks).
 */
export async function modifyMember(im: ImContext, s: GroupActorState, caller: Caller, userId: string, patch: MemberPatch): Promise<void> {
  const target = s.members.get(userId);
  if (!target) throw imError('NotGroupMember', { userId, groupId: s.group.groupId });
  checkPatch(s, patch);
  const actor = actingMember(s, caller);
  if (patch.role !== undefined && patch.role !== target.role) checkCanSetRole(s.group, caller, actor, target);
  if (patch.muteS !== undefined) checkCanMute(s.group, caller, actor, target);
  if (patch.msgFlag !== undefined && caller.kind === 'user' && caller.userId !== userId) {
    throw imError('GroupNoPermission', { detail: 'a member sets only their own message flag' });
  }
  if (patch.nameCard !== undefined || patch.appMemberDefinedData !== undefined) checkCanEditMember(s.group, caller, actor, target);
  const changes: { -readonly [K in keyof MemberChanges]: MemberChanges[K] } = {};
  const profile = { ...target.profile };
  if (patch.nameCard !== undefined && patch.nameCard !== profile.nameCard) profile.nameCard = changes.nameCard = patch.nameCard;
  if (patch.msgFlag !== undefined && patch.msgFlag !== profile.msgFlag) profile.msgFlag = changes.msgFlag = patch.msgFlag;
  if (patch.appMemberDefinedData && Object.keys(patch.appMemberDefinedData).length > 0) {
    profile.appMemberDefinedData = mergeAppData(MEMBER_DATA, profile.appMemberDefinedData, patch.appMemberDefinedData);
    changes.appMemberDefinedData = patch.appMemberDefinedData;
  }
  const role: MemberRole = patch.role ?? target.role;
  const now = im.now();
  if (role !== target.role || Object.keys(changes).length > 0) {
    const next: Member = { ...target, role, profile };
    await im.store.groups.putMembers(s.group.groupId, s.group.type, [memberToRecord(next)]);
    s.members.set(userId, next);
  }
  if (patch.muteS !== undefined) {
    const until = muteUntilOf(patch.muteS, now);
    await storeMutes(im, s, [userId], until, now);
    await announce(s, { tip: 'mute', operator: caller.userId, members: [userId], until }, policyOf(s.group.type).profileTips, s.members.keys(), now);
  }
  if (role !== target.role) {
    await announce(s, { tip: 'role', operator: caller.userId, members: [userId], role: role === 'Admin' ? 'Admin' : 'Member' }, policyOf(s.group.type).profileTips, s.members.keys(), now);
  }
  if (Object.keys(changes).length > 0) await emitMemberChange(s, caller, userId, changes, now);
}

/** Member fields without a tip of their own (name card, message flag, custom fields) still have their event. */
async function emitMemberChange(s: GroupActorState, caller: Caller, userId: string, changes: MemberChanges, now: number): Promise<void> {
  const stream = groupStream(s.group.groupId);
  const data = { groupId: s.group.groupId, groupType: s.group.type, seq: 0, operator: caller.userId, members: [userId], changes };
  await s.stream.emit([makeEvent('group.members_changed', `${stream}#member:${now}:${randomUUID()}`, stream, now, data)]);
}

/** A page of members in the order they are kept (the owner first), optionally of some roles. */
export function memberPage(s: GroupActorState, caller: Caller, q: MemberPageQuery): MemberPage {
  if (!policyOf(s.group.type).memberList) throw imError('GroupNoPermission', { detail: `${s.group.type} groups keep no member list` });
  if (caller.kind === 'user' && !s.members.has(caller.userId)) throw imError('NotGroupMember', { userId: caller.userId, groupId: s.group.groupId });
  const all = [...s.members.values()];
  const matching = q.roles ? all.filter((m) => q.roles?.includes(m.role)) : all;
  const members = matching.slice(q.offset, q.offset + q.limit);
  const end = q.offset + members.length;
  return { total: all.length, members, muted: s.group.profile.muted ?? {}, next: end < matching.length ? end : 0 };
}

export function rolesOf(s: GroupActorState, userIds: readonly string[]): { userId: string; role: MemberRole | 'NotMember' }[] {
  return userIds.map((userId) => ({ userId, role: s.members.get(userId)?.role ?? 'NotMember' }));
}
