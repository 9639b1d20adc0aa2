/**
 * Tells a user's mutual friends online that the user came online or went offline (a live `status`
 * entry), when the app turns it on (`PARLEY_FRIEND_STATUS_PUSH`). Called by the inbox actor on its
 * user's first device joining and last device leaving; best effort, never a device's error.
 */
import type { UserStatusNotice } from '../../protocol/entries.ts';
import { inboxStream } from '../../protocol/streams.ts';
import type { ImContext } from '../context.ts';
import { pushToMutualFriends } from '../sns/mutual-friends.ts';

/** Answers how many friends were online to be told. */
export async function announceStatus(ctx: ImContext, userId: string, status: UserStatusNotice['status']): Promise<number> {
  const entry: UserStatusNotice = { kind: 'status', userId, status, time: ctx.now() };
  return pushToMutualFriends(ctx, userId, { stream: inboxStream(userId), seq: 0, entry });
}
