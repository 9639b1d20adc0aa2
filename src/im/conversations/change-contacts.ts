/**
 * The rule of a change to a user's conversation groups or marks, applied by their inbox actor (one
 * change at a time per user, so the limits hold): the `contact` notice it appends (contact-state.ts
 * folds it), or none when nothing would change, and the answer per conversation. A conversation that
 * cannot be grouped or marked (past the limit) fails alone; a request that cannot be applied at all
 * (an unknown group, a bad name) fails whole and writes nothing.
 */
import type { ContactGroupItem, ContactMarkItem, ContactNotice } from '../../protocol/entries.ts';
import { errors as catalogue, imError } from '../../protocol/errors.ts';
import { type ContactGroupsState, type ContactMarkState, isMarked } from './contact-state.ts';

/** Tencent's limits: conversation groups per user, a group name's bytes, conversations marked or grouped per user. */
export const MAX_CONTACT_GROUPS = 20;
export const MAX_GROUP_NAME_BYTES = 32;
export const MAX_MARKED = 1000;
/** Standard mark bits: 0–31 Tencent's own (star, unread, fold, hide…), 32–63 the app's. */
export const MARK_BITS = 64;

export interface MarkChange {
  readonly conversationId: string;
  readonly set?: readonly number[];
  readonly clear?: readonly number[];
  /** The custom mark to set ('' clears it); absent leaves it. */
  readonly custom?: string;
}

export type ContactChange =
  | { readonly kind: 'createGroup'; readonly name: string; readonly conversationIds: readonly string[] }
  | { readonly kind: 'deleteGroups'; readonly names: readonly string[] }
  | { readonly kind: 'renameGroup'; readonly name: string; readonly newName: string }
  /** Adds conversations to a group, or takes them out (`remove`), in the order given. */
  | { readonly kind: 'groupConversations'; readonly name: string; readonly items: readonly { readonly conversationId: string; readonly remove: boolean }[] }
  | { readonly kind: 'mark'; readonly items: readonly MarkChange[] };

export interface ContactResult {
  readonly conversationId: string;
  readonly code: number;
  readonly info: string;
}

export interface ContactChangeOutcome {
  /** The group created, renamed or changed; for a deletion, the groups deleted. */
  readonly groups: readonly ContactGroupItem[];
  /** Per conversation of the change, in its order. */
  readonly results: readonly ContactResult[];
}

/** What the inbox gives the rule. */
export interface ContactSide {
  readonly me: string;
  readonly groups: ContactGroupsState;
  readonly mark: (conversationId: string) => ContactMarkState | undefined;
  /** How many conversations are marked or grouped now. */
  readonly marked: number;
  readonly now: number;
  readonly operator: string;
}

const OK = (conversationId: string): ContactResult => ({ conversationId, code: 0, info: '' });

/** The notice a change appends (none when nothing changes), with the answer to give once it is stored. */
export function planContacts(side: ContactSide, c: ContactChange): { notice?: ContactNotice; outcome: ContactChangeOutcome } {
  const base = { kind: 'contact' as const, time: side.now, operator: side.operator };
  switch (c.kind) {
    case 'createGroup': {
      checkName(c.name);
      if (side.groups.groups.some((g) => g.name === c.name)) throw imError('ContactInvalidParam', { detail: `a conversation group named ${JSON.stringify(c.name)} exists already` });
      if (side.groups.groups.length >= MAX_CONTACT_GROUPS) throw imError('ContactGroupLimit', { userId: side.me, max: MAX_CONTACT_GROUPS });
      const group = { id: side.groups.nextId, name: c.name };
      const edit = new MarkEdit(side);
      const results = c.conversationIds.map((id) => edit.apply(id, (m) => ({ ...m, groupIds: withId(m.groupIds, group.id) })));
      return { notice: { ...base, groups: [...side.groups.groups, group], ...edit.marks() }, outcome: { groups: [group], results } };
    }
    case 'deleteGroups': {
      const gone = [...new Map(c.names.map((name) => groupNamed(side, name)).map((g) => [g.id, g])).values()];
      const ids = new Set(gone.map((g) => g.id));
      if (ids.size === 0) return { outcome: { groups: [], results: [] } };
      return { notice: { ...base, groups: side.groups.groups.filter((g) => !ids.has(g.id)), deletedGroups: [...ids] }, outcome: { groups: gone, results: [] } };
    }
    case 'renameGroup': {
      const group = groupNamed(side, c.name);
      checkName(c.newName);
      if (c.newName === c.name) return { outcome: { groups: [group], results: [] } };
      if (side.groups.groups.some((g) => g.name === c.newName)) throw imError('ContactInvalidParam', { detail: `a conversation group named ${JSON.stringify(c.newName)} exists already` });
      const renamed = { id: group.id, name: c.newName };
      return { notice: { ...base, groups: side.groups.groups.map((g) => (g.id === group.id ? renamed : g)) }, outcome: { groups: [renamed], results: [] } };
    }
    case 'groupConversations': {
      const group = groupNamed(side, c.name);
      const edit = new MarkEdit(side);
      const results = c.items.map((i) => edit.apply(i.conversationId, (m) => ({ ...m, groupIds: i.remove ? m.groupIds.filter((id) => id !== group.id) : withId(m.groupIds, group.id) })));
      return { ...edit.notice(base), outcome: { groups: [group], results } };
    }
    case 'mark': {
      const edit = new MarkEdit(side);
      const results = c.items.map((i) => edit.apply(i.conversationId, (m) => markedWith(m, i)));
      return { ...edit.notice(base), outcome: { groups: [], results } };
    }
  }
}

