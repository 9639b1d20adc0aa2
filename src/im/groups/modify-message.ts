/** `group.modifyMessage` (REST modify_group_msg): the new content is checked as a send's is; the group actor rewrites the entry. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { GROUP_BODY_ERRORS, checkContent } from '../message-body.ts';
import { requireGroupId } from './group-id.ts';

export const modifyMessageCommand = defineCommand({
  name: 'group.modifyMessage',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), seq: z.number().int(), body: z.unknown().optional(), cloudCustomData: z.string().optional() }),
  run: async (ctx, caller, { groupId, seq, body, cloudCustomData }) => {
    requireGroupId(groupId);
    if (body === undefined && cloudCustomData === undefined) throw imError('GroupInvalidParam', { detail: 'give MsgBody or CloudCustomData to change' });
    const patch = { ...(body !== undefined ? { body: checkContent(ctx, body, cloudCustomData, GROUP_BODY_ERRORS) } : {}), ...(cloudCustomData !== undefined ? { cloudCustomData } : {}) };
    await ctx.actors.group(groupId).call({ op: 'modifyMessage', operator: caller, seq, patch });
  },
});
