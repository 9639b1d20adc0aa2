/** `v4/recentcontact/*`: the conversation list (spec §3.5). */
import { z } from 'zod';
import { deleteConversationCommand } from '../../im/conversations/conversation-commands.ts';
import { conversationId } from '../../im/conversations/conversation-state.ts';
import { recentContactsCommand } from '../../im/conversations/recent-contacts.ts';
import { type Service, endpoint } from '../endpoint.ts';
import { contactGroupEndpoints } from './recentcontact-groups.ts';
import { count, flag, nonEmpty } from '../wire.ts';

/** AssistFlags bits: 0 pinned conversations, 1 empty ones, 2 pinned ones paged apart. */
const ASSIST_PINNED = 1;
const ASSIST_EMPTY = 2;
const ASSIST_PINNED_PAGES = 4;

const cursorField = count('ContactInvalidParam');

export const recentContactService: Service = {
  name: 'recentcontact',
  bodyJson: 'ContactInvalidParam',
  invalid: 'ContactInvalidParam',
  adminRequired: 'ContactAdminRequired',
  internal: 'ContactInternal',
  endpoints: [
    endpoint({
      command: 'get_list',
      runs: recentContactsCommand,
      request: z.object({
        From_Account: nonEmpty('ContactInvalidParam'),
        TimeStamp: cursorField,
        StartIndex: cursorField,
        TopTimeStamp: cursorField,
        TopStartIndex: cursorField,
        AssistFlags: count('ContactInvalidParam'),
      }),
      input: (r) => ({
        userId: r.From_Account,
        cursor: { time: r.TimeStamp, index: r.StartIndex },
        topCursor: { time: r.TopTimeStamp, index: r.TopStartIndex },
        pinnedFirst: (r.AssistFlags & (ASSIST_PINNED | ASSIST_PINNED_PAGES)) !== 0,
        withEmpty: (r.AssistFlags & ASSIST_EMPTY) !== 0,
      }),
      reply: (page) => ({
        SessionItem: page.items.map((i) => ({ Type: i.type === 'c2c' ? 1 : 2, ...(i.type === 'c2c' ? { To_Account: i.peer } : { GroupId: i.peer }), MsgTime: i.time, TopFlag: i.pinned ? 1 : 0 })),
        CompleteFlag: page.complete ? 1 : 0,
        TimeStamp: page.cursor.time,
        StartIndex: page.cursor.index,
        TopTimeStamp: page.topCursor.time,
        TopStartIndex: page.topCursor.index,
        ErrorDisplay: '',
      }),
    }),
    endpoint({
      command: 'delete',
      runs: deleteConversationCommand,
      request: z
        .object({
          From_Account: nonEmpty('ContactInvalidParam'),
          Type: z.union([z.literal(1), z.literal(2)], { error: 'ContactInvalidParam' }),
          To_Account: nonEmpty('ContactInvalidParam').optional(),
          // Tencent's spelling; ToGroupId is accepted too.
          ToGroupid: nonEmpty('ContactInvalidParam').optional(),
          ToGroupId: nonEmpty('ContactInvalidParam').optional(),
          ClearRamble: flag('ContactInvalidParam').optional(),
        })
        .refine((r) => (r.Type === 1 ? r.To_Account !== undefined : (r.ToGroupid ?? r.ToGroupId) !== undefined), {
          error: 'To_Account (Type 1) or ToGroupid (Type 2) is required',
          path: ['To_Account'],
        }),
      input: (r) => ({
        userId: r.From_Account,
        conversationId: r.Type === 1 ? conversationId('c2c', r.To_Account ?? '') : conversationId('group', r.ToGroupid ?? r.ToGroupId ?? ''),
        clearHistory: r.ClearRamble === 1,
      }),
      reply: () => ({ ErrorDisplay: '' }),
    }),
    ...contactGroupEndpoints,
  ],
};
