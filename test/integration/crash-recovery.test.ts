import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/protocol/entries.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { ParleyProcess, type RestResponse } from '../helpers/parley-process.ts';
import { text } from '../helpers/wait.ts';

/** Sends with `workers` concurrent REST callers until the server dies; returns the acknowledged answers. */
async function burstUntilKilled(server: ParleyProcess, send: (i: number) => Promise<RestResponse>, killAfter: number): Promise<RestResponse[]> {
  const acked: RestResponse[] = [];
  let i = 0;
  let killing: Promise<void> | undefined;
  const worker = async (): Promise<void> => {
    for (;;) {
      let r: RestResponse;
      try {
        r = await send(i++);
      } catch {
        return; // the server is gone
      }
      if (r.ErrorCode !== 0) throw new Error(`send failed: ${JSON.stringify(r)}`);
      acked.push(r);
      if (acked.length >= killAfter) killing ??= server.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await killing;
  return acked;
}

async function allEvents(server: ParleyProcess, userId: string): Promise<StreamEvent[]> {
  const c = await server.login(userId);
  const events: StreamEvent[] = [];
  for (let after = 0; ; ) {
    const page = await c.call('sync', { after, limit: 1000 });
    events.push(...page.events);
    if (page.through >= page.head) break;
    after = page.through;
  }
  await c.close();
  return events;
}

describe.each(storeModes())('crash recovery (SIGKILL during a burst of sends) (%s store)', (mode) => {
  let server: ParleyProcess;

  beforeAll(async () => {
    // Bursts far beyond Tencent's 40 messages a second per group: rate control is tested on its own.
    // A burst far over Tencent's rates (40 messages a second per group, 200 REST calls a second): what is measured is the crash.
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_GROUP_MSG_RATE: '100000', PARLEY_REST_RATE: '0' } });
    await server.importAccounts(['alice', 'bob', 'owner']);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('keeps every acknowledged C2C message, and SEQs continue without reuse or gaps', async () => {
    const acked = await burstUntilKilled(
      server,
      (i) => server.rest('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: i, MsgBody: text(`c2c ${i}`) }),
      300,
    );
    expect(acked.length).toBeGreaterThanOrEqual(300);
    await server.restart();

    const bobEvents = (await allEvents(server, 'bob')).filter((e) => e.entry.kind === 'c2c');
    const stored = new Set(bobEvents.map((e) => (e.entry.kind === 'c2c' ? e.entry.msgKey : '')));
    for (const a of acked) expect(stored.has(a.MsgKey as string)).toBe(true);
    const seqs = bobEvents.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => k + 1));

    const after = await server.rest('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: 1_000_000, MsgBody: text('after restart') });
    expect(after.ErrorCode).toBe(0);
    const again = (await allEvents(server, 'bob')).filter((e) => e.entry.kind === 'c2c');
    expect(again.map((e) => e.seq)).toEqual(Array.from({ length: seqs.length + 1 }, (_, k) => k + 1));
  });

  it('keeps every acknowledged group message, and the group SEQ continues without reuse or gaps', async () => {
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'owner', Type: 'Public', Name: 'crash', MemberList: [{ Member_Account: 'bob' }] });
    const groupId = created.GroupId as string;
    const acked = await burstUntilKilled(
      server,
      (i) => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: i, MsgBody: text(`group ${i}`) }),
      300,
    );
    await server.restart();

    const info = await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
    const next = (info.GroupInfo as { NextMsgSeq: number }[])[0].NextMsgSeq;
    const ackedSeqs = acked.map((a) => a.MsgSeq as number);
    expect(Math.max(...ackedSeqs)).toBeLessThan(next);

    const c = await server.login('bob');
    const seqs: number[] = [];
    for (let after = 0; ; ) {
      const page = await c.call('group.pull', { groupId, after, limit: 1000 });
      seqs.push(...page.events.map((e) => e.seq));
      if (page.through >= page.head) break;
      after = page.through;
    }
    await c.close();
    expect(seqs).toEqual(Array.from({ length: next - 1 }, (_, k) => k + 1));
    for (const s of ackedSeqs) expect(seqs).toContain(s);

    const more = await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 7_000_000, MsgBody: text('after restart') });
    expect(more.MsgSeq).toBe(next);
  });
});
