/**
 * Failure reports of a group to its app server: a send that failed (`group.send_failed`,
 * Group.CallbackSendMsgException) and a group that is full (`group.full`, Group.CallbackAfterGroupFull).
 * A flood of refused sends or joins must not become a flood of durable writes, so reports are
 * throttled in the actor's memory — at most one a second per error code, and one a minute for a full
 * group — and the report that goes counts those folded into it. What goes still leaves through the
 * group's outbox like every other event, so a report once made is delivered at least once.
 */
import { randomUUID } from 'node:crypto';
import { type ImError, imError, isImError } from '../../protocol/errors.ts';
import type { GroupMessage } from '../../protocol/entries.ts';
import { type ParleyEvent, makeEvent } from '../../protocol/events.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { ImContext } from '../context.ts';
import type { GroupActorState } from './group-actor-state.ts';
import { policyOf } from './group-policy.ts';

export const SEND_FAILURE_REPORT_MS = 1000;
export const GROUP_FULL_REPORT_MS = 60_000;

/** Reports a failed send of `message` (throttled); a report that cannot be recorded is logged, never thrown. */
export async function reportSendFailure(im: ImContext, s: GroupActorState, message: GroupMessage, onlineOnly: boolean, error: ImError): Promise<void> {
  const now = im.now();
  const suppressed = s.reports.take(`send:${error.code}`, now, SEND_FAILURE_REPORT_MS);
  if (suppressed === undefined) return;
  const stream = groupStream(s.group.groupId);
  const data = { groupId: s.group.groupId, groupType: s.group.type, message, onlineOnly, errorCode: error.code, errorInfo: error.info, suppressed };
  await emitQuietly(im, s, makeEvent('group.send_failed', `${stream}#send_failed:${error.code}:${now}:${randomUUID()}`, stream, now, data));
}

/** The report of a send dropped over the group's rate (Tencent's 10023). */
export const rateDropError = (s: GroupActorState): ImError => imError('GroupMsgFreqCtrl', { groupId: s.group.groupId, max: s.rate.rate });

/** Whether the group holds as many as it may: member rows, or an AVChatRoom's audience with the owner's seat. */
function isFull(s: GroupActorState): boolean {
  const max = s.group.profile.maxMemberCount;
  if (policyOf(s.group.type).memberList) return s.members.size >= max;
  const owner = s.group.owner;
  return s.audience.size + (owner !== '' && !s.audience.has(owner) ? 1 : 0) >= max;
}

async function reportFull(im: ImContext, s: GroupActorState, refused: boolean): Promise<void> {
  const now = im.now();
  if (s.reports.take('full', now, GROUP_FULL_REPORT_MS) === undefined) return;
  const stream = groupStream(s.group.groupId);
  await emitQuietly(im, s, makeEvent('group.full', `${stream}#full:${now}:${randomUUID()}`, stream, now, { groupId: s.group.groupId, groupType: s.group.type, refused }));
}

/**
 * Runs a change that may fill the group (an add, join, import or accepted application) and reports
 * the group full when it refused for that (10014) or left the group full.
 */
export async function watchingFull<T>(im: ImContext, s: GroupActorState, change: () => Promise<T> | T): Promise<T> {
  let out: T;
  try {
    out = await change();
  } catch (e) {
    if (isImError(e) && e.errorName === 'GroupFull') await reportFull(im, s, true);
    throw e;
  }
  if (isFull(s)) await reportFull(im, s, false);
  return out;
}

async function emitQuietly(im: ImContext, s: GroupActorState, event: ParleyEvent): Promise<void> {
  try {
    await s.stream.emit([event]);
  } catch (e) {
    im.log.warn({ err: e, groupId: s.group.groupId, type: event.type }, 'group failure report not recorded');
  }
}
