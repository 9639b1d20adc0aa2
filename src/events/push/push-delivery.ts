/**
 * Push delivery workers (issue 16 item 4): a consumer group on the push log that sends each job
 * through its provider's sender and acts on the outcome:
 * - sent: counted, with its latency;
 * - dead token (Web Push 404/410, APNs 410/BadDeviceToken, FCM UNREGISTERED…): the registration is
 *   removed — only if it is still the address that failed, and for APNs 410 only if it was not
 *   registered again after the token stopped working;
 * - retry (network, 429, 5xx): sent again after an exponential backoff with full jitter, never
 *   before Retry-After, at most `retries` times and never after the job expires;
 * - bad configuration (our credentials): that provider is marked failing on /health and in
 *   metrics, and its jobs are skipped for `configBackoffMs` before one is tried again — tokens are
 *   never removed for it;
 * - a message that can never be sent: given up and logged.
 *
 * Delivery is best-effort, as the providers' own: a batch is committed once each job was tried
 * once; retries wait in memory, so a crash loses the pending ones (a stale "new message" push is
 * noise, the message itself is safe in the inbox).
 */
import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../../im/event-bus.ts';
import type { PushDeviceStore } from '../../../storage/store.ts';
import type { PushJob } from '../../push/push-job.ts';
import type { PushOutcome, PushProvider, PushSender, SendOptions } from '../../push/provider.ts';
import type { PushTarget } from '../../protocol/push.ts';
import type { PushNotification } from '../../push/notification.ts';

export const PUSH_SEND_GROUP = 'parley-push-send';

export type PushSenders = { readonly [P in PushProvider]?: PushSender<P> };

export interface PushDeliveryMetrics {
  sent(provider: PushProvider, seconds: number): void;
  failed(provider: PushProvider, action: string, reason: string): void;
}

export interface PushDeliveryOptions {
  readonly jobs: EventBus<PushJob>;
  /** The configured providers' senders (a job for another provider is skipped and counted). */
  readonly senders: PushSenders;
  readonly devices: Pick<PushDeviceStore, 'devicesOf' | 'removeDevice'>;
  /** Further tries after a retryable failure (default 5). */
  readonly retries?: number;
  /** Backoff base and cap, ms (default 1 s and 5 min). */
  readonly retryBaseMs?: number;
  readonly retryCapMs?: number;
  /** How long a provider with bad configuration is left alone before it is tried again, ms (default 60 s). */
  readonly configBackoffMs?: number;
  /** Jobs sent at once (default 32). */
  readonly concurrency?: number;
  /** Retries waiting at most; beyond, a failure is given up (default 10,000). */
  readonly maxPending?: number;
  readonly now: () => number;
  readonly random?: () => number;
  readonly metrics: PushDeliveryMetrics;
  readonly log: Logger;
}

