/**
 * The offline walk of all-member pushes (issue 17 item 3), split into PUSH_SHARDS shard jobs on the
 * broadcast log (`parley.broadcast`, keyed by shard: the consumer group spreads the shards over
 * the nodes, so every node drains a share). A shard job walks its shard's targeted users page by
 * page through the audience indexes (everyone: the users with push devices) and queues a
 * notification for each device of those not online, on the push log the delivery workers send from
 * (src/events/push).
 *
 * Each shard records its progress (`<taskId>#<shard>`) after each page's notifications are queued,
 * and goes on from there after a crash: at most one page is queued twice (with the same job ids).
 * The shard that finds every shard done records the task done.
 */
import type { Logger } from 'pino';
import type { BusRecord, EventBus, EventOutbox, Subscription } from '../../im/event-bus.ts';
import type { BroadcastMessage } from '../../protocol/entries.ts';
import { BROADCAST_STREAM } from '../../protocol/streams.ts';
import type { PushDeviceRecord, PushDeviceStore, PushTargetStore, PushTaskProgress } from '../../../storage/store.ts';
import { PUSH_SHARDS, shardKey } from '../../im/broadcast/shards.ts';
import { TargetPages } from '../../im/broadcast/targets.ts';
import { type PushJob, pushJob } from '../../push/push-job.ts';
import { planPush } from '../../push/push-plan.ts';
import { type PushNotification, notificationOf } from '../../push/notification.ts';
import { recordTask, wantsOfflinePush } from './task-progress.ts';

export const BROADCAST_WALK_GROUP = 'parley-broadcast-walk';

/** One shard of one push's offline walk. */
export interface BroadcastShardJob extends BusRecord {
  readonly v: 1;
  readonly taskId: string;
  readonly seq: number;
  readonly shard: number;
  readonly message: BroadcastMessage;
}

/** The shard jobs of a push: ids stable (`<taskId>#<shard>`), keyed by shard. */
export function shardJobs(seq: number, m: BroadcastMessage, now: number): BroadcastShardJob[] {
  return Array.from({ length: PUSH_SHARDS }, (_, shard) => ({ v: 1, id: shardKey(m.taskId, shard), key: String(shard), time: now, taskId: m.taskId, seq, shard, message: m }));
}

export interface BroadcastWalkOptions {
  readonly shards: EventBus<BroadcastShardJob>;
  readonly jobs: EventBus<PushJob>;
  readonly devices: PushDeviceStore;
  readonly targets: PushTargetStore;
  readonly outbox: EventOutbox;
  /** Whether the user has a device connected (the node's view of the cluster's presence). */
  readonly isOnline: (userId: string) => boolean;
  /** How long after its message a notification is still worth showing, ms. */
  readonly ttlMs: number;
  /** Targeted users per page. */
  readonly chunk: number;
  readonly now: () => number;
  readonly log: Logger;
  /** Counts each notification queued, by provider. */
  readonly planned?: (provider: string) => void;
}

export function startBroadcastWalk(o: BroadcastWalkOptions): Promise<Subscription> {
  return o.shards.subscribe(
    async (jobs) => {
      for (const job of jobs) await walkShard(o, job);
    },
    // The log holds shard jobs only: a new group takes those still retained (finished ones are skipped).
    { group: BROADCAST_WALK_GROUP, from: 'earliest' },
  );
}

async function walkShard(o: BroadcastWalkOptions, job: BroadcastShardJob): Promise<void> {
  const key = shardKey(job.taskId, job.shard);
  const before = await o.targets.taskProgress(key);
  if (before?.state === 'done') return;
  const m = job.message;
  let progress: PushTaskProgress = before ?? { state: 'running', startedAt: o.now(), candidates: 0, checked: 0, online: 0, pushed: 0 };
  const nick = m.senderProfile?.Tag_Profile_IM_Nick;
  const notification = notificationOf({ conversationId: `c2c_${m.from}`, from: m.from, ...(typeof nick === 'string' && nick !== '' ? { senderNick: nick } : {}), body: m.body, ...(m.offlinePush ? { info: m.offlinePush } : {}) });
  if (notification && wantsOfflinePush(m, o.now())) progress = await walk(o, job, notification, progress);
  await o.targets.putTaskProgress(key, { ...progress, state: 'done', finishedAt: o.now() }, o.now());
  await finishIfLast(o, job);
}

/** Walks the shard from where `start` stands, queueing each page's notifications, then recording the position. */
async function walk(o: BroadcastWalkOptions, job: BroadcastShardJob, notification: PushNotification, start: PushTaskProgress): Promise<PushTaskProgress> {
  const m = job.message;
  const pages = new TargetPages(o.targets, o.devices, m.condition, job.shard);
  const eventId = `${BROADCAST_STREAM}#${job.seq}`;
  const expiresAt = Math.min(m.offlineUntil, m.time + o.ttlMs);
  let progress = start;
  for (let at = start.walk ?? { source: 0, after: '' }; ; ) {
    const page = await pages.page(at, o.chunk);
    const offline = page.userIds.filter((u) => !o.isOnline(u));
    const now = o.now();
    const jobs: PushJob[] = [];
    for (const [userId, devices] of byUser(offline.length > 0 ? await o.devices.devicesOf(offline) : [])) {
      for (const d of planPush({ notification, userId, online: false, devices, now })) jobs.push(pushJob(eventId, d, now, expiresAt));
    }
    await o.jobs.publish(jobs);
    for (const j of jobs) o.planned?.(j.delivery.target.provider);
    progress = { ...progress, pushed: (progress.pushed ?? 0) + jobs.length, ...(page.next ? { walk: page.next } : {}) };
    if (!page.next) return progress;
    await o.targets.putTaskProgress(shardKey(job.taskId, job.shard), progress, o.now());
    at = page.next;
  }
}

/** Records the task done once every shard is. */
async function finishIfLast(o: BroadcastWalkOptions, job: BroadcastShardJob): Promise<void> {
  const rows = await Promise.all(Array.from({ length: PUSH_SHARDS }, (_, k) => o.targets.taskProgress(shardKey(job.taskId, k))));
  if (!rows.every((r) => r?.state === 'done')) return;
  const task = await o.targets.taskProgress(job.taskId);
  if (!task || task.state === 'done') return;
  const pushed = rows.reduce((n, r) => n + (r?.pushed ?? 0), 0);
  const done: PushTaskProgress = { ...task, state: 'done', finishedAt: o.now(), pushed };
  await recordTask(o.targets, o.outbox, job.message, job.seq, done, o.now());
  o.log.info({ taskId: job.taskId, online: done.online, pushed, ms: done.finishedAt! - done.startedAt }, 'broadcast: done');
}

function byUser(devices: readonly PushDeviceRecord[]): Map<string, PushDeviceRecord[]> {
  const out = new Map<string, PushDeviceRecord[]>();
  for (const d of devices) {
    const list = out.get(d.userId);
    if (list) list.push(d);
    else out.set(d.userId, [d]);
  }
  return out;
}
