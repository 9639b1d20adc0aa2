import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { text } from '../../helpers/wait.ts';

describe.each(storeModes())('REST openim (%s store)', (mode) => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['alice', 'bob', 'carol']);
  });

  afterAll(async () => {
    await server.stop();
  });

  const roam = (operator: string, peer: string, extra: Record<string, unknown> = {}) =>
    server.rest('openim/admin_getroammsg', { Operator_Account: operator, Peer_Account: peer, MaxCnt: 100, MinTime: 0, MaxTime: 4_000_000_000, ...extra });

  it('sendmsg stores the message for both sides and answers MsgTime and MsgKey', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await server.rest('openim/sendmsg', { From_Account: 'alice', To_Account: 'bob', MsgRandom: 11, MsgSeq: 5, MsgBody: text('hello'), CloudCustomData: 'cc' });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(r.MsgTime).toBeGreaterThanOrEqual(before);
    expect(r.MsgKey).toBe(`5_11_${r.MsgTime}`);
    const bobSide = await roam('bob', 'alice');
    expect(bobSide.MsgList).toEqual([
      {
        From_Account: 'alice',
        To_Account: 'bob',
        MsgSeq: 5,
        MsgRandom: 11,
        MsgTimeStamp: r.MsgTime,
        MsgFlagBits: 0,
        IsPeerRead: 0,
        MsgKey: r.MsgKey,
        MsgBody: text('hello'),
        CloudCustomData: 'cc',
      },
    ]);
    expect((await roam('alice', 'bob')).MsgCnt).toBe(1);
  });

  it('sendmsg with SyncOtherMachine 2 leaves the sender’s history alone', async () => {
    await server.rest('openim/sendmsg', { SyncOtherMachine: 2, From_Account: 'carol', To_Account: 'bob', MsgRandom: 1, MsgBody: text('quiet') });
    expect((await roam('bob', 'carol')).MsgCnt).toBe(1);
    expect((await roam('carol', 'bob')).MsgCnt).toBe(0);
  });

  it('sendmsg retried with the same sender and MsgRandom stores one message and answers the same MsgKey', async () => {
    const body = { From_Account: 'carol', To_Account: 'alice', MsgRandom: 77, MsgBody: text('once') };
    const a = await server.rest('openim/sendmsg', body);
    const b = await server.rest('openim/sendmsg', body);
    expect(b.MsgKey).toBe(a.MsgKey);
    expect((await roam('alice', 'carol')).MsgCnt).toBe(1);
  });

  it('sendmsg gives each bad field its Tencent code and stores nothing', async () => {
    await server.importAccounts(['v1', 'v2']);
    const good = { From_Account: 'v1', To_Account: 'v2', MsgRandom: 1, MsgBody: text('x') };
    const cases: [string, Record<string, unknown>, number][] = [
      ['no MsgRandom', { ...good, MsgRandom: undefined }, 90005],
      ['MsgRandom not an integer', { ...good, MsgRandom: 1.5 }, 90005],
      ['MsgBody not an array', { ...good, MsgBody: { MsgType: 'TIMTextElem' } }, 90007],
      ['empty MsgBody', { ...good, MsgBody: [] }, 90007],
      // Spec §4.1: a MsgBody that is not an array is 90002/90007, an unknown format 90010.
      ['unknown element type', { ...good, MsgBody: [{ MsgType: 'TIMNopeElem', MsgContent: {} }] }, 90010],
      ['text element without Text', { ...good, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: {} }] }, 90002],
      ['two custom elements', { ...good, MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'a' } }, { MsgType: 'TIMCustomElem', MsgContent: { Data: 'b' } }] }, 90002],
      ['no To_Account', { ...good, To_Account: undefined }, 90003],
      ['To_Account not a string', { ...good, To_Account: 5 }, 90003],
      ['unknown To_Account', { ...good, To_Account: 'zed' }, 90012],
      ['unknown From_Account', { ...good, From_Account: 'zed' }, 90008],
      ['bad SyncOtherMachine', { ...good, SyncOtherMachine: 3 }, 90031],
      ['negative MsgLifeTime', { ...good, MsgLifeTime: -1 }, 90044],
      ['MsgSeq beyond u32', { ...good, MsgSeq: 2 ** 32 }, 90004],
      // The message itself is over the limit (80002); only a body far beyond any message is refused as a packet (93000).
      ['message over 12 KB', { ...good, MsgBody: text('x'.repeat(12 * 1024)) }, 80002],
      ['message and custom data together over 12 KB', { ...good, MsgBody: text('x'.repeat(8 * 1024)), CloudCustomData: 'c'.repeat(5 * 1024) }, 80002],
      ['body over twice the message limit', { ...good, MsgBody: text('x'.repeat(30 * 1024)) }, 93000],
      ['OfflinePushInfo not an object', { ...good, OfflinePushInfo: 'push me' }, 90043],
      ['OfflinePushInfo with a bad PushFlag', { ...good, OfflinePushInfo: { PushFlag: 'yes' } }, 90043],
      ['OfflinePushInfo.ApnsInfo not an object', { ...good, OfflinePushInfo: { ApnsInfo: [] } }, 90043],
    ];
    for (const [name, body, code] of cases) {
      const r = await server.rest('openim/sendmsg', body);
      expect({ name, code: r.ErrorCode, status: r.ActionStatus }).toEqual({ name, code, status: 'FAIL' });
    }
    expect((await roam('v2', 'v1')).MsgCnt).toBe(0);
    expect((await roam('v1', 'v2')).MsgCnt).toBe(0);
  });

  it('batchsendmsg delivers to each receiver and reports unknown ones in ErrorList', async () => {
    await server.importAccounts(['r1', 'r2']);
    const r = await server.rest('openim/batchsendmsg', { From_Account: 'alice', To_Account: ['r1', 'r2', 'ghost'], MsgRandom: 3, MsgBody: text('notice') });
    expect(r).toMatchObject({ ActionStatus: 'SomeError', ErrorCode: 0, ErrorList: [{ To_Account: 'ghost', ErrorCode: 70107 }] });
    expect(typeof r.MsgKey).toBe('string');
    expect((await roam('r1', 'alice')).MsgCnt).toBe(1);
    expect((await roam('r2', 'alice')).MsgCnt).toBe(1);
    const ok = await server.rest('openim/batchsendmsg', { From_Account: 'alice', To_Account: ['r1'], MsgRandom: 4, MsgBody: text('again') });
    expect(ok).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorList: [] });
  });

  it('batchsendmsg fails as a whole when no receiver exists, and refuses more than 500 receivers', async () => {
    const none = await server.rest('openim/batchsendmsg', { To_Account: ['g1', 'g2'], MsgRandom: 3, MsgBody: text('x') });
    expect(none).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90012 });
    const many = Array.from({ length: 501 }, (_, i) => `u${i}`);
    expect((await server.rest('openim/batchsendmsg', { To_Account: many, MsgRandom: 3, MsgBody: text('x') })).ErrorCode).toBe(90011);
  });

  it('admin_getroammsg pages backwards with LastMsgKey until Complete is 1', async () => {
    await server.importAccounts(['p1', 'p2']);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      keys.push((await server.rest('openim/sendmsg', { From_Account: 'p1', To_Account: 'p2', MsgRandom: 100 + i, MsgBody: text(`m${i}`) })).MsgKey as string);
    }
    const seen: string[] = [];
    let page = await roam('p2', 'p1', { MaxCnt: 2 });
    for (;;) {
      seen.push(...(page.MsgList as { MsgKey: string }[]).map((m) => m.MsgKey));
      if (page.Complete === 1) break;
      expect(page.MsgCnt).toBe(2);
      page = await roam('p2', 'p1', { MaxCnt: 2, MaxTime: page.LastMsgTime, LastMsgKey: page.LastMsgKey });
    }
    expect(seen).toEqual([...keys].reverse());
    expect((await roam('p2', 'p1', { LastMsgKey: 'garbage' })).ErrorCode).toBe(90054);
    expect((await roam('p2', 'nobody')).ErrorCode).toBe(70107);
  });

  it('query_online_status answers Offline for accounts with no device, 70107 in ErrorList for unknown ones, and refuses a bad list', async () => {
    const r = await server.rest('openim/query_online_status', { To_Account: ['alice', 'nobody', 'alice'] });
    expect(r).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, QueryResult: [{ To_Account: 'alice', Status: 'Offline' }], ErrorList: [{ To_Account: 'nobody', ErrorCode: 70107 }] });
    const status = (body: unknown) => server.rest('openim/query_online_status', body);
    expect((await status({ To_Account: [] })).ErrorCode).toBe(90010);
    expect((await status({ To_Account: Array.from({ length: 501 }, (_, i) => `u${i}`) })).ErrorCode).toBe(90010);
    expect((await status({ To_Account: 'alice' })).ErrorCode).toBe(90010);
    expect((await status({ To_Account: ['alice'], IsNeedDetail: 2 })).ErrorCode).toBe(90010);
  });
});