export interface PushDelivery {
  /** Per configured provider: `ok`, or why it is failing (bad configuration). */
  health(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startPushDelivery(o: PushDeliveryOptions): Promise<PushDelivery> {
  const worker = new DeliveryWorker(o);
  const subscription: Subscription = await o.jobs.subscribe((jobs) => worker.sendAll(jobs), { group: PUSH_SEND_GROUP, from: 'latest' });
  return {
    health: () => worker.health(),
    async stop() {
      worker.stop();
      await subscription.stop();
    },
  };
}

class DeliveryWorker {
  readonly #o: PushDeliveryOptions;
  /** Providers failing on their configuration: why, and until when they are skipped. */
  readonly #failing = new Map<PushProvider, { reason: string; until: number }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(o: PushDeliveryOptions) {
    this.#o = o;
  }

  /** One user's jobs go one after another, in order (a later notification replaces an earlier one); users in parallel. */
  async sendAll(jobs: readonly PushJob[]): Promise<void> {
    const byUser = new Map<string, PushJob[]>();
    for (const j of jobs) {
      const lane = byUser.get(j.key);
      if (lane) lane.push(j);
      else byUser.set(j.key, [j]);
    }
    const lanes = [...byUser.values()];
    let next = 0;
    const runners = Array.from({ length: Math.min(this.#o.concurrency ?? 32, lanes.length) }, async () => {
      while (next < lanes.length) for (const j of lanes[next++]) await this.#attempt(j, 0);
    });
    await Promise.all(runners);
  }

  health(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of Object.keys(this.#o.senders) as PushProvider[]) out[p] = this.#failing.get(p)?.reason ?? 'ok';
    return out;
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  async #attempt(job: PushJob, attempt: number): Promise<void> {
    const { target, notification } = job.delivery;
    const provider = target.provider;
    const now = this.#o.now();
    if (now >= job.expiresAt) return this.#o.metrics.failed(provider, 'expired', 'expired');
    const failing = this.#failing.get(provider);
    if (failing && now < failing.until) return this.#o.metrics.failed(provider, 'skipped', 'provider-misconfigured');
    const outcome = await sendTo(this.#o.senders, target, notification, { ttlSeconds: Math.floor((job.expiresAt - now) / 1000) });
    if (!outcome) return this.#o.metrics.failed(provider, 'skipped', 'not-configured');
    if (outcome.ok) {
      this.#failing.delete(provider);
      return this.#o.metrics.sent(provider, (this.#o.now() - now) / 1000);
    }
    this.#o.metrics.failed(provider, outcome.action, outcome.reason);
    switch (outcome.action) {
      case 'drop-token':
        return this.#dropToken(job, outcome.invalidatedAt);
      case 'retry':
        return this.#retryLater(job, attempt, outcome.retryAfterMs);
      case 'fix-config':
        if (!this.#failing.has(provider)) this.#o.log.error({ provider, status: outcome.status, reason: outcome.reason }, 'push provider refuses our credentials or configuration; fix the PARLEY_* push settings');
        this.#failing.set(provider, { reason: `${outcome.status} ${outcome.reason}`, until: now + (this.#o.configBackoffMs ?? 60_000) });
        return;
      case 'drop-message':
        this.#o.log.warn({ provider, id: job.id, status: outcome.status, reason: outcome.reason }, 'push notification refused by its provider; given up');
    }
  }

  /** Removes the registration that failed, unless the device registered another address (or the same again, after it died). */
  async #dropToken(job: PushJob, invalidatedAt: number | undefined): Promise<void> {
    const { userId, deviceId, target } = job.delivery;
    const current = (await this.#o.devices.devicesOf([userId])).find((d) => d.deviceId === deviceId);
    if (!current || current.target !== JSON.stringify(target)) return;
    if (invalidatedAt !== undefined && current.registeredAt > invalidatedAt) return;
    await this.#o.devices.removeDevice(userId, deviceId);
    this.#o.log.info({ userId, deviceId, provider: target.provider }, 'dead push registration removed');
  }

  #retryLater(job: PushJob, attempt: number, retryAfterMs: number | undefined): void {
    if (this.#stopped || attempt >= (this.#o.retries ?? 5) || this.#timers.size >= (this.#o.maxPending ?? 10_000)) return;
    const base = this.#o.retryBaseMs ?? 1000;
    const backoff = (this.#o.random ?? Math.random)() * Math.min(this.#o.retryCapMs ?? 300_000, base * 2 ** attempt);
    const delay = Math.max(retryAfterMs ?? 0, backoff);
    if (this.#o.now() + delay >= job.expiresAt) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(job, attempt + 1).catch((e: unknown) => this.#o.log.warn({ err: e, id: job.id }, 'push retry failed'));
    }, delay);
    timer.unref();
    this.#timers.add(timer);
  }
}

/** The provider's answer, or undefined when it is not configured; a sender that breaks its contract and throws counts as retryable. */
async function sendTo(senders: PushSenders, target: PushTarget, n: PushNotification, o: SendOptions): Promise<PushOutcome | undefined> {
  try {
    switch (target.provider) {
      case 'apns':
        return await senders.apns?.send(target, n, o);
      case 'fcm':
        return await senders.fcm?.send(target, n, o);
      case 'webpush':
        return await senders.webpush?.send(target, n, o);
    }
  } catch (e) {
    return { ok: false, action: 'retry', status: 0, reason: (e as { code?: string }).code ?? String(e) };
  }
}
