import { describe, expect, it } from 'vitest';
import { decideGroupAdd, decideGroupDelete, groupViews, groupsWith, setFriendGroups } from '../../src/im/sns/friend-groups.ts';

const full = Array.from({ length: 32 }, (_, i) => `g${i}`);

describe('friend groups (spec §3.4, §6.2)', () => {
  it('creates new groups after the existing ones, keeping names that exist, without repeats', () => {
    expect(groupsWith('ann', ['work'], ['pals', 'work', 'pals', 'gym'])).toEqual({ groups: ['work', 'pals', 'gym'], created: ['pals', 'gym'] });
  });

  it('refuses past 32 groups (30011), empty names and names over 30 bytes (30001), and no name at all', () => {
    expect(() => groupsWith('ann', full.slice(0, 31), ['a', 'b'])).toThrow(expect.objectContaining({ code: 30011, info: 'ann would have 33 friend groups, at most 32 are allowed' }));
    expect(groupsWith('ann', full.slice(0, 31), ['a']).groups).toHaveLength(32);
    expect(groupsWith('ann', full, ['g1']).created).toEqual([]);
    expect(() => groupsWith('ann', [], [''])).toThrow(expect.objectContaining({ code: 30001 }));
    expect(() => groupsWith('ann', [], ['x'.repeat(31)])).toThrow(expect.objectContaining({ code: 30001 }));
    expect(groupsWith('ann', [], ['好'.repeat(10)]).created).toHaveLength(1);
    expect(() => groupsWith('ann', [], [])).toThrow(expect.objectContaining({ code: 30001 }));
  });

  it('group_add puts friends into every named group and answers 32216 for a non-friend', () => {
    const o = decideGroupAdd({ owner: 'ann', groups: ['work'], names: ['work', 'pals'], to: [{ account: 'ben', isFriend: true }, { account: 'zed', isFriend: false }] });
    expect(o.groups).toEqual(['work', 'pals']);
    expect(o.created).toEqual(['pals']);
    expect(o.joins).toEqual([{ friend: 'ben', groups: ['work', 'pals'] }]);
    expect(o.items.map((i) => [i.to, i.error?.code])).toEqual([['ben', undefined], ['zed', 32216]]);
    expect(o.items[1].error?.info).toBe('zed is not a friend of ann');
  });

  it('group_add refuses the whole request past the group limit, before looking at friends', () => {
    expect(() => decideGroupAdd({ owner: 'ann', groups: full, names: ['new'], to: [{ account: 'zed', isFriend: false }] })).toThrow(expect.objectContaining({ code: 30011 }));
  });

  it('group_delete removes existing groups only (30001 for an unknown one, deleting nothing)', () => {
    expect(decideGroupDelete('ann', ['a', 'b', 'c'], ['c', 'a'])).toEqual({ groups: ['b'], deleted: ['c', 'a'] });
    expect(() => decideGroupDelete('ann', ['a'], ['a', 'x'])).toThrow(expect.objectContaining({ code: 30001, info: 'ann has no friend group x' }));
  });

  it('sets a friend’s Tag_SNS_IM_Group, creating the new groups within the limit; [] leaves them all', () => {
    expect(setFriendGroups('ann', ['a'], ['b', 'a', 'b'])).toEqual({ friendGroups: ['b', 'a'], groups: ['a', 'b'], created: ['b'] });
    expect(setFriendGroups('ann', ['a'], [])).toEqual({ friendGroups: [], groups: ['a'], created: [] });
    expect(() => setFriendGroups('ann', full, ['new'])).toThrow(expect.objectContaining({ code: 30011 }));
  });

  it('group_get counts each group’s friends, lists them with NeedFriend, and filters by GroupName', () => {
    const membership = new Map([
      ['ben', ['work', 'pals']],
      ['cat', ['pals']],
      ['dan', []],
    ]);
    expect(groupViews(['work', 'pals', 'gym'], membership, undefined, false)).toEqual([
      { name: 'work', friendNumber: 1 },
      { name: 'pals', friendNumber: 2 },
      { name: 'gym', friendNumber: 0 },
    ]);
    expect(groupViews(['work', 'pals', 'gym'], membership, ['pals', 'nope'], true)).toEqual([{ name: 'pals', friendNumber: 2, friends: ['ben', 'cat'] }]);
  });
});
