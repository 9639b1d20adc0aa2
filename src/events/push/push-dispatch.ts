/**
 * The offline-push dispatcher (issue 16 item 2): a consumer group on the event bus that turns each
 * `c2c.message` and `group.message` into push jobs for the receivers who are not online, and puts
 * them on the push log for the delivery workers (push-delivery.ts). It reads, decides and writes
 * jobs; it never talks to a provider, so a slow provider slows neither sending nor this.
 *
 * Who is pushed: a C2C message's receiver; a group message's members who take notifications of
 * the group (MsgFlag AcceptAndNotify, in a type with offline push), or its targeted receivers —
 * never the sender, never imported history, never with PushFlag 1. A user with any device
 * connected gets none (they have it live). How: push-plan.ts (device settings, quiet hours).
 *
 * Delivery: at least once. A batch's jobs are published before the batch is committed, so a crash
 * in between plans them again, with the same ids.
 */
import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../../im/event-bus.ts';
import type { C2CMessageData, GroupMessageData, ParleyEvent } from '../../protocol/events.ts';
import type { PushDeviceRecord } from '../../../storage/store.ts';
import type { GroupPushAudience } from '../../im/push/push-audience.ts';
import { type PushJob, pushJob } from '../../push/push-job.ts';
import { type PushDelivery, groupPushSource, planC2CPush, planPush } from '../../push/push-plan.ts';
import { notificationOf } from '../../push/notification.ts';
import { pooled } from '../pooled.ts';

export const PUSH_DISPATCH_GROUP = 'parley-push-dispatch';

/** Devices are read for this many users at a time. */
const DEVICE_READ_CHUNK = 200;
/** Badges (unread totals) read at once for one group message. */
const BADGE_READS = 16;

/** What the dispatcher reads of the domain. */
export interface PushAudience {
  /** Whether the user has a device connected (the node's view of the cluster's presence). */
  isOnline(userId: string): boolean;
  devicesOf(userIds: readonly string[]): Promise<PushDeviceRecord[]>;
  /** The badge: the user's unread total over all conversations. */
  unreadTotal(userId: string): Promise<number>;
  group(groupId: string): Promise<GroupPushAudience | undefined>;
}

export interface PushDispatchOptions {
  readonly events: EventBus;
  readonly jobs: EventBus<PushJob>;
  readonly audience: PushAudience;
  /** How long after its message a push is still worth showing, ms. */
  readonly ttlMs: number;
  readonly now: () => number;
  readonly log: Logger;
  /** Counts each job planned, by provider. */
  readonly planned?: (provider: string) => void;
}

export async function startPushDispatch(o: PushDispatchOptions): Promise<Subscription> {
  return o.events.subscribe(
    async (events) => {
      const jobs: PushJob[] = [];
      for (const e of events) for (const job of await jobsOf(o, e)) jobs.push(job);
      await o.jobs.publish(jobs);
      for (const j of jobs) o.planned?.(j.delivery.target.provider);
    },
    { group: PUSH_DISPATCH_GROUP, from: 'latest' },
  );
}

async function jobsOf(o: PushDispatchOptions, e: ParleyEvent): Promise<PushJob[]> {
  const now = o.now();
  // A message older than the push TTL (a backlog after an outage) is not worth a push, nor its reads.
  const expiresAt = e.time + o.ttlMs;
  if (expiresAt <= now) return [];
  const deliveries = e.type === 'c2c.message' ? await c2cDeliveries(o, e.data, now) : e.type === 'group.message' ? await groupDeliveries(o, e.data, now) : [];
  return deliveries.map((d) => pushJob(e.id, d, now, expiresAt));
}

async function c2cDeliveries(o: PushDispatchOptions, { message: m, unread }: C2CMessageData, now: number): Promise<PushDelivery[]> {
  if (m.imported === 'history' || m.from === m.to || m.offlinePush?.PushFlag === 1 || o.audience.isOnline(m.to)) return [];
  const devices = await o.audience.devicesOf([m.to]);
  if (devices.length === 0) return [];
  const badge = m.offlinePush?.ApnsInfo?.BadgeMode === 1 ? 0 : await o.audience.unreadTotal(m.to).catch(() => unread ?? 0);
  return planC2CPush(m, badge, { online: false, devices, now });
}

async function groupDeliveries(o: PushDispatchOptions, { message: m }: GroupMessageData, now: number): Promise<PushDelivery[]> {
  if (m.imported || m.offlinePush?.PushFlag === 1) return [];
  const group = await o.audience.group(m.groupId);
  if (!group) return [];
  const notified = m.to ? new Set(group.notified) : undefined;
  const receivers = (m.to ? m.to.filter((u) => notified?.has(u)) : group.notified).filter((u) => u !== m.from && !o.audience.isOnline(u));
  const byUser = await devicesByUser(o, receivers);
  const users = [...byUser.keys()];
  const out: PushDelivery[] = [];
  await pooled(users, BADGE_READS, async (userId) => {
    const badge = m.offlinePush?.ApnsInfo?.BadgeMode === 1 ? 0 : await o.audience.unreadTotal(userId);
    const source = groupPushSource(m, group.name, userId, badge);
    const notification = source && notificationOf(source);
    if (notification) out.push(...planPush({ notification, userId, online: false, devices: byUser.get(userId) ?? [], now }));
  });
  return out;
}

/** The registered devices of `users` who have any, read in chunks. */
async function devicesByUser(o: PushDispatchOptions, users: readonly string[]): Promise<Map<string, PushDeviceRecord[]>> {
  const out = new Map<string, PushDeviceRecord[]>();
  for (let i = 0; i < users.length; i += DEVICE_READ_CHUNK) {
    for (const d of await o.audience.devicesOf(users.slice(i, i + DEVICE_READ_CHUNK))) {
      const list = out.get(d.userId);
      if (list) list.push(d);
      else out.set(d.userId, [d]);
    }
  }
  return out;
}

