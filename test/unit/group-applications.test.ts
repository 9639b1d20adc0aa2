/** Rules of applications to join a group that needs approval: who applies, who decides, how an application reads, and its join event. */
import { describe, expect, it } from 'vitest';
import { afterCallbackOf } from '../../src/events/callbacks/payloads.ts';
import { applicationView, checkApplicationMessage, checkCanApply, checkCanDecide, checkDecidable, managersOf, needsApproval } from '../../src/im/groups/application-rules.ts';
import { type ApplyJoinOption, type GroupState } from '../../src/im/groups/group-model.ts';
import type { GroupType } from '../../src/im/groups/group-types.ts';
import { eventOfEntry } from '../../src/protocol/events.ts';
import type { GroupApplicationRecord } from '../../storage/store.ts';
import { groupOf, memberOf, userCaller } from '../helpers/group-state.ts';

const group = (type: GroupType, applyJoinOption: ApplyJoinOption = 'NeedPermission', maxMemberCount = 100): GroupState => groupOf(type, { applyJoinOption, maxMemberCount });
const member = memberOf;
const user = userCaller;
const no = (f: () => unknown, code = 10007) => expect(f).toThrow(expect.objectContaining({ code }));
const pending: GroupApplicationRecord = { groupId: 'g', groupType: 'Public', applicant: 'zed', inviter: '', message: 'let me in', time: 100, state: 'pending', handler: '', handledMessage: '', handledAt: 0 };

describe('applying to join', () => {
  it('takes applications only in a NeedPermission group of a type that needs approval', () => {
    expect(needsApproval(group('Public'))).toBe(true);
    for (const g of [group('Public', 'FreeAccess'), group('Public', 'DisableApply'), group('ChatRoom'), group('Community'), group('Private'), group('AVChatRoom')]) {
      expect({ type: g.type, option: g.profile.applyJoinOption, needs: needsApproval(g) }).toMatchObject({ needs: false });
    }
  });

  it('refuses a member with 10013, a full group with 10014, and a group that takes no applications with 10007', () => {
    expect(() => checkCanApply(group('Public'), 'zed', undefined, 3)).not.toThrow();
    no(() => checkCanApply(group('Public'), 'ann', member('ann', 'Member'), 3), 10013);
    no(() => checkCanApply(group('Public', 'NeedPermission', 3), 'zed', undefined, 3), 10014);
    no(() => checkCanApply(group('Public', 'DisableApply'), 'zed', undefined, 3));
  });

  it('refuses a message over 1024 bytes with 10004', () => {
    expect(() => checkApplicationMessage('é'.repeat(512))).not.toThrow();
    no(() => checkApplicationMessage('é'.repeat(513)), 10004);
  });

  it('tells the owner and the admins, not the plain members', () => {
    expect(managersOf(group('Public'), [member('owner', 'Owner'), member('ann', 'Admin'), member('bob', 'Member')])).toEqual(['owner', 'ann']);
    expect(managersOf({ ...group('Public'), owner: '' }, [member('ann', 'Admin')])).toEqual(['ann']);
  });
});

describe('deciding an application', () => {
  it('lets the owner, an admin or an App admin decide; a plain member and an outsider get 10007', () => {
    const g = group('Public');
    expect(() => checkCanDecide(g, user('owner'), member('owner', 'Owner'))).not.toThrow();
    expect(() => checkCanDecide(g, user('ann'), member('ann', 'Admin'))).not.toThrow();
    expect(() => checkCanDecide(g, { kind: 'admin', userId: 'administrator' }, undefined)).not.toThrow();
    no(() => checkCanDecide(g, user('bob'), member('bob', 'Member')));
    no(() => checkCanDecide(g, user('zed'), undefined));
  });

  it('answers 10024 for an application already decided and 10004 where there is none', () => {
    expect(checkDecidable(group('Public'), 'zed', pending)).toBe(pending);
    no(() => checkDecidable(group('Public'), 'zed', { ...pending, state: 'refused', handler: 'owner', handledAt: 200 }), 10024);
    no(() => checkDecidable(group('Public'), 'zed', undefined), 10004);
  });
});

describe('an application as a user sees it', () => {
  it('reads with Tencent’s fields: pending for everyone, then decided by self (2) or by another (1), sent for the applicant', () => {
    const profile = { userId: 'zed', nick: 'Zed', faceUrl: 'http://f', createdAt: 0, sigNotBefore: 0, c2cMutedUntil: 0, groupMutedUntil: 0 };
    expect(applicationView(pending, 'owner', profile)).toEqual({
      groupId: 'g', groupType: 'Public', applicant: 'zed', fromUser: 'zed', fromUserNickName: 'Zed', fromUserFaceUrl: 'http://f', toUser: '', addTime: 100,
      requestMsg: 'let me in', handledMsg: '', type: 0, handleStatus: 0, handleResult: 0, handler: '', handledAt: 0, sent: false,
    });
    const accepted = { ...pending, state: 'accepted', handler: 'ann', handledMessage: 'welcome', handledAt: 200 } as const;
    expect(applicationView(accepted, 'ann', undefined)).toMatchObject({ handleStatus: 2, handleResult: 1, handledMsg: 'welcome', fromUserNickName: '' });
    expect(applicationView(accepted, 'owner', undefined)).toMatchObject({ handleStatus: 1, handleResult: 1 });
    expect(applicationView({ ...accepted, state: 'refused' }, 'zed', undefined)).toMatchObject({ handleStatus: 1, handleResult: 0, sent: true });
  });

  it('shows an invitation awaiting approval as type 2 from the inviter to the invitee, sent by the inviter', () => {
    const invitation = { ...pending, inviter: 'ann', message: '' };
    expect(applicationView(invitation, 'owner', { userId: 'ann', nick: 'Ann', faceUrl: '', createdAt: 0, sigNotBefore: 0, c2cMutedUntil: 0, groupMutedUntil: 0 })).toMatchObject({
      applicant: 'zed', fromUser: 'ann', fromUserNickName: 'Ann', toUser: 'zed', type: 2, handleStatus: 0, sent: false,
    });
    expect(applicationView(invitation, 'ann', undefined)).toMatchObject({ sent: true });
    expect(applicationView(invitation, 'zed', undefined)).toMatchObject({ sent: false });
  });
});

describe('the join of an accepted applicant', () => {
  it('reports JoinType Apply with the approver as operator; an invitation of one user stays Invited', () => {
    const tip = { kind: 'tip', tip: 'join', groupId: 'g', operator: 'ann', members: ['zed'], time: 5000 } as const;
    const accepted = eventOfEntry('g:g', 7, { ...tip, joinType: 'Apply' }, 'Public');
    expect(accepted && afterCallbackOf(accepted)?.payload).toMatchObject({ JoinType: 'Apply', Operator_Account: 'ann', NewMemberList: [{ Member_Account: 'zed' }] });
    const invited = eventOfEntry('g:g', 8, tip, 'Public');
    expect(invited && afterCallbackOf(invited)?.payload).toMatchObject({ JoinType: 'Invited', Operator_Account: 'ann' });
  });
});
