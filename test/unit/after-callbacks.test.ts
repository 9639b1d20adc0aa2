import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AFTER_COMMANDS } from '../../src/protocol/callback-commands.ts';
import type { CallbackClient, CallbackOutcome, CallbackRequest } from '../../src/events/callbacks/callback-client.ts';
import { type AfterCallbacks, startAfterCallbacks } from '../../src/events/callbacks/after-callbacks.ts';
import { type ParleyEvent, makeEvent } from '../../src/protocol/events.ts';
import { LocalEventBus } from '../../src/events/local-event-bus.ts';
import type { C2CMessage } from '../../src/protocol/entries.ts';
import { waitFor } from '../helpers/wait.ts';

const log = pino({ level: 'silent' });

function c2cEvent(to: string, seq: number, opts: Partial<C2CMessage> = {}): ParleyEvent {
  const message: C2CMessage = { kind: 'c2c', from: 'alice', to, time: 1_700_000_000_000 + seq, msgKey: `${seq}_1_1700000000`, msgSeq: seq, random: 1, body: [], flags: 0, ...opts };
  return makeEvent('c2c.message', `u:${to}#${seq}`, `u:${to}`, message.time, { seq, message });
}

/** A client whose answer is chosen per request; records every request with the time it was made. */
function scriptedClient(answer: (req: CallbackRequest, attempt: number) => CallbackOutcome | Promise<CallbackOutcome>): CallbackClient & { calls: { req: CallbackRequest; at: number }[] } {
  const calls: { req: CallbackRequest; at: number }[] = [];
  const attempts = new Map<string, number>();
  return {
    calls,
    async send(req) {
      calls.push({ req, at: Date.now() });
      const key = `${String(req.payload.To_Account)}/${String(req.payload.MsgKey)}`;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      return answer(req, n);
    },
  };
}

const OK: CallbackOutcome = { ok: true, answer: { ErrorCode: 0, ErrorInfo: '' } };

describe('after-callback consumer', () => {
  let bus: LocalEventBus;
  let after: AfterCallbacks | undefined;

  afterEach(async () => {
    await after?.stop();
    after = undefined;
    await bus.close();
  });

  async function start(client: CallbackClient, o: { retries?: number; enabled?: readonly string[] } = {}): Promise<void> {
    bus = new LocalEventBus({ file: ':memory:', retentionMs: 60_000, log });
    after = await startAfterCallbacks({ bus, client, enabled: new Set(o.enabled ?? AFTER_COMMANDS), retries: o.retries ?? 5, retryBaseMs: 20, groupTypeOf: async () => 'Public', log });
  }

  it('calls back every event of one key in order, retrying a failing one with growing delays before going on', async () => {
    const client = scriptedClient((req, attempt) => (req.payload.MsgSeq === 2 && attempt <= 2 ? { ok: false, reason: 'HTTP 500' } : OK));
    await start(client);
    await bus.publish([c2cEvent('bob', 1), c2cEvent('bob', 2), c2cEvent('bob', 3)]);
    await waitFor(() => client.calls.length >= 5, 'five requests');
    expect(client.calls.map((c) => c.req.payload.MsgSeq)).toEqual([1, 2, 2, 2, 3]);
    const [, first, second, third] = client.calls.map((c) => c.at);
    expect(third - second).toBeGreaterThan(second - first); // 20 ms, then 40 ms
  });

  it('skips a callback after its last retry and delivers the next events', async () => {
    const client = scriptedClient((req) => (req.payload.MsgSeq === 1 ? { ok: false, reason: 'ECONNREFUSED' } : OK));
    await start(client, { retries: 2 });
    await bus.publish([c2cEvent('bob', 1), c2cEvent('bob', 2)]);
    await waitFor(() => client.calls.some((c) => c.req.payload.MsgSeq === 2), 'the next event');
    expect(client.calls.map((c) => c.req.payload.MsgSeq)).toEqual([1, 1, 1, 2]);
  });

  it('does not hold one key back behind another key’s failing webhook', async () => {
    const client = scriptedClient((req, attempt) => (req.payload.To_Account === 'slow' && attempt <= 3 ? { ok: false, reason: 'HTTP 503' } : OK));
    await start(client);
    await bus.publish([c2cEvent('slow', 1), c2cEvent('fast', 1), c2cEvent('fast', 2)]);
    await waitFor(() => client.calls.filter((c) => c.req.payload.To_Account === 'fast').length === 2, 'the other key');
    expect(client.calls.filter((c) => c.req.payload.To_Account === 'slow').length).toBeLessThan(4);
    await waitFor(() => client.calls.length === 6, 'the slow key');
  });

  it('sends nothing for commands that are off and for messages sent with ForbidAfterSendMsgCallback', async () => {
    const client = scriptedClient(() => OK);
    await start(client, { enabled: ['State.StateChange'] });
    await bus.publish([
      c2cEvent('bob', 1),
      c2cEvent('bob', 2, { noAfterCallback: true }),
      makeEvent('state.changed', 's1', 'u:bob', 1, { userId: 'bob', action: 'Login', reason: 'Register', platform: 'Web' }),
    ]);
    await waitFor(() => client.calls.length >= 1, 'the state change');
    await new Promise((r) => setTimeout(r, 100));
    expect(client.calls.map((c) => c.req.command)).toEqual(['State.StateChange']);
  });

  it('abandons the batch in hand on stop, so it is delivered again on the next start', async () => {
    const client = scriptedClient((req) => (req.payload.MsgSeq === 1 ? OK : { ok: false, reason: 'HTTP 500' }));
    bus = new LocalEventBus({ file: ':memory:', retentionMs: 60_000, log });
    const first = await startAfterCallbacks({ bus, client, enabled: new Set(AFTER_COMMANDS), retries: 5, retryBaseMs: 60_000, groupTypeOf: async () => undefined, log });
    await bus.publish([c2cEvent('bob', 1)]);
    await waitFor(() => client.calls.length === 1, 'the first event');
    await new Promise((r) => setTimeout(r, 50)); // committed
    await bus.publish([c2cEvent('bob', 2)]);
    await waitFor(() => client.calls.length === 2, 'the first attempt at the second event');
    const t0 = Date.now();
    await first.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    const again = scriptedClient(() => OK);
    after = await startAfterCallbacks({ bus, client: again, enabled: new Set(AFTER_COMMANDS), retries: 5, groupTypeOf: async () => undefined, log });
    await waitFor(() => again.calls.length === 1, 'redelivery');
    expect(again.calls[0].req.payload.MsgSeq).toBe(2);
  });
});
