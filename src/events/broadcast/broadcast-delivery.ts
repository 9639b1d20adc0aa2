/**
 * The delivery job of all-member pushes (issue 17): a consumer group on the event bus that takes
 * each `broadcast.message` (a push the broadcast actor stored in `b:all`) and hands it live to the
 * targeted users who are online in the cluster — the fan-out routes each chunk to the nodes that
 * host them, one bus message per node — checking the online users against the push's condition a
 * chunk at a time (one store read of tags or attributes per chunk, never a scan of all users).
 * Offline targets' devices read the one stored copy when they sync (read diffusion), within its
 * MsgLifeTime; when offline push is on and the push is kept for offline devices (MsgLifeTime > 0,
 * PushFlag not 1), the job then walks the targeted users page by page through the audience indexes
 * (everyone: the users with push devices) and queues a notification for each device of those not
 * online, on the push log the delivery workers send from (src/events/push).
 *
 * Progress: the task's record (`PushTargetStore.putTaskProgress`) and a `broadcast.task` event when
 * it starts and when it is done, also in the server log.
 *
 * A crash: the event was not committed, so the job runs again (on this node after a restart, or
 * on another member of the group). A task recorded done is not run again; one whose online users
 * were not all handed it delivers again, to whoever is online then, with the push's SEQ: devices
 * that had it drop the copy (the SDK hands each SEQ of a stream to the app once). The offline walk
 * records its position after each page's notifications are queued, and goes on from there: at most
 * one page of notifications is queued twice (with the same job ids).
 */
import type { Logger } from 'pino';
import type { EventBus, EventOutbox, Subscription } from '../../im/event-bus.ts';
import type { BroadcastMessage, StreamEvent } from '../../protocol/entries.ts';
import { type BroadcastMessageData, makeEvent } from '../../protocol/events.ts';
import { BROADCAST_STREAM } from '../../protocol/streams.ts';
import type { PushDeviceRecord, PushDeviceStore, PushTargetStore, PushTaskProgress } from '../../../storage/store.ts';
import { forClients } from '../../im/stream-page.ts';
import { TargetPages, targeted } from '../../im/broadcast/targets.ts';
import { type PushJob, pushJob } from '../../push/push-job.ts';
import { planPush } from '../../push/push-plan.ts';
import { notificationOf } from '../../push/notification.ts';

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
  isOnline(userId: string): boolean;
}

/** Offline push, when configured: where notifications are queued and the devices they go to. */
export interface BroadcastOfflinePush {
  readonly jobs: EventBus<PushJob>;
  readonly devices: PushDeviceStore;
  /** How long after its message a notification is still worth showing, ms. */
  readonly ttlMs: number;
  /** Counts each notification queued, by provider. */
  readonly planned?: (provider: string) => void;
}

export interface BroadcastDeliveryOptions {
  readonly events: EventBus;
  readonly outbox: EventOutbox;
  readonly live: OnlineUsers;
  readonly targets: PushTargetStore;
  readonly offline?: BroadcastOfflinePush;
  /** Online users checked per store read; targeted users per page of the offline walk. */
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
  if (o.offline && !progress.pushDone && wantsOfflinePush(m, o.now())) progress = await pushOffline(o, o.offline, seq, m, progress);
  progress = { ...progress, state: 'done', finishedAt: o.now() };
  await record(o, m, seq, progress);
  o.log.info({ taskId: m.taskId, online: progress.online, pushed: progress.pushed ?? 0, ms: progress.finishedAt! - startedAt }, 'broadcast: done');
}

/** Hands the push to the targeted users online now, a chunk at a time; answers the progress with `liveDone`. */
async function deliverLive(o: BroadcastDeliveryOptions, seq: number, m: BroadcastMessage, startedAt: number, again: boolean): Promise<PushTaskProgress> {
  const online = live(m, o.now()) ? o.live.onlineUsers() : [];
  let progress: PushTaskProgress = { state: 'running', startedAt, candidates: online.length, checked: 0, online: 0 };
  await record(o, m, seq, progress);
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

/** Kept for offline devices (MsgLifeTime > 0) and not PushFlag 1, and still within its lifetime. */
const wantsOfflinePush = (m: BroadcastMessage, now: number): boolean => m.offlineUntil > m.time && m.offlineUntil > now && m.offlinePush?.PushFlag !== 1;

/**
 * Walks the targeted users from where the progress says and queues a notification for each device
 * of those not online; records the position after each page.
 */
async function pushOffline(o: BroadcastDeliveryOptions, push: BroadcastOfflinePush, seq: number, m: BroadcastMessage, start: PushTaskProgress): Promise<PushTaskProgress> {
  const nick = m.senderProfile?.Tag_Profile_IM_Nick;
  const notification = notificationOf({ conversationId: `c2c_${m.from}`, from: m.from, ...(typeof nick === 'string' && nick !== '' ? { senderNick: nick } : {}), body: m.body, ...(m.offlinePush ? { info: m.offlinePush } : {}) });
  if (!notification) return start;
  const pages = new TargetPages(o.targets, push.devices, m.condition);
  const eventId = `${BROADCAST_STREAM}#${seq}`;
  const expiresAt = Math.min(m.offlineUntil, m.time + push.ttlMs);
  let progress = start;
  let at: PushTaskProgress['walk'] = start.walk ?? { source: 0, after: '' };
  while (at) {
    const page = await pages.page(at, o.chunk);
    const offline = page.userIds.filter((u) => !o.live.isOnline(u));
    const now = o.now();
    const jobs: PushJob[] = [];
    for (const [userId, devices] of byUser(offline.length > 0 ? await push.devices.devicesOf(offline) : [])) {
      for (const d of planPush({ notification, userId, online: false, devices, now })) jobs.push(pushJob(eventId, d, now, expiresAt));
    }
    await push.jobs.publish(jobs);
    for (const j of jobs) push.planned?.(j.delivery.target.provider);
    at = page.next;
    progress = { ...progress, pushed: (progress.pushed ?? 0) + jobs.length, ...(at ? { walk: at } : { pushDone: true }) };
    await o.targets.putTaskProgress(m.taskId, progress, o.now());
  }
  o.log.info({ taskId: m.taskId, pushed: progress.pushed ?? 0 }, 'broadcast: offline push queued');
  return progress;
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

/** Whether the push is still worth handing to online users: within its lifetime, or sent moments ago. */
const live = (m: BroadcastMessage, now: number): boolean => now < Math.max(m.offlineUntil, m.time + LIVE_WINDOW_MS);

/** Records the progress, then tells the app server (a `broadcast.task` event, stable id per state). */
async function record(o: BroadcastDeliveryOptions, m: BroadcastMessage, seq: number, p: PushTaskProgress): Promise<void> {
  const now = o.now();
  await o.targets.putTaskProgress(m.taskId, p, now);
  await o.outbox.emit(BROADCAST_STREAM, [makeEvent('broadcast.task', `${m.taskId}#${p.state}`, BROADCAST_STREAM, now, { taskId: m.taskId, seq, state: p.state, online: p.online, pushed: p.pushed ?? 0 })]);
}
