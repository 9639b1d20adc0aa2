import { platformOf } from '../../src/im/caller.ts';
import { describe, expect, it } from 'vitest';
import { type ParleyEvent, eventOfEntry, makeEvent } from '../../src/protocol/events.ts';
import {
  afterCallbackOf,
  beforeC2CSendPayload,
  beforeCreateGroupPayload,
  beforeGroupSendPayload,
  beforeInvitePayload,
  groupTypeNeeded,
} from '../../src/events/callbacks/payloads.ts';
import type { C2CChangeNotice, C2CMessage, GroupMessage } from '../../src/protocol/entries.ts';

const body = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }];
const TIME = 1_700_000_123_456;
const c2c: C2CMessage = { kind: 'c2c', from: 'alice', to: 'bob', time: TIME, msgKey: '77_9_1700000123', msgSeq: 77, random: 9, body, flags: 0 };
const group: GroupMessage = { kind: 'group', groupId: '@TGS#2AAAAAAAA', from: 'alice', time: TIME, random: 5, body, cloudCustomData: 'cc', priority: 'Normal', flags: 0 };
const admin = { kind: 'admin', userId: 'administrator' } as const;
const phone = { kind: 'user', userId: 'alice', platform: 'iOS' } as const;

describe('callback payloads (spec §7.3)', () => {
  it('names the caller platform RESTAPI for REST and the device platform for clients', () => {
    expect(platformOf(admin)).toBe('RESTAPI');
    expect(platformOf(phone)).toBe('iOS');
  });

  it('builds C2C.CallbackBeforeSendMsg with MsgTime in seconds and an empty CloudCustomData when none was sent', () => {
    expect(beforeC2CSendPayload({ caller: admin, message: c2c, onlineOnly: true })).toEqual({
      From_Account: 'alice',
      To_Account: 'bob',
      MsgSeq: 77,
      MsgRandom: 9,
      MsgTime: 1_700_000_123,
      MsgKey: '77_9_1700000123',
      OnlineOnlyFlag: 1,
      MsgBody: body,
      CloudCustomData: '',
    });
  });

  it('builds Group.CallbackBeforeSendMsg with the caller as operator and EventTime in ms', () => {
    expect(beforeGroupSendPayload({ caller: admin, groupType: 'Public', message: group, onlineOnly: false }, TIME)).toEqual({
      GroupId: '@TGS#2AAAAAAAA',
      Type: 'Public',
      From_Account: 'alice',
      Operator_Account: 'administrator',
      Random: 5,
      OnlineOnlyFlag: 0,
      MsgBody: body,
      CloudCustomData: 'cc',
      EventTime: TIME,
    });
  });

  it('lists group members as Member_Account objects in create and invite callbacks', () => {
    expect(beforeCreateGroupPayload({ caller: phone, groupType: 'Private', owner: 'alice', name: 'n', members: ['bob', 'carol'] }, TIME)).toEqual({
      Operator_Account: 'alice',
      Owner_Account: 'alice',
      Type: 'Private',
      Name: 'n',
      MemberList: [{ Member_Account: 'bob' }, { Member_Account: 'carol' }],
      EventTime: TIME,
    });
    expect(beforeInvitePayload({ caller: admin, groupId: 'g1', groupType: 'Public', members: ['dave'] }, TIME)).toEqual({
      GroupId: 'g1',
      Type: 'Public',
      Operator_Account: 'administrator',
      DestinationMembers: [{ Member_Account: 'dave' }],
      EventTime: TIME,
    });
  });

  it('maps a C2C message event to C2C.CallbackAfterSendMsg with the send result fields', () => {
    const cb = afterCallbackOf(makeEvent('c2c.message', 'u:bob#3', 'u:bob', TIME, { seq: 3, message: c2c }));
    expect(cb).toEqual({
      command: 'C2C.CallbackAfterSendMsg',
      platform: 'Unknown',
      clientIp: '',
      payload: {
        From_Account: 'alice',
        To_Account: 'bob',
        MsgSeq: 77,
        MsgRandom: 9,
        MsgTime: 1_700_000_123,
        MsgKey: '77_9_1700000123',
        OnlineOnlyFlag: 0,
        MsgBody: body,
        CloudCustomData: '',
        SendMsgResult: 0,
        ErrorInfo: 'send msg succeed',
        UnreadMsgNum: -1,
      },
    });
  });

  it('reports where a message was sent from: OptPlatform RESTAPI or the device, and the caller’s ClientIP', () => {
    const rest = afterCallbackOf(makeEvent('c2c.message', 'u:bob#4', 'u:bob', TIME, { seq: 4, message: { ...c2c, origin: { platform: 'RESTAPI', clientIp: '10.1.2.3' } } }));
    expect(rest).toMatchObject({ command: 'C2C.CallbackAfterSendMsg', platform: 'RESTAPI', clientIp: '10.1.2.3' });
    const fromPhone = { ...group, origin: { platform: 'iOS', clientIp: '10.9.9.9' } };
    expect(afterCallbackOf(makeEvent('group.message', 'g:x#5', 'g:@TGS#2AAAAAAAA', TIME, { seq: 5, message: fromPhone }), 'Public')).toMatchObject({ platform: 'iOS', clientIp: '10.9.9.9' });
  });

  it('maps a group message event to Group.CallbackAfterSendMsg with its group SEQ and the looked-up type', () => {
    const ev = makeEvent('group.message', 'g:x#4', 'g:@TGS#2AAAAAAAA', TIME, { seq: 4, message: group });
    expect(groupTypeNeeded(ev)).toBe('@TGS#2AAAAAAAA');
    expect(afterCallbackOf(ev, 'Public')?.payload).toEqual({
      GroupId: '@TGS#2AAAAAAAA',
      Type: 'Public',
      From_Account: 'alice',
      Operator_Account: 'alice',
      Random: 5,
      OnlineOnlyFlag: 0,
      MsgBody: body,
      CloudCustomData: 'cc',
      MsgSeq: 4,
      MsgTime: 1_700_000_123,
      EventTime: TIME,
    });
  });

  it('maps a C2C recall, from the receiver’s inbox only, to C2C.CallbackAfterMsgWithDraw; a modification has none', () => {
    const notice: C2CChangeNotice = { kind: 'c2c.change', change: 'recall', from: 'alice', to: 'bob', msgKey: c2c.msgKey, seq: 3, operator: 'alice', time: TIME, origin: { platform: 'iOS', clientIp: '10.0.0.9' } };
    expect(eventOfEntry('u:alice', 8, notice)).toBeUndefined();
    const recalled = eventOfEntry('u:bob', 9, notice);
    expect(recalled).toMatchObject({ type: 'c2c.msg_recalled', id: 'u:bob#9', key: 'u:bob', data: { seq: 9, msgSeq: 3, msgKey: c2c.msgKey, operator: 'alice' } });
    expect(afterCallbackOf(recalled as ParleyEvent)).toEqual({
      command: 'C2C.CallbackAfterMsgWithDraw',
      payload: { From_Account: 'alice', To_Account: 'bob', MsgKey: c2c.msgKey, UnreadMsgNum: -1, EventTime: TIME },
      platform: 'iOS',
      clientIp: '10.0.0.9',
    });
    const modified = eventOfEntry('u:bob', 10, { ...notice, change: 'modify', body, cloudCustomData: 'v2' });
    expect(modified).toMatchObject({ type: 'c2c.msg_modified', data: { body, cloudCustomData: 'v2' } });
    expect(afterCallbackOf(modified as ParleyEvent)).toBeUndefined();
  });

  it('has no after-callback for messages sent with ForbidAfterSendMsgCallback, nor for account imports', () => {
    expect(afterCallbackOf(makeEvent('c2c.message', 'a', 'u:bob', TIME, { seq: 1, message: { ...c2c, noAfterCallback: true } }))).toBeUndefined();
    expect(afterCallbackOf(makeEvent('group.message', 'b', 'g:g', TIME, { seq: 1, message: { ...group, noAfterCallback: true } }))).toBeUndefined();
    expect(afterCallbackOf(makeEvent('account.imported', 'c', 'u:x', TIME, { userIds: ['x'] }))).toBeUndefined();
  });

  it('maps group creation to Group.CallbackAfterCreateGroup, listing members besides the owner and the app-defined data', () => {
    const ev = makeEvent('group.created', 'g:g1#created', 'g:g1', TIME, {
      groupId: 'g1',
      groupType: 'Public',
      owner: 'alice',
      operator: 'administrator',
      name: 'team',
      members: ['alice', 'bob'],
      appDefinedData: { level: '3' },
    });
    expect(afterCallbackOf(ev)?.payload).toEqual({
      GroupId: 'g1',
      Operator_Account: 'administrator',
      Owner_Account: 'alice',
      Type: 'Public',
      Name: 'team',
      MemberList: [{ Member_Account: 'bob' }],
      UserDefinedDataList: [{ Key: 'level', Value: '3' }],
      EventTime: TIME,
    });
  });

  it('maps joins to AfterNewMemberJoin (Invited, or Apply for a user who joined by themself) and departures to AfterMemberExit (Kicked or Quit)', () => {
    const member = { groupId: 'g1', groupType: 'Private', seq: 2, operator: 'alice', members: ['bob'] };
    expect(afterCallbackOf(makeEvent('group.member_joined', 'j', 'g:g1', TIME, member))).toEqual({
      command: 'Group.CallbackAfterNewMemberJoin',
      platform: 'Unknown',
      payload: { GroupId: 'g1', Type: 'Private', JoinType: 'Invited', Operator_Account: 'alice', NewMemberList: [{ Member_Account: 'bob' }], EventTime: TIME },
    });
    expect(afterCallbackOf(makeEvent('group.member_joined', 'a', 'g:g1', TIME, { ...member, operator: 'bob' }))?.payload).toMatchObject({ JoinType: 'Apply', Operator_Account: 'bob' });
    expect(afterCallbackOf(makeEvent('group.member_left', 'k', 'g:g1', TIME, { ...member, reason: 'kicked' }))?.payload).toMatchObject({ ExitType: 'Kicked', ExitMemberList: [{ Member_Account: 'bob' }] });
    expect(afterCallbackOf(makeEvent('group.member_left', 'q', 'g:g1', TIME, { ...member, reason: 'quit' }))?.payload).toMatchObject({ ExitType: 'Quit' });
  });

  it('looks up the group type of a tip event that does not carry one', () => {
    const ev = makeEvent('group.member_joined', 'j', 'g:g1', TIME, { groupId: 'g1', groupType: '', seq: 0, operator: 'a', members: ['b'] });
    expect(groupTypeNeeded(ev)).toBe('g1');
    expect(afterCallbackOf(ev, 'AVChatRoom')?.payload).toMatchObject({ Type: 'AVChatRoom' });
  });

  it('maps profile changes, recalls and dismissal to their callbacks, and changes Tencent does not report to none', () => {
    const base = { groupId: 'g1', groupType: 'Public', seq: 4, operator: 'alice' };
    const info = (changes: Record<string, unknown>) => afterCallbackOf(makeEvent('group.info_changed', 'i', 'g:g1', TIME, { ...base, changes }));
    expect(info({ muteAll: true, applyJoinOption: 'FreeAccess' })).toBeUndefined();
    expect(info({ faceUrl: 'http://f', muteAll: true })).toEqual({
      command: 'Group.CallbackAfterGroupInfoChanged',
      platform: 'Unknown',
      payload: { GroupId: 'g1', Type: 'Public', Operator_Account: 'alice', FaceUrl: 'http://f', EventTime: TIME },
    });
    expect(afterCallbackOf(makeEvent('group.msg_recalled', 'r', 'g:g1', TIME, { ...base, seqs: [2, 3] }))?.payload).toEqual({
      Operator_Account: 'alice', Type: 'Public', GroupId: 'g1', MsgSeqList: [{ MsgSeq: 2 }, { MsgSeq: 3 }], TopicId: '', EventTime: TIME,
    });
    const destroyed = { groupId: 'g1', groupType: 'Community', owner: 'alice', operator: 'alice', name: 'n', members: ['alice', 'bob'] };
    expect(afterCallbackOf(makeEvent('group.destroyed', 'd', 'g:g1', TIME, destroyed))?.payload).not.toHaveProperty('MemberList');
    expect(afterCallbackOf(makeEvent('group.destroyed', 'd', 'g:g1', TIME, { ...destroyed, groupType: 'Public' }))?.payload).toMatchObject({ MemberList: [{ Member_Account: 'alice' }, { Member_Account: 'bob' }] });
    expect(afterCallbackOf(makeEvent('group.owner_changed', 'o', 'g:g1', TIME, { ...base, owner: 'bob', previous: 'alice' }))).toBeUndefined();
  });

  it('maps state changes to State.StateChange with Tencent reasons and the upper-case IOS platform', () => {
    const login = afterCallbackOf(makeEvent('state.changed', 's', 'u:alice', TIME, { userId: 'alice', action: 'Login', reason: 'Register', platform: 'iOS' }));
    expect(login).toEqual({ command: 'State.StateChange', platform: 'IOS', payload: { EventTime: TIME, Info: { Action: 'Login', To_Account: 'alice', Reason: 'Register' } } });
    const kicked = afterCallbackOf(makeEvent('state.changed', 't', 'u:alice', TIME, { userId: 'alice', action: 'Disconnect', reason: 'Kicked', platform: 'Web' }));
    expect(kicked).toMatchObject({ platform: 'Web', payload: { Info: { Action: 'Disconnect', Reason: 'Unregister' } } });
  });
});
