import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { finalizePart, readPartIds } from '../../src/events/archive/finalize-part.ts';
import { HourJournal } from '../../src/events/archive/hour-journal.ts';
import { type ChatRecord, chatRecordFileText, headerLine } from '../../src/events/archive/record-format.ts';

const HOUR = Date.UTC(2026, 0, 2, 3);
const rec = (n: number): ChatRecord => ({
  id: `u:bob#${n}`,
  chatType: 'C2C',
  time: HOUR + n,
  line: { From_Account: 'alice', To_Account: 'bob', MsgTimestamp: Math.floor((HOUR + n) / 1000), MsgSeq: n, MsgRandom: n, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${n} ✓` } }], CloudCustomData: '' },
});
const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'parley-archive-unit-'));

describe('hour journal', () => {
  it('appends records as JSON lines and knows their ids', async () => {
    const path = join(tmp(), 'j.jsonl');
    const j = await HourJournal.open(path);
    await j.append([rec(1), rec(2)]);
    await j.close();
    expect(j.has('u:bob#1')).toBe(true);
    expect(j.has('u:bob#3')).toBe(false);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0])).toEqual({ id: 'u:bob#1', t: HOUR + 1, m: rec(1).line });
  });

  it('rebuilds the id set when reopened after a crash, drops a torn last line and goes on appending', async () => {
    const path = join(tmp(), 'j.jsonl');
    const first = await HourJournal.open(path);
    await first.append([rec(1), rec(2)]);
    await first.close();
    appendFileSync(path, '{"id":"u:bob#3","t":'); // a write cut short by a crash
    const again = await HourJournal.open(path);
    expect([again.count, again.has('u:bob#2'), again.has('u:bob#3')]).toEqual([2, true, false]);
    await again.append([rec(3)]);
    await again.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['u:bob#1', 'u:bob#2', 'u:bob#3']);
  });

  it('treats ids of earlier parts of the hour as already written', async () => {
    const j = await HourJournal.open(join(tmp(), 'late.jsonl'), ['u:bob#1']);
    expect([j.has('u:bob#1'), j.count]).toEqual([true, 0]);
  });
});

describe('finalizing a journal', () => {
  const finalize = async (dir: string, journal: string) =>
    finalizePart({ journal, header: headerLine(1400000001, 'C2C', HOUR), gzip: join(dir, 'f.json.gz'), ids: join(dir, 'f.ids') });

  it('writes Tencent’s layout gzipped, with sizes and MD5s of the text and of the gzip, and the id list', async () => {
    const dir = tmp();
    const journal = join(dir, 'j.jsonl');
    const j = await HourJournal.open(journal);
    const records = Array.from({ length: 3000 }, (_, i) => rec(i + 1)); // more than one gzip chunk
    await j.append(records);
    await j.close();
    const digest = await finalize(dir, journal);
    const gz = readFileSync(join(dir, 'f.json.gz'));
    const text = gunzipSync(gz);
    expect(text.toString('utf8')).toBe(chatRecordFileText(1400000001, 'C2C', HOUR, records.map((r) => r.line)));
    expect(digest).toEqual({ messages: 3000, fileSize: text.length, fileMd5: md5(text), gzipSize: gz.length, gzipMd5: md5(gz) });
    expect(await readPartIds(join(dir, 'f.ids'))).toEqual(records.map((r) => r.id));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rewrites identical bytes when run again on the same journal (a crash before the journal was deleted)', async () => {
    const dir = tmp();
    const journal = join(dir, 'j.jsonl');
    const j = await HourJournal.open(journal);
    await j.append([rec(1), rec(2)]);
    await j.close();
    const a = await finalize(dir, journal);
    const bytes = readFileSync(join(dir, 'f.json.gz'));
    expect(await finalize(dir, journal)).toEqual(a);
    expect(readFileSync(join(dir, 'f.json.gz')).equals(bytes)).toBe(true);
  });

  it('writes nothing for a journal without a complete message', async () => {
    const dir = tmp();
    const journal = join(dir, 'j.jsonl');
    writeFileSync(journal, '{"id":"torn');
    expect(await finalize(dir, journal)).toBeUndefined();
    expect(existsSync(join(dir, 'f.json.gz'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['j.jsonl']);
  });
});
