/**
 * Applications to join a group that needs approval, from real clients as Tencent's SDK offers them:
 * applying with a message, the owner's and admins' pending lists and live notices, accepting and
 * refusing with the applicant told, the before-apply callback's veto, the join's callback, and
 * applications and read markers that outlive a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptGroupApplication, applyToJoinGroup, groupApplications, markGroupApplicationsRead, refuseGroupApplication } from '../../src/client/group-applications.ts';
import type { ParleyClient } from '../../src/client/parley-client.ts';
import { Op } from '../../src/protocol/client-ops.ts';
import type { InboxNotice, InboxNoticeType, StreamEvent } from '../../src/protocol/entries.ts';
import { ParleyProcess } from '../helpers/parley-process.ts';
import { storeEnv, storeModes } from '../helpers/services.ts';
import { text, waitFor } from '../helpers/wait.ts';
import { Webhook, answer } from '../helpers/webhook.ts';

interface Online {
  readonly c: ParleyClient;
  readonly events: StreamEvent[];
}

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

  async function online(...ids: string[]): Promise<Online[]> {
    await server.importAccounts(ids);
    return Promise.all(
      ids.map(async (id) => {
        const events: StreamEvent[] = [];
        const c = await server.login(id, { onEvent: (ev) => events.push(ev) });
        clients.push(c);
        return { c, events };
      }),
    );
  }

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
});
