/**
 * Client sync: pages of the user's inbox and of their groups, and the list of joined groups with
 * each group's head SEQ. Reads go straight to the store: stored entries never change SEQ, and
 * nothing unacknowledged is visible there.
 */
import type { GroupsResult, StreamPage } from '../protocol/client-ops.ts';
import { imError } from '../protocol/errors.ts';
import { groupStream, inboxStream } from '../protocol/streams.ts';
import { type Caller, isAdmin } from './caller.ts';
import type { ImContext } from './context.ts';
import { type GroupProfile, TYPE_RULES, readableAfter } from './groups/group-model.ts';
import { readPage } from './stream-page.ts';
import { requireGroupId } from './groups/group-id.ts';

export const DEFAULT_PAGE = 200;

export function syncInbox(ctx: ImContext, userId: string, after: number, limit = DEFAULT_PAGE): Promise<StreamPage> {
  return readPage(ctx.store.messages, inboxStream(userId), after, limit, ctx.now());
}

export async function pullGroup(ctx: ImContext, caller: Caller, groupId: string, after: number, limit = DEFAULT_PAGE): Promise<StreamPage> {
  requireGroupId(groupId);
  const group = await ctx.store.groups.getGroup(groupId);
  if (!group) throw imError('GroupNotFound', { groupId });
  if (!TYPE_RULES[group.type].history) throw imError('GroupNoRoaming', { type: group.type });
  let floor = 0;
  if (!isAdmin(caller)) {
    const member = await ctx.store.groups.getMember(groupId, caller.userId);
    if (!member) throw imError('NotGroupMember', { userId: caller.userId, groupId });
    floor = readableAfter(group.type, member.joinSeq);
  }
  return readPage(ctx.store.messages, groupStream(groupId), after, limit, ctx.now(), floor);
}

export async function joinedGroups(ctx: ImContext, userId: string): Promise<GroupsResult> {
  const rows = await ctx.store.groups.groupsOfUser(userId);
  const heads = await ctx.store.messages.headSeqs(rows.map((r) => groupStream(r.groupId)));
  const groups = [];
  for (const r of rows) {
    const g = await ctx.store.groups.getGroup(r.groupId);
    if (!g) continue;
    const profile = JSON.parse(g.profile) as GroupProfile;
    groups.push({
      groupId: r.groupId,
      type: r.type,
      name: profile.name,
      head: heads.get(groupStream(r.groupId)) ?? 0,
      readableAfter: readableAfter(r.type, r.joinSeq),
    });
  }
  return { groups };
}
