/**
 * The delivery job of all-member pushes (issue 17): a consumer group on the event bus that takes
 * each `broadcast.message` (a push the broadcast actor stored in `b:all`) and hands it live to the
 * targeted users who are online in the cluster — the fan-out routes each chunk to the nodes that
 * host them, one bus message per node — checking the online users against the push's condition a
 * chunk at a time (one store read of tags or attributes per chunk, never a scan of all users).
 * Offline targets' devices read the one stored copy when they sync (read diffusion), within its
 * MsgLifeTime; when offline push is on and the push is kept for offline devices (MsgLifeTime > 0,
 * PushFlag not 1), the job then hands the offline walk to its shard jobs (broadcast-walk.ts), which
 * the nodes share, and the last of them records the task done.
 *
 * Progress: the task's record (`PushTargetStore.putTaskProgress`) and a `broadcast.task` event when
 * it starts and when it is done, also in the server log.
 *
 * A crash: the event was not committed, so the job runs again (on this node after a restart, or
 * on another member of the group). A task recorded done is not run again; one whose online users
 * were not all handed it delivers again, to whoever is online then, with the push's SEQ: devices
 * that had it drop the copy (the SDK hands each SEQ of a stream to the app once). Shard jobs are
 * published again too; a shard already done skips its job.
 */
import type { Logger } from 'pino';
import type { EventBus, EventOutbox, Subscription } from '../../im/event-bus.ts';
import type { BroadcastMessage, StreamEvent } from '../../protocol/entries.ts';
import type { BroadcastMessageData } from '../../protocol/events.ts';
import { BROADCAST_STREAM } from '../../protocol/streams.ts';
import type { PushTargetStore, PushTaskProgress } from '../../../storage/store.ts';
import { forClients } from '../../im/stream-page.ts';
import { targeted } from '../../im/broadcast/targets.ts';
import { PUSH_SHARDS } from '../../im/broadcast/shards.ts';
import { type BroadcastShardJob, shardJobs } from './broadcast-walk.ts';
import { recordTask, wantsOfflinePush } from './task-progress.ts';

export const BROADCAST_DELIVERY_GROUP = 'parley-broadcast';

/** An online-only push (MsgLifeTime 0) found this long after it was sent (a backlog after an outage) is not delivered, ms. */
export const LIVE_WINDOW_MS = 10 * 60_000;

/** Progress is recorded at most this often while a job runs, ms. */
const PROGRESS_EVERY_MS = 1000;

/** Who is online, as the fan-out knows it (the whole cluster, in a cluster). */
export interface OnlineUsers {
  /** A snapshot of the users with devices online. */
  onlineUsers(): string[];
  toUsers(userIds: Iterable<string>, event: StreamEvent): number;
}

export interface BroadcastDeliveryOptions {
  readonly events: EventBus;
  readonly outbox: EventOutbox;
  readonly live: OnlineUsers;
  readonly targets: PushTargetStore;
  /** With offline push configured: where the offline walks' shard jobs go (broadcast-walk.ts). */
  readonly shards?: EventBus<BroadcastShardJob>;
  /** Online users checked per store read. */
  readonly chunk: number;
  readonly now: () => number;
  readonly log: Logger;
  /** Fault injection for tests: called after each chunk is delivered. */
  readonly afterChunk?: () => void;
}

export function startBroadcastDelivery(o: BroadcastDeliveryOptions): Promise<Subscription> {
  return o.events.subscribe(
    async (events) => {
      for (const e of events) if (e.type === 'broadcast.message') await deliver(o, e.data);
    },
    { group: BROADCAST_DELIVERY_GROUP, from: 'latest' },
  );
}

async function deliver(o: BroadcastDeliveryOptions, { seq, message: m }: BroadcastMessageData): Promise<void> {
  const before = await o.targets.taskProgress(m.taskId);
  if (before?.state === 'done') return;
  const startedAt = before?.startedAt ?? o.now();
  let progress: PushTaskProgress = before?.liveDone ? before : await deliverLive(o, seq, m, startedAt, before !== undefined);
  if (o.shards && wantsOfflinePush(m, o.now())) {
    // Recorded before the shard jobs exist, so the last shard's "done" is never overwritten; published
    // again when the job runs again (a shard done already skips it).
    if (progress.shards === undefined) {
      progress = { ...progress, shards: PUSH_SHARDS };
      await o.targets.putTaskProgress(m.taskId, progress, o.now());
    }
    await o.shards.publish(shardJobs(seq, m, o.now()));
    o.log.info({ taskId: m.taskId, online: progress.online, shards: PUSH_SHARDS }, 'broadcast: online users reached; offline push handed to the shards');
    return;
  }
  progress = { ...progress, state: 'done', finishedAt: o.now() };
  await recordTask(o.targets, o.outbox, m, seq, progress, o.now());
  o.log.info({ taskId: m.taskId, online: progress.online, ms: progress.finishedAt! - startedAt }, 'broadcast: done');
}

/** Hands the push to the targeted users online now, a chunk at a time; answers the progress with `liveDone`. */
async function deliverLive(o: BroadcastDeliveryOptions, seq: number, m: BroadcastMessage, startedAt: number, again: boolean): Promise<PushTaskProgress> {
  const online = live(m, o.now()) ? o.live.onlineUsers() : [];
  let progress: PushTaskProgress = { state: 'running', startedAt, candidates: online.length, checked: 0, online: 0 };
  await recordTask(o.targets, o.outbox, m, seq, progress, o.now());
  o.log.info({ taskId: m.taskId, seq, candidates: online.length, again }, 'broadcast: delivering');
  const event: StreamEvent = { stream: BROADCAST_STREAM, seq, entry: forClients(m) };
  let recordedAt = o.now();
  for (let i = 0; i < online.length; i += o.chunk) {
    const chunk = online.slice(i, i + o.chunk);
    const reached = o.live.toUsers(await targeted(o.targets, m.condition, chunk), event);
    progress = { ...progress, checked: i + chunk.length, online: progress.online + reached };
    o.afterChunk?.();
    if (o.now() - recordedAt >= PROGRESS_EVERY_MS) {
      recordedAt = o.now();
      await o.targets.putTaskProgress(m.taskId, progress, recordedAt);
      o.log.info({ taskId: m.taskId, checked: progress.checked, of: progress.candidates, online: progress.online }, 'broadcast: progress');
    }
  }
  progress = { ...progress, liveDone: true };
  await o.targets.putTaskProgress(m.taskId, progress, o.now());
  return progress;
}

/** Whether the push is still worth handing to online users: within its lifetime, or sent moments ago. */
const live = (m: BroadcastMessage, now: number): boolean => now < Math.max(m.offlineUntil, m.time + LIVE_WINDOW_MS);
