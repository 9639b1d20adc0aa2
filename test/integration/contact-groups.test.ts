/**
 * Conversation groups and marks on both stores, over REST (recentcontact/*_contact_group,
 * mark_contact) and real clients: groups created, renamed, filled and deleted; standard and custom
 * marks; a user's other device told of each change; the conversation list showing them; Tencent's
 * limits and codes; and everything kept across a crash of the server.
 */
import { describe, expect, it } from 'vitest';
import type { ContactNotice, StreamEvent } from '../../src/protocol/entries.ts';
import { hookedServer } from '../helpers/hooked-server.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait.ts';

const TEXT = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];
const contactNotices = (events: StreamEvent[]): ContactNotice[] => events.flatMap((e) => (e.entry.kind === 'contact' ? [e.entry] : []));
const c2c = (id: string) => ({ Type: 1, To_Account: id });
const group = (id: string) => ({ Type: 2, ToGroupId: id });

describe.each(storeModes())('conversation groups and marks (%s store)', (mode) => {
  const rig = hookedServer(storeEnv(mode));
  const rest = (path: string, body: unknown) => rig.server.rest(path, body);
  const get = (user: string, start = 0) => rest('recentcontact/get_contact_group', { From_Account: user, StartIndex: start });

  it('creates, fills, renames and deletes conversation groups over REST, with per-conversation results', async () => {
    await rig.server.importAccounts(['cg_amy', 'cg_ben', 'cg_cat']);
    const created = await rest('group_open_http_svc/create_group', { Owner_Account: 'cg_amy', Type: 'Public', Name: 'crew' });
    const crew = created.GroupId as string;

    const work = await rest('recentcontact/create_contact_group', {
      From_Account: 'cg_amy',
      GroupContactItem: [{ GroupName: 'work', ContactItem: [c2c('cg_ben'), group(crew), group('@TGS#no_such_group')] }],
    });
    expect(work).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(work.GroupResultItem).toEqual([
      {
        GroupItem: { GroupName: 'work', GroupId: 1 },
        ResultItem: [
          { ContactItem: c2c('cg_ben'), ResultCode: 0, ResultInfo: '' },
          { ContactItem: group(crew), ResultCode: 0, ResultInfo: '' },
          { ContactItem: group('@TGS#no_such_group'), ResultCode: 51007, ResultInfo: expect.stringContaining('@TGS#no_such_group') },
        ],
      },
    ]);
    const family = await rest('recentcontact/create_contact_group', { From_Account: 'cg_amy', GroupContactItem: [{ GroupName: 'family', ContactItem: [c2c('cg_cat')] }] });
    expect((family.GroupResultItem as { GroupItem: unknown }[])[0].GroupItem).toEqual({ GroupName: 'family', GroupId: 2 });

    const listed = await get('cg_amy');
    expect(listed).toMatchObject({ ErrorCode: 0, CompleteFlag: 1, NextStartIndex: 0, GroupItem: [{ GroupName: 'work', GroupId: 1 }, { GroupName: 'family', GroupId: 2 }] });
    expect(listed.ContactItem).toEqual([
      { Type: 1, To_Account: 'cg_ben', ContactGroupId: [1], Timestamp: expect.any(Number) },
      { Type: 2, ToGroupId: crew, ContactGroupId: [1], Timestamp: expect.any(Number) },
      { Type: 1, To_Account: 'cg_cat', ContactGroupId: [2], Timestamp: expect.any(Number) },
    ]);
    expect((listed.ContactItem as { Timestamp: number }[])[0].Timestamp).toBeGreaterThan(1_600_000_000);

    // Rename; move Ben from work to family.
    const renamed = await rest('recentcontact/update_contact_group', { From_Account: 'cg_amy', UpdateType: 1, UpdateGroup: { UpdateGroupType: 1, OldGroupName: 'work', NewGroupName: 'office' } });
    expect(renamed.UpdateGroupResult).toMatchObject({ UpdateGroupType: 1, GroupName: 'office', GroupId: 1, OldGroupName: 'work' });
    await rest('recentcontact/update_contact_group', { From_Account: 'cg_amy', UpdateType: 1, UpdateGroup: { UpdateGroupType: 2, OldGroupName: 'office', ContactUpdateItem: [{ ContactOptType: 2, ContactItem: c2c('cg_ben') }] } });
    const moved = await rest('recentcontact/update_contact_group', {
      From_Account: 'cg_amy',
      UpdateType: 1,
      UpdateGroup: { UpdateGroupType: 2, OldGroupName: 'family', ContactUpdateItem: [{ ContactOptType: 1, ContactItem: c2c('cg_ben') }] },
    });
    expect(moved).toMatchObject({
      UpdateType: 1,
      UpdateGroupResult: { UpdateGroupType: 2, GroupName: 'family', GroupId: 2, OldGroupName: 'family', ContactResultItem: [{ ContactOptType: 1, ContactItem: c2c('cg_ben'), ResultCode: 0 }] },
    });
    const searched = await rest('recentcontact/search_contact_group', { From_Account: 'cg_amy', ContactItem: [c2c('cg_ben'), c2c('cg_nobody')] });
    expect(searched.ContactResultItem).toEqual([
      { Type: 1, To_Account: 'cg_ben', ContactGroupId: [2], Timestamp: expect.any(Number) },
      { Type: 1, To_Account: 'cg_nobody', Timestamp: 0 },
    ]);
    expect(searched.GroupItem).toEqual([{ GroupName: 'family', GroupId: 2 }]);

    // Deleting a group takes every conversation out of it; a conversation in no group is no longer listed.
    const deleted = await rest('recentcontact/del_contact_group', { From_Account: 'cg_amy', GroupName: ['family'] });
    expect(deleted.GroupItem).toEqual([{ GroupName: 'family', GroupId: 2 }]);
    const after = await get('cg_amy');
    expect(after.GroupItem).toEqual([{ GroupName: 'office', GroupId: 1 }]);
    expect(after.ContactItem).toEqual([{ Type: 2, ToGroupId: crew, ContactGroupId: [1], Timestamp: expect.any(Number) }]);
    // Ids are never reused.
    const next = await rest('recentcontact/create_contact_group', { From_Account: 'cg_amy', GroupContactItem: [{ GroupName: 'later', ContactItem: [] }] });
    expect((next.GroupResultItem as { GroupItem: unknown }[])[0].GroupItem).toEqual({ GroupName: 'later', GroupId: 3 });
  });

  it('sets standard and custom marks (OptType 1, 2, 3) and answers StandardMark as binary digits', async () => {
    await rig.server.importAccounts(['cg_dan', 'cg_eve', 'cg_fay']);
    const marked = await rest('recentcontact/mark_contact', {
      From_Account: 'cg_dan',
      MarkItem: [
        { OptType: 1, ContactItem: c2c('cg_eve'), SetMark: [0, 3, 33] },
        { OptType: 2, ContactItem: c2c('cg_fay'), CustomMark: 'vip' },
      ],
    });
    expect(marked.ResultItem).toEqual([
      { OptType: 1, ContactItem: c2c('cg_eve'), ResultCode: 0, ResultInfo: '' },
      { OptType: 2, ContactItem: c2c('cg_fay'), ResultCode: 0, ResultInfo: '' },
    ]);
    let listed = await get('cg_dan');
    expect(listed.ContactItem).toEqual([
      { Type: 1, To_Account: 'cg_eve', StandardMark: (2n ** 33n + 9n).toString(2), Timestamp: expect.any(Number) },
      { Type: 1, To_Account: 'cg_fay', CustomMark: 'vip', Timestamp: expect.any(Number) },
    ]);
    // Both at once: clear bit 0, set bit 1, and a custom mark; OptType 1 leaves the custom mark alone.
    await rest('recentcontact/mark_contact', { From_Account: 'cg_dan', MarkItem: [{ OptType: 3, ContactItem: c2c('cg_eve'), SetMark: [1], ClearMark: [0], CustomMark: 'friend' }] });
    await rest('recentcontact/mark_contact', { From_Account: 'cg_dan', MarkItem: [{ OptType: 1, ContactItem: c2c('cg_fay'), SetMark: [2], CustomMark: 'ignored' }] });
    listed = await get('cg_dan');
    expect(listed.ContactItem).toEqual([
      { Type: 1, To_Account: 'cg_eve', StandardMark: (2n ** 33n + 10n).toString(2), CustomMark: 'friend', Timestamp: expect.any(Number) },
      { Type: 1, To_Account: 'cg_fay', StandardMark: '100', CustomMark: 'vip', Timestamp: expect.any(Number) },
    ]);
    // Clearing everything unmarks the conversation.
    await rest('recentcontact/mark_contact', { From_Account: 'cg_dan', MarkItem: [{ OptType: 3, ContactItem: c2c('cg_fay'), ClearMark: [2], CustomMark: '' }] });
    expect(((await get('cg_dan')).ContactItem as { To_Account: string }[]).map((c) => c.To_Account)).toEqual(['cg_eve']);
  });

  it("answers Tencent's codes for bad requests and limits, and writes nothing for them", async () => {
    await rig.server.importAccounts(['cg_gus']);
    const create = (name: string) => rest('recentcontact/create_contact_group', { From_Account: 'cg_gus', GroupContactItem: [{ GroupName: name, ContactItem: [] }] });
    expect(await create('x'.repeat(33))).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 51011 });
    expect(await create('')).toMatchObject({ ErrorCode: 50002 });
    for (let i = 0; i < 20; i++) expect(await create(`g${i}`)).toMatchObject({ ErrorCode: 0 });
    expect(await create('g0')).toMatchObject({ ErrorCode: 50002 });
    expect(await create('one more')).toMatchObject({ ErrorCode: 51010 });
    expect(await rest('recentcontact/del_contact_group', { From_Account: 'cg_gus', GroupName: ['g1', 'nope'] })).toMatchObject({ ErrorCode: 51009 });
    expect((await get('cg_gus')).GroupItem).toHaveLength(20);
    expect(await rest('recentcontact/update_contact_group', { From_Account: 'cg_gus', UpdateType: 1, UpdateGroup: { UpdateGroupType: 1, OldGroupName: 'g1', NewGroupName: 'g2' } })).toMatchObject({ ErrorCode: 50002 });
    expect(await rest('recentcontact/update_contact_group', { From_Account: 'cg_gus', UpdateType: 1, UpdateGroup: { UpdateGroupType: 2, OldGroupName: 'gone', ContactUpdateItem: [{ ContactOptType: 1, ContactItem: c2c('cg_x') }] } })).toMatchObject({ ErrorCode: 51009 });
    expect(await rest('recentcontact/mark_contact', { From_Account: 'cg_gus', MarkItem: [] })).toMatchObject({ ErrorCode: 51006 });
    const many = Array.from({ length: 101 }, (_, i) => ({ OptType: 2, ContactItem: c2c(`cg_p${i}`), CustomMark: 'm' }));
    expect(await rest('recentcontact/mark_contact', { From_Account: 'cg_gus', MarkItem: many })).toMatchObject({ ErrorCode: 51006 });
    expect(await rest('recentcontact/mark_contact', { From_Account: 'cg_gus', MarkItem: [{ OptType: 1, ContactItem: c2c('cg_p'), SetMark: [64] }] })).toMatchObject({ ErrorCode: 50002 });
    expect(await rest('recentcontact/mark_contact', { From_Account: 'cg_gus', MarkItem: [{ OptType: 2, ContactItem: c2c('cg_p'), CustomMark: 'x'.repeat(257) }] })).toMatchObject({ ErrorCode: 50002 });
    expect(await rest('recentcontact/mark_contact', { From_Account: 'cg_gus', MarkItem: [{ OptType: 2, ContactItem: { Type: 1 }, CustomMark: 'x' }] })).toMatchObject({ ErrorCode: 50002 });
    expect(await get('cg_nobody')).toMatchObject({ ErrorCode: 50001 });

    // 1,000 marked conversations at most: the 1,001st fails alone with 51008, the rest of its call is applied.
    for (let call = 0; call < 10; call++) {
      const items = Array.from({ length: 100 }, (_, i) => ({ OptType: 2, ContactItem: c2c(`cg_m${call * 100 + i}`), CustomMark: 'm' }));
      expect((await rest('recentcontact/mark_contact', { From_Account: 'cg_gus', MarkItem: items })).ErrorCode).toBe(0);
    }
    const over = await rest('recentcontact/mark_contact', {
      From_Account: 'cg_gus',
      MarkItem: [
        { OptType: 2, ContactItem: c2c('cg_m5'), CustomMark: 'changed' },
        { OptType: 2, ContactItem: c2c('cg_extra'), CustomMark: 'm' },
      ],
    });
    expect((over.ResultItem as { ResultCode: number }[]).map((r) => r.ResultCode)).toEqual([0, 51008]);
    const pages: unknown[] = [];
    for (let start = 0, done = false; !done; ) {
      const page = await get('cg_gus', start);
      pages.push(...(page.ContactItem as unknown[]));
      done = page.CompleteFlag === 1;
      start = page.NextStartIndex as number;
    }
    expect(pages).toHaveLength(1000);
    expect(pages).toContainEqual({ Type: 1, To_Account: 'cg_m5', CustomMark: 'changed', Timestamp: expect.any(Number) });
  });

  it("tells the user's other devices, shows marks in the conversation list, and keeps them across a crash", async () => {
    const [hal, ida] = await rig.online('cg_hal', 'cg_ida');
    const tabletEvents: StreamEvent[] = [];
    const tablet = await rig.server.login('cg_hal', { platform: 'iPad', onEvent: (e) => tabletEvents.push(e) });
    rig.clients.push(tablet);
    await ida.c.sendC2C('cg_hal', TEXT('hi'));
    await waitFor(() => hal.events.some((e) => e.entry.kind === 'c2c'), 'Hal to receive the message');

    const made = await hal.c.createContactGroup('close', ['c2c_cg_ida']);
    expect(made).toEqual({ group: { id: 1, name: 'close' }, results: [{ conversationId: 'c2c_cg_ida', code: 0 }] });
    expect(await hal.c.markConversations([{ conversationId: 'c2c_cg_ida', set: [0], customMark: 'best' }])).toEqual({ results: [{ conversationId: 'c2c_cg_ida', code: 0 }] });
    await waitFor(() => contactNotices(tabletEvents).length === 2, 'the tablet to learn of both changes');
    expect(contactNotices(tabletEvents)).toEqual([
      expect.objectContaining({ groups: [{ id: 1, name: 'close' }], marks: [{ conversationId: 'c2c_cg_ida', bits: [], custom: '', groupIds: [1] }], operator: 'cg_hal' }),
      expect.objectContaining({ marks: [{ conversationId: 'c2c_cg_ida', bits: [0], custom: 'best', groupIds: [1] }] }),
    ]);
    const [view] = (await tablet.conversations()).conversations;
    expect(view).toMatchObject({ conversationId: 'c2c_cg_ida', marks: [0], customMark: 'best', contactGroups: ['close'] });

    expect(await tablet.renameContactGroup('close', 'closest')).toEqual({ id: 1, name: 'closest' });
    await expect(tablet.createContactGroup('x'.repeat(40))).rejects.toMatchObject({ code: 51011 });
    await expect(tablet.groupConversations('nope', { add: ['c2c_cg_ida'] })).rejects.toMatchObject({ code: 51009 });

    await rig.server.restart();
    const again = await rig.server.login('cg_hal');
    rig.clients.push(again);
    expect(await again.contacts()).toEqual({
      groups: [{ id: 1, name: 'closest' }],
      conversations: [{ conversationId: 'c2c_cg_ida', bits: [0], custom: 'best', groupIds: [1], time: expect.any(Number) }],
    });
    expect((await again.groupConversations('closest', { remove: ['c2c_cg_ida'] })).results).toEqual([{ conversationId: 'c2c_cg_ida', code: 0 }]);
    expect(await again.deleteContactGroups(['closest'])).toEqual({ groups: [{ id: 1, name: 'closest' }] });
    const [kept] = (await again.conversations()).conversations;
    expect(kept).toMatchObject({ marks: [0], customMark: 'best' });
    expect(kept.contactGroups).toBeUndefined();
  });
});
