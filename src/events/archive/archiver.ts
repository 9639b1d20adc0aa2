/**
 * The chat-record archiver: a consumer group on the event stream that writes every stored C2C and
 * group message into hourly files (UTC hour of the message time, one file set per chat type and
 * node) and publishes finished hours in the archive catalogue for `open_msg_svc/get_history`.
 *
 * - While an hour is open its messages are appended to a journal; a batch is committed only after
 *   its messages are on disk, and an event already in the hour (same event id) is skipped, also
 *   after a restart — so each message is in this node's files exactly once.
 * - An hour is finalized once it ended and the grace period passed: gzipped, measured (size and
 *   MD5 before and after gzip) and recorded in the catalogue with this node's base URL.
 * - An event for an hour already finalized (a consumer far behind, a re-emission after a crash)
 *   opens a late part of that hour, finalized a grace period later; the catalogue lists every part.
 * - Files of hours older than the retention are deleted from disk and catalogue.
 *
 * All journal writes and finalizations run one at a time (batches and the timer share one queue).
 * In a cluster each node consumes some partitions; a partition that moves mid-hour leaves files for
 * that hour on both nodes, and a batch handed over uncommitted may appear in both.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ArchiveCatalog, ArchiveChatType } from '../../../storage/store.ts';
import type { Metrics } from '../../ops/metrics.ts';
import type { EventBus, Subscription } from '../../im/event-bus.ts';
import type { ParleyEvent } from '../../protocol/events.ts';
import { ArchiveDir, type PartKey, slotOf } from './archive-dir.ts';
import { finalizePart, readPartIds } from './finalize-part.ts';
import { HourJournal } from './hour-journal.ts';
import { type ChatRecord, HOUR_MS, chatRecordOf, formatMsgTime, headerLine, hourOf } from './record-format.ts';

export type ArchiveMetrics = Pick<Metrics, 'archiveLag' | 'archivedMessages' | 'archiveFiles' | 'archiveLastFinalizedHour'>;

export interface ArchiverDeps {
  readonly bus: EventBus;
  readonly catalog: ArchiveCatalog;
  readonly metrics: ArchiveMetrics;
  /** Parley's clock, Unix ms: decides when hours close and expire. */
  readonly now: () => number;
  readonly log: Logger;
}

export interface ArchiverSettings {
  /** The archive directory, `<dataDir>/archive`. */
  readonly dir: string;
  readonly sdkAppId: number;
  /** This node's public base URL (`http://host:port`), recorded with each file. */
  readonly baseUrl: string;
  /** Consumer group on the event stream. */
  readonly group: string;
  /** How long after an hour ends (or a late part opens) its file is finalized, ms. */
  readonly graceMs: number;
  /** Hours starting longer ago than this are deleted, ms. */
  readonly retentionMs: number;
  /** How often due hours are finalized, ms. */
  readonly tickMs?: number;
  /** How often the consumer lag is measured for /metrics, ms. */
  readonly lagEveryMs?: number;
  /** How often expired files are deleted, ms. */
  readonly sweepEveryMs?: number;
}

/** A journal being written: one part of one hour. */
interface OpenPart {
  readonly key: PartKey;
  readonly journal: HourJournal;
  /** Parley time after which it is finalized. */
  readonly finalizeAt: number;
}

export class Archiver {
  readonly #d: ArchiverDeps;
  readonly #s: Required<ArchiverSettings>;
  #dir: ArchiveDir | undefined;
  /** Open parts by `slot/part`. */
  readonly #open = new Map<string, OpenPart>();
  /** The highest finalized part of each slot (chat type and hour) on disk. */
  readonly #finalized = new Map<string, number>();
  #sub: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The queue journal writes, finalizations and sweeps run on, one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #ticking = false;
  #lastSweep = 0;
  #lastLag = 0;
  #newestFinalized = 0;

  constructor(deps: ArchiverDeps, settings: ArchiverSettings) {
    this.#d = deps;
    this.#s = { tickMs: 1000, lagEveryMs: 10_000, sweepEveryMs: 600_000, ...settings };
  }

