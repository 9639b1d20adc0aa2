import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import type { GroupMessage, StreamEvent } from '../../src/protocol/entries.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { text, waitFor } from '../helpers/wait.ts';

describe.each(storeModes())('group messages between real clients (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    // Bursts far beyond Tencent's 40 messages a second per group: rate control is tested on its own.
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_GROUP_MSG_RATE: '100000' } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  it('gives every online member SEQ 1..500 without gap or duplicate under concurrent senders, and an offline member exactly what it missed', async () => {
    const members = Array.from({ length: 50 }, (_, i) => `member${i}`);
    await server.importAccounts(['owner', ...members]);
    const created = await server.rest('group_open_http_svc/create_group', {
      Owner_Account: 'owner',
      Type: 'Public',
      Name: 'fifty',
      MemberList: members.map((m) => ({ Member_Account: m })),
    });
    expect(created.ErrorCode).toBe(0);
    const groupId = created.GroupId as string;
    const stream = `g:${groupId}`;

    const online = members.slice(0, 20);
    const received = new Map<string, number[]>();
    for (const m of online) {
      received.set(m, []);
      const c = await server.login(m, {
        onEvent: (ev: StreamEvent) => ev.stream === stream && ev.entry.kind === 'group' && received.get(m)!.push(ev.seq),
      });
      clients.push(c);
    }

    const senders = online.slice(0, 5);
    const senderClients = senders.map((s) => clients[online.indexOf(s)]);
    const TOTAL = 500;
    let next = 0;
    const acks: number[] = [];
    await Promise.all(
      senderClients.map(async (c, si) => {
        while (next < TOTAL) {
          const i = next++;
          const r = await c.sendGroup(groupId, text(`from ${senders[si]} #${i}`));
          acks.push(r.seq);
        }
      }),
    );
    expect([...acks].sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));

    const expected = Array.from({ length: TOTAL }, (_, i) => i + 1);
    for (const m of online) {
      await waitFor(() => received.get(m)!.length >= TOTAL, `${m} to receive ${TOTAL} messages (has ${received.get(m)!.length})`);
      expect(received.get(m)).toEqual(expected);
    }

    // An offline member logs in later with the cursor it had (here: it saw up to SEQ 120 before going offline).
    const late = members[30];
    const got: number[] = [];
    const lateClient = await server.login(late, {
      cursors: { [stream]: 120 },
      onEvent: (ev) => ev.stream === stream && ev.entry.kind === 'group' && got.push(ev.seq),
    });
    clients.push(lateClient);
    expect(got).toEqual(expected.slice(120));
  });

  it('lets a member joining later read only what was sent after it joined', async () => {
    await server.importAccounts(['g2owner', 'g2early', 'g2late']);
    const created = await server.rest('group_open_http_svc/create_group', {
      Owner_Account: 'g2owner',
      Type: 'Public',
      Name: 'later',
      MemberList: [{ Member_Account: 'g2early' }],
    });
    const groupId = created.GroupId as string;
    for (let i = 0; i < 3; i++) {
      const r = await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: i, MsgBody: text(`before ${i}`) });
      expect(r.MsgSeq).toBe(i + 1);
    }
    const added = await server.rest('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'g2late' }] });
    expect(added.MemberList).toEqual([{ Member_Account: 'g2late', Result: 1 }]);
    await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 99, MsgBody: text('after') });

    const seen: StreamEvent[] = [];
    const late = await server.login('g2late', { onEvent: (ev) => ev.stream === `g:${groupId}` && seen.push(ev) });
    clients.push(late);
    const texts = seen.filter((e) => e.entry.kind === 'group').map((e) => ((e.entry as GroupMessage).body[0].MsgContent as { Text: string }).Text);
    expect(texts).toEqual(['after']);
    expect(seen.some((e) => e.entry.kind === 'tip' && e.entry.tip === 'join')).toBe(true);
  });

  it('shows a targeted message (To_Account) only to its receivers and its sender, live and when pulling', async () => {
    await server.importAccounts(['t_owner', 't_ann', 't_ben']);
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 't_owner', Type: 'Public', Name: 'targets', MemberList: [{ Member_Account: 't_ann' }, { Member_Account: 't_ben' }] });
    const groupId = created.GroupId as string;
    const stream = `g:${groupId}`;
    const texts = (evs: StreamEvent[]) => evs.filter((e) => e.entry.kind === 'group').map((e) => ((e.entry as GroupMessage).body[0].MsgContent as { Text: string }).Text);
    const seen = new Map<string, StreamEvent[]>();
    for (const u of ['t_owner', 't_ann', 't_ben']) {
      seen.set(u, []);
      clients.push(await server.login(u, { onEvent: (ev) => ev.stream === stream && seen.get(u)!.push(ev) }));
    }
    const targeted = await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 't_owner', Random: 1, MsgBody: text('ann only'), To_Account: ['t_ann'] });
    expect(targeted.ErrorCode).toBe(0);
    await server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 't_owner', Random: 2, MsgBody: text('everyone') });
    await waitFor(() => texts(seen.get('t_ben')!).includes('everyone') && texts(seen.get('t_ann')!).includes('everyone') && texts(seen.get('t_owner')!).includes('everyone'), 'the message to everyone');
    expect(texts(seen.get('t_ann')!)).toEqual(['ann only', 'everyone']);
    expect(texts(seen.get('t_owner')!)).toEqual(['ann only', 'everyone']);
    expect(texts(seen.get('t_ben')!)).toEqual(['everyone']);

    // A device that logs in later pulls the same view.
    const later: StreamEvent[] = [];
    clients.push(await server.login('t_ben', { onEvent: (ev) => ev.stream === stream && later.push(ev) }));
    expect(texts(later)).toEqual(['everyone']);
    // The app server's history holds both.
    const history = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: groupId, ReqMsgNumber: 2 });
    expect((history.RspMsgList as { MsgSeq: number }[]).map((m) => m.MsgSeq)).toEqual([(targeted.MsgSeq as number) + 1, targeted.MsgSeq]);

    const refuse = (body: Record<string, unknown>) => server.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 3, MsgBody: text('x'), ...body });
    expect((await refuse({ To_Account: Array.from({ length: 51 }, (_, i) => `u${i}`) })).ErrorCode).toBe(10004);
    const community = await server.rest('group_open_http_svc/create_group', { Owner_Account: 't_owner', Type: 'Community', Name: 'no targets', MemberList: [{ Member_Account: 't_ann' }] });
    expect((await server.rest('group_open_http_svc/send_group_msg', { GroupId: community.GroupId, Random: 4, MsgBody: text('x'), To_Account: ['t_ann'] })).ErrorCode).toBe(10007);
  });

  it('refuses a group send from a non-member with 10007 and stores nothing', async () => {
    await server.importAccounts(['g3owner', 'outsider']);
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'g3owner', Type: 'Public', Name: 'closed' });
    const groupId = created.GroupId as string;
    const outsider = await server.login('outsider');
    clients.push(outsider);
    await expect(outsider.sendGroup(groupId, text('let me in'))).rejects.toMatchObject({ code: 10007 });
    const info = await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
    expect((info.GroupInfo as { NextMsgSeq: number }[])[0].NextMsgSeq).toBe(1);
  });
});
