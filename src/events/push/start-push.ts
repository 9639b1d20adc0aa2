/**
 * Offline push as one feature (issue 16): the senders of the configured providers, the dispatcher
 * that plans jobs from messages, and the delivery workers that send them. `start` subscribes both
 * consumer groups (once the server listens), `stop` ends them and closes the providers'
 * connections (before the buses close).
 */
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../../im/event-bus.ts';
import type { Metrics } from '../../ops/metrics.ts';
import type { PushInfo } from '../../im/context.ts';
import type { PushDeviceStore } from '../../../storage/store.ts';
import type { PushConfig } from '../../push/push-config.ts';
import type { PushJob } from '../../push/push-job.ts';
import { createApnsSender } from '../../push/apns-sender.ts';
import { createFcmSender, serviceAccountFromJson } from '../../push/fcm-sender.ts';
import { createWebPushSender } from '../../push/web-push-sender.ts';
import { type PushAudience, startPushDispatch } from './push-dispatch.ts';
import { type PushDelivery, type PushSenders, startPushDelivery } from './push-delivery.ts';

export interface OfflinePushDeps {
  readonly config: PushConfig;
  readonly events: EventBus;
  readonly jobs: EventBus<PushJob>;
  readonly audience: PushAudience;
  readonly devices: PushDeviceStore;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly log: Logger;
}

export interface OfflinePush {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Per configured provider: `ok`, or why it is failing. */
  health(): Record<string, string>;
}

/** What devices are told of push (push.config). */
export function pushInfoOf(c: PushConfig): PushInfo {
  const providers = [...(c.apns ? (['apns'] as const) : []), ...(c.fcm ? (['fcm'] as const) : []), ...(c.webpush ? (['webpush'] as const) : [])];
  return { providers, ...(c.webpush ? { vapidPublicKey: c.webpush.publicKey } : {}) };
}

/** The configured providers' senders; a malformed credential throws here, at start. */
export function createSenders(c: PushConfig, now: () => number): PushSenders {
  // A `ca` replaces Node's trusted roots: PARLEY_PUSH_CA_FILE adds to them, so the public providers stay trusted.
  const ca = c.ca ? [...tls.rootCertificates, c.ca].join('\n') : undefined;
  return {
    ...(c.apns ? { apns: createApnsSender({ ...c.apns, ...(ca ? { ca } : {}), now }) } : {}),
    ...(c.fcm ? { fcm: createFcmSender({ serviceAccount: serviceAccountFromJson(c.fcm.serviceAccountJson), baseUrl: c.fcm.baseUrl, ...(ca ? { ca } : {}), now }) } : {}),
    ...(c.webpush ? { webpush: createWebPushSender({ vapid: c.webpush, ...(ca ? { ca } : {}) }) } : {}),
  };
}

export function createOfflinePush(d: OfflinePushDeps): OfflinePush {
  const log = d.log.child({ feature: 'push' });
  const senders = createSenders(d.config, d.now);
  let dispatch: Subscription | undefined;
  let delivery: PushDelivery | undefined;
  return {
    async start() {
      delivery ??= await startPushDelivery({
        jobs: d.jobs,
        senders,
        devices: d.devices,
        retries: d.config.retries,
        now: d.now,
        log,
        metrics: {
          sent: (provider, seconds) => {
            d.metrics.pushSent.inc({ provider });
            d.metrics.pushLatency.observe({ provider }, seconds);
          },
          failed: (provider, action, reason) => d.metrics.pushFailed.inc({ provider, action, reason }),
        },
      });
      dispatch ??= await startPushDispatch({
        events: d.events,
        jobs: d.jobs,
        audience: d.audience,
        ttlMs: d.config.ttlS * 1000,
        now: d.now,
        log,
        planned: (provider) => d.metrics.pushPlanned.inc({ provider }),
      });
    },
    async stop() {
      await dispatch?.stop();
      await delivery?.stop();
      dispatch = delivery = undefined;
      await Promise.all(Object.values(senders).map((s) => s.close()));
    },
    health: () => delivery?.health() ?? {},
  };
}
