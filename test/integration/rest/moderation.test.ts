import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { text } from '../../helpers/wait.ts';

type Fields = Record<string, unknown>;
const textOf = (m: Fields): string | undefined => (m.MsgBody as { MsgContent: { Text?: string } }[])[0]?.MsgContent.Text;

describe('message controls: dirty words refused (80001)', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: { PARLEY_DIRTY_WORDS: 'badword,坏词' } });
    await server.importAccounts(['dw_a', 'dw_b']);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('refuses a C2C or group text holding a listed word, in any case, and stores nothing', async () => {
    const sendmsg = (t: string) => server.rest('openim/sendmsg', { From_Account: 'dw_a', To_Account: 'dw_b', MsgRandom: Math.floor(Math.random() * 2 ** 32), MsgBody: text(t) });
    expect((await sendmsg('a BadWord here')).ErrorCode).toBe(80001);
    expect((await sendmsg('这是坏词')).ErrorCode).toBe(80001);
    expect((await sendmsg('bad word, spelled apart')).ErrorCode).toBe(0);
    const roam = await server.rest('openim/admin_getroammsg', { Operator_Account: 'dw_a', Peer_Account: 'dw_b', MaxCnt: 10, MinTime: 0, MaxTime: 4_000_000_000 });
    expect((roam.MsgList as Fields[]).map(textOf)).toEqual(['bad word, spelled apart']);

    const { GroupId } = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'dw_a', Type: 'Public', Name: 'clean' });
    const r = await server.rest('group_open_http_svc/send_group_msg', { GroupId, Random: 1, MsgBody: text('BADWORD!') });
    expect(r.ErrorCode).toBe(80001);
    expect((await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [GroupId] })).GroupInfo).toMatchObject([{ NextMsgSeq: 1 }]);
  });
});

describe('message controls: dirty words masked', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: { PARLEY_DIRTY_WORDS: 'darn,heck', PARLEY_DIRTY_WORDS_ACTION: 'mask' } });
    await server.importAccounts(['mask_a', 'mask_b']);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('delivers and stores the text with each listed word replaced by stars', async () => {
    const r = await server.rest('openim/sendmsg', { From_Account: 'mask_a', To_Account: 'mask_b', MsgRandom: 7, MsgBody: text('Darn it, what the heck') });
    expect(r.ErrorCode).toBe(0);
    const roam = await server.rest('openim/admin_getroammsg', { Operator_Account: 'mask_b', Peer_Account: 'mask_a', MaxCnt: 10, MinTime: 0, MaxTime: 4_000_000_000 });
    expect((roam.MsgList as Fields[]).map(textOf)).toEqual(['**** it, what the ****']);
  });
});

describe('message controls: group rate', () => {
  let server: ParleyProcess;

  beforeAll(async () => {
    // One message a second per group: a burst of six cannot all pass, whatever the machine's speed.
    server = await ParleyProcess.start({ env: { PARLEY_GROUP_MSG_RATE: '1' } });
    await server.importAccounts(['rate_owner']);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('drops messages over the group’s rate: the sender is told MsgFreqCtrl, nothing is stored, SEQs stay gap-free', async () => {
    const { GroupId } = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'rate_owner', Type: 'Public', Name: 'busy' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => server.rest('group_open_http_svc/send_group_msg', { GroupId, Random: i + 1, MsgBody: text(`burst ${i}`), MsgPriority: i % 2 ? 'High' : 'Low' })),
    );
    expect(answers.every((a) => a.ErrorCode === 0)).toBe(true);
    const dropped = answers.filter((a) => a.MsgDropReason === 'MsgFreqCtrl');
    const kept = answers.filter((a) => a.MsgDropReason === '');
    expect(dropped.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    expect(dropped.every((a) => a.MsgSeq === 0)).toBe(true);
    expect(kept.map((a) => a.MsgSeq as number).sort((a, b) => a - b)).toEqual(kept.map((_, i) => i + 1));
    const history = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId, ReqMsgNumber: 20 });
    expect(history.RspMsgList).toHaveLength(kept.length);
  });
});
