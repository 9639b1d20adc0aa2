/** `groups.mine` (client `groups`): the caller's groups with each one's head SEQ and where their reading starts. */
import { z } from 'zod';
import type { GroupsResult, JoinedGroup } from '../../protocol/client-ops.ts';
import { groupStream } from '../../protocol/streams.ts';
import { defineCommand } from '../command.ts';
import { type GroupProfile, readableAfter } from '../groups/group-model.ts';

export const myGroupsCommand = defineCommand({
  name: 'groups.mine',
  callers: ['user'],
  owner: 'store',
  input: z.object({}),
  run: async (ctx, caller): Promise<GroupsResult> => {
    const rows = await ctx.store.groups.groupsOfUser(caller.userId);
    const heads = await ctx.store.messages.headSeqs(rows.map((r) => groupStream(r.groupId)));
    const groups: JoinedGroup[] = [];
    for (const r of rows) {
      const g = await ctx.store.groups.getGroup(r.groupId);
      if (!g) continue;
      const profile = JSON.parse(g.profile) as GroupProfile;
      groups.push({ groupId: r.groupId, type: r.type, name: profile.name, head: heads.get(groupStream(r.groupId)) ?? 0, readableAfter: readableAfter(r.type, r.joinSeq, profile.baseSeq) });
    }
    return { groups };
  },
});
