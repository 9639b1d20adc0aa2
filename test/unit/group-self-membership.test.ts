/** Rules a user meets when managing groups from the client: joining and quitting by themself, seeing a group, changing its options, creating one. */
import { describe, expect, it } from 'vitest';
import { type CallerOf, execute } from '../../src/im/command.ts';
import { createGroupCommand } from '../../src/im/groups/create.ts';
import type { GroupState } from '../../src/im/groups/group-model.ts';
import type { ApplyJoinOption } from '../../src/im/groups/group-model.ts';
import { checkCanEditOptions, checkCanJoin, checkCanQuit, checkCanView } from '../../src/im/groups/group-rules.ts';
import type { GroupType } from '../../src/im/groups/group-types.ts';
import { adminCaller, groupOf, memberOf, userCaller } from '../helpers/group-state.ts';
import { fakeContext } from '../helpers/fake-im.ts';

const group = (type: GroupType, applyJoinOption: ApplyJoinOption = 'NeedPermission', maxMemberCount = 100): GroupState => groupOf(type, { applyJoinOption, maxMemberCount });
const member = memberOf;
const user = userCaller;
const admin = adminCaller;
const ok = (f: () => void) => expect(f).not.toThrow();
const no = (f: () => void, code = 10007) => expect(f).toThrow(expect.objectContaining({ code }));

describe('joining by oneself', () => {
  it('lets anyone join a Meeting or Community group whatever its NeedPermission, but not one set to DisableApply', () => {
    ok(() => checkCanJoin(group('ChatRoom'), 'zed', undefined, 3));
    ok(() => checkCanJoin(group('Community'), 'zed', undefined, 3));
    no(() => checkCanJoin(group('ChatRoom', 'DisableApply'), 'zed', undefined, 3));
  });

  it('lets a Public group be joined only when it is FreeAccess: approval and DisableApply refuse with 10007', () => {
    ok(() => checkCanJoin(group('Public', 'FreeAccess'), 'zed', undefined, 3));
    expect(() => checkCanJoin(group('Public', 'NeedPermission'), 'zed', undefined, 3)).toThrow(/approval/);
    no(() => checkCanJoin(group('Public', 'NeedPermission'), 'zed', undefined, 3));
    no(() => checkCanJoin(group('Public', 'DisableApply'), 'zed', undefined, 3));
  });

  it('refuses joining a Work group even when FreeAccess (members invite), and an AVChatRoom for now', () => {
    no(() => checkCanJoin(group('Private', 'FreeAccess'), 'zed', undefined, 3));
    no(() => checkCanJoin(group('AVChatRoom', 'FreeAccess'), 'zed', undefined, 0));
  });

  it('refuses a member with 10013 and a full group with 10014', () => {
    no(() => checkCanJoin(group('ChatRoom'), 'ann', member('ann', 'Member'), 3), 10013);
    no(() => checkCanJoin(group('ChatRoom', 'FreeAccess', 3), 'zed', undefined, 3), 10014);
  });
});

describe('quitting', () => {
  it('lets a member quit, and the owner only a Work group (10009 elsewhere)', () => {
    ok(() => checkCanQuit(group('Public'), 'ann', member('ann', 'Member')));
    ok(() => checkCanQuit(group('Private'), 'owner', member('owner', 'Owner')));
    for (const t of ['Public', 'ChatRoom', 'Community'] as const) no(() => checkCanQuit(group(t), 'owner', member('owner', 'Owner')), 10009);
  });

  it('refuses a non-member and anyone in an AVChatRoom with 10007', () => {
    no(() => checkCanQuit(group('Public'), 'zed', undefined));
    no(() => checkCanQuit(group('AVChatRoom'), 'owner', member('owner', 'Owner')));
  });
});

describe('seeing a group and changing its options', () => {
  it('shows a group to its members, to anyone where it is findable by id, never a Work group to outsiders', () => {
    ok(() => checkCanView(group('Private'), user('ann'), member('ann', 'Member')));
    no(() => checkCanView(group('Private'), user('zed'), undefined));
    ok(() => checkCanView(group('Public'), user('zed'), undefined));
    ok(() => checkCanView(group('Private'), admin, undefined));
  });

  it('lets a Work member edit the profile but only the owner its options; admins elsewhere as for the profile', () => {
    no(() => checkCanEditOptions(group('Private'), user('ann'), member('ann', 'Member')));
    ok(() => checkCanEditOptions(group('Private'), user('owner'), member('owner', 'Owner')));
    ok(() => checkCanEditOptions(group('Public'), user('ben'), member('ben', 'Admin')));
    no(() => checkCanEditOptions(group('Public'), user('ann'), member('ann', 'Member')));
    no(() => checkCanEditOptions(group('ChatRoom'), user('ben'), member('ben', 'Admin')));
    ok(() => checkCanEditOptions(group('Private'), admin, undefined));
  });
});

describe('group.create by a user', () => {
  const input = { type: 'Public', name: 'mine' };

  it('makes the caller the owner, and refuses naming someone else (10007) before the actor is asked', async () => {
    const { ctx, groupCalls } = fakeContext({ accounts: ['alice', 'bob'], groupAnswers: { create: { groupId: 'g1' } } });
    await expect(execute(ctx, user('alice') as CallerOf<'user'>, createGroupCommand, { ...input, owner: 'bob' }, 'ClientBadRequest')).rejects.toMatchObject({ code: 10007 });
    expect(groupCalls).toEqual([]);
    await execute(ctx, user('alice') as CallerOf<'user'>, createGroupCommand, input, 'ClientBadRequest');
    const c = groupCalls[0].command;
    expect(c.op === 'create' && [c.spec.owner, c.spec.operator]).toEqual(['alice', 'alice']);
  });
});
