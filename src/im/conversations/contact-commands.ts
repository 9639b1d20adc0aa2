/**
 * Conversation groups and marks (REST recentcontact create/del/update/search/get_contact_group and
 * mark_contact; client `contact.*`): each change is one call to the user's inbox actor, which holds
 * the limits and appends the `contact` notice the user's devices apply. A group conversation whose
 * group does not exist fails alone with 51007 and is never written.
 */
import { z } from 'zod';
import { errors as catalogue, imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import type { ContactGroupItem, ContactMarkItem } from '../../protocol/entries.ts';
import { type ContactChange, type ContactChangeOutcome, type ContactResult, MARK_BITS, type MarkChange } from './change-contacts.ts';
import type { ContactMarkState } from './contact-state.ts';
import { type ConversationType, parseConversationId } from './conversation-state.ts';
import { subjectOf } from './conversation-commands.ts';

/** mark_contact takes 1–100 conversations; search_contact_group at most 300; get_contact_group pages 100. */
export const MAX_MARK_ITEMS = 100;
export const MAX_SEARCH_ITEMS = 300;
export const CONTACT_PAGE = 100;
/** A custom mark's bytes. */
export const MAX_CUSTOM_MARK_BYTES = 256;

const conversationIdField = z.string().refine((id) => parseConversationId(id) !== undefined, { error: 'ContactInvalidParam' });
const markBit = z.number().int().min(0).max(MARK_BITS - 1);
const customMark = z.string().refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_CUSTOM_MARK_BYTES, { error: `a custom mark holds at most ${MAX_CUSTOM_MARK_BYTES} bytes` });
const subject = { userId: z.string().optional() };

/** Runs a change whose conversations are those listed, failing alone each group conversation of a group that does not exist. */
async function changeChecked(ctx: ImContext, userId: string, operator: string, ids: readonly string[], change: (valid: (id: string) => boolean) => ContactChange): Promise<ContactChangeOutcome> {
  const gone = await goneGroups(ctx, ids);
  const valid = (id: string): boolean => !gone.has(id);
  const outcome = await ctx.actors.inbox(userId).call({ op: 'changeContacts', change: change(valid), operator });
  if (gone.size === 0) return outcome;
  // The actor answered the valid conversations in order: put the failed ones back in their place.
  const answered = outcome.results[Symbol.iterator]();
  const results = ids.map((id): ContactResult => (gone.has(id) ? goneResult(id) : (answered.next().value as ContactResult)));
  return { ...outcome, results };
}

/** The group conversations among `ids` whose group does not exist. */
async function goneGroups(ctx: ImContext, ids: readonly string[]): Promise<Set<string>> {
  const groups = [...new Set(ids.filter((id) => id.startsWith('group_')))];
  const found = await Promise.all(groups.map((id) => ctx.store.groups.getGroup(parseConversationId(id)?.peer ?? '')));
  return new Set(groups.filter((_, i) => found[i] === undefined));
}

function goneResult(conversationId: string): ContactResult {
  const groupId = parseConversationId(conversationId)?.peer ?? '';
  return { conversationId, code: catalogue.ContactGroupGone.code, info: imError('ContactGroupGone', { groupId }).info };
}

export const createContactGroupCommand = defineCommand({
  name: 'contact.group.create',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ ...subject, name: z.string(), conversationIds: z.array(conversationIdField).default([]) }),
  run: async (ctx, caller, i): Promise<ContactChangeOutcome> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    return changeChecked(ctx, userId, caller.userId, i.conversationIds, (valid) => ({ kind: 'createGroup', name: i.name, conversationIds: i.conversationIds.filter(valid) }));
  },
});

export const deleteContactGroupsCommand = defineCommand({
  name: 'contact.group.delete',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ ...subject, names: z.array(z.string()).min(1) }),
  run: async (ctx, caller, i): Promise<ContactChangeOutcome> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    return ctx.actors.inbox(userId).call({ op: 'changeContacts', change: { kind: 'deleteGroups', names: i.names }, operator: caller.userId });
  },
});

