import { describe, expect, it } from 'vitest';
import type { CreateGroupSpec } from '../../src/im/actor-api.ts';
import { type GroupState, groupFromRecord } from '../../src/im/groups/group-model.ts';
import { createdBy, groupCreatedEvent, idTaken, newGroup } from '../../src/im/groups/new-group.ts';
import {
  checkAtInfo,
  checkCanChangeOwner,
  checkCanDissolve,
  checkCanEditMember,
  checkCanEditProfile,
  checkCanMute,
  checkCanRemove,
  checkCanSend,
  checkCanSetRole,
  checkTypeAllowsRemoval,
  inviteMode,
} from '../../src/im/groups/group-rules.ts';
import { GROUP_POLICY } from '../../src/im/groups/group-policy.ts';
import { GROUP_DATA, MEMBER_DATA, mergeAppData } from '../../src/im/groups/app-data.ts';
import { muteUntilOf } from '../../src/im/groups/member-changes.ts';
import type { GroupType } from '../../src/im/groups/group-types.ts';
import { adminCaller, groupOf, memberOf, userCaller } from '../helpers/group-state.ts';

const NOW = 1_700_000_000_000;
const group = (type: GroupType, muteAll = false, muted: Record<string, number> = {}): GroupState => groupOf(type, { applyJoinOption: 'FreeAccess', muteAll, muted });
const member = memberOf;
const user = userCaller;
const admin = adminCaller;

describe('group rules (spec §5.2)', () => {
  it('lets members send, refusing non-members (10007) and muted members (10017); App admins always send', () => {
    const g = group('Public');
    expect(() => checkCanSend(g, user('ann'), member('ann', 'Member'), NOW)).not.toThrow();
    expect(() => checkCanSend(g, user('zed'), undefined, NOW)).toThrow(expect.objectContaining({ code: 10007 }));
    expect(() => checkCanSend(group('Public', false, { ann: NOW + 1000 }), user('ann'), member('ann', 'Member'), NOW)).toThrow(expect.objectContaining({ code: 10017 }));
    expect(() => checkCanSend(group('Public', false, { ann: NOW - 1 }), user('ann'), member('ann', 'Member'), NOW)).not.toThrow();
    expect(() => checkCanSend(g, admin, undefined, NOW)).not.toThrow();
  });

  it('lets only the owner, admins and App admins speak while everyone is muted', () => {
    const g = group('Public', true);
    expect(() => checkCanSend(g, user('ann'), member('ann', 'Member'), NOW)).toThrow(expect.objectContaining({ code: 10017 }));
    expect(() => checkCanSend(g, user('ben'), member('ben', 'Admin'), NOW)).not.toThrow();
    expect(() => checkCanSend(g, user('owner'), member('owner', 'Owner'), NOW)).not.toThrow();
    expect(() => checkCanSend(g, admin, undefined, NOW)).not.toThrow();
  });

  it('lets any member invite into a Work group, only the owner or admins into a Public one, nobody into an AVChatRoom', () => {
    expect(inviteMode(group('Private'), user('ann'), member('ann', 'Member'))).toBe('direct');
    expect(() => inviteMode(group('Public'), user('ann'), member('ann', 'Member'))).toThrow(expect.objectContaining({ code: 10007 }));
    expect(inviteMode(group('Public'), user('ben'), member('ben', 'Admin'))).toBe('direct');
    expect(inviteMode(group('Community'), user('ann'), member('ann', 'Member'))).toBe('direct');
    expect(() => inviteMode(group('AVChatRoom'), admin, undefined)).toThrow(expect.objectContaining({ code: 10007 }));
    expect(() => inviteMode(group('Private'), user('zed'), undefined)).toThrow(expect.objectContaining({ code: 10007 }));
  });

  it('takes invitations by InviteJoinOption: NeedPermission makes a plain member’s wait for approval, DisableInvite refuses the client’s', () => {
    const needs = (type: GroupType): GroupState => ({ ...group(type), profile: { ...group(type).profile, inviteJoinOption: 'NeedPermission' } });
    for (const type of ['Private', 'Public', 'ChatRoom', 'Community'] as const) {
      expect(inviteMode(needs(type), user('ann'), member('ann', 'Member'))).toBe('approval');
      expect(inviteMode(needs(type), user('owner'), member('owner', 'Owner'))).toBe('direct');
      expect(inviteMode(needs(type), admin, undefined)).toBe('direct');
    }
    expect(inviteMode(needs('Public'), user('ben'), member('ben', 'Admin'))).toBe('direct');
    expect(() => inviteMode(needs('Public'), user('zed'), undefined)).toThrow(expect.objectContaining({ code: 10007 }));
    const closed: GroupState = { ...group('Private'), profile: { ...group('Private').profile, inviteJoinOption: 'DisableInvite' } };
    expect(() => inviteMode(closed, user('owner'), member('owner', 'Owner'))).toThrow(expect.objectContaining({ code: 10007 }));
    expect(inviteMode(closed, admin, undefined)).toBe('direct');
  });

  it('lets the owner remove anyone but itself and admins remove plain members only', () => {
    const g = group('Public');
    const owner = member('owner', 'Owner');
    const adminMember = member('ben', 'Admin');
    const plain = member('ann', 'Member');
    expect(() => checkCanRemove(g, user('owner'), owner, adminMember)).not.toThrow();
    expect(() => checkCanRemove(g, user('ben'), adminMember, plain)).not.toThrow();
    expect(() => checkCanRemove(g, user('ben'), adminMember, member('cat', 'Admin'))).toThrow(expect.objectContaining({ code: 10007 }));
    expect(() => checkCanRemove(g, user('ann'), plain, member('dan', 'Member'))).toThrow(expect.objectContaining({ code: 10007 }));
    expect(() => checkCanRemove(g, admin, undefined, owner)).toThrow(expect.objectContaining({ code: 10007 }));
  });

  it('refuses every removal from an AVChatRoom (10004) and @all there', () => {
    expect(() => checkTypeAllowsRemoval(group('AVChatRoom'))).toThrow(expect.objectContaining({ code: 10004 }));
    expect(() => checkTypeAllowsRemoval(group('ChatRoom'))).not.toThrow();
    expect(() => checkAtInfo(group('AVChatRoom'), [{ all: true }])).toThrow(expect.objectContaining({ code: 10004 }));
    expect(() => checkAtInfo(group('AVChatRoom'), [{ userId: 'ann' }])).not.toThrow();
    expect(() => checkAtInfo(group('Public'), [{ all: true }])).not.toThrow();
  });
});

