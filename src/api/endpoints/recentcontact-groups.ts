/**
 * `v4/recentcontact/*_contact_group` and `mark_contact`: conversation groups and marks (Tencent pages
 * 1047/53437–53442). A conversation is a `ContactItem` `{Type: 1, To_Account}` or `{Type: 2, ToGroupId}`
 * (`ToGroupid` accepted too, as recentcontact/delete spells it); a standard mark goes out as the
 * binary digits of its 64 bits (`StandardMark: "1001"` = bits 0 and 3).
 */
import { z } from 'zod';
import {
  type ContactView,
  createContactGroupCommand,
  deleteContactGroupsCommand,
  listContactsCommand,
  markContactsCommand,
  searchContactsCommand,
  updateContactGroupCommand,
} from '../../im/conversations/contact-commands.ts';
import type { ContactResult } from '../../im/conversations/change-contacts.ts';
import { conversationId, parseConversationId } from '../../im/conversations/conversation-state.ts';
import type { ContactGroupItem } from '../../protocol/entries.ts';
import { type Endpoint, endpoint } from '../endpoint.ts';
import { count, nonEmpty, str } from '../wire.ts';

const INVALID = 'ContactInvalidParam';

const contactItem = z
  .object({
    Type: z.union([z.literal(1), z.literal(2)], { error: INVALID }),
    To_Account: nonEmpty(INVALID).optional(),
    ToGroupId: nonEmpty(INVALID).optional(),
    ToGroupid: nonEmpty(INVALID).optional(),
  })
  .refine((c) => (c.Type === 1 ? c.To_Account !== undefined : (c.ToGroupId ?? c.ToGroupid) !== undefined), {
    error: 'ContactItem needs To_Account (Type 1) or ToGroupId (Type 2)',
    path: ['To_Account'],
  })
  .transform((c) => (c.Type === 1 ? conversationId('c2c', c.To_Account ?? '') : conversationId('group', c.ToGroupId ?? c.ToGroupid ?? '')));

/** A conversation id as Tencent's ContactItem. */
function contactItemOf(id: string): { Type: 1; To_Account: string } | { Type: 2; ToGroupId: string } {
  const parsed = parseConversationId(id);
  return parsed?.type === 'group' ? { Type: 2, ToGroupId: parsed.peer } : { Type: 1, To_Account: parsed?.peer ?? id };
}

const groupItem = (g: ContactGroupItem) => ({ GroupName: g.name, GroupId: g.id });
const resultItem = (r: ContactResult) => ({ ContactItem: contactItemOf(r.conversationId), ResultCode: r.code, ResultInfo: r.info });

/** The standard mark's bits as binary digits, most significant first ("0" for none). */
export function standardMark(bits: readonly number[]): string {
  return bits.reduce((acc, b) => acc | (1n << BigInt(b)), 0n).toString(2);
}

/** One conversation's marks as ContactResultItem: empty parts left out. */
function contactResultItem(v: ContactView) {
  return {
    ...contactItemOf(v.conversationId),
    ...(v.bits.length > 0 ? { StandardMark: standardMark(v.bits) } : {}),
    ...(v.custom !== '' ? { CustomMark: v.custom } : {}),
    ...(v.groupIds.length > 0 ? { ContactGroupId: v.groupIds } : {}),
    Timestamp: Math.floor(v.time / 1000),
  };
}

/** UpdateGroupType: 1 renames the group, 2 adds conversations to it or takes them out. */
const RENAME = 1;
/** ContactOptType: 1 adds the conversation, 2 takes it out. */
const REMOVE = 2;

/** MarkItem OptType: 1 the standard mark (SetMark/ClearMark), 2 the custom mark, 3 both. */
const OPT_STANDARD = 1;
const OPT_CUSTOM = 2;

