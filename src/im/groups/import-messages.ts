/**
 * `group.importMessages` (REST import_group_msg, migration): history of a group, each message with
 * its sender, original time (SendTime, Unix s) and body. Checked here per message — the sender must
 * exist (else its Result is 10019), the body be valid (10004) and within the size limit (80002);
 * the times and the SEQs in the group actor (import-in-group.ts). A message that fails does not
 * stop the others.
 */
import { z } from 'zod';
import { errors, imError, isImError } from '../../protocol/errors.ts';
import type { ImportedMessage, ImportMessageResult } from '../actor-api.ts';
import { defineCommand } from '../command.ts';
import type { ImContext } from '../context.ts';
import { randomU32 } from '../ids.ts';
import { GROUP_BODY_ERRORS, checkMsgBody } from '../message-body.ts';
import { requireGroupId } from './group-id.ts';

/**
 * Messages per call. Tencent's current page allows 7, its older page and limits table 20; 20 is
 * taken, so migration tools written against either work (a batch of 7 is always within it).
 */
export const MAX_IMPORT_MESSAGES = 20;

const importMessagesInput = z.object({
  groupId: z.string(),
  messages: z.array(
    z.object({
      from: z.string(),
      sendTimeS: z.number().int().min(0),
      random: z.number().default(randomU32),
      body: z.unknown(),
      cloudCustomData: z.string().optional(),
    }),
  ),
});
type ImportMessagesInput = z.output<typeof importMessagesInput>;

/** Each message checked: its result code when refused here, else the message for the actor. */
async function checked(ctx: ImContext, list: ImportMessagesInput['messages']): Promise<(ImportedMessage | number)[]> {
  const missing = new Set(await ctx.accounts.missing([...new Set(list.map((m) => m.from))]));
  return list.map((m) => {
    if (missing.has(m.from)) return errors.GroupMemberAccountNotFound.code;
    try {
      const body = checkMsgBody(m.body, m.cloudCustomData, ctx.limits.maxMsgBytes, GROUP_BODY_ERRORS);
      return { from: m.from, time: m.sendTimeS * 1000, random: m.random, body, ...(m.cloudCustomData !== undefined ? { cloudCustomData: m.cloudCustomData } : {}) };
    } catch (e) {
      if (isImError(e)) return e.code;
      throw e;
    }
  });
}

export const importMessagesCommand = defineCommand({
  name: 'group.importMessages',
  callers: ['admin'],
  owner: 'group',
  input: importMessagesInput,
  run: async (ctx, _caller, { groupId, messages }): Promise<ImportMessageResult[]> => {
    requireGroupId(groupId);
    if (messages.length === 0) throw imError('GroupInvalidParam', { detail: 'MsgList is empty' });
    if (messages.length > MAX_IMPORT_MESSAGES) throw imError('GroupInvalidParam', { detail: `MsgList holds ${messages.length} messages, at most ${MAX_IMPORT_MESSAGES} are allowed` });
    const items = await checked(ctx, messages);
    const valid = items.filter((m): m is ImportedMessage => typeof m !== 'number');
    const stored = await ctx.actors.group(groupId).call({ op: 'importMessages', messages: valid });
    let next = 0;
    return items.map((m, i) => (typeof m === 'number' ? { seq: 0, time: messages[i].sendTimeS * 1000, code: m } : stored[next++]));
  },
});
