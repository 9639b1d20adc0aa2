/**
 * A user's profile change reaches their friends' online devices (Tencent's onFriendInfoChanged),
 * live only: a friend offline now reads the profile when it next lists its friends or reads the
 * profile. The friends told are the users in the user's friend list who have the user in theirs
 * too (the store indexes lists by owner, so a one-way entry naming the user is not found), read a
 * page at a time. Only fields anyone may read are told.
 */
import type { ProfileNotice } from '../../protocol/entries.ts';
import { inboxStream } from '../../protocol/streams.ts';
import { type FriendKey, pairKey } from '../../../storage/store.ts';
import type { ImContext } from '../context.ts';
import { profileTagRule } from './profile-tags.ts';

/** Friends read per store page. */
const PAGE = 500;

/** Pushes `notice` (without fields only the user or the admin may read) to the friends online; answers how many were. */
export async function tellFriends(ctx: ImContext, notice: ProfileNotice): Promise<number> {
  const custom = ctx.customProfileTags ?? [];
  const items = notice.items.filter((i) => profileTagRule(i.Tag, custom)?.read === 'anyone');
  if (items.length === 0) return 0;
  const event = { stream: inboxStream(notice.userId), seq: 0, entry: { ...notice, items } };
  const relations = ctx.store.relations;
  let told = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await relations.listFriends(notice.userId, offset, PAGE);
    if (page.length === 0) break;
    const back: FriendKey[] = page.map((f) => ({ owner: f.friend, friend: notice.userId }));
    const mutual = await relations.friendsAmong(back);
    told += ctx.live.toUsers(back.filter((k) => mutual.has(pairKey(k.owner, k.friend))).map((k) => k.owner), event);
    if (page.length < PAGE) break;
  }
  return told;
}
