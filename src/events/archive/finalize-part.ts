/**
 * Turns the journal of a closed hour into the file get_history serves: Tencent's layout (header,
 * one message per line, `]}`), gzipped, with size and MD5 before and after gzip. The text is
 * streamed through gzip, so memory holds only the hour's event ids; the file and its id list appear
 * atomically (temp + rename), and running it again on the same journal rewrites identical bytes
 * (a crash before the journal is deleted is harmless).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parseJournalLine, readLines } from './hour-journal.ts';
import { TRAILER, lineSeparator } from './record-format.ts';

export interface PartDigest {
  /** Messages in the file. */
  readonly messages: number;
  readonly fileSize: number;
  readonly fileMd5: string;
  readonly gzipSize: number;
  readonly gzipMd5: string;
}

export interface FinalizeFiles {
  readonly journal: string;
  /** The first line, without its line break (record-format `headerLine`). */
  readonly header: string;
  readonly gzip: string;
  readonly ids: string;
}

/** Text is handed to gzip in pieces of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

/** A running size and MD5 of the bytes seen. */
class Digest {
  readonly #md5 = createHash('md5');
  size = 0;

  add(b: Buffer): Buffer {
    this.#md5.update(b);
    this.size += b.length;
    return b;
  }

  hex(): string {
    return this.#md5.digest('hex');
  }
}

/** Writes the gzip file and the id list; undefined (and nothing left behind) when the journal holds no message. */
export async function finalizePart(f: FinalizeFiles): Promise<PartDigest | undefined> {
  const ids: string[] = [];
  const raw = new Digest();
  const gz = new Digest();
  const text = async function* (): AsyncGenerator<Buffer> {
    const seen = new Set<string>();
    let buf = f.header;
    for await (const bytes of readLines(f.journal)) {
      const line = parseJournalLine(bytes.toString('utf8'));
      if (!line || seen.has(line.id)) continue;
      seen.add(line.id);
      buf += lineSeparator(ids.length) + JSON.stringify(line.m);
      ids.push(line.id);
      if (buf.length >= CHUNK_CHARS) {
        yield raw.add(Buffer.from(buf, 'utf8'));
        buf = '';
      }
    }
    yield raw.add(Buffer.from(buf + TRAILER, 'utf8'));
  };
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, gz.add(chunk));
    },
  });
  await pipeline(Readable.from(text()), createGzip(), tap, createWriteStream(`${f.gzip}.tmp`));
  if (ids.length === 0) {
    await rm(`${f.gzip}.tmp`, { force: true });
    return undefined;
  }
  await writeDurably(`${f.ids}.tmp`, ids.map((id) => `${id}\n`).join(''));
  await syncFile(`${f.gzip}.tmp`);
  await rename(`${f.gzip}.tmp`, f.gzip);
  await rename(`${f.ids}.tmp`, f.ids);
  return { messages: ids.length, fileSize: raw.size, fileMd5: raw.hex(), gzipSize: gz.size, gzipMd5: gz.hex() };
}

/** The event ids listed in a finalized part's id file (empty when it is missing). */
export async function readPartIds(path: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const id of readLines(path)) if (id.length > 0) ids.push(id.toString('utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return ids;
}

async function writeDurably(path: string, text: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
