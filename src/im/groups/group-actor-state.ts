/**
 * What the group rules run over: the state a group actor holds (profile, members) and what they
 * need of its stream — its head, storing an entry (the next SEQ, then a push to the online
 * audience), pushing one that is not stored, reading one back, and emitting the group's events that
 * are not entries. The actor implements the stream.
 */
import type { Entry } from '../../protocol/entries.ts';
import type { ParleyEvent } from '../../protocol/events.ts';
import type { StoredEntry } from '../../../storage/store.ts';
import type { GroupState, Member } from './group-model.ts';

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
  /** Up to `limit` stored entries with SEQ ≤ `upTo`, newest first. */
  readBack(upTo: number, limit: number): Promise<readonly StoredEntry[]>;
}

/** A loaded group as its actor holds it. */
export interface GroupActorState {
  readonly group: GroupState;
  readonly members: Map<string, Member>;
  readonly stream: GroupStreamPort;
}
