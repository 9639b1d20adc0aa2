/**
 * Group management from real clients, as a Tencent client SDK offers it: create, invite, kick,
 * quit, join, profile and member changes, mutes, message flags, recall and dismissal — asserting
 * what each user sees (results, refusals with Tencent's codes, tips, inbox notices, history).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { Op } from '../../src/protocol/client-ops.ts';
import type { GroupMessage, GroupTip, InboxNoticeType, StreamEvent } from '../../src/protocol/entries.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { text, waitFor } from '../helpers/wait.ts';


const textOf = (e: StreamEvent): string | undefined =>
  e.entry.kind === 'group' ? ((e.entry as GroupMessage).body[0]?.MsgContent as { Text?: string }).Text : undefined;
const tipsOf = (o: Online, groupId: string, tip: GroupTip['tip']): StreamEvent[] =>
  o.events.filter((e) => e.stream === `g:${groupId}` && e.entry.kind === 'tip' && e.entry.tip === tip);
const hasNotice = (o: Online, notice: InboxNoticeType, groupId: string): boolean =>
  o.events.some((e) => e.stream === `u:${o.c.userId}` && e.entry.kind === 'notice' && e.entry.notice === notice && e.entry.groupId === groupId);

describe.each(storeModes())('group management from real clients (%s store)', (mode) => {
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    server = await ParleyProcess.start({ env: storeEnv(mode) });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);

  it('lets a user create a Work group with members, owned by them, into which another member invites', async () => {
    const [ann, bob, cat, dan] = await online('w_ann', 'w_bob', 'w_cat', 'w_dan');
    const created = await ann.c.createGroup({ type: 'Work', name: 'team', members: [{ userId: 'w_bob' }] });
    expect(created.type).toBe('Private');
    const g = created.groupId;
    await waitFor(() => hasNotice(bob, 'group.joined', g), 'bob to be told he joined');

    expect(await bob.c.inviteToGroup(g, ['w_cat'])).toEqual({ results: [{ userId: 'w_cat', result: 1 }] });
    await waitFor(() => hasNotice(cat, 'group.joined', g), 'cat to be told she joined');
    await waitFor(() => tipsOf(ann, g, 'join').some((e) => e.seq > 0 && e.entry.kind === 'tip' && e.entry.members.includes('w_cat')), 'the owner to see the join tip');

    const page = await cat.c.groupMembers(g);
    expect(page.members.map((m) => [m.userId, m.role])).toEqual([['w_ann', 'Owner'], ['w_bob', 'Member'], ['w_cat', 'Member']]);
    const info = await cat.c.groupInfo(g);
    expect(info).toMatchObject({ groupId: g, type: 'Private', owner: 'w_ann', name: 'team', memberNum: 3, self: { role: 'Member', msgFlag: 'AcceptAndNotify' } });
    expect(info).not.toHaveProperty('members');
    // A Work group cannot be found by id: an outsider sees nothing of it.
    await expect(dan.c.groupInfo(g)).rejects.toMatchObject({ code: 10007 });
  });

  it('makes the caller the owner of a group they create, whatever owner the request names', async () => {
    const [ann] = await online('o_ann', 'o_bob');
    const { groupId } = await ann.c.call(Op.CreateGroup, { type: 'Public', name: 'mine', owner: 'o_bob' } as never);
    expect(await ann.c.groupInfo(groupId)).toMatchObject({ owner: 'o_ann', self: { role: 'Owner' } });
  });

  it('refuses an invitation by a plain Public member with 10007 and carries out one by an admin', async () => {
    const [owner, adm, plain] = await online('p_owner', 'p_admin', 'p_plain');
    await server.importAccounts(['p_guest']);
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'public', members: [{ userId: 'p_admin', role: 'Admin' }, { userId: 'p_plain' }] });
    await expect(plain.c.inviteToGroup(g, ['p_guest'])).rejects.toMatchObject({ code: 10007 });
    expect(await adm.c.inviteToGroup(g, ['p_guest', 'p_plain'])).toEqual({ results: [{ userId: 'p_guest', result: 1 }, { userId: 'p_plain', result: 2 }] });
    expect((await owner.c.groupInfo(g)).memberNum).toBe(4);
  });

  it('lets an admin kick a plain member, who is told so, but not another admin', async () => {
    const [owner, adm, adm2, plain] = await online('k_owner', 'k_admin', 'k_admin2', 'k_plain');
    const { groupId: g } = await owner.c.createGroup({
      type: 'Public',
      name: 'kicks',
      members: [{ userId: 'k_admin', role: 'Admin' }, { userId: 'k_admin2', role: 'Admin' }, { userId: 'k_plain' }],
    });
    await expect(adm.c.kickFromGroup(g, ['k_admin2'])).rejects.toMatchObject({ code: 10007 });
    await adm.c.kickFromGroup(g, ['k_plain'], 'spam');
    await waitFor(() => hasNotice(plain, 'group.left', g), 'the kicked member to be told');
    await waitFor(() => tipsOf(adm2, g, 'kick').some((e) => e.entry.kind === 'tip' && 'reason' in e.entry && e.entry.reason === 'spam'), 'members to see the kick tip with its reason');
    expect((await plain.c.groups()).groups.map((x) => x.groupId)).not.toContain(g);
    await expect(plain.c.sendGroup(g, text('still here?'))).rejects.toMatchObject({ code: 10007 });
  });

  it('refuses the owner of a Public group quitting (10009) and lets a member quit', async () => {
    const [owner, plain] = await online('q_owner', 'q_plain');
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'stay', members: [{ userId: 'q_plain' }] });
    await expect(owner.c.quitGroup(g)).rejects.toMatchObject({ code: 10009 });
    await plain.c.quitGroup(g);
    await waitFor(() => hasNotice(plain, 'group.left', g), 'the member to be told they left');
    await waitFor(() => tipsOf(owner, g, 'quit').some((e) => e.seq > 0 && e.entry.kind === 'tip' && e.entry.members[0] === 'q_plain'), 'the owner to see the quit tip');
    await expect(plain.c.quitGroup(g)).rejects.toMatchObject({ code: 10007 });
    expect((await owner.c.groupInfo(g)).memberNum).toBe(1);
  });

  it('lets the owner of a Work group quit, leaving the group ownerless', async () => {
    const [owner, plain] = await online('wq_owner', 'wq_plain');
    const { groupId: g } = await owner.c.createGroup({ type: 'Work', name: 'leaving', members: [{ userId: 'wq_plain' }] });
    await owner.c.quitGroup(g);
    await waitFor(() => hasNotice(owner, 'group.left', g), 'the owner to be told they left');
    expect(await plain.c.groupInfo(g)).toMatchObject({ owner: '', memberNum: 1 });
    const rest = await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [g] });
    expect((rest.GroupInfo as { Owner_Account: string }[])[0].Owner_Account).toBe('');
  });

  it('lets anyone join a Meeting group freely, and turns joining a Public group that needs approval into an application', async () => {
    const [owner, guest] = await online('j_owner', 'j_guest');
    const room = await owner.c.createGroup({ type: 'Meeting', name: 'meet' });
    expect(room.type).toBe('ChatRoom');
    // A non-member sees the public part of a group that can be found by id.
    const outside = await guest.c.groupInfo(room.groupId);
    expect(outside).toMatchObject({ name: 'meet', memberNum: 1 });
    expect(outside).not.toHaveProperty('self');
    await guest.c.joinGroup(room.groupId);
    await waitFor(() => hasNotice(guest, 'group.joined', room.groupId), 'the guest to be told they joined');
    expect(await guest.c.groupInfo(room.groupId)).toMatchObject({ memberNum: 2, self: { role: 'Member' } });
    await expect(guest.c.joinGroup(room.groupId)).rejects.toMatchObject({ code: 10013 });
    expect(await guest.c.sendGroup(room.groupId, text('hello'))).toMatchObject({ seq: expect.any(Number) });

    const club = await owner.c.createGroup({ type: 'Public', name: 'club', applyJoinOption: 'NeedPermission' });
    // The owner decides (test/integration/group-applications.test.ts); until then the guest is no member.
    expect(await guest.c.joinGroup(club.groupId)).toEqual({ audience: false, pending: true });
    expect((await owner.c.groupInfo(club.groupId)).memberNum).toBe(1);
  });

  it('tells every online member of a name change with an info tip that has a SEQ', async () => {
    const all = await online('i_owner', 'i_a', 'i_b', 'i_c');
    const [owner] = all;
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'before', members: all.slice(1).map((o) => ({ userId: o.c.userId })) });
    await owner.c.modifyGroup(g, { name: 'after' });
    for (const o of all) {
      await waitFor(() => tipsOf(o, g, 'info').length > 0, `${o.c.userId} to see the info tip`);
      const [tip] = tipsOf(o, g, 'info');
      expect(tip.seq).toBeGreaterThan(0);
      expect(tip.entry).toMatchObject({ kind: 'tip', tip: 'info', operator: 'i_owner', changes: { name: 'after' } });
    }
    expect((await all[1].c.groupInfo(g)).name).toBe('after');
    // A plain member of a Public group may not change the profile.
    await expect(all[1].c.modifyGroup(g, { name: 'mine now' })).rejects.toMatchObject({ code: 10007 });
  });

  it('stops a muted member from sending (10017) until unmuted', async () => {
    const [owner, plain] = await online('m_owner', 'm_plain');
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'quiet', members: [{ userId: 'm_plain' }] });
    await owner.c.muteInGroup(g, ['m_plain'], 600);
    await expect(plain.c.sendGroup(g, text('can I speak?'))).rejects.toMatchObject({ code: 10017 });
    const { muted } = await plain.c.groupMuted(g);
    expect(muted.map((m) => m.userId)).toEqual(['m_plain']);
    expect((await plain.c.groupInfo(g)).self?.muteUntil).toBeGreaterThan(0);
    await owner.c.muteInGroup(g, ['m_plain'], 0);
    expect(await plain.c.sendGroup(g, text('thanks'))).toMatchObject({ seq: expect.any(Number) });
    expect((await plain.c.groupMuted(g)).muted).toEqual([]);
  });

  it('pushes no messages to a member whose message flag is Discard, whose pulls still return them', async () => {
    const [owner, quiet] = await online('d_owner', 'd_quiet');
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'muted feed', members: [{ userId: 'd_quiet' }] });
    await quiet.c.modifyGroupMember(g, 'd_quiet', { msgFlag: 'Discard' });
    expect((await quiet.c.groupInfo(g)).self?.msgFlag).toBe('Discard');
    await expect(owner.c.modifyGroupMember(g, 'd_quiet', { msgFlag: 'AcceptAndNotify' })).rejects.toMatchObject({ code: 10007 });
    const { seq } = await owner.c.sendGroup(g, text('not pushed'));
    // A marker pushed after the message by the same group, through the same fan-out: once it has
    // arrived, the message would have arrived before it had it been pushed.
    await server.rest('group_open_http_svc/send_group_system_notification', { GroupId: g, Content: 'marker' });
    await waitFor(() => quiet.events.some((e) => e.entry.kind === 'groupSystem' && e.entry.content === 'marker'), 'the marker');
    expect(quiet.events.filter((e) => textOf(e) === 'not pushed')).toEqual([]);
    const page = await quiet.c.call(Op.GroupPull, { groupId: g, after: 0 });
    expect(page.events.filter((e) => textOf(e) === 'not pushed').map((e) => e.seq)).toEqual([seq]);
  });

  it('lets a member recall their own message: others get a recall tip and history shows it recalled', async () => {
    const [owner, plain, other] = await online('r_owner', 'r_plain', 'r_other');
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'oops', members: [{ userId: 'r_plain' }, { userId: 'r_other' }] });
    const { seq } = await plain.c.sendGroup(g, text('wrong chat'));
    expect(await other.c.recallInGroup(g, [seq])).toEqual({ results: [{ seq, code: 10007 }] });
    expect(await plain.c.recallInGroup(g, [seq])).toEqual({ results: [{ seq, code: 0 }] });
    for (const o of [owner, other]) {
      await waitFor(() => tipsOf(o, g, 'recall').some((e) => e.entry.kind === 'tip' && e.entry.tip === 'recall' && e.entry.seqs.includes(seq)), `${o.c.userId} to see the recall tip`);
    }
    const history = await server.rest('group_open_http_svc/group_msg_get_simple', { GroupId: g, ReqMsgNumber: 20 });
    expect((history.RspMsgList as { MsgSeq: number; IsPlaceMsg: number }[]).find((m) => m.MsgSeq === seq)?.IsPlaceMsg).toBe(2);
  });

  it('tells every member of a dismissal in their inbox, after which the group is gone (10010)', async () => {
    const [owner, a, b] = await online('x_owner', 'x_a', 'x_b');
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'bye', members: [{ userId: 'x_a' }, { userId: 'x_b' }] });
    await expect(a.c.dismissGroup(g)).rejects.toMatchObject({ code: 10007 });
    await owner.c.dismissGroup(g);
    for (const o of [owner, a, b]) await waitFor(() => hasNotice(o, 'group.dismissed', g), `${o.c.userId} to be told of the dismissal`);
    await expect(a.c.groupInfo(g)).rejects.toMatchObject({ code: 10010 });
    await expect(a.c.sendGroup(g, text('anyone?'))).rejects.toMatchObject({ code: 10010 });
  });

  it('hands a group to another member, who can then manage it', async () => {
    const [owner, heir, plain] = await online('t_owner', 't_heir', 't_plain');
    const { groupId: g } = await owner.c.createGroup({ type: 'Public', name: 'heritage', members: [{ userId: 't_heir' }, { userId: 't_plain' }] });
    await owner.c.transferGroup(g, 't_heir');
    await waitFor(() => tipsOf(plain, g, 'owner').length > 0, 'members to see the owner tip');
    expect(await plain.c.groupInfo(g)).toMatchObject({ owner: 't_heir' });
    await heir.c.modifyGroupMember(g, 't_plain', { role: 'Admin' });
    const admins = await heir.c.groupMembers(g, { roles: ['Admin'] });
    expect(admins.members.map((m) => m.userId)).toEqual(['t_plain']);
    await expect(owner.c.modifyGroupMember(g, 't_plain', { role: 'Member' })).rejects.toMatchObject({ code: 10007 });
  });
});
