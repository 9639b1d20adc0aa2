/**
 * SDK calls for user profiles, as Tencent's client SDK offers them (setSelfInfo, getUsersInfo,
 * searchUsers):
 * plain functions over a logged-in ParleyClient. When the user's profile changes (from this
 * device, another, or the app server's portrait_set), every device gets a `profile` entry in the
 * inbox stream (`entry.kind === 'profile'`, with the fields set).
 */
import { type GetProfilesResult, Op, type SearchUsersResult } from '../protocol/client-ops.ts';
import type { ProfileItem } from '../protocol/entries.ts';
import type { ParleyClient } from './parley-client.ts';

export type { GetProfilesResult, ProfileItem, SearchUsersResult };

/** Sets fields of the user's own profile (standard and custom tags); all or nothing, refused with Tencent's 40xxx codes. */
export function setSelfProfile(client: ParleyClient, items: readonly ProfileItem[]): Promise<void> {
  return client.call(Op.SetProfile, { items: [...items] });
}

/** Reads `tagList` of up to 100 accounts; per account its items, or a code (40003 no such account). */
export function getProfiles(client: ParleyClient, userIds: readonly string[], tagList: readonly string[]): Promise<GetProfilesResult> {
  return client.call(Op.GetProfiles, { userIds: [...userIds], tagList: [...tagList] });
}

/** Finds users by exact id or nick prefix (case and width ignored); pass the answer's `cursor` for the next page. */
export function searchUsers(client: ParleyClient, keyword: string, opts: { cursor?: string; limit?: number } = {}): Promise<SearchUsersResult> {
  return client.call(Op.SearchUsers, { keyword, ...opts });
}
