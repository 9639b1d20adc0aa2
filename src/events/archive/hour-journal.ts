/**
 * The journal of one open hour (one chat type, one part): a plain file with one JSON line per
 * archived message, `{"id":<event id>,"t":<Unix ms>,"m":<Tencent record line>}`. Appends are
 * written and flushed to disk (fdatasync) before `append` resolves, so an event batch is committed
 * only once its messages are durable. Reopening a journal after a crash drops a torn last line and
 * rebuilds the set of event ids it holds, so redelivered events are not written twice.
 *
 * Memory: the id set holds every event id of the hour (~60 bytes each), plus the ids of earlier
 * parts of the hour when this is a late part.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import type { ChatRecord, C2CRecordLine, GroupRecordLine } from './record-format.ts';

/** One line of a journal as stored. */
export interface JournalLine {
  readonly id: string;
  readonly t: number;
  readonly m: C2CRecordLine | GroupRecordLine;
}

/**
 * The complete lines of a file (the bytes before each `\n`, without it), in order. A torn last
 * line (no `\n` yet) is not yielded; summing `length + 1` over the lines gives where it starts.
 */
export async function* readLines(path: string): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      yield pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
}

/** A journal line, or undefined for a line that is not one (never written by Parley; skipped). */
export function parseJournalLine(text: string): JournalLine | undefined {
  try {
    const j = JSON.parse(text) as Partial<JournalLine>;
    return typeof j.id === 'string' && typeof j.t === 'number' && typeof j.m === 'object' && j.m !== null ? (j as JournalLine) : undefined;
  } catch {
    return undefined;
  }
}

export class HourJournal {
  readonly path: string;
  /** Ids of the events written here, and of those in earlier parts of the hour. */
  readonly #seen: Set<string>;
  #fh: FileHandle | undefined;
  #size: number;
  #count: number;

  private constructor(path: string, seen: Set<string>, size: number, count: number) {
    this.path = path;
    this.#seen = seen;
    this.#size = size;
    this.#count = count;
  }

  /**
   * Opens a journal, creating it or recovering an existing one (dropping a torn last line).
   * `earlier`: event ids already in finalized parts of the same hour, treated as written.
   */
  static async open(path: string, earlier: Iterable<string> = []): Promise<HourJournal> {
    const seen = new Set(earlier);
    let count = 0;
    const size = await stat(path).then((s) => s.size, () => 0);
    let complete = 0;
    if (size > 0) {
      for await (const bytes of readLines(path)) {
        complete += bytes.length + 1;
        const line = parseJournalLine(bytes.toString('utf8'));
        if (line && !seen.has(line.id)) {
          seen.add(line.id);
          count++;
        }
      }
      if (complete < size) await truncate(path, complete);
    }
    return new HourJournal(path, seen, complete, count);
  }

  /** Messages written to this journal. */
  get count(): number {
    return this.#count;
  }

  /** Whether the event was archived in this hour already (here or in an earlier part). */
  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /**
   * Appends records (the caller has dropped those `has` knows) and flushes them to disk. On failure
   * the file is cut back to where it was, so a retried batch neither duplicates nor tears lines.
   */
  async append(records: readonly ChatRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = records.map((r) => `${JSON.stringify({ id: r.id, t: r.time, m: r.line } satisfies JournalLine)}\n`).join('');
    const bytes = Buffer.from(text, 'utf8');
    try {
      this.#fh ??= await open(this.path, 'a');
      await this.#fh.write(bytes);
      await this.#fh.datasync();
    } catch (e) {
      await this.#fh?.truncate(this.#size).catch(() => undefined);
      throw e;
    }
    this.#size += bytes.length;
    this.#count += records.length;
    for (const r of records) this.#seen.add(r.id);
  }

  /** Closes the file handle; a later `append` opens it again. */
  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }
}
