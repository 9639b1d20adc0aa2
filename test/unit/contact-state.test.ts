/**
 * The conversation groups and marks fold (contact-state.ts) and its rule (change-contacts.ts):
 * folding the notices the rule plans gives the state the rule answered, a notice folded twice
 * changes nothing, deleted groups leave every conversation and their ids are never given again.
 */
import { describe, expect, it } from 'vitest';
import { type ContactChange, MAX_MARKED, planContacts } from '../../src/im/conversations/change-contacts.ts';
import { type ContactGroupsState, type ContactMarkState, type ContactRow, GROUPS_KEY, NO_GROUPS, foldContactNotice, markKey } from '../../src/im/conversations/contact-state.ts';
import type { ContactNotice } from '../../src/protocol/entries.ts';

/** A user's rows, changed only by folding the notices their changes plan, as the inbox does. */
class Rows {
  readonly rows = new Map<string, ContactRow>();
  seq = 0;
  now = 1_000;

  change(c: ContactChange) {
    const groups = (this.rows.get(GROUPS_KEY) as ContactGroupsState | undefined) ?? NO_GROUPS;
    const { notice, outcome } = planContacts({ me: 'me', groups, mark: (id) => this.rows.get(markKey(id)) as ContactMarkState | undefined, marked: this.marks().length, now: this.now++, operator: 'me' }, c);
    if (notice) this.fold(++this.seq, notice);
    return { notice, outcome };
  }

  fold(seq: number, n: ContactNotice): void {
    for (const f of foldContactNotice(seq, n, (k) => this.rows.get(k), () => this.marks())) {
      if (f.next) this.rows.set(f.key, f.next);
      else this.rows.delete(f.key);
    }
  }

  marks(): ContactMarkState[] {
    return [...this.rows.entries()].filter(([k]) => k !== GROUPS_KEY).map(([, v]) => v as ContactMarkState);
  }

  groups(): ContactGroupsState {
    return (this.rows.get(GROUPS_KEY) as ContactGroupsState | undefined) ?? NO_GROUPS;
  }
}

describe('conversation groups and marks', () => {
  it('folds a notice once: the second fold of the same SEQ changes nothing', () => {
    const r = new Rows();
    const { notice } = r.change({ kind: 'mark', items: [{ conversationId: 'c2c_bob', set: [1] }] });
    const before = JSON.stringify([...r.rows]);
    if (notice) r.fold(r.seq, notice);
    expect(JSON.stringify([...r.rows])).toBe(before);
    expect(r.marks()).toEqual([expect.objectContaining({ conversationId: 'c2c_bob', bits: [1], created: 1_000, time: 1_000, seq: 1 })]);
  });

  it('takes every conversation out of a deleted group and forgets the ones left with nothing', () => {
    const r = new Rows();
    r.change({ kind: 'createGroup', name: 'a', conversationIds: ['c2c_bob', 'group_g1'] });
    r.change({ kind: 'createGroup', name: 'b', conversationIds: ['c2c_bob'] });
    r.change({ kind: 'mark', items: [{ conversationId: 'group_g1', custom: 'x' }] });
    const { outcome } = r.change({ kind: 'deleteGroups', names: ['a', 'a'] });
    expect(outcome.groups).toEqual([{ id: 1, name: 'a' }]);
    expect(r.groups().groups).toEqual([{ id: 2, name: 'b' }]);
    expect(r.marks().map((m) => [m.conversationId, m.groupIds, m.custom])).toEqual([
      ['c2c_bob', [2], ''],
      ['group_g1', [], 'x'],
    ]);
    r.change({ kind: 'deleteGroups', names: ['b'] });
    expect(r.marks().map((m) => m.conversationId)).toEqual(['group_g1']);
    // The highest id was deleted: the next group still gets a new one.
    expect(r.change({ kind: 'createGroup', name: 'c', conversationIds: [] }).outcome.groups).toEqual([{ id: 3, name: 'c' }]);
  });

  it('plans nothing for a change that changes nothing', () => {
    const r = new Rows();
    r.change({ kind: 'createGroup', name: 'a', conversationIds: ['c2c_bob'] });
    expect(r.change({ kind: 'groupConversations', name: 'a', items: [{ conversationId: 'c2c_bob', remove: false }] }).notice).toBeUndefined();
    expect(r.change({ kind: 'renameGroup', name: 'a', newName: 'a' }).notice).toBeUndefined();
    expect(r.change({ kind: 'mark', items: [{ conversationId: 'c2c_bob', clear: [5] }] }).notice).toBeUndefined();
  });

  it(`fails alone a conversation past ${MAX_MARKED} marked, counting those the same change unmarks`, () => {
    const r = new Rows();
    r.change({ kind: 'mark', items: Array.from({ length: MAX_MARKED }, (_, i) => ({ conversationId: `c2c_u${i}`, custom: 'm' })) });
    const { outcome } = r.change({
      kind: 'mark',
      items: [
        { conversationId: 'c2c_new1', custom: 'm' },
        { conversationId: 'c2c_u0', custom: '' },
        { conversationId: 'c2c_new2', custom: 'm' },
      ],
    });
    expect(outcome.results.map((x) => x.code)).toEqual([51008, 0, 0]);
    expect(r.marks()).toHaveLength(MAX_MARKED);
    expect(r.marks().some((m) => m.conversationId === 'c2c_new2')).toBe(true);
  });
});
