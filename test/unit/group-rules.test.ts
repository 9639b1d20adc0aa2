import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/im/caller.ts';
import type { CreateGroupSpec } from '../../src/im/actor-api.ts';
import { type GroupState, type Member, emptyMemberProfile, groupFromRecord } from '../../src/im/groups/group-model.ts';
import { createdBy, groupCreatedEvent, idTaken, newGroup } from '../../src/im/groups/new-group.ts';
import { checkAtInfo, checkCanAddMembers, checkCanRemove, checkCanSend, checkTypeAllowsRemoval } from '../../src/im/groups/group-rules.ts';
import type { GroupType, MemberRole } from '../../src/im/groups/group-types.ts';

const NOW = 1_700_000_000_000;
const group = (type: GroupType, muteAll = false, muted: Record<string, number> = {}): GroupState => ({
  groupId: 'g',
  type,
  owner: 'owner',
  createdAt: 0,
  profile: { name: 'g', introduction: '', notification: '', faceUrl: '', maxMemberCount: 100, applyJoinOption: 'FreeAccess', muteAll, appDefinedData: {}, infoSeq: 0, lastInfoTime: 0, lastMsgTime: 0, muted },
});
const member = (userId: string, role: MemberRole): Member => ({ userId, role, joinedAt: 0, joinSeq: 0, profile: emptyMemberProfile() });
const user = (userId: string): Caller => ({ kind: 'user', userId, platform: 'Web' });
const admin: Caller = { kind: 'admin', userId: 'administrator' };

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
    expect(() => checkCanAddMembers(group('Private'), user('ann'), member('ann', 'Member'))).not.toThrow();
    expect(() => checkCanAddMembers(group('Public'), user('ann'), member('ann', 'Member'))).toThrow(expect.objectContaining({ code: 10007 }));
    expect(() => checkCanAddMembers(group('Public'), user('ben'), member('ben', 'Admin'))).not.toThrow();
    expect(() => checkCanAddMembers(group('AVChatRoom'), admin, undefined)).toThrow(expect.objectContaining({ code: 10007 }));
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
