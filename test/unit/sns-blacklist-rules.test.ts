import { describe, expect, it } from 'vitest';
import { BLACKLIST_EXISTS_INFO, type BlacklistTarget, checkBlackRelation, decideBlacklistAdd, decideBlacklistDelete } from '../../src/im/sns/blacklist-rules.ts';
import { SNS_LIMITS } from '../../src/im/sns/friend-rules.ts';

const target = (to: string, over: Partial<BlacklistTarget> = {}): BlacklistTarget => ({ to, listed: false, aHasB: false, bHasA: false, pendingAToB: false, pendingBToA: false, ...over });

describe('black_list_add (spec §3.4, §6.3)', () => {
  it('adds each new account, ending the friendship both ways and the pending requests between them', () => {
    const o = decideBlacklistAdd('ann', 0, [target('ben', { aHasB: true, bHasA: true, pendingAToB: true, pendingBToA: true }), target('cat', { bHasA: true })]);
    expect(o).toEqual({
      items: [{ to: 'ben' }, { to: 'cat' }],
      added: ['ben', 'cat'],
      unlink: [{ owner: 'ann', friend: 'ben' }, { owner: 'ben', friend: 'ann' }, { owner: 'cat', friend: 'ann' }],
      dropPending: [{ from: 'ann', to: 'ben' }, { from: 'ben', to: 'ann' }],
    });
  });

  it('answers 30001 Err_SNS_BlackListAdd_Already_Exist per item for one already listed (or named twice), touching nothing of it', () => {
    const o = decideBlacklistAdd('ann', 1, [target('ben', { listed: true, aHasB: true }), target('cat'), target('cat', { aHasB: true })]);
    expect(o.items.map((i) => [i.to, i.error?.code, i.error?.info])).toEqual([
      ['ben', 30001, BLACKLIST_EXISTS_INFO],
      ['cat', undefined, undefined],
      ['cat', 30001, 'Err_SNS_BlackListAdd_Already_Exist'],
    ]);
    expect(o.added).toEqual(['cat']);
    expect(o.unlink).toEqual([]);
  });

  it('refuses to blacklist oneself (30001)', () => {
    expect(decideBlacklistAdd('ann', 0, [target('ann')]).items[0].error).toMatchObject({ code: 30001 });
  });

  it('refuses the whole request past 1000 entries (30013), but not for items that add nothing', () => {
    expect(() => decideBlacklistAdd('ann', 999, [target('ben'), target('cat')])).toThrow(expect.objectContaining({ code: 30013, info: 'ann would have 1001 accounts in the blacklist, at most 1000 are allowed' }));
    expect(decideBlacklistAdd('ann', 999, [target('ben')]).added).toEqual(['ben']);
    expect(decideBlacklistAdd('ann', 1000, [target('ben', { listed: true })]).added).toEqual([]);
    expect(() => decideBlacklistAdd('ann', 1, [target('ben')], { ...SNS_LIMITS, blacklist: 1 })).toThrow(expect.objectContaining({ code: 30013 }));
  });
});

describe('black_list_delete and black_list_check (spec §3.4, §6.3)', () => {
  it('removes listed accounts and answers 30001 per item for the others', () => {
    const o = decideBlacklistDelete('ann', [{ to: 'ben', listed: true }, { to: 'cat', listed: false }, { to: 'ben', listed: true }]);
    expect(o.removed).toEqual(['ben']);
    expect(o.items.map((i) => i.error?.code)).toEqual([undefined, 30001, 30001]);
    expect(o.items[1].error?.info).toBe('cat is not in the blacklist of ann');
  });

  it('reports BlackCheckResult_Type_* relations: Single looks at A’s blacklist only, Both looks both ways', () => {
    expect(checkBlackRelation(true, true, 'BlackCheckResult_Type_Single')).toBe('BlackCheckResult_Type_AWithB');
    expect(checkBlackRelation(false, true, 'BlackCheckResult_Type_Single')).toBe('BlackCheckResult_Type_NO');
    expect(checkBlackRelation(true, true, 'BlackCheckResult_Type_Both')).toBe('BlackCheckResult_Type_BothWay');
    expect(checkBlackRelation(true, false, 'BlackCheckResult_Type_Both')).toBe('BlackCheckResult_Type_AWithB');
    expect(checkBlackRelation(false, true, 'BlackCheckResult_Type_Both')).toBe('BlackCheckResult_Type_BWithA');
    expect(checkBlackRelation(false, false, 'BlackCheckResult_Type_Both')).toBe('BlackCheckResult_Type_NO');
  });
});
