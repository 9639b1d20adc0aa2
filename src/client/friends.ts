/**
 * SDK calls for the relationship chain, as Tencent's client SDK offers them (addFriend,
 * getFriendApplicationList, setFriendApplicationRead, acceptFriendApplication /
 * refuseFriendApplication, deleteFriendApplication, getFriendList,
 * deleteFromFriendList, checkFriend, addToBlackList, deleteFromBlackList, getBlackList): plain
 * functions over a logged-in ParleyClient. Every change reaches the devices concerned as a
 * `relation` entry in their inbox (`entry.kind === 'relation'`: `action`, `user`, `pairs`); a
 * friend's profile change arrives live as a `profile` entry whose `userId` is the friend's.
 */
import {
  type AddFriendsArgs,
  type FriendGroupsChanged,
  type FriendGroupsResult,
  type UpdateFriendsArgs,
  type BlacklistPageResult,
  type CheckFriendsResult,
  type DeleteFriendRequestsArgs,
  type FriendRequestsArgs,
  type FriendRequestsResult,
  type FriendsResult,
  Op,
  type RespondFriendsArgs,
  type SnsResults,
} from '../protocol/client-ops.ts';
import type { ParleyClient } from './parley-client.ts';

export type { BlacklistPageResult, CheckFriendsResult, FriendGroupsChanged, FriendGroupsResult, FriendRequestsResult, FriendsResult, SnsResults };

/** Asks to add friends; per peer 0 (added), 30539 (a request now waits for them), or the reason why not. */
export function addFriends(client: ParleyClient, items: AddFriendsArgs['items'], addType?: AddFriendsArgs['addType']): Promise<SnsResults> {
  return client.call(Op.AddFriends, addType ? { items, addType } : { items });
}

/** The user's pending requests, sent and received, newest first. */
export function friendRequests(client: ParleyClient, opts: FriendRequestsArgs = {}): Promise<FriendRequestsResult> {
  return client.call(Op.FriendRequests, opts);
}

/** Marks the received requests read (setFriendApplicationRead): `unread` then counts only later ones. */
export function readFriendRequests(client: ParleyClient): Promise<void> {
  return client.call(Op.ReadFriendRequests, {});
}

/** Deletes pending requests unanswered (deleteFriendApplication): received from, or sent to, each user; 30614 where none. */
export function deleteFriendRequests(client: ParleyClient, items: DeleteFriendRequestsArgs['items']): Promise<SnsResults> {
  return client.call(Op.DeleteFriendRequests, { items: [...items] });
}

/** Answers received requests (Agree, AgreeAndAdd, Reject). */
export function respondToFriends(client: ParleyClient, items: RespondFriendsArgs['items']): Promise<SnsResults> {
  return client.call(Op.RespondFriends, { items });
}

/** A page of the user's friends (100 from `startIndex`). */
export function friends(client: ParleyClient, startIndex = 0): Promise<FriendsResult> {
  return client.call(Op.Friends, { startIndex });
}

export function deleteFriends(client: ParleyClient, to: readonly string[], deleteType?: 'Delete_Type_Single' | 'Delete_Type_Both'): Promise<SnsResults> {
  return client.call(Op.DeleteFriends, deleteType ? { to: [...to], deleteType } : { to: [...to] });
}

export function checkFriends(client: ParleyClient, to: readonly string[], checkType: 'CheckResult_Type_Single' | 'CheckResult_Type_Both' = 'CheckResult_Type_Both'): Promise<CheckFriendsResult> {
  return client.call(Op.CheckFriends, { to: [...to], checkType });
}

export function addToBlacklist(client: ParleyClient, to: readonly string[]): Promise<SnsResults> {
  return client.call(Op.AddToBlacklist, { to: [...to] });
}

export function removeFromBlacklist(client: ParleyClient, to: readonly string[]): Promise<SnsResults> {
  return client.call(Op.RemoveFromBlacklist, { to: [...to] });
}

export function blacklist(client: ParleyClient, startIndex = 0, limit = 100): Promise<BlacklistPageResult> {
  return client.call(Op.Blacklist, { startIndex, limit });
}

/** Changes friends' remark, groups (Tag_SNS_IM_Group) or custom fields. */
export function updateFriends(client: ParleyClient, items: UpdateFriendsArgs['items']): Promise<SnsResults> {
  return client.call(Op.UpdateFriends, { items });
}

export function deleteAllFriends(client: ParleyClient, deleteType?: 'Delete_Type_Single' | 'Delete_Type_Both'): Promise<void> {
  return client.call(Op.DeleteAllFriends, deleteType ? { deleteType } : {});
}

/** Creates friend groups and puts friends (`to`) into them. */
export function addFriendGroups(client: ParleyClient, names: readonly string[], to?: readonly string[]): Promise<FriendGroupsChanged> {
  return client.call(Op.AddFriendGroups, to ? { names: [...names], to: [...to] } : { names: [...names] });
}

export function deleteFriendGroups(client: ParleyClient, names: readonly string[]): Promise<FriendGroupsChanged> {
  return client.call(Op.DeleteFriendGroups, { names: [...names] });
}

/** The user's friend groups with their friends (only `names` when given). */
export function friendGroups(client: ParleyClient, names?: readonly string[]): Promise<FriendGroupsResult> {
  return client.call(Op.FriendGroups, names ? { names: [...names] } : {});
}
