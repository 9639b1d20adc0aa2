import { mkdtempSync, readFileSync, readdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.ts';
import type { Store } from '../../storage/store.ts';
import { Archiver } from '../../src/events/archive/archiver.ts';
import { HOUR_MS } from '../../src/events/archive/record-format.ts';
import { LocalEventBus } from '../../src/events/local-event-bus.ts';
import { type ParleyEvent, makeEvent } from '../../src/protocol/events.ts';
import { createMetrics, type Metrics } from '../../src/ops/metrics.ts';
import { eventually } from '../helpers/wait.ts';

const log = pino({ level: 'silent' });
const H0 = Date.UTC(2026, 0, 2, 3);
const body = (t: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: t } }];

const c2c = (n: number, time: number): ParleyEvent =>
  makeEvent('c2c.message', `u:bob#${n}`, 'u:bob', time, {
    seq: n,
    message: { kind: 'c2c', from: 'alice', to: 'bob', time, msgKey: `${n}_${n}_${Math.floor(time / 1000)}`, msgSeq: n, random: n, body: body(`c${n}`), flags: 0 },
  });
const grp = (n: number, time: number): ParleyEvent =>
  makeEvent('group.message', `g:@TGS#1#${n}`, 'g:@TGS#1', time, {
    seq: n,
    message: { kind: 'group', groupId: '@TGS#1', from: 'carol', time, random: n, body: body(`g${n}`), priority: 'Normal', flags: 0 },
  });

/** One node's archiver on an in-process bus and SQLite store, with a clock the test moves. */
class Rig {
  readonly dir = mkdtempSync(join(tmpdir(), 'parley-archiver-'));
  readonly bus = new LocalEventBus({ file: ':memory:', retentionMs: 30 * 86_400_000, log });
  readonly store: Store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL', groupCommitMs: 0 });
  metrics: Metrics = createMetrics();
  clock = H0 + 10 * 60_000;
  archiver: Archiver | undefined;

  async start(timers: { tickMs?: number; lagEveryMs?: number } = {}): Promise<Archiver> {
    this.metrics = createMetrics();
    this.archiver = new Archiver(
      { bus: this.bus, catalog: this.store.archive, metrics: this.metrics, now: () => this.clock, log },
      { dir: join(this.dir, 'archive'), sdkAppId: 1400000001, baseUrl: 'http://10.0.0.1:2567', group: 'parley-archive', graceMs: 60_000, retentionMs: 7 * 86_400_000, tickMs: 3_600_000, ...timers },
    );
    await this.archiver.start();
    return this.archiver;
  }

  async archived(chatType: 'C2C' | 'Group'): Promise<number> {
    return (await this.metrics.archivedMessages.get()).values.find((v) => v.labels.chat_type === chatType)?.value ?? 0;
  }

  /** Publishes events and waits until the archiver has written `expect` more messages of `chatType`. */
  async publish(events: ParleyEvent[], chatType: 'C2C' | 'Group', expected: number): Promise<void> {
    const before = await this.archived(chatType);
    await this.bus.publish(events);
    await eventually(async () => expect((await this.archived(chatType)) - before).toBe(expected));
  }

  /** The messages of a finalized file, by MsgSeq. */
  seqsOf(file: string): number[] {
    const doc = JSON.parse(gunzipSync(readFileSync(join(this.dir, 'archive', file))).toString('utf8')) as { MsgList: { MsgSeq: number }[] };
    return doc.MsgList.map((m) => m.MsgSeq);
  }

  async close(): Promise<void> {
    await this.archiver?.stop();
    await this.bus.close();
    await this.store.close();
  }
}

