/**
 * Reading Tencent's hourly chat-record files (spec §3.9; the files get_history links to, and the
 * ones Parley writes): a header line `{"SdkAppId":…,"ChatType":…,"MsgTime":…,"MsgList":[`, one
 * message per line (each but the last ending in a comma), then `]}`; gzipped or not. Read a line at
 * a time, so a file of any size is never held whole.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { C2CRecordLine, GroupRecordLine } from '../events/archive/record-format.ts';

export interface RecordFileHeader {
  readonly chatType: 'C2C' | 'Group';
  /** `YYYYMMDDHH`, the hour the file holds. */
  readonly msgTime: string;
}

export type RecordLine = C2CRecordLine | GroupRecordLine;

/** Raised for a file that is not a chat-record file, naming the file and the line. */
export class RecordFileError extends Error {}

const isGzip = async (path: string): Promise<boolean> => {
  const stream = createReadStream(path, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const head = Buffer.concat(chunks);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
};

async function open(path: string): Promise<Readable> {
  const raw = createReadStream(path);
  return (await isGzip(path)) ? raw.pipe(createGunzip()) : raw;
}

/** The file's header, read from its first line. */
export async function readHeader(path: string): Promise<RecordFileHeader> {
  const lines = createInterface({ input: await open(path), crlfDelay: Infinity });
  try {
    for await (const text of lines) return parseHeader(path, text);
  } finally {
    lines.close();
  }
  throw new RecordFileError(`${path}: empty file`);
}

/** The file's messages in order, each with its 0-based index (the header is checked, not yielded). */
export async function* readMessages(path: string): AsyncGenerator<{ index: number; line: RecordLine }> {
  const lines = createInterface({ input: await open(path), crlfDelay: Infinity });
  let n = 0;
  let index = 0;
  for await (const text of lines) {
    if (n++ === 0) {
      parseHeader(path, text);
      continue;
    }
    const t = text.trim();
    if (t === ']}' || t === '') continue;
    const json = t.endsWith(',') ? t.slice(0, -1) : t;
    let line: RecordLine;
    try {
      line = JSON.parse(json) as RecordLine;
    } catch {
      throw new RecordFileError(`${path}:${n}: not a message line`);
    }
    yield { index: index++, line };
  }
  if (n === 0) throw new RecordFileError(`${path}: empty file`);
}

function parseHeader(path: string, text: string): RecordFileHeader {
  const m = /^\{"SdkAppId":\d+,"ChatType":"(C2C|Group)","MsgTime":"(\d{10})","MsgList":\[$/.exec(text.trim());
  if (!m) throw new RecordFileError(`${path}:1: not a chat-record header (want {"SdkAppId":…,"ChatType":…,"MsgTime":…,"MsgList":[)`);
  return { chatType: m[1] as 'C2C' | 'Group', msgTime: m[2] };
}