  /** Recovers the journals left open, deletes expired files, then starts consuming. */
  async start(): Promise<void> {
    const dir = await ArchiveDir.open(this.#s.dir);
    this.#dir = dir;
    for (const name of await readdir(dir.root)) if (name.endsWith('.tmp')) await rm(join(dir.root, name), { force: true });
    for (const key of await dir.finals()) this.#noteFinalized(key);
    for (const key of await dir.journals()) {
      const journal = await HourJournal.open(dir.journalPath(key), await this.#idsBefore(key));
      this.#open.set(partId(key), { key, journal, finalizeAt: this.#finalizeAt(key.hour) });
    }
    await this.#sweep().catch((e: unknown) => this.#d.log.warn({ err: e }, 'deleting expired chat-record files failed; retrying later'));
    this.#sub = await this.#d.bus.subscribe((events) => this.#serially(() => this.#archive(events)), { group: this.#s.group, from: 'earliest' });
    this.#timer = setInterval(() => void this.#tick(), this.#s.tickMs).unref();
    void this.#measureLag();
    this.#d.log.info({ node: dir.node, open: this.#open.size, group: this.#s.group }, 'chat-record archiver started');
  }

  /** Stops consuming after the batch in hand; open hours stay on disk and continue on the next start. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sub?.stop();
    await this.#serially(async () => {
      for (const p of this.#open.values()) await p.journal.close();
    });
  }

  /** Runs the due finalizations now (the timer does this every `tickMs`). */
  finalizeDue(): Promise<void> {
    return this.#serially(() => this.#finalizeDue());
  }

  /** Deletes expired files now (the timer does this every `sweepEveryMs`). */
  sweep(): Promise<void> {
    return this.#serially(() => this.#sweep());
  }

  #serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(step);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.finalizeDue();
      const now = this.#d.now();
      if (now - this.#lastSweep >= this.#s.sweepEveryMs) await this.sweep();
      if (now - this.#lastLag >= this.#s.lagEveryMs) await this.#measureLag();
    } catch (e) {
      this.#d.log.warn({ err: e }, 'chat-record archiver tick failed; retrying on the next one');
    } finally {
      this.#ticking = false;
    }
  }

  async #measureLag(): Promise<void> {
    this.#lastLag = this.#d.now();
    const lag = await this.#sub?.lag().catch(() => undefined);
    if (lag !== undefined) this.#d.metrics.archiveLag.set(lag);
  }

  /** Writes a batch's messages to their hours' journals; resolves once they are on disk. */
  async #archive(events: readonly ParleyEvent[]): Promise<void> {
    const expiredBefore = this.#d.now() - this.#s.retentionMs;
    const byPart = new Map<OpenPart, ChatRecord[]>();
    const inBatch = new Set<string>();
    for (const e of events) {
      const r = chatRecordOf(e);
      if (!r || inBatch.has(r.id) || hourOf(r.time) < expiredBefore) continue;
      const part = await this.#partFor(r.chatType, hourOf(r.time));
      if (part.journal.has(r.id)) continue;
      inBatch.add(r.id);
      const records = byPart.get(part);
      if (records) records.push(r);
      else byPart.set(part, [r]);
    }
    for (const [part, records] of byPart) {
      await part.journal.append(records);
      this.#d.metrics.archivedMessages.inc({ chat_type: part.key.chatType }, records.length);
    }
  }