describe('chat-record archiver', () => {
  let rig: Rig;
  afterEach(async () => {
    await rig.close();
  });

  it('writes each hour and chat type into its own file, finalized only after the hour and the grace period', async () => {
    rig = new Rig();
    const a = await rig.start();
    await rig.publish([c2c(1, H0 + 1000), grp(1, H0 + 2000), c2c(2, H0 + HOUR_MS - 1), c2c(3, H0 + HOUR_MS)], 'C2C', 3);
    rig.clock = H0 + HOUR_MS + 59_999;
    await a.finalizeDue();
    expect(await rig.store.archive.listFiles('C2C', H0)).toEqual([]);
    rig.clock = H0 + HOUR_MS + 60_000;
    await a.finalizeDue();
    const [file] = await rig.store.archive.listFiles('C2C', H0);
    expect(file).toMatchObject({ chatType: 'C2C', hour: H0, baseUrl: 'http://10.0.0.1:2567' });
    expect(file.file).toMatch(/^C2C-2026010203-[a-z0-9]+-0\.json\.gz$/);
    expect(rig.seqsOf(file.file)).toEqual([1, 2]);
    const [g] = await rig.store.archive.listFiles('Group', H0);
    expect(rig.seqsOf(g.file)).toEqual([1]);
    expect(await rig.store.archive.listFiles('C2C', H0 + HOUR_MS)).toEqual([]); // the next hour is still open
    expect((await rig.metrics.archiveLastFinalizedHour.get()).values[0].value).toBe(H0 / 1000);
    expect((await rig.metrics.archiveFiles.get()).values.find((v) => v.labels.chat_type === 'Group')?.value).toBe(1);
  });

  it('skips redelivered events, also after a restart with a torn journal line', async () => {
    rig = new Rig();
    await rig.start();
    await rig.publish([c2c(1, H0 + 1), c2c(2, H0 + 2), c2c(1, H0 + 1)], 'C2C', 2);
    await rig.archiver?.stop();
    const [journal] = readdirSync(join(rig.dir, 'archive', 'open'));
    appendFileSync(join(rig.dir, 'archive', 'open', journal), '{"id":"u:bob#9","t":1,"m":{"Fro');
    const b = await rig.start();
    await rig.publish([c2c(2, H0 + 2), c2c(1, H0 + 1), c2c(3, H0 + 3)], 'C2C', 1);
    rig.clock = H0 + HOUR_MS + 60_000;
    await b.finalizeDue();
    const [file] = await rig.store.archive.listFiles('C2C', H0);
    expect(rig.seqsOf(file.file)).toEqual([1, 2, 3]);
    expect(readdirSync(join(rig.dir, 'archive', 'open'))).toEqual([]);
  });

  it('puts events arriving after their hour was finalized into a late part, without repeating earlier ones', async () => {
    rig = new Rig();
    const a = await rig.start();
    await rig.publish([grp(1, H0 + 1), grp(2, H0 + 2)], 'Group', 2);
    rig.clock = H0 + HOUR_MS + 60_000;
    await a.finalizeDue();
    await rig.publish([grp(2, H0 + 2), grp(3, H0 + 3)], 'Group', 1);
    await a.finalizeDue();
    expect((await rig.store.archive.listFiles('Group', H0)).length).toBe(1); // the late part waits a grace period too
    rig.clock += 60_000;
    await a.finalizeDue();
    const files = await rig.store.archive.listFiles('Group', H0);
    expect(files.map((f) => f.file.replace(/-[a-z0-9]+-(\d)\.json\.gz$/, '-$1'))).toEqual(['Group-2026010203-0', 'Group-2026010203-1']);
    expect(files.map((f) => rig.seqsOf(f.file))).toEqual([[1, 2], [3]]);
  });

  it('deletes files and catalogue records of hours older than the retention, and ignores events that old', async () => {
    rig = new Rig();
    const a = await rig.start();
    await rig.publish([c2c(1, H0 + 1), c2c(2, H0 + HOUR_MS + 1)], 'C2C', 2);
    rig.clock = H0 + 2 * HOUR_MS + 60_000;
    await a.finalizeDue();
    expect((await rig.store.archive.listFiles('C2C', H0 + HOUR_MS)).length).toBe(1);
    rig.clock = H0 + HOUR_MS + 7 * 86_400_000 - 1; // H0 is past the retention, H0 + 1 h is not
    await a.sweep();
    expect(await rig.store.archive.listFiles('C2C', H0)).toEqual([]);
    expect((await rig.store.archive.listFiles('C2C', H0 + HOUR_MS)).length).toBe(1);
    expect(readdirSync(join(rig.dir, 'archive')).filter((f) => f.includes('2026010203'))).toEqual([]);
    await rig.publish([c2c(3, H0 + 5), c2c(4, rig.clock)], 'C2C', 1);
    expect(readdirSync(join(rig.dir, 'archive', 'open')).map((f) => f.slice(0, 14))).toEqual(['C2C-2026010903']);
  });

  it('measures the consumer lag for /metrics and counts what it archived', async () => {
    rig = new Rig();
    await rig.start();
    await rig.publish([c2c(1, H0 + 1)], 'C2C', 1);
    await rig.archiver?.stop();
    await rig.bus.publish([c2c(2, H0 + 2), grp(1, H0 + 3), makeEvent('account.imported', 'a#1', 'a', H0, { userIds: ['x'] })]);
    await rig.start({ tickMs: 10, lagEveryMs: 0 });
    await eventually(async () => {
      expect([await rig.archived('C2C'), await rig.archived('Group')]).toEqual([1, 1]);
      expect((await rig.metrics.archiveLag.get()).values[0]?.value).toBe(0);
    });
  });
});
