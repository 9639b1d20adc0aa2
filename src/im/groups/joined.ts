/** get_joined_group_list: the groups an account belongs to, with the filters of spec §3.6. */
import { imError } from '../../protocol/errors.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { GroupType, UserGroupRecord } from '../../../storage/store.ts';
import type { ImContext } from '../context.ts';
import { type GroupState, groupFromRecord } from './group-model.ts';

export interface JoinedQuery {
  readonly userId: string;
  readonly withHugeGroups: boolean;
  readonly withNoActiveGroups: boolean;
  readonly groupType?: GroupType;
  readonly limit?: number;
  readonly offset: number;
}

export interface JoinedGroup {
  readonly group: GroupState;
  readonly membership: UserGroupRecord;
  readonly nextMsgSeq: number;
}

export const MAX_JOINED_PAGE = 5000;

export async function getJoinedGroups(ctx: ImContext, q: JoinedQuery): Promise<{ total: number; groups: JoinedGroup[] }> {
  if (!(await ctx.accounts.exists(q.userId))) throw imError('GroupMemberAccountNotFound', { userId: q.userId });
  const rows = await ctx.store.groups.groupsOfUser(q.userId);
  const all: JoinedGroup[] = [];
  const heads = await ctx.store.messages.headSeqs(rows.map((r) => groupStream(r.groupId)));
  for (const r of rows) {
    if (q.groupType && r.type !== q.groupType) continue;
    if (r.type === 'AVChatRoom' && !q.withHugeGroups) continue;
    const rec = await ctx.store.groups.getGroup(r.groupId);
    if (!rec) continue;
    const group = groupFromRecord(rec);
    const dormant = r.type === 'Private' && group.profile.lastMsgTime === 0 && group.owner !== q.userId;
    if (dormant && !q.withNoActiveGroups) continue;
    all.push({ group, membership: r, nextMsgSeq: (heads.get(groupStream(r.groupId)) ?? 0) + 1 });
  }
  const limit = Math.min(q.limit ?? MAX_JOINED_PAGE, MAX_JOINED_PAGE);
  return { total: all.length, groups: all.slice(q.offset, q.offset + limit) };
}