/** The marks a change makes, conversation by conversation, holding the user to MAX_MARKED. */
class MarkEdit {
  readonly #side: ContactSide;
  readonly #changed = new Map<string, ContactMarkItem>();
  #marked: number;

  constructor(side: ContactSide) {
    this.#side = side;
    this.#marked = side.marked;
  }

  apply(conversationId: string, change: (m: ContactMarkItem) => ContactMarkItem): ContactResult {
    const before = this.#current(conversationId);
    const after = change(before);
    const wasMarked = isMarked(before);
    const nowMarked = isMarked(after);
    if (!wasMarked && nowMarked && this.#marked >= MAX_MARKED) {
      return { conversationId, code: catalogue.ContactMarkedLimit.code, info: imError('ContactMarkedLimit', { userId: this.#side.me, max: MAX_MARKED }).info };
    }
    this.#marked += Number(nowMarked) - Number(wasMarked);
    if (!sameMarks(before, after)) this.#changed.set(conversationId, after);
    return OK(conversationId);
  }

  marks(): { marks?: readonly ContactMarkItem[] } {
    const stored = this.#side;
    const marks = [...this.#changed.values()].filter((m) => !sameMarks(m, stored.mark(m.conversationId) ?? unmarked(m.conversationId)));
    return marks.length > 0 ? { marks } : {};
  }

  notice(base: Pick<ContactNotice, 'kind' | 'time' | 'operator'>): { notice?: ContactNotice } {
    const marks = this.marks();
    return marks.marks ? { notice: { ...base, ...marks } } : {};
  }

  #current(conversationId: string): ContactMarkItem {
    const m = this.#changed.get(conversationId) ?? this.#side.mark(conversationId);
    return m ? { conversationId, bits: m.bits, custom: m.custom, groupIds: m.groupIds } : unmarked(conversationId);
  }
}

const unmarked = (conversationId: string): ContactMarkItem => ({ conversationId, bits: [], custom: '', groupIds: [] });

function markedWith(m: ContactMarkItem, c: MarkChange): ContactMarkItem {
  const bits = new Set(m.bits);
  for (const b of c.set ?? []) bits.add(b);
  for (const b of c.clear ?? []) bits.delete(b);
  return { ...m, bits: [...bits].sort((a, b) => a - b), ...(c.custom !== undefined ? { custom: c.custom } : {}) };
}

const withId = (ids: readonly number[], id: number): readonly number[] => (ids.includes(id) ? ids : [...ids, id].sort((a, b) => a - b));

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const sameMarks = (a: ContactMarkItem, b: ContactMarkItem): boolean => a.custom === b.custom && sameList(a.bits, b.bits) && sameList(a.groupIds, b.groupIds);

function groupNamed(side: ContactSide, name: string): ContactGroupItem {
  const g = side.groups.groups.find((x) => x.name === name);
  if (!g) throw imError('ContactGroupNotFound', { name: JSON.stringify(name) });
  return g;
}

function checkName(name: string): void {
  if (name === '') throw imError('ContactInvalidParam', { detail: 'a conversation group name must not be empty' });
  if (Buffer.byteLength(name, 'utf8') > MAX_GROUP_NAME_BYTES) throw imError('ContactGroupNameTooLong', { name: JSON.stringify(name), max: MAX_GROUP_NAME_BYTES });
}
