/**
 * A user's mutual friends — the users in their friend list who have them in theirs too — read a
 * page at a time from the store (the store indexes lists by owner, so a one-way entry naming the
 * user is not found). For pushing a user's changes (profile, online status) to their friends.
 */
import { type FriendKey, pairKey } from '../../../storage/store.ts';
import type { StreamEvent } from '../../protocol/entries.ts';
import type { ImContext } from '../context.ts';

/** Friends read per store page. */
const PAGE = 500;

export async function* mutualFriendPages(ctx: ImContext, userId: string): AsyncGenerator<string[]> {
  const relations = ctx.store.relations;
  for (let offset = 0; ; offset += PAGE) {
    const page = await relations.listFriends(userId, offset, PAGE);
    if (page.length === 0) return;
    const back: FriendKey[] = page.map((f) => ({ owner: f.friend, friend: userId }));
    const mutual = await relations.friendsAmong(back);
    yield back.filter((k) => mutual.has(pairKey(k.owner, k.friend))).map((k) => k.owner);
    if (page.length < PAGE) return;
  }
}

/** Pushes `event` live to `userId`'s mutual friends online; answers how many were. */
export async function pushToMutualFriends(ctx: ImContext, userId: string, event: StreamEvent): Promise<number> {
  let told = 0;
  for await (const friends of mutualFriendPages(ctx, userId)) told += ctx.live.toUsers(friends, event);
  return told;
}
