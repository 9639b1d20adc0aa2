import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accountService } from '../../src/api/endpoints/accounts.ts';
import { groupService } from '../../src/api/endpoints/groups.ts';
import { openimService } from '../../src/api/endpoints/openim.ts';
import { endpoint } from '../../src/api/endpoint.ts';
import { batchSendCommand } from '../../src/im/c2c/batch-send.ts';
import { sendC2CCommand } from '../../src/im/c2c/send.ts';
import { defineCommand, execute } from '../../src/im/command.ts';
import { groupSendCommand } from '../../src/im/groups/send.ts';
import { CLIENT_OPS } from '../../rooms/inbox/client-ops.ts';
import { profileService } from '../../src/api/endpoints/profile.ts';
import { recentContactService } from '../../src/api/endpoints/recentcontact.ts';
import { snsService } from '../../src/api/endpoints/sns.ts';
import { openConfigService } from '../../src/api/endpoints/openconfig.ts';
import { fakeContext, limits } from '../helpers/fake-im.ts';

const body = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }];
const admin = { kind: 'admin', userId: 'administrator' } as const;
const alice = { kind: 'user', userId: 'alice', platform: 'Web' } as const;

describe('command seam', () => {
  it('mounts every REST command once, under one domain command each (an old name runs its new name’s command)', () => {
    const oldNames = new Map([['get_group_shutted_uin', 'get_group_muted_account'], ['querystate', 'query_online_status']]);
    const endpoints = [accountService, openimService, groupService, profileService, snsService, recentContactService, openConfigService].flatMap((s) => s.endpoints);
    for (const [old, current] of oldNames) expect(endpoints.find((e) => e.command === old)?.runs).toBe(endpoints.find((e) => e.command === current)?.runs);
    const names = endpoints.filter((e) => !oldNames.has(e.command)).map((e) => e.runs);
    expect(new Set(names).size).toBe(names.length);
    expect(openimService.endpoints.find((e) => e.command === 'sendmsg')?.runs).toBe(sendC2CCommand.name);
    expect(groupService.endpoints.find((e) => e.command === 'send_group_msg')?.runs).toBe(groupSendCommand.name);
    expect([...CLIENT_OPS.keys()]).toEqual([
      'c2c.send', 'group.send', 'sync', 'group.pull', 'broadcast.pull', 'groups',
      'group.create', 'group.invite', 'group.kick', 'group.quit', 'group.join', 'group.info', 'group.modify',
      'group.modifyMember', 'group.mute', 'group.muted', 'group.members', 'group.transfer', 'group.dismiss', 'group.recall',
      'group.applications', 'group.applicationsRead', 'group.acceptApplication', 'group.refuseApplication',
      'profile.set', 'profile.get',
      'friend.add', 'friend.requests', 'friend.respond', 'friend.list', 'friend.delete', 'friend.check',
      'blacklist.add', 'blacklist.delete', 'blacklist.list',
      'friend.update', 'friend.deleteAll', 'friendGroup.add', 'friendGroup.delete', 'friendGroup.list',
      'friend.requestsRead', 'friend.deleteRequests', 'user.search', 'c2c.recall', 'c2c.delete', 'user.status',
      'conversation.list', 'conversation.read', 'conversation.pin', 'conversation.delete', 'conversation.unread',
      'contact.list', 'contact.group.create', 'contact.group.delete', 'contact.group.rename', 'contact.group.conversations', 'contact.mark',
      'group.readReceipt', 'group.receipts', 'group.receiptMembers', 'c2c.readReceipt',
      'push.register', 'push.unregister', 'push.devices', 'user.subscribeStatus', 'user.unsubscribeStatus',
      'push.config',
    ]);
  });

  it('refuses to mount on REST a command App admins may not issue', () => {
    const usersOnly = defineCommand({ name: 'test.mine', callers: ['user'], owner: 'store', input: z.object({}), run: async () => 1 });
    expect(() => endpoint({ command: 'mine', runs: usersOnly, request: z.object({}), input: () => ({}) })).toThrow(/not for App admins/);
  });

  it('names the catalogue error of a failing input field, else the transport’s generic code', async () => {
    const { ctx } = fakeContext({ accounts: ['bob'] });
    await expect(execute(ctx, admin, batchSendCommand, { to: [], body }, 'C2CInvalidParam')).rejects.toMatchObject({ code: 90003 });
    await expect(execute(ctx, admin, batchSendCommand, { to: 'bob' as never, body }, 'C2CInvalidParam')).rejects.toMatchObject({ code: 90010 });
  });
});

