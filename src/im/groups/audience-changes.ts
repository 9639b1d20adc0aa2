/**
 * AVChatRoom audiences, as the group actor's handlers run them over its state (audience.ts): a user
 * joins and quits from the client, leaves when their last device goes offline, sends as an audience
 * member, and the joins and leaves are announced in batches — a live tip to the audience (the type's
 * member tips are live-only) and a `group.audience_joined` / `group.audience_left` event.
 */
import { randomUUID } from 'node:crypto';
import type { GroupMemberTip } from '../../protocol/entries.ts';
import { imError } from '../../protocol/errors.ts';
import { type ParleyEvent, makeEvent } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { JoinResult } from '../actor-api.ts';
import type { Caller } from '../caller.ts';
import type { ImContext } from '../context.ts';
import type { AudienceLeaveReason } from './audience.ts';
import { type GroupActorState, actingMember } from './group-actor-state.ts';
import { type Member, emptyMemberProfile } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import { join, quit } from './membership.ts';

/** Batches of audience news are announced this long after their first change, ms. */
export const AUDIENCE_NEWS_MS = 1000;
/** Names per tip and per event; a larger batch is split. */
export const AUDIENCE_NEWS_CHUNK = 500;

/** Whether the group's users join its live audience rather than its member rows (AVChatRoom). */
export const hasAudience = (s: GroupActorState): boolean => !policyOf(s.group.type).memberList;

/** `group.join`: a member row where the type keeps them, else the live audience. */
export async function joinGroupOrAudience(im: ImContext, s: GroupActorState, userId: string): Promise<JoinResult> {
  if (hasAudience(s)) return enterAudience(im, s, userId);
  await join(im, s, userId);
  return { audience: false };
}

/** `group.quit`: leaves the member rows, or the live audience (10007 for a user who is not in it). */
export async function quitGroupOrAudience(im: ImContext, s: GroupActorState, userId: string): Promise<void> {
  if (!hasAudience(s)) return quit(im, s, userId);
  if (!s.audience.remove(userId, 'quit')) throw imError('NotGroupMember', { userId, groupId: s.group.groupId });
}

/**
 * `userId` joins the audience; joining again changes nothing. Nobody but the owner while the group
 * is set to DisableApply (10007). At most MaxMemberNum users, a seat always kept for the owner (who
 * counts as a member whether in or not), else 10014.
 */
export function enterAudience(im: ImContext, s: GroupActorState, userId: string): JoinResult {
  const a = s.audience;
  if (a.has(userId)) return { audience: true };
  const owner = s.group.owner;
  // DisableApply closes the room to newcomers; its owner still takes their seat, and who is in stays in.
  if (s.group.profile.applyJoinOption === 'DisableApply' && userId !== owner) {
    throw imError('GroupNoPermission', { detail: `group ${s.group.groupId} takes no join requests (DisableApply)` });
  }
  const ownerSeat = owner !== '' && owner !== userId && !a.has(owner) ? 1 : 0;
  const max = s.group.profile.maxMemberCount;
  if (a.size + ownerSeat >= max) throw imError('GroupFull', { groupId: s.group.groupId, max });
  a.add(userId, im.now());
  return { audience: true };
}

/** The user's last device went offline: they leave the audience, if they were in it (else nothing). */
export function leaveAudience(s: GroupActorState, userId: string, reason: AudienceLeaveReason): void {
  s.audience.remove(userId, reason);
}

/** get_online_member_num: the audience now (AVChatRoom only, else 10007). */
export function onlineMemberNum(s: GroupActorState): { count: number } {
  if (!hasAudience(s)) throw imError('GroupNoPermission', { detail: `get_online_member_num is for AVChatRoom groups only; ${s.group.groupId} is a ${s.group.type} group` });
  return { count: s.audience.size };
}

/**
 * The member `caller` sends as: their member row, or in an AVChatRoom an audience member (the owner
 * as the owner) — a user outside the audience may not send there, the owner neither (Tencent: even
 * the owner joins through the SDK). Undefined for App admins and outsiders; mutes are the group's.
 */
export function senderIn(s: GroupActorState, caller: Caller): Member | undefined {
  if (caller.kind !== 'user') return undefined;
  if (!hasAudience(s)) return s.members.get(caller.userId);
  if (!s.audience.has(caller.userId)) return undefined;
  return actingMember(s, caller) ?? { userId: caller.userId, role: 'Member', joinedAt: 0, joinSeq: 0, profile: emptyMemberProfile() };
}

/**
 * Announces the audience news since the last batch: a live 'join' / 'quit' tip to the audience (no
 * SEQ: the type stores no tips) and its event through the group's outbox, in chunks of
 * AUDIENCE_NEWS_CHUNK names. A tip of one user names them as its operator; a batch of several, none.
 */
export async function announceAudience(im: ImContext, s: GroupActorState): Promise<void> {
  const news = s.audience.takeNews();
  const now = im.now();
  const events: ParleyEvent[] = [];
  for (const members of chunks(news.joined)) events.push(announced(s, 'join', members, now));
  for (const reason of ['quit', 'offline'] as const) {
    for (const members of chunks(news.left.filter((l) => l.reason === reason).map((l) => l.userId))) events.push(announced(s, 'quit', members, now, reason));
  }
  if (events.length > 0) await s.stream.emit(events);
}

function announced(s: GroupActorState, tip: 'join' | 'quit', members: readonly string[], now: number, reason?: AudienceLeaveReason): ParleyEvent {
  const groupId = s.group.groupId;
  const entry: GroupMemberTip = { kind: 'tip', tip, groupId, time: now, operator: members.length === 1 ? members[0] : '', members };
  if (policyOf(s.group.type).memberTips === 'live') s.stream.pushOnline(entry, s.audience.users());
  const stream = groupStream(groupId);
  const id = `${stream}#audience:${tip}:${now}:${randomUUID()}`;
  const data = { groupId, groupType: s.group.type, members, ...(reason ? { reason } : {}) };
  return tip === 'join' ? makeEvent('group.audience_joined', id, stream, now, data) : makeEvent('group.audience_left', id, stream, now, data);
}

function* chunks(ids: readonly string[]): Iterable<readonly string[]> {
  for (let i = 0; i < ids.length; i += AUDIENCE_NEWS_CHUNK) yield ids.slice(i, i + AUDIENCE_NEWS_CHUNK);
}
