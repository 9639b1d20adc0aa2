import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEnv, storeModes } from '../../helpers/services.ts';
import { ParleyProcess } from '../../helpers/parley-process.ts';

describe.each(storeModes())('REST all_member_push: attribute names, attributes and tags (%s store)', (mode) => {
  let server: ParleyProcess;
  // Cassandra keeps the app's attribute names across runs: names unique to this run.
  const run = `${process.pid}${Date.now() % 100_000}`;
  const [sex, city, town] = ['sex', 'city', 'town'].map((n) => `${n}${run}`);

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
    await server.importAccounts(['ann', 'ben', 'cid']);
  });

  afterAll(async () => {
    await server.stop();
  });

  const code = async (command: string, body: unknown): Promise<number> => (await server.rest(`all_member_push/${command}`, body)).ErrorCode as number;

  it('names attribute slots and answers them; a slot keeps its values when renamed', async () => {
    expect(await code('im_set_attr_name', { AttrNames: { '0': sex, '1': city } })).toBe(0);
    const names = await server.rest('all_member_push/im_get_attr_name', {});
    expect(names).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(names.AttrNames).toMatchObject({ '0': sex, '1': city });

    expect(await code('im_set_attr', { UserAttrs: [{ To_Account: 'ann', Attrs: { [sex]: 'f', [city]: 'Paris' } }, { To_Account: 'ben', Attrs: { [sex]: 'm' } }] })).toBe(0);
    expect(await code('im_set_attr', { UserAttrs: [{ To_Account: 'ben', Attrs: { [city]: 'Lyon' } }] })).toBe(0);
    const got = await server.rest('all_member_push/im_get_attr', { To_Account: ['ann', 'ben', 'cid'] });
    expect(got.UserAttrs).toEqual([
      { To_Account: 'ann', Attrs: { [sex]: 'f', [city]: 'Paris' } },
      { To_Account: 'ben', Attrs: { [sex]: 'm', [city]: 'Lyon' } },
      { To_Account: 'cid', Attrs: {} },
    ]);

    expect(await code('im_set_attr_name', { AttrNames: { '1': town } })).toBe(0);
    const renamed = await server.rest('all_member_push/im_get_attr', { To_Account: ['ann'] });
    expect(renamed.UserAttrs).toEqual([{ To_Account: 'ann', Attrs: { [sex]: 'f', [town]: 'Paris' } }]);

    expect(await code('im_remove_attr', { UserAttrs: [{ To_Account: 'ann', Attrs: [town] }] })).toBe(0);
    expect((await server.rest('all_member_push/im_get_attr', { To_Account: ['ann'] })).UserAttrs).toEqual([{ To_Account: 'ann', Attrs: { [sex]: 'f' } }]);
  });

  it('refuses bad attribute requests with Tencent’s codes and changes nothing', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`);
    const cases: [string, unknown, number][] = [
      ['im_set_attr_name', { AttrNames: { '10': 'x' } }, 90033],
      ['im_set_attr_name', { AttrNames: { '2': 'n'.repeat(51) } }, 90030],
      ['im_set_attr_name', { AttrNames: { '2': '' } }, 90030],
      ['im_set_attr_name', { AttrNames: { '3': sex } }, 90033],
      ['im_set_attr', { UserAttrs: [{ To_Account: 'cid', Attrs: { [`nosuch${run}`]: 'x' } }] }, 90033],
      ['im_set_attr', { UserAttrs: [{ To_Account: 'cid', Attrs: { [sex]: 'v'.repeat(51) } }] }, 90030],
      ['im_set_attr', { UserAttrs: many.map((u) => ({ To_Account: u, Attrs: { [sex]: 'x' } })) }, 90018],
      ['im_get_attr', { To_Account: many }, 90018],
      ['im_set_attr', { UserAttrs: 'ann' }, 90010],
      ['im_set_attr', 'not json', 90001],
    ];
    for (const [command, body, expected] of cases) expect({ command, body, code: await code(command, body) }).toEqual({ command, body, code: expected });
    expect((await server.rest('all_member_push/im_get_attr', { To_Account: ['cid'] })).UserAttrs).toEqual([{ To_Account: 'cid', Attrs: {} }]);
    const asUser = await server.rest('all_member_push/im_get_attr_name', {}, { identifier: 'ann', usersig: server.userSig('ann') });
    expect(asUser.ErrorCode).toBe(90009);
  });

  it('adds, lists and removes tags, within 10 per request and 100 per user', async () => {
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'ann', Tags: ['vip', 'beta'] }, { To_Account: 'ben', Tags: ['vip'] }] })).toBe(0);
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'ann', Tags: ['vip', 'eu'] }] })).toBe(0);
    const got = await server.rest('all_member_push/im_get_tag', { To_Account: ['ann', 'ben', 'cid'] });
    expect(got.UserTags).toEqual([
      { To_Account: 'ann', Tags: ['beta', 'eu', 'vip'] },
      { To_Account: 'ben', Tags: ['vip'] },
      { To_Account: 'cid', Tags: [] },
    ]);

    const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`);
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'cid', Tags: eleven }] })).toBe(90032);
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'cid', Tags: ['x'.repeat(51)] }] })).toBe(90034);
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'cid', Tags: [''] }] })).toBe(90034);
    for (let i = 0; i < 10; i++) expect(await code('im_add_tag', { UserTags: [{ To_Account: 'cid', Tags: Array.from({ length: 10 }, (_, j) => `c${i}-${j}`) }] })).toBe(0);
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'cid', Tags: ['one-too-many'] }] })).toBe(90032);
    // Adding a tag already held is not a new one.
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'cid', Tags: ['c0-0'] }] })).toBe(0);
    expect(((await server.rest('all_member_push/im_get_tag', { To_Account: ['cid'] })).UserTags as { Tags: string[] }[])[0].Tags).toHaveLength(100);

    expect(await code('im_remove_tag', { UserTags: [{ To_Account: 'ann', Tags: ['vip', 'never'] }] })).toBe(0);
    expect(await code('im_remove_all_tags', { To_Account: ['cid'] })).toBe(0);
    expect((await server.rest('all_member_push/im_get_tag', { To_Account: ['ann', 'cid'] })).UserTags).toEqual([
      { To_Account: 'ann', Tags: ['beta', 'eu'] },
      { To_Account: 'cid', Tags: [] },
    ]);
  });

  it('forgets a deleted account’s attributes and tags', async () => {
    await server.importAccounts(['gone']);
    expect(await code('im_add_tag', { UserTags: [{ To_Account: 'gone', Tags: ['vip'] }] })).toBe(0);
    expect(await code('im_set_attr', { UserAttrs: [{ To_Account: 'gone', Attrs: { [sex]: 'x' } }] })).toBe(0);
    expect((await server.rest('im_open_login_svc/account_delete', { DeleteItem: [{ UserID: 'gone' }] })).ErrorCode).toBe(0);
    await server.importAccounts(['gone']);
    expect((await server.rest('all_member_push/im_get_tag', { To_Account: ['gone'] })).UserTags).toEqual([{ To_Account: 'gone', Tags: [] }]);
    expect((await server.rest('all_member_push/im_get_attr', { To_Account: ['gone'] })).UserAttrs).toEqual([{ To_Account: 'gone', Attrs: {} }]);
  });
});
