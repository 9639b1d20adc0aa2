/**
 * `parley import` against a running server: Tencent chat-record files (one gzipped, one plain) moved
 * in hour order — C2C lines through importmsg, group lines through import_group_msg — then found in
 * roaming and group history; a rerun skips what the progress file says is done; a rerun without it
 * stores nothing twice; refused lines go to the failed file with the server's code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type C2CRecordLine, type GroupRecordLine, chatRecordFileText, hourOf } from '../../src/events/archive/record-format.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];

/** Runs `parley import` with the server's data dir (for the app key); answers its exit code and stderr. */
function runImport(server: ParleyProcess, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/parley.js', 'import', ...args, '--url', server.url], { env: { ...process.env, PARLEY_DATA_DIR: server.dataDir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('parley import (chat-record files → importmsg, import_group_msg)', () => {
  let server: ParleyProcess;
  let dir: string;
  const nowS = Math.floor(Date.now() / 1000);
  const t0 = nowS - 3 * 3600;

  beforeAll(async () => {
    server = await ParleyProcess.start();
    await server.importAccounts(['h_ann', 'h_bob', 'h_cid']);
    const group = await server.rest('group_open_http_svc/import_group', { Owner_Account: 'h_ann', Type: 'Public', GroupId: 'h_team', Name: 'Team', CreateTime: t0 - 3600 });
    expect(group.ErrorCode).toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'parley-history-'));
    const c2c: C2CRecordLine[] = [
      { From_Account: 'h_ann', To_Account: 'h_bob', MsgTimestamp: t0, MsgSeq: 1, MsgRandom: 11, MsgBody: TEXT('hi bob'), CloudCustomData: '' },
      { From_Account: 'h_bob', To_Account: 'h_ann', MsgTimestamp: t0 + 60, MsgSeq: 1, MsgRandom: 12, MsgBody: TEXT('hi ann'), CloudCustomData: 'cc' },
      { From_Account: 'h_ann', To_Account: 'h_cid', MsgTimestamp: t0 + 120, MsgSeq: 2, MsgRandom: 13, MsgBody: TEXT('hi cid'), CloudCustomData: '' },
    ];
    const groupLines: GroupRecordLine[] = [0, 1, 2].map((i) => ({ From_Account: 'h_ann', GroupId: 'h_team', MsgTimestamp: t0 + 3600 + i, MsgSeq: i + 1, MsgRandom: 20 + i, MsgBody: TEXT(`team ${i}`), CloudCustomData: '' }));
    writeFileSync(join(dir, 'c2c.json.gz'), gzipSync(chatRecordFileText(1400000000, 'C2C', hourOf(t0 * 1000), c2c)));
    writeFileSync(join(dir, 'group.json'), chatRecordFileText(1400000000, 'Group', hourOf((t0 + 3600) * 1000), groupLines));
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const roamCount = async (a: string, b: string) =>
    ((await server.rest('openim/admin_getroammsg', { Operator_Account: a, Peer_Account: b, MaxCnt: 50, MinTime: 0, MaxTime: nowS + 600 })).MsgList as unknown[]).length;
  const groupTexts = async () =>
    ((await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: 'h_team', ReqMsgNumber: 20 })).RspMsgList as { MsgBody: { MsgContent: { Text: string } }[] }[]).map((m) => m.MsgBody[0].MsgContent.Text);

  it('imports every line once, resumes from its progress file, and stores nothing twice on a rerun without it', async () => {
    const progress = join(dir, '.progress.json');
    const first = await runImport(server, [dir, '--progress', progress]);
    expect(first.stderr).toContain('files 2/2, messages imported 6, skipped 0 (done before), failed 0');
    expect(first.code).toBe(0);
    expect(await roamCount('h_bob', 'h_ann')).toBe(2);
    expect(await roamCount('h_cid', 'h_ann')).toBe(1);
    expect(await groupTexts()).toEqual(['team 2', 'team 1', 'team 0']);

    const again = await runImport(server, [dir, '--progress', progress]);
    expect(again.stderr).toContain('messages imported 0, skipped 6 (done before), failed 0');
    rmSync(progress);
    const fresh = await runImport(server, [dir, '--progress', progress]);
    expect(fresh.code).toBe(0);
    expect(await roamCount('h_bob', 'h_ann')).toBe(2);
    expect(await groupTexts()).toEqual(['team 2', 'team 1', 'team 0']);
  });

  it('writes the lines the server refuses, with its code, to the failed file and exits 1', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'parley-history-bad-'));
    try {
      const line: C2CRecordLine = { From_Account: 'h_ann', To_Account: 'h_nobody', MsgTimestamp: t0, MsgSeq: 9, MsgRandom: 9, MsgBody: TEXT('lost'), CloudCustomData: '' };
      writeFileSync(join(bad, 'c2c.json'), chatRecordFileText(1400000000, 'C2C', hourOf(t0 * 1000), [line]));
      const progress = join(bad, '.progress.json');
      const r = await runImport(server, [bad, '--progress', progress]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('failed 1');
      const failed = readFileSync(`${progress}.failed.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; code: number; line: C2CRecordLine });
      expect(failed).toMatchObject([{ index: 0, code: 90012, line: { To_Account: 'h_nobody' } }]);
      // A file that is not a chat-record file is refused before anything is sent.
      writeFileSync(join(bad, 'c2c.json'), '{"not":"a record file"}\n');
      const wrong = await runImport(server, [join(bad, 'c2c.json'), '--progress', progress]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('not a chat-record header');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
