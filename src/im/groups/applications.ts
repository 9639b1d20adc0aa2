/**
 * Applications to join, from the client (Tencent's getGroupApplicationList, setGroupApplicationRead,
 * accept/refuseGroupApplication; Tencent has no REST for them): the caller's list and read marker
 * are answered from the store; a decision goes to the group's actor (applications-in-group.ts).
 * Applying itself is `group.join` on a group that needs approval.
 */
import { z } from 'zod';
import type { GroupApplicationsResult } from '../../protocol/client-ops.ts';
import { defineCommand } from '../command.ts';
import { applicationView, senderOf } from './application-rules.ts';
import { requireGroupId } from './group-id.ts';

/** Most applications one page holds. */
export const MAX_APPLICATIONS_PAGE = 100;

export const groupApplicationsCommand = defineCommand({
  name: 'group.applications',
  callers: ['user'],
  owner: 'store',
  input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).default(MAX_APPLICATIONS_PAGE).transform((n) => Math.min(n, MAX_APPLICATIONS_PAGE)) }),
  run: async (ctx, caller, { offset, limit }): Promise<GroupApplicationsResult> => {
    const page = await ctx.store.groups.applicationsFor(caller.userId, offset, limit, ctx.now());
    const accounts = await ctx.store.accounts.getAccounts([...new Set(page.applications.map(senderOf))]);
    const end = offset + page.applications.length;
    return {
      unreadCount: page.unread,
      readUpTo: page.readUpTo,
      total: page.total,
      applications: page.applications.map((a) => applicationView(a, caller.userId, accounts.get(senderOf(a)))),
      next: page.applications.length > 0 && end < page.total ? end : 0,
    };
  },
});

export const readGroupApplicationsCommand = defineCommand({
  name: 'group.applicationsRead',
  callers: ['user'],
  owner: 'store',
  input: z.object({ upTo: z.number().int().min(0).optional() }),
  run: async (ctx, caller, { upTo }): Promise<void> => {
    await ctx.store.groups.markApplicationsRead(caller.userId, upTo ?? ctx.now());
  },
});

export const decideApplicationCommand = defineCommand({
  name: 'group.decideApplication',
  callers: ['user'],
  owner: 'group',
  input: z.object({ groupId: z.string(), applicant: z.string(), accept: z.boolean(), message: z.string().default('') }),
  run: async (ctx, caller, { groupId, applicant, accept, message }): Promise<void> => {
    requireGroupId(groupId);
    await ctx.actors.group(groupId).call({ op: 'decideApplication', operator: caller, applicant, accept, message });
  },
});
