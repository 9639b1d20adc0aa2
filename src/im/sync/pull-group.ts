/**
 * `group.pull` (client `group.pull`): a page of a group's stream after a SEQ, from the store. A
 * member reads what was sent after they joined, unless the type shows earlier history.
 */
import { z } from 'zod';
import type { StreamPage } from '../../protocol/client-ops.ts';
import { imError } from '../../protocol/errors.ts';
import { groupStream } from '../../protocol/streams.ts';
import { defineCommand } from '../command.ts';
import { requireGroupId } from '../groups/group-id.ts';
import { groupFromRecord, readableAfter } from '../groups/group-model.ts';
import { readPage } from '../stream-page.ts';
import { DEFAULT_PAGE } from './sync-inbox.ts';
import { policyOf } from '../groups/group-policy.ts';

export const pullGroupCommand = defineCommand({
  name: 'group.pull',
  callers: ['user'],
  owner: 'store',
  input: z.object({ groupId: z.string(), after: z.number(), limit: z.number().default(DEFAULT_PAGE) }),
  run: async (ctx, caller, { groupId, after, limit }): Promise<StreamPage> => {
    requireGroupId(groupId);
    const group = await ctx.store.groups.getGroup(groupId);
    if (!group) throw imError('GroupNotFound', { groupId });
    if (!policyOf(group.type).history) throw imError('GroupNoRoaming', { type: group.type });
    const member = await ctx.store.groups.getMember(groupId, caller.userId);
    if (!member) throw imError('NotGroupMember', { userId: caller.userId, groupId });
    return readPage(ctx.store.messages, groupStream(groupId), after, limit, ctx.now(), readableAfter(group.type, member.joinSeq, groupFromRecord(group).profile.baseSeq), caller.userId);
  },
});
