/**
 * Recalling and modifying C2C messages with real clients on both stores: the sender's recall from
 * the client within the window (20016 after it), the App admin's admin_msgwithdraw at any time, both
 * sides' devices told by a `c2c.change` entry and syncing the message as recalled (flags 8), roaming
 * answering MsgFlagBits 8, C2C.CallbackAfterMsgWithDraw, the codes 20022 / 20023 / 90054,
 * modify_c2c_msg rewriting the stored message on both sides, and a user deleting their own copies.
 */
import { describe, expect, it } from 'vitest';
import type { C2CChangeNotice, C2CMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { hookedServer, roamingOf } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];
const changesOf = (o: { events: StreamEvent[] }): C2CChangeNotice[] => o.events.flatMap((e) => (e.entry.kind === 'c2c.change' ? [e.entry] : []));
const c2cSeq = (o: { events: StreamEvent[] }, msgKey: string): number | undefined =>
  o.events.find((e) => e.entry.kind === 'c2c' && e.entry.msgKey === msgKey)?.seq;

describe.each(storeModes())('C2C recall and modify (%s store)', (mode) => {
  const rig = hookedServer(storeEnv(mode));
  const online = rig.online;
  const roam = (operator: string, peer: string) => roamingOf(rig.server, operator, peer);

  it('lets the sender recall from the client: both sides are told, sync and roaming show it recalled, the app server is called back', async () => {
    const [amy, ben] = await online('r_amy', 'r_ben');
    const sent = await amy.c.sendC2C('r_ben', TEXT('oops'));
    await waitFor(() => c2cSeq(ben, sent.msgKey) !== undefined, 'Ben to receive the message');
    await amy.c.recallC2C('r_ben', sent.msgKey);
    for (const o of [amy, ben]) await waitFor(() => changesOf(o).length > 0, 'each side to be told');
    // Each side's notice points at the message's SEQ in that side's own inbox.
    expect(changesOf(ben)[0]).toMatchObject({ change: 'recall', from: 'r_amy', to: 'r_ben', msgKey: sent.msgKey, operator: 'r_amy', seq: c2cSeq(ben, sent.msgKey) });
    expect(changesOf(amy)[0]).toMatchObject({ change: 'recall', msgKey: sent.msgKey, seq: sent.seq });
    expect(changesOf(ben)[0]).not.toHaveProperty('origin');

    // A device that syncs later gets the message marked recalled, then the notice.
    const synced: StreamEvent[] = [];
    rig.clients.push(await rig.server.login('r_ben', { platform: 'iOS', onEvent: (e) => synced.push(e) }));
    const message = synced.find((e) => e.entry.kind === 'c2c' && e.entry.msgKey === sent.msgKey)?.entry as C2CMessage;
    expect(message.flags & 8).toBe(8);
    expect(changesOf({ events: synced })).toHaveLength(1);
    for (const [operator, peer] of [['r_ben', 'r_amy'], ['r_amy', 'r_ben']]) {
      expect((await roam(operator, peer)).find((m) => m.MsgKey === sent.msgKey)?.MsgFlagBits).toBe(8);
    }
    await waitFor(() => rig.hook.of('C2C.CallbackAfterMsgWithDraw').length > 0, 'the after-recall callback');
    const called = rig.hook.of('C2C.CallbackAfterMsgWithDraw')[0];
    expect(called.body).toMatchObject({ CallbackCommand: 'C2C.CallbackAfterMsgWithDraw', From_Account: 'r_amy', To_Account: 'r_ben', MsgKey: sent.msgKey });
    expect(called.query.OptPlatform).toBe('Web');

    await expect(amy.c.recallC2C('r_ben', sent.msgKey)).rejects.toMatchObject({ code: 20023 });
    // Only the sender recalls: Ben has sent no such message.
    await expect(ben.c.recallC2C('r_amy', sent.msgKey)).rejects.toMatchObject({ code: 20022 });
    await expect(amy.c.recallC2C('r_ben', 'not-a-key')).rejects.toMatchObject({ code: 90054 });
  });

  it('answers admin_msgwithdraw with 0, then 20023; 20022 for a message that never was; 90054 for a bad MsgKey', async () => {
    const [cal, dee] = await online('r_cal', 'r_dee');
    const sent = await rig.server.rest('openim/sendmsg', { From_Account: 'r_cal', To_Account: 'r_dee', MsgRandom: 11, MsgBody: TEXT('by rest') });
    const msgKey = sent.MsgKey as string;
    await waitFor(() => c2cSeq(dee, msgKey) !== undefined, 'Dee to receive it');
    const withdraw = (key: unknown) => rig.server.rest('openim/admin_msgwithdraw', { From_Account: 'r_cal', To_Account: 'r_dee', MsgKey: key });
    expect(await withdraw(msgKey)).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await waitFor(() => changesOf(dee).length > 0 && changesOf(cal).length > 0, 'both sides told');
    expect(changesOf(dee)[0]).toMatchObject({ change: 'recall', operator: 'administrator' });
    expect((await withdraw(msgKey)).ErrorCode).toBe(20023);
    const [seq, random, second] = msgKey.split('_');
    expect((await withdraw(`${seq}_${Number(random) + 1}_${second}`)).ErrorCode).toBe(20022);
    expect((await withdraw('12_x_3')).ErrorCode).toBe(90054);
    expect((await withdraw(7)).ErrorCode).toBe(90054);
    expect((await rig.server.rest('openim/admin_msgwithdraw', { From_Account: 'r_cal', MsgKey: msgKey })).ErrorCode).toBe(90010);
  });

  it('rewrites a message with modify_c2c_msg on both sides, telling their devices', async () => {
    const [eli, fin] = await online('r_eli', 'r_fin');
    const sent = await eli.c.sendC2C('r_fin', TEXT('draft'), { cloudCustomData: 'v1' });
    await waitFor(() => c2cSeq(fin, sent.msgKey) !== undefined, 'Fin to receive it');
    const modify = (body: unknown) => rig.server.rest('openim/modify_c2c_msg', { From_Account: 'r_eli', To_Account: 'r_fin', MsgKey: sent.msgKey, ...(body as object) });
    expect(await modify({ MsgBody: TEXT('final'), CloudCustomData: 'v2' })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: 'succeed' });
    for (const o of [eli, fin]) await waitFor(() => changesOf(o).length > 0, 'each side told of the change');
    expect(changesOf(fin)[0]).toMatchObject({ change: 'modify', msgKey: sent.msgKey, body: TEXT('final'), cloudCustomData: 'v2' });
    for (const [operator, peer] of [['r_fin', 'r_eli'], ['r_eli', 'r_fin']]) {
      const m = (await roam(operator, peer)).find((x) => x.MsgKey === sent.msgKey);
      expect(m).toMatchObject({ MsgBody: TEXT('final'), CloudCustomData: 'v2', MsgFlagBits: 0 });
    }
    // Only the custom data: the body stays.
    expect((await modify({ CloudCustomData: 'v3' })).ErrorCode).toBe(0);
    expect((await roam('r_fin', 'r_eli')).find((x) => x.MsgKey === sent.msgKey)).toMatchObject({ MsgBody: TEXT('final'), CloudCustomData: 'v3' });
    expect((await modify({})).ErrorCode).toBe(90010);
    expect((await modify({ MsgBody: 'text' })).ErrorCode).toBe(90007);
    expect((await modify({ MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(13_000) } }] })).ErrorCode).toBe(80002);
    expect((await rig.server.rest('openim/admin_msgwithdraw', { From_Account: 'r_eli', To_Account: 'r_fin', MsgKey: sent.msgKey })).ErrorCode).toBe(0);
    expect((await modify({ CloudCustomData: 'v4' })).ErrorCode).toBe(20023);
  });

  it('deletes a user’s own copies from their view only, sent or received; the peer keeps theirs', async () => {
    const [ivy, jay] = await online('r_ivy', 'r_jay');
    const one = await ivy.c.sendC2C('r_jay', TEXT('one'));
    const two = await ivy.c.sendC2C('r_jay', TEXT('two'));
    const back = await jay.c.sendC2C('r_ivy', TEXT('back'));
    await waitFor(() => c2cSeq(ivy, back.msgKey) !== undefined, 'Ivy to receive Jay’s message');
    await ivy.c.deleteC2C('r_jay', [one.msgKey, back.msgKey, `1_2_${Math.floor(Date.now() / 1000)}`]);
    await waitFor(() => changesOf(ivy).filter((n) => n.change === 'delete').length === 2, 'Ivy’s devices told of both deletions');
    expect(changesOf(jay)).toEqual([]);
    const keys = async (operator: string, peer: string) => (await roam(operator, peer)).map((m) => m.MsgKey);
    expect(await keys('r_ivy', 'r_jay')).toEqual([two.msgKey]);
    expect(await keys('r_jay', 'r_ivy')).toEqual([back.msgKey, two.msgKey, one.msgKey]);
    const synced: StreamEvent[] = [];
    rig.clients.push(await rig.server.login('r_ivy', { platform: 'iOS', onEvent: (e) => synced.push(e) }));
    expect(synced.flatMap((e) => (e.entry.kind === 'c2c' ? [e.entry.msgKey] : []))).toEqual([two.msgKey]);
    // Her deleted copy is gone for her, but she may still recall what she sent: Jay's copy is recalled.
    await ivy.c.recallC2C('r_jay', one.msgKey);
    expect((await roam('r_jay', 'r_ivy')).find((m) => m.MsgKey === one.msgKey)?.MsgFlagBits).toBe(8);
    await expect(ivy.c.deleteC2C('r_jay', ['bad'])).rejects.toMatchObject({ code: 90054 });
  });

  it('refuses a client recall after the recall window (20016); the App admin may still recall', async () => {
    const [gus] = await online('r_gus', 'r_hal');
    const sent = await gus.c.sendC2C('r_hal', TEXT('old news'));
    // Five minutes later (the window is 120 s by default).
    await rig.server.restartWith({ PARLEY_CLOCK_OFFSET_MS: String(5 * 60_000) });
    const later = await rig.server.login('r_gus');
    rig.clients.push(later);
    await expect(later.recallC2C('r_hal', sent.msgKey)).rejects.toMatchObject({ code: 20016 });
    expect((await rig.server.rest('openim/admin_msgwithdraw', { From_Account: 'r_gus', To_Account: 'r_hal', MsgKey: sent.msgKey })).ErrorCode).toBe(0);
  });
});