describe('c2c.send defaults', () => {
  it('pushes a user’s own copy to their other devices and stores an admin’s without pushing', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['alice', 'bob'] });
    await execute(ctx, alice, sendC2CCommand, { to: 'bob', body }, 'ClientBadRequest');
    await execute(ctx, admin, sendC2CCommand, { from: 'alice', to: 'bob', body }, 'C2CInvalidParam');
    expect(writes.map((w) => [w.inbox, w.opts.pushLive])).toEqual([['bob', true], ['alice', true], ['bob', true], ['alice', false]]);
  });

  it('sends as the logged-in user whatever sender the input names', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['alice', 'bob', 'carol'] });
    await execute(ctx, alice, sendC2CCommand, { from: 'carol', to: 'bob', body }, 'ClientBadRequest');
    expect(writes.map((w) => w.message.from)).toEqual(['alice', 'alice']);
  });

  it('draws a random per send when none is given, and keeps the given one', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['alice', 'bob'] });
    await execute(ctx, alice, sendC2CCommand, { to: 'bob', body }, 'ClientBadRequest');
    await execute(ctx, alice, sendC2CCommand, { to: 'bob', body, random: 7 }, 'ClientBadRequest');
    expect(writes[0].message.random).toEqual(expect.any(Number));
    expect(writes[2].message.random).toBe(7);
  });

  it('stores nothing for an online-only send, but keeps roaming for a lifetime of 0', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['alice', 'bob'] });
    await execute(ctx, alice, sendC2CCommand, { to: 'bob', body, onlineOnly: true }, 'ClientBadRequest');
    await execute(ctx, admin, sendC2CCommand, { from: 'alice', to: 'bob', body, lifetimeS: 0 }, 'C2CInvalidParam');
    expect(writes[0].opts).toMatchObject({ storeS: 0, offlineS: 0 });
    expect(writes[2].opts).toMatchObject({ storeS: limits.roamingRetentionS, offlineS: 0 });
  });
});

describe('c2c.batchSend', () => {
  it('keeps a lifetime-0 batch out of roaming, and fails as a whole when no receiver exists', async () => {
    const { ctx, writes } = fakeContext({ accounts: ['bob'] });
    await execute(ctx, admin, batchSendCommand, { to: ['bob'], body, lifetimeS: 0 }, 'C2CInvalidParam');
    expect(writes[0].opts).toMatchObject({ storeS: 0 });
    await expect(execute(ctx, admin, batchSendCommand, { to: ['ghost', 'nobody'], body }, 'C2CInvalidParam')).rejects.toMatchObject({ code: 90012 });
  });
});

describe('group.send defaults', () => {
  it('hands the actor Normal priority, a drawn random and the user as sender', async () => {
    const { ctx, groupCalls } = fakeContext({ accounts: ['alice'], groupAnswers: { sendMessage: { seq: 1, time: 0 } } });
    await execute(ctx, alice, groupSendCommand, { groupId: 'g1', from: 'mallory', body }, 'ClientBadRequest');
    const c = groupCalls[0].command;
    expect(c.op).toBe('sendMessage');
    if (c.op !== 'sendMessage') return;
    expect(c.spec).toMatchObject({ from: 'alice', priority: 'Normal', onlineOnly: false, random: expect.any(Number) });
  });

  it('refuses an admin naming a sender without an account before the actor is asked', async () => {
    const { ctx, groupCalls } = fakeContext({ accounts: [] });
    await expect(execute(ctx, admin, groupSendCommand, { groupId: 'g1', from: 'ghost', body }, 'GroupInvalidParam')).rejects.toMatchObject({ code: 10019 });
    expect(groupCalls).toEqual([]);
  });
});