describe('group type policies (spec §5.2)', () => {
  const ok = (f: () => void) => expect(f).not.toThrow();
  const no = (f: () => void, code = 10007) => expect(f).toThrow(expect.objectContaining({ code }));
  const owner = member('owner', 'Owner');
  const adm = member('ben', 'Admin');
  const plain = member('ann', 'Member');

  it('lets any Work member edit the profile, admins in Public and Community groups, only the owner in Meeting and AVChatRoom', () => {
    ok(() => checkCanEditProfile(group('Private'), user('ann'), plain));
    ok(() => checkCanEditProfile(group('Public'), user('ben'), adm));
    no(() => checkCanEditProfile(group('Public'), user('ann'), plain));
    ok(() => checkCanEditProfile(group('Community'), user('ben'), adm));
    no(() => checkCanEditProfile(group('ChatRoom'), user('ben'), adm));
    ok(() => checkCanEditProfile(group('ChatRoom'), user('owner'), owner));
    no(() => checkCanEditProfile(group('AVChatRoom'), user('ben'), adm));
    ok(() => checkCanEditProfile(group('AVChatRoom'), admin, undefined));
    no(() => checkCanEditProfile(group('Public'), user('zed'), undefined));
  });

  it('lets only App admins dismiss a Work group, and owners (and App admins) the other types', () => {
    no(() => checkCanDissolve(group('Private'), user('owner'), owner));
    ok(() => checkCanDissolve(group('Private'), admin, undefined));
    for (const t of ['Public', 'ChatRoom', 'AVChatRoom', 'Community'] as const) {
      ok(() => checkCanDissolve(group(t), user('owner'), owner));
      no(() => checkCanDissolve(group(t), user('ben'), adm));
    }
  });

  it('mutes nobody in a Work group; owners and admins mute whom they outrank; only the owner mutes in an AVChatRoom', () => {
    no(() => checkCanMute(group('Private'), admin, undefined, plain));
    ok(() => checkCanMute(group('Public'), user('ben'), adm, plain));
    no(() => checkCanMute(group('Public'), user('ben'), adm, member('cat', 'Admin')));
    no(() => checkCanMute(group('Public'), user('ann'), plain, member('dan', 'Member')));
    no(() => checkCanMute(group('Public'), user('ben'), adm, owner));
    ok(() => checkCanMute(group('AVChatRoom'), user('owner'), owner, undefined));
    ok(() => checkCanMute(group('Public'), admin, undefined, owner));
  });

  it('appoints admins only where the type has them, by the owner, never changing the owner’s role', () => {
    ok(() => checkCanSetRole(group('Public'), user('owner'), owner, plain));
    no(() => checkCanSetRole(group('Public'), user('ben'), adm, plain));
    no(() => checkCanSetRole(group('Private'), admin, undefined, plain));
    no(() => checkCanSetRole(group('AVChatRoom'), admin, undefined, plain));
    no(() => checkCanSetRole(group('Public'), admin, undefined, owner));
  });

  it('lets a member change their own fields, and others only those they outrank', () => {
    ok(() => checkCanEditMember(group('Public'), user('ann'), plain, plain));
    no(() => checkCanEditMember(group('Public'), user('ann'), plain, member('dan', 'Member')));
    ok(() => checkCanEditMember(group('Public'), user('ben'), adm, plain));
    no(() => checkCanEditMember(group('Public'), user('ben'), adm, owner));
  });

  it('lets the owner or an App admin transfer a group, never in an AVChatRoom', () => {
    ok(() => checkCanChangeOwner(group('Public'), user('owner'), owner));
    no(() => checkCanChangeOwner(group('Public'), user('ben'), adm));
    no(() => checkCanChangeOwner(group('AVChatRoom'), admin, undefined));
  });

  it('kicks by the type’s role: the Work owner only, admins elsewhere, nobody in an AVChatRoom', () => {
    no(() => checkCanRemove(group('Private'), user('ann'), plain, member('dan', 'Member')));
    ok(() => checkCanRemove(group('Private'), user('owner'), owner, plain));
    ok(() => checkCanRemove(group('ChatRoom'), user('ben'), adm, plain));
    no(() => checkCanRemove(group('AVChatRoom'), admin, undefined, plain), 10004);
  });

  it('states the table of spec §5.2 once per type', () => {
    expect(Object.entries(GROUP_POLICY).map(([t, p]) => [t, p.unread, p.history, p.preJoinHistory, p.memberTips, p.needsActivation, p.offlinePush, p.importable])).toEqual([
      ['Private', true, true, false, 'stored', true, true, true],
      ['Public', true, true, false, 'stored', false, true, true],
      ['ChatRoom', false, true, true, 'off', false, false, true],
      ['AVChatRoom', false, false, false, 'live', false, false, false],
      ['Community', true, true, false, 'stored', false, true, true],
    ]);
  });
});

