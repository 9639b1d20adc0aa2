/** get_joined_group_list: the groups an account belongs to, with the filters of spec §3.6. */
import { z } from 'zod';
import { imError } from '../../protocol/errors.ts';
import { defineCommand } from '../command.ts';
import { groupStream } from '../../protocol/streams.ts';
import type { UserGroupRecord } from '../../../storage/store.ts';
import type { GroupType } from './group-types.ts';
import type { ImContext } from '../context.ts';
import { type GroupState, type Member, groupFromRecord, memberFromRecord, parseGroupType } from './group-model.ts';
import { policyOf } from './group-policy.ts';

export interface JoinedQuery {
  readonly userId: string;
  readonly withHugeGroups: boolean;
  readonly withNoActiveGroups: boolean;
  readonly groupType?: GroupType;
  /** At most MAX_JOINED_PAGE; omitted = all (up to that many). */
  readonly limit?: number;
  readonly offset: number;
  /** Also read the user's own member fields in each group (role, message flag, name card…). */
  readonly withSelfInfo?: boolean;
}

export interface JoinedGroup {
  readonly group: GroupState;
  readonly membership: UserGroupRecord;
  /** The user's member record, when `withSelfInfo` was asked. */
  readonly self?: Member;
  readonly nextMsgSeq: number;
}

export const MAX_JOINED_PAGE = 5000;

/**
 * `groups.joined` (REST get_joined_group_list). Huge (Community/AVChatRoom) and never-activated
 * groups are left out unless asked for; a group type filter takes the same names as create_group.
 */
export const joinedGroupsCommand = defineCommand({
  name: 'groups.joined',
  callers: ['admin'],
  owner: 'store',
  input: z.object({
    userId: z.string(),
    withHugeGroups: z.boolean().default(false),
    withNoActiveGroups: z.boolean().default(false),
    groupType: z.string().optional(),
    limit: z.number().optional(),
    offset: z.number().default(0),
    withSelfInfo: z.boolean().default(false),
  }),
  run: (ctx, _caller, i) => getJoinedGroups(ctx, { ...i, groupType: i.groupType === undefined ? undefined : parseGroupType(i.groupType) }),
});

async function getJoinedGroups(ctx: ImContext, q: JoinedQuery): Promise<{ total: number; groups: JoinedGroup[] }> {
  if (q.limit !== undefined && q.limit > MAX_JOINED_PAGE) throw imError('GroupInvalidParam', { detail: `Limit must be at most ${MAX_JOINED_PAGE}, got ${q.limit}` });
  if (!(await ctx.accounts.exists(q.userId))) throw imError('GroupMemberAccountNotFound', { userId: q.userId });
  const rows = await ctx.store.groups.groupsOfUser(q.userId);
  const all: JoinedGroup[] = [];
  const heads = await ctx.store.messages.headSeqs(rows.map((r) => groupStream(r.groupId)));
  for (const r of rows) {
    if (q.groupType && r.type !== q.groupType) continue;
    if (policyOf(r.type).huge && !q.withHugeGroups) continue;
    const rec = await ctx.store.groups.getGroup(r.groupId);
    if (!rec) continue;
    const group = groupFromRecord(rec);
    const dormant = policyOf(r.type).needsActivation && group.profile.lastMsgTime === 0 && group.owner !== q.userId;
    if (dormant && !q.withNoActiveGroups) continue;
    all.push({ group, membership: r, nextMsgSeq: (heads.get(groupStream(r.groupId)) ?? 0) + 1 });
  }
  const page = all.slice(q.offset, q.offset + (q.limit ?? MAX_JOINED_PAGE));
  if (!q.withSelfInfo) return { total: all.length, groups: page };
  const withSelf = await Promise.all(
    page.map(async (j) => {
      const rec = await ctx.store.groups.getMember(j.group.groupId, q.userId);
      return rec ? { ...j, self: memberFromRecord(rec) } : j;
    }),
  );
  return { total: all.length, groups: withSelf };
}
