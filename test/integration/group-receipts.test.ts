/**
 * Group message read receipts on both stores with real clients: a message sent with
 * needReadReceipt, members reporting it read (client and REST group_msg_receipt), the sender's
 * device told the counts live, get_group_msg_receipt(_detail) over REST and the client, members who
 * joined later left out, Group.CallbackAfterReadReceipt, and Tencent's codes (10060–10062, 10007).
 */
import { describe, expect, it } from 'vitest';
import type { GroupReceiptNotice, StreamEvent } from '../../src/protocol/entries.ts';
import { hookedServer } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];
const receiptsOf = (events: StreamEvent[]): GroupReceiptNotice[] => events.flatMap((e) => (e.entry.kind === 'groupReceipt' ? [e.entry] : []));
const MAX_MEMBERS = 4;

describe.each(storeModes())('group read receipts (%s store)', (mode) => {
  const rig = hookedServer({ ...storeEnv(mode), PARLEY_GROUP_RECEIPT_MAX_MEMBERS: String(MAX_MEMBERS) });
  const rest = (path: string, body: unknown) => rig.server.rest(path, body);
  const createGroup = async (owner: string, members: string[], type = 'Public'): Promise<string> => {
    const r = await rest('group_open_http_svc/create_group', { Owner_Account: owner, Type: type, Name: 'receipts', MemberList: members.map((m) => ({ Member_Account: m })) });
    expect(r.ErrorCode).toBe(0);
    return r.GroupId as string;
  };

  it('counts who read a message; the sender is told live; members who joined later are not counted', async () => {
    const [amy, ben] = await rig.online('gr_amy', 'gr_ben');
    await rig.server.importAccounts(['gr_cat', 'gr_dan']);
    const groupId = await createGroup('gr_amy', ['gr_ben', 'gr_cat']);
    const asked = await amy.c.sendGroup(groupId, TEXT('read me'), { needReadReceipt: true });
    const plain = await amy.c.sendGroup(groupId, TEXT('just news'));
    await waitFor(() => ben.events.some((e) => e.entry.kind === 'group' && e.seq === asked.seq), 'Ben to receive the message');
    const received = ben.events.find((e) => e.entry.kind === 'group' && e.seq === asked.seq)?.entry;
    expect(received).toMatchObject({ kind: 'group', needReadReceipt: true });
    await rest('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'gr_dan' }] });

    await ben.c.readGroupReceipts(groupId, [asked.seq]);
    await waitFor(() => receiptsOf(amy.events).length > 0, 'Amy to learn Ben read it');
    expect(receiptsOf(amy.events)[0]).toMatchObject({ groupId, receipts: [{ seq: asked.seq, read: 1, unread: 1 }] });
    // Reporting again changes nothing and tells nobody.
    await ben.c.readGroupReceipts(groupId, [asked.seq]);
    expect(await amy.c.groupReceipts(groupId, [asked.seq, plain.seq])).toEqual({
      receipts: [
        { seq: asked.seq, code: 0, read: 1, unread: 1 },
        { seq: plain.seq, code: 10062, read: 0, unread: 0 },
      ],
    });
    // Only the sender (or an App admin) sees a message's receipts.
    expect((await ben.c.groupReceipts(groupId, [asked.seq])).receipts[0].code).toBe(10007);
    await expect(ben.c.groupReceiptMembers(groupId, asked.seq)).rejects.toMatchObject({ code: 10007 });
    expect(await amy.c.groupReceiptMembers(groupId, asked.seq, { unread: true })).toEqual({ userIds: ['gr_cat'], cursor: '' });

    // Cat reads through REST; a message that asked for no receipt fails the call whole.
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: groupId, From_Account: 'gr_cat', MsgSeqList: [{ MsgSeq: asked.seq }, { MsgSeq: plain.seq }] })).toMatchObject({ ErrorCode: 10062 });
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: groupId, From_Account: 'gr_cat', MsgSeqList: [{ MsgSeq: 0 }] })).toMatchObject({ ErrorCode: 10061 });
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: groupId, From_Account: 'gr_cat', MsgSeqList: [{ MsgSeq: asked.seq }] })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await waitFor(() => receiptsOf(amy.events).length === 2, 'Amy to learn Cat read it');
    expect(receiptsOf(amy.events)[1].receipts).toEqual([{ seq: asked.seq, read: 2, unread: 0 }]);

    expect(await rest('group_open_http_svc/get_group_msg_receipt', { GroupId: groupId, MsgSeqList: [{ MsgSeq: asked.seq }, { MsgSeq: 9999 }] })).toMatchObject({
      ErrorCode: 0,
      GroupMsgReceiptList: [
        { Code: 0, MsgSeq: asked.seq, ReadNum: 2, UnreadNum: 0 },
        { Code: 10062, MsgSeq: 9999, ReadNum: 0, UnreadNum: 0 },
      ],
    });
    const first = await rest('group_open_http_svc/get_group_msg_receipt_detail', { GroupId: groupId, MsgSeq: asked.seq, Filter: 0, Cursor: '', Count: 1 });
    expect(first).toMatchObject({ ErrorCode: 0, IsFinished: 0, MsgSeq: asked.seq, ReadList: [{ Read_Account: 'gr_ben' }] });
    const second = await rest('group_open_http_svc/get_group_msg_receipt_detail', { GroupId: groupId, MsgSeq: asked.seq, Filter: 0, Cursor: first.Cursor, Count: 1 });
    expect(second).toMatchObject({ IsFinished: 1, ReadList: [{ Read_Account: 'gr_cat' }], Cursor: '' });
    expect(await rest('group_open_http_svc/get_group_msg_receipt_detail', { GroupId: groupId, MsgSeq: asked.seq, Filter: 1, Cursor: '', Count: 10 })).toMatchObject({ IsFinished: 1, UnreadList: [] });
    expect(await rest('group_open_http_svc/get_group_msg_receipt_detail', { GroupId: groupId, MsgSeq: plain.seq, Filter: 0 })).toMatchObject({ ErrorCode: 10062 });

    await waitFor(() => rig.hook.of('Group.CallbackAfterReadReceipt').length === 2, 'both read-receipt callbacks');
    expect(rig.hook.of('Group.CallbackAfterReadReceipt').map((c) => c.body)).toEqual([
      expect.objectContaining({ CallbackCommand: 'Group.CallbackAfterReadReceipt', GroupId: groupId, Type: 'Public', GroupMsgReceiptList: [{ MsgSeq: asked.seq, ReadNum: 1, UnreadNum: 1, ReadReceiptMembers: [{ Member_Account: 'gr_ben' }] }] }),
      expect.objectContaining({ GroupMsgReceiptList: [{ MsgSeq: asked.seq, ReadNum: 2, UnreadNum: 0, ReadReceiptMembers: [{ Member_Account: 'gr_cat' }] }] }),
    ]);
  });

  it("refuses receipts where Tencent has none: AVChatRoom, groups over the limit, non-members", async () => {
    await rig.server.importAccounts(['gr_eve', 'gr_fay', 'gr_gus', 'gr_hal', 'gr_ida', 'gr_out']);
    const live = await rest('group_open_http_svc/create_group', { Owner_Account: 'gr_eve', Type: 'AVChatRoom', Name: 'live' });
    const sent = await rest('group_open_http_svc/send_group_msg', { GroupId: live.GroupId, From_Account: 'gr_eve', Random: 1, MsgBody: TEXT('hi'), IsNeedReadReceipt: 1 });
    expect(sent).toMatchObject({ ErrorCode: 10007 });
    expect(await rest('group_open_http_svc/get_group_msg_receipt', { GroupId: live.GroupId, MsgSeqList: [{ MsgSeq: 1 }] })).toMatchObject({ ErrorCode: 10007 });

    const small = await createGroup('gr_eve', ['gr_fay']);
    const m = await rest('group_open_http_svc/send_group_msg', { GroupId: small, From_Account: 'gr_eve', Random: 2, MsgBody: TEXT('count me'), IsNeedReadReceipt: 1 });
    expect(m.ErrorCode).toBe(0);
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: small, From_Account: 'gr_out', MsgSeqList: [{ MsgSeq: m.MsgSeq }] })).toMatchObject({ ErrorCode: 10007 });
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: small, From_Account: 'gr_nobody', MsgSeqList: [{ MsgSeq: m.MsgSeq }] })).toMatchObject({ ErrorCode: 10019 });
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: small, From_Account: 'gr_fay', MsgSeqList: [] })).toMatchObject({ ErrorCode: 10004 });

    const big = await createGroup('gr_eve', ['gr_fay', 'gr_gus', 'gr_hal', 'gr_ida']);
    const b = await rest('group_open_http_svc/send_group_msg', { GroupId: big, From_Account: 'gr_eve', Random: 3, MsgBody: TEXT('too many'), IsNeedReadReceipt: 1 });
    expect(await rest('group_open_http_svc/group_msg_receipt', { GroupId: big, From_Account: 'gr_fay', MsgSeqList: [{ MsgSeq: b.MsgSeq }] })).toMatchObject({ ErrorCode: 10060 });
  });
});
