/** AVChatRoom audiences as rules over a group's state: joining, the member limit, leaving, sending, the online count and batched news. */
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../src/protocol/entries.ts';
import type { ParleyEvent } from '../../src/protocol/events.ts';
import { Audience } from '../../src/im/groups/audience.ts';
import { announceAudience, enterAudience, joinGroupOrAudience, leaveAudience, onlineMemberNum, quitGroupOrAudience, senderIn } from '../../src/im/groups/audience-changes.ts';
import type { GroupActorState } from '../../src/im/groups/group-actor-state.ts';
import type { GroupState } from '../../src/im/groups/group-model.ts';
import type { GroupType } from '../../src/im/groups/group-types.ts';
import { checkCanSend } from '../../src/im/groups/group-rules.ts';
import { afterCallbackOf } from '../../src/events/callbacks/payloads.ts';
import { makeEvent } from '../../src/protocol/events.ts';
import { fakeContext } from '../helpers/fake-im.ts';

const NOW = 1_700_000_000_000;
const user = (userId: string) => ({ kind: 'user', userId, platform: 'Web' }) as const;

function state(type: GroupType = 'AVChatRoom', maxMemberCount = 100, owner = 'owner') {
  const group: GroupState = {
    groupId: 'live',
    type,
    owner,
    createdAt: 0,
    profile: { name: 'live', introduction: '', notification: '', faceUrl: '', maxMemberCount, applyJoinOption: 'FreeAccess', muteAll: false, appDefinedData: {}, infoSeq: 0, lastInfoTime: 0, lastMsgTime: 0 },
  };
  const pushed: { entry: Entry; to: string[] }[] = [];
  const emitted: ParleyEvent[] = [];
  let due = 0;
  const audience = new Audience(() => due++);
  const stream = {
    pushOnline: (entry: Entry, to: Iterable<string>) => pushed.push({ entry, to: [...to] }),
    emit: async (events: readonly ParleyEvent[]) => void emitted.push(...events),
  };
  const s = { group, members: new Map(), audience, stream } as unknown as GroupActorState;
  return { s, pushed, emitted, due: () => due };
}

const { ctx: im } = fakeContext({ accounts: [] });

describe('AVChatRoom audiences', () => {
  it('takes a user into the audience once, whoever joins again', async () => {
    const { s } = state();
    expect(await joinGroupOrAudience(im, s, 'ann')).toEqual({ audience: true });
    expect(enterAudience(im, s, 'ann')).toEqual({ audience: true });
    expect(onlineMemberNum(s)).toEqual({ count: 1 });
  });

  it('keeps a seat for the owner: others are refused with 10014 once the rest is taken', () => {
    const { s } = state('AVChatRoom', 3);
    enterAudience(im, s, 'ann');
    enterAudience(im, s, 'bob');
    expect(() => enterAudience(im, s, 'cat')).toThrow(expect.objectContaining({ code: 10014 }));
    enterAudience(im, s, 'owner');
    expect(onlineMemberNum(s)).toEqual({ count: 3 });
  });

  it('lets a user quit (10007 when not in) and forgets one whose last device left, silently when not in', async () => {
    const { s } = state();
    enterAudience(im, s, 'ann');
    await quitGroupOrAudience(im, s, 'ann');
    await expect(quitGroupOrAudience(im, s, 'ann')).rejects.toMatchObject({ code: 10007 });
    enterAudience(im, s, 'bob');
    leaveAudience(s, 'bob', 'offline');
    leaveAudience(s, 'bob', 'offline');
    expect(onlineMemberNum(s)).toEqual({ count: 0 });
  });

  it('answers the online count for AVChatRooms only (10007 otherwise)', () => {
    expect(() => onlineMemberNum(state('Public').s)).toThrow(expect.objectContaining({ code: 10007 }));
  });

  it('lets audience members send, as the owner for the owner, and refuses outsiders and the muted', () => {
    const { s } = state();
    expect(senderIn(s, user('ann'))).toBeUndefined();
    enterAudience(im, s, 'ann');
    enterAudience(im, s, 'owner');
    expect(senderIn(s, user('ann'))?.role).toBe('Member');
    expect(senderIn(s, user('owner'))?.role).toBe('Owner');
    s.group.profile = { ...s.group.profile, muted: { ann: NOW + 60_000 } };
    expect(() => checkCanSend(s.group, user('ann'), senderIn(s, user('ann')), NOW)).toThrow(expect.objectContaining({ code: 10017 }));
    expect(() => checkCanSend(s.group, user('zed'), senderIn(s, user('zed')), NOW)).toThrow(expect.objectContaining({ code: 10007 }));
  });

  it('announces joins and leaves in one batch: a live tip to the audience and an event each, nothing for a join undone within the batch', async () => {
    const { s, pushed, emitted, due } = state();
    enterAudience(im, s, 'ann');
    enterAudience(im, s, 'bob');
    enterAudience(im, s, 'cat');
    leaveAudience(s, 'cat', 'offline');
    expect(due()).toBe(1);
    await announceAudience(im, s);
    expect(emitted.map((e) => [e.type, 'members' in e.data ? e.data.members : []])).toEqual([['group.audience_joined', ['ann', 'bob']]]);
    expect(pushed).toMatchObject([{ entry: { kind: 'tip', tip: 'join', members: ['ann', 'bob'], operator: '' }, to: ['ann', 'bob'] }]);

    leaveAudience(s, 'ann', 'offline');
    await quitGroupOrAudience(im, s, 'bob');
    expect(due()).toBe(2);
    await announceAudience(im, s);
    expect(emitted.slice(1).map((e) => e.data)).toEqual([
      { groupId: 'live', groupType: 'AVChatRoom', members: ['bob'], reason: 'quit' },
      { groupId: 'live', groupType: 'AVChatRoom', members: ['ann'], reason: 'offline' },
    ]);
    expect(s.audience.idle).toBe(true);
  });

  it('reports audience events as Group.CallbackOnMemberStateChange, Online for joins and Offline for leaves', () => {
    const joined = makeEvent('group.audience_joined', 'e1', 'g:live', NOW, { groupId: 'live', groupType: 'AVChatRoom', members: ['ann', 'bob'] });
    const left = makeEvent('group.audience_left', 'e2', 'g:live', NOW, { groupId: 'live', groupType: 'AVChatRoom', members: ['ann'], reason: 'offline' });
    expect(afterCallbackOf(joined)).toEqual({
      command: 'Group.CallbackOnMemberStateChange',
      payload: { GroupId: 'live', EventType: 'Online', MemberList: [{ Member_Account: 'ann' }, { Member_Account: 'bob' }], EventTime: NOW },
      platform: 'Unknown',
    });
    expect(afterCallbackOf(left)?.payload).toMatchObject({ EventType: 'Offline', MemberList: [{ Member_Account: 'ann' }] });
  });
});