export const updateContactGroupCommand = defineCommand({
  name: 'contact.group.update',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.discriminatedUnion('kind', [
    z.object({ ...subject, kind: z.literal('rename'), name: z.string(), newName: z.string() }),
    z.object({ ...subject, kind: z.literal('conversations'), name: z.string(), items: z.array(z.object({ conversationId: conversationIdField, remove: z.boolean() })).min(1) }),
  ]),
  run: async (ctx, caller, i): Promise<ContactChangeOutcome> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    if (i.kind === 'rename') return ctx.actors.inbox(userId).call({ op: 'changeContacts', change: { kind: 'renameGroup', name: i.name, newName: i.newName }, operator: caller.userId });
    // Taking a conversation out of a group needs no check: only adding one names a group that must exist.
    const added = i.items.filter((x) => !x.remove).map((x) => x.conversationId);
    const gone = await goneGroups(ctx, added);
    const outcome = await ctx.actors.inbox(userId).call({ op: 'changeContacts', change: { kind: 'groupConversations', name: i.name, items: i.items.filter((x) => x.remove || !gone.has(x.conversationId)) }, operator: caller.userId });
    const answered = outcome.results[Symbol.iterator]();
    return { ...outcome, results: i.items.map((x) => (!x.remove && gone.has(x.conversationId) ? goneResult(x.conversationId) : (answered.next().value as ContactResult))) };
  },
});

export const markContactsCommand = defineCommand({
  name: 'contact.mark',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({
    ...subject,
    items: z.array(z.object({ conversationId: conversationIdField, set: z.array(markBit).optional(), clear: z.array(markBit).optional(), custom: customMark.optional() })),
  }),
  run: async (ctx, caller, i): Promise<ContactChangeOutcome> => {
    if (i.items.length === 0 || i.items.length > MAX_MARK_ITEMS) throw imError('ContactMarkItems', { count: i.items.length, max: MAX_MARK_ITEMS });
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    const ids = i.items.map((x) => x.conversationId);
    return changeChecked(ctx, userId, caller.userId, ids, (valid) => ({ kind: 'mark', items: i.items.filter((x) => valid(x.conversationId)) as MarkChange[] }));
  },
});

/** One conversation's marks as answered: its type and peer beside them, and when they last changed (Unix ms; 0 for one never marked). */
export interface ContactView extends ContactMarkItem {
  readonly type: ConversationType;
  readonly peer: string;
  readonly time: number;
}

export interface ContactPage {
  readonly conversations: readonly ContactView[];
  readonly groups: readonly ContactGroupItem[];
  /** Where the next page starts; undefined when this is the last. */
  readonly next?: number;
}

const viewOf = (id: string, m: Pick<ContactMarkState, 'bits' | 'custom' | 'groupIds'> | undefined, time: number): ContactView => {
  const parsed = parseConversationId(id) ?? { type: 'c2c' as const, peer: id };
  return { conversationId: id, type: parsed.type, peer: parsed.peer, bits: m?.bits ?? [], custom: m?.custom ?? '', groupIds: m?.groupIds ?? [], time };
};

/** The user's groups and marked or grouped conversations, oldest marked first, from `start` on (`limit` of them). */
export const listContactsCommand = defineCommand({
  name: 'contact.list',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ ...subject, start: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(CONTACT_PAGE) }),
  run: async (ctx, caller, i): Promise<ContactPage> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    const book = await ctx.actors.inbox(userId).call({ op: 'conversations' });
    const ordered = [...book.marks].sort((a, b) => a.created - b.created || (a.conversationId < b.conversationId ? -1 : 1));
    const page = ordered.slice(i.start, i.start + i.limit);
    const next = i.start + page.length;
    return { conversations: page.map((m) => viewOf(m.conversationId, m, m.time)), groups: book.groups.groups, ...(next < ordered.length ? { next } : {}) };
  },
});

/** The marks of the conversations named (unmarked ones answer empty), with the groups they are in. */
export const searchContactsCommand = defineCommand({
  name: 'contact.search',
  callers: ['admin', 'user'],
  owner: 'inbox',
  input: z.object({ ...subject, conversationIds: z.array(conversationIdField).min(1).max(MAX_SEARCH_ITEMS) }),
  run: async (ctx, caller, i): Promise<ContactPage> => {
    const userId = await subjectOf(ctx, caller, i.userId, 'ContactAccountNotFound');
    const book = await ctx.actors.inbox(userId).call({ op: 'conversations' });
    const marks = new Map(book.marks.map((m) => [m.conversationId, m]));
    const views = [...new Set(i.conversationIds)].map((id) => {
      const m = marks.get(id);
      return viewOf(id, m, m?.time ?? 0);
    });
    const used = new Set(views.flatMap((v) => v.groupIds));
    return { conversations: views, groups: book.groups.groups.filter((g) => used.has(g.id)) };
  },
});
