/**
 * A push job: one notification for one device, as the dispatcher decided it, on the push log
 * (`parley.push` keyed by user, or the embedded log), for the delivery workers to send. Jobs are
 * best-effort: a stale one is dropped, not sent.
 */
import type { PushDelivery } from './push-plan.ts';

export interface PushJob {
  readonly v: 1;
  /** `<event id>><device id>`: stable, so a job planned again after a redelivery has the same id. */
  readonly id: string;
  /** `u:<user>`: one user's jobs are sent in order. */
  readonly key: string;
  /** When it was planned, Unix ms. */
  readonly time: number;
  readonly delivery: PushDelivery;
  /** After this Unix ms the notification is stale and not sent. */
  readonly expiresAt: number;
}

export function pushJob(eventId: string, delivery: PushDelivery, time: number, expiresAt: number): PushJob {
  return { v: 1, id: `${eventId}>${delivery.deviceId}`, key: `u:${delivery.userId}`, time, delivery, expiresAt };
}
