import { describe, expect, it } from 'vitest';
import { GroupRate } from '../../src/im/groups/group-rate.ts';
import { screenBody } from '../../src/im/message-body.ts';
import { WordFilter } from '../../src/im/word-filter.ts';

describe('dirty-word filter', () => {
  const f = new WordFilter(['he', 'she', 'his', 'hers', 'Übel', '😀x']);

  it('finds every listed word in one pass, overlapping ones too, ignoring case', () => {
    expect(f.find('ushers')).toEqual([
      [1, 4],
      [2, 6],
    ]);
    expect(f.test('HIS')).toBe(true);
    expect(f.test('übel')).toBe(true);
    expect(f.test('hi s')).toBe(false);
    expect(new WordFilter([]).test('anything')).toBe(false);
  });

  it('masks each character of each word, keeping the rest and the text’s length', () => {
    expect(f.mask('ushers and his')).toBe('u***** and ***');
    expect(f.mask('a 😀x b')).toBe('a *** b');
    expect(f.mask('clean')).toBe('clean');
  });

  it('screens only text elements: refuses (80001) or masks as configured', () => {
    const body = [
      { MsgType: 'TIMTextElem', MsgContent: { Text: 'she said' } },
      { MsgType: 'TIMCustomElem', MsgContent: { Data: 'she' } },
    ];
    expect(() => screenBody(body, { filter: f, action: 'reject' })).toThrow(expect.objectContaining({ code: 80001 }));
    expect(screenBody(body, { filter: f, action: 'mask' })).toEqual([{ MsgType: 'TIMTextElem', MsgContent: { Text: '*** said' } }, body[1]]);
    expect(screenBody(body, undefined)).toBe(body);
  });

  it('stays linear on a text made to defeat naive matching', () => {
    const g = new WordFilter(['a'.repeat(50) + 'b']);
    const text = 'a'.repeat(200_000);
    expect(g.find(text)).toEqual([]);
    expect(g.find(`${text}b`)).toEqual([[200_000 - 50, 200_001]]);
  });
});

describe('group rate control', () => {
  const T = 1_700_000_000_000;

  it('admits up to the rate per one-second window, lower priorities only the first 80 or 90 %', () => {
    const r = new GroupRate(10);
    const low = Array.from({ length: 10 }, () => r.admit('Low', T + 1));
    expect(low.filter(Boolean)).toHaveLength(8);
    expect(r.admit('Normal', T + 2)).toBe(true);
    expect(r.admit('Normal', T + 3)).toBe(false);
    expect(r.admit('High', T + 4)).toBe(true);
    expect(r.admit('High', T + 5)).toBe(false);
    expect(r.admit('Low', T + 1000)).toBe(true);
  });

  it('lets at least one message a window through at any rate', () => {
    const r = new GroupRate(1);
    expect(r.admit('Lowest', T)).toBe(true);
    expect(r.admit('High', T)).toBe(false);
  });
});
