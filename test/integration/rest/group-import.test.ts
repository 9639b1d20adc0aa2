/** Group migration over REST (spec §3.6, §8.6): import_group, import_group_member, import_group_msg, set_unread_msg_num. */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../../src/client/parley-client.ts';
import type { GroupMessage, StreamEvent } from '../../../src/protocol/entries.ts';
import type { ParleyEvent } from '../../../src/protocol/events.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { text, waitFor } from '../../helpers/wait.ts';
import { Webhook } from '../../helpers/webhook.ts';

type Fields = Record<string, unknown>;
type Member = Fields & { Member_Account: string; Role: string; JoinTime: number };
type GroupInfo = Fields & { MemberList: Member[]; CreateTime: number; NextMsgSeq: number; LastMsgTime: number };
type ImportResult = { MsgSeq: number; MsgTime: number; Result: number };

const nowS = (): number => Math.floor(Date.now() / 1000);
const textOf = (m: unknown): string | undefined => (m as { MsgBody?: { MsgContent?: { Text?: string } }[] }).MsgBody?.[0]?.MsgContent?.Text;
let groupCount = 0;
const freshId = (tag: string): string => `imp-${tag}-${process.pid}-${groupCount++}`;

describe.each(storeModes())('REST group migration (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const svc = (command: string, body: Fields) => server.rest(`group_open_http_svc/${command}`, body);
  const info = async (GroupId: string): Promise<GroupInfo> => ((await svc('get_group_info', { GroupIdList: [GroupId] })).GroupInfo as GroupInfo[])[0];
  const importGroup = async (body: Fields): Promise<string> => {
    const r = await svc('import_group', { Type: 'Public', Name: 'imported', ...body });
    expect(r).toMatchObject({ ErrorCode: 0 });
    return r.GroupId as string;
  };
  const importMsgs = async (GroupId: string, MsgList: Fields[]): Promise<ImportResult[]> => {
    const r = await svc('import_group_msg', { GroupId, MsgList });
    expect(r).toMatchObject({ ErrorCode: 0 });
    return r.ImportMsgResult as ImportResult[];
  };
  const msg = (From_Account: string, SendTime: number, more: Fields = {}): Fields => ({ From_Account, SendTime, Random: SendTime, MsgBody: text(`at ${SendTime}`), ...more });
  const history = async (GroupId: string): Promise<Fields[]> => ((await svc('group_msg_get_simple', { GroupId, ReqMsgNumber: 20 })).RspMsgList as Fields[]) ?? [];

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['owner', 'ann', 'ben', 'cat', 'dan']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  describe('import_group', () => {
    it('creates the group at its CreateTime with its members, and stores no tip', async () => {
      const created = nowS() - 86_400;
      const GroupId = await importGroup({ GroupId: freshId('g'), Owner_Account: 'owner', CreateTime: created, Introduction: 'old', MemberList: [{ Member_Account: 'ann', Role: 'Admin' }] });
      const g = await info(GroupId);
      expect(g).toMatchObject({ Type: 'Public', Name: 'imported', Introduction: 'old', CreateTime: created, NextMsgSeq: 1 });
      expect(g.MemberList.map((m) => [m.Member_Account, m.Role, m.JoinTime])).toEqual([['owner', 'Owner', created], ['ann', 'Admin', created]]);
    });

    it('defaults CreateTime to now and draws an id when none is given', async () => {
      const before = nowS();
      const GroupId = await importGroup({ Owner_Account: 'owner', Type: 'Private' });
      expect(GroupId).toMatch(/^@TGS#1/);
      expect((await info(GroupId)).CreateTime).toBeGreaterThanOrEqual(before);
    });

    it('refuses a CreateTime in the future (10004), an AVChatRoom (10007) and an id in use (10021, even the caller’s own)', async () => {
      expect((await svc('import_group', { Type: 'Public', Name: 'x', CreateTime: nowS() + 3600 })).ErrorCode).toBe(10004);
      expect((await svc('import_group', { Type: 'AVChatRoom', Name: 'x' })).ErrorCode).toBe(10007);
      const GroupId = freshId('taken');
      await importGroup({ GroupId, Owner_Account: 'owner' });
      expect((await svc('import_group', { GroupId, Owner_Account: 'owner', Type: 'Public', Name: 'again' })).ErrorCode).toBe(10021);
      const created = (await svc('create_group', { GroupId: freshId('made'), Owner_Account: 'owner', Type: 'Public', Name: 'made' })).GroupId as string;
      expect((await svc('import_group', { GroupId: created, Owner_Account: 'owner', Type: 'Public', Name: 'again' })).ErrorCode).toBe(10021);
    });

    it('applies create_group’s checks', async () => {
      const cases: [string, Fields, number][] = [
        ['unknown type', { Type: 'Club' }, 10004],
        ['name too long', { Name: 'n'.repeat(31) }, 10004],
        ['unknown member', { MemberList: [{ Member_Account: 'nobody-here' }] }, 10019],
        ['unknown owner', { Owner_Account: 'nobody-here' }, 10019],
        ['reserved id prefix', { GroupId: '@TGS#1ABC' }, 10015],
        ['admin in a Work group', { Type: 'Private', MemberList: [{ Member_Account: 'ann', Role: 'Admin' }] }, 10004],
        ['CreateTime not a number', { CreateTime: 'yesterday' }, 10004],
      ];
      for (const [name, body, code] of cases) expect({ name, code: (await svc('import_group', { Type: 'Public', Name: 'x', ...body })).ErrorCode }).toEqual({ name, code });
    });
  });

  describe('import_group_member', () => {
    it('adds members with their roles and join times, answering 1 added, 2 already a member, 0 failed', async () => {
      const created = nowS() - 10_000;
      const GroupId = await importGroup({ GroupId: freshId('m'), Owner_Account: 'owner', CreateTime: created });
      const r = await svc('import_group_member', {
        GroupId,
        MemberList: [
          { Member_Account: 'ann', Role: 'Admin', JoinTime: created + 10, UnreadMsgNum: 5 },
          { Member_Account: 'ben' },
          { Member_Account: 'owner' },
          { Member_Account: 'nobody-here' },
          { Member_Account: 'cat', JoinTime: created },
          { Member_Account: 'dan', JoinTime: nowS() + 600 },
        ],
      });
      expect(r.MemberList).toEqual([
        { Member_Account: 'ann', Result: 1 },
        { Member_Account: 'ben', Result: 1 },
        { Member_Account: 'owner', Result: 2 },
        { Member_Account: 'nobody-here', Result: 0 },
        { Member_Account: 'cat', Result: 0 },
        { Member_Account: 'dan', Result: 0 },
      ]);
      const g = await info(GroupId);
      expect(g.MemberList.map((m) => m.Member_Account)).toEqual(['owner', 'ann', 'ben']);
      expect(g.MemberList.find((m) => m.Member_Account === 'ann')).toMatchObject({ Role: 'Admin', JoinTime: created + 10 });
      expect(g.MemberList.find((m) => m.Member_Account === 'ben')?.JoinTime).toBeGreaterThanOrEqual(created + 10);
      // No tips: the SEQ did not move.
      expect(g.NextMsgSeq).toBe(1);
      const again = await svc('import_group_member', { GroupId, MemberList: [{ Member_Account: 'ann' }] });
      expect(again.MemberList).toEqual([{ Member_Account: 'ann', Result: 2 }]);
    });

    it('refuses roles other than Admin (10004), an empty or over-long list (10004, 10005), AVChatRoom (10007), an unknown group (10010)', async () => {
      const GroupId = await importGroup({ GroupId: freshId('mr'), Owner_Account: 'owner', CreateTime: nowS() - 100 });
      expect((await svc('import_group_member', { GroupId, MemberList: [{ Member_Account: 'ann', Role: 'Owner' }] })).ErrorCode).toBe(10004);
      expect((await svc('import_group_member', { GroupId, MemberList: [] })).ErrorCode).toBe(10004);
      const many = Array.from({ length: 301 }, (_, i) => ({ Member_Account: `u${i}` }));
      expect((await svc('import_group_member', { GroupId, MemberList: many })).ErrorCode).toBe(10005);
      const live = (await svc('create_group', { Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live' })).GroupId as string;
      expect((await svc('import_group_member', { GroupId: live, MemberList: [{ Member_Account: 'ann' }] })).ErrorCode).toBe(10007);
      expect((await svc('import_group_member', { GroupId: 'no-such-group', MemberList: [{ Member_Account: 'ann' }] })).ErrorCode).toBe(10010);
    });

    it('lets a member imported after the history read only what came after their JoinTime', async () => {
      const created = nowS() - 1000;
      const GroupId = await importGroup({ GroupId: freshId('read'), Owner_Account: 'owner', CreateTime: created });
      const results = await importMsgs(GroupId, [msg('owner', created + 100), msg('owner', created + 200), msg('owner', created + 300)]);
      expect(results.map((x) => x.Result)).toEqual([0, 0, 0]);
      await svc('import_group_member', { GroupId, MemberList: [{ Member_Account: 'cat', JoinTime: created + 150 }] });
      const cat = await server.login('cat');
      clients.push(cat);
      const page = await cat.call('group.pull', { groupId: GroupId, after: 0 });
      expect(page.events.map((e) => textOf({ MsgBody: (e.entry as GroupMessage).body }))).toEqual([`at ${created + 200}`, `at ${created + 300}`]);
    });
  });

  describe('import_group_msg', () => {
    it('stores messages under the next SEQs with their send times, shown in history, LastMsgTime following', async () => {
      const created = nowS() - 5000;
      const GroupId = await importGroup({ GroupId: freshId('h'), Owner_Account: 'owner', CreateTime: created, MemberList: [{ Member_Account: 'ann' }] });
      const results = await importMsgs(GroupId, [msg('ann', created + 1), msg('owner', created + 2), msg('ben', created + 3)]);
      expect(results).toEqual([
        { MsgSeq: 1, MsgTime: created + 1, Result: 0 },
        { MsgSeq: 2, MsgTime: created + 2, Result: 0 },
        { MsgSeq: 3, MsgTime: created + 3, Result: 0 },
      ]);
      const h = await history(GroupId);
      expect(h.map((m) => [m.MsgSeq, m.From_Account, m.MsgTimeStamp, textOf(m)])).toEqual([
        [3, 'ben', created + 3, `at ${created + 3}`],
        [2, 'owner', created + 2, `at ${created + 2}`],
        [1, 'ann', created + 1, `at ${created + 1}`],
      ]);
      expect(await info(GroupId)).toMatchObject({ NextMsgSeq: 4, LastMsgTime: created + 3 });
    });

    it('answers 10004 for a message not after the group’s creation, its latest message or the one before it, or not before now; 80002 too long; 10019 an unknown sender', async () => {
      const created = nowS() - 5000;
      const GroupId = await importGroup({ GroupId: freshId('t'), Owner_Account: 'owner', CreateTime: created });
      expect((await importMsgs(GroupId, [msg('ann', created + 10)]))[0].Result).toBe(0);
      const results = await importMsgs(GroupId, [
        msg('ann', created - 1),
        msg('ann', created + 10, { Random: 42 }),
        msg('ann', created + 20),
        msg('ann', created + 15),
        msg('ann', created + 20, { Random: 99 }),
        msg('ann', nowS() + 60),
        msg('ann', created + 30, { MsgBody: text('x'.repeat(13_000)) }),
        msg('nobody-here', created + 40),
        msg('ann', created + 50),
      ]);
      expect(results.map((x) => [x.Result, x.MsgSeq])).toEqual([[10004, 0], [10004, 0], [0, 2], [10004, 0], [10004, 0], [10004, 0], [80002, 0], [10019, 0], [0, 3]]);
      expect(results.map((x) => x.MsgTime)).toEqual([created - 1, created + 10, created + 20, created + 15, created + 20, expect.any(Number), created + 30, created + 40, created + 50]);
      // A live message sets a new floor: nothing older may be imported after it.
      expect((await svc('send_group_msg', { GroupId, From_Account: 'owner', Random: 1, MsgBody: text('live') })).ErrorCode).toBe(0);
      expect((await importMsgs(GroupId, [msg('ann', created + 60)]))[0].Result).toBe(10004);
    });

    it('answers a retried batch with the original SEQs and stores nothing again', async () => {
      const created = nowS() - 5000;
      const GroupId = await importGroup({ GroupId: freshId('retry'), Owner_Account: 'owner', CreateTime: created });
      const batch = [msg('ann', created + 1), msg('ben', created + 2)];
      const first = await importMsgs(GroupId, batch);
      const again = await importMsgs(GroupId, batch);
      expect(again).toEqual(first);
      expect((await info(GroupId)).NextMsgSeq).toBe(3);
    });

    it('takes up to 20 messages per call (10004 beyond, or for an empty list), refuses AVChatRoom (10007) and a TopicId (10004), accepts RecentContactFlag', async () => {
      const created = nowS() - 5000;
      const GroupId = await importGroup({ GroupId: freshId('n'), Owner_Account: 'owner', CreateTime: created });
      const list = (n: number, from: number) => Array.from({ length: n }, (_, i) => msg('ann', created + from + i));
      expect((await svc('import_group_msg', { GroupId, MsgList: list(21, 1) })).ErrorCode).toBe(10004);
      expect((await svc('import_group_msg', { GroupId, MsgList: [] })).ErrorCode).toBe(10004);
      const r = await svc('import_group_msg', { GroupId, RecentContactFlag: 1, MsgList: list(20, 1) });
      expect((r.ImportMsgResult as ImportResult[]).map((x) => x.MsgSeq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await svc('import_group_msg', { GroupId, TopicId: 'topic', MsgList: list(1, 100) })).ErrorCode).toBe(10004);
      expect((await svc('import_group_msg', { GroupId, MsgList: [{ From_Account: 'ann', MsgBody: text('no time') }] })).ErrorCode).toBe(10004);
      const live = (await svc('create_group', { Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live' })).GroupId as string;
      expect((await svc('import_group_msg', { GroupId: live, MsgList: list(1, 1) })).ErrorCode).toBe(10007);
      expect((await svc('import_group_msg', { GroupId: 'no-such-group', MsgList: list(1, 1) })).ErrorCode).toBe(10010);
    });

    it('pushes imported messages to no online member, while a live one still arrives', async () => {
      const created = nowS() - 5000;
      const GroupId = await importGroup({ GroupId: freshId('push'), Owner_Account: 'owner', CreateTime: created, MemberList: [{ Member_Account: 'dan' }] });
      const got: StreamEvent[] = [];
      const dan = await server.login('dan', { onEvent: (ev) => got.push(ev) });
      clients.push(dan);
      expect((await importMsgs(GroupId, [msg('owner', created + 1), msg('owner', created + 2)])).map((x) => x.Result)).toEqual([0, 0]);
      // A push made after the import reaches dan after anything the import would have pushed.
      expect((await server.rest('openim/sendmsg', { From_Account: 'owner', To_Account: 'dan', MsgRandom: 1, MsgBody: text('after the import') })).ErrorCode).toBe(0);
      await waitFor(() => got.some((e) => e.stream === 'u:dan'), 'the C2C message');
      expect(got.filter((e) => e.stream === `g:${GroupId}`)).toEqual([]);
      // Live messages are still pushed (the client then fills the gap below it from history).
      expect((await svc('send_group_msg', { GroupId, From_Account: 'owner', Random: 5, MsgBody: text('live one') })).ErrorCode).toBe(0);
      await waitFor(() => got.some((e) => e.stream === `g:${GroupId}` && e.seq === 3), 'the live message');
    });
  });

  describe('set_unread_msg_num', () => {
    it('sets a member’s unread count, does nothing in Meeting groups and AVChatRooms, refuses a non-member (10007)', async () => {
      const GroupId = await importGroup({ GroupId: freshId('u'), Owner_Account: 'owner', CreateTime: nowS() - 100, MemberList: [{ Member_Account: 'ann' }] });
      expect((await svc('set_unread_msg_num', { GroupId, Member_Account: 'ann', UnreadMsgNum: 3 })).ErrorCode).toBe(0);
      expect((await svc('set_unread_msg_num', { GroupId, Member_Account: 'ben', UnreadMsgNum: 3 })).ErrorCode).toBe(10007);
      const meeting = await importGroup({ Type: 'ChatRoom', Owner_Account: 'owner' });
      expect((await svc('set_unread_msg_num', { GroupId: meeting, Member_Account: 'ben', UnreadMsgNum: 3 })).ErrorCode).toBe(0);
      const live = (await svc('create_group', { Owner_Account: 'owner', Type: 'AVChatRoom', Name: 'live' })).GroupId as string;
      expect((await svc('set_unread_msg_num', { GroupId: live, Member_Account: 'ben', UnreadMsgNum: 3 })).ErrorCode).toBe(0);
      expect((await svc('set_unread_msg_num', { GroupId: 'no-such-group', Member_Account: 'ann', UnreadMsgNum: 3 })).ErrorCode).toBe(10010);
      expect((await svc('set_unread_msg_num', { GroupId, Member_Account: 'ann' })).ErrorCode).toBe(10004);
      expect((await svc('set_unread_msg_num', { GroupId, Member_Account: 'ann', UnreadMsgNum: -1 })).ErrorCode).toBe(10004);
    });
  });
});

/** Every event in a stopped server's in-process log, in log order. */
function readLocalLog(dataDir: string): ParleyEvent[] {
  const db = new BetterSqlite3(join(dataDir, 'events.db'), { readonly: true });
  const rows = db.prepare('SELECT payload FROM events ORDER BY position').all() as { payload: string }[];
  db.close();
  return rows.map((r) => JSON.parse(r.payload) as ParleyEvent);
}

describe('group migration and the app server', () => {
  let hook: Webhook;
  let server: ParleyProcess;

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { PARLEY_CALLBACK_URL: hook.url } });
    await server.importAccounts(['owner', 'ann']);
  });

  afterAll(async () => {
    await server.stop();
    await hook.close();
  });

  it('calls back nothing for imports, yet publishes the group and its messages as events marked imported', async () => {
    const svc = (command: string, body: Fields) => server.rest(`group_open_http_svc/${command}`, body);
    const created = nowS() - 5000;
    const GroupId = `imp-hooks-${process.pid}`;
    expect((await svc('import_group', { GroupId, Type: 'Public', Name: 'hooks', Owner_Account: 'owner', CreateTime: created })).ErrorCode).toBe(0);
    expect((await svc('import_group_member', { GroupId, MemberList: [{ Member_Account: 'ann', JoinTime: created + 1 }] })).ErrorCode).toBe(0);
    const imported = await svc('import_group_msg', { GroupId, MsgList: [{ From_Account: 'ann', SendTime: created + 2, Random: 1, MsgBody: text('old news') }] });
    expect((imported.ImportMsgResult as ImportResult[])[0]).toMatchObject({ MsgSeq: 1, Result: 0 });
    // A live message after them: its after-callback comes after any of theirs (one stream's events are called back in order).
    expect((await svc('send_group_msg', { GroupId, From_Account: 'ann', Random: 2, MsgBody: text('marker') })).ErrorCode).toBe(0);
    await waitFor(() => hook.of('Group.CallbackAfterSendMsg', (h) => textOf(h.body) === 'marker').length > 0, 'the marker’s after-callback');
    const aboutIt = hook.hits.filter((h) => h.body.GroupId === GroupId || h.command === 'Group.CallbackBeforeCreateGroup');
    expect(aboutIt.map((h) => [h.command, textOf(h.body)])).toEqual([
      ['Group.CallbackBeforeSendMsg', 'marker'],
      ['Group.CallbackAfterSendMsg', 'marker'],
    ]);

    await server.kill('SIGTERM');
    const events = readLocalLog(server.dataDir).filter((e) => e.key === `g:${GroupId}`);
    expect(events.map((e) => e.type)).toEqual(['group.created', 'group.message', 'group.message']);
    expect(events[0].data).toMatchObject({ groupId: GroupId, imported: true });
    expect(events[1].data).toMatchObject({ seq: 1, message: { imported: true, time: (created + 2) * 1000 } });
    expect((events[2].data as { message: { imported?: boolean } }).message.imported).toBeUndefined();
  });
});
