/**
 * What the offline-push dispatcher reads of the domain (issue 16 item 2): a user's unread total
 * (the badge) and who of a group is notified of its messages. Reads only; the dispatcher runs off
 * the send path, so none of this costs a send anything.
 */
import type { ImContext } from '../context.ts';
import { listConversations } from '../conversations/list-conversations.ts';
import { groupFromRecord, memberFromRecord } from '../groups/group-model.ts';
import { policyOf } from '../groups/group-policy.ts';

/** The user's unread messages over all conversations (C2C and the groups that count unread), as their devices show it. */
export async function unreadTotal(ctx: ImContext, userId: string): Promise<number> {
  const { conversations } = await listConversations(ctx, userId, { withLastMessage: false, countsOnly: true });
  let total = 0;
  for (const c of conversations) total += c.unread;
  return total;
}

export interface GroupPushAudience {
  readonly name: string;
  /** Members who take notifications of the group's messages (Tencent MsgFlag AcceptAndNotify). */
  readonly notified: readonly string[];
}

/**
 * Who of the group is told of its messages by offline push; undefined for a group that is gone or
 * whose type has no offline push: members of AVChatRooms and ChatRooms (Meeting) get only what
 * arrives while they are online (the type's default receive option, GROUP_POLICY.offlinePush).
 */
export async function groupPushAudience(ctx: ImContext, groupId: string): Promise<GroupPushAudience | undefined> {
  const record = await ctx.store.groups.getGroup(groupId);
  if (!record || !policyOf(record.type).offlinePush) return undefined;
  const group = groupFromRecord(record);
  const members = await ctx.store.groups.listMembers(groupId);
  const notified: string[] = [];
  for (const r of members) if (memberFromRecord(r).profile.msgFlag === 'AcceptAndNotify') notified.push(r.userId);
  return { name: group.profile.name, notified };
}
