/** `group.recall` (REST group_msg_recall) and `group.deleteBySender` (delete_group_msg_by_sender). */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from './group-id.ts';

/** group_msg_recall takes at most 10 SEQs per call. */
export const MAX_RECALL_SEQS = 10;

export const recallCommand = defineCommand({
  name: 'group.recall',
  callers: ['admin', 'user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), seqs: z.array(z.number().int()) }),
  run: (ctx, caller, { groupId, seqs }) => {
    requireGroupId(groupId);
    if (seqs.length === 0) throw imError('GroupInvalidParam', { detail: 'MsgSeqList is empty' });
    if (seqs.length > MAX_RECALL_SEQS) throw imError('GroupInvalidParam', { detail: `MsgSeqList holds ${seqs.length} SEQs, at most ${MAX_RECALL_SEQS} are allowed` });
    return ctx.actors.group(groupId).call({ op: 'recall', operator: caller, seqs: [...new Set(seqs)] });
  },
});

export const deleteBySenderCommand = defineCommand({
  name: 'group.deleteBySender',
  callers: ['admin'],
  owner: 'group',
  input: z.object({ groupId: z.string(), sender: z.string() }),
  run: async (ctx, _caller, { groupId, sender }) => {
    requireGroupId(groupId);
    await ctx.actors.group(groupId).call({ op: 'deleteBySender', sender });
  },
});
