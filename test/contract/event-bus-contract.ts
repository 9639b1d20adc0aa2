/**
 * The EventBus contract: every adapter (in-process SQLite log, Kafka) runs this suite through
 * `runEventBusContract({ name, create })`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus, Subscription } from '../../src/im/event-bus.ts';
import { type ParleyEvent, makeEvent } from '../../src/protocol/events.ts';
import { eventually, waitFor } from '../helpers/wait.ts';

export interface EventBusContractOptions {
  readonly name: string;
  /** A bus whose topic and groups no other run uses. `restart` opens the same log again (same file or topic). */
  readonly create: () => Promise<{ bus: EventBus; reopen: () => Promise<EventBus> }>;
  readonly unavailable?: () => string | undefined;
}

let counter = 0;
const group = (): string => `contract-${process.pid}-${Date.now()}-${counter++}`;

const event = (key: string, n: number): ParleyEvent =>
  makeEvent('account.imported', `${key}#${n}`, key, 1_700_000_000_000 + n, { userIds: [`${key}-${n}`] });

/** Consumes with `group` into `into` until stopped. */
async function collect(bus: EventBus, into: ParleyEvent[], grp: string, fail?: () => boolean): Promise<Subscription> {
  return bus.subscribe(async (events) => {
    if (fail?.()) throw new Error('handler failure (on purpose)');
    into.push(...events);
  }, { group: grp, from: 'earliest' });
}

export function runEventBusContract(o: EventBusContractOptions): void {
  const reason = o.unavailable?.();
  describe.skipIf(reason !== undefined)(`EventBus contract: ${o.name}${reason ? ` (skipped: ${reason})` : ''}`, () => {
    let bus: EventBus;
    let reopen: () => Promise<EventBus>;

    beforeAll(async () => {
      ({ bus, reopen } = await o.create());
    });

    afterAll(async () => {
      await bus?.close();
    });

    it('delivers every published event to a group, in order per key', async () => {
      const keys = ['u:a', 'u:b', 'g:c'];
      const published = keys.flatMap((k) => Array.from({ length: 30 }, (_, i) => event(k, i)));
      await bus.publish(published);
      const got: ParleyEvent[] = [];
      const sub = await collect(bus, got, group());
      await waitFor(() => got.length >= published.length, 'every event');
      await sub.stop();
      for (const k of keys) expect(got.filter((e) => e.key === k).map((e) => e.id)).toEqual(published.filter((e) => e.key === k).map((e) => e.id));
    });

    it('gives each group its own copy', async () => {
      const key = `u:copy-${counter++}`;
      await bus.publish([event(key, 1), event(key, 2)]);
      const a: ParleyEvent[] = [];
      const b: ParleyEvent[] = [];
      const [sa, sb] = await Promise.all([collect(bus, a, group()), collect(bus, b, group())]);
      await waitFor(() => a.filter((e) => e.key === key).length === 2 && b.filter((e) => e.key === key).length === 2, 'both groups');
      await Promise.all([sa.stop(), sb.stop()]);
    });

    it('redelivers a batch whose handler failed', async () => {
      const key = `u:retry-${counter++}`;
      await bus.publish([event(key, 1)]);
      let failures = 2;
      const got: ParleyEvent[] = [];
      const sub = await collect(bus, got, group(), () => failures-- > 0);
      await waitFor(() => got.some((e) => e.key === key), 'the event after two failures', 30_000);
      await sub.stop();
      expect(failures).toBeLessThan(0);
    });

    it('resumes a group after its last commit when a consumer restarts, with nothing lost', async () => {
      const key = `u:resume-${counter++}`;
      const grp = group();
      await bus.publish(Array.from({ length: 10 }, (_, i) => event(key, i)));
      const first: ParleyEvent[] = [];
      const s1 = await collect(bus, first, grp);
      await waitFor(() => first.filter((e) => e.key === key).length >= 10, 'the first ten');
      await s1.stop();
      await bus.publish(Array.from({ length: 10 }, (_, i) => event(key, 10 + i)));
      const second: ParleyEvent[] = [];
      const s2 = await collect(bus, second, grp);
      await waitFor(() => second.filter((e) => e.key === key).length >= 10, 'the next ten');
      await s2.stop();
      const all = [...first, ...second].filter((e) => e.key === key).map((e) => e.id);
      expect(new Set(all)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `${key}#${i}`)));
      expect(second.filter((e) => e.key === key).map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `${key}#${10 + i}`));
    });

    it('keeps published events across a reopen of the bus (durable)', async () => {
      const key = `u:durable-${counter++}`;
      await bus.publish([event(key, 1)]);
      await bus.close();
      bus = await reopen();
      const got: ParleyEvent[] = [];
      const sub = await collect(bus, got, group());
      await waitFor(() => got.some((e) => e.key === key), 'the event published before the reopen');
      await sub.stop();
    });

    it('reports the lag of a group', async () => {
      const key = `u:lag-${counter++}`;
      const grp = group();
      await bus.publish([event(key, 1)]);
      const got: ParleyEvent[] = [];
      const sub = await collect(bus, got, grp);
      await waitFor(() => got.some((e) => e.key === key), 'the event');
      await eventually(async () => {
        const lag = await sub.lag();
        if (lag !== undefined) expect(lag).toBe(0);
      });
      await sub.stop();
    });
  });
}