export const contactGroupEndpoints: readonly Endpoint[] = [
  endpoint({
    command: 'create_contact_group',
    runs: createContactGroupCommand,
    request: z.object({
      From_Account: nonEmpty(INVALID),
      // One group per call, as Tencent takes it.
      GroupContactItem: z.array(z.object({ GroupName: str(INVALID), ContactItem: z.array(contactItem).default([]) }), { error: INVALID }).length(1, { error: INVALID }),
    }),
    input: (r) => ({ userId: r.From_Account, name: r.GroupContactItem[0].GroupName, conversationIds: r.GroupContactItem[0].ContactItem }),
    reply: (o) => ({ GroupResultItem: o.groups.map((g) => ({ GroupItem: groupItem(g), ResultItem: o.results.map(resultItem) })), ErrorDisplay: '' }),
  }),
  endpoint({
    command: 'del_contact_group',
    runs: deleteContactGroupsCommand,
    request: z.object({ From_Account: nonEmpty(INVALID), GroupName: z.array(str(INVALID), { error: INVALID }).min(1, { error: INVALID }) }),
    input: (r) => ({ userId: r.From_Account, names: r.GroupName }),
    reply: (o) => ({ GroupItem: o.groups.map(groupItem), ErrorDisplay: '' }),
  }),
  endpoint({
    command: 'update_contact_group',
    runs: updateContactGroupCommand,
    request: z.object({
      From_Account: nonEmpty(INVALID),
      UpdateType: z.literal(1, { error: INVALID }),
      UpdateGroup: z
        .object({
          UpdateGroupType: z.union([z.literal(1), z.literal(2)], { error: INVALID }),
          OldGroupName: str(INVALID),
          NewGroupName: str(INVALID).optional(),
          ContactUpdateItem: z.array(z.object({ ContactOptType: z.union([z.literal(1), z.literal(2)], { error: INVALID }), ContactItem: contactItem })).optional(),
        })
        .refine((u) => (u.UpdateGroupType === RENAME ? u.NewGroupName !== undefined : (u.ContactUpdateItem?.length ?? 0) > 0), {
          error: 'UpdateGroupType 1 needs NewGroupName, 2 needs ContactUpdateItem',
          path: ['UpdateGroupType'],
        }),
    }),
    input: (r) => {
      const u = r.UpdateGroup;
      if (u.UpdateGroupType === RENAME) return { userId: r.From_Account, kind: 'rename' as const, name: u.OldGroupName, newName: u.NewGroupName ?? '' };
      const items = (u.ContactUpdateItem ?? []).map((c) => ({ conversationId: c.ContactItem, remove: c.ContactOptType === REMOVE }));
      return { userId: r.From_Account, kind: 'conversations' as const, name: u.OldGroupName, items };
    },
    reply: (o, r) => {
      const g = o.groups[0];
      const opts = (r.UpdateGroup.ContactUpdateItem ?? []).map((c) => c.ContactOptType);
      return {
        UpdateType: r.UpdateType,
        UpdateGroupResult: {
          UpdateGroupType: r.UpdateGroup.UpdateGroupType,
          GroupName: g?.name ?? r.UpdateGroup.OldGroupName,
          GroupId: g?.id ?? 0,
          OldGroupName: r.UpdateGroup.OldGroupName,
          ContactResultItem: o.results.map((x, i) => ({ ContactOptType: opts[i], ...resultItem(x) })),
        },
        ErrorDisplay: '',
      };
    },
  }),
  endpoint({
    command: 'mark_contact',
    runs: markContactsCommand,
    request: z.object({
      From_Account: nonEmpty(INVALID),
      MarkItem: z.array(
        z.object({
          OptType: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: INVALID }),
          ContactItem: contactItem,
          SetMark: z.array(count(INVALID)).optional(),
          ClearMark: z.array(count(INVALID)).optional(),
          CustomMark: str(INVALID).optional(),
        }),
        { error: INVALID },
      ),
    }),
    input: (r) => ({
      userId: r.From_Account,
      items: r.MarkItem.map((m) => ({
        conversationId: m.ContactItem,
        ...(m.OptType !== OPT_CUSTOM ? { set: m.SetMark ?? [], clear: m.ClearMark ?? [] } : {}),
        ...(m.OptType !== OPT_STANDARD ? { custom: m.CustomMark ?? '' } : {}),
      })),
    }),
    reply: (o, r) => ({ ResultItem: o.results.map((x, i) => ({ OptType: r.MarkItem[i].OptType, ...resultItem(x) })), ErrorDisplay: '' }),
  }),
  endpoint({
    command: 'get_contact_group',
    runs: listContactsCommand,
    request: z.object({ From_Account: nonEmpty(INVALID), StartIndex: count(INVALID).default(0) }),
    input: (r) => ({ userId: r.From_Account, start: r.StartIndex }),
    reply: (o) => ({
      ContactItem: o.conversations.map(contactResultItem),
      GroupItem: o.groups.map(groupItem),
      CompleteFlag: o.next === undefined ? 1 : 0,
      NextStartIndex: o.next ?? 0,
      ErrorDisplay: '',
    }),
  }),
  endpoint({
    command: 'search_contact_group',
    runs: searchContactsCommand,
    request: z.object({ From_Account: nonEmpty(INVALID), ContactItem: z.array(contactItem, { error: INVALID }) }),
    input: (r) => ({ userId: r.From_Account, conversationIds: r.ContactItem }),
    reply: (o) => ({ ContactResultItem: o.conversations.map(contactResultItem), GroupItem: o.groups.map(groupItem), ErrorDisplay: '' }),
  }),
];
