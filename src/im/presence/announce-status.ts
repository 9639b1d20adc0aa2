/**
 * Tells who follows a user's online status that the user came online or went away (a live
 * `status` entry): those who subscribed to it (presence/status-subscriptions.ts) and, when the app
 * turns it on (`PARLEY_FRIEND_STATUS_PUSH`), the user's mutual friends — each once. A user who went
 * away but can still be reached by offline push shows as `PushOnline`, as query_online_status
 * answers. Called by the inbox actor on its user's first device joining and last device leaving;
 * best effort, never a device's error.
 */
import type { UserStatusNotice } from '../../protocol/entries.ts';
import { inboxStream } from '../../protocol/streams.ts';
import type { ImContext } from '../context.ts';
import { isPushOnline } from '../push/push-devices.ts';
import { mutualFriendPages } from '../sns/mutual-friends.ts';

/** Answers how many followers were online to be told. */
export async function announceStatus(ctx: ImContext, userId: string, status: 'Online' | 'Offline', friends: boolean): Promise<number> {
  const audience = new Set(await ctx.store.statusSubscriptions.subscribersOf(userId));
  if (friends) for await (const page of mutualFriendPages(ctx, userId)) for (const f of page) audience.add(f);
  if (audience.size === 0) return 0;
  const entry: UserStatusNotice = { kind: 'status', userId, status: status === 'Offline' && (await reachableByPush(ctx, userId)) ? 'PushOnline' : status, time: ctx.now() };
  return ctx.live.toUsers([...audience], { stream: inboxStream(userId), seq: 0, entry });
}

async function reachableByPush(ctx: ImContext, userId: string): Promise<boolean> {
  const now = ctx.now();
  return (await ctx.store.pushDevices.devicesOf([userId])).some((d) => isPushOnline(d, now));
}
