/**
 * The rules of the migration commands (import_group_member, import_group_msg, set_unread_msg_num) as
 * pure functions: which times are accepted, how an unread count is clamped and what read position
 * it stands for, and the search of a group stream by time (its entries are in time order).
 */
import type { GroupProfile, MemberProfile } from './group-model.ts';

const second = (ms: number): number => Math.floor(ms / 1000);

/**
 * Whether a member may be imported as having joined at `joinedAt` (Unix ms): after the group was
 * created (compared in whole seconds, Tencent's unit: the same second is not after) and not in the
 * future. A member without a JoinTime joins now, which is always accepted.
 */
export function joinTimeAccepted(joinedAt: number | undefined, createdAt: number, now: number): boolean {
  if (joinedAt === undefined) return true;
  return second(joinedAt) > second(createdAt) && joinedAt <= now;
}

/**
 * Whether a message sent at `time` (Unix ms, a whole second) may be imported after `floor`: the
 * later of the group's creation, its latest message and the previous message imported with it.
 * Tencent: strictly later than all of them, and before now.
 */
export const sendTimeAccepted = (time: number, floor: number, now: number): boolean => time > floor && time < now;

/** An unread count as kept: at most the group's message count (Tencent clamps it so). */
export function clampUnread(count: number, head: number, baseSeq = 0): number {
  return Math.max(0, Math.min(Math.floor(count), head - baseSeq));
}

/** The unread mark set by migration when the group's head is `head`: `count` (clamped) unread from there. */
export function unreadMark(count: number, head: number, baseSeq = 0): NonNullable<MemberProfile['unreadImported']> {
  return { count: clampUnread(count, head, baseSeq), atSeq: head };
}

/**
 * The read position (highest SEQ read) a member has by migration, for unread counting: the mark
 * of import_group_member / set_unread_msg_num, unless messages were imported after it (Tencent:
 * importing messages resets every member's unread to 0, so the member has read up to the import);
 * undefined when migration set nothing.
 */
export function importedReadSeq(member: Pick<MemberProfile, 'unreadImported'>, group: Pick<GroupProfile, 'importedUpTo'>): number | undefined {
  const mark = member.unreadImported;
  const imported = group.importedUpTo;
  if (mark && (imported === undefined || mark.atSeq >= imported)) return mark.atSeq - mark.count;
  return imported;
}

/** Time of the entry at a SEQ; undefined for a hole (expired or never stored), which counts as older than anything. */
export type TimeOf = (seq: number) => Promise<number | undefined>;

/**
 * The lowest SEQ in (after, head] whose entry's time is at least `time`, or head + 1 when there is
 * none; a binary search, so about log2(head − after) reads. Group entries are in time order:
 * messages and tips take the clock's time, and imported ones must be later than the latest.
 */
export async function firstSeqFrom(time: number, after: number, head: number, timeOf: TimeOf): Promise<number> {
  let lo = after + 1;
  let hi = head + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const t = await timeOf(mid);
    if (t !== undefined && t >= time) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
