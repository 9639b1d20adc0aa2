import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
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
