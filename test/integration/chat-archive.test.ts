import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyProcess, type RestResponse } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { eventually, text } from '../helpers/wait.ts';

const HOUR = 3_600_000;
/** How far before the hour boundary the shifted server clock stands when the server starts. */
const LEAD_MS = 10_000;

/** `YYYYMMDDHH` of a UTC time, computed independently of the server's formatter. */
const msgTimeOf = (ms: number): string => new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '');
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

interface ArchiveFile {
  URL: string;
  ExpireTime: string;
  FileSize: number;
  FileMD5: string;
  GzipSize: number;
  GzipMD5: string;
}

type Line = Record<string, unknown> & { MsgRandom: number; MsgTimestamp: number };

describe.each(storeModes())('chat-record download (%s store)', (mode) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-archive-e2e-'));
  // The parameter checks call get_history faster than Tencent's 10 a second (rate-limits.test.ts checks the rates).
  const env = { ...storeEnv(mode), PARLEY_REST_RATES: 'open_msg_svc/get_history=1000' };
  let server: ParleyProcess;
  let offset = 0;
  /** The hour boundary on the server's clock; messages before it belong to the closed hour. */
  let boundary = 0;
  let groupId = '';
  const c2c: Line[] = [];
  const group: Line[] = [];

  const serverNow = (): number => Date.now() + offset;
  const history = (body: unknown): Promise<RestResponse> => server.rest('open_msg_svc/get_history', body);

  async function sendC2C(from: string, to: string | string[], random: number, extra: Record<string, unknown> = {}): Promise<void> {
    const batch = Array.isArray(to);
    const body = { From_Account: from, To_Account: to, MsgRandom: random, MsgSeq: random + 1000, MsgBody: text(`c2c ${random}`), ...extra };
    const r = await server.rest(batch ? 'openim/batchsendmsg' : 'openim/sendmsg', body);
    expect(r.ErrorCode).toBe(0);
    for (const t of batch ? to : [to]) {
      const time = batch ? await storedTime(t, from, random) : (r.MsgTime as number);
      c2c.push({ From_Account: from, To_Account: t, MsgTimestamp: time, MsgSeq: random + 1000, MsgRandom: random, MsgBody: text(`c2c ${random}`), CloudCustomData: (extra.CloudCustomData as string | undefined) ?? '' });
    }
  }

  /** batchsendmsg answers without a MsgTime (as Tencent's does): read the stored one from the receiver's roaming history. */
  async function storedTime(receiver: string, peer: string, random: number): Promise<number> {
    const r = await server.rest('openim/admin_getroammsg', { Operator_Account: receiver, Peer_Account: peer, MaxCnt: 100, MinTime: 0, MaxTime: 4_000_000_000 });
    const m = (r.MsgList as { MsgRandom: number; MsgTimeStamp: number }[]).find((x) => x.MsgRandom === random);
    expect(m, `message ${random} in ${receiver}'s roaming history`).toBeDefined();
    return (m as { MsgTimeStamp: number }).MsgTimeStamp;
  }

  async function sendGroup(from: string, random: number, extra: Record<string, unknown> = {}): Promise<void> {
    const r = await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: from, Random: random, MsgBody: text(`group ${random}`), ...extra });
    expect(r.ErrorCode).toBe(0);
    group.push({ From_Account: from, GroupId: groupId, MsgTimestamp: r.MsgTime as number, MsgSeq: r.MsgSeq as number, MsgRandom: random, MsgBody: text(`group ${random}`), CloudCustomData: (extra.CloudCustomData as string | undefined) ?? '' });
  }

  beforeAll(async () => {
    // Phase 1, on the real clock: accounts and a group (a fresh Cassandra keyspace takes its time here).
    const setup = await ParleyProcess.start({ dataDir, env });
    await setup.importAccounts(['alice', 'bob', 'carol']);
    const created = await setup.rest('group_open_http_svc/create_group', { Owner_Account: 'alice', Type: 'Public', Name: 'archive', MemberList: [{ Member_Account: 'bob' }] });
    groupId = created.GroupId as string;
    await setup.stop({ keepKeyspace: true });

    // Phase 2, same data: the server's clock stands LEAD_MS before the next hour boundary.
    const real = Date.now();
    boundary = Math.ceil((real + LEAD_MS) / HOUR) * HOUR;
    offset = boundary - LEAD_MS - real;
    server = await ParleyProcess.start({ dataDir, env: { ...env, PARLEY_CLOCK_OFFSET_MS: String(offset), PARLEY_ARCHIVE_GRACE_S: '1' } });

    await sendC2C('alice', 'bob', 1, { CloudCustomData: 'cc-1' });
    await sendC2C('bob', 'alice', 2);
    await sendC2C('alice', 'bob', 3, { SyncOtherMachine: 1 });
    await sendC2C('carol', ['alice', 'bob'], 4);
    await sendGroup('alice', 11, { CloudCustomData: 'gcc' });
    await sendGroup('bob', 12);
    await sendGroup('alice', 13);
    const lastBefore = Math.max(...[...c2c, ...group].map((l) => l.MsgTimestamp));
    expect(lastBefore * 1000, 'the messages for the closed hour were sent before the boundary').toBeLessThan(boundary);
    const before = { c2c: c2c.length, group: group.length };

    await new Promise((r) => setTimeout(r, Math.max(0, boundary - serverNow()) + 200));
    await sendC2C('alice', 'bob', 21);
    await sendC2C('bob', 'carol', 22);
    await sendGroup('bob', 31);
    expect([...c2c, ...group].slice(-1)[0].MsgTimestamp * 1000).toBeGreaterThanOrEqual(boundary);
    c2c.splice(before.c2c);
    group.splice(before.group);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits until get_history answers for the closed hour, then downloads and checks its one file. */
  async function download(chatType: 'C2C' | 'Group'): Promise<{ file: ArchiveFile; gz: Buffer; text: string }> {
    let r: RestResponse | undefined;
    await eventually(async () => {
      r = await history({ ChatType: chatType, MsgTime: msgTimeOf(boundary - HOUR) });
      expect(r.ErrorCode, JSON.stringify(r)).toBe(0);
    }, 30_000);
    const files = (r as RestResponse).File as ArchiveFile[];
    expect(files).toHaveLength(1);
    const res = await fetch(files[0].URL);
    expect(res.status).toBe(200);
    const gz = Buffer.from(await res.arrayBuffer());
    return { file: files[0], gz, text: gunzipSync(gz).toString('utf8') };
  }

  function expectLayout(content: string, chatType: 'C2C' | 'Group', sdkAppId: number, expected: Line[], keys: string[]): void {
    const rows = content.split('\n');
    expect(rows[0]).toBe(`{"SdkAppId":${sdkAppId},"ChatType":"${chatType}","MsgTime":"${msgTimeOf(boundary - HOUR)}","MsgList":[`);
    expect(rows[rows.length - 1]).toBe(']}');
    const messages = rows.slice(1, -1);
    expect(messages.slice(0, -1).every((l) => l.endsWith('},'))).toBe(true);
    expect(messages[messages.length - 1].endsWith('}')).toBe(true);
    const lines = messages.map((l) => JSON.parse(l.replace(/,$/, '')) as Line);
    for (const l of lines) expect(Object.keys(l)).toEqual(keys);
    const byRandom = (a: Line, b: Line) => a.MsgRandom - b.MsgRandom || String(a.To_Account).localeCompare(String(b.To_Account));
    expect([...lines].sort(byRandom)).toEqual([...expected].sort(byRandom));
    expect((JSON.parse(content) as { MsgList: unknown[] }).MsgList).toHaveLength(expected.length);
  }

  it('serves the closed hour’s C2C file: exactly that hour’s messages, in Tencent’s layout, with matching sizes and MD5s', async () => {
    const { file, gz, text: content } = await download('C2C');
    expectLayout(content, 'C2C', server.identity.sdkAppId, c2c, ['From_Account', 'To_Account', 'MsgTimestamp', 'MsgSeq', 'MsgRandom', 'MsgBody', 'CloudCustomData']);
    expect(file).toMatchObject({ FileSize: Buffer.byteLength(content), FileMD5: md5(Buffer.from(content)), GzipSize: gz.length, GzipMD5: md5(gz) });
    expect(file.URL.startsWith(`${server.url}/archive/C2C-${msgTimeOf(boundary - HOUR)}-`)).toBe(true);
    const expires = Date.parse(`${file.ExpireTime.replace(' ', 'T')}Z`);
    expect(file.ExpireTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Math.abs(expires - (serverNow() + 3600_000))).toBeLessThan(60_000);
  });

  it('serves the closed hour’s group file with the group SEQs, and nothing sent after the boundary', async () => {
    const { file, gz, text: content } = await download('Group');
    expectLayout(content, 'Group', server.identity.sdkAppId, group, ['From_Account', 'GroupId', 'MsgTimestamp', 'MsgSeq', 'MsgRandom', 'MsgBody', 'CloudCustomData']);
    expect(file).toMatchObject({ FileSize: Buffer.byteLength(content), FileMD5: md5(Buffer.from(content)), GzipSize: gz.length, GzipMD5: md5(gz) });
  });

  it('answers 1004 for the current hour, for an hour without messages and for a future hour', async () => {
    for (const msgTime of [msgTimeOf(serverNow()), msgTimeOf(boundary - 3 * HOUR), msgTimeOf(boundary + 5 * HOUR)]) {
      for (const chatType of ['C2C', 'Group']) expect({ msgTime, chatType, code: (await history({ ChatType: chatType, MsgTime: msgTime })).ErrorCode }).toEqual({ msgTime, chatType, code: 1004 });
    }
  });

  it('answers 1005 for an hour beyond the retention', async () => {
    expect((await history({ ChatType: 'C2C', MsgTime: msgTimeOf(boundary - 8 * 24 * HOUR) })).ErrorCode).toBe(1005);
    expect((await history({ ChatType: 'Group', MsgTime: msgTimeOf(boundary - 7 * 24 * HOUR - 2 * HOUR) })).ErrorCode).toBe(1005);
  });

  it('answers 1002 for bad parameters', async () => {
    const good = { ChatType: 'C2C', MsgTime: msgTimeOf(boundary - HOUR) };
    const cases: [string, unknown][] = [
      ['no ChatType', { MsgTime: good.MsgTime }],
      ['unknown ChatType', { ...good, ChatType: 'c2c' }],
      ['no MsgTime', { ChatType: 'C2C' }],
      ['MsgTime as a number', { ...good, MsgTime: Number(good.MsgTime) }],
      ['MsgTime hour 24', { ...good, MsgTime: '2025010124' }],
      ['MsgTime with a date separator', { ...good, MsgTime: '2025-01-01' }],
      ['a body that is not JSON', '{"ChatType":'],
    ];
    for (const [name, body] of cases) {
      const r = await history(body);
      expect({ name, code: r.ErrorCode, status: r.ActionStatus }).toEqual({ name, code: 1002, status: 'FAIL' });
    }
  });

  it('refuses a download URL with a wrong signature or past its expiry (403), and a missing file (404)', async () => {
    const { file } = await download('C2C');
    const url = new URL(file.URL);
    const sig = url.searchParams.get('sig') ?? '';
    const forged = new URL(url);
    forged.searchParams.set('sig', sig.slice(0, 63) + (sig.endsWith('0') ? '1' : '0'));
    expect((await fetch(forged)).status).toBe(403);
    const unsigned = new URL(url);
    unsigned.searchParams.delete('sig');
    expect((await fetch(unsigned)).status).toBe(403);

    const key = server.identity.secretKey;
    const signed = (path: string, expires: number): string =>
      `${server.url}${path}?expires=${expires}&sig=${createHmac('sha256', key).update(`${path}?expires=${expires}`).digest('hex')}`;
    const past = Math.floor(serverNow() / 1000) - 1;
    expect((await fetch(signed(url.pathname, past))).status).toBe(403);
    expect((await fetch(signed(url.pathname, past + 600))).status).toBe(200);
    expect((await fetch(signed('/archive/C2C-2020010100-abcd-0.json.gz', past + 600))).status).toBe(404);
  });

  it('reports archived messages, the last finalized hour and the consumer lag in /metrics', async () => {
    await download('Group');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const sample = (name: string): number | undefined => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };
    expect(sample('parley_archive_messages_total{chat_type="C2C"}')).toBe(c2c.length + 2);
    expect(sample('parley_archive_messages_total{chat_type="Group"}')).toBe(group.length + 1);
    expect(sample('parley_archive_files_total{chat_type="C2C"}')).toBe(1);
    expect(sample('parley_archive_last_finalized_hour_seconds')).toBe((boundary - HOUR) / 1000);
    expect(sample('parley_archive_lag_events')).toBeGreaterThanOrEqual(0);
  });
});
