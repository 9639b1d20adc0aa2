/**
 * Applications to join a group that needs approval, from real clients as Tencent's SDK offers them:
 * applying with a message, the owner's and admins' pending lists and live notices, accepting and
 * refusing with the applicant told, the before-apply callback's veto, the join's callback,
 * invitations awaiting approval (InviteJoinOption NeedPermission), applications and read markers
 * that outlive a restart, and decided ones leaving the lists after PARLEY_APPLICATION_KEEP_DAYS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptGroupApplication, applyToJoinGroup, groupApplications, markGroupApplicationsRead, refuseGroupApplication } from '../../src/client/group-applications.ts';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { Op } from '../../src/protocol/client-ops.ts';
import type { InboxNotice, InboxNoticeType } from '../../src/protocol/entries.ts';
import { type Online, onlineUsers } from '../helpers/online.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { text, waitFor } from '../helpers/wait.ts';
import { Webhook, answer } from '../helpers/webhook.ts';


const noticesOf = (o: Online, notice: InboxNoticeType, groupId: string): InboxNotice[] =>
  o.events.flatMap((e) => (e.stream === `u:${o.c.userId}` && e.entry.kind === 'notice' && e.entry.notice === notice && e.entry.groupId === groupId ? [e.entry] : []));

describe.each(storeModes())('applications to join a group (%s store)', (mode) => {
  let hook: Webhook;
  let server: ParleyProcess;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    hook = await Webhook.start();
    server = await ParleyProcess.start({ env: { ...storeEnv(mode), PARLEY_CALLBACK_URL: hook.url } });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    await hook.close();
  });

  const online = (...ids: string[]): Promise<Online[]> => onlineUsers(server, clients, ids);

  /** A Public NeedPermission group owned by `owner`, with `admin` as its admin and `plain` as a member. */
  async function club(owner: Online, admin: Online, plain?: Online): Promise<string> {
    const members = [{ userId: admin.c.userId, role: 'Admin' as const }, ...(plain ? [{ userId: plain.c.userId }] : [])];
    return (await owner.c.createGroup({ type: 'Public', name: 'club', applyJoinOption: 'NeedPermission', members })).groupId;
  }

  it('shows an application to the owner and an admin, live and listed; the admin accepts and the applicant joins with a join tip of type Apply', async () => {
    const [owner, adm, plain, zed] = await online('a_owner', 'a_admin', 'a_plain', 'a_zed');
    const g = await club(owner, adm, plain);

    expect(await applyToJoinGroup(zed.c, g, 'please')).toEqual({ audience: false, pending: true });
    for (const o of [owner, adm]) {
      await waitFor(() => noticesOf(o, 'group.application', g).length > 0, `${o.c.userId} to be told of the application`);
      expect(noticesOf(o, 'group.application', g)[0]).toMatchObject({ operator: 'a_zed', applicant: 'a_zed', message: 'please' });
    }
    expect(hook.of('Group.CallbackBeforeApplyJoinGroup', (h) => h.body.GroupId === g)[0]?.body).toMatchObject({ Type: 'Public', Requestor_Account: 'a_zed' });

    // Applying again while pending updates the one application.
    await applyToJoinGroup(zed.c, g, 'please, really');
    const listed = await groupApplications(owner.c);
    const mine = listed.applications.filter((a) => a.groupId === g);
    expect(mine).toEqual([expect.objectContaining({ fromUser: 'a_zed', toUser: '', requestMsg: 'please, really', type: 0, handleStatus: 0, handler: '', sent: false, groupType: 'Public' })]);
    expect(listed.unreadCount).toBeGreaterThanOrEqual(1);
    expect((await groupApplications(zed.c)).applications).toEqual([expect.objectContaining({ groupId: g, sent: true, handleStatus: 0 })]);
    // A plain member neither sees nor decides it.
    expect((await groupApplications(plain.c)).applications.filter((a) => a.groupId === g)).toEqual([]);
    await expect(acceptGroupApplication(plain.c, g, 'a_zed')).rejects.toMatchObject({ code: 10007 });

    await acceptGroupApplication(adm.c, g, 'a_zed', 'welcome');
    await waitFor(() => noticesOf(zed, 'group.application.accepted', g).length > 0, 'the applicant to be told of the acceptance');
    expect(noticesOf(zed, 'group.application.accepted', g)[0]).toMatchObject({ operator: 'a_admin', message: 'welcome' });
    await waitFor(() => noticesOf(zed, 'group.joined', g).length > 0, 'the applicant to be told they joined');
    const joinTip = (o: Online) => o.events.find((e) => e.stream === `g:${g}` && e.entry.kind === 'tip' && e.entry.tip === 'join');
    for (const o of [owner, plain]) await waitFor(() => joinTip(o) !== undefined, `${o.c.userId} to see the join tip`);
    expect(joinTip(owner)?.entry).toMatchObject({ operator: 'a_admin', members: ['a_zed'], joinType: 'Apply' });
    expect(joinTip(owner)?.seq).toBeGreaterThan(0);

    const { seq } = await zed.c.sendGroup(g, text('hello, club'));
    const page = await zed.c.call(Op.GroupPull, { groupId: g, after: 0 });
    expect(page.events.map((e) => e.seq)).toContain(seq);
    await waitFor(() => hook.of('Group.CallbackAfterNewMemberJoin', (h) => h.body.GroupId === g).length > 0, 'the after-join callback');
    expect(hook.of('Group.CallbackAfterNewMemberJoin', (h) => h.body.GroupId === g)[0].body).toMatchObject({ JoinType: 'Apply', Operator_Account: 'a_admin', NewMemberList: [{ Member_Account: 'a_zed' }] });

    await expect(acceptGroupApplication(owner.c, g, 'a_zed')).rejects.toMatchObject({ code: 10024 });
    await expect(refuseGroupApplication(owner.c, g, 'a_zed')).rejects.toMatchObject({ code: 10024 });
    const decided = (o: Online) => groupApplications(o.c).then((r) => r.applications.find((a) => a.groupId === g));
    expect(await decided(adm)).toMatchObject({ handleStatus: 2, handleResult: 1, handler: 'a_admin', handledMsg: 'welcome' });
    expect(await decided(owner)).toMatchObject({ handleStatus: 1, handleResult: 1 });
    expect(await decided(zed)).toMatchObject({ handleStatus: 1, handleResult: 1, sent: true });
  });

  it('tells a refused applicant and adds nobody', async () => {
    const [owner, adm, zed] = await online('r_owner', 'r_admin', 'r_zed');
    const g = await club(owner, adm);
    await applyToJoinGroup(zed.c, g, 'hi');
    await refuseGroupApplication(owner.c, g, 'r_zed', 'not now');
    await waitFor(() => noticesOf(zed, 'group.application.refused', g).length > 0, 'the applicant to be told of the refusal');
    expect(noticesOf(zed, 'group.application.refused', g)[0]).toMatchObject({ operator: 'r_owner', message: 'not now' });
    expect((await owner.c.groupInfo(g)).memberNum).toBe(2);
    expect((await zed.c.groups()).groups.map((x) => x.groupId)).not.toContain(g);
    await expect(acceptGroupApplication(adm.c, g, 'r_zed')).rejects.toMatchObject({ code: 10024 });
    expect(noticesOf(zed, 'group.joined', g)).toEqual([]);
  });

  it('refuses applying to a DisableApply group (10007) and as a member (10013), and joins a FreeAccess one at once', async () => {
    const [owner, adm, zed] = await online('d_owner', 'd_admin', 'd_zed');
    const closed = (await owner.c.createGroup({ type: 'Public', name: 'closed', applyJoinOption: 'DisableApply' })).groupId;
    await expect(applyToJoinGroup(zed.c, closed, 'hi')).rejects.toMatchObject({ code: 10007 });
    const g = await club(owner, adm);
    await expect(applyToJoinGroup(adm.c, g, 'again')).rejects.toMatchObject({ code: 10013 });
    const open = (await owner.c.createGroup({ type: 'Public', name: 'open', applyJoinOption: 'FreeAccess' })).groupId;
    expect(await applyToJoinGroup(zed.c, open, 'hi')).toEqual({ audience: false });
    expect((await zed.c.groupInfo(open)).self?.role).toBe('Member');
    expect((await groupApplications(zed.c)).applications).toEqual([]);
  });

  it('stops an application the app server vetoes (10016, or the app’s own code), telling nobody', async () => {
    const [owner, adm, zed] = await online('v_owner', 'v_admin', 'v_zed');
    const g = await club(owner, adm);
    const g2 = await club(owner, adm);
    hook.on((h) => h.command === 'Group.CallbackBeforeApplyJoinGroup' && h.body.GroupId === g, { json: answer(1, 'no') });
    hook.on((h) => h.command === 'Group.CallbackBeforeApplyJoinGroup' && h.body.GroupId === g2, { json: answer(10150, 'members only') });
    await expect(applyToJoinGroup(zed.c, g, 'hi')).rejects.toMatchObject({ code: 10016 });
    await expect(applyToJoinGroup(zed.c, g2, 'hi')).rejects.toMatchObject({ code: 10150, info: 'members only' });
    expect((await groupApplications(owner.c)).applications).toEqual([]);
    expect((await groupApplications(zed.c)).applications).toEqual([]);
    expect(noticesOf(owner, 'group.application', g)).toEqual([]);
  });

  it('answers 10014 accepting into a group that filled up meanwhile, and leaves the application pending', async () => {
    const [owner, zed] = await online('f_owner', 'f_zed');
    await server.importAccounts(['f_other']);
    const created = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'f_owner', Type: 'Public', Name: 'small', MaxMemberCount: 2, ApplyJoinOption: 'NeedPermission' });
    const g = created.GroupId as string;
    await applyToJoinGroup(zed.c, g, 'hi');
    await owner.c.inviteToGroup(g, ['f_other']);
    await expect(acceptGroupApplication(owner.c, g, 'f_zed')).rejects.toMatchObject({ code: 10014 });
    expect((await groupApplications(owner.c)).applications).toEqual([expect.objectContaining({ groupId: g, handleStatus: 0 })]);
  });

  it('keeps a pending application and the read marker across a restart, and accepts the application after it', async () => {
    const [owner, adm, zed] = await online('s_owner', 's_admin', 's_zed');
    const g = await club(owner, adm);
    await applyToJoinGroup(zed.c, g, 'before the restart');
    expect((await groupApplications(owner.c)).unreadCount).toBe(1);
    const readAt = Date.now();
    await markGroupApplicationsRead(owner.c, readAt);
    expect(await groupApplications(owner.c)).toMatchObject({ unreadCount: 0, readUpTo: readAt });

    await server.restart();
    const [owner2, zed2] = await Promise.all(['s_owner', 's_zed'].map((id) => server.login(id)));
    clients.push(owner2, zed2);
    const after = await groupApplications(owner2);
    expect(after).toMatchObject({ unreadCount: 0, readUpTo: readAt, total: 1 });
    expect(after.applications[0]).toMatchObject({ groupId: g, fromUser: 's_zed', requestMsg: 'before the restart', handleStatus: 0 });
    await acceptGroupApplication(owner2, g, 's_zed');
    expect((await zed2.groupInfo(g)).self?.role).toBe('Member');
  });

  it('holds a plain member’s invitation for the owner’s approval where InviteJoinOption is NeedPermission; accepted, the invitee joins as Invited', async () => {
    const [owner, ann, zed, yan] = await online('i_owner', 'i_ann', 'i_zed', 'i_yan');
    const g = (await owner.c.createGroup({ type: 'Work', name: 'team', inviteJoinOption: 'NeedPermission', members: [{ userId: 'i_ann' }] })).groupId;
    expect((await owner.c.groupInfo(g)).inviteJoinOption).toBe('NeedPermission');
    expect(await ann.c.inviteToGroup(g, ['i_zed', 'i_owner'])).toEqual({ results: [{ userId: 'i_zed', result: 3 }, { userId: 'i_owner', result: 2 }] });
    await waitFor(() => noticesOf(owner, 'group.invitation', g).length > 0, 'the owner to be told of the invitation');
    expect(noticesOf(owner, 'group.invitation', g)[0]).toMatchObject({ operator: 'i_ann', applicant: 'i_zed' });
    expect((await owner.c.groupInfo(g)).memberNum).toBe(2);
    const listed = (await groupApplications(owner.c)).applications.filter((a) => a.groupId === g);
    expect(listed).toEqual([expect.objectContaining({ type: 2, applicant: 'i_zed', fromUser: 'i_ann', toUser: 'i_zed', handleStatus: 0, sent: false })]);
    expect((await groupApplications(ann.c)).applications).toEqual([expect.objectContaining({ groupId: g, type: 2, sent: true })]);
    expect((await groupApplications(zed.c)).applications).toEqual([]);
    // The inviter cannot decide their own invitation.
    await expect(acceptGroupApplication(ann.c, g, 'i_zed')).rejects.toMatchObject({ code: 10007 });

    await acceptGroupApplication(owner.c, g, 'i_zed', 'ok');
    await waitFor(() => noticesOf(ann, 'group.invitation.accepted', g).length > 0, 'the inviter to be told of the acceptance');
    expect(noticesOf(ann, 'group.invitation.accepted', g)[0]).toMatchObject({ operator: 'i_owner', applicant: 'i_zed', message: 'ok' });
    await waitFor(() => noticesOf(zed, 'group.joined', g).length > 0, 'the invitee to be told they joined');
    expect(noticesOf(zed, 'group.joined', g)[0]).toMatchObject({ operator: 'i_ann' });
    expect((await zed.c.groupInfo(g)).self?.role).toBe('Member');
    await waitFor(() => hook.of('Group.CallbackAfterNewMemberJoin', (h) => h.body.GroupId === g).length > 0, 'the after-join callback');
    expect(hook.of('Group.CallbackAfterNewMemberJoin', (h) => h.body.GroupId === g)[0].body).toMatchObject({ JoinType: 'Invited', Operator_Account: 'i_ann', NewMemberList: [{ Member_Account: 'i_zed' }] });

    // Refused, the inviter is told and nobody joins; the owner's own invitation needs nobody's approval.
    await ann.c.inviteToGroup(g, ['i_yan']);
    await refuseGroupApplication(owner.c, g, 'i_yan', 'not now');
    await waitFor(() => noticesOf(ann, 'group.invitation.refused', g).length > 0, 'the inviter to be told of the refusal');
    expect(noticesOf(yan, 'group.joined', g)).toEqual([]);
    expect(await owner.c.inviteToGroup(g, ['i_yan'])).toEqual({ results: [{ userId: 'i_yan', result: 1 }] });
  });

  it('takes no invitations from the client where InviteJoinOption is DisableInvite (10007); REST still adds, and reads and changes the option', async () => {
    const [owner] = await online('n_owner', 'n_zed');
    const g = (await owner.c.createGroup({ type: 'Work', name: 'closed', inviteJoinOption: 'DisableInvite' })).groupId;
    await expect(owner.c.inviteToGroup(g, ['n_zed'])).rejects.toMatchObject({ code: 10007 });
    expect(await server.rest('group_open_http_svc/add_group_member', { GroupId: g, MemberList: [{ Member_Account: 'n_zed' }] })).toMatchObject({ ErrorCode: 0, MemberList: [{ Member_Account: 'n_zed', Result: 1 }] });
    const info = async () => ((await server.rest('group_open_http_svc/get_group_info', { GroupIdList: [g] })).GroupInfo as { InviteJoinOption: string }[])[0].InviteJoinOption;
    expect(await info()).toBe('DisableInvite');
    expect(await server.rest('group_open_http_svc/modify_group_base_info', { GroupId: g, InviteJoinOption: 'NeedPermission' })).toMatchObject({ ErrorCode: 0 });
    expect(await info()).toBe('NeedPermission');
    expect(await server.rest('group_open_http_svc/modify_group_base_info', { GroupId: g, InviteJoinOption: 'Sometimes' })).toMatchObject({ ErrorCode: 10004 });
    const live = await server.rest('group_open_http_svc/create_group', { Owner_Account: 'n_owner', Type: 'AVChatRoom', Name: 'live', InviteJoinOption: 'NeedPermission' });
    expect(live.ErrorCode).toBe(10007);
  });

  // Last: it moves the server's clock for the rest of the file.
  it('drops a decided application from the lists after PARLEY_APPLICATION_KEEP_DAYS, keeping a pending one', async () => {
    const [owner, adm, zed, yan] = await online('k_owner', 'k_admin', 'k_zed', 'k_yan');
    const g = await club(owner, adm);
    await applyToJoinGroup(zed.c, g, 'decided');
    await applyToJoinGroup(yan.c, g, 'still pending');
    await refuseGroupApplication(owner.c, g, 'k_zed');
    const mine = (o: ParleyClient) => groupApplications(o).then((r) => r.applications.filter((a) => a.groupId === g).map((a) => a.fromUser));
    expect(await mine(owner.c)).toEqual(['k_yan', 'k_zed']);

    await server.restartWith({ PARLEY_CLOCK_OFFSET_MS: String(7 * 86_400_000 + 60_000) });
    const [owner2, zed2] = await Promise.all(['k_owner', 'k_zed'].map((id) => server.login(id)));
    clients.push(owner2, zed2);
    expect(await mine(owner2)).toEqual(['k_yan']);
    expect(await mine(zed2)).toEqual([]);
  });
});