describe('custom fields and mutes', () => {
  it('merges custom fields, deleting keys set to "", within the key and size limits', () => {
    expect(mergeAppData(GROUP_DATA, { a: '1', b: '2' }, { a: '', c: '3' })).toEqual({ b: '2', c: '3' });
    expect(() => mergeAppData(MEMBER_DATA, {}, Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v'])))).toThrow(expect.objectContaining({ code: 10004 }));
    expect(() => mergeAppData(MEMBER_DATA, {}, { k: 'v'.repeat(65) })).toThrow(expect.objectContaining({ code: 10004 }));
    expect(() => mergeAppData(GROUP_DATA, {}, { 'bad key': 'v' })).toThrow(expect.objectContaining({ code: 10004 }));
    // A key named like an Object.prototype member stays a plain key.
    const odd = mergeAppData(GROUP_DATA, {}, Object.fromEntries([['__proto__', 'x']]));
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.keys(odd)).toEqual(['__proto__']);
  });

  it('mutes for a number of seconds, for ever at 4294967295, and unmutes at 0', () => {
    expect(muteUntilOf(60, NOW)).toBe(NOW + 60_000);
    expect(muteUntilOf(0xffffffff, NOW)).toBe(0xffffffff * 1000);
    expect(muteUntilOf(0, NOW)).toBe(0);
  });
});

describe('group creation rules', () => {
  const spec = (o: Partial<CreateGroupSpec> = {}): CreateGroupSpec => ({
    groupId: 'g1',
    requestId: 'r1',
    idWasChosen: true,
    type: 'Public',
    owner: 'owner',
    operator: 'administrator',
    name: 'n',
    introduction: '',
    notification: '',
    faceUrl: '',
    maxMemberCount: 100,
    applyJoinOption: 'FreeAccess',
    appDefinedData: {},
    members: [{ userId: 'ann', role: 'Member', appMemberDefinedData: {} }],
    ...o,
  });

  it('lists the owner first among the initial members, and none for a type without member lists', () => {
    expect(newGroup(spec(), NOW).members.map((m) => [m.userId, m.role])).toEqual([['owner', 'Owner'], ['ann', 'Member']]);
    expect(newGroup(spec({ type: 'AVChatRoom', members: [] }), NOW).members).toEqual([]);
  });

  it('answers a retry of the same request with its group, and refuses a taken id with 10025 only to the owner who chose it', () => {
    const made = groupFromRecord(newGroup(spec(), NOW).record);
    expect(createdBy(made, spec())).toBe(true);
    expect(createdBy(made, spec({ requestId: 'r2' }))).toBe(false);
    expect(idTaken(spec(), 'owner')).toMatchObject({ code: 10025 });
    expect(idTaken(spec(), 'someone else')).toMatchObject({ code: 10021 });
    expect(idTaken(spec({ idWasChosen: false }), 'owner')).toMatchObject({ code: 10021 });
  });

  it('describes the creation in one event with a stable id, keyed by the group stream', () => {
    const { members } = newGroup(spec(), NOW);
    expect(groupCreatedEvent(spec(), members, NOW)).toMatchObject({ id: 'g:g1#created', key: 'g:g1', type: 'group.created', data: { owner: 'owner', members: ['owner', 'ann'] } });
  });
});
