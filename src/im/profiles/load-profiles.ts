/**
 * Profiles as the profile rules read them: an account's nick and face (kept in its record, where
 * account_import writes them) as Tag_Profile_IM_Nick and Tag_Profile_IM_Image, with its other tags.
 */
import type { ProfileChange } from '../../../storage/store.ts';
import type { ImContext } from '../context.ts';
import { ProfileTag, type ProfileValue } from './profile-tags.ts';

/** The profiles of the existing accounts among `userIds` (an unset nick or face is left out: it reads as its default). */
export async function loadProfiles(ctx: ImContext, userIds: readonly string[]): Promise<Map<string, Map<string, ProfileValue>>> {
  const [accounts, tags] = await Promise.all([ctx.store.accounts.getAccounts(userIds), ctx.store.accounts.getProfileTags(userIds)]);
  const out = new Map<string, Map<string, ProfileValue>>();
  for (const [userId, a] of accounts) {
    const values = new Map<string, ProfileValue>(tags.get(userId));
    if (a.nick) values.set(ProfileTag.Nick, a.nick);
    if (a.faceUrl) values.set(ProfileTag.Image, a.faceUrl);
    out.set(userId, values);
  }
  return out;
}

/** Checked profile changes as the store keeps them: Nick and Image into the account record, the rest as tags. */
export function storedChange(changes: ReadonlyMap<string, ProfileValue>): ProfileChange {
  const tags = new Map(changes);
  const nick = tags.get(ProfileTag.Nick);
  const face = tags.get(ProfileTag.Image);
  tags.delete(ProfileTag.Nick);
  tags.delete(ProfileTag.Image);
  return { ...(nick !== undefined ? { nick: String(nick) } : {}), ...(face !== undefined ? { faceUrl: String(face) } : {}), tags };
}
