import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type ParleyEvent, makeEvent } from '../../src/protocol/events.ts';
import { eventually } from '../helpers/wait.ts';
import { LocalEventBus } from '../../src/events/local-event-bus.ts';
import { runEventBusContract } from './event-bus-contract.ts';

runEventBusContract({
  name: 'in-process (SQLite log)',
  create: async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-events-')), 'events.db');
    const open = () => new LocalEventBus({ file, retentionMs: 86_400_000, log: pino({ level: 'silent' }) });
    return { bus: open(), reopen: async () => open() };
  },
});

describe('in-process event bus: the in-memory tail', () => {
  it('hands a late group every event once, in order, across the change from the file to the tail, while publishing goes on', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-events-')), 'events.db');
    const bus = new LocalEventBus({ file, retentionMs: 86_400_000, log: pino({ level: 'silent' }), batchSize: 700 });
    const event = (n: number): ParleyEvent => makeEvent('account.imported', `tail#${n}`, `k${n % 7}`, 1_700_000_000_000 + n, { userIds: [`u${n}`] });
    // More than the tail holds, so the first reads come from the file.
    for (let n = 0; n < 20_000; n += 500) await bus.publish(Array.from({ length: 500 }, (_, i) => event(n + i)));
    const got: string[] = [];
    const sub = await bus.subscribe(async (events) => void got.push(...events.map((e) => e.id)), { group: 'late', from: 'earliest' });
    for (let n = 20_000; n < 21_000; n += 10) await bus.publish(Array.from({ length: 10 }, (_, i) => event(n + i)));
    await eventually(async () => expect(got.length).toBe(21_000));
    expect(got).toEqual(Array.from({ length: 21_000 }, (_, n) => `tail#${n}`));
    expect(await sub.lag()).toBe(0);
    await sub.stop();
    await bus.close();
  });
});
