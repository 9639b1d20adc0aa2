/**
 * The conversation list with real clients on both stores: unread counts kept with the messages, a
 * read on one device clearing the count on the user's other device and telling the sender (read
 * receipt, C2C.CallbackAfterMsgReport), NoUnread / NoLastMsg, admin_set_msg_read with a time,
 * get_c2c_unread_msg_num, a recall lowering the count, pins and recentcontact/get_list's pages and
 * TopFlag, recentcontact/delete with ClearRamble, group conversations counted from the group SEQ,
 * incremental sync by cursor, and the list surviving a crash of the server.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationView } from '../../src/protocol/client-ops.ts';
import type { ConversationNotice, StreamEvent } from '../../src/protocol/entries.ts';
import { hookedServer, roamingOf } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];
const noticesOf = (events: StreamEvent[]): ConversationNotice[] => events.flatMap((e) => (e.entry.kind === 'conversation' ? [e.entry] : []));
const received = (events: StreamEvent[], from: string): number => events.filter((e) => e.entry.kind === 'c2c' && e.entry.from === from).length;
const textOf = (v: ConversationView | undefined): unknown => {
  const entry = v?.lastMessage?.entry;
  return entry && 'body' in entry ? entry.body?.[0]?.MsgContent.Text : undefined;
};

describe.each(storeModes())('conversations (%s store)', (mode) => {
  const rig = hookedServer(storeEnv(mode));
  const rest = (path: string, body: unknown) => rig.server.rest(path, body);
  const send = (from: string, to: string, text: string, more: object = {}) => rest('openim/sendmsg', { From_Account: from, To_Account: to, MsgRandom: Math.floor(Math.random() * 2 ** 31), MsgBody: TEXT(text), ...more });
  const unreadOf = async (userId: string, peers?: string[]) => rest('openim/get_c2c_unread_msg_num', { To_Account: userId, ...(peers ? { Peer_Account: peers } : {}) });

  it('counts unread messages; a read on one device clears them on the other, and the sender gets the read receipt', async () => {
    const [amy, ben] = await rig.online('cv_amy', 'cv_ben');
    const benEvents: StreamEvent[] = [];
    const benPhone = await rig.server.login('cv_ben', { platform: 'iOS', onEvent: (e) => benEvents.push(e) });
    rig.clients.push(benPhone);
    for (const t of ['one', 'two', 'three']) await amy.c.sendC2C('cv_ben', TEXT(t));
    await waitFor(() => received(ben.events, 'cv_amy') === 3, 'Ben to receive three messages');

    const list = (await ben.c.conversations()).conversations;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ conversationId: 'c2c_cv_amy', type: 'c2c', peer: 'cv_amy', unread: 3, pinnedAt: 0 });
    expect(textOf(list[0])).toBe('three');
    expect((await amy.c.conversations()).conversations[0]).toMatchObject({ conversationId: 'c2c_cv_ben', unread: 0 });
    expect(await ben.c.unreadCounts(['cv_amy'])).toEqual({ total: 3, c2c: 3, group: 0, peers: [{ userId: 'cv_amy', unread: 3 }] });
    expect(await unreadOf('cv_ben')).toMatchObject({ ErrorCode: 0, AllC2CUnreadMsgNum: 3 });

    await ben.c.markRead('c2c_cv_amy');
    // The phone is told, and so is Amy (her messages were read).
    await waitFor(() => noticesOf(benEvents).some((n) => n.change === 'read'), "Ben's other device to learn of the read");
    expect(noticesOf(benEvents).find((n) => n.change === 'read')).toMatchObject({ conversationId: 'c2c_cv_amy', unread: 0, operator: 'cv_ben' });
    await waitFor(() => noticesOf(amy.events).some((n) => n.change === 'peerRead'), 'Amy to get the read receipt');
    expect(noticesOf(amy.events).find((n) => n.change === 'peerRead')).toMatchObject({ conversationId: 'c2c_cv_ben' });
    expect((await benPhone.conversations()).conversations[0].unread).toBe(0);
    const amyView = (await amy.c.conversations()).conversations[0];
    expect(amyView.peerReadTime).toBeGreaterThan(0);
    expect(await unreadOf('cv_ben', ['cv_amy'])).toMatchObject({ C2CUnreadMsgNumList: [{ Peer_Account: 'cv_amy', C2CUnreadMsgNum: 0 }] });

    await waitFor(() => rig.hook.of('C2C.CallbackAfterMsgReport').length > 0, 'the read-report callback');
    expect(rig.hook.of('C2C.CallbackAfterMsgReport')[0].body).toMatchObject({ Report_Account: 'cv_ben', Peer_Account: 'cv_amy', UnreadMsgNum: 0 });
    // Reading again reads nothing new: no second receipt.
    await ben.c.markRead('c2c_cv_amy');
    expect(noticesOf(amy.events).filter((n) => n.change === 'peerRead')).toHaveLength(1);
  });

  it('honours NoUnread and NoLastMsg, and admin_set_msg_read up to a time', async () => {
    await rig.server.importAccounts(['cv_cal', 'cv_dee']);
    const first = await send('cv_cal', 'cv_dee', 'first');
    await send('cv_cal', 'cv_dee', 'second');
    await send('cv_cal', 'cv_dee', 'quiet', { SendMsgControl: ['NoUnread'] });
    await send('cv_cal', 'cv_dee', 'hidden', { SendMsgControl: ['NoLastMsg'] });
    // first, second and hidden count; quiet does not, and is the last message shown.
    expect(await unreadOf('cv_dee')).toMatchObject({ AllC2CUnreadMsgNum: 3 });
    const dee = await rig.server.login('cv_dee');
    rig.clients.push(dee);
    expect(textOf((await dee.conversations()).conversations[0])).toBe('quiet');
    expect(await unreadOf('cv_dee', ['cv_cal', 'cv_nobody'])).toMatchObject({
      C2CUnreadMsgNumList: [{ Peer_Account: 'cv_cal', C2CUnreadMsgNum: 3 }],
      ErrorList: [{ Peer_Account: 'cv_nobody', ErrorCode: 70107 }],
    });

    // Read up to a second before the first message: nothing is read.
    const before = (first.MsgTime as number) - 1;
    expect(await rest('openim/admin_set_msg_read', { Report_Account: 'cv_dee', Peer_Account: 'cv_cal', MsgReadTime: String(before) })).toMatchObject({ ErrorCode: 0 });
    expect(await unreadOf('cv_dee')).toMatchObject({ AllC2CUnreadMsgNum: 3 });
    expect(await rest('openim/admin_set_msg_read', { Report_Account: 'cv_dee', Peer_Account: 'cv_cal' })).toMatchObject({ ErrorCode: 0 });
    expect(await unreadOf('cv_dee')).toMatchObject({ AllC2CUnreadMsgNum: 0 });
    await waitFor(() => rig.hook.of('C2C.CallbackAfterMsgReport').some((c) => c.body.Report_Account === 'cv_dee'), 'the callback of the admin read');
    expect(rig.hook.of('C2C.CallbackAfterMsgReport').find((c) => c.body.Report_Account === 'cv_dee')?.query.OptPlatform).toBe('RESTAPI');

    expect((await rest('openim/admin_set_msg_read', { Report_Account: 'cv_dee', Peer_Account: 'cv_nobody' })).ErrorCode).toBe(90012);
    expect((await rest('openim/admin_set_msg_read', { Report_Account: 'cv_nobody', Peer_Account: 'cv_cal' })).ErrorCode).toBe(90008);
    expect((await rest('openim/admin_set_msg_read', { Report_Account: 'cv_dee' })).ErrorCode).toBe(90010);
    expect((await unreadOf('cv_dee', Array.from({ length: 11 }, (_, i) => `p${i}`))).ErrorCode).toBe(90010);
    expect((await unreadOf('cv_nobody')).ErrorCode).toBe(90012);
  });

  it('lowers the count when an unread message is recalled', async () => {
    const [eli, fin] = await rig.online('cv_eli', 'cv_fin');
    const a = await eli.c.sendC2C('cv_fin', TEXT('a'));
    await eli.c.sendC2C('cv_fin', TEXT('b'));
    await waitFor(() => received(fin.events, 'cv_eli') === 2, 'Fin to receive both');
    await eli.c.recallC2C('cv_fin', a.msgKey);
    await waitFor(() => fin.events.some((e) => e.entry.kind === 'c2c.change'), 'Fin to learn of the recall');
    expect((await fin.c.conversations()).conversations[0].unread).toBe(1);
    // The callbacks carry Fin's C2C unread total: after each message, and after the recall.
    const sentTo = () => rig.hook.of('C2C.CallbackAfterSendMsg').filter((c) => c.body.To_Account === 'cv_fin');
    await waitFor(() => sentTo().length === 2 && rig.hook.of('C2C.CallbackAfterMsgWithDraw').some((c) => c.body.To_Account === 'cv_fin'), 'the send and recall callbacks');
    expect(sentTo().map((c) => c.body.UnreadMsgNum)).toEqual([1, 2]);
    expect(rig.hook.of('C2C.CallbackAfterMsgWithDraw').find((c) => c.body.To_Account === 'cv_fin')?.body).toMatchObject({ MsgKey: a.msgKey, UnreadMsgNum: 1 });
  });

  it('tells the sender which messages were read, for those sent with IsNeedReadReceipt (client and REST)', async () => {
    const [gil, hoa] = await rig.online('cv_gil', 'cv_hoa');
    const asked = await gil.c.sendC2C('cv_hoa', TEXT('tell me'), { needReadReceipt: true });
    const plain = await gil.c.sendC2C('cv_hoa', TEXT('no need'));
    const viaRest = await send('cv_gil', 'cv_hoa', 'rest', { IsNeedReadReceipt: 1 });
    await waitFor(() => received(hoa.events, 'cv_gil') === 3, 'Hoa to receive all three');
    expect(hoa.events.find((e) => e.entry.kind === 'c2c' && e.entry.msgKey === asked.msgKey)?.entry).toMatchObject({ needReadReceipt: true });

    await hoa.c.readC2CReceipts('cv_gil', [asked.msgKey, plain.msgKey]);
    await waitFor(() => noticesOf(gil.events).some((n) => n.change === 'receipt'), 'Gil to get the read receipt');
    expect(noticesOf(gil.events).filter((n) => n.change === 'receipt')).toEqual([expect.objectContaining({ conversationId: 'c2c_cv_hoa', msgKeys: [asked.msgKey], operator: 'cv_hoa' })]);
    // A MsgKey Gil never sent to Hoa fails the receipt whole.
    await expect(hoa.c.readC2CReceipts('cv_gil', ['1_2_3'])).rejects.toMatchObject({ code: 20022 });

    const receipt = (info: object[]) => rest('openim/c2c_msg_read_receipt', { Operator_Account: 'cv_hoa', Peer_Account: 'cv_gil', C2CMsgInfo: info });
    expect(await receipt([{ From_Account: 'cv_gil', To_Account: 'cv_hoa', MsgKey: viaRest.MsgKey }])).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await waitFor(() => noticesOf(gil.events).filter((n) => n.change === 'receipt').length === 2, 'the REST read receipt');
    expect(noticesOf(gil.events).filter((n) => n.change === 'receipt')[1]).toMatchObject({ msgKeys: [viaRest.MsgKey], operator: 'administrator' });
    expect(await receipt([{ From_Account: 'cv_hoa', To_Account: 'cv_gil', MsgKey: viaRest.MsgKey }])).toMatchObject({ ErrorCode: 90010 });
    expect(await receipt([{ From_Account: 'cv_gil', To_Account: 'cv_hoa', MsgKey: 'not-a-key' }])).toMatchObject({ ErrorCode: 90054 });
    // Receipts leave the conversation rows alone: Gil's view of Hoa's read position is unchanged.
    expect((await gil.c.conversations()).conversations[0].peerReadTime).toBe(0);
  });

  it('pins conversations first with TopFlag, pages get_list without repeats, and deletes with ClearRamble', async () => {
    const owner = 'cv_gus';
    const peers = Array.from({ length: 105 }, (_, i) => `cv_p${String(i).padStart(3, '0')}`);
    await rig.server.importAccounts([owner, ...peers]);
    for (const p of peers) await send(p, owner, `from ${p}`);
    const gus = await rig.server.login(owner);
    rig.clients.push(gus);
    await gus.pinConversation('c2c_cv_p000', true);

    const page = (body: object) => rest('recentcontact/get_list', { From_Account: owner, TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 1, ...body });
    const seen: string[] = [];
    let cursor = {};
    let pages = 0;
    for (;;) {
      const r = await page(cursor);
      expect(r.ErrorCode).toBe(0);
      const items = r.SessionItem as { Type: number; To_Account: string; MsgTime: number; TopFlag: number }[];
      if (pages === 0) {
        expect(items[0]).toMatchObject({ Type: 1, To_Account: 'cv_p000', TopFlag: 1 });
        expect(items.slice(1).every((i) => i.TopFlag === 0)).toBe(true);
      }
      seen.push(...items.map((i) => i.To_Account));
      pages++;
      if (r.CompleteFlag === 1) break;
      cursor = { TimeStamp: r.TimeStamp, StartIndex: r.StartIndex, TopTimeStamp: r.TopTimeStamp, TopStartIndex: r.TopStartIndex };
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(105);
    expect(seen).toHaveLength(105);
    // Without AssistFlags bit 0 nothing is flagged pinned.
    expect(((await page({ AssistFlags: 0 })).SessionItem as { TopFlag: number }[]).every((i) => i.TopFlag === 0)).toBe(true);

    // Deleting with ClearRamble removes the conversation and Gus's history of it; the peer keeps theirs.
    expect(await rest('recentcontact/delete', { From_Account: owner, Type: 1, To_Account: 'cv_p001', ClearRamble: 1 })).toMatchObject({ ErrorCode: 0 });
    const after = (await gus.conversations()).conversations.map((v) => v.peer);
    expect(after).not.toContain('cv_p001');
    expect(after).toHaveLength(104);
    expect(await roamingOf(rig.server, owner, 'cv_p001')).toHaveLength(0);
    expect(await roamingOf(rig.server, 'cv_p001', owner)).toHaveLength(1);
    // Its next message brings it back, unread.
    await send('cv_p001', owner, 'again');
    const back = (await gus.conversations()).conversations.find((v) => v.peer === 'cv_p001');
    expect(back).toMatchObject({ unread: 1 });
    expect(textOf(back)).toBe('again');

    expect((await rest('recentcontact/get_list', { From_Account: owner })).ErrorCode).toBe(50002);
    expect((await page({ From_Account: 'cv_nobody' })).ErrorCode).toBe(50001);
    expect((await rest('recentcontact/delete', { From_Account: owner, Type: 2 })).ErrorCode).toBe(50002);
    expect((await rest('recentcontact/delete', { From_Account: owner, Type: 3, To_Account: 'cv_p002' })).ErrorCode).toBe(50002);
  });

  it('counts a group conversation from the group SEQ; a read clears it; get_list shows it as Type 2', async () => {
    const [hal] = await rig.online('cv_hal', 'cv_ivy');
    const created = await rest('group_open_http_svc/create_group', { Owner_Account: 'cv_ivy', Type: 'Public', Name: 'talk', MemberList: [{ Member_Account: 'cv_hal' }] });
    const groupId = created.GroupId as string;
    for (const t of ['g1', 'g2']) await rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'cv_ivy', Random: Math.floor(Math.random() * 1e9), MsgBody: TEXT(t) });
    const view = (await hal.c.conversations()).conversations.find((v) => v.conversationId === `group_${groupId}`);
    expect(view).toMatchObject({ type: 'group', peer: groupId, unread: 2 });
    expect(textOf(view)).toBe('g2');
    expect(await hal.c.unreadCounts()).toMatchObject({ total: 2, group: 2 });
    await hal.c.markRead(`group_${groupId}`);
    expect((await hal.c.conversations()).conversations.find((v) => v.peer === groupId)?.unread).toBe(0);
    const items = (await rest('recentcontact/get_list', { From_Account: 'cv_hal', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 0 })).SessionItem as object[];
    expect(items).toContainEqual(expect.objectContaining({ Type: 2, GroupId: groupId, TopFlag: 0 }));
    await expect(hal.c.markRead('group_@TGS#nosuch')).rejects.toMatchObject({ code: 10007 });
  });

  it('counts the unread count migration set (set_unread_msg_num) until the member reads the group', async () => {
    const [max] = await rig.online('cv_max', 'cv_ned');
    const created = await rest('group_open_http_svc/create_group', { Owner_Account: 'cv_ned', Type: 'Public', Name: 'moved', MemberList: [{ Member_Account: 'cv_max' }] });
    const groupId = created.GroupId as string;
    for (const t of ['a', 'b', 'c']) await rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'cv_ned', Random: Math.floor(Math.random() * 1e9), MsgBody: TEXT(t) });
    expect(await rest('group_open_http_svc/set_unread_msg_num', { GroupId: groupId, Member_Account: 'cv_max', UnreadMsgNum: 1 })).toMatchObject({ ErrorCode: 0 });
    const unreadIn = async () => (await max.c.conversations()).conversations.find((v) => v.peer === groupId)?.unread;
    expect(await unreadIn()).toBe(1);
    await rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'cv_ned', Random: Math.floor(Math.random() * 1e9), MsgBody: TEXT('d') });
    expect(await unreadIn()).toBe(2);
    await max.c.markRead(`group_${groupId}`);
    expect(await unreadIn()).toBe(0);
  });

  it('syncs only what changed after a cursor, and keeps the list across a crash', async () => {
    const [jo, kim] = await rig.online('cv_jo', 'cv_kim');
    await rig.server.importAccounts(['cv_lee']);
    await send('cv_kim', 'cv_jo', 'hello');
    await send('cv_lee', 'cv_jo', 'hi');
    const { cursor } = await jo.c.conversations();
    await kim.c.sendC2C('cv_jo', TEXT('news'));
    await waitFor(() => received(jo.events, 'cv_kim') === 2, 'Jo to receive the news');
    const changed = await jo.c.conversations(cursor);
    expect(changed.conversations.map((v) => v.peer)).toEqual(['cv_kim']);
    expect(changed.cursor).toBeGreaterThan(cursor);
    await jo.c.deleteConversation('c2c_cv_lee');
    expect((await jo.c.conversations(changed.cursor)).conversations).toEqual([expect.objectContaining({ peer: 'cv_lee', deleted: true })]);

    await rig.server.restart();
    const again = await rig.server.login('cv_jo');
    rig.clients.push(again);
    const list = (await again.conversations()).conversations;
    expect(list.map((v) => [v.peer, v.unread])).toEqual([['cv_kim', 2]]);
  });
});

describe('conversations turned off (PARLEY_CONVERSATIONS=false)', () => {
  const rig = hookedServer({ PARLEY_CONVERSATIONS: 'false' });

  it('lists none and counts none, and messages still flow', async () => {
    const [ora, pat] = await rig.online('cvx_ora', 'cvx_pat');
    await ora.c.sendC2C('cvx_pat', TEXT('still works'));
    await waitFor(() => received(pat.events, 'cvx_ora') === 1, 'Pat to receive the message');
    expect(await pat.c.conversations()).toMatchObject({ conversations: [] });
    expect(await pat.c.unreadCounts()).toEqual({ total: 0, c2c: 0, group: 0 });
    await pat.c.markRead('c2c_cvx_ora');
    expect(noticesOf(ora.events)).toEqual([]);
    const list = await rig.server.rest('recentcontact/get_list', { From_Account: 'cvx_pat', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 7 });
    expect(list).toMatchObject({ ErrorCode: 0, SessionItem: [], CompleteFlag: 1 });
  });
});
