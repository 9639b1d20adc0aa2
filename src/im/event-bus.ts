/**
 * The event bus port: durable, at-least-once delivery of ParleyEvents to consumer groups, in order
 * per event key. Two adapters pass one contract suite (test/contract/event-bus-contract.ts): an
 * in-process log on SQLite (embedded mode; a crash loses nothing published) and Kafka
 * (`parley.events`, keyed by `event.key`).
 */
import type { OutboxRecord } from '../../storage/store.ts';
import type { ParleyEvent } from '../protocol/events.ts';

/**
 * What a bus carries: ParleyEvents on `parley.events`, push jobs on `parley.push` (src/push). Any
 * JSON record with a stable `id`, a partition `key` and a `time` (Unix ms; the embedded log's
 * retention reads it).
 */
export interface BusRecord {
  readonly id: string;
  readonly key: string;
  readonly time: number;
}

/** Handles a batch of events of one partition, in order. Resolving commits them; rejecting redelivers them later. */
export type EventHandler<E extends BusRecord = ParleyEvent> = (events: readonly E[]) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: each group sees every event once (at least once); members of one group share the work. */
  readonly group: string;
  /** Where a group without a committed position starts: the oldest retained event, or only new ones. */
  readonly from?: 'earliest' | 'latest';
}

export interface Subscription {
  /** Stops consuming after the batch in hand; uncommitted events go to the next member of the group. */
  stop(): Promise<void>;
  /** Events published but not yet committed by this group, when the adapter can tell cheaply. */
  lag(): Promise<number | undefined>;
}

/**
 * The one way domain events that are not stream entries leave (DESIGN §5): recorded durably under
 * a stream, then published at least once with their stable ids. Stream entries are published by
 * their actor's emitter from the stream itself.
 */
export interface EventOutbox {
  /** Resolves once `events` are recorded; they are published after, and again after a crash until published. */
  emit(streamId: string, events: readonly ParleyEvent[]): Promise<void>;
  /** The outbox rows of `events`, for a store write that records them with the change they describe. */
  record(streamId: string, events: readonly ParleyEvent[]): OutboxRecord;
  /** Publishes events recorded with their change (`record`); after a crash the stream's actor does. */
  publishRecorded(streamId: string, events: readonly ParleyEvent[]): void;
}

export interface EventBus<E extends BusRecord = ParleyEvent> {
  /** Resolves once the events are durable (SQLite commit; Kafka acks=all). */
  publish(events: readonly E[]): Promise<void>;
  /**
   * Resolves once the subscription is registered, not once events flow: a Kafka group may wait for a
   * crashed member's session to time out before it gets partitions, and a server must not wait on
   * that to start. A new group `from: 'latest'` starts at the end as of its first assignment.
   */
  subscribe(handler: EventHandler<E>, options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
