/**
 * What the group rules run over: the state a group actor holds (profile, members) and what they
 * need of its stream — its head, storing an entry (the next SEQ, then a push to the online
 * audience), pushing one that is not stored, reading one back, and emitting the group's events that
 * are not entries. The actor implements the stream.
 */
import type { Entry } from '../../protocol/entries.ts';
import type { ParleyEvent } from '../../protocol/events.ts';
import type { StoredEntry } from '../../../storage/store.ts';
import type { Caller } from '../caller.ts';
import { type GroupState, type Member, emptyMemberProfile } from './group-model.ts';
import { policyOf } from './group-policy.ts';
import type { GroupRate } from './group-rate.ts';
import type { Audience } from './audience.ts';
import type { ReportThrottle } from './report-throttle.ts';

export interface GroupStreamPort {
  /** The highest committed SEQ. */
  readonly head: number;
  /** Stores `entry` under the next SEQ and, once committed, pushes it to the online users among `audience`. */
  append(spec: { readonly entry: Entry; readonly time: number; readonly idemKey?: string }, audience: () => Iterable<string>): Promise<{ readonly seq: number; readonly duplicate: boolean }>;
  /** Pushes an entry to the online users among `audience` without storing it (no SEQ). */
  pushOnline(entry: Entry, audience: Iterable<string>): void;
  /** A stored entry's time (the original of a duplicate send), if it is still there. */
  read(seq: number): Promise<StoredEntry | undefined>;
  /** Records events of the group that are not entries (its creation, tips without a SEQ); published at least once. */
  emit(events: readonly ParleyEvent[]): Promise<void>;
  /** Publishes events the store recorded with the change they describe (`EventOutbox.record`). */
  publishRecorded(events: readonly ParleyEvent[]): void;
  /** Marks stored entries recalled (Tencent MsgFlagBits 8), keeping their content for WithRecalledMsg readers. */
  markRecalled(seqs: readonly number[]): Promise<void>;
  /** Replaces a stored entry's content, keeping its SEQ (a modified message). */
  rewrite(seq: number, payload: string): Promise<void>;
  /** Up to `limit` stored entries with SEQ ≤ `upTo`, newest first. */
  readBack(upTo: number, limit: number): Promise<readonly StoredEntry[]>;
}

/** A loaded group as its actor holds it. */
export interface GroupActorState {
  readonly group: GroupState;
  readonly members: Map<string, Member>;
  readonly stream: GroupStreamPort;
  /** The group's message rate control (in memory, per activation). */
  readonly rate: GroupRate;
  /** An AVChatRoom's live audience (in memory, per activation); always empty in other types. */
  readonly audience: Audience;
  /** When the group last reported a failed send or being full (in memory, per activation). */
  readonly reports: ReportThrottle;
  /**
   * Runs `fn` between the group's changes (the actor runs change rules one at a time); for a rule
   * outside a change, such as a send, that updates the group's record.
   */
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * The member `caller` acts as: their member row; undefined for App admins and non-members. In a
 * type without member rows (AVChatRoom) the owner still acts as the owner.
 */
export function actingMember(s: GroupActorState, caller: Caller): Member | undefined {
  if (caller.kind !== 'user') return undefined;
  const row = s.members.get(caller.userId);
  if (row || policyOf(s.group.type).memberList || !s.group.owner || caller.userId !== s.group.owner) return row;
  return { userId: caller.userId, role: 'Owner', joinedAt: s.group.createdAt, joinSeq: 0, profile: emptyMemberProfile() };
}
