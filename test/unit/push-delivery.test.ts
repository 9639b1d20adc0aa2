/**
 * The push delivery workers' rules over the real embedded log, with senders whose answers are
 * scripted per attempt: a retryable failure is sent again until it goes;
 * a dead token removes the registration only while it is still the address that failed (and, for
 * APNs, not registered again after it died); a provider refusing our credentials shows on health,
 * its jobs skipped, tokens kept; an expired job is never sent.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../src/events/local-event-bus.ts';
import { type PushDelivery, startPushDelivery } from '../../src/events/push/push-delivery.ts';
import type { PushOutcome, PushSender } from '../../src/push/provider.ts';
import { type PushJob, pushJob } from '../../src/push/push-job.ts';
import type { PushNotification } from '../../src/push/notification.ts';
import type { PushTarget } from '../../src/protocol/push.ts';
import type { PushDeviceRecord } from '../../storage/store.ts';
import { waitFor } from '../helpers/wait.ts';

const log = pino({ level: 'silent' });
const NOTE: PushNotification = { title: 'Amy', body: 'hi', mutableContent: false, threadId: 'c2c_amy', collapseId: 'c2c_amy' };
const FCM: PushTarget = { provider: 'fcm', token: 'tok-1' };

function scriptedSender(answers: (attempt: number) => PushOutcome): PushSender<'fcm'> & { sent: number } {
  let attempt = 0;
  const s = {
    provider: 'fcm' as const,
    sent: 0,
    async send() {
      s.sent++;
      return answers(++attempt);
    },
    async close() {},
  };
  return s;
}

/** A registry with one device, recording removals. */
function registry(record: Partial<PushDeviceRecord> = {}) {
  const device: PushDeviceRecord = { userId: 'ben', deviceId: 'ben-phone', platform: 'Android', provider: 'fcm', target: JSON.stringify(FCM), settings: '{}', registeredAt: 1000, lastActiveAt: 1000, ...record };
  const removed: string[] = [];
  return {
    removed,
    async devicesOf(ids: readonly string[]) {
      return ids.includes('ben') && removed.length === 0 ? [device] : [];
    },
    async removeDevice(_userId: string, deviceId: string) {
      removed.push(deviceId);
      return true;
    },
  };
}

const job = (n: number, expiresAt = Date.now() + 60_000): PushJob => pushJob(`u:ben#${n}`, { userId: 'ben', deviceId: 'ben-phone', target: FCM, notification: NOTE }, Date.now(), expiresAt);

describe('push delivery', () => {
  let bus: LocalEventBus<PushJob>;
  let delivery: PushDelivery | undefined;
  const counted: string[] = [];
  const metrics = { sent: () => void counted.push('sent'), failed: (_p: string, action: string, reason: string) => void counted.push(`${action}:${reason}`) };

  const start = async (sender: PushSender<'fcm'>, devices = registry(), extra: { configBackoffMs?: number } = {}) => {
    bus = new LocalEventBus<PushJob>({ file: ':memory:', retentionMs: 3_600_000, log });
    delivery = await startPushDelivery({ jobs: bus, senders: { fcm: sender }, devices, retryBaseMs: 5, now: Date.now, metrics, log, ...extra });
    return devices;
  };

  afterEach(async () => {
    await delivery?.stop();
    await bus.close();
    delivery = undefined;
    counted.length = 0;
  });

  it('sends a retryable failure again until it goes', async () => {
    const sender = scriptedSender((n) => (n < 3 ? { ok: false, action: 'retry', status: 429, reason: 'QUOTA_EXCEEDED', retryAfterMs: 20 } : { ok: true, id: 'm1' }));
    await start(sender);
    await bus.publish([job(1)]);
    await waitFor(() => counted.includes('sent'), 'the third attempt to go');
    expect(sender.sent).toBe(3);
    expect(counted).toEqual(['retry:QUOTA_EXCEEDED', 'retry:QUOTA_EXCEEDED', 'sent']);
  });

  it('removes a dead registration that is still the address that failed', async () => {
    const devices = await start(scriptedSender(() => ({ ok: false, action: 'drop-token', status: 404, reason: 'UNREGISTERED' })));
    await bus.publish([job(1)]);
    await waitFor(() => devices.removed.length > 0, 'the registration removed');
    expect(devices.removed).toEqual(['ben-phone']);
  });

  it('keeps a registration made again with a new address, or made after the token died', async () => {
    const moved = await start(scriptedSender(() => ({ ok: false, action: 'drop-token', status: 410, reason: 'Unregistered', invalidatedAt: 500 })), registry({ target: JSON.stringify({ provider: 'fcm', token: 'tok-2' }) }));
    await bus.publish([job(1)]);
    await waitFor(() => counted.length > 0, 'the answer');
    await delivery?.stop();
    await bus.close();
    counted.length = 0;
    const renewed = await start(scriptedSender(() => ({ ok: false, action: 'drop-token', status: 410, reason: 'Unregistered', invalidatedAt: 500 })), registry({ registeredAt: 900 }));
    await bus.publish([job(2)]);
    await waitFor(() => counted.length > 0, 'the answer');
    // Both answers were counted; neither registration went.
    expect([moved.removed, renewed.removed]).toEqual([[], []]);
  });

  it('marks a provider refusing our credentials on health and skips its jobs, keeping tokens', async () => {
    const sender = scriptedSender(() => ({ ok: false, action: 'fix-config', status: 401, reason: 'THIRD_PARTY_AUTH_ERROR' }));
    const devices = await start(sender, registry(), { configBackoffMs: 3_600_000 });
    expect(delivery?.health()).toEqual({ fcm: 'ok' });
    await bus.publish([job(1)]);
    await waitFor(() => counted.length === 1, 'the refusal');
    expect(delivery?.health()).toEqual({ fcm: '401 THIRD_PARTY_AUTH_ERROR' });
    await bus.publish([job(2)]);
    await waitFor(() => counted.length === 2, 'the next job skipped');
    expect(counted).toEqual(['fix-config:THIRD_PARTY_AUTH_ERROR', 'skipped:provider-misconfigured']);
    expect(sender.sent).toBe(1);
    expect(devices.removed).toEqual([]);
  });

  it('never sends a job that expired before its turn', async () => {
    const sender = scriptedSender(() => ({ ok: true }));
    await start(sender);
    await bus.publish([job(1, Date.now() - 1)]);
    await waitFor(() => counted.length === 1, 'the job handled');
    expect([counted, sender.sent]).toEqual([['expired:expired'], 0]);
  });
});