  /** The open part of an hour, opening one (part 0, or a late part after the finalized ones) if none is. */
  async #partFor(chatType: ArchiveChatType, hour: number): Promise<OpenPart> {
    const slot = slotOf({ chatType, hour });
    let newest: OpenPart | undefined;
    for (const p of this.#open.values()) if (slotOf(p.key) === slot && (!newest || p.key.part > newest.key.part)) newest = p;
    if (newest) return newest;
    const dir = this.#directory();
    const last = this.#finalized.get(slot);
    const key: PartKey = { chatType, hour, part: last === undefined ? 0 : last + 1 };
    const journal = await HourJournal.open(dir.journalPath(key), await this.#idsBefore(key));
    const opened: OpenPart = { key, journal, finalizeAt: this.#finalizeAt(hour) };
    this.#open.set(partId(key), opened);
    if (last !== undefined) this.#d.log.info({ chatType, msgTime: formatMsgTime(hour), part: key.part }, 'late messages for a finalized hour: opening another part');
    return opened;
  }

  /** The event ids in the finalized parts of the hour before `key`'s part. */
  async #idsBefore(key: PartKey): Promise<string[]> {
    const ids: string[] = [];
    for (let part = 0; part < key.part; part++) {
      for (const id of await readPartIds(this.#directory().path({ ...key, part }, 'ids'))) ids.push(id);
    }
    return ids;
  }

  /** An hour closes a grace period after it ends; a part opened later (late events, a restart) stays open a grace period from then. */
  #finalizeAt(hour: number): number {
    return Math.max(hour + HOUR_MS, this.#d.now()) + this.#s.graceMs;
  }

  async #finalizeDue(): Promise<void> {
    const now = this.#d.now();
    const due = [...this.#open.values()].filter((p) => p.finalizeAt <= now).sort((a, b) => a.key.hour - b.key.hour);
    for (const p of due) {
      try {
        await this.#finalize(p);
      } catch (e) {
        this.#d.log.warn({ err: e, journal: p.journal.path }, 'finalizing a chat-record file failed; retrying on the next tick');
      }
    }
  }

  async #finalize(p: OpenPart): Promise<void> {
    const dir = this.#directory();
    const { chatType, hour } = p.key;
    const digest = await finalizePart({
      journal: p.journal.path,
      header: headerLine(this.#s.sdkAppId, chatType, hour),
      gzip: dir.path(p.key, 'json.gz'),
      ids: dir.path(p.key, 'ids'),
    });
    if (digest) {
      const file = dir.finalName(p.key);
      await this.#d.catalog.recordFile({ chatType, hour, file, baseUrl: this.#s.baseUrl, fileSize: digest.fileSize, fileMd5: digest.fileMd5, gzipSize: digest.gzipSize, gzipMd5: digest.gzipMd5 });
      this.#noteFinalized(p.key);
      this.#d.metrics.archiveFiles.inc({ chat_type: chatType });
      this.#d.log.info({ file, messages: digest.messages, fileSize: digest.fileSize, gzipSize: digest.gzipSize }, 'chat-record file finalized');
    }
    await p.journal.close();
    await rm(p.journal.path, { force: true });
    this.#open.delete(partId(p.key));
  }

  #noteFinalized(key: PartKey): void {
    const slot = slotOf(key);
    this.#finalized.set(slot, Math.max(key.part, this.#finalized.get(slot) ?? -1));
    if (key.hour > this.#newestFinalized) {
      this.#newestFinalized = key.hour;
      this.#d.metrics.archiveLastFinalizedHour.set(key.hour / 1000);
    }
  }

  /** Deletes the files, journals and catalogue records of hours older than the retention. */
  async #sweep(): Promise<void> {
    this.#lastSweep = this.#d.now();
    const cutoff = this.#lastSweep - this.#s.retentionMs;
    const dir = this.#directory();
    let files = 0;
    for (const key of await dir.finals()) {
      if (key.hour >= cutoff) continue;
      await rm(dir.path(key, 'json.gz'), { force: true });
      await rm(dir.path(key, 'ids'), { force: true });
      this.#finalized.delete(slotOf(key));
      files++;
    }
    for (const p of [...this.#open.values()]) {
      if (p.key.hour >= cutoff) continue;
      await p.journal.close();
      await rm(p.journal.path, { force: true });
      this.#open.delete(partId(p.key));
    }
    const records = await this.#d.catalog.deleteBefore(cutoff);
    if (files > 0 || records > 0) this.#d.log.info({ files, records, before: new Date(cutoff).toISOString() }, 'deleted expired chat-record files');
  }

  #directory(): ArchiveDir {
    if (!this.#dir) throw new Error('the archiver is not started');
    return this.#dir;
  }
}

const partId = (k: PartKey): string => `${slotOf(k)}/${k.part}`;
