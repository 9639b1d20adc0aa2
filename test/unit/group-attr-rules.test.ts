/** Group attribute rules: changes within Tencent's limits, the write rate, and the order kept. */
import { describe, expect, it } from 'vitest';
import { ATTR_LIMITS, admitAttrWrite, applyAttrChange, attrMap } from '../../src/im/groups/group-attr-rules.ts';

const refuses = (f: () => unknown, code: number) => expect(f).toThrow(expect.objectContaining({ code }));

describe('group attribute changes', () => {
  it('modifies in place and appends new keys, sets everything anew, deletes and clears', () => {
    const one = applyAttrChange('g', [], { kind: 'modify', attrs: [['a', '1'], ['b', '2']] });
    expect(applyAttrChange('g', one, { kind: 'modify', attrs: [['c', '3'], ['a', 'x'], ['c', '4']] })).toEqual([['a', 'x'], ['b', '2'], ['c', '4']]);
    expect(applyAttrChange('g', one, { kind: 'set', attrs: [['z', '']] })).toEqual([['z', '']]);
    expect(applyAttrChange('g', one, { kind: 'delete', keys: ['a'] })).toEqual([['b', '2']]);
    expect(applyAttrChange('g', one, { kind: 'clear' })).toEqual([]);
  });

  it('takes any key as a key, __proto__ included', () => {
    const out = applyAttrChange('g', [], { kind: 'modify', attrs: [['__proto__', 'p'], ['constructor', 'c']] });
    expect(out).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
    const map = attrMap(out);
    expect(Object.hasOwn(map, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
  });

  it('refuses keys over 32 bytes (10045), values over 4000 (10046), a 17th key (10047), over 16000 bytes (10048), a missing key (10050), an empty key (10004)', () => {
    const full = Array.from({ length: ATTR_LIMITS.keys }, (_, i) => [`k${i}`, 'v'] as const);
    refuses(() => applyAttrChange('g', [], { kind: 'modify', attrs: [['k'.repeat(33), 'v']] }), 10045);
    expect(applyAttrChange('g', [], { kind: 'modify', attrs: [['é'.repeat(16), 'v']] })).toHaveLength(1);
    refuses(() => applyAttrChange('g', [], { kind: 'modify', attrs: [['é'.repeat(17), 'v']] }), 10045);
    refuses(() => applyAttrChange('g', [], { kind: 'modify', attrs: [['k', 'v'.repeat(4001)]] }), 10046);
    refuses(() => applyAttrChange('g', full, { kind: 'modify', attrs: [['one-more', 'v']] }), 10047);
    expect(applyAttrChange('g', full, { kind: 'modify', attrs: [['k0', 'w']] })).toHaveLength(16);
    const big = Array.from({ length: 4 }, (_, i) => [`k${i}`, 'v'.repeat(3990)] as const); // 4 × (2 + 3990) = 15968 bytes
    expect(applyAttrChange('g', [], { kind: 'set', attrs: big })).toHaveLength(4);
    refuses(() => applyAttrChange('g', big, { kind: 'modify', attrs: [['k4', 'v'.repeat(31)]] }), 10048);
    expect(applyAttrChange('g', big, { kind: 'modify', attrs: [['k4', 'v'.repeat(30)]] })).toHaveLength(5);
    refuses(() => applyAttrChange('g', full, { kind: 'delete', keys: ['k0', 'nope'] }), 10050);
    refuses(() => applyAttrChange('g', [], { kind: 'modify', attrs: [['', 'v']] }), 10004);
  });
});

describe('the group attribute write rate', () => {
  it('admits `rate` writes within a second and refuses the next (10049), then admits again once the second has passed', () => {
    let writes: number[] = [];
    for (let i = 0; i < 5; i++) writes = admitAttrWrite('g', writes, 1000 + i, 5);
    refuses(() => admitAttrWrite('g', writes, 1500, 5), 10049);
    expect(admitAttrWrite('g', writes, 2001, 5)).toEqual([1002, 1003, 1004, 2001]);
  });
});
