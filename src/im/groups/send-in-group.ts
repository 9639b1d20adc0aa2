/**
 * A message sent in a group, as the group actor's handler runs it over its state: who may post
 * and what they may mention, the app server's before-callback, then the message stored under the
 * next SEQ (or only pushed, when online-only or the type keeps no history) and LastMsgTime noted.
 */
import type { GroupMessage, GroupSystemNotice } from '../../protocol/entries.ts';
import type { GroupSendResult, GroupSendSpec } from '../actor-api.ts';
import { originOf } from '../caller.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { checkAtInfo, checkCanSend, checkTargets } from './group-rules.ts';
import { policyOf } from './group-policy.ts';
import { senderIn } from './audience-changes.ts';
import { withAudience } from './audience.ts';
import { rateDropError, reportSendFailure } from './group-reports.ts';
import { imError, isImError } from '../../protocol/errors.ts';

function messageOf(s: GroupActorState, spec: GroupSendSpec, time: number): GroupMessage {
  const nameCard = s.members.get(spec.from)?.profile.nameCard;
  return {
    kind: 'group',
    groupId: s.group.groupId,
    from: spec.from,
    time,
    random: spec.random,
    body: spec.body,
    cloudCustomData: spec.cloudCustomData,
    priority: spec.priority,
    flags: 0,
    ...(spec.atInfo ? { atInfo: spec.atInfo } : {}),
    ...(spec.to ? { to: spec.to } : {}),
    ...(spec.forbidAfterCallback ? { noAfterCallback: true as const } : {}),
    // An online-only message has no SEQ to report reading by: no receipts (Tencent 10061).
    ...(spec.needReadReceipt && !spec.onlineOnly ? { needReadReceipt: true as const } : {}),
    ...(spec.offlinePush ? { offlinePush: spec.offlinePush } : {}),
    origin: originOf(spec.caller),
    ...(Object.keys(spec.senderProfile).length > 0 ? { senderProfile: spec.senderProfile } : {}),
    ...(nameCard ? { senderNameCard: nameCard } : {}),
  };
}

/** Sends, and reports a send that failed or was dropped over the rate (Group.CallbackSendMsgException). */
export async function sendInGroup(im: ImContext, s: GroupActorState, spec: GroupSendSpec): Promise<GroupSendResult> {
  const time = im.now();
  let out: GroupSendResult;
  try {
    out = await send(im, s, spec, time);
  } catch (e) {
    if (isImError(e)) await reportSendFailure(im, s, messageOf(s, spec, time), spec.onlineOnly, e);
    throw e;
  }
  if (out.dropReason === 'MsgFreqCtrl') await reportSendFailure(im, s, messageOf(s, spec, time), spec.onlineOnly, rateDropError(s));
  return out;
}

async function send(im: ImContext, s: GroupActorState, spec: GroupSendSpec, time: number): Promise<GroupSendResult> {
  const sender = senderIn(s, spec.caller);
  checkCanSend(s.group, spec.caller, sender, time);
  checkAtInfo(s.group, spec.atInfo);
  checkTargets(s.group, spec.to);
  if (spec.needReadReceipt && !policyOf(s.group.type).receipts) throw imError('GroupReceiptsUnsupported', { type: s.group.type });
  let entry = messageOf(s, spec, time);
  if (!spec.forbidBeforeCallback) {
    const decision = await im.hooks.beforeGroupSend({ caller: spec.caller, groupType: s.group.type, message: entry, onlineOnly: spec.onlineOnly });
    if (decision.action === 'reject') throw decision.error;
    if (decision.action === 'drop') return { seq: 0, time };
    if (decision.action === 'rewrite') entry = { ...entry, body: decision.body ?? entry.body, cloudCustomData: decision.cloudCustomData ?? entry.cloudCustomData };
  }
  if (!s.rate.admit(entry.priority, time)) return { seq: 0, time, dropReason: 'MsgFreqCtrl' };
  if (spec.onlineOnly || !policyOf(s.group.type).history) {
    s.stream.pushOnline(entry, receivers(s, entry));
    return { seq: 0, time };
  }
  const out = await s.stream.append({ entry, time, idemKey: `g:${spec.from}:${spec.random}` }, () => receivers(s, entry));
  if (out.duplicate) return { seq: out.seq, time: (await s.stream.read(out.seq))?.time ?? time };
  await noteMessage(im, s, time);
  return { seq: out.seq, time };
}

/**
 * The members a message is pushed to: all but those whose MsgFlag is Discard (they still read
 * history); for a targeted message only its receivers (and the sender's other devices).
 */
function* receivers(s: GroupActorState, m: GroupMessage): Iterable<string> {
  if (m.to) {
    for (const u of [m.from, ...m.to]) if (s.members.get(u)?.profile.msgFlag !== 'Discard' && s.members.has(u)) yield u;
    return;
  }
  for (const member of s.members.values()) if (member.profile.msgFlag !== 'Discard') yield member.userId;
  // An AVChatRoom has no member rows: its live audience receives everything.
  yield* s.audience.users();
}

/**
 * send_group_system_notification: `content` pushed to the online members among `userIds` (all when
 * absent; non-members are skipped); never stored, no SEQ.
 */
export function notifyOnline(im: ImContext, s: GroupActorState, content: string, userIds?: readonly string[]): void {
  const entry: GroupSystemNotice = { kind: 'groupSystem', groupId: s.group.groupId, content, time: im.now() };
  s.stream.pushOnline(entry, userIds ? userIds.filter((u) => s.members.has(u) || s.audience.has(u)) : withAudience(s.members.keys(), s.audience));
}

/**
 * Keeps LastMsgTime: in memory for every message (in place, no copy per message), persisted once,
 * between the group's changes, when the first message activates the group.
 */
async function noteMessage(im: ImContext, s: GroupActorState, time: number): Promise<void> {
  if (s.group.profile.lastMsgTime !== 0) {
    s.group.profile.lastMsgTime = Math.max(time, s.group.profile.lastMsgTime);
    return;
  }
  await s.exclusive(async () => {
    const profile = { ...s.group.profile, lastMsgTime: Math.max(time, s.group.profile.lastMsgTime) };
    await im.store.groups.updateGroup(s.group.groupId, { profile: JSON.stringify(profile) });
    s.group.profile = profile;
  });
}
