/**
 * After-callbacks: a consumer group on the event bus that turns domain events into Tencent
 * after-callbacks (payloads.ts) and POSTs them to the app server, off the send path, so a slow
 * webhook never slows sending.
 *
 * Delivery: at least once (a batch is committed once every callback in it was delivered or given
 * up). Events of one key are called back one after another, in order; different keys in a batch
 * run in parallel, at most `concurrency` at a time. A failed callback is retried `retries` times
 * after `retryBaseMs`, doubling; then it is logged and skipped. Stopping abandons the batch in hand,
 * which is delivered again on the next start.
 */
import type { Logger } from 'pino';
import type { EventBus, Subscription } from '../../im/event-bus.ts';
import type { ParleyEvent } from '../../protocol/events.ts';
import type { CallbackClient } from './callback-client.ts';
import { afterCallbackOf, groupTypeNeeded } from './payloads.ts';
import { pooled } from '../pooled.ts';

/** The consumer group of after-callbacks on the event bus. */
export const CALLBACK_GROUP = 'parley-callbacks';

export interface AfterCallbacksOptions {
  readonly bus: EventBus;
  readonly client: CallbackClient;
  /** Commands switched on; events of the others are skipped. */
  readonly enabled: ReadonlySet<string>;
  readonly retries: number;
  /** Delay before the first retry, doubling with each further one, ms (default 500). */
  readonly retryBaseMs?: number;
  /** Keys handled at once within a batch (default 16). */
  readonly concurrency?: number;
  /** A group's type, for callbacks whose event does not carry it; undefined when the group is unknown. */
  readonly groupTypeOf: (groupId: string) => Promise<string | undefined>;
  readonly log: Logger;
}

export interface AfterCallbacks {
  /** Stops after aborting the callbacks in flight; their batch is not committed. */
  stop(): Promise<void>;
}

class Stopped extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopped());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Stopped());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Groups a batch by key, each key's events in batch order. */
function byKey(events: readonly ParleyEvent[]): ParleyEvent[][] {
  const lanes = new Map<string, ParleyEvent[]>();
  for (const e of events) {
    const lane = lanes.get(e.key);
    if (lane) lane.push(e);
    else lanes.set(e.key, [e]);
  }
  return [...lanes.values()];
}


export async function startAfterCallbacks(o: AfterCallbacksOptions): Promise<AfterCallbacks> {
  const stopping = new AbortController();
  const retryBaseMs = o.retryBaseMs ?? 500;

  async function deliver(e: ParleyEvent): Promise<void> {
    const needs = groupTypeNeeded(e);
    const callback = afterCallbackOf(e, needs ? ((await o.groupTypeOf(needs)) ?? '') : '');
    if (!callback || !o.enabled.has(callback.command)) return;
    for (let attempt = 0; ; attempt++) {
      const outcome = await o.client.send({ command: callback.command, payload: callback.payload, platform: callback.platform, clientIp: callback.clientIp }, stopping.signal);
      if (outcome.ok) return;
      if (stopping.signal.aborted) throw new Stopped();
      if (attempt >= o.retries) {
        o.log.error({ command: callback.command, event: e.id, reason: outcome.reason, attempts: attempt + 1 }, 'after-callback failed; skipped');
        return;
      }
      o.log.warn({ command: callback.command, event: e.id, reason: outcome.reason, attempt: attempt + 1 }, 'after-callback failed; retrying');
      await sleep(retryBaseMs * 2 ** attempt, stopping.signal);
    }
  }

  const subscription: Subscription = await o.bus.subscribe(
    (events) =>
      pooled(byKey(events), o.concurrency ?? 16, async (lane) => {
        for (const e of lane) await deliver(e);
      }),
    { group: CALLBACK_GROUP, from: 'latest' },
  );

  return {
    async stop() {
      stopping.abort();
      await subscription.stop();
    },
  };
}
