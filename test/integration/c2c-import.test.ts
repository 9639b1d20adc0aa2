/**
 * importmsg (migration, spec §3.2 and §8.6) on both stores with real clients: history
 * (SyncFromOldSystem 2) kept with its original time for roaming on both sides, never pushed nor
 * synced as new; transition messages (5) pushed like a send; the same message imported again, in
 * either direction, stored once; no callbacks; and the codes of bad input.
 */
import { describe, expect, it } from 'vitest';
import type { C2CMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { hookedServer, roamingOf } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];
const c2cTexts = (events: StreamEvent[]): string[] =>
  events.flatMap((e) => (e.entry.kind === 'c2c' ? [String((e.entry.body[0].MsgContent as { Text: string }).Text)] : []));

describe.each(storeModes())('importmsg (%s store)', (mode) => {
  const rig = hookedServer(storeEnv(mode));
  const online = rig.online;
  const nowS = () => Math.floor(Date.now() / 1000);
  const importMsg = (body: Record<string, unknown>) => rig.server.rest('openim/importmsg', { SyncFromOldSystem: 2, MsgRandom: 1, MsgTimeStamp: nowS() - 3600, MsgBody: TEXT('x'), ...body });
  const roam = (operator: string, peer: string) => roamingOf(rig.server, operator, peer);

  it('keeps history for roaming on both sides with its original time, once, without pushing it or syncing it as new', async () => {
    const [, bea] = await online('i_abe', 'i_bea');
    const t = nowS() - 3600;
    const base = { From_Account: 'i_abe', To_Account: 'i_bea', MsgSeq: 7, MsgRandom: 99, MsgTimeStamp: t };
    expect(await importMsg({ ...base, MsgBody: TEXT('from the old system') })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    // Again, and again with the sides swapped: the same message, not a new one.
    expect((await importMsg({ ...base, MsgBody: TEXT('from the old system') })).ErrorCode).toBe(0);
    expect((await importMsg({ ...base, From_Account: 'i_bea', To_Account: 'i_abe', MsgBody: TEXT('from the old system') })).ErrorCode).toBe(0);
    // Another message in the same second with the same random is a different message.
    expect((await importMsg({ ...base, MsgSeq: 8, MsgBody: TEXT('second') })).ErrorCode).toBe(0);
    for (const [operator, peer] of [['i_bea', 'i_abe'], ['i_abe', 'i_bea']]) {
      const list = await roam(operator, peer);
      expect(list.map((m) => [m.From_Account, m.MsgTimeStamp, m.MsgSeq, m.MsgKey])).toEqual([
        ['i_abe', t, 8, `8_99_${t}`],
        ['i_abe', t, 7, `7_99_${t}`],
      ]);
    }
    // A live message after it arrives; the imported history never did, and a fresh device does not sync it.
    await rig.server.rest('openim/sendmsg', { From_Account: 'i_abe', To_Account: 'i_bea', MsgRandom: 5, MsgBody: TEXT('live now') });
    await waitFor(() => c2cTexts(bea.events).includes('live now'), 'the live message');
    expect(c2cTexts(bea.events)).toEqual(['live now']);
    const synced: StreamEvent[] = [];
    rig.clients.push(await rig.server.login('i_bea', { platform: 'iOS', onEvent: (e) => synced.push(e) }));
    expect(c2cTexts(synced)).toEqual(['live now']);
    // No callbacks for imports: the live message's comes, theirs never.
    await waitFor(() => rig.hook.of('C2C.CallbackAfterSendMsg', (h) => h.body.To_Account === 'i_bea').length > 0, 'the live message’s callback');
    expect(rig.hook.of('C2C.CallbackAfterSendMsg', (h) => h.body.To_Account === 'i_bea').map((h) => h.body.MsgSeq)).not.toContain(7);
  });

  it('pushes a transition message (SyncFromOldSystem 5) to the receiver as it comes', async () => {
    const [, dan] = await online('i_cat', 'i_dan');
    expect((await importMsg({ SyncFromOldSystem: 5, From_Account: 'i_cat', To_Account: 'i_dan', MsgTimeStamp: nowS(), MsgBody: TEXT('during the move') })).ErrorCode).toBe(0);
    await waitFor(() => c2cTexts(dan.events).includes('during the move'), 'the pushed import');
    const m = dan.events.find((e) => e.entry.kind === 'c2c')?.entry as C2CMessage;
    expect(m).toMatchObject({ from: 'i_cat', to: 'i_dan', imported: 'live' });
  });

  it('answers bad input with Tencent’s codes and stores nothing', async () => {
    await rig.server.importAccounts(['i_eve', 'i_fox']);
    const ok = { From_Account: 'i_eve', To_Account: 'i_fox' };
    expect((await importMsg({ ...ok, SyncFromOldSystem: 3 })).ErrorCode).toBe(90030);
    expect((await importMsg({ ...ok, SyncFromOldSystem: undefined })).ErrorCode).toBe(90030);
    expect((await importMsg({ ...ok, MsgTimeStamp: nowS() + 3600 })).ErrorCode).toBe(90006);
    // Older than the roaming retention (7 days by default): it could not be kept.
    expect((await importMsg({ ...ok, MsgTimeStamp: nowS() - 8 * 86400 })).ErrorCode).toBe(90006);
    expect((await importMsg({ ...ok, MsgTimeStamp: 'yesterday' })).ErrorCode).toBe(90006);
    expect((await importMsg({ ...ok, MsgRandom: -1 })).ErrorCode).toBe(90005);
    expect((await importMsg({ ...ok, MsgBody: 'hi' })).ErrorCode).toBe(90007);
    expect((await importMsg({ ...ok, To_Account: 'i_nobody' })).ErrorCode).toBe(90012);
    expect((await importMsg({ ...ok, From_Account: 'i_nobody' })).ErrorCode).toBe(90008);
    expect(await roam('i_fox', 'i_eve')).toEqual([]);
  });
});
