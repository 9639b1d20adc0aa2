/**
 * `parley import`: moves an app's message history from Tencent's hourly chat-record files into
 * Parley through its REST API — C2C lines by importmsg (SyncFromOldSystem 2), group lines by
 * import_group_msg in ascending time, up to 7 per call — so every rule, store and node is the
 * server's. Files go in hour order. Resumable: a progress file records how many lines of each file
 * are done, written after every batch; a rerun skips them, and the server's own deduplication makes
 * a batch cut short by a crash safe to send again. Lines the server refuses are written, with its
 * code, to `<progress file>.failed.jsonl` and counted done.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { C2CRecordLine, GroupRecordLine } from '../events/archive/record-format.ts';
import { type RecordFileHeader, readHeader, readMessages } from './record-files.ts';

/** A REST call as the App admin; answers the parsed body. */
export type AdminRest = (path: string, body: unknown) => Promise<Record<string, unknown>>;

export interface ImportProgress {
  readonly file: string;
  readonly filesDone: number;
  readonly files: number;
  readonly imported: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface ImportOptions {
  readonly files: readonly string[];
  readonly rest: AdminRest;
  readonly progressFile: string;
  readonly onProgress?: (p: ImportProgress) => void;
}

interface Counts {
  imported: number;
  skipped: number;
  failed: number;
}

/** Calls per C2C batch, sent together. */
const C2C_BATCH = 8;
/** import_group_msg takes at most 7 messages per call. */
const GROUP_BATCH = 7;

type Done = Record<string, number>;

export async function importHistory(o: ImportOptions): Promise<ImportProgress> {
  const files = await inHourOrder(o.files);
  const done = await loadProgress(o.progressFile);
  const counts: Counts = { imported: 0, skipped: 0, failed: 0 };
  let filesDone = 0;
  const report = (file: string): ImportProgress => ({ file, filesDone, files: files.length, ...counts });
  for (const { path, header } of files) {
    const key = resolve(path);
    const skip = done[key] ?? 0;
    let batch: { index: number; line: C2CRecordLine | GroupRecordLine }[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const failures = header.chatType === 'C2C' ? await importC2C(o.rest, batch as { index: number; line: C2CRecordLine }[]) : await importGroup(o.rest, batch as { index: number; line: GroupRecordLine }[]);
      for (const f of failures) await appendFile(`${o.progressFile}.failed.jsonl`, `${JSON.stringify({ file: key, ...f })}\n`);
      counts.failed += failures.length;
      counts.imported += batch.length - failures.length;
      done[key] = batch[batch.length - 1].index + 1;
      await saveProgress(o.progressFile, done);
      batch = [];
      o.onProgress?.(report(path));
    };
    for await (const m of readMessages(path)) {
      if (m.index < skip) {
        counts.skipped++;
        continue;
      }
      // A group batch holds one group's consecutive lines.
      const last = batch[batch.length - 1]?.line as GroupRecordLine | undefined;
      if (header.chatType === 'Group' && last && last.GroupId !== (m.line as GroupRecordLine).GroupId) await flush();
      batch.push(m);
      if (batch.length >= (header.chatType === 'C2C' ? C2C_BATCH : GROUP_BATCH)) await flush();
    }
    await flush();
    filesDone++;
    o.onProgress?.(report(path));
  }
  return report('');
}

interface Failure {
  readonly index: number;
  readonly code: number;
  readonly info: string;
  readonly line: unknown;
}

async function importC2C(rest: AdminRest, batch: readonly { index: number; line: C2CRecordLine }[]): Promise<Failure[]> {
  const answers = await Promise.all(
    batch.map(({ line: l }) =>
      rest('openim/importmsg', {
        SyncFromOldSystem: 2,
        From_Account: l.From_Account,
        To_Account: l.To_Account,
        MsgSeq: l.MsgSeq,
        MsgRandom: l.MsgRandom,
        MsgTimeStamp: l.MsgTimestamp,
        MsgBody: l.MsgBody,
        ...(l.CloudCustomData ? { CloudCustomData: l.CloudCustomData } : {}),
      }),
    ),
  );
  return batch.flatMap((b, i) => (answers[i].ErrorCode === 0 ? [] : [{ index: b.index, code: Number(answers[i].ErrorCode), info: String(answers[i].ErrorInfo ?? ''), line: b.line }]));
}

async function importGroup(rest: AdminRest, batch: readonly { index: number; line: GroupRecordLine }[]): Promise<Failure[]> {
  const a = await rest('group_open_http_svc/import_group_msg', {
    GroupId: batch[0].line.GroupId,
    MsgList: batch.map(({ line: l }) => ({ From_Account: l.From_Account, SendTime: l.MsgTimestamp, Random: l.MsgRandom, MsgBody: l.MsgBody, ...(l.CloudCustomData ? { CloudCustomData: l.CloudCustomData } : {}) })),
  });
  if (a.ErrorCode !== 0) return batch.map((b) => ({ index: b.index, code: Number(a.ErrorCode), info: String(a.ErrorInfo ?? ''), line: b.line }));
  const results = (a.ImportMsgResult ?? []) as { Result: number }[];
  return batch.flatMap((b, i) => (results[i]?.Result === 0 ? [] : [{ index: b.index, code: results[i]?.Result ?? -1, info: '', line: b.line }]));
}

/** Files by the hour they hold, C2C before Group within an hour. */
async function inHourOrder(paths: readonly string[]): Promise<{ path: string; header: RecordFileHeader }[]> {
  const withHeaders = await Promise.all(paths.map(async (path) => ({ path, header: await readHeader(path) })));
  return withHeaders.sort((a, b) => a.header.msgTime.localeCompare(b.header.msgTime) || a.header.chatType.localeCompare(b.header.chatType) || a.path.localeCompare(b.path));
}

async function loadProgress(file: string): Promise<Done> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { done: Done }).done;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

/** Written whole to a temporary file and renamed, so a crash never leaves half a progress file. */
async function saveProgress(file: string, done: Done): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify({ version: 1, done }));
  await rename(`${file}.tmp`, file);
}
