/** Group attributes over REST (group_open_attr_http_svc): get/modify/set/delete/clear, Tencent's limits and codes, live notices. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../../src/client/parley-client.ts';
import type { GroupAttrNotice, StreamEvent } from '../../../src/protocol/entries.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { waitFor } from '../../helpers/wait.ts';

type Fields = Record<string, unknown>;
type Attr = { key: string; value: string };

describe.each(storeModes())('REST group attributes (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];
  const attrSvc = (command: string, body: Fields) => server.rest(`group_open_attr_http_svc/${command}`, body);
  const groupSvc = (command: string, body: Fields) => server.rest(`group_open_http_svc/${command}`, body);
  const create = async (Type = 'Public', more: Fields = {}): Promise<string> => {
    const r = await groupSvc('create_group', { Owner_Account: 'owner', Type, Name: 'attrs', ...more });
    expect(r.ErrorCode).toBe(0);
    return r.GroupId as string;
  };
  const attrs = async (GroupId: string): Promise<Attr[]> => {
    const r = await attrSvc('get_group_attr', { GroupId });
    expect(r.ErrorCode).toBe(0);
    return r.GroupAttrAry as Attr[];
  };
  const kv = (...pairs: [string, string][]): Attr[] => pairs.map(([key, value]) => ({ key, value }));

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['owner', 'ann']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  it('modifies, sets, deletes and clears attributes, read back in the order keys were first set', async () => {
    const GroupId = await create();
    expect(await attrs(GroupId)).toEqual([]);
    expect((await attrSvc('modify_group_attr', { GroupId, GroupAttr: kv(['seat1', 'ann'], ['seat2', 'ben']) })).ErrorCode).toBe(0);
    expect((await attrSvc('modify_group_attr', { GroupId, GroupAttr: kv(['seat3', 'cat'], ['seat1', '']) })).ErrorCode).toBe(0);
    expect(await attrs(GroupId)).toEqual(kv(['seat1', ''], ['seat2', 'ben'], ['seat3', 'cat']));
    expect((await attrSvc('delete_group_attr', { GroupId, GroupAttr: [{ key: 'seat2' }] })).ErrorCode).toBe(0);
    expect(await attrs(GroupId)).toEqual(kv(['seat1', ''], ['seat3', 'cat']));
    expect((await attrSvc('set_group_attr', { GroupId, GroupAttr: kv(['only', 'one']) })).ErrorCode).toBe(0);
    expect(await attrs(GroupId)).toEqual(kv(['only', 'one']));
    expect((await attrSvc('clear_group_attr', { GroupId })).ErrorCode).toBe(0);
    expect(await attrs(GroupId)).toEqual([]);
  });

  it('answers under group_open_http_svc too, where Tencent documents the writes', async () => {
    const GroupId = await create();
    expect((await groupSvc('modify_group_attr', { GroupId, GroupAttr: kv(['a', '1']) })).ErrorCode).toBe(0);
    expect((await groupSvc('get_group_attr', { GroupId })).GroupAttrAry).toEqual(kv(['a', '1']));
    expect((await groupSvc('clear_group_attr', { GroupId })).ErrorCode).toBe(0);
    expect(await attrs(GroupId)).toEqual([]);
  });

  it('refuses keys over 32 bytes (10045), values over 4000 (10046), a 17th key (10047), over 16000 bytes (10048), deleting a missing key (10050), and changes nothing then', async () => {
    const GroupId = await create();
    const sixteen = Array.from({ length: 16 }, (_, i): [string, string] => [`k${i}`, 'v']);
    expect((await attrSvc('set_group_attr', { GroupId, GroupAttr: kv(...sixteen) })).ErrorCode).toBe(0);
    const cases: [string, string, Fields, number][] = [
      ['key too long', 'modify_group_attr', { GroupAttr: kv(['k'.repeat(33), 'v']) }, 10045],
      ['value too long', 'modify_group_attr', { GroupAttr: kv(['k0', 'v'.repeat(4001)]) }, 10046],
      ['a 17th key', 'modify_group_attr', { GroupAttr: kv(['k16', 'v']) }, 10047],
      ['17 keys at once', 'set_group_attr', { GroupAttr: kv(...sixteen, ['k16', 'v']) }, 10047],
      ['over 16000 bytes', 'set_group_attr', { GroupAttr: kv(...Array.from({ length: 5 }, (_, i): [string, string] => [`big${i}`, 'v'.repeat(3999)])) }, 10048],
      ['a missing key', 'delete_group_attr', { GroupAttr: [{ key: 'k0' }, { key: 'nope' }] }, 10050],
      ['a key too long to delete', 'delete_group_attr', { GroupAttr: [{ key: 'k'.repeat(33) }] }, 10045],
      ['an empty key', 'modify_group_attr', { GroupAttr: kv(['', 'v']) }, 10004],
      ['an empty list', 'modify_group_attr', { GroupAttr: [] }, 10004],
      ['no list', 'modify_group_attr', {}, 10004],
      ['a value that is not a string', 'modify_group_attr', { GroupAttr: [{ key: 'k0', value: 1 }] }, 10004],
    ];
    for (const [name, command, body, code] of cases) expect({ name, code: (await attrSvc(command, { GroupId, ...body })).ErrorCode }).toEqual({ name, code });
    expect(await attrs(GroupId)).toEqual(kv(...sixteen));
    // Attributes right at the limits fit: 32-byte keys, 16000 bytes in all.
    const fullest = Array.from({ length: 4 }, (_, i): [string, string] => [`${'k'.repeat(31)}${i}`, 'v'.repeat(3968)]);
    expect((await attrSvc('set_group_attr', { GroupId, GroupAttr: kv(...fullest) })).ErrorCode).toBe(0);
  });

  it('takes 5 attribute writes a second per group and refuses the next with 10049', async () => {
    const GroupId = await create();
    const codes = await Promise.all(Array.from({ length: 6 }, (_, i) => attrSvc('modify_group_attr', { GroupId, GroupAttr: kv([`k${i}`, 'v']) }).then((r) => r.ErrorCode)));
    expect(codes.sort()).toEqual([0, 0, 0, 0, 0, 10049]);
    // Another group has its own budget.
    expect((await attrSvc('modify_group_attr', { GroupId: await create(), GroupAttr: kv(['k', 'v']) })).ErrorCode).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attrSvc('clear_group_attr', { GroupId })).ErrorCode).toBe(0);
  });

  it('works in every group type, AVChatRoom included; clear_group_attr refuses Community groups (10007) as Tencent does', async () => {
    for (const type of ['Private', 'Public', 'ChatRoom', 'AVChatRoom', 'Community']) {
      const GroupId = await create(type);
      expect({ type, code: (await attrSvc('modify_group_attr', { GroupId, GroupAttr: kv(['mic', 'ann']) })).ErrorCode }).toEqual({ type, code: 0 });
      expect(await attrs(GroupId)).toEqual(kv(['mic', 'ann']));
      expect({ type, code: (await attrSvc('clear_group_attr', { GroupId })).ErrorCode }).toEqual({ type, code: type === 'Community' ? 10007 : 0 });
    }
  });

  it('refuses an unknown group (10010), a bad group id (10015) and a caller that is not an App admin (10007)', async () => {
    expect((await attrSvc('get_group_attr', { GroupId: 'no-such-group' })).ErrorCode).toBe(10010);
    expect((await attrSvc('modify_group_attr', { GroupId: 'no-such-group', GroupAttr: kv(['a', 'b']) })).ErrorCode).toBe(10010);
    expect((await attrSvc('get_group_attr', { GroupId: 'g'.repeat(49) })).ErrorCode).toBe(10015);
    const GroupId = await create();
    const asAnn = await server.rest('group_open_attr_http_svc/get_group_attr', { GroupId }, { identifier: 'ann', usersig: server.userSig('ann') });
    expect(asAnn.ErrorCode).toBe(10007);
  });

  it('pushes every change to the online members as a live groupAttr entry with all attributes, stored nowhere', async () => {
    const GroupId = await create('Public', { MemberList: [{ Member_Account: 'ann' }] });
    const got: StreamEvent[] = [];
    const ann = await server.login('ann', { onEvent: (ev) => got.push(ev) });
    // Closed by the end of this test: a later one restarts the server.
    clients.push(ann);
    const notices = () => got.filter((e) => e.entry.kind === 'groupAttr').map((e) => ({ seq: e.seq, stream: e.stream, entry: e.entry as GroupAttrNotice }));
    await attrSvc('modify_group_attr', { GroupId, GroupAttr: kv(['a', '1'], ['b', '2']) });
    await waitFor(() => notices().length === 1, 'the first notice');
    await attrSvc('delete_group_attr', { GroupId, GroupAttr: [{ key: 'a' }] });
    await waitFor(() => notices().length === 2, 'the second notice');
    expect(notices().map((n) => [n.stream, n.seq, n.entry.groupId, n.entry.attrs])).toEqual([
      [`g:${GroupId}`, 0, GroupId, { a: '1', b: '2' }],
      [`g:${GroupId}`, 0, GroupId, { b: '2' }],
    ]);
    const info = (await groupSvc('get_group_info', { GroupIdList: [GroupId] })).GroupInfo as { NextMsgSeq: number }[];
    expect(info[0].NextMsgSeq).toBe(1);
    await ann.close();
  });

  it('keeps the attributes with the group: through profile changes and a restart, gone with a dismissal', async () => {
    const GroupId = await create('Public', { GroupId: `attrs-kept-${process.pid}` });
    await attrSvc('modify_group_attr', { GroupId, GroupAttr: kv(['kept', 'yes'], ['__proto__', 'plain key']) });
    expect((await groupSvc('modify_group_base_info', { GroupId, Name: 'renamed' })).ErrorCode).toBe(0);
    await server.restart();
    expect(await attrs(GroupId)).toEqual(kv(['kept', 'yes'], ['__proto__', 'plain key']));
    expect((await groupSvc('destroy_group', { GroupId })).ErrorCode).toBe(0);
    await create('Public', { GroupId });
    expect(await attrs(GroupId)).toEqual([]);
  });
});
