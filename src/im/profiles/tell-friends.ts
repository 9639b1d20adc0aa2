/**
 * A user's profile change reaches their friends' online devices (Tencent's onFriendInfoChanged),
 * live only: a friend offline now reads the profile when it next lists its friends or reads the
 * profile. The friends told are the mutual ones (sns/mutual-friends.ts). Only fields anyone may
 * read are told.
 */
import type { ProfileNotice } from '../../protocol/entries.ts';
import { inboxStream } from '../../protocol/streams.ts';
import type { ImContext } from '../context.ts';
import { pushToMutualFriends } from '../sns/mutual-friends.ts';
import { profileTagRule } from './profile-tags.ts';

/** Pushes `notice` (without fields only the user or the admin may read) to the friends online; answers how many were. */
export async function tellFriends(ctx: ImContext, notice: ProfileNotice): Promise<number> {
  const custom = ctx.customProfileTags ?? [];
  const items = notice.items.filter((i) => profileTagRule(i.Tag, custom)?.read === 'anyone');
  if (items.length === 0) return 0;
  return pushToMutualFriends(ctx, notice.userId, { stream: inboxStream(notice.userId), seq: 0, entry: { ...notice, items } });
}
